//! How pages name a person and an application: [`Account`] ("Alice (alice@example.com)") and
//! [`emphasised`] (a message with the application's name in bold, escaped).

use crate::pages::Ui;
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
pub fn emphasised(ui: &Ui, id: &str, name: &str, value: &str) -> String {
    // A private-use character stands in for the value while the words are escaped.
    const MARK: &str = "\u{E000}";
    let text = escape_html(&ui.t1(id, name, &MARK));
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
