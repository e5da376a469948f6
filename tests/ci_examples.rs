//! The CI examples the README points to parse, and every gwaudit flag they use exists.

use clap::CommandFactory;
use serde_yaml::Value;

fn load(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/ci")
        .join(name);
    serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every string in the document that runs gwaudit.
fn gwaudit_commands(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.contains("gwaudit ") => out.extend(
            s.lines()
                .filter(|l| l.contains("gwaudit "))
                .map(str::to_string),
        ),
        Value::Sequence(items) => items.iter().for_each(|i| gwaudit_commands(i, out)),
        Value::Mapping(m) => m.values().for_each(|i| gwaudit_commands(i, out)),
        _ => {}
    }
}

fn check_flags(command_line: &str) {
    let cli = gwaudit::cli::Cli::command();
    let words: Vec<&str> = command_line.split_whitespace().collect();
    let Some(at) = words.iter().position(|w| *w == "gwaudit") else {
        return;
    };
    let Some(sub) = words.get(at + 1) else { return };
    let sub = cli
        .find_subcommand(sub)
        .unwrap_or_else(|| panic!("`gwaudit {sub}` does not exist ({command_line})"));
    for w in &words[at + 2..] {
        let w = w.trim_matches('"');
        if let Some(flag) = w.strip_prefix("--") {
            let name = flag.split('=').next().unwrap();
            assert!(
                sub.get_arguments().any(|a| a.get_long() == Some(name)),
                "`--{name}` is not a flag of `gwaudit {}` ({command_line})",
                sub.get_name()
            );
        }
    }
}

#[test]
fn github_workflow_is_scheduled_uses_oidc_and_always_uploads() {
    let wf = load("github-actions.yml");
    assert!(wf["on"]["schedule"]
        .as_sequence()
        .is_some_and(|s| !s.is_empty()));
    assert_eq!(wf["permissions"]["id-token"], "write");
    assert_eq!(wf["permissions"]["security-events"], "write");
    let steps = wf["jobs"]["scan"]["steps"].as_sequence().unwrap();
    // One upload per account's file: a directory given to upload-sarif is merged into one
    // upload, which GitHub refuses past 20 runs.
    let upload = steps
        .iter()
        .find(|s| {
            s["run"].as_str().is_some_and(|r| {
                r.contains("code-scanning/sarifs") && r.contains("for f in sarif/*.sarif")
            })
        })
        .expect("a SARIF upload step per file");
    assert!(upload["if"].as_str().unwrap().contains("!cancelled()"));
    assert!(!steps.iter().any(|s| s["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))));
    assert!(steps.iter().any(|s| s["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with("aws-actions/configure-aws-credentials"))));
    let mut cmds = Vec::new();
    gwaudit_commands(&wf, &mut cmds);
    let scan: Vec<&String> = cmds.iter().filter(|c| c.contains("gwaudit scan")).collect();
    assert_eq!(scan.len(), 1);
    assert!(scan[0].contains("GITHUB_STEP_SUMMARY"));
    cmds.iter().for_each(|c| check_flags(c));
}

/// Steps that run a shell command containing `needle`.
fn steps_running<'a>(steps: &'a [Value], needle: &str) -> Vec<&'a Value> {
    steps
        .iter()
        .filter(|s| s["run"].as_str().is_some_and(|r| r.contains(needle)))
        .collect()
}

#[test]
fn sharded_github_workflow_scans_four_shards_and_merges_them() {
    let wf = load("github-actions-sharded.yml");
    assert!(wf["on"]["schedule"]
        .as_sequence()
        .is_some_and(|s| !s.is_empty()));
    let scan = &wf["jobs"]["scan"];
    assert_eq!(scan["permissions"]["id-token"], "write");
    let shards: Vec<i64> = scan["strategy"]["matrix"]["shard"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|s| s.as_i64().unwrap())
        .collect();
    assert_eq!(shards, [1, 2, 3, 4]);
    let steps = scan["steps"].as_sequence().unwrap();
    let scans = steps_running(steps, "gwaudit scan");
    assert_eq!(scans.len(), 1);
    let command = scans[0]["run"].as_str().unwrap();
    for part in [
        "--org",
        "--shard ${{ matrix.shard }}/4",
        "--role-name",
        "--format json",
        "--output shard-${{ matrix.shard }}.json",
        "--fail-on none",
    ] {
        assert!(
            command.contains(part),
            "the shard scan needs `{part}`: {command}"
        );
    }
    assert!(steps.iter().any(|s| s["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with("actions/upload-artifact"))
        && s["with"]["path"] == "shard-${{ matrix.shard }}.json"));

    let merge = &wf["jobs"]["merge"];
    assert_eq!(merge["needs"], "scan");
    assert_eq!(merge["permissions"]["security-events"], "write");
    let steps = merge["steps"].as_sequence().unwrap();
    assert!(steps.iter().any(|s| s["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with("actions/download-artifact"))));
    let merges = steps_running(steps, "gwaudit merge");
    assert_eq!(merges.len(), 1);
    let command = merges[0]["run"].as_str().unwrap();
    for part in [
        "gwaudit merge shard-*.json",
        "--output-to sarif=out/",
        "--output-to markdown=summary.md",
        "--fail-on high",
    ] {
        assert!(
            command.contains(part),
            "the merge needs `{part}`: {command}"
        );
    }
    let summary = steps_running(steps, "summary.md >> \"$GITHUB_STEP_SUMMARY\"");
    assert_eq!(summary.len(), 1, "the step summary is appended");
    assert!(summary[0]["if"].as_str().unwrap().contains("!cancelled()"));
    // One upload per account's file, as in the single-account workflow.
    let upload = steps_running(steps, "for f in out/*.sarif");
    assert_eq!(upload.len(), 1);
    assert!(upload[0]["run"]
        .as_str()
        .unwrap()
        .contains("code-scanning/sarifs"));
    assert!(upload[0]["if"].as_str().unwrap().contains("!cancelled()"));
    assert!(!steps.iter().any(|s| s["uses"]
        .as_str()
        .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif"))));
    let mut cmds = Vec::new();
    gwaudit_commands(&wf, &mut cmds);
    cmds.iter().for_each(|c| check_flags(c));
}

#[test]
fn gitlab_job_reports_junit() {
    let job = load("gitlab-ci.yml");
    let job = &job["gwaudit"];
    assert_eq!(job["artifacts"]["reports"]["junit"], "gwaudit-junit.xml");
    let mut cmds = Vec::new();
    gwaudit_commands(job, &mut cmds);
    assert!(cmds.iter().any(|c| c.contains("junit=gwaudit-junit.xml")));
    cmds.iter().for_each(|c| check_flags(c));
}

#[test]
fn the_flag_check_catches_a_wrong_flag() {
    let r = std::panic::catch_unwind(|| check_flags("gwaudit scan --no-such-flag"));
    assert!(r.is_err());
}
