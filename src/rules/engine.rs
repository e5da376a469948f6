use crate::model::{OrgSnapshot, RegionSnapshot, Snapshot, UnknownCause};

use std::sync::Arc;

use super::finding::{Evidence, Fingerprinter, Place, RuleInfo, Shared, Texts};
use super::registry::{self, LoadedRule};
use super::resource::ResourceCache;
use super::{Finding, RegionContext, ResourceRef, RuleMeta, RuleParams, Status};

/// A rule: its id, its embedded TOML metadata and its check, called once per region.
pub struct RuleDef {
    pub id: &'static str,
    pub metadata: &'static str,
    pub check: fn(&RegionContext, &mut Emitter),
}

/// What a rule says about a resource: text, or `format_args!(...)`, which is written into a
/// buffer the emitter keeps. Either way the emitter keeps one copy of each distinct text: a
/// rule says the same thing of many resources (the replicated 10,000-API snapshot's 252,547
/// messages hold 67,614 distinct texts per rule), and a copy per finding was a fifth of the
/// memory a large scan faults in while it evaluates (perf).
pub trait Message {
    fn with_text<R>(self, scratch: &mut String, f: impl FnOnce(&str) -> R) -> R;
}

impl Message for std::fmt::Arguments<'_> {
    fn with_text<R>(self, scratch: &mut String, f: impl FnOnce(&str) -> R) -> R {
        if let Some(text) = self.as_str() {
            return f(text);
        }
        scratch.clear();
        std::fmt::Write::write_fmt(scratch, self).expect("writing to a String cannot fail");
        f(scratch)
    }
}

impl Message for String {
    fn with_text<R>(self, _: &mut String, f: impl FnOnce(&str) -> R) -> R {
        f(&self)
    }
}

impl Message for &str {
    fn with_text<R>(self, _: &mut String, f: impl FnOnce(&str) -> R) -> R {
        f(self)
    }
}

impl Message for &String {
    fn with_text<R>(self, _: &mut String, f: impl FnOnce(&str) -> R) -> R {
        f(self)
    }
}

/// Spare vectors with room for more findings than this are not kept.
const SPARE_MAX: usize = 1 << 16;

