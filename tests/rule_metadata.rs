//! Code and metadata match one to one: every registered rule has its TOML at
//! `rules/<category>/<ID>-<slug>.toml` and every TOML there belongs to a registered rule.

mod common;

use std::collections::BTreeSet;

use gwaudit::rules::registry;

fn toml_files() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for dir in std::fs::read_dir(common::root().join("rules")).unwrap() {
        let dir = dir.unwrap().path();
        if !dir.is_dir() || dir.file_name().is_some_and(|n| n == "frameworks") {
            continue;
        }
        for f in std::fs::read_dir(&dir).unwrap() {
            let f = f.unwrap().path();
            if f.extension().is_some_and(|e| e == "toml") {
                let rel = f.strip_prefix(common::root()).unwrap();
                out.insert(rel.to_string_lossy().into_owned());
            }
        }
    }
    out
}

#[test]
fn code_and_metadata_match_one_to_one() {
    let mut expected = BTreeSet::new();
    for def in registry::ALL {
        let rule = registry::load(def).unwrap_or_else(|e| panic!("{e}"));
        let path = format!(
            "rules/{}/{}-{}.toml",
            rule.meta.category().dir(),
            rule.meta.id,
            rule.meta.slug
        );
        let on_disk = std::fs::read_to_string(common::root().join(&path))
            .unwrap_or_else(|e| panic!("{}: metadata file {path}: {e}", def.id));
        assert_eq!(
            on_disk, def.metadata,
            "{}: embeds a different file than {path}",
            def.id
        );
        assert!(expected.insert(path), "{} registered twice", def.id);
    }
    assert_eq!(
        toml_files(),
        expected,
        "TOML files without code, or code without TOML"
    );
}

#[test]
fn metadata_is_complete_and_consistent() {
    let mut slugs = BTreeSet::new();
    for rule in registry::rules() {
        let m = &rule.meta;
        assert!(slugs.insert(m.slug.clone()), "{}: duplicate slug", m.id);
        assert!(
            m.slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: slug must be kebab-case",
            m.id
        );
        for (field, value) in [
            ("title", &m.title),
            ("summary", &m.summary),
            ("applies_to", &m.applies_to),
            ("rationale", &m.rationale),
            ("remediation.console", &m.remediation.console),
            ("remediation.cli", &m.remediation.cli),
            ("remediation.terraform", &m.remediation.terraform),
            ("remediation.cloudformation", &m.remediation.cloudformation),
        ] {
            assert!(value.trim().len() >= 5, "{}: `{field}` is empty", m.id);
        }
        assert!(
            !m.title.ends_with('.'),
            "{}: titles have no trailing period",
            m.id
        );
        assert!(
            !m.references.is_empty(),
            "{}: needs at least one reference",
            m.id
        );
        for r in &m.references {
            assert!(
                r.starts_with("https://"),
                "{}: reference {r} is not an https URL",
                m.id
            );
        }
        if let Some(max) = m.max_severity {
            assert!(
                max > m.severity,
                "{}: max_severity must exceed severity",
                m.id
            );
            assert!(
                m.severity_note.is_some(),
                "{}: say when severity is raised",
                m.id
            );
        }
    }
}

/// Results never exceed the severity their metadata allows.
#[test]
fn findings_stay_within_declared_severity() {
    let snapshot = gwaudit::model::load_snapshot_file(&common::demo_path()).unwrap();
    for f in gwaudit::rules::evaluate(&snapshot, &Default::default(), &Default::default()) {
        let meta = &registry::find(&f.rule.id).unwrap().meta;
        assert!(
            f.severity >= meta.severity && f.severity <= meta.max_severity(),
            "{f:?}"
        );
    }
}

/// `rules/README.md` is the generated catalog; regenerate with `GWAUDIT_UPDATE_GOLDEN=1`.
#[test]
fn rules_readme_is_current() {
    let path = common::root().join("rules/README.md");
    let generated = gwaudit::rules::docs::catalog_markdown();
    if std::env::var_os("GWAUDIT_UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "rules/README.md is stale: run `GWAUDIT_UPDATE_GOLDEN=1 cargo test --test rule_metadata`"
    );
    let cli = common::gwaudit(&["rules", "--format", "markdown"]);
    assert_eq!(common::stdout(&cli), generated);
}

/// Every framework file is embedded and names only existing rules, and rule metadata shows
/// exactly the mappings the framework files make (the only place they are written: a rule's
/// `peer_parity` names peer checks, never framework requirements).
#[test]
fn frameworks_name_existing_rules() {
    use gwaudit::rules::frameworks;
    let ids: BTreeSet<&str> = registry::ALL.iter().map(|r| r.id).collect();
    let mut on_disk = BTreeSet::new();
    for f in std::fs::read_dir(common::root().join("rules/frameworks")).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        let fw = frameworks::parse(&name, &std::fs::read_to_string(&f).unwrap(), &ids)
            .unwrap_or_else(|e| panic!("{e}"));
        on_disk.insert(fw.id);
    }
    let embedded: BTreeSet<String> = frameworks::all().iter().map(|f| f.id.clone()).collect();
    assert_eq!(on_disk, embedded, "a framework file is not embedded");
    let mut from_frameworks = BTreeSet::new();
    for f in frameworks::all() {
        for req in &f.requirements {
            for rule in &req.rules {
                from_frameworks.insert((rule.clone(), f.id.clone(), req.id.clone()));
            }
        }
    }
    let mut in_metadata = BTreeSet::new();
    for r in registry::rules() {
        for (fw, reqs) in &r.meta.compliance {
            for req in reqs {
                in_metadata.insert((r.meta.id.clone(), fw.clone(), req.clone()));
            }
        }
    }
    assert_eq!(in_metadata, from_frameworks);
    assert!(!in_metadata.is_empty());
    for r in registry::rules() {
        let peers = r.meta.peer_parity.as_deref().unwrap_or_default();
        for word in peers.split(|c: char| !c.is_ascii_alphanumeric()) {
            assert!(
                !["FSBP", "CIS", "PCI", "NIST"].contains(&word),
                "{}: peer_parity names the framework {word}: map it in rules/frameworks/",
                r.meta.id
            );
        }
    }
}
