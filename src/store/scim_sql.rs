//! A SCIM filter tree (`domain::scim_filter`) as an SQL condition: only the attributes each
//! resource maps to a column are accepted, and every value is a bound parameter, never text
//! spliced into the statement. An attribute without a column is an error (`invalidFilter`).

use crate::domain::scim_filter::{AttrPath, CompValue, CompareOp, Filter};
use crate::domain::{Email, Username};

/// A bound parameter.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Int(i64),
}

/// How a column compares.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// Compared as written (`id`, `externalId`: `caseExact`).
    Exact,
    /// Compared ignoring case.
    Caseless,
    /// `userName`: the folded form of the identifier profile.
    Username,
    /// `emails.value`: the folded address.
    Email,
    /// `active`: the negation of `disabled`.
    Active,
    /// A date-time (RFC 3339 in SCIM; Unix seconds in the column).
    Time,
}

/// Which resource a filter is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resource {
    User,
    Group,
}

fn column(resource: Resource, path: &AttrPath) -> Option<(&'static str, Kind)> {
    let dotted = path.dotted();
    Some(match (resource, dotted.as_str()) {
        (_, "id") => ("id", Kind::Exact),
        (_, "externalid") => ("external_id", Kind::Exact),
        (_, "meta.created") => ("created_at", Kind::Time),
        (_, "meta.lastmodified") => ("updated_at", Kind::Time),
        (Resource::User, "username") => ("username_folded", Kind::Username),
        (Resource::User, "displayname") => ("display_name", Kind::Caseless),
        (Resource::User, "name.formatted") => ("name", Kind::Caseless),
        (Resource::User, "name.givenname") => ("given_name", Kind::Caseless),
        (Resource::User, "name.familyname") => ("family_name", Kind::Caseless),
        (Resource::User, "emails" | "emails.value") => ("email_folded", Kind::Email),
        (Resource::User, "active") => ("disabled", Kind::Active),
        (Resource::Group, "displayname") => ("display_name", Kind::Caseless),
        _ => return None,
    })
}

/// The condition for `filter` on `resource`, its parameters appended to `args` (numbered from
/// `args.len() + 1`).
pub fn condition(
    resource: Resource,
    filter: &Filter,
    args: &mut Vec<Arg>,
) -> Result<String, String> {
    Ok(match filter {
        Filter::And(a, b) => format!(
            "({} AND {})",
            condition(resource, a, args)?,
            condition(resource, b, args)?
        ),
        Filter::Or(a, b) => format!(
            "({} OR {})",
            condition(resource, a, args)?,
            condition(resource, b, args)?
        ),
        Filter::Not(f) => format!("(NOT {})", condition(resource, f, args)?),
        Filter::ValuePath { attr, filter } => {
            // `emails[value …]` and `members[value …]`: the one sub-attribute stored.
            let inner = prefixed(attr, filter)?;
            condition(resource, &inner, args)?
        }
        Filter::Present(path) => {
            if resource == Resource::Group && is_members(path) {
                return Ok(
                    "EXISTS (SELECT 1 FROM user_groups ug WHERE ug.group_name = display_name)"
                        .into(),
                );
            }
            let (col, kind) = known(resource, path)?;
            match kind {
                Kind::Active | Kind::Time => "1 = 1".into(),
                _ => format!("({col} IS NOT NULL AND {col} <> '')"),
            }
        }
        Filter::Compare { path, op, value } => {
            if resource == Resource::Group && is_members(path) {
                return members(*op, value, args);
            }
            let (col, kind) = known(resource, path)?;
            compare(col, kind, *op, value, args)?
        }
    })
}

