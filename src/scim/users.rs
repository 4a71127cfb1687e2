//! `/Users` (RFC 7644 §3.3–§3.6): create, read, list, replace, patch and delete people.
//! `active: false` and DELETE take effect at once: the person's sessions end and their refresh
//! tokens, with the access tokens issued with them, are revoked (the code the account page and
//! `tessera user sign-out-everywhere` run).

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::account::sign_out::{self, Which};
use crate::audit::{AuditEvent, FamilyRevocation, ScimOperation};
use crate::crypto::hash_password_off_thread;
use crate::domain::password::NewPassword;
use crate::state::AppState;
use crate::store::{
    NO_PASSWORD, ScimQuery, ScimQueryError, ScimResource, ScimUserFields, ScimUserRow, ScimWrite,
    scim_sort_column,
};

use super::auth::{Caller, Need, authorize};
use super::error::{ScimError, ScimType};
use super::wire::{self, ListParams, Projection, check_if_match, json_body, respond};
use super::{base_url, patch, user_resource};

/// How often a PATCH without `If-Match` retries after a concurrent change.
const PATCH_ATTEMPTS: usize = 3;

/// `GET /Users` (RFC 7644 §3.4.2).
pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(params): Query<ListParams>,
) -> Result<Response, ScimError> {
    authorize(&state, &headers, Need::Read)?;
    page(&state, &params).await
}

/// `POST /Users/.search` (RFC 7644 §3.4.3): the query in the body, out of URLs and logs.
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
    let sort = sort(params, ScimResource::User)?;
    let projection = params.projection()?;
    let q = ScimQuery {
        filter: filter.as_ref(),
        sort,
        descending: params.descending(),
        start_index,
        count,
        max_rows_scanned: state.config.scim.max_rows_scanned,
    };
    let (total, users) = state.store.scim_users(&q).await.map_err(query_error)?;
    let base = base_url(state);
    let resources = users
        .iter()
        .map(|u| projection.apply(user_resource::to_json(&base, u)))
        .collect();
    Ok(wire::list_response(total, start_index, resources))
}

/// The column `sortBy` names (400 `invalidValue` for one that cannot be sorted on).
pub(super) fn sort(
    params: &ListParams,
    resource: ScimResource,
) -> Result<Option<&'static str>, ScimError> {
    params
        .sort_by
        .as_deref()
        .map(|s| {
            scim_sort_column(resource, s).ok_or_else(|| {
                ScimError::bad_request(
                    ScimType::InvalidValue,
                    format!("cannot sort by `{}`", s.escape_default()),
                )
            })
        })
        .transpose()
}

pub(super) fn query_error(e: ScimQueryError) -> ScimError {
    match e {
        ScimQueryError::Filter(why) => ScimError::bad_request(ScimType::InvalidFilter, why),
        ScimQueryError::Store(e) => e.into(),
    }
}

/// `GET /Users/{id}` (RFC 7644 §3.4.1); 304 when `If-None-Match` names the current version.
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(params): Query<ListParams>,
) -> Result<Response, ScimError> {
    authorize(&state, &headers, Need::Read)?;
    let user = existing(&state, &id).await?;
    if wire::not_modified(&headers, user.version) {
        return Ok(wire::not_modified_response(user.version));
    }
    Ok(answer(&state, &user, StatusCode::OK, &params.projection()?))
}

/// `POST /Users` (RFC 7644 §3.3).
pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ScimError> {
    let caller = authorize(&state, &headers, Need::Write)?;
    let (mut fields, password) = user_resource::from_json(&json_body(&headers, &body)?)?;
    let hash = match password {
        Some(p) => hash_new(&state, &p, &fields).await?,
        None => NO_PASSWORD.to_string(),
    };
    fields.password_hash = None;
    let id = uuid::Uuid::new_v4().to_string();
    written(state.store.scim_create_user(&id, &fields, &hash).await?)?;
    written_back(
        &state,
        &caller,
        &id,
        ScimOperation::Created,
        StatusCode::CREATED,
    )
    .await
}

/// `PUT /Users/{id}` (RFC 7644 §3.5.1): read-only attributes sent are ignored.
pub async fn replace(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    let caller = authorize(&state, &headers, Need::Write)?;
    let input = json_body(&headers, &body)?;
    let current = existing(&state, &id).await?;
    check_if_match(&headers, current.version)?;
    store_replacement(&state, &current, &input).await?;
    written_back(
        &state,
        &caller,
        &id,
        ScimOperation::Replaced,
        StatusCode::OK,
    )
    .await
}

