//! What every SCIM endpoint shares on the wire: the media type, request bodies, versions
//! (ETags, RFC 7644 §3.14), list parameters and responses (§3.4.2), and the `attributes` /
//! `excludedAttributes` projection (§3.4.2.5).

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::domain::scim_filter::{AttrPath, Filter, get_ci};

use super::error::{ScimError, ScimType};

/// RFC 7644 §3.1: the media type of SCIM messages.
pub const SCIM_JSON: &str = "application/scim+json";
/// The schema URI of a list response.
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
/// Most resources one list response holds (`ServiceProviderConfig` `filter.maxResults`).
pub const MAX_RESULTS: i64 = 200;

/// A SCIM JSON response, with the resource's version and location when it has them.
pub fn respond(
    status: StatusCode,
    body: &Value,
    version: Option<i64>,
    location: Option<&str>,
) -> Response {
    let mut resp = (status, body.to_string()).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    if let Some(v) = version
        && let Ok(v) = HeaderValue::from_str(&etag(v))
    {
        h.insert(header::ETAG, v);
    }
    if let Some(l) = location
        && let Ok(l) = HeaderValue::from_str(l)
    {
        h.insert(header::LOCATION, l);
    }
    resp
}

/// The ETag of a version (weak: the representation may differ by projection).
pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

/// Reads a request body: JSON (sent as `application/scim+json` or `application/json`) holding
/// an object.
pub fn json_body(headers: &HeaderMap, body: &[u8]) -> Result<Value, ScimError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if !matches!(media.as_deref(), Some(SCIM_JSON | "application/json")) {
        return Err(ScimError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            None,
            "the body must be application/scim+json",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(_) => Err(ScimError::bad_request(
            ScimType::InvalidSyntax,
            "the body must be a JSON object",
        )),
        Err(e) => Err(ScimError::bad_request(
            ScimType::InvalidSyntax,
            format!("the body is not valid JSON: {e}"),
        )),
    }
}

/// Checks `If-Match` against the current version (412 when it names another; `*` matches
/// any).
pub fn check_if_match(headers: &HeaderMap, current: i64) -> Result<(), ScimError> {
    match headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()) {
        None => Ok(()),
        Some(tags) if tag_listed(tags, current) => Ok(()),
        Some(_) => Err(ScimError::precondition_failed()),
    }
}

/// The version `If-Match` names, if it names one.
pub fn if_match_version(headers: &HeaderMap) -> Option<i64> {
    let v = headers.get(header::IF_MATCH)?.to_str().ok()?.trim();
    v.trim_start_matches("W/").trim_matches('"').parse().ok()
}

/// Whether `If-None-Match` lists the current version (then a GET answers 304).
pub fn not_modified(headers: &HeaderMap, current: i64) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|tags| tag_listed(tags, current))
}

fn tag_listed(tags: &str, current: i64) -> bool {
    tags.split(',')
        .map(str::trim)
        .any(|t| t == "*" || t.trim_start_matches("W/").trim_matches('"') == current.to_string())
}

/// The 304 answer to a conditional GET.
pub fn not_modified_response(version: i64) -> Response {
    let mut resp = StatusCode::NOT_MODIFIED.into_response();
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        resp.headers_mut().insert(header::ETAG, v);
    }
    resp
}

/// The query parameters of a list (RFC 7644 §3.4.2) and of a single GET (§3.4.1).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListParams {
    pub filter: Option<String>,
    pub start_index: Option<String>,
    pub count: Option<String>,
    pub sort_by: Option<String>,
    pub sort_order: Option<String>,
    pub attributes: Option<String>,
    pub excluded_attributes: Option<String>,
}

/// The schema URI of a search request.
pub const SEARCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

