//! The demo scan's table, JSON and SARIF outputs are kept in `reports/examples/`.
//! Regenerate after an intended change with `GWAUDIT_UPDATE_GOLDEN=1 cargo test --test golden_reports`.

mod common;

const DEMO: &str = "fixtures/demo/demo-account.json";

fn check(format: &str, file: &str) {
    // The demo records collection errors: SARIF must be asked for explicitly.
    let o = common::gwaudit(&[
        "scan",
        "--snapshot",
        DEMO,
        "--format",
        format,
        "--allow-incomplete-sarif",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    let actual = common::stdout(&o);
    let path = common::root().join("reports/examples").join(file);
    if std::env::var_os("GWAUDIT_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; create it with GWAUDIT_UPDATE_GOLDEN=1",
            path.display()
        )
    });
    if actual != expected {
        let first = actual
            .lines()
            .zip(expected.lines())
            .position(|(a, e)| a != e)
            .unwrap_or(actual.lines().count().min(expected.lines().count()));
        panic!(
            "{} is out of date (first difference at line {}):\n  actual:   {:?}\n  expected: {:?}\n\
             regenerate with GWAUDIT_UPDATE_GOLDEN=1 cargo test --test golden_reports",
            path.display(),
            first + 1,
            actual.lines().nth(first),
            expected.lines().nth(first)
        );
    }
}

#[test]
fn table() {
    check("table", "demo.table.txt");
}

#[test]
fn json() {
    check("json", "demo.json");
}

#[test]
fn sarif() {
    check("sarif", "demo.sarif");
}

#[test]
fn markdown() {
    check("markdown", "demo.md");
}

#[test]
fn junit() {
    check("junit", "demo.junit.xml");
}

#[test]
fn table_fits_100_columns() {
    let o = common::gwaudit(&["scan", "--snapshot", DEMO]);
    for line in common::stdout(&o).lines() {
        assert!(
            line.chars().count() <= 100 || !line.contains('│'),
            "too wide: {line}"
        );
    }
    assert!(
        !common::stdout(&o).contains('\u{1b}'),
        "NO_COLOR must disable colors"
    );
}

/// The demo's summaries (per rule, per account) fit a screen or two above the detail rows.
#[test]
fn table_summaries_fit_a_screen_or_two() {
    let o = common::gwaudit(&["scan", "--snapshot", DEMO]);
    let table = common::stdout(&o);
    assert!(
        table.starts_with("Failing findings by rule (") && table.contains("\nAccounts ("),
        "{table}"
    );
    let lines: Vec<&str> = table.lines().collect();
    let heading = lines
        .iter()
        .position(|l| l.starts_with("Failing findings ("))
        .expect("the demo has failing findings");
    // The first detail row follows the header's separator.
    let above = heading
        + 1
        + lines[heading..]
            .iter()
            .position(|l| l.starts_with('╞'))
            .expect("a table header");
    assert!(above <= 60, "{above} lines above the detail rows:\n{table}");
}