thread_local! {
    /// The findings vector of this thread's last emitter, emptied, kept for the next one: a
    /// rule's findings grow one vector by reallocation, and copying and faulting in each larger
    /// one was 2% of a large scan (perf). It has room for as many findings as the largest rule
    /// in one region made on this thread, up to `SPARE_MAX` (6 MB).
    static SPARE: std::cell::RefCell<Vec<Finding>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Collects one rule's results in one region, filling in what every finding shares.
pub struct Emitter {
    severity: super::Severity,
    rule: Arc<RuleInfo>,
    place: Arc<Place>,
    findings: Vec<Finding>,
    scratch: String,
    messages: Shared,
    texts: Texts,
    fingerprints: Fingerprinter,
}

impl Emitter {
    /// For the findings of the rule `meta` describes, as `rule`, at `place`. The findings point
    /// to the emitter's own copies of both: a reference count shared by the emitters running on
    /// every core is one cache line every finding writes to.
    pub fn new(meta: &RuleMeta, rule: &RuleInfo, place: &Place) -> Self {
        Emitter {
            severity: meta.severity,
            fingerprints: Fingerprinter::new(&rule.id, &place.account_id, &place.region),
            rule: Arc::new(rule.clone()),
            place: Arc::new(place.clone()),
            findings: SPARE.take(),
            scratch: String::new(),
            messages: Shared::default(),
            texts: Texts::default(),
        }
    }

    fn push(
        &mut self,
        status: Status,
        resource: ResourceRef,
        message: impl Message,
    ) -> &mut Finding {
        let messages = &mut self.messages;
        let message = message.with_text(&mut self.scratch, |text| messages.get(text));
        // The rule is done with the finding before: its evidence is sealed now, so the memory
        // of its values is reused at once instead of held until the rule ends.
        if let Some(last) = self.findings.last_mut() {
            last.evidence.seal_sharing(&mut self.texts);
        }
        self.findings.push(Finding {
            rule: self.rule.clone(),
            severity: self.severity,
            status,
            unknown_cause: None,
            fingerprint: self.fingerprints.of(&resource.arn),
            resource,
            place: self.place.clone(),
            message,
            evidence: Evidence::default(),
        });
        self.findings.last_mut().expect("just pushed")
    }

    pub fn pass(&mut self, resource: ResourceRef, message: impl Message) -> &mut Finding {
        self.push(Status::Pass, resource, message)
    }

    pub fn fail(&mut self, resource: ResourceRef, message: impl Message) -> &mut Finding {
        self.push(Status::Fail, resource, message)
    }

    /// The data the rule needs was not collected; `reason` names the failed call. This is the
    /// default for a reason: when in doubt, an unknown withholds SARIF rather than letting code
    /// scanning close an alert.
    pub fn unknown(&mut self, resource: ResourceRef, reason: impl Message) -> &mut Finding {
        self.unknown_because(resource, reason, UnknownCause::NotCollected)
    }

    /// The AWS API cannot tell what the rule needs, however the scan is run; `reason` says
    /// what is missing.
    pub fn undeterminable(&mut self, resource: ResourceRef, reason: impl Message) -> &mut Finding {
        self.unknown_because(resource, reason, UnknownCause::NotDeterminable)
    }

    pub fn unknown_because(
        &mut self,
        resource: ResourceRef,
        reason: impl Message,
        cause: UnknownCause,
    ) -> &mut Finding {
        let f = self.push(Status::Unknown, resource, reason);
        f.unknown_cause = Some(cause);
        f
    }

    /// The findings, by resource, their evidence sealed, each made a `T` (a `Finding`, or a
    /// finding wrapped for triage) as it is copied out.
    pub fn into_findings<T: From<Finding>>(mut self) -> Vec<T> {
        // Only the last finding's evidence is still open.
        if let Some(last) = self.findings.last_mut() {
            last.evidence.seal_sharing(&mut self.texts);
        }
        sort_by_text(&mut self.findings, |f| &f.resource.arn);
        // At their exact size; the grown vector goes back for the next emitter.
        let out = self.findings.drain(..).map(T::from).collect();
        if self.findings.capacity() <= SPARE_MAX {
            SPARE.set(std::mem::take(&mut self.findings));
        }
        out
    }
}

/// Which rules run: ids or id prefixes (`GW1` is a category).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Selection {
    pub fn selects(&self, id: &str) -> bool {
        let matches = |p: &String| id.starts_with(p.to_ascii_uppercase().as_str());
        (self.include.is_empty() || self.include.iter().any(matches))
            && !self.exclude.iter().any(matches)
    }
}

/// Runs the selected rules over every region of every account. The order of the result is
/// deterministic: rule, account (as in the snapshot), region, resource.
pub fn evaluate(
    snapshot: &OrgSnapshot,
    selection: &Selection,
    params: &RuleParams,
) -> Vec<Finding> {
    evaluate_each::<Finding>(snapshot, selection, params)
        .into_iter()
        .flatten()
        .collect()
}

