use crate::analysis::exposure;
use crate::analysis::policy::{ip_blocklists, PolicyDocument};
use crate::model::{
    DomainName, GroupRun, IpAddressType, IpAddressVersion, RestApi, UnknownCause, WafRuleAction,
    WafStatement,
};
use crate::operations as op;
use crate::rules::{Emitter, RegionContext, Severity};

rule!(GW207, "network/GW207-ipv6-bypasses-ip-blocklist.toml");

/// A native IPv6 address or range. IPv4 ones have no colon; an IPv4-mapped one
/// (`::ffff:198.51.100.0/120`) matches no native IPv6 client.
fn is_ipv6(range: &str) -> bool {
    let range = range.trim().to_ascii_lowercase();
    range.contains(':') && !range.starts_with("::ffff:")
}

/// What one source of IP blocklists (the resource policy, or one web ACL) blocks: the
/// IPv4-only lists (each named), and whether the same source blocks IPv6 ranges too (the
/// IPv6 counterpart of the list; a source with both is taken to maintain both).
#[derive(Default)]
struct Blocklists {
    ipv4_only: Vec<String>,
    ipv6: bool,
}

impl Blocklists {
    /// The IPv4-only lists of this source that IPv6 clients bypass.
    fn bypassed(self) -> Vec<String> {
        if self.ipv6 {
            Vec::new()
        } else {
            self.ipv4_only
        }
    }
}

/// The resource policy's IP blocklists (`analysis::policy::ip_blocklists`). An allow list
/// (`NotIpAddress` Deny, `IpAddress` Allow) fails closed for IPv6 clients and is not this
/// finding.
fn policy_blocklists(doc: &PolicyDocument, found: &mut Blocklists) {
    for list in ip_blocklists(doc) {
        if list.ranges.iter().any(|v| is_ipv6(v)) {
            found.ipv6 = true;
        } else {
            found.ipv4_only.push(text!(
                "resource policy Deny {} on aws:SourceIp {}",
                list.statement,
                list.ranges.join(", ")
            ));
        }
    }
}

/// Whether a dualstack endpoint serves the API: its own, or a custom domain's that routes to it
/// (IPv6 clients reach it through the domain whatever its own type). `Err`: cannot tell.
fn dualstack_via(
    ctx: &RegionContext,
    api: &RestApi,
) -> Result<Option<String>, (String, UnknownCause)> {
    match &api.ip_address_type {
        // A disabled default endpoint serves nobody: only domains can bring IPv6 clients.
        Some(IpAddressType::Dualstack) if !api.disable_execute_api_endpoint => {
            return Ok(Some("its endpoint is dualstack".into()))
        }
        Some(IpAddressType::Unknown(raw)) => {
            return Err((
                text!("ipAddressType `{raw}` is a value this gwaudit version does not know"),
                UnknownCause::NotDeterminable,
            ))
        }
        _ => {}
    }
    let Some(domains) = ctx.complete_domain_names() else {
        return Err((
            text!(
                "whether a dualstack custom domain serves it is unknown: {}",
                ctx.reason(&op::GET_DOMAIN_NAMES, None)
            ),
            UnknownCause::NotCollected,
        ));
    };
    let dualstack = |d: &&&DomainName| d.ip_address_type == Some(IpAddressType::Dualstack);
    let m = exposure::mappings(domains, &api.id, true);
    if let Some(d) = m.by.iter().find(dualstack) {
        return Ok(Some(text!(
            "dualstack custom domain {} routes to it",
            d.domain_name
        )));
    }
    match m.unknown.iter().find(dualstack) {
        Some(d) => {
            let (why, cause) = ctx.domain_undecided(d, true);
            Err((
                text!("whether a dualstack custom domain routes to it is unknown: {why}"),
                cause,
            ))
        }
        None => Ok(None),
    }
}

