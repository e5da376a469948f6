//! SARIF 2.1.0 for GitHub code scanning: one result per failing finding, located at a stable
//! relative synthetic path per resource (line 1) with the ARN as a logical location, and the
//! fingerprint as `primaryLocationLineHash`. `unknown` results become tool notifications, not
//! alerts: an alert must mean a real problem.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, RunAutomationDetails, Sarif,
    Tool, ToolComponent,
};

use super::ScanReport;
use crate::rules::registry::{self, LoadedRule};
use crate::rules::{Severity, Status};
use crate::triage::{BaselineState, Triaged};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// GitHub's `security-severity` scale.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "2.0",
        Severity::Info => "0.0",
    }
}

fn level(s: Severity) -> ResultLevel {
    match s {
        Severity::Critical | Severity::High => ResultLevel::Error,
        Severity::Medium => ResultLevel::Warning,
        Severity::Low | Severity::Info => ResultLevel::Note,
    }
}

fn level_name(s: Severity) -> &'static str {
    match level(s) {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        _ => "note",
    }
}

fn text(s: impl Into<String>) -> Message {
    Message {
        text: Some(s.into()),
        ..Default::default()
    }
}

fn invocation(notifications: Vec<Notification>) -> Invocation {
    let builder = Invocation::builder().execution_successful(true);
    if notifications.is_empty() {
        builder.build()
    } else {
        builder.tool_execution_notifications(notifications).build()
    }
}

fn warning(message: String) -> Notification {
    Notification::builder()
        .level(json!("warning"))
        .message(text(message))
        .build()
}

fn bag(tags: Option<Vec<String>>, props: BTreeMap<String, Value>) -> PropertyBag {
    PropertyBag {
        tags,
        additional_properties: props,
    }
}

fn descriptor(rule: &LoadedRule) -> ReportingDescriptor {
    let m = &rule.meta;
    let mut props = BTreeMap::new();
    // GitHub reads severity from the rule only, never from a result: use the highest severity
    // the rule can report so raised findings are not understated. Each result's `level` and
    // `properties.severity` carry its own severity.
    props.insert(
        "security-severity".into(),
        json!(security_severity(m.max_severity())),
    );
    props.insert("precision".into(), json!("high"));
    props.insert("problem.severity".into(), json!(level_name(m.severity)));
    ReportingDescriptor {
        id: m.id.clone(),
        name: Some(
            m.slug
                .split('-')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                })
                .collect(),
        ),
        short_description: Some(plain(m.title.clone())),
        full_description: Some(plain(m.summary.trim())),
        help: Some(
            MultiformatMessageString::builder()
                .text(format!("{}\n\n{}", m.summary.trim(), m.rationale.trim()))
                .markdown(m.to_markdown())
                .build(),
        ),
        help_uri: m.help_url().map(str::to_string),
        default_configuration: Some(ReportingConfiguration {
            level: Some(json!(level_name(m.severity))),
            ..Default::default()
        }),
        properties: Some(bag(
            Some(vec!["security".into(), m.category().dir().into()]),
            props,
        )),
        deprecated_guids: None,
        deprecated_ids: None,
        deprecated_names: None,
        guid: None,
        message_strings: None,
        relationships: None,
    }
}

