//! SCIM filters (RFC 7644 §3.4.2.2) and PATCH paths (§3.5.2), parsed once into a tree: the
//! store turns the tree into SQL with bound parameters, PATCH evaluates it on a resource. A
//! recursive-descent parser whose nesting is bounded ([`MAX_DEPTH`]), so `((((…` a thousand
//! deep is refused before it can exhaust the stack.

use serde_json::Value;

/// Deepest nesting of parentheses, `not` and value filters accepted.
pub const MAX_DEPTH: usize = 16;
/// Longest filter accepted, in bytes.
pub const MAX_LEN: usize = 4096;

/// An attribute path (`attrPath`): the attribute and its sub-attribute, lowercase (SCIM
/// attribute names are case-insensitive, RFC 7643 §2.1), without the schema URN prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    pub attr: String,
    pub sub: Option<String>,
}

impl AttrPath {
    /// Parses `[URN ":"] attr ["." sub]`.
    pub fn parse(s: &str) -> Result<Self, String> {
        // A schema URN prefix ends at the last colon (`urn:…:User:name.givenName`).
        let name = match s.rfind(':') {
            Some(i) if s[..i].to_ascii_lowercase().starts_with("urn:") => &s[i + 1..],
            Some(_) => return Err(format!("`{}` is not an attribute path", s.escape_default())),
            None => s,
        };
        let mut parts = name.split('.');
        let attr = parts.next().unwrap_or_default();
        let sub = parts.next();
        let valid = |p: &str| {
            let mut cs = p.chars();
            cs.next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '$')
                && cs.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        };
        if parts.next().is_some() || !valid(attr) || sub.is_some_and(|s| !valid(s)) {
            return Err(format!("`{}` is not an attribute path", s.escape_default()));
        }
        Ok(Self {
            attr: attr.to_ascii_lowercase(),
            sub: sub.map(str::to_ascii_lowercase),
        })
    }

    /// `attr` or `attr.sub`, lowercase.
    pub fn dotted(&self) -> String {
        match &self.sub {
            Some(s) => format!("{}.{s}", self.attr),
            None => self.attr.clone(),
        }
    }
}

/// A comparison operator (RFC 7644 §3.4.2.2, table 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CompareOp {
    fn parse(s: &str) -> Option<Self> {
        Some(match s.to_ascii_lowercase().as_str() {
            "eq" => Self::Eq,
            "ne" => Self::Ne,
            "co" => Self::Co,
            "sw" => Self::Sw,
            "ew" => Self::Ew,
            "gt" => Self::Gt,
            "ge" => Self::Ge,
            "lt" => Self::Lt,
            "le" => Self::Le,
            _ => return None,
        })
    }
}

/// A comparison value (`compValue`).
#[derive(Debug, Clone, PartialEq)]
pub enum CompValue {
    Str(String),
    Num(f64),
    Bool(bool),
    Null,
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    Compare {
        path: AttrPath,
        op: CompareOp,
        value: CompValue,
    },
    Present(AttrPath),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    /// `attr[filter]`: some value of the multi-valued `attr` matches `filter`, whose paths are
    /// its sub-attributes.
    ValuePath {
        attr: String,
        filter: Box<Filter>,
    },
}

impl Filter {
    /// Parses a filter; the error says what is wrong (for `invalidFilter`'s detail).
    pub fn parse(s: &str) -> Result<Self, String> {
        if s.len() > MAX_LEN {
            return Err(format!("the filter is longer than {MAX_LEN} bytes"));
        }
        let mut p = Parser {
            tokens: lex(s)?,
            pos: 0,
        };
        let f = p.or(0)?;
        match p.next() {
            None => Ok(f),
            Some(t) => Err(format!("unexpected {t:?} after the filter")),
        }
    }

    /// Whether `resource` (a JSON object) matches, attribute names compared ignoring case and
    /// strings ignoring case (the attributes PATCH filters on are not `caseExact`).
    pub fn matches(&self, resource: &Value) -> bool {
        match self {
            Filter::And(a, b) => a.matches(resource) && b.matches(resource),
            Filter::Or(a, b) => a.matches(resource) || b.matches(resource),
            Filter::Not(f) => !f.matches(resource),
            Filter::Present(path) => values_at(resource, path)
                .iter()
                .any(|v| !v.is_null() && v.as_str() != Some("")),
            Filter::Compare { path, op, value } => values_at(resource, path)
                .iter()
                .any(|v| compare(v, *op, value)),
            Filter::ValuePath { attr, filter } => match get_ci(resource, attr) {
                Some(Value::Array(items)) => items.iter().any(|i| filter.matches(i)),
                Some(v) => filter.matches(v),
                None => false,
            },
        }
    }
}

/// A member of a JSON object by name, ignoring case.
pub fn get_ci<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

