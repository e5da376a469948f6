//! A stage's `methodSettings` keys: AWS stores a per-method override under the resource path
//! with `/` encoded as `~1` and the method (`~1pets~1{id}/GET`), next to the stage-wide `*/*`.
//! The keys of a stage are parsed once, on the first lookup, into an [`OverrideIndex`] kept on
//! the stage: a lookup per method per rule used to parse every key of the stage again, which
//! made stages with many overrides quadratic.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::{MethodSetting, Stage};

/// The key AWS uses for a method override of `path` (`/` for the root) and `http_method`.
pub fn override_key(path: &str, http_method: &str) -> String {
    let trimmed = path.strip_prefix('/').unwrap_or(path);
    format!(
        "~1{}/{}",
        trimmed.replace('/', "~1"),
        http_method.to_ascii_uppercase()
    )
}

/// Splits a `methodSettings` key into (resource path, HTTP method); `None` for `*/*`.
/// Accepts the encoded form and, leniently, a plain path.
pub fn parse_override_key(key: &str) -> Option<(String, String)> {
    if key == "*/*" {
        return None;
    }
    let (path, method) = key.rsplit_once('/')?;
    let decoded = path.replace("~1", "/");
    let path = if decoded.starts_with('/') {
        decoded
    } else {
        format!("/{decoded}")
    };
    Some((path, method.to_ascii_uppercase()))
}

/// The override entry for one method, if the stage has one: the first key in map order that
/// [`parse_override_key`] reads as `path` and `http_method` (any case).
pub fn method_override<'a>(
    stage: &'a Stage,
    path: &str,
    http_method: &str,
) -> Option<(&'a String, &'a MethodSetting)> {
    let index = stage.method_settings_index.get(stage);
    if index.entries == stage.method_settings.len() {
        let key = index.find(path, http_method)?;
        if let Some((key, setting)) = stage.method_settings.get_key_value(key) {
            return Some((key, setting));
        }
    }
    // Entries were added or removed after the index was built: answer from the map itself.
    // (The model is not changed after loading; a change that keeps the number of entries and
    // renames a key would not be noticed.)
    scan_overrides(stage, path, http_method)
}

/// [`method_override`] without the index: parses every key.
fn scan_overrides<'a>(
    stage: &'a Stage,
    path: &str,
    http_method: &str,
) -> Option<(&'a String, &'a MethodSetting)> {
    let method = http_method.to_ascii_uppercase();
    stage
        .method_settings
        .iter()
        .find(|(key, _)| parse_override_key(key).is_some_and(|(p, m)| p == path && m == method))
        .map(|(key, setting)| (key, &**setting))
}

/// A stage's per-method override keys by resource path and upper-case method, each the first
/// key in map order that names the method (several spellings can name the same one: `~1a/GET`,
/// `/a/get`).
#[derive(Debug, Default)]
pub struct OverrideIndex {
    /// Path -> (METHOD, key).
    by_path: HashMap<String, Vec<(String, String)>, foldhash::fast::RandomState>,
    /// How many `methodSettings` entries the index was built from.
    entries: usize,
}

impl OverrideIndex {
    pub fn build(stage: &Stage) -> Self {
        let mut by_path: HashMap<String, Vec<(String, String)>, _> = HashMap::default();
        for key in stage.method_settings.keys() {
            let Some((path, method)) = parse_override_key(key) else {
                continue;
            };
            let methods = by_path.entry(path).or_default();
            if !methods.iter().any(|(m, _)| *m == method) {
                methods.push((method, key.clone()));
            }
        }
        OverrideIndex {
            by_path,
            entries: stage.method_settings.len(),
        }
    }

    /// The key for `path` and `http_method` (compared as upper case, like the keys' methods).
    fn find(&self, path: &str, http_method: &str) -> Option<&str> {
        self.by_path
            .get(path)?
            .iter()
            .find(|(m, _)| m.eq_ignore_ascii_case(http_method))
            .map(|(_, key)| key.as_str())
    }
}

/// The [`OverrideIndex`] of a stage, built on first use. Derived data, not part of the
/// snapshot: serde skips it, and a clone starts empty (the clone may be changed).
#[derive(Default)]
pub struct OverrideIndexCell(OnceLock<OverrideIndex>);

impl OverrideIndexCell {
    /// The index of `stage`, the stage this cell belongs to.
    pub fn get(&self, stage: &Stage) -> &OverrideIndex {
        self.0.get_or_init(|| OverrideIndex::build(stage))
    }
}

impl Clone for OverrideIndexCell {
    fn clone(&self) -> Self {
        OverrideIndexCell::default()
    }
}

impl std::fmt::Debug for OverrideIndexCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OverrideIndexCell")
    }
}

impl Stage {
    /// This stage's override entry for a method (see [`method_override`]).
    pub fn method_override(
        &self,
        path: &str,
        http_method: &str,
    ) -> Option<(&String, &MethodSetting)> {
        method_override(self, path, http_method)
    }
}

