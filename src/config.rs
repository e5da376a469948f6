//! The configuration file `gwaudit.toml`: rule selection and mutes. Every error names the file,
//! the line and the column, and says what to write instead.
//!
//! ```toml
//! [rules]
//! select = ["GW1", "GW305"]   # ids or prefixes; empty: all
//! skip = ["GW104"]
//!
//! [[mute]]
//! rules = ["GW401"]                                        # ids or prefixes
//! resources = ["arn:aws:apigateway:*::/restapis/abc123/*"] # globs anchored at both ends
//! accounts = ["123456789012"]                              # optional
//! regions = ["eu-west-1"]                                  # optional
//! tags = { env = "sandbox" }                               # optional, all must match
//! reason = "sandbox API, WAF is attached by the landing zone"  # required
//! expires = 2026-12-31                                     # optional
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::date::Date;
use crate::rules::{registry, RuleParams};

/// The file looked for in the working directory when `--config` is not given.
pub const DEFAULT_FILE: &str = "gwaudit.toml";

#[derive(Debug)]
pub struct ConfigError {
    pub file: String,
    /// 1-based line and column, when the error has a place.
    pub place: Option<(usize, usize)>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.place {
            Some((line, col)) => write!(f, "{}:{line}:{col}: {}", self.file, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it came from (`None`: no file, defaults).
    pub source: Option<PathBuf>,
    pub select: Vec<String>,
    pub skip: Vec<String>,
    pub mutes: Vec<Mute>,
    /// `[parameters]`: rule parameters (defaults for what the file does not set).
    pub params: RuleParams,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Mute {
    /// `gwaudit.toml:12`: where the mute is written, for reports.
    pub origin: String,
    pub rules: Vec<String>,
    pub resources: Vec<String>,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub tags: BTreeMap<String, String>,
    pub reason: String,
    pub expires: Option<Date>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawConfig {
    rules: RawRules,
    mute: Vec<Spanned<RawMute>>,
    parameters: RawParameters,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawParameters {
    max_key_age_days: Option<Spanned<i64>>,
    cert_expiry_days: Option<Spanned<i64>>,
    require_private: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawRules {
    select: Vec<Spanned<String>>,
    skip: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
struct RawMute {
    rules: Vec<Spanned<String>>,
    resources: Vec<Spanned<String>>,
    accounts: Vec<String>,
    regions: Vec<String>,
    tags: BTreeMap<String, String>,
    reason: Option<Spanned<String>>,
    expires: Option<Spanned<toml::value::Datetime>>,
}

/// Turns byte offsets into 1-based lines and columns. The line starts are found once, so each
/// place costs a binary search and the length of its own line, not a scan from the start of
/// the file (which made a configuration with many mutes quadratic).
struct Lines<'a> {
    text: &'a str,
    /// Byte offset where each line starts; the first is 0.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset; offsets past the end count
    /// as the end.
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        // Lines starting at or before the offset; `starts[0] == 0`, so at least one.
        let line = self.starts.partition_point(|&s| s <= offset);
        let start = self.starts[line - 1];
        let col = self.text[start..offset].chars().count() + 1;
        (line, col)
    }
}

struct Checker<'a> {
    file: &'a str,
    lines: Lines<'a>,
}

impl Checker<'_> {
    fn error(&self, offset: usize, message: String) -> ConfigError {
        ConfigError {
            file: self.file.to_string(),
            place: Some(self.lines.line_col(offset)),
            message,
        }
    }

    /// Rule ids and prefixes must select at least one rule: a typo must not select nothing.
    fn rule_patterns(
        &self,
        list: &[Spanned<String>],
        what: &str,
    ) -> Result<Vec<String>, ConfigError> {
        list.iter()
            .map(|p| {
                registry::rule_pattern(p.get_ref()).ok_or_else(|| {
                    self.error(
                        p.span().start,
                        format!(
                            "{what}: `{}` is not a rule id or prefix; `gwaudit rules` lists them",
                            p.get_ref()
                        ),
                    )
                })
            })
            .collect()
    }
}

impl Checker<'_> {
    fn days(
        &self,
        value: &Option<Spanned<i64>>,
        name: &str,
        default: u32,
    ) -> Result<u32, ConfigError> {
        let Some(v) = value else { return Ok(default) };
        u32::try_from(*v.get_ref())
            .ok()
            .filter(|d| (1..=3650).contains(d))
            .ok_or_else(|| {
                self.error(
                    v.span().start,
                    format!(
                        "parameters.{name} must be a number of days from 1 to 3650, found {}",
                        v.get_ref()
                    ),
                )
            })
    }

    fn parameters(&self, raw: &RawParameters) -> Result<RuleParams, ConfigError> {
        let defaults = RuleParams::default();
        Ok(RuleParams {
            max_key_age_days: self.days(
                &raw.max_key_age_days,
                "max_key_age_days",
                defaults.max_key_age_days,
            )?,
            cert_expiry_days: self.days(
                &raw.cert_expiry_days,
                "cert_expiry_days",
                defaults.cert_expiry_days,
            )?,
            require_private: raw.require_private.unwrap_or(defaults.require_private),
        })
    }
}

/// Finds the configuration: `explicit` must exist; otherwise `gwaudit.toml` in `dir` if present.
pub fn discover(explicit: Option<&Path>, dir: &Path) -> Result<Config, ConfigError> {
    match explicit {
        Some(path) => load(path),
        None => {
            let path = dir.join(DEFAULT_FILE);
            if path.is_file() {
                load(&path)
            } else {
                Ok(Config::default())
            }
        }
    }
}

pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
        file: file.clone(),
        place: None,
        message: format!("cannot read configuration: {e}"),
    })?;
    let mut config = parse(&text, &file)?;
    config.source = Some(path.to_path_buf());
    Ok(config)
}

