//! One of two instances on one database is killed with SIGKILL while both are under load
//! (issue 7, item 2): the survivor keeps answering, and after a restart everything issued and
//! acknowledged before the kill still works, with no refresh family left half-rotated.
//!
//! Both backends: on PostgreSQL the killed instance's connections drop and its open
//! transactions roll back; on SQLite two processes share one WAL file, the kernel releases the
//! dead process's locks and its uncommitted frames are ignored — both are real deployments.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::flow::{AuthRequest, PASSWORD, Pkce, Rp, USERNAME, callback};
use crate::common::process::ServeProcess;
use crate::common::{ConfigFile, free_port, spawn_app};

/// How long the load runs on both instances before the kill, and on the survivor after it.
const LOAD_BEFORE_KILL: Duration = Duration::from_millis(1500);
const LOAD_AFTER_KILL: Duration = Duration::from_millis(1500);
/// Successes each worker must have had before the kill, and on the survivor after it.
const MIN_SUCCESSES: usize = 3;

/// What every worker shares: the two instances' base URLs, the kill flag, and the stop flag.
#[derive(Clone)]
struct Load {
    a: String,
    b: String,
    /// Set just before B is killed: from then on workers use A only, and a failed request to
    /// B is expected.
    b_killed: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    http: reqwest::Client,
}

/// Where one request went.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Target {
    A,
    B,
}

impl Load {
    /// Alternates between the instances while both run; A only once B is killed.
    fn target(&self, i: usize) -> Target {
        if self.b_killed.load(Ordering::SeqCst) || i.is_multiple_of(2) {
            Target::A
        } else {
            Target::B
        }
    }

    /// A short breath between requests: load, not a benchmark on a shared machine.
    async fn pause(&self) {
        // Concurrency: the load's pacing.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    fn url(&self, t: Target, path: &str) -> String {
        match t {
            Target::A => format!("{}{path}", self.a),
            Target::B => format!("{}{path}", self.b),
        }
    }

    /// A transport error is expected only from B once it has been (or is being) killed.
    fn check_transport_error(&self, t: Target, what: &str, e: &reqwest::Error) {
        assert!(
            t == Target::B && self.b_killed.load(Ordering::SeqCst),
            "{what} on {t:?} failed without an answer: {e}"
        );
    }

    /// POSTs a client-authenticated form; `Ok(None)` when B was killed under the request.
    async fn post(
        &self,
        t: Target,
        path: &str,
        client: (&str, &str),
        form: &[(&str, &str)],
    ) -> Option<(u16, Value)> {
        let sent = self
            .http
            .post(self.url(t, path))
            .basic_auth(client.0, Some(client.1))
            .form(form)
            .send()
            .await;
        let r = match sent {
            Ok(r) => r,
            Err(e) => {
                self.check_transport_error(t, path, &e);
                return None;
            }
        };
        let status = r.status().as_u16();
        match r.text().await {
            Ok(text) => Some((status, serde_json::from_str(&text).unwrap_or(Value::Null))),
            Err(e) => {
                self.check_transport_error(t, path, &e);
                None
            }
        }
    }
}

/// A worker's tally: successes before the kill (either instance) and on A after it.
#[derive(Default, Debug)]
struct Tally {
    before_kill: AtomicUsize,
    after_kill: AtomicUsize,
}

