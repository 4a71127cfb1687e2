//! Just enough of an SQL lexer to compare two dialects' migrations: statements as token lists,
//! with whitespace and comments gone.

/// One statement, as its tokens (verbatim).
#[derive(Debug, Clone)]
pub struct Statement {
    pub tokens: Vec<String>,
}

impl Statement {
    /// The statement on one line, tokens separated by single spaces.
    pub fn text(&self) -> String {
        self.tokens.join(" ")
    }

    /// [`Statement::text`] with unquoted words upper-cased, as both engines read them: equal keys
    /// mean equal statements.
    pub fn key(&self) -> String {
        self.tokens
            .iter()
            .map(|t| fold_case(t))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Upper-cases a word; leaves quoted strings, quoted identifiers and dollar-quoted bodies alone.
pub fn fold_case(token: &str) -> String {
    if token.starts_with(['\'', '"', '$']) {
        token.to_string()
    } else {
        token.to_ascii_uppercase()
    }
}

/// The tokens of `sql`: words and numbers, quoted strings (`'..'`), quoted identifiers (`".."`),
/// PostgreSQL dollar-quoted bodies (`$tag$..$tag$`, one token), and punctuation (`::`, `<>`,
/// `<=`, `>=`, `!=`, `||` as one token each). `--` and `/* */` comments are dropped.
pub fn tokens(sql: &str) -> Vec<String> {
    let s: Vec<char> = sql.chars().collect();
    let (mut out, mut i) = (Vec::new(), 0);
    // Where `pat` next starts at or after `from`, in chars.
    let find = |from: usize, pat: &[char]| (from..s.len()).find(|&j| s[j..].starts_with(pat));
    while i < s.len() {
        let c = s[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        } else if c == '-' && s.get(i + 1) == Some(&'-') {
            while i < s.len() && s[i] != '\n' {
                i += 1;
            }
            continue;
        } else if c == '/' && s.get(i + 1) == Some(&'*') {
            i = find(i + 2, &['*', '/']).map_or(s.len(), |end| end + 2);
            continue;
        } else if c == '\'' || c == '"' {
            // A doubled quote inside is an escaped one.
            i += 1;
            while i < s.len() {
                if s[i] == c && s.get(i + 1) == Some(&c) {
                    i += 2;
                } else if s[i] == c {
                    i += 1;
                    break;
                } else {
                    i += 1;
                }
            }
        } else if c == '$' {
            let tag_end = (i + 1..s.len()).find(|&j| !(s[j].is_alphanumeric() || s[j] == '_'));
            match tag_end {
                Some(j) if s[j] == '$' => {
                    let tag = &s[i..=j];
                    i = find(j + 1, tag).map_or(s.len(), |end| end + tag.len());
                }
                _ => i += 1,
            }
        } else if c.is_alphanumeric() || c == '_' {
            while i < s.len() && (s[i].is_alphanumeric() || s[i] == '_') {
                i += 1;
            }
        } else {
            let pair: String = s[i..(i + 2).min(s.len())].iter().collect();
            i += if ["::", "<>", "<=", ">=", "!=", "||"].contains(&pair.as_str()) {
                2
            } else {
                1
            };
        }
        out.push(s[start..i].iter().collect());
    }
    out
}

/// The statements of a migration file, split at `;` except inside a trigger's `BEGIN … END`
/// (SQLite) or a dollar-quoted body (PostgreSQL, already one token).
pub fn statements(sql: &str) -> Vec<Statement> {
    let (mut out, mut current, mut depth) = (Vec::new(), Vec::<String>::new(), 0_usize);
    for token in tokens(sql) {
        let word = fold_case(&token);
        let in_trigger = current.first().is_some_and(|t| fold_case(t) == "CREATE")
            && current.iter().take(3).any(|t| fold_case(t) == "TRIGGER");
        if token == ";" && depth == 0 {
            if !current.is_empty() {
                out.push(Statement {
                    tokens: std::mem::take(&mut current),
                });
            }
            continue;
        }
        if in_trigger && (word == "BEGIN" || word == "CASE") {
            depth += 1;
        } else if in_trigger && word == "END" {
            depth = depth.saturating_sub(1);
        }
        current.push(token);
    }
    if !current.is_empty() {
        out.push(Statement { tokens: current });
    }
    out
}

/// An SQL expression as both catalogs can be made to agree on it: tokens with case folded,
/// parentheses and PostgreSQL's `::type` casts dropped (`(state <> 'retired'::text)` and
/// `state <> 'retired'` are the same).
pub fn expression_key(expr: &str) -> String {
    let mut out = Vec::new();
    let mut tokens = tokens(expr).into_iter();
    while let Some(t) = tokens.next() {
        match t.as_str() {
            "(" | ")" => {}
            "::" => {
                tokens.next();
            }
            _ => out.push(fold_case(&t)),
        }
    }
    out.join(" ")
}

#[test]
fn statements_split_at_semicolons_outside_trigger_bodies_and_dollar_quotes() {
    let sql = "-- a comment; with a semicolon\nCREATE TABLE t (a TEXT DEFAULT 'x;y');\n\
        CREATE TRIGGER t1 AFTER DELETE ON t\nBEGIN UPDATE u SET n = n + 1; END;\n\
        CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END; $$;\n\
        /* block */ INSERT INTO u VALUES ('it''s')";
    let texts: Vec<String> = statements(sql).iter().map(Statement::text).collect();
    assert_eq!(
        texts,
        [
            "CREATE TABLE t ( a TEXT DEFAULT 'x;y' )",
            "CREATE TRIGGER t1 AFTER DELETE ON t BEGIN UPDATE u SET n = n + 1 ; END",
            "CREATE FUNCTION f ( ) RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END; $$",
            "INSERT INTO u VALUES ( 'it''s' )",
        ]
    );
    assert_eq!(
        expression_key("(state <> 'retired'::text)"),
        expression_key("state <> 'retired'")
    );
}
