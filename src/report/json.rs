//! The JSON report: `ScanReport` as is, documented by `reports/gwaudit-report.schema.json`.
//! Everything but the results is indented; each result is one line, so a report of hundreds of
//! thousands of results stays greppable and is written on every core.

use std::io::{self, Write};

use super::ScanReport;
use crate::triage::Triaged;

/// Results serialized per block by one worker; blocks are written in order.
const BLOCK: usize = 2048;

/// Streams the report to `w`: at hundreds of thousands of results the text is several times
/// the size of the report in memory, so it is never built as one string.
pub fn write(report: &ScanReport, w: &mut dyn Write) -> io::Result<()> {
    let head = serde_json::to_string_pretty(&report.without_results()).map_err(io::Error::from)?;
    // `results` is the last member: the head ends with its empty array.
    let Some(head) = head.strip_suffix("[]\n}") else {
        unreachable!("`results` is the last member of a report");
    };
    w.write_all(head.as_bytes())?;
    if report.results.is_empty() {
        return w.write_all(b"[]\n}\n");
    }
    w.write_all(b"[")?;
    let mut first = true;
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let blocks: Vec<&[Triaged]> = report.results.chunks(BLOCK).collect();
    for round in blocks.chunks(workers) {
        let texts: Vec<io::Result<Vec<u8>>> = std::thread::scope(|s| {
            let handles: Vec<_> = round
                .iter()
                .map(|block| s.spawn(move || lines(block)))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        for text in texts {
            let text = text?;
            // The array's first member has no comma before it.
            let skip = usize::from(first);
            first = false;
            w.write_all(&text[skip..])?;
        }
    }
    w.write_all(b"\n  ]\n}\n")
}

/// `,\n    {...}` per result (the first result of the report without the comma).
fn lines(block: &[Triaged]) -> io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(block.len() * 1024);
    for r in block {
        out.extend_from_slice(b",\n    ");
        serde_json::to_writer(&mut out, r).map_err(io::Error::from)?;
    }
    Ok(out)
}

pub fn render(report: &ScanReport) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Reads a JSON report back (for `convert`, `--baseline` and `merge`), naming the file and the
/// place of any problem. The text is parsed straight into the report, never into a
/// `serde_json::Value` first: a report of hundreds of thousands of results would be held twice.
/// A version-1 report is upgraded but keeps `report_version` 1, so a caller can tell.
pub fn load(path: &std::path::Path) -> anyhow::Result<ScanReport> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("{name}: cannot read report: {e}"))?;
    let version = match serde_json::from_str::<Probe>(&text) {
        Ok(probe) => probe.0,
        Err(e) if e.is_data() => {
            anyhow::bail!("{name}: not a gwaudit JSON report (the document is not an object)")
        }
        Err(e) => anyhow::bail!("{name}: not a JSON document: {e}"),
    };
    let version = version.as_ref().map(|v| v.as_u64().ok_or(v));
    match version {
        Some(Ok(v)) if (1..=u64::from(super::REPORT_VERSION)).contains(&v) => {}
        Some(Ok(v)) => anyhow::bail!(
            "{name}: report_version {v} is not supported; this gwaudit reads versions 1 to {}",
            super::REPORT_VERSION
        ),
        Some(Err(v)) => anyhow::bail!(
            "{name}: report_version `{}` is not a version number: not a gwaudit JSON report",
            crate::term::printable(&v.to_string().chars().take(40).collect::<String>())
        ),
        None => anyhow::bail!("{name}: no `report_version`: not a gwaudit JSON report"),
    }
    // The probe read the whole text: it is one JSON value with nothing after it.
    let mut de = serde_json::Deserializer::from_str(&text);
    let mut report: ScanReport = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        anyhow::anyhow!("{name}: invalid report at `{path}`: {}", e.into_inner())
    })?;
    drop(text);
    if version == Some(Ok(1)) {
        upgrade_v1(&mut report);
    }
    Ok(report)
}

/// The top-level `report_version` of a JSON object, read without keeping anything else.
struct Probe(Option<serde_json::Value>);

impl<'de> serde::Deserialize<'de> for Probe {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Probe;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Probe, A::Error> {
                let mut version = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "report_version" {
                        version = Some(map.next_value()?);
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(Probe(version))
            }
        }
        d.deserialize_map(Visitor)
    }
}

/// A version-1 report covers one account and has no status view or error accounts: they are
/// derived from what it does say, so a baseline or `convert` of it reads like a new report.
fn upgrade_v1(report: &mut ScanReport) {
    let account = report.scan.account_id.clone();
    for e in &mut report.scan.collection_errors {
        e.account_id.get_or_insert_with(|| account.clone());
    }
    if report.scan.accounts.is_empty() && !account.is_empty() {
        let state = |complete| {
            if complete {
                super::status::ScanState::Scanned
            } else {
                super::status::ScanState::Incomplete
            }
        };
        report.scan.accounts.push(super::status::AccountStatus {
            account_id: account,
            status: state(report.scan.complete),
            reason: None,
            missing: Default::default(),
            regions: report
                .scan
                .regions
                .iter()
                .map(|r| super::status::RegionStatus {
                    region: r.clone(),
                    status: state(!report.scan.collection_errors.iter().any(|e| {
                        e.region.as_deref() == Some(r.as_str())
                            && e.cause() == crate::model::UnknownCause::NotCollected
                    })),
                    apis: None,
                    failing_by_severity: Default::default(),
                    missing: Default::default(),
                })
                .collect(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> ScanReport {
        let text = include_str!("../../reports/examples/demo.json");
        serde_json::from_str(text).expect("the demo report reads back")
    }

    /// Whatever the number of results (none, fewer than a block, several rounds of blocks),
    /// the text is the report: the same value serde would write.
    #[test]
    fn blocks_of_lines_read_back_as_the_report() {
        let demo = demo();
        for n in [0, 1, BLOCK - 1, BLOCK, 2 * BLOCK + 1, 5 * BLOCK + 3] {
            let mut report = demo.clone();
            report.results = demo.results.iter().cycle().take(n).cloned().collect();
            let text = render(&report);
            let read: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            assert_eq!(read, serde_json::to_value(&report).unwrap(), "{n} results");
            assert_eq!(text.lines().filter(|l| l.starts_with("    {")).count(), n);
            assert!(text.ends_with("}\n"));
        }
    }
}
