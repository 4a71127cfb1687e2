//! Groups as SCIM resources (RFC 7643 §4.2). A group's members are the `user_groups` rows under
//! its name, so the `groups` claim reads them as before; renaming a group renames them.

use sqlx::Row;
use sqlx::any::AnyRow;

use super::scim_sql::{self, Arg, Resource};
use super::scim_users::{ScimQuery, ScimQueryError, ScimWrite, bind_all, placeholders};
use super::{Store, StoreError, StoreResult, WriteTx};

/// A group with its members.
#[derive(Debug, Clone)]
pub struct ScimGroupRow {
    pub id: String,
    pub display_name: String,
    pub external_id: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub version: i64,
    /// The members' user ids, sorted.
    pub members: Vec<String>,
}

/// What a SCIM write sets on a group.
#[derive(Debug, Clone)]
pub struct ScimGroupFields {
    pub display_name: String,
    pub external_id: Option<String>,
    /// User ids.
    pub members: Vec<String>,
}

const COLUMNS: &str = "id, display_name, external_id, created_at, updated_at, version";

fn from_row(r: &AnyRow) -> sqlx::Result<ScimGroupRow> {
    Ok(ScimGroupRow {
        id: r.try_get("id")?,
        display_name: r.try_get("display_name")?,
        external_id: r.try_get("external_id")?,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        version: r.try_get("version")?,
        members: Vec::new(),
    })
}

