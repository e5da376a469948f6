//! GW2xx: network and endpoint.

pub mod gw201;
pub mod gw202;
pub mod gw203;
pub mod gw204;
pub mod gw205;
pub mod gw206;

use crate::analysis::policy::{analyze_invoke, parse_policy, InvokeAnalysis, PrincipalScope};
use crate::rules::{Emitter, ResourceRef};

/// Evaluates a resource policy for open invoke grants; an unparsable policy becomes an
/// `unknown` result with the parse error (never a pass) and `None`.
fn analyze_policy(
    out: &mut Emitter,
    target: &ResourceRef,
    raw: &str,
    scope: PrincipalScope,
    keys: &[&str],
) -> Option<InvokeAnalysis> {
    match parse_policy(raw) {
        Ok(doc) => Some(analyze_invoke(&doc, scope, keys)),
        Err(e) => {
            out.unknown(
                target.clone(),
                format!("resource policy could not be evaluated: {e}"),
            )
            .evidence("parse_error", e.0);
            None
        }
    }
}
