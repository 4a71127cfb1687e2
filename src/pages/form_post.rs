//! The form_post response page (OAuth 2.0 Form Post Response Mode): a form that carries the
//! answer to the client's redirect URI and submits itself (`/assets/form_post.js`), with a
//! Continue button for a browser without scripts. The answer is decided where the person's
//! language is not known, so the page is drawn by [`super::localize`], like an error page.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::{Ui, form_action_source, render};

/// The answer to post: the client's redirect URI and the response parameters.
#[derive(Debug, Clone)]
pub struct FormPost {
    pub action: String,
    pub fields: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "form_post.html")]
struct FormPostPage<'a> {
    ui: &'a Ui,
    action: &'a str,
    fields: &'a [(String, String)],
}

impl IntoResponse for FormPost {
    /// An empty answer carrying the form; [`super::localize`] draws it.
    fn into_response(self) -> Response {
        let mut resp = StatusCode::OK.into_response();
        resp.extensions_mut().insert(self);
        resp
    }
}

impl FormPost {
    /// The page in the person's language. Its CSP lets the form go to the redirect URI and
    /// nowhere else, not even back to Tessera.
    pub fn page(&self, ui: &Ui) -> Response {
        let mut resp = render(
            StatusCode::OK,
            &FormPostPage {
                ui,
                action: &self.action,
                fields: &self.fields,
            },
        );
        let target = form_action_source(&self.action).unwrap_or_else(|| "'none'".into());
        let csp = super::CSP.replace("form-action 'self'", &format!("form-action {target}"));
        if let Ok(v) = HeaderValue::from_str(&csp) {
            resp.headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, v);
        }
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::super::form_action_source;

    #[test]
    fn a_redirect_uri_becomes_one_source_expression() {
        assert_eq!(
            form_action_source("https://rp.example/cb?x=1#f").as_deref(),
            Some("https://rp.example/cb"),
            "no query, no fragment"
        );
        assert_eq!(
            form_action_source("http://127.0.0.1:8080/a;b,c").as_deref(),
            Some("http://127.0.0.1:8080/a%3Bb%2Cc"),
            "delimiters of the policy encoded"
        );
        assert_eq!(
            form_action_source("http://[::1]:8080/cb").as_deref(),
            Some("http:")
        );
        assert_eq!(
            form_action_source("com.example.app:/cb").as_deref(),
            Some("com.example.app:")
        );
        assert_eq!(form_action_source("not a url"), None);
    }
}