/// REST APIs only: HTTP and WebSocket APIs have neither resource policies nor AWS WAF, so
/// they have no IP blocklist to bypass.
fn check(ctx: &RegionContext, out: &mut Emitter) {
    for api in ctx.rest_apis(out) {
        if api.is_private() {
            continue;
        }
        let target = ctx.scope.rest_api(api);
        let via = match dualstack_via(ctx, api) {
            Ok(Some(via)) => via,
            Ok(None) => continue,
            Err((why, cause)) => {
                out.unknown_because(target, why, cause);
                continue;
            }
        };
        let mut bypassed = Vec::new();
        if let Some(policy) = ctx.rest_policy(api) {
            match &*policy {
                Ok(doc) => {
                    let mut found = Blocklists::default();
                    policy_blocklists(&doc.for_api(&api.id), &mut found);
                    bypassed.extend(found.bypassed());
                }
                Err(e) => {
                    out.undeterminable(
                        target,
                        format_args!("resource policy could not be evaluated: {e}"),
                    )
                    .evidence("parse_error", &e.0);
                    continue;
                }
            }
        }
        let Some(stages) = ctx.stages(api, out) else {
            continue;
        };
        let mut missing = None;
        for stage in stages {
            let Some(arn) = stage.web_acl_arn.as_deref().filter(|a| !a.is_empty()) else {
                continue;
            };
            let acl = match ctx.web_acl(arn) {
                Ok(acl) => acl,
                Err(reason) => {
                    missing.get_or_insert(reason);
                    continue;
                }
            };
            let mut found = Blocklists::default();
            // The ACL's own IP-set rules, and those of the customer groups it runs in NONE
            // mode, with the reference's overrides applied (under COUNT a group blocks nothing).
            let mut ip_rules: Vec<(String, &str, Option<WafRuleAction>)> = acl
                .all_rules()
                .filter_map(|rule| match &rule.statement {
                    WafStatement::IpSetReference { arn } => {
                        Some((rule.name.clone(), arn.as_str(), rule.action))
                    }
                    _ => None,
                })
                .collect();
            for (rule, run) in acl.customer_groups() {
                match run {
                    GroupRun::Counted => {}
                    GroupRun::UnknownOverride => {
                        missing.get_or_insert(text!(
                            "rule {} runs a rule group with an override action this gwaudit \
                             version does not know",
                            rule.name
                        ));
                    }
                    GroupRun::NotRead(group_arn) => {
                        missing.get_or_insert(ctx.reason(&op::GET_RULE_GROUP, Some(group_arn)));
                    }
                    GroupRun::Read(group) => {
                        for r in &group.rules {
                            if let WafStatement::IpSetReference { arn: set_arn } = &r.statement {
                                ip_rules.push((
                                    text!("{} of rule group {}", r.name, group.name),
                                    set_arn,
                                    rule.statement.effective_action(r),
                                ));
                            }
                        }
                    }
                }
            }
            for (rule_name, set_arn, action) in ip_rules {
                match action {
                    Some(WafRuleAction::Block) => {}
                    // An action this version does not know may block.
                    None => {
                        missing.get_or_insert(text!(
                            "IP-set rule {rule_name} of web ACL {} has an action this gwaudit \
                             version does not know",
                            acl.name
                        ));
                        continue;
                    }
                    Some(_) => continue,
                }
                match acl.ip_set(set_arn).map(|s| &s.ip_address_version) {
                    Some(IpAddressVersion::Ipv4) => found.ipv4_only.push(text!(
                        "stage {}: web ACL {} rule {} blocks IPv4-only IP set {}",
                        stage.stage_name,
                        acl.name,
                        rule_name,
                        set_arn
                    )),
                    Some(IpAddressVersion::Ipv6) => found.ipv6 = true,
                    Some(IpAddressVersion::Unknown(raw)) => {
                        missing.get_or_insert(text!(
                            "IP set {set_arn} has IP address version `{raw}`, a value this \
                             gwaudit version does not know"
                        ));
                    }
                    None => {
                        missing.get_or_insert(ctx.reason(&op::GET_IP_SET, Some(set_arn)));
                    }
                }
            }
            bypassed.extend(found.bypassed());
        }
        let name = text!("REST API {} ({})", api.name, api.id);
        if !bypassed.is_empty() {
            let f = out.fail(
                target,
                format_args!(
                    "{name} accepts IPv6 clients ({via}) but its IP blocklists list only IPv4 \
                     ranges, so a blocked client passes over IPv6: {}",
                    bypassed.join("; ")
                ),
            );
            f.evidence("ipv4_only_blocklists", &bypassed)
                .evidence("dualstack", &via);
            if ctx.rest_policy_exposure(api).is_public() {
                f.raise_to(Severity::High);
            }
        } else if let Some(reason) = missing {
            out.unknown(
                target,
                format_args!("{name} accepts IPv6 clients ({via}) and its WAF blocklists are unknown: {reason}"),
            );
        } else {
            out.pass(
                target,
                format_args!(
                    "{name} accepts IPv6 clients ({via}); no IP blocklist lists only IPv4 ranges"
                ),
            )
            .evidence("dualstack", &via);
        }
    }
}
