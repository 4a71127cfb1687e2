//! PATCH (RFC 7644 §3.5.2): `add`, `replace` and `remove` operations applied, in order, to the
//! resource's JSON representation. The result is then checked and stored exactly as a PUT
//! would be, so PATCH has no rules of its own to drift from PUT's.

use serde_json::{Map, Value};

use crate::domain::scim_filter::{AttrPath, PatchPath, get_ci};

use super::error::{ScimError, ScimType};

/// The schema URI of a PATCH request.
pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// Most operations one request may carry.
const MAX_OPERATIONS: usize = 1000;

/// An operation's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Add,
    Replace,
    Remove,
}

/// Applies a PATCH request body to `resource`. `read_only` are the top-level attributes a
/// client may not change (400 `mutability`).
pub fn apply(resource: &mut Value, body: &Value, read_only: &[&str]) -> Result<(), ScimError> {
    let schemas_ok = get_ci(body, "schemas")
        .and_then(Value::as_array)
        .is_some_and(|s| s.iter().any(|s| s.as_str() == Some(PATCH_SCHEMA)));
    if !schemas_ok {
        return Err(invalid_syntax(&format!(
            "a PATCH body names the schema {PATCH_SCHEMA}"
        )));
    }
    let ops = get_ci(body, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid_syntax("a PATCH body has an `Operations` array"))?;
    if ops.is_empty() || ops.len() > MAX_OPERATIONS {
        return Err(invalid_syntax(&format!(
            "a PATCH body has 1 to {MAX_OPERATIONS} operations"
        )));
    }
    for op in ops {
        operation(resource, op, read_only)?;
    }
    Ok(())
}

fn invalid_syntax(detail: &str) -> ScimError {
    ScimError::bad_request(ScimType::InvalidSyntax, detail)
}

fn operation(resource: &mut Value, op: &Value, read_only: &[&str]) -> Result<(), ScimError> {
    let kind = match get_ci(op, "op")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
    {
        Some(o) if o == "add" => Op::Add,
        Some(o) if o == "replace" => Op::Replace,
        Some(o) if o == "remove" => Op::Remove,
        _ => return Err(invalid_syntax("`op` is add, replace or remove")),
    };
    let value = get_ci(op, "value").cloned();
    let path = match get_ci(op, "path") {
        None | Some(Value::Null) => None,
        Some(Value::String(p)) => Some(
            PatchPath::parse(p).map_err(|e| ScimError::bad_request(ScimType::InvalidPath, e))?,
        ),
        Some(_) => {
            return Err(ScimError::bad_request(
                ScimType::InvalidPath,
                "`path` is a string",
            ));
        }
    };
    match (kind, path, value) {
        (Op::Remove, None, _) => Err(ScimError::bad_request(
            ScimType::NoTarget,
            "remove needs a path (RFC 7644 §3.5.2.2)",
        )),
        (Op::Remove, Some(path), _) => at_path(resource, &path, kind, None, read_only),
        (_, _, None) => Err(invalid_syntax("add and replace need a value")),
        // No path: the value is an object of attributes to add or replace (§3.5.2.1, §3.5.2.3).
        (_, None, Some(Value::Object(attrs))) => {
            for (name, v) in attrs {
                if name.eq_ignore_ascii_case("schemas") {
                    continue;
                }
                let path = PatchPath::parse(&name)
                    .map_err(|e| ScimError::bad_request(ScimType::InvalidPath, e))?;
                at_path(resource, &path, kind, Some(v), read_only)?;
            }
            Ok(())
        }
        (_, None, Some(_)) => Err(ScimError::bad_request(
            ScimType::InvalidValue,
            "without a path the value is an object of attributes",
        )),
        (_, Some(path), Some(v)) => at_path(resource, &path, kind, Some(v), read_only),
    }
}

fn at_path(
    resource: &mut Value,
    path: &PatchPath,
    kind: Op,
    value: Option<Value>,
    read_only: &[&str],
) -> Result<(), ScimError> {
    let attr = &path.attr.attr;
    if read_only.iter().any(|r| r.eq_ignore_ascii_case(attr)) {
        return Err(ScimError::bad_request(
            ScimType::Mutability,
            format!("`{attr}` is read-only"),
        ));
    }
    let Value::Object(obj) = resource else {
        return Err(ScimError::internal(&"the resource is not an object"));
    };
    let key = key_of(obj, attr);
    match &path.filter {
        None => plain(obj, &key, &path.attr, kind, value),
        Some(filter) => {
            let Some(Value::Array(items)) = obj.get_mut(&key) else {
                return Err(no_target(attr));
            };
            let hits: Vec<usize> = (0..items.len())
                .filter(|i| filter.matches(&items[*i]))
                .collect();
            if hits.is_empty() {
                return Err(no_target(attr));
            }
            for i in hits.iter().rev() {
                match (&path.sub, kind) {
                    (None, Op::Remove) => {
                        items.remove(*i);
                    }
                    (None, _) => merge_or_set(&mut items[*i], value.clone().unwrap_or(Value::Null)),
                    (Some(sub), Op::Remove) => {
                        if let Value::Object(o) = &mut items[*i] {
                            let k = key_of(o, sub);
                            o.remove(&k);
                        }
                    }
                    (Some(sub), _) => {
                        if let Value::Object(o) = &mut items[*i] {
                            let k = key_of(o, sub);
                            o.insert(k, value.clone().unwrap_or(Value::Null));
                        }
                    }
                }
            }
            Ok(())
        }
    }
}