impl ListParams {
    /// The parameters of a `POST …/.search` body (RFC 7644 §3.4.3).
    pub fn from_search(body: &Value) -> Result<Self, ScimError> {
        let named = get_ci(body, "schemas")
            .and_then(Value::as_array)
            .is_some_and(|s| s.iter().any(|s| s.as_str() == Some(SEARCH_SCHEMA)));
        if !named {
            return Err(ScimError::bad_request(
                ScimType::InvalidSyntax,
                format!("a search names the schema {SEARCH_SCHEMA}"),
            ));
        }
        let scalar = |name: &str| -> Result<Option<String>, ScimError> {
            match get_ci(body, name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(Value::Number(n)) => Ok(Some(n.to_string())),
                Some(_) => Err(ScimError::bad_request(
                    ScimType::InvalidValue,
                    format!("`{name}` must be a string or a number"),
                )),
            }
        };
        let list = |name: &str| -> Result<Option<String>, ScimError> {
            match get_ci(body, name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Array(items)) => Ok(Some(
                    items
                        .iter()
                        .map(|i| i.as_str().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(","),
                )),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(ScimError::bad_request(
                    ScimType::InvalidValue,
                    format!("`{name}` must be an array of attribute names"),
                )),
            }
        };
        Ok(Self {
            filter: scalar("filter")?,
            start_index: scalar("startIndex")?,
            count: scalar("count")?,
            sort_by: scalar("sortBy")?,
            sort_order: scalar("sortOrder")?,
            attributes: list("attributes")?,
            excluded_attributes: list("excludedAttributes")?,
        })
    }

    /// The parsed filter, if any (400 `invalidFilter` when it does not parse).
    pub fn filter(&self) -> Result<Option<Filter>, ScimError> {
        self.filter
            .as_deref()
            .map(|f| {
                Filter::parse(f).map_err(|e| ScimError::bad_request(ScimType::InvalidFilter, e))
            })
            .transpose()
    }

    /// `startIndex` (1-based; less than 1 is 1) and `count` (capped at [`MAX_RESULTS`],
    /// negative is 0; RFC 7644 §3.4.2.4).
    pub fn page(&self) -> Result<(i64, i64), ScimError> {
        let int = |v: &Option<String>, default: i64| -> Result<i64, ScimError> {
            match v {
                None => Ok(default),
                Some(s) => s.trim().parse::<i64>().map_err(|_| {
                    ScimError::bad_request(
                        ScimType::InvalidValue,
                        format!("`{}` is not an integer", s.escape_default()),
                    )
                }),
            }
        };
        let start = int(&self.start_index, 1)?.max(1);
        let count = int(&self.count, MAX_RESULTS)?.clamp(0, MAX_RESULTS);
        Ok((start, count))
    }

    /// `sortOrder=descending`.
    pub fn descending(&self) -> bool {
        self.sort_order
            .as_deref()
            .is_some_and(|o| o.eq_ignore_ascii_case("descending"))
    }

    /// The projection the request asks for.
    pub fn projection(&self) -> Result<Projection, ScimError> {
        let list = |s: &Option<String>| -> Result<Vec<AttrPath>, ScimError> {
            s.as_deref()
                .map(|s| {
                    s.split(',')
                        .map(str::trim)
                        .filter(|a| !a.is_empty())
                        .map(|a| {
                            AttrPath::parse(a)
                                .map_err(|e| ScimError::bad_request(ScimType::InvalidValue, e))
                        })
                        .collect()
                })
                .unwrap_or_else(|| Ok(Vec::new()))
        };
        Ok(Projection {
            attributes: list(&self.attributes)?,
            excluded: list(&self.excluded_attributes)?,
        })
    }
}

/// Which attributes a response carries (RFC 7644 §3.4.2.5). `id` and `schemas` are always
/// returned (RFC 7643 §7 `returned: always`).
#[derive(Debug, Default, Clone)]
pub struct Projection {
    attributes: Vec<AttrPath>,
    excluded: Vec<AttrPath>,
}