impl Tally {
    fn count(&self, load: &Load) {
        if load.b_killed.load(Ordering::SeqCst) {
            self.after_kill.fetch_add(1, Ordering::SeqCst);
        } else {
            self.before_kill.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// An access token the server acknowledged with a 200, and whether that was before the kill.
struct Issued {
    token: String,
    before_kill: bool,
}

/// client_credentials in a loop: every 200 is an access token that must stay valid.
async fn client_credentials_worker(
    load: Load,
    client: (String, String),
    tally: Arc<Tally>,
) -> Vec<Issued> {
    let mut issued = Vec::new();
    let mut i = 0;
    while !load.stop.load(Ordering::SeqCst) {
        let t = load.target(i);
        i += 1;
        let before_kill = !load.b_killed.load(Ordering::SeqCst);
        let form = [("grant_type", "client_credentials")];
        let Some((status, body)) = load.post(t, "/token", (&client.0, &client.1), &form).await
        else {
            continue;
        };
        assert_eq!(status, 200, "client_credentials on {t:?}: {body}");
        issued.push(Issued {
            token: body["access_token"]
                .as_str()
                .expect("access_token")
                .to_string(),
            before_kill,
        });
        tally.count(&load);
        load.pause().await;
    }
    issued
}

/// One refresh-token family as its holder knows it.
#[derive(Debug)]
struct Chain {
    /// The refresh token of the last 200 (live, unless a lost answer rotated it).
    refresh: String,
    /// The access token of the last 200 (None while only the seeded token exists).
    access: Option<String>,
    /// A request with `refresh` was cut off by the kill: the server may or may not have
    /// rotated it, so the holder cannot know whether `refresh` is still live.
    in_doubt: bool,
}

/// Rotates one family in a loop. Without `through_kill` it alternates between the instances
/// and stops at the kill, so its last token is one issued before it (or one whose rotation the
/// kill cut off). With `through_kill` it uses only A, the survivor, and goes on after the
/// kill: a chain that talked to B could be cut off and would have to stop.
async fn refresh_worker(
    load: Load,
    client: (String, String),
    mut chain: Chain,
    through_kill: bool,
    tally: Arc<Tally>,
) -> Chain {
    let mut i = 1;
    while !load.stop.load(Ordering::SeqCst) && !chain.in_doubt {
        if !through_kill && load.b_killed.load(Ordering::SeqCst) {
            break;
        }
        let t = if through_kill {
            Target::A
        } else {
            load.target(i)
        };
        i += 1;
        let form = [
            ("grant_type", "refresh_token"),
            ("refresh_token", chain.refresh.as_str()),
        ];
        let Some((status, body)) = load.post(t, "/token", (&client.0, &client.1), &form).await
        else {
            chain.in_doubt = true;
            break;
        };
        assert_eq!(status, 200, "refresh on {t:?}: {body}");
        chain.refresh = body["refresh_token"]
            .as_str()
            .expect("refresh_token")
            .to_string();
        chain.access = Some(
            body["access_token"]
                .as_str()
                .expect("access_token")
                .to_string(),
        );
        tally.count(&load);
        load.pause().await;
    }
    chain
}

/// A code the server handed out (302 to the client), not yet redeemed.
struct Code {
    code: String,
    verifier: String,
    before_kill: bool,
}

/// `GET /authorize` with a signed-in session in a loop, collecting codes.
async fn code_worker(load: Load, http: reqwest::Client, rp: Rp, tally: Arc<Tally>) -> Vec<Code> {
    let mut codes = Vec::new();
    let mut i = 0;
    while !load.stop.load(Ordering::SeqCst) {
        let t = load.target(i);
        i += 1;
        let before_kill = !load.b_killed.load(Ordering::SeqCst);
        let pkce = Pkce::new();
        let req = AuthRequest::new(&rp, &pkce).set("scope", Some("openid offline_access"));
        let url = format!("{}?{}", load.url(t, "/authorize"), req.query());
        let r = match http.get(url).send().await {
            Ok(r) => r,
            Err(e) => {
                load.check_transport_error(t, "/authorize", &e);
                continue;
            }
        };
        codes.push(Code {
            code: callback(&r)["code"].clone(),
            verifier: pkce.verifier,
            before_kill,
        });
        tally.count(&load);
        load.pause().await;
    }
    codes
}

/// Waits until every tally has `n` successes in the phase `pick` selects (at most a minute).
async fn wait_for_progress(tallies: &[Arc<Tally>], n: usize, pick: fn(&Tally) -> usize) {
    let start = Instant::now();
    while tallies.iter().any(|t| pick(t) < n) {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "workers made no progress: {tallies:?}"
        );
        // Polling: the workers run in their own tasks.
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn sigkill_mid_load_loses_nothing() {
    // Set-up through the in-process server (CLI, sign-in). It stays up as the issuer's address
    // (a load balancer's, say) but takes no load: A and B are the real processes under test.
    let app = spawn_app().await;
    app.create_user(USERNAME, PASSWORD).await;
    let rp = app.rp(&["--first-party"]).await;
    let (id, secret) = app.refresh_client().await;
    let client = (id.clone(), secret.clone());
    let mut families = Vec::new();
    for _ in 0..6 {
        families.push(
            app.grant_refresh_token(&id, "openid offline_access api")
                .await,
        );
    }
    let doomed = app.grant_refresh_token(&id, "api offline_access").await;

    let keys = app.dir.path().join("keys");
    let extra = "[tokens]\ncode_ttl = \"10m\"\n";
    let a_bind = format!("127.0.0.1:{}", free_port());
    let b_bind = format!("127.0.0.1:{}", free_port());
    let instance = |bind| {
        ConfigFile::new(&app.issuer, &app.db.url, &keys)
            .bind(bind)
            .extra(extra)
    };
    let a_cfg = instance(&a_bind).write(&app.dir.path().join("a"));
    let b_cfg = instance(&b_bind).write(&app.dir.path().join("b"));
    let a = ServeProcess::start(&a_cfg, &a_bind).await;
    let mut b = ServeProcess::start(&b_cfg, &b_bind).await;

    // The code worker's browser signs in once (on the issuer's address: the session lives in
    // the shared database, so A and B honour its cookie).
    let first = AuthRequest::new(&rp, &Pkce::new());
    app.code_via_login(&first).await;

    let load = Load {
        a: a.base.clone(),
        b: b.base.clone(),
        b_killed: Arc::new(AtomicBool::new(false)),
        stop: Arc::new(AtomicBool::new(false)),
        http: reqwest::Client::new(),
    };
    let tallies: Vec<Arc<Tally>> = (0..2 + families.len() + 1)
        .map(|_| Arc::new(Tally::default()))
        .collect();
    let mut cc = Vec::new();
    for t in &tallies[..2] {
        cc.push(tokio::spawn(client_credentials_worker(
            load.clone(),
            client.clone(),
            t.clone(),
        )));
    }
    let mut refreshers = Vec::new();
    for (n, (g, t)) in families.iter().zip(&tallies[2..]).enumerate() {
        let chain = Chain {
            refresh: g.refresh_token.clone(),
            access: None,
            in_doubt: false,
        };
        let through_kill = n % 2 == 0;
        refreshers.push((
            through_kill,
            tokio::spawn(refresh_worker(
                load.clone(),
                client.clone(),
                chain,
                through_kill,
                t.clone(),
            )),
        ));
    }
    let code_tally = tallies.last().expect("code tally").clone();
    let codes = tokio::spawn(code_worker(
        load.clone(),
        app.http.clone(),
        rp.clone(),
        code_tally,
    ));

    // Before the kill, B revokes a refresh family and an access token: that must survive too.
    let revoked_access = {
        let (_, body) = load
            .post(
                Target::B,
                "/token",
                (&id, &secret),
                &[("grant_type", "client_credentials")],
            )
            .await
            .expect("B answers");
        body["access_token"]
            .as_str()
            .expect("access_token")
            .to_string()
    };
    for token in [revoked_access.as_str(), doomed.refresh_token.as_str()] {
        let (status, _) = load
            .post(Target::B, "/revoke", (&id, &secret), &[("token", token)])
            .await
            .expect("B answers");
        assert_eq!(status, 200);
    }

    // Concurrency: both instances under load for a while before the kill.
    tokio::time::sleep(LOAD_BEFORE_KILL).await;
    wait_for_progress(&tallies, MIN_SUCCESSES, |t| {
        t.before_kill.load(Ordering::SeqCst)
    })
    .await;
    load.b_killed.store(true, Ordering::SeqCst);
    b.kill().await;

    // The survivor keeps answering 200 (every answer from A is asserted to be 200).
    // Concurrency: the survivor under load for a while after it.
    tokio::time::sleep(LOAD_AFTER_KILL).await;
    let survivors: Vec<Arc<Tally>> = tallies[..2]
        .iter()
        .chain(tallies[2..2 + families.len()].iter().step_by(2))
        .chain(std::iter::once(tallies.last().expect("code tally")))
        .cloned()
        .collect();
    wait_for_progress(&survivors, MIN_SUCCESSES, |t| {
        t.after_kill.load(Ordering::SeqCst)
    })
    .await;
    load.stop.store(true, Ordering::SeqCst);

    let mut issued = Vec::new();
    for h in cc {
        issued.extend(h.await.expect("client_credentials worker"));
    }
    let mut chains = Vec::new();
    for (through_kill, h) in refreshers {
        chains.push((through_kill, h.await.expect("refresh worker")));
    }
    let codes = codes.await.expect("code worker");

    eprintln!(
        "sigkill: {} access tokens ({} before the kill), {} refresh chains ({} cut off by the kill), {} codes",
        issued.len(),
        issued.iter().filter(|i| i.before_kill).count(),
        chains.len(),
        chains.iter().filter(|(_, c)| c.in_doubt).count(),
        codes.len(),
    );
    b.restart().await;
    verify_access_tokens(&load, &client, &issued, &revoked_access).await;
    verify_chains(&load, &client, &chains, &doomed.refresh_token).await;
    verify_codes(&load, &rp, &codes).await;
    for p in [&a, &b] {
        assert!(!p.log_text().contains("panicked"), "{}", p.log_text());
    }
}

/// Every acknowledged access token introspects active on the restarted instance; the one B
/// revoked before the kill stays inactive.
async fn verify_access_tokens(
    load: &Load,
    client: &(String, String),
    issued: &[Issued],
    revoked: &str,
) {
    assert!(
        issued.iter().any(|i| i.before_kill),
        "no token issued before the kill"
    );
    for i in issued {
        let (status, body) = load
            .post(
                Target::B,
                "/introspect",
                (&client.0, &client.1),
                &[("token", &i.token)],
            )
            .await
            .expect("B answers");
        assert_eq!(status, 200);
        assert_eq!(
            body["active"], true,
            "token lost (issued before kill: {})",
            i.before_kill
        );
    }
    let (_, body) = load
        .post(
            Target::B,
            "/introspect",
            (&client.0, &client.1),
            &[("token", revoked)],
        )
        .await
        .expect("B answers");
    assert_eq!(
        body,
        serde_json::json!({"active": false}),
        "revocation lost"
    );
}

/// Every family is consistent as seen from outside: a chain whose last answer arrived
/// refreshes exactly once; a chain cut off by the kill either was not rotated (refreshes) or
/// was, and then presenting its old token is reuse that revokes the family and its access
/// tokens — never anything in between. The family B revoked stays revoked.
async fn verify_chains(
    load: &Load,
    client: &(String, String),
    chains: &[(bool, Chain)],
    doomed: &str,
) {
    let c = (client.0.as_str(), client.1.as_str());
    for (through_kill, chain) in chains {
        let access = chain
            .access
            .as_deref()
            .expect("every chain refreshed before the kill");
        let (status, body) = refresh_on_b(load, c, &chain.refresh).await;
        if chain.in_doubt && status == 400 {
            // The cut-off rotation committed: this was reuse, and the family is gone.
            assert_eq!(body["error"], "invalid_grant", "{body}");
            wait_inactive(load, c, access).await;
            continue;
        }
        assert_eq!(
            status, 200,
            "chain (through kill: {through_kill}) lost: {body}"
        );
        assert_eq!(introspect_on_b(load, c, access).await["active"], true);
        let (again, body) = refresh_on_b(load, c, &chain.refresh).await;
        assert_eq!(
            (again, body["error"].as_str()),
            (400, Some("invalid_grant")),
            "a refresh token worked twice"
        );
    }
    let (status, body) = refresh_on_b(load, c, doomed).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant")),
        "a family revoked before the kill came back"
    );
}

async fn refresh_on_b(load: &Load, client: (&str, &str), token: &str) -> (u16, Value) {
    let form = [("grant_type", "refresh_token"), ("refresh_token", token)];
    load.post(Target::B, "/token", client, &form)
        .await
        .expect("B answers")
}

async fn introspect_on_b(load: &Load, client: (&str, &str), token: &str) -> Value {
    let (status, body) = load
        .post(Target::B, "/introspect", client, &[("token", token)])
        .await
        .expect("B answers");
    assert_eq!(status, 200, "{body}");
    body
}

/// Polls until the token introspects inactive (revocations reach an instance within ~1 s).
async fn wait_inactive(load: &Load, client: (&str, &str), token: &str) {
    let start = Instant::now();
    while introspect_on_b(load, client, token).await["active"] != false {
        assert!(
            start.elapsed() < Duration::from_secs(15),
            "family revoked but its access token is still active"
        );
        // Polling: B's own background task re-reads the revocation list (B is a process).
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Codes handed out before the kill are redeemed on the restarted instance, later ones on A.
async fn verify_codes(load: &Load, rp: &Rp, codes: &[Code]) {
    let before: Vec<&Code> = codes.iter().filter(|c| c.before_kill).take(10).collect();
    let after: Vec<&Code> = codes.iter().filter(|c| !c.before_kill).take(3).collect();
    assert!(
        !before.is_empty() && !after.is_empty(),
        "codes on both sides of the kill"
    );
    let secret = rp.secret.as_deref().expect("confidential rp");
    for (t, code) in before
        .iter()
        .map(|c| (Target::B, c))
        .chain(after.iter().map(|c| (Target::A, c)))
    {
        let form = [
            ("grant_type", "authorization_code"),
            ("code", code.code.as_str()),
            ("redirect_uri", rp.redirect_uri.as_str()),
            ("code_verifier", code.verifier.as_str()),
        ];
        let (status, body) = load
            .post(t, "/token", (&rp.client_id, secret), &form)
            .await
            .expect("answer");
        assert_eq!(
            status, 200,
            "code issued before the kill: {}: {body}",
            code.before_kill
        );
        assert!(body["refresh_token"].is_string(), "{body}");
    }
}
