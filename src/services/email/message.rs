//! The messages: plain text plus a simple HTML part, naming the issuer's host, carrying one
//! link and no other secret (never a password).

use lettre::Message;
use lettre::message::{Mailbox, MultiPart};

use crate::domain::EmailPurpose;

/// What a message says, by purpose.
struct Wording {
    subject: &'static str,
    intro: &'static str,
    action: &'static str,
    validity: &'static str,
    otherwise: &'static str,
}

fn wording(purpose: EmailPurpose) -> Wording {
    match purpose {
        EmailPurpose::Verify => Wording {
            subject: "Confirm your email address",
            intro: "Please confirm that this is your email address for your account at",
            action: "Confirm my email address",
            validity: "The link works once, for 24 hours.",
            otherwise: "If you did not expect this message, you can ignore it.",
        },
        EmailPurpose::Reset => Wording {
            subject: "Reset your password",
            intro: "Someone asked to reset the password of your account at",
            action: "Choose a new password",
            validity: "The link works once, for 15 minutes.",
            otherwise: "If you did not ask for this, ignore this message: your password stays \
                        as it is.",
        },
    }
}

/// The message of `purpose` to `to`, from `from`, with `link`; `host` is the issuer's host.
pub fn compose(
    purpose: EmailPurpose,
    from: &Mailbox,
    to: Mailbox,
    host: &str,
    link: &str,
) -> Result<Message, lettre::error::Error> {
    let w = wording(purpose);
    let subject = format!("{} ({host})", w.subject);
    let text = format!(
        "{intro} {host}.\r\n\r\n{action}:\r\n{link}\r\n\r\n{validity}\r\n{otherwise}\r\n",
        intro = w.intro,
        action = w.action,
        validity = w.validity,
        otherwise = w.otherwise,
    );
    let html = format!(
        "<!doctype html><html><body>\
         <p>{intro} <strong>{host}</strong>.</p>\
         <p><a href=\"{link}\">{action}</a></p>\
         <p>{validity}</p><p>{otherwise}</p>\
         </body></html>",
        intro = escape(w.intro),
        host = escape(host),
        link = escape(link),
        action = escape(w.action),
        validity = escape(w.validity),
        otherwise = escape(w.otherwise),
    );
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .multipart(MultiPart::alternative_plain_html(text, html))
}

/// HTML-escapes text and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_has_the_link_the_host_and_both_parts() {
        let from: Mailbox = "Tessera <no-reply@example.com>".parse().unwrap();
        let to: Mailbox = "alice@example.com".parse().unwrap();
        let link = "https://id.example.com/reset-password?token=abc";
        let m = compose(EmailPurpose::Reset, &from, to, "id.example.com", link).unwrap();
        let raw = String::from_utf8(m.formatted()).unwrap();
        assert!(raw.contains("text/plain"), "{raw}");
        assert!(raw.contains("text/html"), "{raw}");
        assert!(raw.contains("id.example.com"), "{raw}");
    }
}