/// A stage whose `methodSettings` set only the logging level, for tests here and in
/// `analysis::effective`.
#[cfg(test)]
pub(crate) fn test_stage(entries: &[(&str, Option<super::LoggingLevel>)]) -> Stage {
    Stage {
        stage_name: "dev".into(),
        method_settings: entries
            .iter()
            .map(|(k, lvl)| {
                (
                    k.to_string(),
                    Box::new(MethodSetting {
                        logging_level: lvl.clone(),
                        ..Default::default()
                    }),
                )
            })
            .collect(),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LoggingLevel;

    fn stage(entries: &[(&str, Option<LoggingLevel>)]) -> Stage {
        test_stage(entries)
    }

    #[test]
    fn keys_round_trip() {
        assert_eq!(override_key("/pets/{id}", "get"), "~1pets~1{id}/GET");
        assert_eq!(override_key("/", "GET"), "~1/GET");
        assert_eq!(
            parse_override_key("~1pets~1{id}/GET"),
            Some(("/pets/{id}".into(), "GET".into()))
        );
        assert_eq!(
            parse_override_key("~1/POST"),
            Some(("/".into(), "POST".into()))
        );
        assert_eq!(parse_override_key("*/*"), None);
    }

    /// Every spelling AWS or a hand-written snapshot may use, with aliases of the same method.
    const KEYS: &[&str] = &[
        "*/*",
        "~1pets/GET",
        "/pets/get",
        "pets/Get",
        "~1pets~1{id}/GET",
        "~1pets/{id}/GET",
        "/pets/{id}/get",
        "~1/GET",
        "~1/post",
        "/POST",
        "~1pets~1{id}/DELETE",
        "nonsense",
        "~1a~1b/ANY",
        "~1a/b/any",
        "a/b/ANY",
        "~1a~1b/*",
    ];
    const PATHS: &[&str] = &["/", "/pets", "/pets/{id}", "/a/b", "/a", "/x", "a/b"];
    const METHODS: &[&str] = &["GET", "get", "Get", "POST", "ANY", "any", "DELETE", "*", ""];

    fn assert_index_agrees(s: &Stage) {
        for path in PATHS {
            for method in METHODS {
                assert_eq!(
                    method_override(s, path, method),
                    scan_overrides(s, path, method),
                    "{path} {method} in {:?}",
                    s.method_settings.keys().collect::<Vec<_>>()
                );
            }
        }
    }

    /// The index answers what parsing every key in map order answers, for every subset of
    /// spellings (so each alias gets to be the first one).
    #[test]
    fn index_finds_what_a_scan_of_the_keys_finds() {
        let mut seen_override = 0;
        for mask in 0u32..(1 << KEYS.len()) {
            if mask.count_ones() > 3 && mask % 61 != 0 {
                continue; // every small subset, a sample of the large ones
            }
            let entries: Vec<(&str, Option<LoggingLevel>)> = KEYS
                .iter()
                .enumerate()
                .filter(|(i, _)| mask & (1 << i) != 0)
                .map(|(i, k)| (*k, [None, Some(LoggingLevel::Info)][i % 2].clone()))
                .collect();
            let s = stage(&entries);
            assert_index_agrees(&s);
            seen_override += usize::from(method_override(&s, "/pets", "GET").is_some());
        }
        assert!(seen_override > 300, "{seen_override}");
    }

    /// A stage given or relieved of entries after its first lookup, and a changed clone, still
    /// answer from their own settings.
    #[test]
    fn changed_settings_are_not_answered_from_a_stale_index() {
        let mut s = stage(&[("~1pets/GET", Some(LoggingLevel::Info))]);
        assert!(method_override(&s, "/pets", "GET").is_some());
        let mut clone = s.clone();
        s.method_settings
            .insert("~1pets/POST".into(), Box::default());
        assert!(method_override(&s, "/pets", "POST").is_some());
        s.method_settings.remove("~1pets/GET");
        s.method_settings.remove("~1pets/POST");
        assert!(method_override(&s, "/pets", "GET").is_none());
        s.method_settings
            .insert("~1pets/POST".into(), Box::default());
        s.method_settings
            .insert("~1pets/PUT".into(), Box::default());
        assert!(method_override(&s, "/pets", "POST").is_some());
        clone
            .method_settings
            .insert("/pets/get".into(), Box::default());
        assert_eq!(
            method_override(&clone, "/pets", "GET").map(|(k, _)| k.as_str()),
            Some("/pets/get")
        );
        assert_index_agrees(&s);
        assert_index_agrees(&clone);
    }

    /// Issue 12's shape, small: many resources, many overrides (some for missing resources,
    /// some in the plain spelling). Each method resolves as the scan resolves it.
    #[test]
    fn many_overrides_resolve_like_the_scan() {
        let mut entries = vec![("*/*".to_string(), Some(LoggingLevel::Error))];
        for k in 0..300 {
            let i = if k % 2 == 0 { 2 * k } else { 3000 + k };
            let method = if k % 3 == 0 { "post" } else { "GET" };
            let key = if k % 7 == 0 {
                format!("/svc{i}/items/{method}")
            } else {
                format!("~1svc{i}~1items/{}", method.to_ascii_uppercase())
            };
            entries.push((key, [None, Some(LoggingLevel::Off)][k % 2].clone()));
        }
        let entries: Vec<(&str, Option<LoggingLevel>)> = entries
            .iter()
            .map(|(k, l)| (k.as_str(), l.clone()))
            .collect();
        let s = stage(&entries);
        let mut found = 0;
        for i in 0..2_000 {
            let path = format!("/svc{i}/items");
            for method in ["GET", "POST"] {
                let fast = method_override(&s, &path, method);
                assert_eq!(fast, scan_overrides(&s, &path, method), "{method} {path}");
                found += usize::from(fast.is_some());
            }
        }
        assert_eq!(found, 150);
    }
}
