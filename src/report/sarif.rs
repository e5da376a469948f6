//! SARIF 2.1.0 for GitHub code scanning: one result per failing resource, located at a stable
//! relative synthetic path per resource (line 1) with the ARN as a logical location, and the
//! fingerprint as `primaryLocationLineHash`. `unknown` results become tool notifications, not
//! alerts: an alert must mean a real problem.
//!
//! Sized for GitHub's limits (25,000 results per run, 20 runs per file, 10 MB gzipped):
//! - method- and route-level findings of one rule are always one alert per API (or stage),
//!   with the methods as related locations, so an alert's identity never depends on how many
//!   of its methods fail or on the size of the account;
//! - each account is its own run, with its own category;
//! - what still does not fit is cut least severe first, and the cut is named in a run
//!   notification and returned to the caller for stderr.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::rc::Rc;

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Value};
use serde_sarif::sarif::{
    Invocation, Message, MultiformatMessageString, Notification, PropertyBag,
    ReportingConfiguration, ReportingDescriptor, ResultLevel, RunAutomationDetails, Tool,
    ToolComponent,
};

use super::json_text::string;
use super::ScanReport;
use crate::model::{ArnFields, UnknownCause};
use crate::rules::registry::{self, LoadedRule};
use crate::rules::{fingerprint, Severity, Status};
use crate::triage::{BaselineState, Triaged};

/// GitHub code scanning's limits on one SARIF upload.
pub const MAX_RESULTS_PER_RUN: usize = 25_000;
pub const MAX_RUNS_PER_FILE: usize = 20;
pub const MAX_GZIPPED_BYTES: u64 = 10_000_000;
pub const MAX_RELATED_LOCATIONS: usize = 1_000;
/// Kept free below the gzip limit for output the compressor still holds, punctuation, and the
/// note of a cut in each run.
const GZIP_MARGIN: u64 = 256 * 1024;
const CUT_NOTE_ALLOWANCE: u64 = 8 * 1024;
/// The level the file's size is measured at, streamed and in parts alike: the fastest. It
/// compresses less than an uploader would, so the measure errs on the safe side, at a fifth of
/// the cost (gzip at the default level was a sixth of writing SARIF for 10,000 APIs).
const METER_LEVEL: flate2::Compression = flate2::Compression::fast();
/// Collection errors named one by one per run; the rest are counted.
const MAX_ERROR_NOTIFICATIONS: usize = 100;

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

/// The resource a method or route belongs to, and its alert is that resource's: for
/// `.../restapis/<id>[/stages/<name>]/resources/<id>/methods/<verb>` the API (or its stage), for
/// `.../apis/<id>/routes/<id>` the API. Only these exact API Gateway shapes: a log group or a
/// role path may contain `/resources/` too. Returns the parent's ARN, the key its members are
/// grouped by; its path and label are only needed for the alerts written ([`parent_parts`]).
fn parent_of(f: &Triaged) -> Option<&str> {
    parent_shape(&f.resource.arn, &f.resource.path).map(|shape| shape.arn)
}

/// What a member's ARN and path say of its parent.
struct ParentShape<'a> {
    arn: &'a str,
    /// How many path segments after `apigateway/` name the parent.
    segments: usize,
    id: &'a str,
    stage: Option<&'a str>,
}

fn parent_shape<'a>(member_arn: &'a str, member_path: &str) -> Option<ParentShape<'a>> {
    // `arn:<partition>:apigateway:<region>::/<segments>`, split on `:`: a byte search instead
    // of a search for the text `:apigateway:` in every failing result's ARN.
    let rest = ArnFields::apigateway_path(member_arn)?;
    // Without collecting the segments or formatting the label's end: this runs for every
    // failing result, and those allocations were a tenth of grouping them (perf).
    let mut segments = [""; 9];
    let mut count = 0;
    for segment in rest.split('/') {
        *segments.get_mut(count)? = segment;
        count += 1;
    }
    let (parent_segments, id, stage) = match &segments[..count] {
        ["restapis", id, "resources", _, "methods", _] | ["apis", id, "routes", _] => {
            (2, *id, None)
        }
        ["restapis", id, "stages", stage, "resources", _, "methods", _] => (4, *id, Some(*stage)),
        _ => return None,
    };
    // The parent's path is cut from the member's ([`parent_parts`]).
    if !member_path.contains(APIGATEWAY_PATH) {
        return None;
    }
    // The parent's ARN is the member's, cut after as many segments (ids, stage names and verbs
    // hold no `/`).
    Some(ParentShape {
        arn: first_segments(member_arn, member_arn.len() - rest.len(), parent_segments),
        segments: parent_segments,
        id,
        stage,
    })
}

const APIGATEWAY_PATH: &str = "/apigateway/";

/// The ARN, path and label of the resource a method or route belongs to ([`parent_of`]).
fn parent_parts<'a>(
    member_arn: &'a str,
    member_path: &'a str,
    member_label: &'a str,
) -> Option<(&'a str, &'a str, &'a str)> {
    let ParentShape {
        arn,
        segments,
        id,
        stage,
    } = parent_shape(member_arn, member_path)?;
    // Cut after as many segments as the ARN (the path's segments are percent-encoded).
    let path_start = member_path.find(APIGATEWAY_PATH)? + APIGATEWAY_PATH.len();
    let path = first_segments(member_path, path_start, segments);
    // The label up to `(<id>)`, or `(<id>) stage <stage>`.
    let label_end = |at: usize| {
        let after = member_label[at..].strip_prefix('(')?.strip_prefix(id)?;
        let after = after.strip_prefix(')')?;
        let after = match stage {
            None => after,
            Some(stage) => after.strip_prefix(" stage ")?.strip_prefix(stage)?,
        };
        Some(member_label.len() - after.len())
    };
    let label = match member_label
        .match_indices('(')
        .find_map(|(i, _)| label_end(i))
    {
        Some(end) => &member_label[..end],
        None => arn,
    };
    Some((arn, path, label))
}

/// `text` up to the end of the `n`th `/`-separated segment after `start`.
fn first_segments(text: &str, start: usize, n: usize) -> &str {
    let end = text[start..]
        .match_indices('/')
        .nth(n - 1)
        .map_or(text.len(), |(i, _)| start + i);
    &text[..end]
}

/// One SARIF result: a failing resource, or the failing methods/routes of one API or stage.
struct Alert<'a> {
    /// The highest of its members' (a rule can raise a finding's severity).
    severity: Severity,
    /// Set for a group: the ARN of the resource the members belong to.
    parent: Option<&'a str>,
    first: &'a Triaged,
    /// The group's other members (none for a single resource: no allocation per alert).
    others: Vec<&'a Triaged>,
}

impl<'a> Alert<'a> {
    /// Region and parent ARN of a group (its rule and account are those of all it is grouped
    /// with).
    fn group_key(&self) -> Option<(&'a str, &'a str)> {
        Some((&self.first.place.region, self.parent?))
    }

    /// A group's parent resource: its ARN, path and label, worked out from the first member for
    /// the alerts that are written.
    fn parent_parts(&self) -> Option<(&'a str, &'a str, &'a str)> {
        self.parent?;
        let f = self.first;
        parent_parts(&f.resource.arn, &f.resource.path, &f.resource.label)
    }

    /// Every member shares the first's rule, account and region.
    fn rule_id(&self) -> &'a str {
        &self.first.rule.id
    }

    fn members(&self) -> impl Iterator<Item = &'a Triaged> + '_ {
        std::iter::once(self.first).chain(self.others.iter().copied())
    }

    fn len(&self) -> usize {
        1 + self.others.len()
    }

    fn arn(&self) -> &str {
        self.parent.unwrap_or(&self.first.resource.arn)
    }

    fn fingerprint(&self) -> String {
        match self.parent {
            None => self.first.fingerprint.to_string(),
            Some(arn) => fingerprint(
                &self.first.rule.id,
                &self.first.place.account_id,
                &self.first.place.region,
                arn,
            )
            .to_string(),
        }
    }
}

