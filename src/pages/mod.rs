//! Server-rendered pages for people (askama templates live in `templates/`). Every page goes
//! through [`html`], which sets the security headers once.

pub mod consent;
pub mod device;
pub mod enroll;
pub mod login;
pub mod passkey;
pub mod second_step;
pub mod ui;
pub mod upstream;

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::PageError;
pub use ui::Ui;

/// Set on every request by the envelope (`http/envelope.rs`).
const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The one stylesheet, compiled into the binary.
const STYLE_CSS: &str = include_str!("../../templates/style.css");

/// Content-Security-Policy of every page: no inline scripts or styles, no framing. The passkey
/// script fetches its challenges from Tessera itself (`connect-src 'self'`).
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; \
                       connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

/// An HTML response with the headers every page carries (CSP, no framing, no referrer,
/// no caching, no sniffing).
pub fn html(status: StatusCode, body: String) -> Response {
    let mut resp = (status, body).into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    resp
}

/// As [`render`], with the CSP also allowing the one image `image` (an https URL
/// [`consent::shown_logo`] accepted): a client's logo, and nothing else from its host.
pub fn render_with_image<T: Template>(
    status: StatusCode,
    template: &T,
    image: Option<&str>,
) -> Response {
    let mut resp = render(status, template);
    if let Some(image) = image
        && resp.status() == status
    {
        let csp = CSP.replace("img-src 'self'", &format!("img-src 'self' {image}"));
        if let Ok(v) = HeaderValue::from_str(&csp) {
            resp.headers_mut()
                .insert(header::CONTENT_SECURITY_POLICY, v);
        }
    }
    resp
}

/// Renders a template into a page, or a plain error page if rendering fails.
pub fn render<T: Template>(status: StatusCode, template: &T) -> Response {
    match template.render() {
        Ok(body) => html(status, body),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            html(
                StatusCode::INTERNAL_SERVER_ERROR,
                "<!doctype html><title>Error</title><p>Something went wrong.</p>".into(),
            )
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    ui: &'a Ui,
    title: String,
    message: String,
    /// How long to wait, in words, when the error says to wait.
    wait: Option<String>,
    request_id: Option<&'a str>,
}

/// A readable error page for people, in their language, with the request id they can give to
/// support.
pub fn error_page(ui: &Ui, request_id: Option<&str>, e: &PageError) -> Response {
    let page = ErrorPage {
        ui,
        title: ui.msg(&e.title),
        message: ui.msg(&e.message),
        wait: e.retry_after.map(|secs| ui.tr.wait(secs)),
        request_id,
    };
    let mut resp = render(e.status, &page);
    if let Some(secs) = e.retry_after {
        resp.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    resp
}

/// Middleware on every page a person visits: a [`PageError`] a handler returned becomes its page
/// here, where the person's language and the request id are known.
pub async fn localize(ui: Ui, req: Request, next: Next) -> Response {
    let request_id = req.headers().get(REQUEST_ID).cloned();
    let mut resp = next.run(req).await;
    if let Some(e) = resp.extensions_mut().remove::<PageError>() {
        let id = request_id.as_ref().and_then(|v| v.to_str().ok());
        let mut page = error_page(&ui, id, &e);
        // Headers the handler and the session layer set (cookies) stay, every value of each.
        for name in resp.headers().keys() {
            if !page.headers().contains_key(name) {
                for value in resp.headers().get_all(name) {
                    page.headers_mut().append(name.clone(), value.clone());
                }
            }
        }
        return page;
    }
    resp
}

/// `GET /assets/style.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        STYLE_CSS,
    )
        .into_response()
}

/// `GET /assets/form_post.js`: submits the form_post response page (served, not inline, so
/// the CSP can forbid inline scripts).
pub async fn form_post_script() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        include_str!("../../templates/form_post.js"),
    )
        .into_response()
}

/// `GET /assets/passkey.js`: the passkey buttons (WebAuthn needs the browser's JavaScript
/// API); the pages work without it, the buttons stay hidden.
pub async fn passkey_script() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        include_str!("../../templates/passkey.js"),
    )
        .into_response()
}

/// Any path Tessera does not serve.
pub async fn not_found(ui: Ui, headers: HeaderMap) -> Response {
    let request_id = headers.get(REQUEST_ID).and_then(|v| v.to_str().ok());
    error_page(&ui, request_id, &PageError::not_found())
}