/// `PATCH /Users/{id}` (RFC 7644 §3.5.2): the operations applied to the current
/// representation, stored as a replacement of the version read. With `If-Match`, a concurrent
/// change is a 412; without, the patch is applied again to the new version.
pub async fn patch(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ScimError> {
    let caller = authorize(&state, &headers, Need::Write)?;
    let ops = json_body(&headers, &body)?;
    for attempt in 1..=PATCH_ATTEMPTS {
        let current = existing(&state, &id).await?;
        check_if_match(&headers, current.version)?;
        let mut resource = user_resource::to_json(&base_url(&state), &current);
        patch::apply(&mut resource, &ops, user_resource::READ_ONLY)?;
        match store_replacement(&state, &current, &resource).await {
            Err(e)
                if e.is_precondition_failed()
                    && wire::if_match_version(&headers).is_none()
                    && attempt < PATCH_ATTEMPTS => {}
            Err(e) => return Err(e),
            Ok(()) => {
                return written_back(&state, &caller, &id, ScimOperation::Patched, StatusCode::OK)
                    .await;
            }
        }
    }
    Err(ScimError::precondition_failed())
}

/// `DELETE /Users/{id}` (RFC 7644 §3.6): sessions end, grants are revoked, then the person's
/// data goes in one transaction.
pub async fn delete(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, ScimError> {
    let caller = authorize(&state, &headers, Need::Write)?;
    let current = existing(&state, &id).await?;
    check_if_match(&headers, current.version)?;
    end_everything(&state, &id).await?;
    if !state.store.scim_delete_user(&id).await? {
        return Err(ScimError::not_found("user"));
    }
    audit(&caller, &id, ScimOperation::Deleted);
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// After a write: its audit event, then the user as stored now.
async fn written_back(
    state: &AppState,
    caller: &Caller,
    id: &str,
    operation: ScimOperation,
    status: StatusCode,
) -> Result<Response, ScimError> {
    audit(caller, id, operation);
    let user = existing(state, id).await?;
    Ok(answer(state, &user, status, &Projection::default()))
}

async fn existing(state: &AppState, id: &str) -> Result<ScimUserRow, ScimError> {
    state
        .store
        .scim_user(id)
        .await?
        .ok_or_else(|| ScimError::not_found("user"))
}

fn answer(
    state: &AppState,
    u: &ScimUserRow,
    status: StatusCode,
    projection: &Projection,
) -> Response {
    let base = base_url(state);
    let location = format!("{base}/Users/{}", u.id);
    let body = projection.apply(user_resource::to_json(&base, u));
    respond(status, &body, Some(u.version), Some(&location))
}

/// Stores `input` in place of `current` (at its version); a user made inactive is signed out
/// everywhere at once.
async fn store_replacement(
    state: &AppState,
    current: &ScimUserRow,
    input: &serde_json::Value,
) -> Result<(), ScimError> {
    let (mut fields, password) = user_resource::from_json(input)?;
    if let Some(p) = password {
        fields.password_hash = Some(hash_new(state, &p, &fields).await?);
    }
    let email_changed = current.email.as_deref().map(str::to_lowercase)
        != fields.email.as_ref().map(|e| e.as_str().to_lowercase());
    written(
        state
            .store
            .scim_replace_user(&current.id, current.version, &fields, email_changed)
            .await?,
    )?;
    if !current.disabled && !fields.active {
        end_everything(state, &current.id).await?;
    }
    Ok(())
}

/// Ends the person's sessions and revokes their refresh tokens and the access tokens issued
/// with them.
async fn end_everything(state: &AppState, id: &str) -> Result<(), ScimError> {
    let ended = sign_out::end_sessions(state, id, Which::All, FamilyRevocation::UserDisabled)
        .await
        .map_err(|e| ScimError::internal(&e.english()))?;
    sign_out::notify(state, &ended.sessions);
    Ok(())
}

/// The password held to the policy (never echoed), hashed off the request threads.
async fn hash_new(
    state: &AppState,
    password: &str,
    f: &ScimUserFields,
) -> Result<String, ScimError> {
    let policy = state.config.password.policy();
    let words: Vec<&str> = [
        Some(f.username.as_str()),
        f.email.as_ref().map(|e| e.as_str()),
        f.name.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let new = NewPassword::parse_for(password, &policy, &words).map_err(|why| {
        ScimError::bad_request(ScimType::InvalidValue, format!("password refused: {why}"))
    })?;
    hash_password_off_thread(new, state.config.password.argon2())
        .await
        .map_err(|e| ScimError::internal(&e))
}

/// A write's outcome as an error, when it is one.
pub(super) fn written(w: ScimWrite) -> Result<i64, ScimError> {
    match w {
        ScimWrite::Done(v) => Ok(v),
        ScimWrite::NotFound => Err(ScimError::not_found("resource")),
        ScimWrite::VersionMismatch => Err(ScimError::precondition_failed()),
        ScimWrite::Taken(what) => Err(ScimError::taken(what)),
        ScimWrite::Unknown(what) => Err(ScimError::bad_request(
            ScimType::InvalidValue,
            format!("`{}` does not exist", what.escape_default()),
        )),
    }
}

fn audit(caller: &Caller, id: &str, operation: ScimOperation) {
    AuditEvent::ScimChanged {
        client_id: &caller.client_id,
        resource: "User",
        id,
        operation,
    }
    .emit();
}
