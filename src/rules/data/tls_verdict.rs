//! Turns a TLS grade into a result; shared by the domain (GW301) and API (GW302) rules.

use crate::analysis::tls::{grade, TlsGrade};
use crate::rules::{Emitter, ResourceRef, Severity};

pub struct PolicyInUse<'a> {
    pub name: &'a str,
    /// True when the field was absent and AWS's default applies.
    pub defaulted: bool,
    /// True when TLS_1_2 is the only policy the endpoint supports (HTTP/WebSocket APIs):
    /// there is no remedy, so it is not a failure.
    pub tls12_is_only_option: bool,
}

pub fn emit(out: &mut Emitter, target: ResourceRef, what: &str, policy: PolicyInUse) {
    let shown = if policy.defaulted {
        text!("{}, the AWS default when none is set", policy.name)
    } else {
        policy.name.to_string()
    };
    let f = match grade(policy.name) {
        TlsGrade::Tls10 => {
            let f = out.fail(
                target,
                format_args!("{what} accepts TLS 1.0 and 1.1: security policy {shown}"),
            );
            f.raise_to(Severity::High);
            f
        }
        TlsGrade::Tls12Legacy if policy.tls12_is_only_option && policy.name == "TLS_1_2" => out.pass(
            target,
            format_args!("{what} uses {shown}, the only policy HTTP and WebSocket APIs support"),
        ),
        TlsGrade::Tls12Legacy => out.fail(
            target,
            format_args!(
                "{what} allows TLS 1.2 CBC or non-forward-secret cipher suites: security policy {shown}"
            ),
        ),
        TlsGrade::Strong => out.pass(target, format_args!("{what} uses strong security policy {shown}")),
        TlsGrade::Unrecognized => out.undeterminable(
            target,
            format_args!("{what} uses security policy `{}`, which this version cannot grade: review it", policy.name),
        ),
    };
    f.evidence("security_policy", policy.name)
        .evidence("defaulted", policy.defaulted);
}