pub fn parse(text: &str, file: &str) -> Result<Config, ConfigError> {
    let lines = Lines::new(text);
    let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
        file: file.to_string(),
        place: e.span().map(|s| lines.line_col(s.start)),
        message: e.message().to_string(),
    })?;
    let check = Checker { file, lines };
    let select = check.rule_patterns(&raw.rules.select, "rules.select")?;
    let skip = check.rule_patterns(&raw.rules.skip, "rules.skip")?;
    let params = check.parameters(&raw.parameters)?;
    let mut mutes = Vec::new();
    for (n, spanned) in raw.mute.iter().enumerate() {
        let at = spanned.span().start;
        let m = spanned.get_ref();
        let (line, _) = check.lines.line_col(at);
        let label = format!("mute #{} (line {line})", n + 1);
        let reason = match &m.reason {
            Some(r) if !r.get_ref().trim().is_empty() => r.get_ref().trim().to_string(),
            Some(r) => {
                return Err(check.error(r.span().start, format!("{label}: `reason` is empty")))
            }
            None => {
                return Err(check.error(
                    at,
                    format!(
                        "{label} has no `reason`: every mute must say why the finding is accepted"
                    ),
                ))
            }
        };
        if m.rules.is_empty() && m.resources.is_empty() {
            return Err(check.error(
                at,
                format!("{label} names neither `rules` nor `resources`: it would mute everything"),
            ));
        }
        let rules = check.rule_patterns(&m.rules, &format!("{label} rules"))?;
        for r in &m.resources {
            if r.get_ref().trim().is_empty() {
                return Err(check.error(r.span().start, format!("{label}: empty resource pattern")));
            }
        }
        let expires = match &m.expires {
            None => None,
            Some(e) => {
                let dt = e.get_ref();
                let date = match (dt.date, dt.time) {
                    (Some(d), None) => Date::parse(&d.to_string()),
                    _ => None,
                };
                Some(date.ok_or_else(|| {
                    check.error(
                        e.span().start,
                        format!("{label}: `expires` must be a date such as 2026-12-31, found {dt}"),
                    )
                })?)
            }
        };
        mutes.push(Mute {
            origin: format!("{file}:{line}"),
            rules,
            resources: m.resources.iter().map(|r| r.get_ref().clone()).collect(),
            accounts: m.accounts.clone(),
            regions: m.regions.clone(),
            tags: m.tags.clone(),
            reason,
            expires,
        });
    }
    Ok(Config {
        source: None,
        select,
        skip,
        mutes,
        params,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text, "gwaudit.toml").unwrap_err().to_string()
    }

    #[test]
    fn valid_config() {
        let c = parse(
            r#"
[rules]
select = ["gw1", "GW501"]
skip = ["GW102"]

[[mute]]
rules = ["GW401"]
resources = ["arn:aws:apigateway:*::/restapis/abc/*"]
tags = { env = "dev" }
reason = "sandbox"
expires = 2030-01-31
"#,
            "gwaudit.toml",
        )
        .unwrap();
        assert_eq!(c.select, ["GW1", "GW501"]);
        assert_eq!(c.mutes[0].expires, Date::parse("2030-01-31"));
        assert_eq!(c.mutes[0].origin, "gwaudit.toml:6");
    }

    #[test]
    fn errors_point_into_the_file() {
        assert_eq!(
            err("[[mute]]\nrules = [\"GW401\"]\n"),
            "gwaudit.toml:1:1: mute #1 (line 1) has no `reason`: every mute must say why the finding is accepted"
        );
        assert!(err("[rules]\nselect = [\"GW9\"]\n")
            .starts_with("gwaudit.toml:2:11: rules.select: `GW9`"));
        assert!(err("[[mute]]\nreason = \"x\"\n").contains("neither `rules` nor `resources`"));
        assert!(
            err("[[mute]]\nrules=[\"GW1\"]\nreason=\"x\"\nexpires=2030-01-01T10:00:00Z\n")
                .starts_with("gwaudit.toml:4:9:")
        );
        assert!(
            err("[rules]\nselekt = []\n").starts_with("gwaudit.toml:2:1: unknown field `selekt`")
        );
        assert!(err("[rules\n").starts_with("gwaudit.toml:1:"));
    }

    /// The place of every byte offset, as the original scan from the start of the file found it.
    #[test]
    fn line_index_matches_a_scan_from_the_start() {
        fn scan(text: &str, offset: usize) -> (usize, usize) {
            let before = &text[..offset.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            (line, col)
        }
        for text in [
            "",
            "\n",
            "a",
            "[[mute]]\r\nrules = [\"GW1\"] # é ü\n\n\nreason = \"日本\"\n",
            "no newline at the end: ≠",
        ] {
            let lines = Lines::new(text);
            for offset in
                (0..=text.len() + 2).filter(|&o| o > text.len() || text.is_char_boundary(o))
            {
                assert_eq!(
                    lines.line_col(offset),
                    scan(text, offset),
                    "{text:?} at {offset}"
                );
            }
        }
    }

    /// Many mutes after a long comment (issue 12): each keeps its own line, and an error in the
    /// last one still points at its line and column.
    #[test]
    fn many_mutes_keep_their_lines() {
        let comment = format!("# {}\n", "x".repeat(10_000)).repeat(50);
        let mut text = comment.clone();
        for i in 0..2_000 {
            text.push_str(&format!(
                "[[mute]]\nrules = [\"GW{}\"]\nreason = \"r{i}\"\n\n",
                101 + i % 5
            ));
        }
        let c = parse(&text, "gwaudit.toml").unwrap();
        assert_eq!(c.mutes.len(), 2_000);
        for (i, m) in c.mutes.iter().enumerate() {
            assert_eq!(m.origin, format!("gwaudit.toml:{}", 51 + 4 * i));
            assert_eq!(m.reason, format!("r{i}"));
        }
        text.push_str("[[mute]]\nrules = [\"GW9\"]\nreason = \"bad\"\n");
        assert!(err(&text).starts_with(&format!(
            "gwaudit.toml:{}:10: mute #2001 (line {}) rules: `GW9`",
            51 + 4 * 2_000 + 1,
            51 + 4 * 2_000
        )));
    }

    #[test]
    fn parameters_have_defaults_and_ranges() {
        let c = parse("", "gwaudit.toml").unwrap();
        assert_eq!(c.params, RuleParams::default());
        let c = parse(
            "[parameters]\nmax_key_age_days = 30\ncert_expiry_days = 45\nrequire_private = true\n",
            "gwaudit.toml",
        )
        .unwrap();
        assert_eq!(
            c.params,
            RuleParams {
                max_key_age_days: 30,
                cert_expiry_days: 45,
                require_private: true
            }
        );
        assert_eq!(
            err("[parameters]\nmax_key_age_days = 0\n"),
            "gwaudit.toml:2:20: parameters.max_key_age_days must be a number of days from 1 to 3650, found 0"
        );
        assert!(err("[parameters]\ncert_expiry_days = -5\n").starts_with("gwaudit.toml:2:20:"));
        assert!(err("[parameters]\nmax_key_age = 5\n").contains("unknown field `max_key_age`"));
        assert!(err("[parameters]\nrequire_private = \"yes\"\n").starts_with("gwaudit.toml:2:"));
    }
}
