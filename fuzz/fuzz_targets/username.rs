//! `Username::parse`, the identifier profile every username goes through: any string gives a
//! username or an error, never a panic, and what it accepts must hold the promises the store,
//! the login page and the throttle rely on.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera::domain::Username;
use tessera::domain::identifier::fold;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    // The throttle folds any input: it must not panic, and folding is idempotent.
    let folded = fold(s);
    assert_eq!(fold(&folded), folded);
    let Ok(name) = Username::parse(s) else {
        return;
    };
    // Accepted names are bounded, without whitespace or controls, and folded as `fold` does.
    for form in [name.as_str(), name.folded()] {
        let n = form.chars().count();
        assert!((1..=64).contains(&n));
        assert!(!form.chars().any(|c| c.is_whitespace() || c.is_control()));
    }
    assert_eq!(name.folded(), fold(name.as_str()));
    // The folded and displayed forms name the same account.
    let again = Username::parse(name.folded()).expect("a folded name parses");
    assert_eq!(again.folded(), name.folded());
    let shown = Username::parse(name.as_str()).expect("a displayed name parses");
    assert_eq!(shown.folded(), name.folded());
});
