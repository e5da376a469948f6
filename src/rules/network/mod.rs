//! GW2xx: network and endpoint.

pub mod gw201;
pub mod gw202;
pub mod gw203;
pub mod gw204;
pub mod gw205;
pub mod gw206;
pub mod gw207;
pub mod gw208;
pub mod gw209;

use std::fmt;

use serde_json::{json, Value};

use crate::analysis::exposure::Exposure;
use crate::analysis::policy::{
    analyze_invoke, parse_policy, InvokeAnalysis, PolicyDocument, PolicyError, PrincipalScope,
};
use crate::model::{
    unknown_endpoint_type_reason, DomainName, DomainNameAccessAssociation, EndpointType,
    ProtocolType, RestApi, UnknownCause, V2Api,
};
use crate::rules::{Emitter, RegionContext, ResourceRef};

/// Evaluates `api`'s parsed resource policy for open invoke grants; an unparsable policy
/// becomes an `unknown` result with the parse error (never a pass) and `None`.
fn analyze_policy(
    out: &mut Emitter,
    target: &ResourceRef,
    api: &RestApi,
    policy: &Result<PolicyDocument, PolicyError>,
    scope: PrincipalScope,
    keys: &[&str],
) -> Option<InvokeAnalysis> {
    match policy {
        Ok(doc) => Some(analyze_invoke(&doc.for_api(&api.id), scope, keys)),
        Err(e) => {
            out.undeterminable(
                target.clone(),
                format_args!("resource policy could not be evaluated: {e}"),
            )
            .evidence("parse_error", &e.0);
            None
        }
    }
}

/// The REST APIs on one side of the public/PRIVATE split, each with its target: GW201 judges
/// public endpoint types, GW202 PRIVATE. With an endpoint type this version does not know,
/// neither can say whether it applies, so both answer unknown for that API.
fn rest_apis_by_endpoint<'a>(
    ctx: &RegionContext<'a>,
    out: &mut Emitter,
    private: bool,
) -> Vec<(&'a RestApi, ResourceRef)> {
    let mut apis = Vec::new();
    for api in ctx.rest_apis(out) {
        let target = ctx.scope.rest_api(api);
        if let Some(raw) = api.unknown_endpoint_type() {
            out.undeterminable(target, unknown_endpoint_type_reason(raw));
        } else if api.is_private() == private {
            apis.push((api, target));
        }
    }
    apis
}

/// A REST, HTTP or WebSocket API, for the rules that judge every kind of endpoint alike
/// (GW203, GW204, GW701): one code path, so no kind can be forgotten.
#[derive(Clone, Copy)]
pub enum AnyApi<'a> {
    Rest(&'a RestApi),
    V2(&'a V2Api),
}

impl<'a> AnyApi<'a> {
    /// Every API of the region, REST first; a list that was not collected gets its `unknown`.
    pub fn all(ctx: &RegionContext<'a>, out: &mut Emitter) -> Vec<Self> {
        let mut apis: Vec<Self> = ctx.rest_apis(out).iter().map(Self::Rest).collect();
        apis.extend(ctx.v2_apis(out).iter().map(Self::V2));
        apis
    }

    pub fn id(self) -> &'a str {
        match self {
            Self::Rest(a) => &a.id,
            Self::V2(a) => &a.api_id,
        }
    }

    pub fn target(self, ctx: &RegionContext<'a>) -> ResourceRef {
        match self {
            Self::Rest(a) => ctx.scope.rest_api(a),
            Self::V2(a) => ctx.scope.v2_api(a),
        }
    }

    pub fn default_endpoint_disabled(self) -> bool {
        match self {
            Self::Rest(a) => a.disable_execute_api_endpoint,
            Self::V2(a) => a.disable_execute_api_endpoint,
        }
    }

    /// Whether the API is reachable from the internet, naming the failed call when undecided.
    pub fn exposure(self, ctx: &RegionContext) -> Exposure {
        match self {
            Self::Rest(a) => ctx.rest_reachability(a),
            Self::V2(a) => ctx.v2_exposure(a),
        }
    }
}

