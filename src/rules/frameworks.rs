//! Compliance frameworks: `rules/frameworks/<id>.toml` maps each requirement to the rules that
//! decide it. It is the only place that mapping is written; a rule's `compliance` metadata is
//! derived from it.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

const SOURCES: &[(&str, &str)] = &[
    (
        "fsbp.toml",
        include_str!("../../rules/frameworks/fsbp.toml"),
    ),
    (
        "cis-7.0.toml",
        include_str!("../../rules/frameworks/cis-7.0.toml"),
    ),
    (
        "pci-dss-4.0.toml",
        include_str!("../../rules/frameworks/pci-dss-4.0.toml"),
    ),
    (
        "nist-800-53-r5.toml",
        include_str!("../../rules/frameworks/nist-800-53-r5.toml"),
    ),
];

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// What `--compliance` takes, e.g. `fsbp`.
    pub id: String,
    pub name: String,
    pub version: String,
    pub url: String,
    #[serde(rename = "requirement")]
    pub requirements: Vec<Requirement>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub id: String,
    pub title: String,
    /// Rule ids that decide the requirement.
    pub rules: Vec<String>,
}

/// Parses and checks one framework file against the known rule ids.
pub fn parse(file: &str, text: &str, rule_ids: &BTreeSet<&str>) -> Result<Framework, String> {
    let fw: Framework = toml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    if format!("{}.toml", fw.id) != file {
        return Err(format!("{file}: declares id `{}`", fw.id));
    }
    let mut seen = BTreeSet::new();
    for req in &fw.requirements {
        if !seen.insert(req.id.as_str()) {
            return Err(format!("{file}: requirement {} listed twice", req.id));
        }
        if req.rules.is_empty() {
            return Err(format!("{file}: requirement {} names no rule", req.id));
        }
        for r in &req.rules {
            if !rule_ids.contains(r.as_str()) {
                return Err(format!(
                    "{file}: requirement {} names `{r}`, which is not a rule",
                    req.id
                ));
            }
        }
    }
    Ok(fw)
}

/// Every framework, in a fixed order. The files are compiled in and checked by the test suite,
/// so a failure here is a build defect.
pub fn all() -> &'static [Framework] {
    static ALL: OnceLock<Vec<Framework>> = OnceLock::new();
    ALL.get_or_init(|| {
        let ids: BTreeSet<&str> = super::registry::ALL.iter().map(|r| r.id).collect();
        SOURCES
            .iter()
            .map(|(file, text)| {
                parse(file, text, &ids).unwrap_or_else(|e| panic!("embedded framework: {e}"))
            })
            .collect()
    })
}

pub fn find(id: &str) -> Option<&'static Framework> {
    all().iter().find(|f| f.id.eq_ignore_ascii_case(id))
}

/// The framework ids, for help texts and errors.
pub fn ids() -> Vec<&'static str> {
    all().iter().map(|f| f.id.as_str()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_framework_is_valid() {
        assert_eq!(all().len(), SOURCES.len());
    }

    #[test]
    fn unknown_rules_and_duplicates_are_rejected() {
        let ids = BTreeSet::from(["GW101"]);
        let text = |rules: &str, second: &str| {
            format!(
                "id = \"x\"\nname = \"X\"\nversion = \"1\"\nurl = \"u\"\n\
                 [[requirement]]\nid = \"1\"\ntitle = \"t\"\nrules = [{rules}]\n{second}"
            )
        };
        assert!(parse("x.toml", &text("\"GW101\"", ""), &ids).is_ok());
        let e = parse("x.toml", &text("\"GW999\"", ""), &ids).unwrap_err();
        assert!(e.contains("`GW999`, which is not a rule"), "{e}");
        let dup = "[[requirement]]\nid = \"1\"\ntitle = \"t\"\nrules = [\"GW101\"]\n";
        let e = parse("x.toml", &text("\"GW101\"", dup), &ids).unwrap_err();
        assert!(e.contains("listed twice"), "{e}");
        assert!(parse("y.toml", &text("\"GW101\"", ""), &ids).is_err());
        assert!(parse("x.toml", &text("", ""), &ids).is_err());
    }
}