/// What every SARIF file of a report shares, prepared once: the results by account, each
/// account's as runs of one rule, so that a file per account reads only its own; and the tool's
/// description of the rules, with its size gzipped. Each file reading every result and
/// building and compressing the rules again made an organization's files quadratic in its size
/// (500 accounts took 15 s, against 0.8 s for the whole JSON report).
pub struct Prepared<'r> {
    report: &'r ScanReport,
    runs: HashMap<&'r str, Vec<&'r [Triaged]>>,
    /// Each rule's place in the tool's description, for a result's `ruleIndex`.
    rule_index: BTreeMap<&'static str, usize>,
    tool: ToolPart,
}

/// The tool's description, built on a thread of its own while the results are sorted into
/// runs and the first run is prepared: built and compressed on the writing thread, it was a
/// stretch of 8-10 ms in which the other core waited (perf timeline of a large scan).
struct ToolPart {
    building: std::sync::Mutex<Option<std::thread::JoinHandle<io::Result<Described>>>>,
    built: std::sync::OnceLock<Result<Described, String>>,
}

struct Described {
    tool: Value,
    /// `tool` as a run's head writes it, gzipped on its own.
    gzipped: u64,
}

impl ToolPart {
    fn build(rules: Vec<&'static LoadedRule>, version: String) -> ToolPart {
        let building = std::thread::Builder::new().spawn(move || Described::of(&rules, version));
        ToolPart {
            building: std::sync::Mutex::new(building.ok()),
            built: std::sync::OnceLock::new(),
        }
    }

    fn get(&self) -> io::Result<&Described> {
        let built = self.built.get_or_init(|| {
            let handle = (self.building.lock())
                .map_err(|_| "the tool's description was lost".to_string())?
                .take()
                .ok_or("the tool's description could not be started")?;
            match handle.join() {
                Ok(described) => described.map_err(|e| e.to_string()),
                // A panic there is a bug: raised again here, as the panic it is.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        });
        built.as_ref().map_err(|e| io::Error::other(e.clone()))
    }
}

impl Described {
    fn of(rules: &[&LoadedRule], version: String) -> io::Result<Described> {
        let tool = serde_json::to_value(
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
        )?;
        // Nested as in a document, so its lines are indented as a run's head indents them.
        let nested = json!({ "runs": [{ "tool": &tool }] });
        let text = serde_json::to_vec_pretty(&nested)?;
        let gzipped = Gauge::default().gzipped(std::iter::once(&text[..]))?;
        Ok(Described { tool, gzipped })
    }
}

impl<'r> Prepared<'r> {
    pub fn of(report: &'r ScanReport) -> serde_json::Result<Self> {
        let rules: Vec<&'static LoadedRule> = (report.scan.rules_evaluated.iter())
            .filter_map(|id| registry::find(id))
            .collect();
        let rule_index = (rules.iter().enumerate())
            .map(|(i, r)| (r.def.id, i))
            .collect();
        let tool = ToolPart::build(rules, report.tool.version.clone());
        let mut runs: HashMap<&str, Vec<&[Triaged]>> = HashMap::new();
        for run in (report.results).runs(|a, b| a.same_account(b) && a.same_rule(b)) {
            runs.entry(&*run[0].place.account_id).or_default().push(run);
        }
        Ok(Prepared {
            report,
            runs,
            rule_index,
            tool,
        })
    }

    /// The account's results, as runs of one rule, in report order.
    fn runs(&self, account: &str) -> &[&'r [Triaged]] {
        self.runs.get(account).map_or(&[], Vec::as_slice)
    }

    fn results(&self, account: &str) -> impl Iterator<Item = &'r Triaged> + '_ {
        self.runs(account).iter().flat_map(|run| run.iter())
    }
}

/// An account's alerts in the order of the cut (most severe first, then by rule), as far as a
/// run holds them; the rest are only counted.
struct Alerts<'a> {
    /// The first [`MAX_RESULTS_PER_RUN`].
    head: Vec<Alert<'a>>,
    /// The alerts after `head`, by rule and severity.
    beyond: BTreeMap<(&'a str, Severity), usize>,
}

impl Alerts<'_> {
    fn len(&self) -> usize {
        self.head.len() + self.beyond.values().sum::<usize>()
    }

    /// What is left out when only the first `written` alerts are written.
    fn left_out(&self, written: usize) -> BTreeMap<(String, Severity), usize> {
        let mut left_out: BTreeMap<(String, Severity), usize> = BTreeMap::new();
        let unwritten = self.head[written.min(self.head.len())..]
            .iter()
            .map(|a| ((a.rule_id(), a.severity), 1));
        for ((rule, severity), n) in unwritten.chain(self.beyond.iter().map(|(k, n)| (*k, *n))) {
            *left_out.entry((rule.to_string(), severity)).or_insert(0) += n;
        }
        left_out
    }
}

/// An account's failing, unmuted findings as alerts, most severe first (the order of the cut),
/// from its results as runs of one rule.
fn alerts<'a>(runs: &[&'a [Triaged]]) -> Alerts<'a> {
    // Alerts never group across rules, so each rule's results are grouped on their own, on
    // every core: reading every result, splitting ARNs and grouping on one core was a long
    // stretch in which the other core waited (perf). Results come by rule, so a rule's are
    // usually one run; a report in any other order still groups right, only in more runs.
    let mut runs_of: BTreeMap<&str, Vec<&[Triaged]>> = BTreeMap::new();
    for run in runs {
        runs_of.entry(&run[0].rule.id).or_default().push(run);
    }
    let rules: Vec<Vec<&[Triaged]>> = runs_of.into_values().collect();
    let by_rule = crate::cores::map(&rules, 1, |_, runs| rule_alerts(runs));
    // Each severity in turn, every rule's alerts of it in rule order. Only what a run can hold
    // is gathered: copying every alert of a large account into one list was a fifth of
    // writing its SARIF, most of it faulting in fresh memory (perf).
    let mut rules: Vec<_> = by_rule
        .into_iter()
        .map(|a| a.into_iter().peekable())
        .collect();
    let mut out = Alerts {
        head: Vec::with_capacity(
            rules
                .iter()
                .map(|a| a.len())
                .sum::<usize>()
                .min(MAX_RESULTS_PER_RUN),
        ),
        beyond: BTreeMap::new(),
    };
    for severity in Severity::ALL {
        for rule in &mut rules {
            while let Some(alert) = rule.next_if(|a| a.severity == severity) {
                if out.head.len() < MAX_RESULTS_PER_RUN {
                    out.head.push(alert);
                    continue;
                }
                // The rest of the rule's alerts of this severity are counted at once: an entry
                // looked up per alert was most of this loop for a large account (perf).
                let more = std::iter::from_fn(|| rule.next_if(|a| a.severity == severity)).count();
                *out.beyond.entry((alert.rule_id(), severity)).or_insert(0) += 1 + more;
            }
        }
    }
    out
}