fn no_target(attr: &str) -> ScimError {
    ScimError::bad_request(
        ScimType::NoTarget,
        format!("no value of `{attr}` matches the path's filter"),
    )
}

/// The key already used for `name` (attribute names are case-insensitive), or `name`.
fn key_of(obj: &Map<String, Value>, name: &str) -> String {
    obj.keys()
        .find(|k| k.eq_ignore_ascii_case(name))
        .cloned()
        .unwrap_or_else(|| name.to_string())
}

/// An operation on `attr` or `attr.sub` without a value filter.
fn plain(
    obj: &mut Map<String, Value>,
    key: &str,
    path: &AttrPath,
    kind: Op,
    value: Option<Value>,
) -> Result<(), ScimError> {
    if let Some(sub) = &path.sub {
        let target = obj
            .entry(key.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        let apply = |o: &mut Map<String, Value>| {
            let k = key_of(o, sub);
            match kind {
                Op::Remove => {
                    o.remove(&k);
                }
                _ => {
                    o.insert(k, value.clone().unwrap_or(Value::Null));
                }
            }
        };
        match target {
            Value::Object(o) => apply(o),
            Value::Array(items) => items
                .iter_mut()
                .filter_map(Value::as_object_mut)
                .for_each(apply),
            _ => {
                return Err(ScimError::bad_request(
                    ScimType::InvalidPath,
                    "the attribute has no sub-attributes",
                ));
            }
        }
        return Ok(());
    }
    match (kind, value) {
        (Op::Remove, _) => {
            obj.remove(key);
        }
        // §3.5.2.1: add to a multi-valued attribute appends; values already there stay once.
        (Op::Add, Some(v)) if matches!(obj.get(key), Some(Value::Array(_))) => {
            let new = match v {
                Value::Array(vs) => vs,
                v => vec![v],
            };
            if let Some(Value::Array(items)) = obj.get_mut(key) {
                for v in new {
                    if !items.iter().any(|i| same_value(i, &v)) {
                        items.push(v);
                    }
                }
            }
        }
        (_, Some(v)) => match obj.get_mut(key) {
            Some(existing @ Value::Object(_)) if v.is_object() => merge_or_set(existing, v),
            _ => {
                obj.insert(key.to_string(), v);
            }
        },
        (_, None) => {}
    }
    Ok(())
}

/// Two values of a multi-valued attribute are the same when their `value`s are.
fn same_value(a: &Value, b: &Value) -> bool {
    match (get_ci(a, "value"), get_ci(b, "value")) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

/// A complex value's sub-attributes replaced by those given, the others left (§3.5.2.3).
fn merge_or_set(target: &mut Value, v: Value) {
    match (target, v) {
        (Value::Object(t), Value::Object(v)) => {
            for (k, x) in v {
                let key = key_of(t, &k);
                t.insert(key, x);
            }
        }
        (t, v) => *t = v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn patch(resource: Value, ops: Value) -> Result<Value, ScimError> {
        let mut r = resource;
        apply(
            &mut r,
            &json!({"schemas": [PATCH_SCHEMA], "Operations": ops}),
            &["id", "meta", "groups"],
        )?;
        Ok(r)
    }

    #[test]
    fn adds_replaces_and_removes() {
        let r = json!({"userName": "a", "name": {"givenName": "A", "familyName": "B"}, "emails": [{"value": "a@x", "type": "work"}]});
        let r = patch(
            r,
            json!([
                {"op": "replace", "path": "name.givenName", "value": "Ann"},
                {"op": "add", "path": "emails", "value": [{"value": "b@x", "type": "home"}]},
                {"op": "remove", "path": "emails[type eq \"work\"]"},
                {"op": "Replace", "value": {"displayName": "Ann B", "name": {"familyName": "Bee"}}},
            ]),
        )
        .unwrap();
        assert_eq!(r["name"], json!({"givenName": "Ann", "familyName": "Bee"}));
        assert_eq!(r["emails"], json!([{"value": "b@x", "type": "home"}]));
        // A new attribute's name is kept lowercase: names are case-insensitive, and the
        // resource is read back through `get_ci`.
        assert_eq!(get_ci(&r, "displayName"), Some(&json!("Ann B")));
    }

    #[test]
    fn refuses_read_only_and_missing_targets() {
        let e = patch(
            json!({"id": "1"}),
            json!([{"op": "replace", "path": "id", "value": "2"}]),
        )
        .unwrap_err();
        assert!(format!("{e:?}").contains("Mutability"));
        let e = patch(
            json!({"emails": []}),
            json!([{"op": "remove", "path": "emails[value eq \"x\"]"}]),
        )
        .unwrap_err();
        assert!(format!("{e:?}").contains("NoTarget"));
        assert!(patch(json!({}), json!([{"op": "remove"}])).is_err());
        assert!(patch(json!({}), json!([{"op": "move", "path": "a"}])).is_err());
    }
}
