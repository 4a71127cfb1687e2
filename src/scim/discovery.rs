//! The discovery documents (RFC 7644 §4, RFC 7643 §5–§7): what this service provider
//! supports, its resource types and their schemas. Public, like OpenID discovery: they say
//! what the API is, nothing about who is in it.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use crate::state::AppState;

use super::auth::{Need, authorize};
use super::base_url;
use super::error::ScimError;
use super::groups::GROUP_SCHEMA;
use super::user_resource::USER_SCHEMA;
use super::wire::{MAX_RESULTS, list_response, respond};

const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

/// `GET /ServiceProviderConfig` (RFC 7643 §5): bulk, password change and sorting as stated.
pub async fn service_provider_config(State(state): State<AppState>) -> Response {
    let base = base_url(&state);
    let body = json!({
        "schemas": [SPC_SCHEMA],
        "patch": {"supported": true},
        // Not offered: one request per change keeps each change one audit event.
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": MAX_RESULTS},
        // A password is set like any attribute (PUT or PATCH `password`), held to the policy.
        "changePassword": {"supported": true},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "An access token issued by this server whose permissions claim holds scim:read (GET) or scim:write",
            "specUri": "https://www.rfc-editor.org/info/rfc6750",
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/ServiceProviderConfig"),
        },
    });
    respond(StatusCode::OK, &body, None, None)
}

/// `GET /ResourceTypes` (RFC 7643 §6).
pub async fn resource_types(State(state): State<AppState>) -> Response {
    let base = base_url(&state);
    list_response(
        2,
        1,
        vec![resource_type(&base, "User"), resource_type(&base, "Group")],
    )
}

/// `GET /ResourceTypes/{id}`.
pub async fn resource_type_by_id(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    match id.as_str() {
        "User" | "Group" => Ok(respond(
            StatusCode::OK,
            &resource_type(&base_url(&state), &id),
            None,
            None,
        )),
        _ => Err(ScimError::not_found("resource type")),
    }
}

fn resource_type(base: &str, name: &str) -> Value {
    let (endpoint, schema) = match name {
        "User" => ("/Users", USER_SCHEMA),
        _ => ("/Groups", GROUP_SCHEMA),
    };
    json!({
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": name,
        "name": name,
        "endpoint": endpoint,
        "description": name,
        "schema": schema,
        "schemaExtensions": [],
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{name}")},
    })
}

/// `GET /Schemas` (RFC 7643 §7).
pub async fn schemas(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, ScimError> {
    let base = base_url(&state);
    let roles = role_names(&state, &headers).await?;
    Ok(list_response(
        2,
        1,
        vec![user_schema(&base, &roles), group_schema(&base)],
    ))
}

/// `GET /Schemas/{id}`.
pub async fn schema_by_id(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    let base = base_url(&state);
    let schema = match id.as_str() {
        USER_SCHEMA => user_schema(&base, &role_names(&state, &headers).await?),
        GROUP_SCHEMA => group_schema(&base),
        _ => return Err(ScimError::not_found("schema")),
    };
    Ok(respond(StatusCode::OK, &schema, None, None))
}

/// The roles a user may be given, for a caller allowed to read users (none for anyone else:
/// the schema itself is public).
async fn role_names(state: &AppState, headers: &HeaderMap) -> Result<Vec<String>, ScimError> {
    if authorize(state, headers, Need::Read).is_err() {
        return Ok(Vec::new());
    }
    Ok(state
        .store
        .list_roles()
        .await?
        .into_iter()
        .map(|r| r.name)
        .collect())
}

/// `POST /.search` across every resource type (RFC 7644 §3.4.3): not offered (501, §3.12);
/// `/Users/.search` and `/Groups/.search` are.
pub async fn search_all() -> ScimError {
    ScimError::new(
        StatusCode::NOT_IMPLEMENTED,
        None,
        "search one resource type at a time: POST /Users/.search or /Groups/.search",
    )
}

/// Any other path under the base: SCIM's 404 (RFC 7644 §3.12).
pub async fn unknown() -> ScimError {
    ScimError::not_found("endpoint")
}

/// One attribute definition (RFC 7643 §7).
#[derive(Clone, Copy)]
struct Attr {
    name: &'static str,
    kind: &'static str,
    multi: bool,
    required: bool,
    case_exact: bool,
    mutability: &'static str,
    returned: &'static str,
    uniqueness: &'static str,
    /// For a reference: the resource types it may name (RFC 7643 §7 `referenceTypes`).
    reference_types: &'static [&'static str],
    /// RFC 7643 §7 `canonicalValues`.
    canonical: &'static [&'static str],
}

