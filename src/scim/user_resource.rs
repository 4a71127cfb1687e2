//! The User resource (RFC 7643 §4.1) as Tessera holds it: its JSON representation and the
//! reading of one sent by a client. `id` is the OIDC `sub`; `name.formatted` is the `name`
//! claim; one email address (the primary, or the first); `roles` are Tessera's roles;
//! `groups` are read-only (RFC 7643 §4.1.2: changed through the Group resource).

use serde_json::{Value, json};

use crate::domain::scim_filter::get_ci;
use crate::domain::{Email, Username};
use crate::store::{ScimUserFields, ScimUserRow};

use super::error::{ScimError, ScimType};
use super::wire::{rfc3339, string_at};

/// The core User schema URI.
pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// Top-level attributes a client cannot write (400 `mutability` in a PATCH path).
pub const READ_ONLY: &[&str] = &["id", "meta", "groups"];
/// Longest string attribute accepted.
const MAX_STRING: usize = 1024;

/// The user's representation; `base` is `{issuer}/scim/v2`.
pub fn to_json(base: &str, u: &ScimUserRow) -> Value {
    let mut v = json!({
        "schemas": [USER_SCHEMA],
        "id": u.id,
        "userName": u.username,
        "active": !u.disabled,
        "meta": {
            "resourceType": "User",
            "created": rfc3339(u.created_at),
            "lastModified": rfc3339(u.updated_at),
            "location": format!("{base}/Users/{}", u.id),
            "version": super::wire::etag(u.version),
        },
    });
    let mut name = serde_json::Map::new();
    for (k, val) in [
        ("formatted", &u.name),
        ("givenName", &u.given_name),
        ("familyName", &u.family_name),
    ] {
        if let Some(s) = val {
            name.insert(k.into(), s.clone().into());
        }
    }
    if !name.is_empty() {
        v["name"] = Value::Object(name);
    }
    if let Some(d) = &u.display_name {
        v["displayName"] = d.clone().into();
    }
    if let Some(x) = &u.external_id {
        v["externalId"] = x.clone().into();
    }
    if let Some(e) = &u.email {
        v["emails"] = match u.email_primary {
            Some(p) => json!([{"value": e, "primary": p}]),
            None => json!([{"value": e}]),
        };
    }
    if !u.roles.is_empty() {
        v["roles"] = u.roles.iter().map(|r| json!({"value": r})).collect();
    }
    if !u.groups.is_empty() {
        v["groups"] = u
            .groups
            .iter()
            .map(|(id, name)| {
                json!({"value": id, "display": name, "$ref": format!("{base}/Groups/{id}"), "type": "direct"})
            })
            .collect();
    }
    v
}

/// A user as sent by a client, read into what is stored, and the new password if one came.
pub fn from_json(v: &Value) -> Result<(ScimUserFields, Option<String>), ScimError> {
    let username = text(v, "userName")?.ok_or_else(|| invalid("userName is required"))?;
    let username = Username::parse(&username).map_err(|e| invalid(&format!("userName: {e}")))?;
    let name = match get_ci(v, "name") {
        None | Some(Value::Null) => Value::Null,
        Some(n @ Value::Object(_)) => n.clone(),
        Some(_) => return Err(invalid("name must be an object")),
    };
    let (email, email_primary) = primary_email(v)?;
    let fields = ScimUserFields {
        username,
        email,
        email_primary,
        name: text(&name, "formatted")?,
        given_name: text(&name, "givenName")?,
        family_name: text(&name, "familyName")?,
        display_name: text(v, "displayName")?,
        external_id: text(v, "externalId")?,
        active: active(v)?,
        password_hash: None,
        roles: roles(v)?,
    };
    Ok((fields, text(v, "password")?))
}

fn invalid(detail: &str) -> ScimError {
    ScimError::bad_request(ScimType::InvalidValue, detail)
}

/// A string attribute: no control characters, at most [`MAX_STRING`] bytes; empty is absent.
fn text(v: &Value, name: &str) -> Result<Option<String>, ScimError> {
    let Some(s) = string_at(v, name)? else {
        return Ok(None);
    };
    if s.len() > MAX_STRING || s.chars().any(char::is_control) {
        return Err(invalid(&format!(
            "{name} must be at most {MAX_STRING} bytes without control characters"
        )));
    }
    Ok((!s.is_empty()).then_some(s))
}

/// `active`: a boolean (some clients send "True"/"False" as strings).
fn active(v: &Value) -> Result<bool, ScimError> {
    match get_ci(v, "active") {
        None | Some(Value::Null) => Ok(true),
        Some(Value::Bool(b)) => Ok(*b),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(true),
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(invalid("active must be a boolean")),
    }
}

/// The one address Tessera keeps (the primary, or else the first) and its `primary` flag.
fn primary_email(v: &Value) -> Result<(Option<Email>, Option<bool>), ScimError> {
    let emails = match get_ci(v, "emails") {
        None | Some(Value::Null) => return Ok((None, None)),
        Some(Value::Array(e)) => e,
        Some(_) => return Err(invalid("emails must be an array")),
    };
    let primary = emails
        .iter()
        .find(|e| get_ci(e, "primary").and_then(Value::as_bool) == Some(true))
        .or_else(|| emails.first());
    let Some(e) = primary else {
        return Ok((None, None));
    };
    let value = text(e, "value")?.ok_or_else(|| invalid("an email has a value"))?;
    let email = Email::parse(&value).map_err(|e| invalid(&format!("emails: {e}")))?;
    Ok((Some(email), get_ci(e, "primary").and_then(Value::as_bool)))
}

/// `roles`: role names, each `{"value": name}` (or the bare name).
fn roles(v: &Value) -> Result<Vec<String>, ScimError> {
    let items = match get_ci(v, "roles") {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(items)) => items,
        Some(_) => return Err(invalid("roles must be an array")),
    };
    let mut out = Vec::new();
    for item in items {
        let name = match item {
            Value::String(s) => s.clone(),
            other => text(other, "value")?.ok_or_else(|| invalid("a role has a value"))?,
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    Ok(out)
}