/// One rule's alerts in an account, from its results there: most severe first, each severity
/// by region and ARN.
fn rule_alerts<'a>(runs: &[&'a [Triaged]]) -> Vec<Alert<'a>> {
    let mut singles = Vec::new();
    let mut groups: Vec<Alert> = Vec::new();
    // Keyed by texts every failing result brings: the standard SipHash showed in the profile.
    let mut group_at: HashMap<(&str, &str), usize, foldhash::fast::RandomState> =
        HashMap::default();
    let failing = (runs.iter().flat_map(|run| run.iter()))
        .filter(|f| f.status == Status::Fail && f.muted.is_none());
    for f in failing {
        let alert = Alert {
            severity: f.severity,
            parent: parent_of(f),
            first: f,
            others: Vec::new(),
        };
        let Some(key) = alert.group_key() else {
            singles.push(alert);
            continue;
        };
        // Results come by region and resource, so a group's members follow each other: the
        // last group is tried first, then a hash map (a search of an ordered map per member
        // was a quarter of grouping, perf).
        let at = match groups.last() {
            Some(last) if last.group_key() == Some(key) => Some(groups.len() - 1),
            _ => group_at.get(&key).copied(),
        };
        match at {
            Some(i) => {
                let g = &mut groups[i];
                g.severity = g.severity.max(f.severity);
                g.others.push(f);
            }
            None => {
                group_at.insert(key, groups.len());
                groups.push(alert);
            }
        }
    }
    singles.extend(groups);
    // Singles and groups are each in region and resource order: within a severity, two runs
    // a stable sort merges in one pass.
    singles.sort_by(|a, b| {
        (b.severity.cmp(&a.severity))
            .then_with(|| a.first.place.region.cmp(&b.first.place.region))
            .then_with(|| a.arn().cmp(b.arn()))
    });
    singles
}

/// A result's location: the resource's synthetic path at line 1, with its ARN and label as
/// the logical location; related locations also carry an id and a message.
struct ResultLocation<'x> {
    id: Option<usize>,
    uri: &'x str,
    arn: &'x str,
    label: &'x str,
    message: Option<&'x str>,
}

impl<'x> ResultLocation<'x> {
    fn of(uri: &'x str, arn: &'x str, label: &'x str) -> Self {
        ResultLocation {
            id: None,
            uri,
            arn,
            label,
            message: None,
        }
    }

    /// As compact JSON, members by name as serde-sarif writes them.
    fn write(&self, out: &mut Vec<u8>) -> io::Result<()> {
        out.push(b'{');
        if let Some(id) = self.id {
            write!(out, "\"id\":{id},")?;
        }
        out.extend_from_slice(b"\"logicalLocations\":[{\"fullyQualifiedName\":");
        string(out, self.arn)?;
        out.extend_from_slice(b",\"kind\":\"resource\",\"name\":");
        string(out, self.label)?;
        out.extend_from_slice(b"}],");
        if let Some(text) = self.message {
            out.extend_from_slice(b"\"message\":{\"text\":");
            string(out, text)?;
            out.extend_from_slice(b"},");
        }
        out.extend_from_slice(b"\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
        string(out, self.uri)?;
        out.extend_from_slice(b"},\"region\":{\"startLine\":1}}}");
        Ok(())
    }
}

/// One alert as a SARIF result. The first sentence of a result message is shown alone where
/// space is short, so the resource goes first. `rule_index` is `None` for a rule this build
/// does not know (a converted older report).
struct AlertResult<'r, 'a> {
    alert: &'r Alert<'a>,
    rule_index: Option<usize>,
}

impl AlertResult<'_, '_> {
    /// `parent_label` is that of the group's parent, for a group.
    fn message(&self, parent_label: Option<&str>) -> String {
        let (alert, first) = (self.alert, self.alert.first);
        let Some(label) = parent_label else {
            return format!(
                "{}: {}.",
                first.resource.label,
                first.message.trim_end_matches('.')
            );
        };
        let short = |f: &Triaged| {
            f.resource
                .label
                .strip_prefix(label)
                .map_or(f.resource.label.as_str(), str::trim)
                .to_string()
        };
        let named: Vec<String> = alert.members().take(5).map(short).collect();
        let more = alert.len().saturating_sub(named.len());
        let n = alert.len();
        let kind = match (first.resource.arn.contains("/routes/"), n) {
            (true, 1) => "route fails",
            (true, _) => "routes fail",
            (false, 1) => "method fails",
            (false, _) => "methods fail",
        };
        format!(
            "{label}: {n} {kind} this check ({}{}). {}.",
            named.join(", "),
            if more > 0 {
                format!(", and {more} more")
            } else {
                String::new()
            },
            first.message.trim_end_matches('.')
        )
    }

    /// The result as compact JSON added to `out`, members by name as serde-sarif writes them
    /// (held to it by a test). Written by hand: building serde-sarif's objects, then serde's
    /// escaping a byte at a time, were most of writing a large run (perf).
    fn write(&self, out: &mut Vec<u8>) -> io::Result<()> {
        let (alert, first) = (self.alert, self.alert.first);
        out.push(b'{');
        // Only set when the scan was compared with a baseline: an alert is new when any of its
        // members is.
        let mut states = alert.members().filter_map(|f| f.baseline).peekable();
        if states.peek().is_some() {
            let new = states.any(|b| b == BaselineState::New);
            let state = if new { "new" } else { "unchanged" };
            write!(out, "\"baselineState\":\"{state}\",")?;
        }
        write!(out, "\"level\":\"{}\",", level_name(alert.severity))?;
        let parent = alert.parent_parts();
        let location = match parent {
            None => ResultLocation::of(
                &first.resource.path,
                &first.resource.arn,
                &first.resource.label,
            ),
            Some((arn, path, label)) => ResultLocation::of(path, arn, label),
        };
        out.extend_from_slice(b"\"locations\":[");
        location.write(out)?;
        out.extend_from_slice(b"],\"message\":{\"text\":");
        string(out, &self.message(parent.map(|(_, _, label)| label)))?;
        out.extend_from_slice(b"},\"partialFingerprints\":{\"primaryLocationLineHash\":");
        string(out, &alert.fingerprint())?;
        out.extend_from_slice(b"},\"properties\":");
        write_properties(alert, out)?;
        if alert.parent.is_some() {
            out.extend_from_slice(b",\"relatedLocations\":[");
            for (i, f) in (alert.members().take(MAX_RELATED_LOCATIONS)).enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                ResultLocation {
                    id: Some(i),
                    message: Some(&f.message),
                    ..ResultLocation::of(&f.resource.path, &f.resource.arn, &f.resource.label)
                }
                .write(out)?;
            }
            out.push(b']');
        }
        out.extend_from_slice(b",\"ruleId\":");
        string(out, alert.rule_id())?;
        if let Some(i) = self.rule_index {
            write!(out, ",\"ruleIndex\":{i}")?;
        }
        out.push(b'}');
        Ok(())
    }
}

/// A result's properties, by name.
fn write_properties(alert: &Alert, out: &mut Vec<u8>) -> io::Result<()> {
    let first = alert.first;
    out.extend_from_slice(b"{\"account\":");
    string(out, &first.place.account_id)?;
    if let Some(c) = alert.members().find_map(|f| f.carried_forward.as_ref()) {
        // Not evaluated in this scan: kept from the baseline so that its alert stays open.
        // As a JSON value, whose members are sorted by name.
        out.extend_from_slice(b",\"carriedForward\":");
        serde_json::to_writer(&mut *out, &serde_json::to_value(c)?)?;
    }
    match alert.parent {
        Some(_) => write!(out, ",\"failing\":{}", alert.len())?,
        // Compact JSON with sorted members, as a JSON value writes it.
        None => {
            out.extend_from_slice(b",\"evidence\":");
            first.evidence.write_json(out)?;
        }
    }
    out.extend_from_slice(b",\"region\":");
    string(out, &first.place.region)?;
    write!(out, ",\"severity\":\"{}\"}}", alert.severity.as_str())?;
    Ok(())
}

