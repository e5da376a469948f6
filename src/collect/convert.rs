//! Small conversions from SDK values to the model.

use std::collections::{BTreeMap, HashMap};

use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use serde::de::DeserializeOwned;

pub fn date(d: &DateTime) -> String {
    d.fmt(Format::DateTime)
        .unwrap_or_else(|_| d.secs().to_string())
}

/// A model enum from AWS's spelling. An unknown value is an error (recorded as a collection
/// error by the caller), never silently mapped to something else.
pub fn enum_value<T: DeserializeOwned>(s: &str) -> Result<T, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| format!("unknown value `{s}` from AWS: this gwaudit version cannot judge it"))
}

pub fn tags(map: Option<&HashMap<String, String>>) -> BTreeMap<String, String> {
    map.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// IAM returns policy documents URL-encoded.
pub fn url_decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%' && i + 2 < bytes.len())
            .then(|| Some(hex(bytes[i + 1])? * 16 + hex(bytes[i + 2])?))
            .flatten();
        match (decoded, bytes[i]) {
            (Some(b), _) => {
                out.push(b);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
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
    }

    #[test]
    fn unknown_enum_is_an_error() {
        assert_eq!(
            enum_value::<EndpointType>("PRIVATE"),
            Ok(EndpointType::Private)
        );
        assert!(enum_value::<EndpointType>("DUALSTACK")
            .unwrap_err()
            .contains("DUALSTACK"));
    }
}