/// Makes sure a group named `name` exists as a resource (a group first named by
/// `tessera user add-group`).
pub(super) async fn ensure_group(tx: &mut WriteTx, name: &str, now: i64) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO scim_groups (id, display_name, created_at, updated_at, version)
         VALUES ($1, $2, $3, $3, 1) ON CONFLICT (display_name) DO NOTHING",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(name)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// One group by id.
    pub async fn scim_group(&self, id: &str) -> StoreResult<Option<ScimGroupRow>> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM scim_groups WHERE id = $1"))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        let Some(row) = row else { return Ok(None) };
        let mut groups = vec![from_row(&row)?];
        self.add_members(&mut groups).await?;
        Ok(groups.pop())
    }

    /// The groups matching a query and how many match in all.
    pub async fn scim_groups(
        &self,
        q: &ScimQuery<'_>,
        with_members: bool,
    ) -> Result<(i64, Vec<ScimGroupRow>), ScimQueryError> {
        let mut args = Vec::new();
        let cond = match q.filter {
            Some(f) => scim_sql::condition(Resource::Group, f, &mut args)
                .map_err(ScimQueryError::Filter)?,
            None => "1 = 1".into(),
        };
        if let Some(f) = q.filter {
            self.refuse_full_scan(Resource::Group, "scim_groups", f, q.max_rows_scanned)
                .await?;
        }
        let sql = format!("SELECT COUNT(*) FROM scim_groups WHERE {cond}");
        let total: i64 = bind_all(sqlx::query(&sql), &args)
            .fetch_one(self.pool())
            .await
            .and_then(|r| r.try_get(0))
            .map_err(StoreError::from)?;
        if q.count == 0 {
            return Ok((total, Vec::new()));
        }
        let order = q.sort.unwrap_or("display_name");
        let dir = if q.descending { "DESC" } else { "ASC" };
        let n = args.len();
        let sql = format!(
            "SELECT {COLUMNS} FROM scim_groups WHERE {cond} ORDER BY {order} {dir}, id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        args.push(Arg::Int(q.count));
        args.push(Arg::Int(q.start_index - 1));
        let rows = bind_all(sqlx::query(&sql), &args)
            .fetch_all(self.pool())
            .await
            .map_err(StoreError::from)?;
        let mut groups = rows
            .iter()
            .map(from_row)
            .collect::<sqlx::Result<Vec<_>>>()
            .map_err(StoreError::from)?;
        if with_members {
            self.add_members(&mut groups).await?;
        }
        Ok((total, groups))
    }

    async fn add_members(&self, groups: &mut [ScimGroupRow]) -> StoreResult<()> {
        if groups.is_empty() {
            return Ok(());
        }
        let marks = placeholders(1, groups.len());
        let sql = format!(
            "SELECT group_name, user_id FROM user_groups
             WHERE group_name IN ({marks}) ORDER BY user_id"
        );
        let mut q = sqlx::query(&sql);
        for g in groups.iter() {
            q = q.bind(g.display_name.as_str());
        }
        for r in q.fetch_all(self.pool()).await? {
            let name: String = r.try_get(0)?;
            if let Some(g) = groups.iter_mut().find(|g| g.display_name == name) {
                g.members.push(r.try_get(1)?);
            }
        }
        Ok(())
    }

    /// Creates a group with its members, all or nothing.
    pub async fn scim_create_group(&self, id: &str, f: &ScimGroupFields) -> StoreResult<ScimWrite> {
        let now = self.clock.now();
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "INSERT INTO scim_groups (id, display_name, external_id, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $4, 1)",
        )
        .bind(id)
        .bind(&f.display_name)
        .bind(f.external_id.as_deref())
        .bind(now)
        .execute(&mut *tx)
        .await;
        match inserted.map_err(StoreError::from) {
            Err(StoreError::Conflict(_)) => return Ok(ScimWrite::Taken("displayName")),
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        if let Some(unknown) = set_members(&mut tx, &f.display_name, &f.members).await? {
            return Ok(ScimWrite::Unknown(unknown));
        }
        tx.commit().await?;
        Ok(ScimWrite::Done(1))
    }

    /// Replaces a group's name, externalId and members if it is still at `version`.
    pub async fn scim_replace_group(
        &self,
        id: &str,
        version: i64,
        f: &ScimGroupFields,
    ) -> StoreResult<ScimWrite> {
        let now = self.clock.now();
        let mut tx = self.begin_write().await?;
        let old: Option<(String, i64)> =
            sqlx::query("SELECT display_name, version FROM scim_groups WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| Ok::<_, sqlx::Error>((r.try_get(0)?, r.try_get(1)?)))
                .transpose()?;
        let Some((old_name, current)) = old else {
            return Ok(ScimWrite::NotFound);
        };
        if current != version {
            return Ok(ScimWrite::VersionMismatch);
        }
        let updated = sqlx::query(
            "UPDATE scim_groups SET display_name = $1, external_id = $2, updated_at = $3,
                    version = version + 1 WHERE id = $4 AND version = $5",
        )
        .bind(&f.display_name)
        .bind(f.external_id.as_deref())
        .bind(now)
        .bind(id)
        .bind(version)
        .execute(&mut *tx)
        .await;
        match updated.map_err(StoreError::from) {
            Err(StoreError::Conflict(_)) => return Ok(ScimWrite::Taken("displayName")),
            Err(e) => return Err(e),
            Ok(done) if done.rows_affected() == 0 => return Ok(ScimWrite::VersionMismatch),
            Ok(_) => {}
        }
        sqlx::query("DELETE FROM user_groups WHERE group_name = $1")
            .bind(&old_name)
            .execute(&mut *tx)
            .await?;
        if let Some(unknown) = set_members(&mut tx, &f.display_name, &f.members).await? {
            return Ok(ScimWrite::Unknown(unknown));
        }
        tx.commit().await?;
        Ok(ScimWrite::Done(version + 1))
    }

    /// Deletes a group and its memberships; false when there was no such group.
    pub async fn scim_delete_group(&self, id: &str) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let name: Option<String> =
            sqlx::query_scalar("SELECT display_name FROM scim_groups WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(name) = name else { return Ok(false) };
        sqlx::query("DELETE FROM user_groups WHERE group_name = $1")
            .bind(&name)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM scim_groups WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Puts `members` (user ids) in the group `name`; the first id that is no user, if any.
async fn set_members(
    tx: &mut WriteTx,
    name: &str,
    members: &[String],
) -> StoreResult<Option<String>> {
    for user in members {
        let exists: Option<String> = sqlx::query_scalar("SELECT id FROM users WHERE id = $1")
            .bind(user)
            .fetch_optional(&mut **tx)
            .await?;
        if exists.is_none() {
            return Ok(Some(user.clone()));
        }
        sqlx::query(
            "INSERT INTO user_groups (user_id, group_name) VALUES ($1, $2)
             ON CONFLICT (user_id, group_name) DO NOTHING",
        )
        .bind(user)
        .bind(name)
        .execute(&mut **tx)
        .await?;
    }
    Ok(None)
}