/// The accounts of a report: the scanned ones, and any other its results name (carried
/// forward from a baseline), sorted. An account that was not scanned and has no result gets no
/// run: an empty run would close all of its alerts.
pub fn accounts(report: &ScanReport) -> Vec<String> {
    // Results come by rule and account, so each run of one account is added once (a set
    // insert per result was a serial stretch of every SARIF write, perf).
    let mut all: BTreeSet<&str> = (report.results)
        .runs(|a, b| a.same_account(b))
        .map(|run| &*run[0].place.account_id)
        .collect();
    all.extend(
        report
            .scan
            .accounts
            .iter()
            .filter(|a| a.status.was_scanned())
            .map(|a| a.account_id.as_str()),
    );
    if report.scan.accounts.is_empty() && !report.scan.account_id.is_empty() {
        all.insert(&report.scan.account_id);
    }
    all.into_iter().map(str::to_string).collect()
}

/// The run's `automationDetails.id`: GitHub treats uploads with the same category as one
/// analysis and closes alerts missing from the newest upload, so distinct accounts get
/// distinct categories. A `--sarif-category` names the run of a one-account file as given,
/// and is the prefix of each account's category when a file holds several.
pub fn automation_id(account: &str, category: Category) -> String {
    // The run of no account never takes a one-account file's category (`<name>/`), which it
    // would close: it always gets a segment of its own.
    let (account, category) = if account.is_empty() {
        (
            NO_ACCOUNT,
            Category {
                per_account: true,
                ..category
            },
        )
    } else {
        (account, category)
    };
    match category {
        Category {
            name: Some(c),
            per_account: true,
        } => {
            format!("{}/{account}/", c.trim_end_matches('/'))
        }
        Category {
            name: Some(c),
            per_account: false,
        } => format!("{}/", c.trim_end_matches('/')),
        Category { name: None, .. } => format!("gwaudit/{account}/"),
    }
}

/// The category segment of the run written when a scan covered no account.
const NO_ACCOUNT: &str = "no-accounts";

/// `--sarif-category`, and whether each account's run gets its own category under it (a file
/// of several accounts, or one file per account).
#[derive(Debug, Clone, Copy)]
pub struct Category<'a> {
    pub name: Option<&'a str>,
    pub per_account: bool,
}

/// What did not fit in one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    pub account: String,
    pub written: usize,
    /// Left out, by rule and severity.
    pub left_out: BTreeMap<(String, Severity), usize>,
}

impl Cut {
    pub fn count(&self) -> usize {
        self.left_out.values().sum()
    }

    pub fn describe(&self) -> String {
        let mut left: Vec<_> = self.left_out.iter().collect();
        left.sort_by(|((ra, sa), _), ((rb, sb), _)| sb.cmp(sa).then_with(|| ra.cmp(rb)));
        let parts: Vec<String> = left
            .iter()
            .map(|((rule, sev), n)| format!("{rule} ({sev}) {n}"))
            .collect();
        format!(
            "{} results of account {} were left out of this SARIF run to stay within GitHub code \
             scanning's limits ({MAX_RESULTS_PER_RUN} results per run, {} MB gzipped per file; \
             the least severe go first): {}. Their alerts may be closed by this upload; the JSON report \
             has every result, and --output-to sarif=DIR/ gives each account its own file",
            self.count(),
            self.account,
            MAX_GZIPPED_BYTES / 1_000_000,
            parts.join(", ")
        )
    }
}

/// Why `accounts` accounts cannot share one file, if they cannot: checked before any file is
/// created, and again by the writer.
pub fn too_many_runs(accounts: usize) -> Option<String> {
    (accounts > MAX_RUNS_PER_FILE).then(|| {
        format!(
            "{accounts} accounts do not fit one SARIF file: GitHub code scanning accepts at most \
             {MAX_RUNS_PER_FILE} runs (one per account) per file. Write one file per account \
             with --output-to sarif=DIR/"
        )
    })
}

/// One SARIF document holding one run per account in `accounts`. Errors when a file would hold
/// more runs than GitHub accepts.
pub fn write(
    report: &ScanReport,
    accounts: &[String],
    category: Category,
    w: &mut dyn Write,
) -> io::Result<Vec<Cut>> {
    // Before the rules' description is built for nothing.
    fits_one_file(accounts)?;
    write_from(&Prepared::of(report)?, accounts, category, w)
}

fn fits_one_file(accounts: &[String]) -> io::Result<()> {
    match too_many_runs(accounts.len()) {
        Some(why) => Err(io::Error::new(io::ErrorKind::InvalidInput, why)),
        None => Ok(()),
    }
}

/// [`write`], from what every file of the report shares, prepared once: for a file per account.
pub fn write_from(
    prepared: &Prepared,
    accounts: &[String],
    category: Category,
    w: &mut dyn Write,
) -> io::Result<Vec<Cut>> {
    fits_one_file(accounts)?;
    let meter = Rc::new(Meter {
        streamed: Cell::new(0),
        measured: Cell::new(0),
        streaming: Cell::new(true),
    });
    let sink = Sink {
        out: RefCell::new(io::BufWriter::new(w)),
        gz: RefCell::new(io::BufWriter::new(flate2::write::GzEncoder::new(
            Counter(meter.clone()),
            METER_LEVEL,
        ))),
        meter: meter.clone(),
        failed: RefCell::new(None),
    };
    let doc = Document {
        prepared,
        accounts,
        category,
        meter,
        raw: &sink,
        cuts: RefCell::new(Vec::new()),
    };
    if let Err(e) = serde_json::to_writer_pretty(Tee(&sink), &doc) {
        return Err(sink.failed.take().unwrap_or_else(|| e.into()));
    }
    sink.write_raw(b"\n")?;
    let cuts = doc.cuts.take();
    let Sink { out, gz, meter, .. } = sink;
    out.into_inner().flush()?;
    gz.into_inner()
        .into_inner()
        .map_err(|e| e.into_error())?
        .finish()?;
    let total = meter.compressed();
    if total > MAX_GZIPPED_BYTES {
        // The shares leave room for everything measured; this is the guard, not the plan.
        return Err(io::Error::other(format!(
            "the SARIF file is {total} bytes gzipped, over GitHub's {MAX_GZIPPED_BYTES}: write \
             one file per account with --output-to sarif=DIR/"
        )));
    }
    Ok(cuts)
}

/// The whole document for one account or a one-account report; tests and `convert` use it.
pub fn render(report: &ScanReport, category: Option<&str>) -> String {
    let accounts = accounts(report);
    let category = Category {
        name: category,
        per_account: accounts.len() > 1,
    };
    let mut out = Vec::new();
    write(report, &accounts, category, &mut out).expect("writing to memory cannot fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// The file's output and, while the meter is streaming, its compressor (at `METER_LEVEL`,
/// into a byte counter). The serializer writes here through a [`Tee`], and the results are
/// written here directly ([`RawOut`]), so what is metered is exactly what was written while the
/// meter streamed.
struct Sink<'w> {
    out: RefCell<io::BufWriter<&'w mut dyn Write>>,
    gz: RefCell<io::BufWriter<flate2::write::GzEncoder<Counter>>>,
    meter: Rc<Meter>,
    /// The first error writing: the serializer passes on a text written by hand failing only
    /// as its own error, without the kind (a closed pipe).
    failed: RefCell<Option<io::Error>>,
}

/// Text written into the document between what the serializer writes: the results, made as
/// JSON text by hand on every core.
trait RawOut {
    fn write_raw(&self, text: &[u8]) -> io::Result<()>;
}

impl RawOut for Sink<'_> {
    fn write_raw(&self, text: &[u8]) -> io::Result<()> {
        let written = (self.out.borrow_mut().write_all(text)).and_then(|()| {
            match self.meter.streaming.get() {
                true => self.gz.borrow_mut().write_all(text),
                false => Ok(()),
            }
        });
        written.inspect_err(|e| {
            let mut failed = self.failed.borrow_mut();
            failed.get_or_insert_with(|| io::Error::new(e.kind(), e.to_string()));
        })
    }
}

