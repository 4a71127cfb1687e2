//! Typed values in text columns. They are read once, where rows are read: a value the code does
//! not know is a decode error naming the column (a broken database), never a panic later.

use std::str::FromStr;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::any::AnyRow;

fn decode_error(col: &str, source: impl std::error::Error + Send + Sync + 'static) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: col.to_string(),
        source: Box::new(source),
    }
}

/// A text column holding one name of a closed set (`domain::GrantType`, `domain::Alg`, …).
pub(super) fn name<T>(r: &AnyRow, col: &str) -> sqlx::Result<T>
where
    T: FromStr<Err: std::error::Error + Send + Sync + 'static>,
{
    let text: String = r.try_get(col)?;
    text.parse().map_err(|e| decode_error(col, e))
}

/// A nullable text column holding one name of a closed set.
pub(super) fn optional_name<T>(r: &AnyRow, col: &str) -> sqlx::Result<Option<T>>
where
    T: FromStr<Err: std::error::Error + Send + Sync + 'static>,
{
    let text: Option<String> = r.try_get(col)?;
    text.map(|t| t.parse().map_err(|e| decode_error(col, e)))
        .transpose()
}

/// A text column holding a JSON array.
pub(super) fn json_list<T: DeserializeOwned>(r: &AnyRow, col: &str) -> sqlx::Result<Vec<T>> {
    let text: String = r.try_get(col)?;
    serde_json::from_str(&text).map_err(|e| decode_error(col, e))
}

/// A nullable text column holding a JSON array.
pub(super) fn optional_json_list<T: DeserializeOwned>(
    r: &AnyRow,
    col: &str,
) -> sqlx::Result<Option<Vec<T>>> {
    let text: Option<String> = r.try_get(col)?;
    text.map(|t| serde_json::from_str(&t).map_err(|e| decode_error(col, e)))
        .transpose()
}

/// The text of a JSON array column.
pub(super) fn json_text<T: Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).unwrap_or_else(|_| "[]".into())
}
