//! `Params::parse`, the reader of every protocol form body and query string: any bytes must
//! give parameters or an `invalid_request`, never a panic, and what it accepts must hold the
//! promises the handlers rely on.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::http::form::{MAX_PARAM_LEN, Params};

fuzz_target!(|data: &[u8]| {
    let Ok(params) = Params::parse(data) else {
        return;
    };
    // Accepted input is UTF-8, and no value is over the limit or carries a NUL.
    assert!(std::str::from_utf8(data).is_ok());
    for name in [
        "grant_type",
        "code",
        "client_id",
        "scope",
        "id_token_hint",
        "a",
    ] {
        if let Some(v) = params.get(name) {
            assert!(!v.is_empty() && v.len() <= MAX_PARAM_LEN && !v.contains('\0'));
            assert!(params.require(name).is_ok());
        }
    }
});