/// The serializer's writer.
struct Tee<'s, 'w>(&'s Sink<'w>);

impl Write for Tee<'_, '_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write_raw(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.0.out.borrow_mut().flush()
    }
}

/// The file's size gzipped, as far as it is written: what the file's compressor put out for
/// the text it streamed, plus the parts measured on their own (blocks of results, compressed on
/// the cores that made them, since compressing every result on the writing thread kept the
/// other core idle, perf; and the rules' description, measured once for every run). Each is
/// the size of a gzip member of its text, and gzip members concatenated are a valid gzip file
/// (as pigz writes them). A part compresses without what came before it, never better than it
/// would in the stream, so the sum errs on the large side of one gzip of the whole.
struct Meter {
    streamed: Cell<u64>,
    measured: Cell<u64>,
    /// Off while a part measured on its own is written.
    streaming: Cell<bool>,
}

impl Meter {
    /// Lags by what the compressor and its buffer still hold.
    fn compressed(&self) -> u64 {
        self.streamed.get() + self.measured.get()
    }

    fn add_measured(&self, gzipped: u64) {
        self.measured.set(self.measured.get() + gzipped);
    }
}

struct Counter(Rc<Meter>);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let streamed = &self.0.streamed;
        streamed.set(streamed.get() + buf.len() as u64);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The document, serialized run by run and result by result: a large account's results are
/// never held as SARIF objects all at once.
struct Document<'a> {
    prepared: &'a Prepared<'a>,
    accounts: &'a [String],
    category: Category<'a>,
    meter: Rc<Meter>,
    raw: &'a dyn RawOut,
    cuts: RefCell<Vec<Cut>>,
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("$schema", SCHEMA)?;
        map.serialize_entry("version", "2.1.0")?;
        map.serialize_entry("runs", &Runs(self))?;
        map.end()
    }
}

struct Runs<'d, 'a>(&'d Document<'a>);

impl Serialize for Runs<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let doc = self.0;
        // GitHub refuses a file without runs ("1 item required"): a scan of no account (an
        // empty shard) still writes one run, with no results and a category of its own that
        // closes no account's alerts.
        let no_account = [String::new()];
        let accounts = if doc.accounts.is_empty() {
            &no_account[..]
        } else {
            doc.accounts
        };
        let runs: Vec<AccountRun> = accounts
            .iter()
            .map(|account| AccountRun::new(doc, account))
            .collect::<serde_json::Result<_>>()
            .map_err(serde::ser::Error::custom)?;
        // Every run's share of what the limit leaves after all runs' rules and notifications,
        // so a large account cannot crowd the critical alerts of the next one out of the file.
        let mut gauge = Gauge::default();
        let fixed: u64 = (runs.iter()).map(|run| run.fixed_size(&mut gauge)).sum();
        let share = MAX_GZIPPED_BYTES
            .saturating_sub(GZIP_MARGIN + fixed + CUT_NOTE_ALLOWANCE * runs.len() as u64)
            / runs.len().max(1) as u64;
        let mut seq = s.serialize_seq(Some(runs.len()))?;
        for mut run in runs {
            run.budget = share;
            seq.serialize_element(&run)?;
        }
        seq.end()
    }
}

struct AccountRun<'d, 'a> {
    doc: &'d Document<'a>,
    account: &'d str,
    /// Compressed bytes this run's results may take.
    budget: u64,
    /// Built once: measured for the budget, then written.
    head: Value,
    /// The notifications but a cut's note, likewise.
    notes: Vec<Notification>,
}

impl<'d, 'a> AccountRun<'d, 'a> {
    fn new(doc: &'d Document<'a>, account: &'d str) -> serde_json::Result<Self> {
        let mut run = AccountRun {
            doc,
            account,
            budget: 0,
            head: Value::Null,
            notes: Vec::new(),
        };
        run.head = run.head()?;
        run.notes = run.notifications();
        Ok(run)
    }

    fn regions(&self) -> Vec<String> {
        let report = self.doc.prepared.report;
        if let Some(a) = report
            .scan
            .accounts
            .iter()
            .find(|a| a.account_id == *self.account)
        {
            return a.regions.iter().map(|r| r.region.clone()).collect();
        }
        let seen: BTreeSet<&str> = (self.doc.prepared.results(self.account))
            .map(|f| &*f.place.region)
            .collect();
        seen.into_iter().map(str::to_string).collect()
    }

    /// Everything before the results but the tool, which every run shares (`Prepared`); a
    /// run's members are written in name order, the tool last of these.
    fn head(&self) -> serde_json::Result<Value> {
        let report = self.doc.prepared.report;
        let properties = bag(
            None,
            BTreeMap::from([
                (
                    "account".to_string(),
                    json!((!self.account.is_empty()).then_some(self.account)),
                ),
                ("regions".to_string(), json!(self.regions())),
                ("complete".to_string(), json!(report.scan.complete)),
            ]),
        );
        let automation = RunAutomationDetails::builder()
            .id(automation_id(self.account, self.doc.category))
            .build();
        Ok(json!({
            "automationDetails": serde_json::to_value(automation)?,
            "columnKind": "utf16CodeUnits",
            "properties": serde_json::to_value(properties)?,
        }))
    }

    /// Compressed size of everything in the run but its results and a cut's note: the tool as
    /// measured once, and the rest (the head and the notifications) measured with `gauge`.
    fn fixed_size(&self, gauge: &mut Gauge) -> u64 {
        let rest = serde_json::to_vec_pretty(&(&self.head, &self.notes));
        let rest = rest
            .map_err(io::Error::from)
            .and_then(|text| gauge.gzipped([&text[..]].into_iter()));
        let tool = self.doc.prepared.tool.get().map(|t| t.gzipped);
        tool.unwrap_or(MAX_GZIPPED_BYTES) + rest.unwrap_or(MAX_GZIPPED_BYTES)
    }

    /// The unknowns, by rule and cause, and the collection errors.
    fn notifications(&self) -> Vec<Notification> {
        let report = self.doc.prepared.report;
        let mut out = Vec::new();
        // One notification per rule and cause: an account with thousands of unknowns would
        // otherwise spend the file's size on them.
        // The first of each and how many: the unknowns of a large account are tens of
        // thousands, counted on the writing thread.
        let mut unknown: BTreeMap<(&str, UnknownCause), (&Triaged, usize)> = BTreeMap::new();
        for f in (self.doc.prepared.results(self.account)).filter(|f| f.status == Status::Unknown) {
            let cause = f.unknown_cause.unwrap_or(UnknownCause::NotCollected);
            unknown.entry((&f.rule.id, cause)).or_insert((f, 0)).1 += 1;
        }
        for ((rule, cause), (f, n)) in unknown {
            out.push(warning(if n == 1 {
                format!(
                    "{rule} could not be evaluated for {} ({}): {}.",
                    f.resource.label,
                    cause.describe(),
                    f.message.trim_end_matches('.')
                )
            } else {
                format!(
                    "{rule} could not be evaluated for {} resources ({}), among them {}: {}. \
                     The JSON report lists them all.",
                    n,
                    cause.describe(),
                    f.resource.label,
                    f.message.trim_end_matches('.')
                )
            }));
        }
        {
            let errors: Vec<_> = report
                .scan
                .collection_errors
                .iter()
                .filter(|e| e.account_id.as_deref() == Some(self.account))
                .collect();
            out.extend(errors.iter().take(MAX_ERROR_NOTIFICATIONS).map(|e| {
                let cause = match e.cause() {
                    UnknownCause::NotCollected => "Not collected",
                    UnknownCause::NotDeterminable => "Not determinable",
                };
                warning(format!("{cause}: {}.", e.reason()))
            }));
            if errors.len() > MAX_ERROR_NOTIFICATIONS {
                out.push(warning(format!(
                    "{} more collection errors; the JSON report lists them all.",
                    errors.len() - MAX_ERROR_NOTIFICATIONS
                )));
            }
        }
        out
    }
}

