//! `is_form_content_type`, the check every protocol POST's `Content-Type` passes: any string
//! must give an answer, never a panic, and what it accepts must really be the form type, with
//! nothing but parameters after it.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::http::form::is_form_content_type;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    if is_form_content_type(value) {
        let essence = value.split(';').next().unwrap_or_default().trim();
        assert!(essence.eq_ignore_ascii_case("application/x-www-form-urlencoded"));
    }
});
