//! Closed sets of protocol names (grant types, auth methods, algorithms, …): each name is written
//! once, in the enum's declaration, and everything else (parsing, printing, serde, the lists a
//! discovery document advertises) is derived from it.

/// A name that is not in a closed set, kept for the error message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} `{}`", value.escape_default())]
pub struct UnknownName {
    /// What the set is ("grant type", "algorithm", …).
    pub what: &'static str,
    /// The refused name.
    pub value: String,
}

/// Declares an enum of protocol names: `ALL` (in the order they are advertised), `as_str`,
/// `parse -> Option`, `FromStr`, `Display`, and serde as the name.
///
/// ```ignore
/// closed_set! {
///     /// An OAuth grant type.
///     pub enum GrantType("grant type") {
///         AuthorizationCode = "authorization_code",
///     }
/// }
/// ```
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident($what:literal) {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $text)] $variant, )+
        }

        impl $name {
            /// Every value, in the order they are advertised.
            pub const ALL: [$name; [$($text),+].len()] = [$($name::$variant),+];

            /// The name as the protocol (and the database) spells it.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( $name::$variant => $text, )+
                }
            }

            /// Parses a name exactly as spelt (names are case-sensitive); `None` for any other.
            pub fn parse(s: &str) -> Option<Self> {
                match s {
                    $( $text => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::domain::UnknownName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::parse(s).ok_or_else(|| $crate::domain::UnknownName {
                    what: $what,
                    value: s.to_string(),
                })
            }
        }
    };
}

pub(crate) use closed_set;
