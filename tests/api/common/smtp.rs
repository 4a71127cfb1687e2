//! A minimal SMTP server for the email tests: a test double of the protocol peer, speaking
//! EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP and QUIT (RFC 5321) on a loopback port, and handing
//! over what it received. It can also refuse (5xx) or hang (accept the connection and never
//! answer), to show what Tessera does with a failing server.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// How the server behaves.
#[derive(Debug, Clone, Copy)]
pub enum Mode {
    /// Accepts every message.
    Accept,
    /// Answers `550` to the first `times` MAIL commands, then accepts.
    Refuse { times: usize },
    /// Accepts connections and never says a word.
    Hang,
}

/// One message as received.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    /// The message (headers and body), dot-unstuffed, quoted-printable soft breaks removed.
    pub data: String,
}

impl Received {
    /// The link in the message to `issuer` + `path` (`?token=…`).
    pub fn link(&self, issuer: &str, path: &str) -> String {
        let prefix = format!("{issuer}{path}?token=");
        let start = self
            .data
            .find(&prefix)
            .unwrap_or_else(|| panic!("no {prefix} link in:\n{}", self.data));
        let token: String = self.data[start + prefix.len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        format!("{prefix}{token}")
    }
}

#[derive(Default)]
struct Shared {
    messages: Mutex<Vec<Received>>,
    connections: AtomicUsize,
    refusals: AtomicUsize,
    arrived: Notify,
}

/// A running test SMTP server; it stops when dropped.
pub struct SmtpServer {
    pub port: u16,
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpServer {
    /// Starts a server on a free loopback port.
    pub async fn start(mode: Mode) -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp");
        let port = listener.local_addr().expect("addr").port();
        let shared = Arc::new(Shared::default());
        let s = shared.clone();
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            loop {
                let Ok((socket, _)) = listener.accept().await else {
                    return;
                };
                s.connections.fetch_add(1, Ordering::SeqCst);
                if let Mode::Hang = mode {
                    held.push(socket); // never answered, never closed
                    continue;
                }
                let s = s.clone();
                tokio::spawn(async move {
                    let _ = session(socket, &s, mode).await;
                });
            }
        });
        SmtpServer { port, shared, task }
    }

    /// `[email]` settings pointing at this server, with short retry pauses.
    pub fn toml(&self) -> String {
        format!(
            "[email]\nsmtp_url = \"smtp://127.0.0.1:{}\"\nfrom = \"Tessera <no-reply@example.com>\"\n\
             send_timeout = \"2s\"\nretry_delays = [\"200ms\", \"200ms\"]\n",
            self.port
        )
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Received> {
        self.shared.messages.lock().expect("lock").clone()
    }

    /// Connections accepted so far (each delivery attempt opens one).
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// MAIL commands refused so far.
    pub fn refusals(&self) -> usize {
        self.shared.refusals.load(Ordering::SeqCst)
    }

    /// Waits (at most 20 s) until `n` messages have arrived; returns the `n`th.
    pub async fn wait_for(&self, n: usize) -> Received {
        let wait = async {
            loop {
                let notified = self.shared.arrived.notified();
                if let Some(m) = self.messages().get(n - 1) {
                    return m.clone();
                }
                notified.await;
            }
        };
        tokio::time::timeout(Duration::from_secs(20), wait)
            .await
            .unwrap_or_else(|_| panic!("message {n} did not arrive within 20 s"))
    }
}

/// One SMTP session.
async fn session(socket: tokio::net::TcpStream, s: &Shared, mode: Mode) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 localhost test SMTP\r\n").await?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let upper = line.to_ascii_uppercase();
        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("HELO") || upper.starts_with("NOOP") {
            b"250 OK\r\n"
        } else if upper.starts_with("RSET") {
            (from, to) = (String::new(), Vec::new());
            b"250 OK\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            let refused = match mode {
                Mode::Refuse { times } => s
                    .refusals
                    .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                        (n < times).then_some(n + 1)
                    })
                    .is_ok(),
                _ => false,
            };
            if refused {
                b"550 5.7.1 refused by the test server\r\n"
            } else {
                from = line[10..].trim().to_string();
                b"250 OK\r\n"
            }
        } else if upper.starts_with("RCPT TO:") {
            to.push(line[8..].trim().to_string());
            b"250 OK\r\n"
        } else if upper.starts_with("DATA") {
            write.write_all(b"354 go ahead\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            let data = data.replace("=\r\n", "").replace("=3D", "=");
            s.messages.lock().expect("lock").push(Received {
                from: std::mem::take(&mut from),
                to: std::mem::take(&mut to),
                data,
            });
            s.arrived.notify_waiters();
            b"250 OK queued\r\n"
        } else if upper.starts_with("QUIT") {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            b"502 command not implemented\r\n"
        };
        write.write_all(reply).await?;
    }
}
