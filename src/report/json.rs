//! The JSON report: `ScanReport` as is, documented by `reports/gwaudit-report.schema.json`.

use super::ScanReport;

pub fn render(report: &ScanReport) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("report types always serialize");
    s.push('\n');
    s
}