impl Serialize for AccountRun<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let shared = self.doc.prepared;
        let mut map = s.serialize_map(None)?;
        if let Value::Object(fields) = &self.head {
            // A run's members go in name order, and the tool is written after these.
            debug_assert!(fields.keys().all(|k| k.as_str() < "tool"), "{fields:?}");
            for (k, v) in fields {
                map.serialize_entry(k, v)?;
            }
        }
        // Written unmetered: its size gzipped was measured once for every run.
        let described = shared.tool.get().map_err(serde::ser::Error::custom)?;
        let meter = &self.doc.meter;
        meter.streaming.set(false);
        let tool = map.serialize_entry("tool", &described.tool);
        meter.streaming.set(true);
        tool?;
        meter.add_measured(described.gzipped);
        let alerts = alerts(self.doc.prepared.runs(self.account));
        let written = Cell::new(0);
        map.serialize_entry(
            "results",
            &RunResults {
                budget: self.budget,
                alerts: &alerts,
                index: &shared.rule_index,
                meter: &self.doc.meter,
                raw: self.doc.raw,
                written: &written,
            },
        )?;
        let cut = (written.get() < alerts.len()).then(|| Cut {
            account: self.account.to_string(),
            written: written.get(),
            left_out: alerts.left_out(written.get()),
        });
        map.serialize_entry(
            "invocations",
            &[invocation(
                (cut.iter()
                    .map(|cut| warning(format!("{}.", cut.describe()))))
                .chain(self.notes.iter().cloned())
                .collect(),
            )],
        )?;
        if let Some(cut) = cut {
            self.doc.cuts.borrow_mut().push(cut);
        }
        map.end()
    }
}

struct RunResults<'r, 'a> {
    /// This run's share of the compressed size, for its results.
    budget: u64,
    alerts: &'r Alerts<'a>,
    index: &'r BTreeMap<&'r str, usize>,
    meter: &'r Meter,
    raw: &'r dyn RawOut,
    written: &'r Cell<usize>,
}

/// A block of results as compact text, one after the other, with its size gzipped on its own.
#[derive(Default)]
struct ResultBlock {
    text: Vec<u8>,
    /// Where each result's text ends.
    ends: Vec<usize>,
    gzipped: u64,
    gauge: Gauge,
}

impl ResultBlock {
    fn results(&self) -> impl Iterator<Item = &[u8]> {
        split_at_ends(&self.text, &self.ends)
    }
}

fn split_at_ends<'t>(text: &'t [u8], ends: &'t [usize]) -> impl Iterator<Item = &'t [u8]> {
    let starts = std::iter::once(0).chain(ends.iter().copied());
    starts.zip(ends).map(|(start, &end)| &text[start..end])
}

/// What the pretty serializer writes before a result of a run: the first is on a line of its
/// own, and the others follow a comma. The results are written as text between the
/// serializer's `[` and `]`, so they are indented here as it indents the members of a run's
/// `results`.
const BEFORE_FIRST_RESULT: &[u8] = b"\n        ";
const BETWEEN_RESULTS: &[u8] = b",\n        ";
/// After the last result, before the serializer's `]`: it writes a line break before `]` only
/// after members it wrote itself.
const AFTER_RESULTS: &[u8] = b"\n      ";

/// Measures text gzipped on its own, at the file meter's level, as one gzip member: deflate's
/// output and gzip's 18 bytes of header and trailer. One deflater, reset for each block.
#[derive(Default)]
struct Gauge {
    deflate: Option<flate2::Compress>,
    out: Vec<u8>,
}

impl Gauge {
    fn gzipped<'t>(&mut self, pieces: impl Iterator<Item = &'t [u8]>) -> io::Result<u64> {
        use flate2::{Compress, FlushCompress, Status};
        let deflate = (self.deflate).get_or_insert_with(|| Compress::new(METER_LEVEL, false));
        deflate.reset();
        self.out.resize(64 * 1024, 0);
        let mut feed = |mut input: &[u8], flush: FlushCompress| -> io::Result<()> {
            loop {
                let (read, made) = (deflate.total_in(), deflate.total_out());
                let status = deflate
                    .compress(input, &mut self.out, flush)
                    .map_err(io::Error::other)?;
                input = &input[(deflate.total_in() - read) as usize..];
                let done = match flush {
                    FlushCompress::Finish => status == Status::StreamEnd,
                    _ => input.is_empty(),
                };
                if done {
                    return Ok(());
                }
                // The output has room for more, so a call that moves nothing never will.
                if (deflate.total_in(), deflate.total_out()) == (read, made) {
                    return Err(io::Error::other("the deflater made no progress"));
                }
            }
        };
        for piece in pieces {
            feed(piece, FlushCompress::None)?;
        }
        feed(&[], FlushCompress::Finish)?;
        Ok(deflate.total_out() + 18)
    }
}

/// Results built and serialized per block on every core; the budget is then checked and
/// the text written in order.
const BLOCK: usize = 512;

impl Serialize for RunResults<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let seq = s.serialize_seq(None)?;
        let meter = self.meter;
        let start = meter.compressed();
        let alerts = &self.alerts.head[..];
        let index = self.index;
        let mut failed = None;
        let made: io::Result<()> = crate::cores::in_order(
            alerts,
            BLOCK,
            // Each result once, as compact text: building them was most of writing a large run
            // and is independent per result (perf).
            |block, made: &mut ResultBlock| {
                made.text.clear();
                made.ends.clear();
                for a in block {
                    let rule_index = index.get(a.rule_id()).copied();
                    AlertResult {
                        alert: a,
                        rule_index,
                    }
                    .write(&mut made.text)?;
                    made.ends.push(made.text.len());
                }
                let written = split_at_ends(&made.text, &made.ends);
                let written = written.flat_map(|t| [t, BETWEEN_RESULTS]);
                made.gzipped = made.gauge.gzipped(written)?;
                Ok(())
            },
            |made| {
                let used = || meter.compressed() - start + GZIP_MARGIN / 2;
                // A block that fits whole is written unmetered and counted as measured; the
                // block at the edge of the share is metered result by result.
                let whole = used().saturating_add(made.gzipped) <= self.budget;
                meter.streaming.set(!whole);
                for text in made.results() {
                    // Compressed, a result takes at most about its plain size: it fits if that
                    // much is left of the run's share after what the compressor may still hold.
                    if !whole && used().saturating_add(text.len() as u64) > self.budget {
                        return false;
                    }
                    let before = match self.written.get() {
                        0 => BEFORE_FIRST_RESULT,
                        _ => BETWEEN_RESULTS,
                    };
                    if let Err(e) =
                        (self.raw.write_raw(before)).and_then(|()| self.raw.write_raw(text))
                    {
                        failed = Some(e);
                        break;
                    }
                    self.written.set(self.written.get() + 1);
                }
                meter.streaming.set(true);
                if whole {
                    meter.add_measured(made.gzipped);
                }
                failed.is_none()
            },
        );
        made.map_err(serde::ser::Error::custom)?;
        if let Some(e) = failed {
            return Err(serde::ser::Error::custom(e));
        }
        if self.written.get() > 0 {
            self.raw
                .write_raw(AFTER_RESULTS)
                .map_err(serde::ser::Error::custom)?;
        }
        seq.end()
    }
}

/// The SARIF results as serde-sarif's types wrote them, before they were written field by
/// field: the reference the hand-written results are held to.
#[cfg(test)]
mod serde_sarif_reference {
    use std::collections::BTreeMap;

    use serde_json::json;
    use serde_sarif::sarif::{
        ArtifactLocation, Location, LogicalLocation, PhysicalLocation, Region,
        Result as SarifResult,
    };