/// `REST API shop (a1b2c3)`, `HTTP API ...`, `WebSocket API ...`, for messages.
impl fmt::Display for AnyApi<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let (kind, name) = match self {
            Self::Rest(a) => ("REST API", &a.name),
            Self::V2(a) => match &a.protocol_type {
                ProtocolType::Http => ("HTTP API", &a.name),
                ProtocolType::Websocket => ("WebSocket API", &a.name),
                ProtocolType::Unknown(raw) => {
                    return write!(f, "{raw} API {} ({})", a.name, self.id());
                }
            },
        };
        write!(f, "{kind} {name} ({})", self.id())
    }
}

/// The private custom domains this account owns, with one of their policies (`what`) parsed,
/// for GW208 and GW209. A domain without that policy gets what `without` emits (each rule knows
/// what an absent policy means); one whose policy does not parse is not determinable. Public
/// domains are skipped, and so are domains another account owns (a snapshot may list one
/// among its own): their policies are the owner's to set, judged in the owner's account, and
/// not even visible from this one.
fn private_domain_policies<'a>(
    ctx: &RegionContext<'a>,
    out: &mut Emitter,
    what: &str,
    policy: impl Fn(&'a DomainName) -> Option<&'a String>,
    without: impl Fn(&mut Emitter, ResourceRef, &'a DomainName),
) -> Vec<(&'a DomainName, ResourceRef, PolicyDocument)> {
    let mut found = Vec::new();
    for d in ctx.domain_names(out) {
        if !d.endpoint_types.contains(&EndpointType::Private)
            || d.is_owned_by_another_account(ctx.scope.account_id)
        {
            continue;
        }
        let target = ctx.scope.domain(d);
        let Some(raw) = policy(d) else {
            without(out, target, d);
            continue;
        };
        match parse_policy(raw) {
            Ok(doc) => found.push((d, target, doc)),
            Err(e) => {
                out.undeterminable(target, format_args!("{what} could not be evaluated: {e}"))
                    .evidence("parse_error", e.0);
            }
        }
    }
    found
}

/// The access associations of a private domain this account owns (the VPC endpoints that
/// reach it, each made by the account in its ARN); why not, when the associations were not
/// collected (the failed call's cause) or the domain's ARN is not known (not determinable).
fn associations_of<'a>(
    ctx: &RegionContext<'a>,
    domain: &DomainName,
) -> Result<Vec<&'a DomainNameAccessAssociation>, (String, UnknownCause)> {
    let op = &crate::operations::GET_DOMAIN_NAME_ACCESS_ASSOCIATIONS;
    let all = ctx
        .domain_name_access_associations()
        .map_err(|why| (text!("not collected: {why}"), ctx.cause(op, None)))?;
    let Some(arn) = domain.domain_name_arn.as_deref() else {
        return Err((
            "unknown: the domain's ARN is not in the snapshot".into(),
            UnknownCause::NotDeterminable,
        ));
    };
    Ok((all.iter())
        .filter(|a| a.domain_name_arn.as_deref() == Some(arn))
        .collect())
}

/// The VPC endpoints associated with a private domain, for GW208's and GW209's evidence: who
/// reaches the domain today. They decide nothing (the policies do, and an association can be
/// created whenever the management policy allows one), so associations that were not
/// collected only say why.
fn associated_endpoints(ctx: &RegionContext, domain: &DomainName) -> Value {
    match associations_of(ctx, domain) {
        Err((why, _)) => Value::String(why),
        Ok(found) => found
            .iter()
            .map(|a| {
                json!({
                    "source": a.access_association_source,
                    "source_type": a.access_association_source_type,
                    "account": a.account(),
                })
            })
            .collect(),
    }
}
