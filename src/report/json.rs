//! The JSON report: `ScanReport` as is, documented by `reports/gwaudit-report.schema.json`.

use super::ScanReport;

/// Streams the report to `w`: at hundreds of thousands of results the text is several times
/// the size of the report in memory, so it is never built as one string.
pub fn write(report: &ScanReport, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, report).map_err(std::io::Error::from)?;
    w.write_all(b"\n")
}

pub fn render(report: &ScanReport) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Reads a JSON report back (for `convert` and `--baseline`), naming the file and the place of
/// any problem.
pub fn load(path: &std::path::Path) -> anyhow::Result<ScanReport> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{name}: cannot read report: {e}"))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{name}: not a JSON document: {e}"))?;
    match value.get("report_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(super::REPORT_VERSION) => {}
        Some(v) => anyhow::bail!(
            "{name}: report_version {v} is not supported; this gwaudit reads version {}",
            super::REPORT_VERSION
        ),
        None => anyhow::bail!("{name}: no `report_version`: not a gwaudit JSON report"),
    }
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        anyhow::anyhow!("{name}: invalid report at `{path}`: {}", e.into_inner())
    })
}