    use super::{bag, level, text, Alert, MAX_RELATED_LOCATIONS};
    use crate::triage::BaselineState;

    fn location(uri: &str, arn: &str, label: &str) -> Location {
        Location {
            physical_location: Some(PhysicalLocation {
                artifact_location: Some(ArtifactLocation {
                    uri: Some(uri.to_string()),
                    ..Default::default()
                }),
                region: Some(Region {
                    start_line: Some(1),
                    ..Default::default()
                }),
                ..Default::default()
            }),
            logical_locations: Some(vec![LogicalLocation {
                fully_qualified_name: Some(arn.to_string()),
                name: Some(label.to_string()),
                kind: Some("resource".into()),
                ..Default::default()
            }]),
            ..Default::default()
        }
    }

    /// `rule_index` is `None` for a rule this build does not know (a converted older report).
    /// The message's wording is the writer's own (`AlertResult::message`): what is held to
    /// the reference is the result's shape, every key and value around it.
    pub(super) fn result(alert: &Alert, rule_index: Option<usize>) -> SarifResult {
        let first = alert.first;
        let label = alert.parent_parts().map(|(_, _, label)| label);
        let message = super::AlertResult { alert, rule_index }.message(label);
        let mut props = BTreeMap::new();
        props.insert("severity".into(), json!(alert.severity));
        props.insert("account".into(), json!(alert.first.place.account_id));
        props.insert("region".into(), json!(alert.first.place.region));
        let (location, related) = match alert.parent_parts() {
            None => {
                props.insert("evidence".into(), json!(first.evidence));
                let loc = location(
                    &first.resource.path,
                    &first.resource.arn,
                    &first.resource.label,
                );
                (loc, None)
            }
            Some((arn, path, label)) => {
                props.insert("failing".into(), json!(alert.len()));
                let related: Vec<Location> = alert
                    .members()
                    .take(MAX_RELATED_LOCATIONS)
                    .enumerate()
                    .map(|(i, f)| {
                        let mut l = location(&f.resource.path, &f.resource.arn, &f.resource.label);
                        l.id = Some(i as i64);
                        l.message = Some(text(f.message.to_string()));
                        l
                    })
                    .collect();
                (location(path, arn, label), Some(related))
            }
        };
        if let Some(c) = alert.members().find_map(|f| f.carried_forward.as_ref()) {
            // Not evaluated in this scan: kept from the baseline so that its alert stays open.
            props.insert("carriedForward".into(), json!(c));
        }
        let mut fingerprints = BTreeMap::new();
        fingerprints.insert("primaryLocationLineHash".to_string(), alert.fingerprint());
        let mut r = SarifResult::builder()
            .rule_id(alert.rule_id().to_string())
            .level(level(alert.severity))
            .message(text(message))
            .locations(vec![location])
            .partial_fingerprints(fingerprints)
            .properties(bag(None, props))
            .build();
        r.related_locations = related;
        r.rule_index = rule_index.map(|i| i as i64);
        // Only set when the scan was compared with a baseline: an alert is new when any of its
        // members is.
        let states: Vec<BaselineState> = alert.members().filter_map(|f| f.baseline).collect();
        if !states.is_empty() {
            r.baseline_state = Some(if states.contains(&BaselineState::New) {
                json!("new")
            } else {
                json!("unchanged")
            });
        }
        r
    }
}

