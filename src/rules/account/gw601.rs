use crate::model::{
    AdvancedEventSelector, EventSelectors, KeepsUnknown, RawValue, ReadWriteType, Trail,
    UnknownCause,
};
use crate::operations as op;
use crate::rules::{Emitter, RegionContext};

rule!(GW601, "account/GW601-cloudtrail-management-events-off.toml");

enum Verdict {
    Records,
    Not(String),
    Unknown(String, UnknownCause),
}

/// An advanced selector for management events that is not limited to read-only calls
/// (excluding some event sources, such as KMS, still records the API Gateway changes).
fn advanced_writes_management(s: &AdvancedEventSelector) -> bool {
    let fields = |name: &'static str| s.field_selectors.iter().filter(move |f| f.field == name);
    let management = fields("eventCategory").any(|f| f.equals.iter().any(|v| v == "Management"));
    let read_only = fields("readOnly").any(|f| {
        (!f.equals.is_empty() && f.equals.iter().all(|v| v == "true"))
            || f.not_equals.iter().any(|v| v == "false")
    });
    management && !read_only
}

/// Whether the selectors record write management events; `Err` with the value when only a
/// selector whose read/write type this version does not know might.
fn records_write_management(s: &EventSelectors) -> Result<bool, &RawValue> {
    let management = || s.basic.iter().filter(|b| b.include_management_events);
    let writes = |t: &Option<ReadWriteType>| {
        matches!(
            t,
            None | Some(ReadWriteType::All) | Some(ReadWriteType::WriteOnly)
        )
    };
    if management().any(|b| writes(&b.read_write_type))
        || s.advanced.iter().any(advanced_writes_management)
    {
        return Ok(true);
    }
    match management().find_map(|b| b.read_write_type.as_ref()?.unknown()) {
        Some(raw) => Err(raw),
        None => Ok(false),
    }
}

/// `home`: the context of the trail's home Region, where its errors were recorded.
fn verdict(home: &RegionContext, t: &Trail) -> Verdict {
    if !t.is_multi_region_trail {
        return Verdict::Not("single-Region trail".into());
    }
    if t.is_logging == Some(false) {
        return Verdict::Not("logging is stopped".into());
    }
    let cited = |operation| {
        Verdict::Unknown(
            home.reason(operation, Some(&t.arn)),
            home.cause(operation, Some(&t.arn)),
        )
    };
    let Some(selectors) = &t.event_selectors else {
        return cited(&op::GET_EVENT_SELECTORS);
    };
    match records_write_management(selectors) {
        Ok(true) => {}
        Ok(false) => return Verdict::Not("does not record write management events".into()),
        Err(raw) => {
            return Verdict::Unknown(
                text!(
                    "an event selector's read/write type `{raw}` (readWriteType) is a value this \
                     gwaudit version does not know"
                ),
                UnknownCause::NotDeterminable,
            )
        }
    }
    match t.is_logging {
        Some(true) => Verdict::Records,
        _ => cited(&op::GET_TRAIL_STATUS),
    }
}

/// A multi-Region trail covers every Region, so every Region's result looks at the trails
/// (and shadow copies) collected in all scanned Regions.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    let target = ctx.scope.account("cloudtrail");
    let mut not = Vec::new();
    let mut unknown = Vec::new();
    // Not collected if any undecided trail was: rescanning with more access may decide it.
    let mut cause = UnknownCause::NotDeterminable;
    for home in ctx.regions() {
        let trails = match home.trails_or_reason() {
            Ok(trails) => trails,
            Err(reason) => {
                unknown.push(text!("trails of {}: {reason}", home.region_name()));
                cause = UnknownCause::NotCollected;
                continue;
            }
        };
        // Shadow copies are judged too: an organization trail, or a trail homed in a region
        // that was not scanned, is seen only through them.
        for t in trails {
            let name = text!("{} ({})", t.name, home.region_name());
            match verdict(&home, t) {
                Verdict::Records => {
                    let org = if t.is_organization_trail {
                        " for the organization"
                    } else {
                        ""
                    };
                    out.pass(
                        target,
                        format_args!(
                            "multi-Region trail {name} is logging and records write management \
                             events{org}"
                        ),
                    )
                    .evidence("trail", &t.arn);
                    return;
                }
                Verdict::Not(why) => not.push(text!("{name}: {why}")),
                Verdict::Unknown(why, why_cause) => {
                    unknown.push(text!("{name}: {why}"));
                    if why_cause == UnknownCause::NotCollected {
                        cause = why_cause;
                    }
                }
            }
        }
    }
    if !unknown.is_empty() {
        out.unknown_because(
            target,
            format_args!(
                "no trail is known to be multi-Region, logging and recording write management \
                 events; undecided: {}",
                unknown.join("; ")
            ),
            cause,
        )
        .evidence("trails_not_qualifying", &not)
        .evidence("undecided", &unknown);
        return;
    }
    let scanned: Vec<&str> = ctx.regions().map(|r| r.region_name()).collect();
    let mut message = text!(
        "no trail homed in the scanned Regions ({}) is multi-Region, logging and recording \
         write management events: API Gateway changes in {} go unrecorded",
        scanned.join(", "),
        ctx.scope.region
    );
    if !not.is_empty() {
        message.push_str(&text!(" ({})", not.join("; ")));
    }
    out.fail(target, message)
        .evidence("trails_not_qualifying", &not);
}

/// The fixture (with its variants) holds the pass, fail and unknown verdicts; this checks the
/// selector forms one at a time.
#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::model::parse_snapshot;
    use crate::rules::{evaluate, RuleParams, Selection, Status};

    fn statuses(regions: serde_json::Value, errors: serde_json::Value) -> Vec<(Status, String)> {
        let doc = json!({
            "schema_version": 1,
            "account_id": "111122223333",
            "regions": regions,
            "collection_errors": errors,
        });
        let snapshot = parse_snapshot(&doc.to_string(), "test").expect("valid snapshot");
        let selection = Selection {
            include: vec!["GW601".into()],
            exclude: vec![],
        };
        evaluate(&snapshot, &selection, &RuleParams::default())
            .into_iter()
            .map(|f| (f.status, f.message.to_string()))
            .collect()
    }

    fn trail(name: &str, extra: serde_json::Value) -> serde_json::Value {
        let mut t = json!({
            "name": name,
            "arn": format!("arn:aws:cloudtrail:us-east-1:111122223333:trail/{name}"),
            "home_region": "us-east-1",
            "is_multi_region_trail": true,
            "is_logging": true,
            "event_selectors": {"basic": [{"read_write_type": "All"}]}
        });
        for (k, v) in extra.as_object().expect("object") {
            t[k] = v.clone();
        }
        t
    }

    #[test]
    fn selectors_not_collected_is_unknown_and_write_only_passes() {
        let got = statuses(
            json!([{"region": "us-east-1", "trails": [trail("nosel", json!({"event_selectors": null}))]}]),
            json!([]),
        );
        assert!(
            matches!(&got[..], [(Status::Unknown, m)] if m.contains("GetEventSelectors")),
            "{got:?}"
        );
        let got = statuses(
            json!([{"region": "us-east-1", "trails": [trail("writes", json!({
                "event_selectors": {"basic": [{"read_write_type": "WriteOnly"}]}}))]}]),
            json!([]),
        );
        assert!(matches!(&got[..], [(Status::Pass, _)]), "{got:?}");
    }
}