/// Whether the database can find the matches of `filter` through an index instead of reading
/// every row: an `eq` on a column with an index of its stored form (`id`, `externalId`,
/// `userName`, `emails.value`) or a comparison of a date-time, or an `and` with one such side,
/// or an `or` whose both sides are.
pub fn narrowed(resource: Resource, filter: &Filter) -> bool {
    match filter {
        Filter::And(a, b) => narrowed(resource, a) || narrowed(resource, b),
        Filter::Or(a, b) => narrowed(resource, a) && narrowed(resource, b),
        Filter::Not(_) | Filter::Present(_) => false,
        Filter::ValuePath { attr, filter } => {
            prefixed(attr, filter).is_ok_and(|inner| narrowed(resource, &inner))
        }
        Filter::Compare { path, op, .. } => match column(resource, path) {
            Some((_, Kind::Exact | Kind::Username | Kind::Email)) => *op == CompareOp::Eq,
            Some((_, Kind::Time)) => *op != CompareOp::Ne,
            _ => false,
        },
    }
}

fn is_members(path: &AttrPath) -> bool {
    path.attr == "members" && matches!(path.sub.as_deref(), None | Some("value"))
}

fn known(resource: Resource, path: &AttrPath) -> Result<(&'static str, Kind), String> {
    column(resource, path).ok_or_else(|| {
        format!(
            "the attribute `{}` cannot be filtered on",
            path.dotted().escape_default()
        )
    })
}

/// `attr[sub op value]` as `attr.sub op value`, for the sub-attributes stored.
fn prefixed(attr: &str, filter: &Filter) -> Result<Filter, String> {
    let again = |f: &Filter| prefixed(attr, f).map(Box::new);
    Ok(match filter {
        Filter::And(a, b) => Filter::And(again(a)?, again(b)?),
        Filter::Or(a, b) => Filter::Or(again(a)?, again(b)?),
        Filter::Not(f) => Filter::Not(again(f)?),
        Filter::Present(p) => Filter::Present(sub_path(attr, p)?),
        Filter::Compare { path, op, value } => Filter::Compare {
            path: sub_path(attr, path)?,
            op: *op,
            value: value.clone(),
        },
        Filter::ValuePath { .. } => return Err("value filters do not nest".into()),
    })
}

fn sub_path(attr: &str, p: &AttrPath) -> Result<AttrPath, String> {
    if p.sub.is_some() {
        return Err(format!(
            "`{}` is not a sub-attribute",
            p.dotted().escape_default()
        ));
    }
    Ok(AttrPath {
        attr: attr.to_string(),
        sub: Some(p.attr.clone()),
    })
}

fn push(args: &mut Vec<Arg>, a: Arg) -> String {
    args.push(a);
    format!("${}", args.len())
}

fn members(op: CompareOp, value: &CompValue, args: &mut Vec<Arg>) -> Result<String, String> {
    let (CompareOp::Eq, CompValue::Str(id)) = (op, value) else {
        return Err("members can only be compared with eq and a user id".into());
    };
    let p = push(args, Arg::Text(id.clone()));
    Ok(format!(
        "EXISTS (SELECT 1 FROM user_groups ug WHERE ug.group_name = display_name AND ug.user_id = {p})"
    ))
}

/// `LIKE` pattern with `\` escaping the wildcards of the value.
fn like(value: &str, op: CompareOp) -> String {
    let v = value
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    match op {
        CompareOp::Co => format!("%{v}%"),
        CompareOp::Sw => format!("{v}%"),
        _ => format!("%{v}"),
    }
}

fn sql_op(op: CompareOp) -> &'static str {
    match op {
        CompareOp::Eq => "=",
        CompareOp::Ne => "<>",
        CompareOp::Gt => ">",
        CompareOp::Ge => ">=",
        CompareOp::Lt => "<",
        CompareOp::Le => "<=",
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => "LIKE",
    }
}

