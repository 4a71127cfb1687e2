//! Permission names `resource:action` (e.g. `reports:read`) and role names.

/// A permission: a resource and an action on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    pub resource: String,
    pub action: String,
}

fn valid_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-.*".contains(c))
}

impl Permission {
    /// Parses `resource:action`.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.split_once(':') {
            Some((resource, action)) if valid_part(resource) && valid_part(action) => Ok(Self {
                resource: resource.to_string(),
                action: action.to_string(),
            }),
            _ => Err(format!(
                "permission `{}` must look like resource:action (letters, digits, _ - . *)",
                s.escape_default()
            )),
        }
    }

    /// The permission's name, `resource:action`.
    pub fn name(&self) -> String {
        format!("{}:{}", self.resource, self.action)
    }
}

/// Checks a role or group name: 1–64 letters, digits, `_ - .`.
pub fn parse_role_name(s: &str) -> Result<&str, String> {
    if valid_part(s) && !s.contains('*') {
        Ok(s)
    } else {
        Err(format!(
            "`{}` is not a valid name (1-64 letters, digits, _ - .)",
            s.escape_default()
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        let p = Permission::parse("reports:read").unwrap();
        assert_eq!(
            (p.resource.as_str(), p.action.as_str()),
            ("reports", "read")
        );
        assert_eq!(p.name(), "reports:read");
        assert!(Permission::parse("reports").is_err());
        assert!(Permission::parse("a b:c").is_err());
        assert!(parse_role_name("admin").is_ok());
        assert!(parse_role_name("ad min").is_err());
    }
}
