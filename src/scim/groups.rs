//! `/Groups` (RFC 7643 §4.2, RFC 7644 §3.3–§3.6): a group's `displayName` is the name the
//! `groups` claim carries; its `members` are users (`value` = the user's id). PATCH adds and
//! removes members without resending the list.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::audit::{AuditEvent, ScimOperation};
use crate::domain::scim_filter::get_ci;
use crate::state::AppState;
use crate::store::{ScimGroupFields, ScimGroupRow, ScimQuery, ScimResource};

use super::auth::{Caller, Need, authorize};
use super::error::{ScimError, ScimType};
use super::users::{query_error, sort, written};
use super::wire::{
    self, ListParams, Projection, check_if_match, json_body, respond, rfc3339, string_at,
};
use super::{base_url, patch};

/// The core Group schema URI.
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
/// Top-level attributes a client cannot write.
const READ_ONLY: &[&str] = &["id", "meta"];
/// Longest group name.
const MAX_NAME: usize = 256;

/// `GET /Groups`; `excludedAttributes=members` spares loading the members.
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ListParams>,
) -> Result<Response, ScimError> {
    authorize(&state, &headers, Need::Read)?;
    page(&state, &params).await
}

/// `POST /Groups/.search` (RFC 7644 §3.4.3).
pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ScimError> {
    authorize(&state, &headers, Need::Read)?;
    let params = ListParams::from_search(&json_body(&headers, &body)?)?;
    page(&state, &params).await
}

async fn page(state: &AppState, params: &ListParams) -> Result<Response, ScimError> {
    let filter = params.filter()?;
    let (start_index, count) = params.page()?;
    let projection = params.projection()?;
    let q = ScimQuery {
        filter: filter.as_ref(),
        sort: sort(params, ScimResource::Group)?,
        descending: params.descending(),
        start_index,
        count,
        max_rows_scanned: state.config.scim.max_rows_scanned,
    };
    let with_members = !projection.excludes("members");
    let (total, groups) = state
        .store
        .scim_groups(&q, with_members)
        .await
        .map_err(query_error)?;
    let base = base_url(state);
    let resources = groups
        .iter()
        .map(|g| projection.apply(to_json(&base, g)))
        .collect();
    Ok(wire::list_response(total, start_index, resources))
}

/// `GET /Groups/{id}`.
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<Response, ScimError> {
    authorize(&state, &headers, Need::Read)?;
    let group = existing(&state, &id).await?;
    if wire::not_modified(&headers, group.version) {
        return Ok(wire::not_modified_response(group.version));
    }
    Ok(answer(
        &state,
        &group,
        StatusCode::OK,
        &params.projection()?,
    ))
}

/// `POST /Groups`.
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ScimError> {
    let caller = authorize(&state, &headers, Need::Write)?;
    let fields = from_json(&json_body(&headers, &body)?)?;
    let id = uuid::Uuid::new_v4().to_string();
    written(state.store.scim_create_group(&id, &fields).await?)?;
    written_back(
        &state,
        &caller,
        &id,
        ScimOperation::Created,
        StatusCode::CREATED,
    )
    .await
}

/// `PUT /Groups/{id}`.
pub async fn replace(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    let caller = authorize(&state, &headers, Need::Write)?;
    let fields = from_json(&json_body(&headers, &body)?)?;
    let current = existing(&state, &id).await?;
    check_if_match(&headers, current.version)?;
    written(
        state
            .store
            .scim_replace_group(&id, current.version, &fields)
            .await?,
    )?;
    written_back(
        &state,
        &caller,
        &id,
        ScimOperation::Replaced,
        StatusCode::OK,
    )
    .await
}

/// `PATCH /Groups/{id}`: as for users, applied to the representation of the version read.
pub async fn patch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    let caller = authorize(&state, &headers, Need::Write)?;
    let ops = json_body(&headers, &body)?;
    let current = existing(&state, &id).await?;
    check_if_match(&headers, current.version)?;
    let mut resource = to_json(&base_url(&state), &current);
    patch::apply(&mut resource, &ops, READ_ONLY)?;
    let fields = from_json(&resource)?;
    written(
        state
            .store
            .scim_replace_group(&id, current.version, &fields)
            .await?,
    )?;
    written_back(&state, &caller, &id, ScimOperation::Patched, StatusCode::OK).await
}

/// `DELETE /Groups/{id}`: the group and its memberships.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    let caller = authorize(&state, &headers, Need::Write)?;
    let current = existing(&state, &id).await?;
    check_if_match(&headers, current.version)?;
    if !state.store.scim_delete_group(&id).await? {
        return Err(ScimError::not_found("group"));
    }
    audit(&caller, &id, ScimOperation::Deleted);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// After a write: its audit event, then the group as stored now.
async fn written_back(
    state: &AppState,
    caller: &Caller,
    id: &str,
    operation: ScimOperation,
    status: StatusCode,
) -> Result<Response, ScimError> {
    audit(caller, id, operation);
    let group = existing(state, id).await?;
    Ok(answer(state, &group, status, &Projection::default()))
}

async fn existing(state: &AppState, id: &str) -> Result<ScimGroupRow, ScimError> {
    state
        .store
        .scim_group(id)
        .await?
        .ok_or_else(|| ScimError::not_found("group"))
}

fn answer(
    state: &AppState,
    g: &ScimGroupRow,
    status: StatusCode,
    projection: &Projection,
) -> Response {
    let base = base_url(state);
    let location = format!("{base}/Groups/{}", g.id);
    respond(
        status,
        &projection.apply(to_json(&base, g)),
        Some(g.version),
        Some(&location),
    )
}

/// The group's representation; `base` is `{issuer}/scim/v2`.
fn to_json(base: &str, g: &ScimGroupRow) -> Value {
    let mut v = json!({
        "schemas": [GROUP_SCHEMA],
        "id": g.id,
        "displayName": g.display_name,
        "members": g.members.iter().map(|id| json!({
            "value": id,
            "type": "User",
            "$ref": format!("{base}/Users/{id}"),
        })).collect::<Vec<_>>(),
        "meta": {
            "resourceType": "Group",
            "created": rfc3339(g.created_at),
            "lastModified": rfc3339(g.updated_at),
            "location": format!("{base}/Groups/{}", g.id),
            "version": wire::etag(g.version),
        },
    });
    if let Some(x) = &g.external_id {
        v["externalId"] = x.clone().into();
    }
    v
}

/// A group as sent by a client.
fn from_json(v: &Value) -> Result<ScimGroupFields, ScimError> {
    let invalid = |d: &str| ScimError::bad_request(ScimType::InvalidValue, d);
    let display_name = string_at(v, "displayName")?
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| invalid("displayName is required"))?;
    if display_name.len() > MAX_NAME || display_name.chars().any(char::is_control) {
        return Err(invalid(
            "displayName must be at most 256 bytes without control characters",
        ));
    }
    let mut members = Vec::new();
    match get_ci(v, "members") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items)) => {
            for m in items {
                let id = string_at(m, "value")?.ok_or_else(|| invalid("a member has a value"))?;
                if !members.contains(&id) {
                    members.push(id);
                }
            }
        }
        Some(_) => return Err(invalid("members must be an array")),
    }
    Ok(ScimGroupFields {
        display_name,
        external_id: string_at(v, "externalId")?,
        members,
    })
}

fn audit(caller: &Caller, id: &str, operation: ScimOperation) {
    AuditEvent::ScimChanged {
        client_id: &caller.client_id,
        resource: "Group",
        id,
        operation,
    }
    .emit();
}