fn compare(
    col: &str,
    kind: Kind,
    op: CompareOp,
    value: &CompValue,
    args: &mut Vec<Arg>,
) -> Result<String, String> {
    let substring = matches!(op, CompareOp::Co | CompareOp::Sw | CompareOp::Ew);
    match (kind, value) {
        (_, CompValue::Null) => match op {
            CompareOp::Eq => Ok(format!("{col} IS NULL")),
            CompareOp::Ne => Ok(format!("{col} IS NOT NULL")),
            _ => Err("null compares only with eq and ne".into()),
        },
        (Kind::Active, CompValue::Bool(b)) => {
            let disabled = i64::from(!*b);
            match op {
                CompareOp::Eq => Ok(format!("{col} = {}", push(args, Arg::Int(disabled)))),
                CompareOp::Ne => Ok(format!("{col} <> {}", push(args, Arg::Int(disabled)))),
                _ => Err("active compares only with eq and ne".into()),
            }
        }
        (Kind::Time, CompValue::Str(s)) if !substring => {
            let t = time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .map_err(|_| format!("`{}` is not an RFC 3339 date-time", s.escape_default()))?;
            let p = push(args, Arg::Int(t.unix_timestamp()));
            Ok(format!("{col} {} {p}", sql_op(op)))
        }
        (Kind::Exact | Kind::Caseless | Kind::Username | Kind::Email, CompValue::Str(s)) => {
            let (target, v) = match kind {
                Kind::Exact => (col.to_string(), s.clone()),
                Kind::Username if !substring => (
                    col.to_string(),
                    Username::parse(s)
                        .map_or_else(|_| s.to_lowercase(), |u| u.folded().to_string()),
                ),
                Kind::Email if !substring => (
                    col.to_string(),
                    Email::parse(s).map_or_else(|_| s.to_lowercase(), |e| e.folded().to_string()),
                ),
                Kind::Username | Kind::Email => (col.to_string(), s.to_lowercase()),
                _ => (format!("LOWER({col})"), s.to_lowercase()),
            };
            if substring {
                let p = push(args, Arg::Text(like(&v, op)));
                Ok(format!("{target} LIKE {p} ESCAPE '\\'"))
            } else if op == CompareOp::Ne {
                let p = push(args, Arg::Text(v));
                Ok(format!("({col} IS NULL OR {target} <> {p})"))
            } else {
                let p = push(args, Arg::Text(v));
                Ok(format!("{target} {} {p}", sql_op(op)))
            }
        }
        _ => Err("the value does not suit the attribute's type".into()),
    }
}

/// The column a `sortBy` names (RFC 7644 §3.4.2.3), `None` when it cannot be sorted on.
pub fn sort_column(resource: Resource, sort_by: &str) -> Option<&'static str> {
    let path = AttrPath::parse(sort_by).ok()?;
    match column(resource, &path)? {
        (_, Kind::Active) => None,
        (col, _) => Some(col),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sql(f: &str) -> Result<(String, usize), String> {
        let mut args = Vec::new();
        let c = condition(Resource::User, &Filter::parse(f)?, &mut args)?;
        Ok((c, args.len()))
    }

    #[test]
    fn values_are_bound_never_spliced() {
        let (c, n) = sql(r#"userName eq "x' OR 1=1 --" and emails co "%_""#).unwrap();
        assert!(!c.contains("OR 1=1"), "{c}");
        assert_eq!(n, 2);
        assert!(
            sql("password eq \"x\"")
                .unwrap_err()
                .contains("cannot be filtered")
        );
        assert!(sql("meta.lastModified gt \"2026-01-01T00:00:00Z\"").is_ok());
        assert!(sql("meta.lastModified gt \"yesterday\"").is_err());
        assert!(sql(r#"emails[value sw "a"]"#).is_ok());
        assert!(sql(r#"emails[type eq "work"]"#).is_err());
    }

    #[test]
    fn only_index_lookups_count_as_narrowed() {
        let narrow = |f: &str| narrowed(Resource::User, &Filter::parse(f).unwrap());
        assert!(narrow(r#"userName eq "a""#));
        assert!(narrow(r#"emails[value eq "a@b.c"]"#));
        assert!(narrow(r#"userName eq "a" and displayName co "b""#));
        assert!(narrow(r#"meta.lastModified gt "2026-01-01T00:00:00Z""#));
        assert!(!narrow(r#"userName co "a""#));
        assert!(!narrow(r#"userName sw "a""#));
        assert!(!narrow(r#"userName eq "a" or displayName eq "b""#));
        assert!(!narrow(r#"not (userName eq "a")"#));
        assert!(!narrow("title pr"));
    }
}
