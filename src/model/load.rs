//! Reading snapshot files: every failure names the file and the place in it.

use std::fmt;
use std::path::Path;

use super::{DocumentIn, OrgSnapshot, Snapshot, SCHEMA_V1, SCHEMA_VERSION};

#[derive(Debug)]
pub struct LoadError {
    /// What was read: a path, or a description such as `embedded demo snapshot`.
    pub source_name: String,
    pub detail: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source_name, self.detail)
    }
}

impl std::error::Error for LoadError {}

/// The top-level member `name` of a JSON object (a snapshot's `schema_version`, a report's
/// `report_version`), read first so that a document of another version gets a version error
/// instead of a confusing field error. Reading stops at the member: skipping the rest of a
/// large snapshot was a sixth of loading it (perf). So the text after it is not checked: the
/// caller's full parse tells whether it is JSON.
pub fn top_level_member(
    text: &str,
    name: &str,
) -> Result<Option<serde_json::Value>, serde_json::Error> {
    use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};
    struct Probe<'a>(&'a str, &'a mut Option<serde_json::Value>);
    impl<'de> Visitor<'de> for Probe<'_> {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if key == self.0 {
                    *self.1 = Some(map.next_value()?);
                    // The rest is left unread, which serde_json reports as an error: the
                    // caller has what it came for.
                    return Ok(());
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }
    impl<'de> DeserializeSeed<'de> for Probe<'_> {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_map(self)
        }
    }
    let mut found = None;
    let read = Probe(name, &mut found).deserialize(&mut serde_json::Deserializer::from_str(text));
    match (read, found) {
        (_, Some(v)) => Ok(Some(v)),
        (Ok(()), None) => Ok(None),
        (Err(e), None) => Err(e),
    }
}

pub fn load_snapshot_file(path: &Path) -> Result<OrgSnapshot, LoadError> {
    let name = path.display().to_string();
    let cannot_read = |e: std::io::Error| LoadError {
        source_name: name.clone(),
        detail: format!("cannot read snapshot: {e}"),
    };
    let file = std::fs::File::open(path).map_err(cannot_read)?;
    match map_file(&file) {
        Some(map) => {
            // Worded as reading the file would word it.
            let text = std::str::from_utf8(&map).map_err(|_| {
                cannot_read(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "stream did not contain valid UTF-8",
                ))
            })?;
            parse_snapshot(text, &name)
        }
        None => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut &file, &mut text).map_err(cannot_read)?;
            parse_snapshot(&text, &name)
        }
    }
}

/// A regular file of at least `MAP_FROM` bytes mapped into memory, read where the page cache
/// holds it; `None` for anything else (a pipe, a terminal, a small file) or when mapping
/// fails, which is then read.
fn map_file(file: &std::fs::File) -> Option<memmap2::Mmap> {
    let meta = file.metadata().ok()?;
    if !meta.is_file() || meta.len() < MAP_FROM {
        return None;
    }
    // SAFETY: the map is only read, and dropped when the snapshot is parsed. If another process
    // rewrites the file meanwhile, the parser may read a mix of old and new bytes (and report
    // it as invalid JSON); if it truncates the file, reading past the new end ends the scan
    // with SIGBUS. Tools that map their input (ripgrep, git) accept the same; a snapshot is
    // written once, by `collect`, before it is scanned.
    unsafe { memmap2::Mmap::map(file) }.ok()
}

/// Smaller snapshots are read: mapping saves nothing measurable on them.
const MAP_FROM: u64 = 1 << 20;