/// The values at `path`: through each value of a multi-valued attribute.
fn values_at<'a>(resource: &'a Value, path: &AttrPath) -> Vec<&'a Value> {
    let Some(v) = get_ci(resource, &path.attr) else {
        return Vec::new();
    };
    let items: Vec<&Value> = match v {
        Value::Array(items) => items.iter().collect(),
        v => vec![v],
    };
    match &path.sub {
        None => items,
        Some(sub) => items.into_iter().filter_map(|i| get_ci(i, sub)).collect(),
    }
}

fn compare(v: &Value, op: CompareOp, want: &CompValue) -> bool {
    use std::cmp::Ordering;
    let ord = match (v, want) {
        (Value::String(a), CompValue::Str(b)) => {
            let (a, b) = (a.to_lowercase(), b.to_lowercase());
            match op {
                CompareOp::Co => return a.contains(&b),
                CompareOp::Sw => return a.starts_with(&b),
                CompareOp::Ew => return a.ends_with(&b),
                _ => a.cmp(&b),
            }
        }
        (Value::Number(a), CompValue::Num(b)) => match a.as_f64().and_then(|a| a.partial_cmp(b)) {
            Some(o) => o,
            None => return false,
        },
        (Value::Bool(a), CompValue::Bool(b)) => a.cmp(b),
        (Value::Null, CompValue::Null) => Ordering::Equal,
        _ => return op == CompareOp::Ne,
    };
    match op {
        CompareOp::Eq => ord == Ordering::Equal,
        CompareOp::Ne => ord != Ordering::Equal,
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Ge => ord != Ordering::Less,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Le => ord != Ordering::Greater,
        CompareOp::Co | CompareOp::Sw | CompareOp::Ew => false,
    }
}

/// A PATCH operation's `path` (RFC 7644 §3.5.2): `attrPath`, or `attr[valFilter]` optionally
/// followed by `.subAttr`.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    pub attr: AttrPath,
    /// Which values of a multi-valued `attr` the operation targets.
    pub filter: Option<Filter>,
    /// With a filter: the sub-attribute of the matched values (`emails[…].value`).
    pub sub: Option<String>,
}