impl Projection {
    /// Whether the response may leave out `attr` entirely (a list need not load it).
    pub fn excludes(&self, attr: &str) -> bool {
        self.excluded
            .iter()
            .any(|p| p.attr == attr && p.sub.is_none())
            || (!self.attributes.is_empty() && !self.attributes.iter().any(|p| p.attr == attr))
    }

    /// Applies the projection to a resource.
    pub fn apply(&self, resource: Value) -> Value {
        let Value::Object(map) = resource else {
            return resource;
        };
        let always = |k: &str| k == "id" || k == "schemas";
        let mut out = Map::new();
        for (k, v) in map {
            let lower = k.to_ascii_lowercase();
            if !always(&lower) && !self.attributes.is_empty() {
                let wanted: Vec<&AttrPath> =
                    self.attributes.iter().filter(|p| p.attr == lower).collect();
                if wanted.is_empty() {
                    continue;
                }
                if wanted.iter().all(|p| p.sub.is_some()) {
                    let subs: Vec<&str> = wanted.iter().filter_map(|p| p.sub.as_deref()).collect();
                    out.insert(k, keep_subs(v, &subs));
                    continue;
                }
            }
            if !always(&lower) {
                if self
                    .excluded
                    .iter()
                    .any(|p| p.attr == lower && p.sub.is_none())
                {
                    continue;
                }
                let subs: Vec<&str> = self
                    .excluded
                    .iter()
                    .filter(|p| p.attr == lower)
                    .filter_map(|p| p.sub.as_deref())
                    .collect();
                if !subs.is_empty() {
                    out.insert(k, drop_subs(v, &subs));
                    continue;
                }
            }
            out.insert(k, v);
        }
        Value::Object(out)
    }
}

fn keep_subs(v: Value, subs: &[&str]) -> Value {
    map_objects(v, &|o: Map<String, Value>| {
        o.into_iter()
            .filter(|(k, _)| subs.iter().any(|s| k.eq_ignore_ascii_case(s)))
            .collect()
    })
}

fn drop_subs(v: Value, subs: &[&str]) -> Value {
    map_objects(v, &|o: Map<String, Value>| {
        o.into_iter()
            .filter(|(k, _)| !subs.iter().any(|s| k.eq_ignore_ascii_case(s)))
            .collect()
    })
}

fn map_objects(v: Value, f: &dyn Fn(Map<String, Value>) -> Map<String, Value>) -> Value {
    match v {
        Value::Object(o) => Value::Object(f(o)),
        Value::Array(items) => Value::Array(items.into_iter().map(|i| map_objects(i, f)).collect()),
        other => other,
    }
}

/// A list response (RFC 7644 §3.4.2).
pub fn list_response(total: i64, start_index: i64, resources: Vec<Value>) -> Response {
    let body = serde_json::json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    });
    respond(StatusCode::OK, &body, None, None)
}

/// A string member of a request object, by name ignoring case (`null` is absent).
pub fn string_at(v: &Value, name: &str) -> Result<Option<String>, ScimError> {
    match get_ci(v, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ScimError::bad_request(
            ScimType::InvalidValue,
            format!("`{name}` must be a string"),
        )),
    }
}

/// RFC 3339 form of a Unix time.
pub fn rfc3339(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

/// Middleware around the whole request envelope: a SCIM request refused by the body limit
/// (`server.max_body_bytes`, before any handler runs) gets SCIM's error body too. The
/// envelope's headers are kept.
pub async fn oversized_as_scim(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let scim = req.uri().path().starts_with(crate::http::paths::SCIM_BASE);
    let resp = next.run(req).await;
    if !scim || resp.status() != StatusCode::PAYLOAD_TOO_LARGE {
        return resp;
    }
    let (mut parts, _) = resp.into_parts();
    let body = ScimError::body(
        StatusCode::PAYLOAD_TOO_LARGE,
        None,
        "the request body is larger than this server accepts",
    );
    parts
        .headers
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(SCIM_JSON));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body.to_string()))
}
