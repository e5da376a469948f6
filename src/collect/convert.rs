//! Small conversions from SDK values to the model.

use std::collections::{BTreeMap, HashMap};

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use serde::de::DeserializeOwned;

use crate::model::{KeepsUnknown, RawValue};

pub fn date(d: &DateTime) -> String {
    d.fmt(Format::DateTime)
        .unwrap_or_else(|_| d.secs().to_string())
}

/// A model enum from AWS's spelling; `Err` for a spelling the enum cannot hold (for an enum
/// that keeps unknown values, one no AWS enum value has), never silently mapped to another.
fn enum_value<T: DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| format!("unknown value `{s}` from AWS: this gwaudit version cannot judge it"))
}

/// A model enum from AWS's spelling, keeping a value this version does not know as the raw
/// string (the caller records it: [`super::RegionCollector::keep`]).
pub fn keep_value<T: DeserializeOwned + KeepsUnknown>(s: &str) -> T {
    enum_value(s).unwrap_or_else(|_| T::from_raw(RawValue::from_aws(s)))
}

pub fn tags(map: Option<&HashMap<String, String>>) -> BTreeMap<String, String> {
    map.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// IAM returns policy documents percent-encoded as RFC 3986 says: `+` is a plus sign, not a
/// space. An invalid escape (`%zz`, a lone `%`) stays as written and bytes that are not UTF-8
/// become U+FFFD, so a damaged document still reaches the policy parser, which reports it.
pub fn url_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EndpointType;

    #[test]
    fn url_decoding() {
        assert_eq!(url_decode("%7B%22a%22%3A1%7D"), r#"{"a":1}"#);
        assert_eq!(url_decode("100%"), "100%");
        assert_eq!(url_decode("%zz"), "%zz");
        assert_eq!(url_decode("%é1"), "%é1");
        assert_eq!(url_decode("a%2"), "a%2");
        assert_eq!(url_decode("%%41"), "%A");
        assert_eq!(url_decode("%C3%A9%20ok"), "é ok");
        assert_eq!(url_decode("%FF"), "\u{fffd}");
        // A literal `+` (IAM names and condition values may hold one) stays a plus.
        assert_eq!(
            url_decode("arn:aws:iam::1:role/ci+deploy%20x"),
            "arn:aws:iam::1:role/ci+deploy x"
        );
    }

    #[test]
    fn unknown_values_are_kept() {
        let t: EndpointType = keep_value("QUANTUM");
        assert_eq!(t.unknown().map(RawValue::as_str), Some("QUANTUM"));
        assert_eq!(keep_value::<EndpointType>("EDGE"), EndpointType::Edge);
    }

    #[test]
    fn unknown_enum_is_an_error() {
        assert_eq!(
            enum_value::<EndpointType>("PRIVATE"),
            Ok(EndpointType::Private)
        );
        // A spelling no AWS enum value has is an error even for enums that keep unknown values.
        assert!(enum_value::<EndpointType>("not an enum")
            .unwrap_err()
            .contains("not an enum"));
    }
}