#[cfg(test)]
mod tests {
    /// A block's measure is the size of a gzip member of its text at the file meter's level:
    /// raw deflate and gzip's 18 bytes (an empty text is deflate's 2-byte empty block and
    /// those), as the file's own compressor measures the same text within a few bytes (where
    /// deflate ends its blocks depends on how the input is handed to it); and the deflater is
    /// reset between blocks, so a text measures the same after others as with a fresh gauge.
    #[test]
    fn a_block_measures_what_gzip_makes_of_its_text() {
        use std::io::Write;
        let gzip = |text: &[u8]| {
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), super::METER_LEVEL);
            gz.write_all(text).unwrap();
            gz.finish().unwrap().len() as u64
        };
        let mut gauge = super::Gauge::default();
        assert_eq!(gauge.gzipped(std::iter::empty()).unwrap(), 20);
        assert_eq!(gzip(b""), 20);
        let repetitive = r#"{"ruleId":"GW101","message":{"text":"a method fails"}},"#.repeat(5000);
        // Text that hardly compresses, longer than the gauge's output buffer.
        let mut x = 1u64;
        let noise: String = (0..200_000)
            .map(|_| {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
                char::from(b'a' + (x >> 59) as u8)
            })
            .collect();
        assert!(gzip(noise.as_bytes()) > 100_000, "noise is noise");
        for text in [&repetitive, &noise, &repetitive] {
            let streamed = gzip(text.as_bytes());
            let measured = gauge.gzipped(std::iter::once(text.as_bytes())).unwrap();
            assert!(
                measured.abs_diff(streamed) <= 8,
                "{} bytes: {measured} against {streamed}",
                text.len()
            );
            // In pieces, as results and the text between them are handed over.
            let pieces = text.as_bytes().chunks(777);
            let in_pieces = gauge.gzipped(pieces).unwrap();
            assert!(
                in_pieces.abs_diff(streamed) <= 8,
                "{in_pieces} against {streamed}"
            );
            let fresh = (super::Gauge::default())
                .gzipped(std::iter::once(text.as_bytes()))
                .unwrap();
            assert_eq!(measured, fresh, "{} bytes, after other texts", text.len());
        }
    }

    /// A writer that fails part way (a closed pipe) ends the file with its error, whether it
    /// fails in the head or among results made on several cores.
    #[test]
    fn a_failing_writer_ends_the_file_with_its_error() {
        use std::io;
        let text = include_str!("../../reports/examples/demo.json");
        let mut report: super::ScanReport = serde_json::from_str(text).unwrap();
        let one = report.results.clone().into_vec();
        // Many failing results, each its own resource, so there are many blocks of alerts.
        report.results = (0..6 * super::BLOCK)
            .map(|i| {
                let mut r = one[i % one.len()].clone();
                let mut id = (*r.finding.resource).clone();
                id.arn = format!("{}-{i}", id.arn);
                r.finding.resource = crate::rules::ResourceRef::new(id);
                r.finding.status = crate::rules::Status::Fail;
                r
            })
            .collect();
        let accounts = super::accounts(&report);
        let category = Category {
            name: None,
            per_account: false,
        };
        let mut full = Vec::new();
        super::write(&report, &accounts, category, &mut full).unwrap();
        for allowed in [0, 100, full.len() / 3, full.len() / 2, full.len() - 10] {
            let err = super::write(
                &report,
                &accounts,
                category,
                &mut crate::report::FailsAfter(allowed),
            )
            .unwrap_err();
            assert_eq!(
                err.kind(),
                io::ErrorKind::BrokenPipe,
                "after {allowed} bytes"
            );
        }
    }

    #[test]
    fn the_run_of_no_account_never_takes_an_account_category() {
        for per_account in [false, true] {
            let named = Category {
                name: Some("prod"),
                per_account,
            };
            assert_eq!(automation_id("", named), "prod/no-accounts/");
            let default = Category {
                name: None,
                per_account,
            };
            assert_eq!(automation_id("", default), "gwaudit/no-accounts/");
        }
        // A one-account file keeps the name as given.
        let one = Category {
            name: Some("prod"),
            per_account: false,
        };
        assert_eq!(automation_id("111122223333", one), "prod/");
    }

    use super::{automation_id, parent_parts, Category};

    #[test]
    fn methods_and_routes_belong_to_their_api_or_stage_and_nothing_else_is_grouped() {
        let p = "aws/1/us-east-1/apigateway";
        assert_eq!(
            parent_parts(
                "arn:aws:apigateway:us-east-1::/restapis/a1/resources/r1/methods/GET",
                &format!("{p}/restapis/a1/resources/r1/methods/GET"),
                "shop (a1) GET /pets",
            ),
            Some((
                "arn:aws:apigateway:us-east-1::/restapis/a1",
                &*format!("{p}/restapis/a1"),
                "shop (a1)"
            ))
        );
        assert_eq!(
            parent_parts(
                "arn:aws:apigateway:us-east-1::/restapis/a1/stages/prod/resources/r1/methods/GET",
                &format!("{p}/restapis/a1/stages/prod/resources/r1/methods/GET"),
                "shop (a1) stage prod GET /pets",
            ),
            Some((
                "arn:aws:apigateway:us-east-1::/restapis/a1/stages/prod",
                &*format!("{p}/restapis/a1/stages/prod"),
                "shop (a1) stage prod"
            ))
        );
        assert_eq!(
            parent_parts(
                "arn:aws-cn:apigateway:cn-north-1::/restapis/a1/resources/r1/methods/GET",
                "aws/1/cn-north-1/apigateway/restapis/a1/resources/r1/methods/GET",
                "shop (a1) GET /pets",
            ),
            Some((
                "arn:aws-cn:apigateway:cn-north-1::/restapis/a1",
                "aws/1/cn-north-1/apigateway/restapis/a1",
                "shop (a1)"
            ))
        );
        assert_eq!(
            parent_parts(
                "arn:aws:apigateway:us-east-1::/apis/h1/routes/x9",
                &format!("{p}/apis/h1/routes/x9"),
                "chat (h1) route $connect",
            ),
            Some((
                "arn:aws:apigateway:us-east-1::/apis/h1",
                &*format!("{p}/apis/h1"),
                "chat (h1)"
            ))
        );
        for (arn, path) in [
            (
                "arn:aws:logs:us-east-1:1:log-group:/team/resources/x",
                "aws/1/us-east-1/logs/log-group/%2Fteam%2Fresources%2Fx",
            ),
            (
                "arn:aws:iam::1:role/routes/r",
                "aws/1/global/iam/role/routes%2Fr",
            ),
            (
                "arn:aws:apigateway:us-east-1::/restapis/a1/stages/prod",
                "aws/1/us-east-1/apigateway/restapis/a1/stages/prod",
            ),
            (
                "arn:aws:apigateway:us-east-1::/domainnames/resources/x",
                "aws/1/us-east-1/apigateway/domainnames/resources/x",
            ),
            // Another service's ARN that holds `:apigateway:` and a method's segments.
            (
                "arn:aws:logs:us-east-1:1:log-group:x:apigateway:us-east-1::/restapis/a1/resources/r1/methods/GET",
                "aws/1/us-east-1/apigateway/restapis/a1/resources/r1/methods/GET",
            ),
            (
                "arn:aws:apigateway:us-east-1:1:/restapis/a1/resources/r1/methods/GET",
                "aws/1/us-east-1/apigateway/restapis/a1/resources/r1/methods/GET",
            ),
        ] {
            assert_eq!(parent_parts(arn, path, "label"), None, "{arn}");
        }
    }

    /// Every kind of alert is written as serde-sarif's types wrote it, byte for byte: single
    /// resources, groups of methods and of routes, more members than are named or related,
    /// baseline states new, unchanged and mixed, carried forward, and an unknown rule.
    #[test]
    fn results_are_written_as_serde_sarif_wrote_them() {
        use super::{parent_of, Alert, AlertResult, MAX_RELATED_LOCATIONS};
        use crate::rules::{ResourceRef, Severity, Status};
        use crate::triage::{BaselineState, CarriedForward, Triaged};
        let text = include_str!("../../reports/examples/demo.json");
        let report: super::ScanReport = serde_json::from_str(text).unwrap();
        let all = report.results.into_vec();
        fn alert(members: &[Triaged]) -> Alert<'_> {
            Alert {
                severity: members.iter().map(|f| f.severity).max().unwrap(),
                parent: parent_of(&members[0]),
                first: &members[0],
                others: members[1..].iter().collect(),
            }
        }
        // `n` members of the API `api`: methods, or routes.
        let members = |n: usize, routes: bool, template: &Triaged| -> Vec<Triaged> {
            (0..n)
                .map(|i| {
                    let mut f = template.clone();
                    let mut id = (*f.finding.resource).clone();
                    let (kind, member) = if routes {
                        ("apis/api9", format!("routes/r{i}"))
                    } else {
                        ("restapis/api9", format!("resources/res{i}/methods/GET"))
                    };
                    id.arn = format!("arn:aws:apigateway:us-east-1::/{kind}/{member}");
                    id.path = format!("aws/123456789012/us-east-1/apigateway/{kind}/{member}");
                    id.label = format!("shop \"api\" (api9) GET /item/{i}");
                    f.finding.resource = ResourceRef::new(id);
                    f.finding.status = Status::Fail;
                    f.finding.severity = if i == 3 {
                        Severity::High
                    } else {
                        Severity::Low
                    };
                    f.finding.message = format!("member {i} fails.").into();
                    f.baseline = Some(if i % 2 == 0 {
                        BaselineState::Unchanged
                    } else {
                        BaselineState::New
                    });
                    f
                })
                .collect()
        };
        let template = all.iter().find(|f| f.status == Status::Fail).unwrap();
        let mut cases: Vec<Vec<Triaged>> = (all.iter())
            .filter(|f| f.status == Status::Fail)
            .map(|f| vec![f.clone()])
            .collect();
        cases.push(members(1, false, template));
        cases.push(members(7, false, template));
        cases.push(members(2, true, template));
        cases.push(members(MAX_RELATED_LOCATIONS + 3, true, template));
        let mut unchanged = members(4, false, template);
        for f in &mut unchanged {
            f.baseline = Some(BaselineState::Unchanged);
        }
        unchanged[2].carried_forward = Some(Box::new(CarriedForward {
            scanned_at: Some("2026-11-20T06:00:00Z".into()),
            because: "not evaluated: \"GetResources\" was denied".into(),
        }));
        cases.push(unchanged);
        let mut carried = template.clone();
        carried.carried_forward = unchanged_carried();
        carried.baseline = Some(BaselineState::New);
        cases.push(vec![carried]);
        let mut seen = String::new();
        for case in &cases {
            let a = alert(case);
            for rule_index in [Some(3), None] {
                let mut written = Vec::new();
                (AlertResult {
                    alert: &a,
                    rule_index,
                })
                .write(&mut written)
                .unwrap();
                let written = String::from_utf8(written).unwrap();
                let reference =
                    serde_json::to_string(&super::serde_sarif_reference::result(&a, rule_index));
                assert_eq!(written, reference.unwrap());
                seen.push_str(&written);
            }
        }
        // The cases reach what they are meant to.
        for part in [
            "\"evidence\":",
            "1 method fails",
            "7 methods fail",
            "2 routes fail",
            ", and 998 more",
            "\"baselineState\":\"new\"",
            "\"baselineState\":\"unchanged\"",
            "\"carriedForward\":",
            "\"ruleIndex\":3",
        ] {
            assert!(seen.contains(part), "{part}");
        }
        let related = format!("\"id\":{}", MAX_RELATED_LOCATIONS - 1);
        assert!(
            seen.contains(&related) && !seen.contains(&format!("\"id\":{MAX_RELATED_LOCATIONS}"))
        );
    }

    fn unchanged_carried() -> Option<Box<crate::triage::CarriedForward>> {
        Some(Box::new(crate::triage::CarriedForward {
            scanned_at: None,
            because: "account 123456789012 could not be scanned".into(),
        }))
    }
}