fn plain(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

/// The first sentence of a result message is shown alone where space is short, so the
/// resource goes first.
/// `rule_index` is `None` for a rule this build does not know (a converted older report).
fn result(f: &Triaged, rule_index: Option<usize>) -> SarifResult {
    let mut props = BTreeMap::new();
    props.insert("severity".into(), json!(f.severity));
    props.insert("account".into(), json!(f.account_id));
    props.insert("region".into(), json!(f.region));
    props.insert("evidence".into(), json!(f.evidence));
    if let Some(c) = &f.carried_forward {
        // Not evaluated in this scan: kept from the baseline so that its alert stays open.
        props.insert("carriedForward".into(), json!(c));
    }
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert("primaryLocationLineHash".to_string(), f.fingerprint.clone());
    let mut r = SarifResult::builder()
        .rule_id(f.rule_id.to_string())
        .level(level(f.severity))
        .message(text(format!(
            "{}: {}.",
            f.resource_label,
            f.message.trim_end_matches('.')
        )))
        .locations(vec![Location {
            physical_location: Some(PhysicalLocation {
                artifact_location: Some(ArtifactLocation {
                    uri: Some(f.resource_path.clone()),
                    ..Default::default()
                }),
                region: Some(Region {
                    start_line: Some(1),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            logical_locations: Some(vec![LogicalLocation {
                fully_qualified_name: Some(f.resource_arn.clone()),
                name: Some(f.resource_label.clone()),
                kind: Some("resource".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }])
        .partial_fingerprints(fingerprints)
        .properties(bag(None, props))
        .build();
    r.rule_index = rule_index.map(|i| i as i64);
    // Only set when the scan was compared with a baseline.
    r.baseline_state = f.baseline.map(|b| match b {
        BaselineState::New => json!("new"),
        BaselineState::Unchanged => json!("unchanged"),
    });
    r
}

/// The run's `automationDetails.id`: GitHub treats uploads with the same category as one
/// analysis and closes alerts missing from the newest upload, so distinct accounts get
/// distinct categories by default.
pub fn automation_id(report: &ScanReport, category: Option<&str>) -> String {
    match category {
        Some(c) => format!("{}/", c.trim_end_matches('/')),
        None => format!("gwaudit/{}/", report.scan.account_id),
    }
}

pub fn build(report: &ScanReport, category: Option<&str>) -> Sarif {
    let rules: Vec<&LoadedRule> = report
        .scan
        .rules_evaluated
        .iter()
        .filter_map(|id| registry::find(id))
        .collect();
    let index: BTreeMap<&str, usize> = rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.def.id, i))
        .collect();
    let results: Vec<SarifResult> = report
        .results
        .iter()
        .filter(|f| f.status == Status::Fail && f.muted.is_none())
        .map(|f| result(f, index.get(f.rule_id.as_str()).copied()))
        .collect();
    let mut notifications: Vec<Notification> = report
        .unknown()
        .into_iter()
        .map(|f| {
            warning(format!(
                "{} could not be evaluated for {} ({}): {}.",
                f.rule_id,
                f.resource_label,
                f.unknown_cause
                    .unwrap_or(crate::model::UnknownCause::NotCollected)
                    .describe(),
                f.message.trim_end_matches('.')
            ))
        })
        .collect();
    notifications.extend(report.scan.collection_errors.iter().map(|e| {
        let cause = match e.cause() {
            crate::model::UnknownCause::NotCollected => "Not collected",
            crate::model::UnknownCause::NotDeterminable => "Not determinable",
        };
        warning(format!("{cause}: {}.", e.reason()))
    }));
    let version = report.tool.version.clone();
    let run = Run::builder()
        .tool(
            Tool::builder()
                .driver(
                    ToolComponent::builder()
                        .name("gwaudit")
                        .full_name(format!("gwaudit {version}"))
                        .version(version.clone())
                        .semantic_version(version)
                        .rules(rules.iter().map(|r| descriptor(r)).collect::<Vec<_>>())
                        .build(),
                )
                .build(),
        )
        .invocations(vec![invocation(notifications)])
        .automation_details(
            RunAutomationDetails::builder()
                .id(automation_id(report, category))
                .build(),
        )
        .results(results)
        .column_kind(json!("utf16CodeUnits"))
        .properties(bag(
            None,
            BTreeMap::from([
                ("account".to_string(), json!(report.scan.account_id)),
                ("regions".to_string(), json!(report.scan.regions)),
                ("complete".to_string(), json!(report.scan.complete)),
            ]),
        ))
        .build();
    Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build()
}

pub fn write(
    report: &ScanReport,
    category: Option<&str>,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &build(report, category))
        .map_err(std::io::Error::from)?;
    w.write_all(b"\n")
}

pub fn render(report: &ScanReport, category: Option<&str>) -> String {
    let mut out = Vec::new();
    write(report, category, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}
