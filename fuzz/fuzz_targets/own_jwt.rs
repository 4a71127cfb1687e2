//! Tokens that claim to be Tessera's own: access-token verification (RFC 9068, as `/userinfo`,
//! `/introspect` and `/revoke` do it) and the `id_token_hint` check of `/logout`, against a real
//! key set on a throwaway SQLite database.
//!
//! First byte even: the rest is a token as a client would send it. Odd: the rest is a claims
//! payload, signed here with the live key so the fuzzer reaches the claim checks behind the
//! signature, which it could never forge.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use tessera::state::AppState;
use tessera::domain::Alg;
use tessera::http::form::Params;
use tessera::logout::request;
use tessera::tokens::verify_access_token;

struct World {
    rt: tokio::runtime::Runtime,
    state: AppState,
    _dir: tempfile::TempDir,
}

static WORLD: LazyLock<World> = LazyLock::new(|| {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("config.toml");
    let text = format!(
        "issuer = \"http://127.0.0.1:9\"\n[server]\nbind = \"127.0.0.1:9\"\n\
         [database]\nurl = \"sqlite://{db}?mode=rwc\"\nmax_connections = 1\n\
         [keys]\ndir = \"{keys}\"\naccess_token_alg = \"ES256\"\nid_token_alg = \"ES256\"\n",
        db = dir.path().join("fuzz.db").display(),
        keys = dir.path().join("keys").display(),
    );
    std::fs::write(&path, text).expect("config");
    let config =
        tessera::config::Config::load_with_env(&path, &Default::default()).expect("config");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let state = rt
        .block_on(tessera::server::prepare(config, tessera::clock::Clock::system()))
        .expect("state");
    World {
        rt,
        state,
        _dir: dir,
    }
});

fuzz_target!(|data: &[u8]| {
    let world = &*WORLD;
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let token = if mode % 2 == 0 {
        text.to_string()
    } else {
        let Ok(claims) = serde_json::from_str::<serde_json::Value>(text) else {
            return;
        };
        let typ = if mode & 2 == 0 { "at+jwt" } else { "JWT" };
        world
            .state
            .keys
            .sign(Alg::ES256, typ, &claims)
            .expect("sign")
    };
    let _ = verify_access_token(&world.state, &token, 1_700_000_000);
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("id_token_hint", &token)
        .finish();
    if let Ok(params) = Params::parse(query.as_bytes()) {
        let _ = world.rt.block_on(logout::validate(&world.state, &params));
    }
});