/// [`evaluate`], each rule's findings in each region handed to `finish` on the core that made
/// them; what it returns comes back in the order of [`evaluate`] (rule, account, region).
///
/// A rule in a region is the unit of work, not a rule in all regions: rules differ a hundred
/// times in cost, and with whole rules the last of them left one core idle at the end of the
/// rules phase (perf); in an organization a rule over every account is a long unit. Each
/// unit's findings come back as `T`s (a finding wrapped for triage, say), made as they leave
/// their emitter on the core that found them, without a copy of their own.
pub fn evaluate_each<T: From<Finding> + Send>(
    snapshot: &OrgSnapshot,
    selection: &Selection,
    params: &RuleParams,
) -> Vec<Vec<T>> {
    let mut rules: Vec<(&LoadedRule, RuleInfo)> = registry::rules()
        .iter()
        .filter(|r| selection.selects(r.def.id))
        .map(|r| (r, RuleInfo::of(&r.meta)))
        .collect();
    // Registry order is not id order for every id spelling; the contract is rule, account,
    // region, resource.
    rules.sort_by(|a, b| a.0.def.id.cmp(b.0.def.id));
    let regions: Vec<(&Snapshot, &RegionSnapshot, ResourceCache, Place)> = snapshot
        .accounts
        .iter()
        .flat_map(|account| {
            let mut regions: Vec<&RegionSnapshot> = account.regions.iter().collect();
            regions.sort_by(|a, b| a.region.cmp(&b.region));
            regions.into_iter().map(move |r| {
                let place = Place {
                    account_id: account.account_id.as_str().into(),
                    region: r.region.as_str().into(),
                };
                (account, r, ResourceCache::of_region(r), place)
            })
        })
        .collect();
    // The largest regions' units first, every rule's, and the smallest last: the cores then
    // finish on small units together. In rule order, one core ran the last large unit alone
    // for 40-80 ms while the other waited (perf timeline of the replicated 10,000-API
    // snapshot: one rule in its largest region). A stable sort keeps rule order within a size.
    let sizes: Vec<usize> = regions.iter().map(|(_, r, _, _)| work_size(r)).collect();
    let mut units: Vec<(usize, usize)> = (0..rules.len())
        .flat_map(|rule| (0..regions.len()).map(move |region| (rule, region)))
        .collect();
    units.sort_by_key(|&(_, region)| std::cmp::Reverse(sizes[region]));
    // One unit at a time: their costs differ by a hundred times.
    let mut done: Vec<(usize, Vec<T>)> = crate::cores::map(&units, 1, |_, &(rule, region)| {
        let (r, info) = &rules[rule];
        let (account, snapshot, cache, place) = &regions[region];
        let ctx = RegionContext::sharing(account, snapshot, params, Some(cache));
        let mut out = Emitter::new(&r.meta, info, place);
        (r.def.check)(&ctx, &mut out);
        (rule * regions.len() + region, out.into_findings())
    });
    // The helpers' spare vectors went with their threads; this thread's goes now.
    drop(SPARE.take());
    // Back in rule, account and region order.
    done.sort_unstable_by_key(|(at, _)| *at);
    done.into_iter().map(|(_, findings)| findings).collect()
}

/// How much a region gives its rules to judge, to start on the largest first: its APIs with
/// their resources, routes and stages. Rules over the account (IAM, trails) cost the same
/// in every region.
fn work_size(region: &RegionSnapshot) -> usize {
    let rest = region.rest_apis.iter().flatten().map(|api| {
        1 + api.resources.as_ref().map_or(0, Vec::len) + api.stages.as_ref().map_or(0, Vec::len)
    });
    let v2 = region.v2_apis.iter().flatten().map(|api| {
        1 + api.routes.as_ref().map_or(0, Vec::len) + api.stages.as_ref().map_or(0, Vec::len)
    });
    rest.chain(v2).sum()
}

