//! The JSON report: `ScanReport` as is, documented by `reports/gwaudit-report.schema.json`.
//! Everything but the results is indented; each result is one line, so a report of hundreds of
//! thousands of results stays greppable and is written on every core.

use std::io::{self, Write};

use super::json_text::string;
use super::ScanReport;
use crate::triage::{Results, Triaged};

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
    write_results(&report.results, w)?;
    w.write_all(b"\n  ]\n}\n")
}

/// The results, blocks of `BLOCK`, serialized on every core and written in order as each
/// block is done. Workers that serialized one block each in rounds waited for one another
/// after every round, a sixth of writing a large report (perf).
fn write_results(results: &Results, w: &mut dyn Write) -> io::Result<()> {
    let mut written = Ok(());
    let mut first = true;
    let blocks = results.blocks(BLOCK);
    // One block at a time: a block is already `BLOCK` results.
    let make = |one: &[Vec<&[Triaged]>], out: &mut Vec<u8>| {
        out.clear();
        one.iter().flatten().try_for_each(|part| lines(part, out))
    };
    crate::cores::in_order(&blocks, 1, make, |text: &mut Vec<u8>| {
        // The array's first member has no comma before it.
        written = w.write_all(&text[usize::from(first)..]);
        first = false;
        written.is_ok()
    })?;
    written
}

/// `,\n    {...}` per result (the first result of the report without the comma), added to
/// `out`.
fn lines(block: &[Triaged], out: &mut Vec<u8>) -> io::Result<()> {
    for (i, r) in block.iter().enumerate() {
        // The texts of a result are scattered over the heap, and waiting for them was most of
        // writing a large report (perf): ask for those of the results ahead.
        if let Some(ahead) = block.get(i + AHEAD) {
            prefetch(&*ahead.finding.resource as *const _ as *const u8);
        }
        if let Some(ahead) = block.get(i + AHEAD / 2) {
            let f = &ahead.finding;
            for text in [
                f.message.as_str(),
                &f.resource.arn,
                &f.resource.path,
                &f.resource.label,
            ] {
                prefetch(text.as_ptr());
            }
            if let Some(text) = f.evidence.sealed_text() {
                prefetch(text.as_ptr());
            }
        }
        out.extend_from_slice(b",\n    ");
        result_line(r, out)?;
    }
    Ok(())
}

/// How many results ahead `lines` asks for texts: far enough for them to arrive in time.
const AHEAD: usize = 16;

/// A hint that `p` will be read soon; nothing is read, so any address is fine.
#[inline(always)]
fn prefetch(p: *const u8) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing and cannot fault, whatever the address.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(p as *const i8);
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = p;
}

