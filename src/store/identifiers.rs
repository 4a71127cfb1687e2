//! The start-up step after the migrations that makes usernames and email addresses unique by
//! their folded form (migrations/*/0009_folded_identifiers.sql). SQL cannot compute the
//! identifier profile, so rows written before that migration, or renamed by hand since (their
//! folded columns set to NULL), are folded here. Two rows that fold to one value are two
//! accounts a person would take for one: they are reported and the server does not start,
//! rather than one of them silently becoming unreachable or the two being merged.

use std::fmt::Write as _;

use sqlx::Row;

use super::{Backend, Store, WriteTx};
use crate::domain::Username;
use crate::domain::identifier::fold;

/// The PostgreSQL advisory lock held while folding: instances starting together take turns.
const FOLD_LOCK: i64 = 0x7465_7373_6964_0009;

/// A row folded to a value another row already holds.
struct Collision {
    what: &'static str,
    folded: String,
    holder: String,
    other: String,
}

impl Store {
    /// Fills the folded columns left NULL, refuses (naming the rows) when two rows share a
    /// folded username or email, then creates the unique indexes that keep it so.
    pub(super) async fn fold_identifiers(&self) -> anyhow::Result<()> {
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(FOLD_LOCK)
                .execute(&mut *tx)
                .await?;
        }
        let pending = sqlx::query(
            "SELECT id, username, email FROM users
             WHERE username_folded IS NULL OR (email IS NOT NULL AND email_folded IS NULL)
             ORDER BY created_at, id",
        )
        .fetch_all(&mut *tx)
        .await?;
        let mut collisions = Vec::new();
        let mut refused = Vec::new();
        for row in pending {
            let id: String = row.try_get("id")?;
            let username: String = row.try_get("username")?;
            let email: Option<String> = row.try_get("email")?;
            if Username::parse(&username).is_err() {
                refused.push(username.clone());
            }
            let username_folded = fold(&username);
            let email_folded = email.as_deref().map(fold);
            let mut clash = holder(&mut tx, "username_folded", &username_folded, &id)
                .await?
                .map(|other| Collision {
                    what: "username",
                    folded: username_folded.clone(),
                    holder: other,
                    other: username.clone(),
                });
            if let (None, Some(e)) = (&clash, &email_folded) {
                clash = holder(&mut tx, "email_folded", e, &id)
                    .await?
                    .map(|other| Collision {
                        what: "email",
                        folded: e.clone(),
                        holder: other,
                        other: username.clone(),
                    });
            }
            if let Some(c) = clash {
                collisions.push(c);
                continue;
            }
            sqlx::query("UPDATE users SET username_folded = $1, email_folded = $2 WHERE id = $3")
                .bind(&username_folded)
                .bind(&email_folded)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
        }
        if !collisions.is_empty() {
            anyhow::bail!(collision_report(&collisions));
        }
        if !refused.is_empty() {
            tracing::warn!(
                usernames = ?refused,
                "these users cannot sign in until renamed: the identifier profile refuses their \
                 usernames (mixed scripts or characters not allowed)"
            );
        }
        for column in ["username_folded", "email_folded"] {
            let sql =
                format!("CREATE UNIQUE INDEX IF NOT EXISTS users_{column}_key ON users ({column})");
            sqlx::query(&sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The username of another row whose `column` is `folded`, if any. `column` is one of ours.
async fn holder(
    tx: &mut WriteTx,
    column: &str,
    folded: &str,
    id: &str,
) -> sqlx::Result<Option<String>> {
    let sql = format!("SELECT username FROM users WHERE {column} = $1 AND id <> $2 LIMIT 1");
    sqlx::query_scalar(&sql)
        .bind(folded)
        .bind(id)
        .fetch_optional(&mut **tx)
        .await
}

/// The error that stops start-up: every collision, and what to do about it.
fn collision_report(collisions: &[Collision]) -> String {
    let mut msg = String::from(
        "refusing to start: usernames and email addresses must be unique once case and Unicode \
         compatibility forms are folded (NFKC, lowercase), and these users collide:",
    );
    for c in collisions {
        let _ = write!(
            msg,
            "\n  - users `{}` and `{}`: the same {} `{}`",
            c.holder.escape_default(),
            c.other.escape_default(),
            c.what,
            c.folded.escape_default(),
        );
    }
    msg.push_str(
        "\nRename, re-address or delete all but one user of each pair with SQL, setting the changed \
         rows' username_folded and email_folded to NULL, and start again; nothing was merged.",
    );
    msg
}
