//! Server-rendered pages for people (askama templates live in `templates/`). Every page goes
//! through [`html`], which sets the security headers once.

pub mod assets;
pub mod consent;
pub mod device;
pub mod enroll;
pub mod form_post;
pub mod login;
pub mod passkey;
pub use login::second_step;
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
const PERMISSIONS_POLICY_HEADER: HeaderName = HeaderName::from_static("permissions-policy");
const CROSS_ORIGIN_OPENER_POLICY: HeaderName =
    HeaderName::from_static("cross-origin-opener-policy");

/// Content-Security-Policy of every page: no inline scripts or styles, no framing, forms only
/// to Tessera itself (an injected form cannot post a password elsewhere). The passkey script
/// fetches its challenges from Tessera itself (`connect-src 'self'`).
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; script-src 'self'; \
                       connect-src 'self'; form-action 'self'; frame-ancestors 'none'; \
                       base-uri 'none'";

/// The browser features a page may use: passkeys (WebAuthn, on Tessera's own origin) and
/// nothing else.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), \
    display-capture=(), encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), \
    hid=(), idle-detection=(), magnetometer=(), microphone=(), midi=(), payment=(), \
    picture-in-picture=(), publickey-credentials-create=(self), \
    publickey-credentials-get=(self), screen-wake-lock=(), serial=(), usb=(), \
    xr-spatial-tracking=()";

/// An HTML response with the headers every page carries (CSP, permissions, its own browsing
/// context group, no framing, no referrer, no caching, no sniffing).
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
    h.insert(
        PERMISSIONS_POLICY_HEADER,
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
    // A page that opened this one (or that this one opens) gets no handle on it.
    h.insert(
        CROSS_ORIGIN_OPENER_POLICY,
        HeaderValue::from_static("same-origin"),
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

/// The CSP source expression (CSP3 §2.3.1) that lets a form go to `uri` and nowhere else on
/// its host: scheme, host, port and path, without the query (which CSP does not match). `;`
/// and `,` would end the directive or the policy, so they are percent-encoded (browsers decode
/// the path before matching). A host a source expression cannot name (an IPv6 literal) and a
/// custom scheme (a native app) fall back to the scheme alone.
pub fn form_action_source(uri: &str) -> Option<String> {
    let url = url::Url::parse(uri).ok()?;
    let scheme = url.scheme();
    let host = match url.host() {
        Some(url::Host::Domain(d)) if scheme == "https" || scheme == "http" => d.to_string(),
        Some(url::Host::Ipv4(ip)) if scheme == "https" || scheme == "http" => ip.to_string(),
        _ => return Some(format!("{scheme}:")),
    };
    let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
    let path = url.path().replace(';', "%3B").replace(',', "%2C");
    Some(format!("{scheme}://{host}{port}{path}"))
}

/// Lets the forms of the page `resp` lead to `sources` as well as to Tessera: a form whose
/// answer redirects elsewhere (to a client's redirect URI) needs it, as Chromium checks
/// `form-action` on the redirects that follow a submission too.
pub fn allow_form_targets(resp: &mut Response, sources: &[String]) {
    if sources.is_empty() {
        return;
    }
    let Some(csp) = resp
        .headers()
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
    else {
        return;
    };
    let allowed = format!("form-action 'self' {}", sources.join(" "));
    let csp = csp.replacen("form-action 'self'", &allowed, 1);
    if let Ok(v) = HeaderValue::from_str(&csp) {
        resp.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, v);
    }
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
    if let Some(form) = resp.extensions_mut().remove::<form_post::FormPost>() {
        let mut page = form.page(&ui);
        for (name, value) in resp.headers() {
            page.headers_mut().entry(name).or_insert(value.clone());
        }
        return page;
    }
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

/// Any path Tessera does not serve.
pub async fn not_found(ui: Ui, headers: HeaderMap) -> Response {
    let request_id = headers.get(REQUEST_ID).and_then(|v| v.to_str().ok());
    error_page(&ui, request_id, &PageError::not_found())
}
