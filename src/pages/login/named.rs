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
    // A private-use character stands in for the value while the words are escaped.
    const MARK: &str = "\u{E000}";
    let text = escape_html(&tr.t1(id, name, &MARK));
    text.replacen(MARK, &format!("<strong>{}</strong>", escape_html(value)), 1)
}

fn escape_html(s: &str) -> String {
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