const fn string(name: &'static str) -> Attr {
    Attr {
        name,
        kind: "string",
        multi: false,
        required: false,
        case_exact: false,
        mutability: "readWrite",
        returned: "default",
        uniqueness: "none",
        reference_types: &[],
        canonical: &[],
    }
}

impl Attr {
    fn json(self, subs: &[Attr]) -> Value {
        let mut v = json!({
            "name": self.name,
            "type": self.kind,
            "multiValued": self.multi,
            "description": self.name,
            "required": self.required,
            "caseExact": self.case_exact,
            "mutability": self.mutability,
            "returned": self.returned,
            "uniqueness": self.uniqueness,
        });
        if !subs.is_empty() {
            v["subAttributes"] = subs.iter().map(|s| s.json(&[])).collect();
        }
        if !self.canonical.is_empty() {
            v["canonicalValues"] = json!(self.canonical);
        }
        if !self.reference_types.is_empty() {
            v["referenceTypes"] = json!(self.reference_types);
        }
        v
    }
}

fn schema(base: &str, id: &str, name: &str, attributes: Vec<Value>) -> Value {
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": id,
        "name": name,
        "description": name,
        "attributes": attributes,
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{id}")},
    })
}

/// The User schema; `roles` are the names of Tessera's roles, listed as `roles.value`'s
/// canonical values to a caller allowed to read (the only values a write accepts).
fn user_schema(base: &str, roles: &[String]) -> Value {
    let value = string("value");
    let reference = Attr {
        kind: "reference",
        reference_types: &["Group"],
        ..string("$ref")
    };
    let attributes = vec![
        Attr {
            required: true,
            uniqueness: "server",
            ..string("userName")
        }
        .json(&[]),
        Attr {
            kind: "complex",
            ..string("name")
        }
        .json(&[
            string("formatted"),
            string("familyName"),
            string("givenName"),
        ]),
        string("displayName").json(&[]),
        Attr {
            kind: "complex",
            multi: true,
            ..string("emails")
        }
        .json(&[
            value,
            Attr {
                kind: "boolean",
                ..string("primary")
            },
        ]),
        Attr {
            kind: "boolean",
            ..string("active")
        }
        .json(&[]),
        Attr {
            mutability: "writeOnly",
            returned: "never",
            case_exact: true,
            ..string("password")
        }
        .json(&[]),
        Attr {
            case_exact: true,
            ..string("externalId")
        }
        .json(&[]),
        Attr {
            kind: "complex",
            multi: true,
            mutability: "readOnly",
            ..string("groups")
        }
        .json(&[
            Attr {
                mutability: "readOnly",
                ..value
            },
            Attr {
                mutability: "readOnly",
                ..string("display")
            },
            Attr {
                mutability: "readOnly",
                ..reference
            },
            Attr {
                mutability: "readOnly",
                canonical: &["direct"],
                ..string("type")
            },
        ]),
        Attr {
            kind: "complex",
            multi: true,
            ..string("roles")
        }
        .json(&[value]),
    ];
    let mut schema = schema(base, USER_SCHEMA, "User", attributes);
    if let Some(role_value) = schema["attributes"]
        .as_array_mut()
        .and_then(|a| a.last_mut())
        .and_then(|r| r["subAttributes"].get_mut(0))
    {
        role_value["canonicalValues"] = json!(roles);
    }
    schema
}

fn group_schema(base: &str) -> Value {
    let attributes = vec![
        Attr {
            required: true,
            uniqueness: "server",
            ..string("displayName")
        }
        .json(&[]),
        Attr {
            kind: "complex",
            multi: true,
            ..string("members")
        }
        .json(&[
            Attr {
                mutability: "immutable",
                ..string("value")
            },
            Attr {
                kind: "reference",
                mutability: "immutable",
                reference_types: &["User"],
                ..string("$ref")
            },
            // Members are users (RFC 7643 §4.2 also allows groups; Tessera's groups are flat).
            Attr {
                mutability: "immutable",
                canonical: &["User"],
                ..string("type")
            },
        ]),
        Attr {
            case_exact: true,
            ..string("externalId")
        }
        .json(&[]),
    ];
    schema(base, GROUP_SCHEMA, "Group", attributes)
}
