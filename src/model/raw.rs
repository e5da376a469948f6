//! A value AWS sent for an enum field that this gwaudit version does not know (a new endpoint
//! type, a new access mode). It is kept as AWS spelled it, never dropped or mapped to a known
//! value, so the rules that need the field answer `unknown` naming it and the rest still judge
//! the resource.
//!
//! Snapshot loading: a value of AWS's enum shape (`DUALSTACK`, `SecurityPolicy_X`) loads as
//! unknown, because a newer AWS value is not malformed input and the collector writes exactly
//! such values. Anything else (empty, spaces, control characters, over 64 characters) is still
//! a load error naming its place (exit 2): it cannot be an AWS enum value, and it would be
//! repeated into every result's message.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// The longest unknown value kept (AWS enum values are well under 64 characters).
const MAX_LEN: usize = 64;

/// AWS enum values are letters, digits, `_`, `-` and `.`.
fn is_enum_spelling(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct RawValue(String);

impl RawValue {
    /// What the collector keeps of a value AWS sent: the value itself when it has an enum's
    /// spelling, else its first 64 characters with anything else shown as `_` (so the snapshot
    /// written still loads).
    pub fn from_aws(s: &str) -> Self {
        if is_enum_spelling(s) {
            return RawValue(s.to_string());
        }
        let kept: String = s
            .chars()
            .take(MAX_LEN)
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        RawValue(if kept.is_empty() { "_".into() } else { kept })
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RawValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if is_enum_spelling(&s) {
            Ok(RawValue(s))
        } else {
            Err(serde::de::Error::custom(
                "not an AWS enum value (letters, digits, `_`, `-`, `.`; at most 64 characters)",
            ))
        }
    }
}

/// What rules say of a field whose value this version does not know, e.g. "authorization
/// type `AWS_QUANTUM` (authorizationType) is a value this gwaudit version does not know":
/// `what` in words, `field` as AWS names it.
pub fn unknown_value_reason(what: &str, field: &str, raw: &RawValue) -> String {
    format!("{what} `{raw}` ({field}) is a value this gwaudit version does not know")
}

/// Model enums that keep unknown values ([`RawValue`]) in an `Unknown` variant.
pub trait KeepsUnknown: Sized {
    fn from_raw(raw: RawValue) -> Self;
    fn unknown(&self) -> Option<&RawValue>;

    /// What rules say of this value when this version does not know it ([`unknown_value_reason`]);
    /// `None` for a known value.
    fn reason_if_unknown(&self, what: &str, field: &str) -> Option<String> {
        self.unknown()
            .map(|raw| unknown_value_reason(what, field, raw))
    }
}

/// Implements [`KeepsUnknown`] for an enum with an `Unknown(RawValue)` variant.
macro_rules! keeps_unknown {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::model::KeepsUnknown for $t {
            fn from_raw(raw: $crate::model::RawValue) -> Self {
                Self::Unknown(raw)
            }
            fn unknown(&self) -> Option<&$crate::model::RawValue> {
                match self {
                    Self::Unknown(r) => Some(r),
                    _ => None,
                }
            }
        }
    )*};
}
pub(crate) use keeps_unknown;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EndpointType;

    #[test]
    fn unknown_values_of_enum_shape_load_and_round_trip() {
        let t: EndpointType = serde_json::from_str(r#""QUANTUM""#).unwrap();
        assert_eq!(t.unknown().map(RawValue::as_str), Some("QUANTUM"));
        assert_eq!(serde_json::to_string(&t).unwrap(), r#""QUANTUM""#);
        let known: EndpointType = serde_json::from_str(r#""PRIVATE""#).unwrap();
        assert_eq!(known, EndpointType::Private);
    }

    #[test]
    fn values_no_enum_could_have_are_load_errors() {
        for bad in [r#""""#, r#""two words""#, r#""a\u0007b""#] {
            assert!(serde_json::from_str::<EndpointType>(bad).is_err(), "{bad}");
        }
        let long = format!("\"{}\"", "A".repeat(65));
        assert!(serde_json::from_str::<EndpointType>(&long).is_err());
    }

    #[test]
    fn the_collector_keeps_what_loads() {
        assert_eq!(RawValue::from_aws("QUANTUM").as_str(), "QUANTUM");
        let odd = RawValue::from_aws("a b\u{7}");
        assert_eq!(odd.as_str(), "a_b_");
        assert!(serde_json::from_str::<RawValue>(&serde_json::to_string(&odd).unwrap()).is_ok());
        assert_eq!(RawValue::from_aws("").as_str(), "_");
    }
}
