//! Reading snapshot files: every failure names the file and the place in it.

use std::fmt;
use std::path::Path;

use serde::Deserialize;

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

/// Only the version, read first so that a snapshot from another schema gets a version error
/// instead of a confusing field error.
#[derive(Deserialize)]
struct VersionProbe {
    schema_version: Option<serde_json::Value>,
}

pub fn load_snapshot_file(path: &Path) -> Result<OrgSnapshot, LoadError> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        source_name: name.clone(),
        detail: format!("cannot read snapshot: {e}"),
    })?;
    parse_snapshot(&text, &name)
}

/// Reads a snapshot of either schema: version 1 (one account) loads as a document of that
/// one account.
pub fn parse_snapshot(text: &str, source_name: &str) -> Result<OrgSnapshot, LoadError> {
    let err = |detail: String| LoadError {
        source_name: source_name.to_string(),
        detail,
    };
    let probe: VersionProbe = serde_json::from_str(text)
        .map_err(|e| err(format!("not a valid snapshot JSON document: {e}")))?;
    let version = match probe.schema_version {
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
    let de = &mut serde_json::Deserializer::from_str(text);
    let mut document: OrgSnapshot = if version == Some(SCHEMA_V1 as u64) {
        let snapshot: Snapshot = serde_path_to_error::deserialize(de).map_err(invalid)?;
        snapshot.into()
    } else {
        let document: DocumentIn = serde_path_to_error::deserialize(de).map_err(invalid)?;
        document.into()
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