/// One result as serde writes `Triaged` (the order of `Finding::serialize_fields`), but with
/// its strings copied as they are when nothing in them needs escaping, which is nearly always:
/// serde_json's escaping, a byte at a time, was half of writing a large report (perf). A test
/// holds the two to the same bytes.
fn result_line(r: &Triaged, out: &mut Vec<u8>) -> io::Result<()> {
    let f = &r.finding;
    out.extend_from_slice(b"{\"rule_id\":");
    string(out, &f.rule.id)?;
    out.extend_from_slice(b",\"title\":");
    string(out, &f.rule.title)?;
    out.extend_from_slice(b",\"severity\":\"");
    out.extend_from_slice(f.severity.as_str().as_bytes());
    out.extend_from_slice(b"\",\"status\":\"");
    out.extend_from_slice(f.status.as_str().as_bytes());
    out.extend_from_slice(b"\",\"resource_arn\":");
    string(out, &f.resource.arn)?;
    out.extend_from_slice(b",\"resource_path\":");
    string(out, &f.resource.path)?;
    out.extend_from_slice(b",\"resource_label\":");
    string(out, &f.resource.label)?;
    if !f.resource.tags.is_empty() {
        out.extend_from_slice(b",\"resource_tags\":");
        serde_json::to_writer(&mut *out, &f.resource.tags)?;
    }
    out.extend_from_slice(b",\"account_id\":");
    string(out, &f.place.account_id)?;
    out.extend_from_slice(b",\"region\":");
    string(out, &f.place.region)?;
    out.extend_from_slice(b",\"message\":");
    string(out, &f.message)?;
    out.extend_from_slice(b",\"evidence\":");
    f.evidence.write_json(out)?;
    out.extend_from_slice(b",\"fingerprint\":\"");
    out.extend_from_slice(&f.fingerprint.hex());
    out.push(b'"');
    if let Some(url) = &f.rule.remediation_url {
        out.extend_from_slice(b",\"remediation_url\":");
        string(out, url)?;
    }
    if let Some(cause) = f.unknown_cause {
        out.extend_from_slice(b",\"unknown_cause\":\"");
        out.extend_from_slice(cause.as_str().as_bytes());
        out.push(b'"');
    }
    if let Some(m) = &r.muted {
        out.extend_from_slice(b",\"muted\":");
        serde_json::to_writer(&mut *out, m)?;
    }
    if let Some(b) = &r.baseline {
        out.extend_from_slice(b",\"baseline\":");
        serde_json::to_writer(&mut *out, b)?;
    }
    if let Some(c) = &r.carried_forward {
        out.extend_from_slice(b",\"carried_forward\":");
        serde_json::to_writer(&mut *out, c)?;
    }
    out.push(b'}');
    Ok(())
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
    let version = match crate::model::top_level_member(&text, "report_version") {
        Ok(version) => version,
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
    let mut de = serde_json::Deserializer::from_str(&text);
    // The probe stopped at the version: the text after it may not be JSON at all.
    let not_json = |e: serde_json::Error| anyhow::anyhow!("{name}: not a JSON document: {e}");
    let mut report: ScanReport = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let e = e.into_inner();
        if e.is_syntax() || e.is_eof() {
            not_json(e)
        } else {
            anyhow::anyhow!("{name}: invalid report at `{path}`: {e}")
        }
    })?;
    de.end().map_err(not_json)?;
    drop(text);
    if version == Some(Ok(1)) {
        upgrade_v1(&mut report);
    }
    Ok(report)
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

    /// Whatever the number of results (none, fewer than a block, many blocks), the text is the
    /// report: the same value serde would write.
    #[test]
    fn blocks_of_lines_read_back_as_the_report() {
        let demo = demo();
        for n in [
            0,
            1,
            BLOCK - 1,
            BLOCK,
            2 * BLOCK + 1,
            5 * BLOCK + 3,
            17 * BLOCK + 5,
        ] {
            let mut report = demo.clone();
            let all: Vec<Triaged> = demo.results.iter().cycle().take(n).cloned().collect();
            report.results = Results::from(all.clone());
            let text = render(&report);
            let read: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
            assert_eq!(read, serde_json::to_value(&report).unwrap(), "{n} results");
            assert_eq!(text.lines().filter(|l| l.starts_with("    {")).count(), n);
            // In parts as a scan makes them (a part per rule and region): runs of tiny parts,
            // empty ones, and parts longer than a block; the same bytes.
            let mut parts = vec![Vec::new()];
            for (i, r) in all.into_iter().enumerate() {
                let tiny = i < 3 * BLOCK && i % 7 == 3;
                if tiny || i % (BLOCK + BLOCK / 2 + 5) == 0 {
                    parts.push(Vec::new());
                    if i % 2 == 0 {
                        parts.push(Vec::new());
                    }
                }
                parts.last_mut().expect("one part at least").push(r);
            }
            report.results = Results::from_parts(parts);
            assert_eq!(render(&report), text, "{n} results in parts");
            assert!(text.ends_with("}\n"));
        }
    }

    /// A writer that fails part way (a closed pipe) ends the report with its error, at any
    /// block, and the workers stop: no hang, no panic.
    #[test]
    fn a_failing_writer_stops_the_workers_with_its_error() {
        let demo = demo();
        let mut report = demo.clone();
        report.results = demo
            .results
            .iter()
            .cycle()
            .take(12 * BLOCK)
            .cloned()
            .collect();
        let full = render(&report).len();
        for allowed in [0, 100, full / 7, full / 2, full - 10] {
            let err = write(&report, &mut crate::report::FailsAfter(allowed)).unwrap_err();
            assert_eq!(
                err.kind(),
                io::ErrorKind::BrokenPipe,
                "after {allowed} bytes"
            );
        }
        write(&report, &mut crate::report::FailsAfter(full)).unwrap();
    }

    /// The hand-written result line is byte for byte what serde writes for `Triaged`: every
    /// demo result, and variants with every optional field and strings that need escaping.
    #[test]
    fn result_lines_are_what_serde_writes() {
        let demo = demo();
        let mut results = demo.results.clone().into_vec();
        let odd = [
            "quote \" backslash \\ tab \t newline \n bell \u{7}",
            "non-ASCII: café ☕ \u{7f} \u{2028}",
            "exactly sixteen!",
            "sixteen, then a quote: \"",
            "",
        ];
        for (i, text) in odd.iter().enumerate() {
            let mut v = serde_json::to_value(&results[i]).unwrap();
            v["message"] = (*text).into();
            v["resource_label"] = format!("{text} label").into();
            v["resource_tags"] = serde_json::json!({"team": text, "env": "prod"});
            v["evidence"] = serde_json::json!({"why": text, "n": [1, 2.5, null]});
            v["muted"] = serde_json::json!({"reason": text, "origin": "gwaudit.toml:3",
                                            "expires": null});
            v["baseline"] = "unchanged".into();
            v["carried_forward"] =
                serde_json::json!({"scanned_at": "2026-11-01T00:00:00Z", "because": text});
            v["unknown_cause"] = "not_determinable".into();
            results.push(serde_json::from_value(v).unwrap());
        }
        let mut open = results[0].clone();
        open.finding.evidence = Default::default();
        std::sync::Arc::make_mut(&mut open.finding.rule).remediation_url = None;
        results.push(open);
        for r in &results {
            let mut line = Vec::new();
            result_line(r, &mut line).unwrap();
            assert_eq!(
                String::from_utf8(line).unwrap(),
                serde_json::to_string(r).unwrap()
            );
        }
    }

    /// The version probe stops at `report_version`: what follows it is still checked.
    #[test]
    fn text_after_the_version_must_be_one_json_report() {
        let dir = tempfile::tempdir().unwrap();
        let demo = include_str!("../../reports/examples/demo.json");
        for (text, needle) in [
            (format!("{demo} trailing"), "not a JSON document"),
            (demo[..demo.len() / 2].to_string(), "not a JSON document"),
            (
                demo.replacen("\"results\"", "\"results_\"", 1),
                "invalid report",
            ),
        ] {
            let path = dir.path().join("r.json");
            std::fs::write(&path, &text).unwrap();
            let e = load(&path).unwrap_err().to_string();
            assert!(e.contains(needle), "{e}");
        }
        std::fs::write(dir.path().join("ok.json"), demo).unwrap();
        assert!(load(&dir.path().join("ok.json")).is_ok());
    }
}
