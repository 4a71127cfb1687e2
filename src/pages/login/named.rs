//! How pages name a person and an application: [`Account`] ("Alice (alice@example.com)") and
//! [`emphasised`] (a message with the application's name in bold, escaped).

use crate::i18n::Tr;
use crate::store::UserRow;

/// The person a page names: display name (else username) and email.
pub struct Account {
    pub name: String,
    pub email: Option<String>,
}

impl Account {
    pub fn of(row: &UserRow) -> Self {
        Account {
            name: row
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| row.username.clone()),
            email: row.email.clone().filter(|e| !e.is_empty()),
        }
    }
}

/// The message `id` with `$name` set to `value` in bold, as HTML for `|safe`: the translated
/// words and the value are both escaped, and only the value is wrapped in `<strong>`.
pub fn emphasised(tr: &Tr, id: &str, name: &str, value: &str) -> String {
    tr.t1_html(id, name, value, "<strong>", "</strong>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;

    #[test]
    fn only_the_name_is_bold_and_a_hostile_name_stays_text() {
        let en = Tr(Locale::En);
        assert_eq!(
            emphasised(&en, "login-continue-to", "client", "Photo Printer"),
            "Sign in to continue to <strong>Photo Printer</strong>."
        );
        assert_eq!(
            emphasised(
                &en,
                "login-continue-to",
                "client",
                "<img src=x onerror=alert(1)>"
            ),
            "Sign in to continue to <strong>&lt;img src=x onerror=alert(1)&gt;</strong>."
        );
        let fr = emphasised(&Tr(Locale::Fr), "logout-asked-by", "client", "R&D");
        assert_eq!(fr, "<strong>R&amp;D</strong> a demandé à vous déconnecter.");
    }
}
