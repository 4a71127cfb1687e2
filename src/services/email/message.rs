//! The messages: plain text plus a simple HTML part, naming the issuer's host, carrying one
//! link and no other secret (never a password).

use lettre::Message;
use lettre::message::{Mailbox, MultiPart};

use crate::domain::EmailPurpose;
use crate::i18n::{Locale, Tr, escape_html};

/// The message ids of what a message says, by purpose (`email.ftl`).
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
            subject: "email-verify-subject",
            intro: "email-verify-intro",
            action: "email-verify-action",
            validity: "email-verify-validity",
            otherwise: "email-verify-otherwise",
        },
        EmailPurpose::Reset => Wording {
            subject: "email-reset-subject",
            intro: "email-reset-intro",
            action: "email-reset-action",
            validity: "email-reset-validity",
            otherwise: "email-reset-otherwise",
        },
    }
}

/// The message of `purpose` to `to`, from `from`, with `link`, written in `locale`; `host` is
/// the issuer's host.
pub fn compose(
    locale: Locale,
    purpose: EmailPurpose,
    from: &Mailbox,
    to: Mailbox,
    host: &str,
    link: &str,
) -> Result<Message, lettre::error::Error> {
    let Parts {
        subject,
        text,
        html,
    } = parts(locale, purpose, host, link);
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(subject)
        .multipart(MultiPart::alternative_plain_html(text, html))
}

/// A message's subject, plain text and HTML.
struct Parts {
    subject: String,
    text: String,
    html: String,
}

fn parts(locale: Locale, purpose: EmailPurpose, host: &str, link: &str) -> Parts {
    let tr = Tr(locale);
    let w = wording(purpose);
    let subject = tr.t1(w.subject, "host", &host);
    let intro = tr.t1(w.intro, "host", &host);
    let (action, validity, otherwise) = (tr.t(w.action), tr.t(w.validity), tr.t(w.otherwise));
    let text = format!("{intro}\r\n\r\n{action}:\r\n{link}\r\n\r\n{validity}\r\n{otherwise}\r\n");
    let html_intro = tr.t1_html(w.intro, "host", host, "<strong dir=\"ltr\">", "</strong>");
    let html = format!(
        "<!doctype html><html lang=\"{lang}\" dir=\"{dir}\"><body>\
         <p>{html_intro}</p>\
         <p><a href=\"{link}\">{action}</a></p>\
         <p>{validity}</p><p>{otherwise}</p>\
         </body></html>",
        lang = tr.lang(),
        dir = tr.dir(),
        link = escape_html(link),
        action = escape_html(&action),
        validity = escape_html(&validity),
        otherwise = escape_html(&otherwise),
    );
    Parts {
        subject,
        text,
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `Tr::t1_html` marks the value's place with while it escapes.
    const HOST_MARK: &str = "\u{E000}";

    const LINK: &str = "https://id.example.com/reset-password?token=abc";

    #[test]
    fn a_message_has_the_link_the_host_and_both_parts() {
        let from: Mailbox = "Tessera <no-reply@example.com>".parse().unwrap();
        let to: Mailbox = "alice@example.com".parse().unwrap();
        let m = compose(
            Locale::En,
            EmailPurpose::Reset,
            &from,
            to,
            "id.example.com",
            LINK,
        );
        let raw = String::from_utf8(m.unwrap().formatted()).unwrap();
        assert!(raw.contains("text/plain"), "{raw}");
        assert!(raw.contains("text/html"), "{raw}");
        assert!(raw.contains("id.example.com"), "{raw}");
    }

    #[test]
    fn every_language_says_it_in_its_own_words_with_the_host_and_the_link() {
        let english = parts(Locale::En, EmailPurpose::Reset, "id.example.com", LINK);
        assert_eq!(english.subject, "Reset your password (id.example.com)");
        let german = parts(Locale::De, EmailPurpose::Reset, "id.example.com", LINK);
        assert_eq!(german.subject, "Passwort zurücksetzen (id.example.com)");
        for locale in Locale::ALL {
            for purpose in [EmailPurpose::Verify, EmailPurpose::Reset] {
                let p = parts(locale, purpose, "id.example.com", LINK);
                assert!(p.subject.contains("id.example.com"), "{locale}");
                assert!(
                    p.text.contains("id.example.com") && p.text.contains(LINK),
                    "{locale}"
                );
                let lang = format!("<html lang=\"{}\"", locale.tag());
                assert!(
                    p.html.starts_with(&format!("<!doctype html>{lang}")),
                    "{locale}"
                );
                assert!(
                    p.html
                        .contains("<strong dir=\"ltr\">id.example.com</strong>"),
                    "{locale}: {}",
                    p.html
                );
                assert!(!p.html.contains(HOST_MARK), "{locale}");
            }
        }
    }
}