/// Reads a snapshot of either schema: version 1 (one account) loads as a document of that
/// one account.
pub fn parse_snapshot(text: &str, source_name: &str) -> Result<OrgSnapshot, LoadError> {
    let err = |detail: String| LoadError {
        source_name: source_name.to_string(),
        detail,
    };
    let not_json = |e: serde_json::Error| err(format!("not a valid snapshot JSON document: {e}"));
    let version = match top_level_member(text, "schema_version").map_err(not_json)? {
        None => {
            return Err(err(
                "missing `schema_version`: not a gwaudit snapshot".into()
            ))
        }
        Some(serde_json::Value::Number(n))
            if n.as_u64() == Some(SCHEMA_V1 as u64)
                || n.as_u64() == Some(SCHEMA_VERSION as u64) =>
        {
            n.as_u64()
        }
        Some(other) => {
            return Err(err(format!(
                "unsupported snapshot schema_version {other}; this gwaudit reads versions \
                 {SCHEMA_V1} to {SCHEMA_VERSION}"
            )))
        }
    };
    let invalid = |e: serde_path_to_error::Error<serde_json::Error>| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        err(format!("invalid snapshot at `{path}`: {inner}"))
    };
    // Parsed without path tracking first: tracking costs an allocation per key, a third of
    // loading a large snapshot (perf). Only a document that fails is parsed again to name where.
    let v1 = version == Some(SCHEMA_V1 as u64);
    let parsed = super::parallel_parse::on_every_core(|| {
        if v1 {
            serde_json::from_str::<Snapshot>(text).map(OrgSnapshot::from)
        } else {
            serde_json::from_str::<DocumentIn>(text).map(OrgSnapshot::from)
        }
    });
    let mut document = match parsed {
        Ok(document) => document,
        // The probe stopped at the version: the text after it may not be JSON at all.
        Err(plain) if plain.is_syntax() || plain.is_eof() => return Err(not_json(plain)),
        Err(plain) => {
            let de = &mut serde_json::Deserializer::from_str(text);
            let located = if v1 {
                serde_path_to_error::deserialize::<_, Snapshot>(de).map(|_| ())
            } else {
                serde_path_to_error::deserialize::<_, DocumentIn>(de).map(|_| ())
            };
            return Err(match located {
                // An element parsed on its own reports bad JSON as bad data: found again here.
                Err(e) if e.inner().is_syntax() || e.inner().is_eof() => not_json(e.into_inner()),
                Err(e) => invalid(e),
                // Not expected: the same input and types. Say what the plain parse said.
                Ok(()) => err(format!("invalid snapshot: {plain}")),
            });
        }
    };
    // Account, partition, regions and ARNs reach every result: a malformed one stops here.
    super::validate::validate_document(&document, version == Some(SCHEMA_V1 as u64))
        .map_err(|(path, what)| err(format!("invalid snapshot at `{path}`: {what}")))?;
    // A hand-written or older snapshot may hold secrets in clear: nothing after loading sees them.
    for account in &mut document.accounts {
        super::redact_secrets(account);
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const DEMO: &str = include_str!("../../fixtures/demo/demo-account.json");

    fn demo() -> Value {
        serde_json::from_str(DEMO).unwrap()
    }

    /// A schema-2 document of the demo account under each id, and `not_scanned`.
    fn document(ids: &[&str], not_scanned: Value) -> Value {
        let d = demo();
        let accounts: Vec<Value> = ids
            .iter()
            .map(|id| {
                json!({"account_id": id, "regions": d["regions"], "iam": d["iam"],
                       "collection_errors": d["collection_errors"]})
            })
            .collect();
        json!({"schema_version": 2, "collected_at": d["collected_at"], "partition": "aws",
               "accounts": accounts, "not_scanned": not_scanned})
    }

    #[test]
    fn a_v1_snapshot_loads_as_one_account_and_writes_back_as_v2() {
        let v1 = parse_snapshot(DEMO, "demo").unwrap();
        assert_eq!(v1.accounts.len(), 1);
        assert_eq!(v1.accounts[0].account_id, "123456789012");
        let written = serde_json::to_string(&v1).unwrap();
        let v2 = parse_snapshot(&written, "written").unwrap();
        assert_eq!(serde_json::to_value(&v2).unwrap()["schema_version"], 2);
        assert_eq!(
            serde_json::to_value(&v1).unwrap(),
            serde_json::to_value(&v2).unwrap()
        );
        assert_eq!(v2.accounts[0].collected_at, v1.collected_at);
    }

    #[test]
    fn a_v2_snapshot_holds_several_accounts_and_the_ones_not_scanned() {
        let text = document(
            &["111111111111", "222222222222"],
            json!([{"account_id": "333333333333", "code": "AccessDenied", "message": "no",
                    "role_arn": "arn:aws:iam::333333333333:role/R"}]),
        )
        .to_string();
        let d = parse_snapshot(&text, "org").unwrap();
        let ids: Vec<&str> = d.accounts.iter().map(|a| a.account_id.as_str()).collect();
        assert_eq!(ids, ["111111111111", "222222222222"]);
        assert_eq!(d.not_scanned[0].account_id, "333333333333");
        assert!(!d.is_complete());
        assert_eq!(
            d.not_scanned[0].reason(),
            "AccessDenied assuming arn:aws:iam::333333333333:role/R: no"
        );
    }

    #[test]
    fn bad_documents_name_the_field() {
        let cases = [
            (
                document(&["111111111111", "111111111111"], json!([])),
                "accounts[1].account_id",
            ),
            (
                document(
                    &["111111111111"],
                    json!([{"account_id": "111111111111", "code": "X", "message": "m"}]),
                ),
                "not_scanned[0].account_id",
            ),
            (
                document(
                    &["111111111111"],
                    json!([{"account_id": "12", "code": "X", "message": "m"}]),
                ),
                "not_scanned[0].account_id",
            ),
            (document(&["1111"], json!([])), "accounts[0].account_id"),
        ];
        for (doc, path) in cases {
            let e = parse_snapshot(&doc.to_string(), "bad").unwrap_err();
            assert!(e.detail.contains(&format!("`{path}`")), "{path}: {e}");
        }
        let mut v3 = document(&["111111111111"], json!([]));
        v3["schema_version"] = json!(3);
        let e = parse_snapshot(&v3.to_string(), "v3").unwrap_err();
        assert!(
            e.detail.contains("unsupported snapshot schema_version 3"),
            "{e}"
        );
        let mut extra = document(&["111111111111"], json!([]));
        extra["accounts"][0]["surprise"] = json!(1);
        assert!(parse_snapshot(&extra.to_string(), "extra").is_err());
    }

    /// The demo account with its REST APIs copied until there are `n`, each with its own id.
    fn many_apis(n: usize) -> Value {
        let mut d = document(&["111111111111"], json!([]));
        let region = &mut d["accounts"][0]["regions"][0];
        let apis = region["rest_apis"].as_array().unwrap().clone();
        let copies: Vec<Value> = (0..n)
            .map(|i| {
                let mut api = apis[i % apis.len()].clone();
                api["id"] = json!(format!("copy{i:06}"));
                api
            })
            .collect();
        region["rest_apis"] = json!(copies);
        d
    }

    /// Any number of APIs (none, fewer than a block, exactly one, many) and no list at all.
    #[test]
    fn rest_apis_parsed_on_every_core_are_the_apis_parsed_in_turn() {
        for n in [0, 1, 31, 32, 33, 300] {
            rest_apis_parsed_alike(many_apis(n), n);
        }
        let mut none = many_apis(1);
        none["accounts"][0]["regions"][0]["rest_apis"] = Value::Null;
        let split = parse_snapshot(&none.to_string(), "null").unwrap();
        assert!(split.accounts[0].regions[0].rest_apis.is_none());
    }

    fn rest_apis_parsed_alike(document: Value, n: usize) {
        let text = document.to_string();
        let split = parse_snapshot(&text, "split").unwrap();
        let mut plain: OrgSnapshot = serde_json::from_str::<DocumentIn>(&text).unwrap().into();
        for account in &mut plain.accounts {
            super::super::redact_secrets(account);
        }
        assert_eq!(
            serde_json::to_value(&split).unwrap(),
            serde_json::to_value(&plain).unwrap()
        );
        let ids: Vec<&str> = split.accounts[0].regions[0]
            .rest_apis
            .as_ref()
            .unwrap()
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(ids.len(), n);
        assert!(ids.windows(2).all(|w| w[0] < w[1]), "in document order");
    }

    #[test]
    fn a_bad_rest_api_among_many_is_named_as_it_was() {
        // Data errors and JSON errors, early, late, and in the last element.
        for at in [0, 150, 299] {
            let mut d = many_apis(300);
            d["accounts"][0]["regions"][0]["rest_apis"][at]["surprise"] = json!(1);
            let e = parse_snapshot(&d.to_string(), "bad").unwrap_err();
            let path = format!("`accounts[0].regions[0].rest_apis[{at}]");
            assert!(e.detail.contains(&path), "{e}");
            assert!(e.detail.contains("unknown field `surprise`"), "{e}");

            let marker = format!("\"copy{at:06}\"");
            let truncated = d.to_string().replacen(&marker, &format!("{marker}:"), 1);
            let e = parse_snapshot(&truncated, "bad").unwrap_err();
            assert!(
                e.detail.starts_with("not a valid snapshot JSON document"),
                "{e}"
            );
        }
    }
}