impl PatchPath {
    /// Parses a PATCH path.
    pub fn parse(s: &str) -> Result<Self, String> {
        let Some(open) = s.find('[') else {
            return Ok(Self {
                attr: AttrPath::parse(s.trim())?,
                filter: None,
                sub: None,
            });
        };
        let close = s
            .rfind(']')
            .filter(|c| *c > open)
            .ok_or_else(|| format!("`{}` has an unclosed `[`", s.escape_default()))?;
        let attr = AttrPath::parse(&s[..open])?;
        let filter = Filter::parse(&s[open + 1..close])?;
        let rest = &s[close + 1..];
        let sub = match rest.strip_prefix('.') {
            Some(sub) => Some(AttrPath::parse(sub)?.attr),
            None if rest.is_empty() => None,
            None => return Err(format!("`{}` is not a PATCH path", s.escape_default())),
        };
        Ok(Self {
            attr,
            filter: Some(filter),
            sub,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    Word(String),
    Str(String),
    Num(f64),
}

fn lex(s: &str) -> Result<Vec<Token>, String> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'(' => (out.push(Token::Open), i += 1).1,
            b')' => (out.push(Token::Close), i += 1).1,
            b'[' => (out.push(Token::OpenBracket), i += 1).1,
            b']' => (out.push(Token::CloseBracket), i += 1).1,
            b'"' => {
                let start = i;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                if i >= b.len() {
                    return Err("a string is not closed".into());
                }
                i += 1;
                let text: String = serde_json::from_str(&s[start..i])
                    .map_err(|_| "a string is not a valid JSON string".to_string())?;
                out.push(Token::Str(text));
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                i += 1;
                while i < b.len() && (b[i].is_ascii_digit() || b"+-.eE".contains(&b[i])) {
                    i += 1;
                }
                let n = s[start..i]
                    .parse::<f64>()
                    .map_err(|_| format!("`{}` is not a number", &s[start..i]))?;
                out.push(Token::Num(n));
            }
            _ => {
                let start = i;
                while i < b.len() && !b" \t\r\n()[]\"".contains(&b[i]) {
                    i += 1;
                }
                out.push(Token::Word(s[start..i].to_string()));
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<Token>,
    pos: usize,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let t = self.tokens.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn peek_word(&self, w: &str) -> bool {
        matches!(self.tokens.get(self.pos), Some(Token::Word(x)) if x.eq_ignore_ascii_case(w))
    }

    fn expect(&mut self, t: Token) -> Result<(), String> {
        match self.next() {
            Some(x) if x == t => Ok(()),
            other => Err(format!("expected {t:?}, found {other:?}")),
        }
    }

    /// `or` binds loosest, then `and`, then `not` (RFC 7644 §3.4.2.2, table 4).
    fn or(&mut self, depth: usize) -> Result<Filter, String> {
        let mut left = self.and(depth)?;
        while self.peek_word("or") {
            self.pos += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and(depth)?));
        }
        Ok(left)
    }

    fn and(&mut self, depth: usize) -> Result<Filter, String> {
        let mut left = self.unary(depth)?;
        while self.peek_word("and") {
            self.pos += 1;
            left = Filter::And(Box::new(left), Box::new(self.unary(depth)?));
        }
        Ok(left)
    }

    fn unary(&mut self, depth: usize) -> Result<Filter, String> {
        if depth >= MAX_DEPTH {
            return Err(format!("the filter nests deeper than {MAX_DEPTH} levels"));
        }
        if self.peek_word("not") && self.tokens.get(self.pos + 1) == Some(&Token::Open) {
            self.pos += 2;
            let inner = self.or(depth + 1)?;
            self.expect(Token::Close)?;
            return Ok(Filter::Not(Box::new(inner)));
        }
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or(depth + 1)?;
                self.expect(Token::Close)?;
                Ok(inner)
            }
            Some(Token::Word(w)) => self.attr_expression(&w, depth),
            other => Err(format!("expected an attribute, found {other:?}")),
        }
    }

    fn attr_expression(&mut self, word: &str, depth: usize) -> Result<Filter, String> {
        let path = AttrPath::parse(word)?;
        if self.tokens.get(self.pos) == Some(&Token::OpenBracket) {
            self.pos += 1;
            if path.sub.is_some() {
                return Err("a value filter applies to an attribute, not a sub-attribute".into());
            }
            let inner = self.or(depth + 1)?;
            self.expect(Token::CloseBracket)?;
            return Ok(Filter::ValuePath {
                attr: path.attr,
                filter: Box::new(inner),
            });
        }
        let op = match self.next() {
            Some(Token::Word(op)) if op.eq_ignore_ascii_case("pr") => {
                return Ok(Filter::Present(path));
            }
            Some(Token::Word(op)) => CompareOp::parse(&op)
                .ok_or_else(|| format!("`{}` is not an operator", op.escape_default()))?,
            other => return Err(format!("expected an operator, found {other:?}")),
        };
        let value = match self.next() {
            Some(Token::Str(s)) => CompValue::Str(s),
            Some(Token::Num(n)) => CompValue::Num(n),
            Some(Token::Word(w)) if w == "true" => CompValue::Bool(true),
            Some(Token::Word(w)) if w == "false" => CompValue::Bool(false),
            Some(Token::Word(w)) if w == "null" => CompValue::Null,
            other => return Err(format!("expected a value, found {other:?}")),
        };
        Ok(Filter::Compare { path, op, value })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn path(attr: &str, sub: Option<&str>) -> AttrPath {
        AttrPath {
            attr: attr.into(),
            sub: sub.map(Into::into),
        }
    }

    #[test]
    fn parses_precedence_and_paths() {
        let f = Filter::parse(
            r#"userName eq "Bjensen" or not (emails.value co "@x") and urn:ietf:params:scim:schemas:core:2.0:User:name.givenName pr"#,
        )
        .unwrap();
        let Filter::Or(a, b) = f else { panic!() };
        assert_eq!(
            *a,
            Filter::Compare {
                path: path("username", None),
                op: CompareOp::Eq,
                value: CompValue::Str("Bjensen".into())
            }
        );
        let Filter::And(n, p) = *b else { panic!() };
        assert!(matches!(*n, Filter::Not(_)));
        assert_eq!(*p, Filter::Present(path("name", Some("givenname"))));
    }

    #[test]
    fn refuses_deep_nesting_and_garbage() {
        let deep = format!("{}userName pr{}", "(".repeat(1000), ")".repeat(1000));
        assert!(Filter::parse(&deep).unwrap_err().contains("nests deeper"));
        for bad in [
            "",
            "userName",
            "userName eq",
            "userName zz \"x\"",
            "userName eq \"x",
            "(userName pr",
            "userName pr)",
            "a.b.c pr",
            "emails[type eq \"work\"",
        ] {
            assert!(Filter::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn value_filters_match_json() {
        let f = Filter::parse(r#"emails[type eq "work" and value ew "@example.com"]"#).unwrap();
        let r = json!({"emails": [{"type": "home", "value": "a@x"}, {"Type": "Work", "value": "b@EXAMPLE.com"}]});
        assert!(f.matches(&r));
        assert!(
            !Filter::parse(r#"emails.value eq "c@x""#)
                .unwrap()
                .matches(&r)
        );
        assert!(
            Filter::parse("meta.version gt 2")
                .unwrap()
                .matches(&json!({"meta": {"version": 3}}))
        );
    }

    #[test]
    fn patch_paths() {
        let p = PatchPath::parse(r#"members[value eq "2819c223"].display"#).unwrap();
        assert_eq!(p.attr, path("members", None));
        assert_eq!(p.sub.as_deref(), Some("display"));
        assert!(p.filter.is_some());
        assert_eq!(
            PatchPath::parse("name.familyName").unwrap().attr,
            path("name", Some("familyname"))
        );
        assert!(PatchPath::parse("members[value eq \"x\"").is_err());
    }
}