/// A stable sort that moves each element once, through a sorted list of indices: for large
/// elements such as findings, whose moves are most of a sort's cost, and without the half-size
/// buffer of the standard stable sort.
pub fn sort_in_place<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> std::cmp::Ordering) {
    if v.is_sorted_by(|a, b| cmp(a, b).is_le()) {
        return;
    }
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|&a, &b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// [`sort_in_place`] by a text of each element, for many texts that share a long beginning (the
/// ARNs of one region): the 8 bytes after what all of them share are compared as a number, and
/// only equal numbers read the texts. Comparing the ARNs through each finding's resource was
/// half of finishing a region's findings (perf); the rules phase takes 2-4% less on the
/// replicated snapshot. When a region's texts share little (a rule judging REST APIs and log groups), most
/// numbers tie and the texts decide, as before.
fn sort_by_text<T>(v: &mut [T], text: impl Fn(&T) -> &str) {
    if v.is_sorted_by(|a, b| text(a) <= text(b)) {
        return;
    }
    let texts: Vec<&[u8]> = v.iter().map(|t| text(t).as_bytes()).collect();
    let first = texts[0];
    let shared = texts.iter().fold(first.len(), |n, t| {
        n.min(first.iter().zip(*t).take_while(|(a, b)| a == b).count())
    });
    let numbers: Vec<u64> = texts
        .iter()
        .map(|t| {
            // Zeros after a short text order it before any longer text it begins, as `str` does;
            // a tie is settled on the whole texts.
            let mut next = [0u8; 8];
            let after = &t[shared..];
            let n = after.len().min(8);
            next[..n].copy_from_slice(&after[..n]);
            u64::from_be_bytes(next)
        })
        .collect();
    // A rule judges a resource and its parts one after another (an API, its stages and
    // methods), so equal numbers come in runs: the runs are sorted by number, and only the
    // texts of one number are compared, and sorted where they are not in order already.
    // Sorting every element, ties by text, was 3% of a large scan (perf).
    let mut runs: Vec<(u64, std::ops::Range<usize>)> = Vec::new();
    for (at, &number) in numbers.iter().enumerate() {
        match runs.last_mut() {
            Some((n, run)) if *n == number => run.end = at + 1,
            _ => runs.push((number, at..at + 1)),
        }
    }
    runs.sort_by_key(|(number, _)| *number);
    let by_text = |a: &usize, b: &usize| texts[*a][shared..].cmp(&texts[*b][shared..]);
    let mut order: Vec<usize> = Vec::with_capacity(numbers.len());
    let mut i = 0;
    while i < runs.len() {
        // The runs of one number, in the order they came (the sort is stable).
        let same = runs[i..]
            .iter()
            .take_while(|(n, _)| *n == runs[i].0)
            .count();
        let start = order.len();
        for (_, run) in &runs[i..i + same] {
            order.extend(run.clone());
        }
        let tied = &mut order[start..];
        // Stable, so equal texts keep the order they came in.
        if !tied.is_sorted_by(|a, b| by_text(a, b).is_le()) {
            tied.sort_by(by_text);
        }
        i += same;
    }
    drop(texts);
    permute(v, order);
}

/// Puts `v[order[i]]` at `i` for every `i` in place, one cycle of swaps at a time (no second
/// copy of the findings).
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    for start in 0..v.len() {
        let mut at = start;
        loop {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            v.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{evaluate_each, permute, sort_by_text};

    /// Each rule in each region is handed over once, in the order of the contract: rule, then
    /// account as in the snapshot, then region by name (the snapshot lists eu-west-1 after
    /// us-east-1).
    #[test]
    fn each_rule_in_each_region_comes_back_in_rule_account_region_order() {
        let text = include_str!("../../fixtures/org/two-accounts.json");
        let snapshot = crate::model::parse_snapshot(text, "two-accounts").unwrap();
        let params = Default::default();
        let found = evaluate_each::<super::Finding>(&snapshot, &Default::default(), &params);
        let units: Vec<Option<(String, String, String)>> = (found.iter())
            .map(|found| {
                let first = found.first().map(|f| {
                    (
                        f.rule.id.to_string(),
                        f.place.account_id.to_string(),
                        f.place.region.to_string(),
                    )
                });
                // One rule and one place in a unit, ordered by resource.
                assert!(found.iter().all(|f| Some((
                    f.rule.id.to_string(),
                    f.place.account_id.to_string(),
                    f.place.region.to_string()
                )) == first));
                assert!(found.is_sorted_by(|a, b| a.resource.arn <= b.resource.arn));
                first
            })
            .collect();
        let rules = super::registry::rules().len();
        assert_eq!(units.len(), rules * 3);
        let places: Vec<(&str, &str)> = vec![
            ("123456789012", "eu-west-1"),
            ("123456789012", "us-east-1"),
            ("210987654321", "us-east-1"),
        ];
        let mut ids: Vec<&str> = super::registry::rules().iter().map(|r| r.def.id).collect();
        ids.sort();
        for (i, unit) in units.iter().enumerate() {
            if let Some((rule, account, region)) = unit {
                assert_eq!(rule, ids[i / 3], "unit {i}");
                assert_eq!(
                    (account.as_str(), region.as_str()),
                    places[i % 3],
                    "unit {i}"
                );
            }
        }
        assert!(units.iter().filter(|u| u.is_some()).count() > rules);
    }

    /// Texts that share beginnings of every length, ties, prefixes of one another, bytes above
    /// 0x7f and NULs: the same order as a stable sort of the texts.
    #[test]
    fn sorting_by_text_is_a_stable_sort_by_the_text() {
        let words = [
            "arn:aws:apigateway:eu-west-1::/restapis/b/stages/prod",
            "arn:aws:apigateway:eu-west-1::/restapis/a/stages/prod",
            "arn:aws:apigateway:eu-west-1::/restapis/a/stages/dev",
            "arn:aws:apigateway:eu-west-1::/restapis/a",
            "arn:aws:apigateway:eu-west-1::/restapis/a",
            "arn:aws:apigateway:eu-west-1::/restapis/a\0",
            "arn:aws:apigateway:eu-west-1::/restapis/a\0\0\0\0\0\0\0\0b",
            "arn:aws:apigateway:eu-west-1::/restapis/abcdefgh1",
            "arn:aws:apigateway:eu-west-1::/restapis/abcdefgh0",
            "arn:aws:apigateway:eu-west-1::/restapis/é",
            "arn:aws:apigateway:eu-west-1::/restapis/",
            "arn:aws:logs:eu-west-1:1:log-group:x",
            "",
        ];
        // Every window of the list, so the shared beginning varies from none to nearly all.
        for start in 0..words.len() {
            for end in start + 1..=words.len() {
                let mut v: Vec<(&str, usize)> =
                    words[start..end].iter().copied().zip(0..).collect();
                let mut expected = v.clone();
                expected.sort_by(|a, b| a.0.cmp(b.0));
                sort_by_text(&mut v, |w| w.0);
                assert_eq!(v, expected, "{start}..{end}");
            }
        }
    }

    /// Many equal texts in mixed order, more than a sort handles by insertion: equal texts keep
    /// the order they came in.
    #[test]
    fn equal_texts_keep_their_order() {
        let texts = ["arn:x/b", "arn:x/a", "arn:x/c"];
        let mut v: Vec<(&str, usize)> = (0..300).map(|i| (texts[(i * 7) % 3], i)).collect();
        let mut expected = v.clone();
        expected.sort_by(|a, b| a.0.cmp(b.0));
        sort_by_text(&mut v, |w| w.0);
        assert_eq!(v, expected);
    }

    /// A resource's parts come together, resources in no order, and a resource may come back
    /// later (another stage of the same API): the order is the standard stable sort's.
    #[test]
    fn runs_of_one_resource_sort_as_a_stable_sort_would() {
        let parts = [
            "",
            "/stages/prod",
            "/resources/r2/methods/GET",
            "/resources/r1/methods/PUT",
        ];
        let mut texts = Vec::new();
        for round in 0..3 {
            for api in [7usize, 3, 11, 0, 5] {
                for part in &parts[round % 2..] {
                    // Ids of eight characters and more share their first eight, so they tie.
                    texts.push(format!(
                        "arn:aws:apigateway:eu-west-1::/restapis/abcdefgh{api}{part}"
                    ));
                }
            }
        }
        let mut v: Vec<(&str, usize)> = texts.iter().map(String::as_str).zip(0..).collect();
        let mut expected = v.clone();
        expected.sort_by(|a, b| a.0.cmp(b.0));
        sort_by_text(&mut v, |w| w.0);
        assert_eq!(v, expected);
    }

    #[test]
    fn permute_places_each_element_where_the_order_says() {
        // Every permutation of five elements, against building the result by copying.
        let mut order: Vec<usize> = (0..5).collect();
        let mut seen = 0;
        loop {
            let expected: Vec<usize> = order.iter().map(|&i| i * 10).collect();
            let mut v: Vec<usize> = (0..5).map(|i| i * 10).collect();
            permute(&mut v, order.clone());
            assert_eq!(v, expected, "order {order:?}");
            seen += 1;
            // Next permutation in lexicographic order.
            let Some(i) = (0..4).rev().find(|&i| order[i] < order[i + 1]) else {
                break;
            };
            let j = (i + 1..5).rev().find(|&j| order[j] > order[i]).unwrap();
            order.swap(i, j);
            order[i + 1..].reverse();
        }
        assert_eq!(seen, 120);
    }
}
