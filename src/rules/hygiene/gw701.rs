use crate::analysis::exposure::Exposure;
use crate::model::{AuthorizationType, ProtocolType, Route, V2Api};
use crate::rules::network::AnyApi;
use crate::rules::{Emitter, RegionContext, ResourceRef};

rule!(GW701, "hygiene/GW701-stage-orphaned-environment.toml");

/// Words that name a short-lived or non-production environment. Matched against whole words of
/// the stage name only, so `devops`, `latest`, `contest` or `attestation` never match.
const TEMPORARY: &[&str] = &[
    "dev",
    "devel",
    "develop",
    "development",
    "test",
    "testing",
    "qa",
    "tmp",
    "temp",
    "staging",
    "stg",
    "sandbox",
];

/// The temporary-environment word in a stage name, if any. Words are split at `-`, `_`, `.`
/// and lower-to-upper case changes (`featureDev`); a trailing number is ignored (`dev2`,
/// `qa01`).
fn temporary_word(stage: &str) -> Option<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in stage.chars() {
        let boundary = !c.is_ascii_alphanumeric() || (prev_lower && c.is_ascii_uppercase());
        if boundary && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase();
    }
    words.push(word);
    words
        .into_iter()
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_digit()).to_string())
        .find(|w| TEMPORARY.contains(&w.as_str()))
}

fn check(ctx: &RegionContext, out: &mut Emitter) {
    let rest = ctx.rest_stages(out).into_iter().map(|(api, s)| {
        let target = ctx.scope.rest_stage(api, s);
        (AnyApi::Rest(api), &s.stage_name, target)
    });
    let v2 = ctx.v2_stages(out).into_iter().map(|(api, s)| {
        let target = ctx.scope.v2_stage(api, s);
        (AnyApi::V2(api), &s.stage_name, target)
    });
    for (api, stage, target) in rest.chain(v2) {
        let Some(word) = temporary_word(stage) else {
            continue;
        };
        // What can be called without credentials, or why that is unknown.
        let open = match api {
            AnyApi::Rest(api) => ctx.methods_of(api).map(|methods| {
                methods
                    .into_iter()
                    .filter(|(_, m)| !m.is_cors_preflight() && m.is_open())
                    .map(|(r, m)| format!("{} {}", m.http_method, r.path))
                    .collect()
            }),
            AnyApi::V2(api) => ctx.routes_of(api).map(|routes| open_routes(api, routes)),
        };
        judge(
            out,
            target,
            &format!("stage {stage} of {api}"),
            &word,
            &api.exposure(ctx),
            open,
        );
    }
}

/// HTTP API `OPTIONS` routes are preflights when the API answers CORS itself (as in GW103).
fn open_routes(api: &V2Api, routes: &[Route]) -> Vec<String> {
    let open = |r: &Route| r.authorization_type == AuthorizationType::None && !r.api_key_required;
    match api.protocol_type {
        ProtocolType::Http => routes
            .iter()
            .filter(|r| !api.is_cors_preflight(r))
            .filter(|r| open(r))
            .map(|r| r.route_key.clone())
            .collect(),
        // Only the handshake authenticates a WebSocket connection; without a $connect route
        // every connection is accepted.
        ProtocolType::Websocket => match routes.iter().find(|r| r.route_key == "$connect") {
            None => vec!["(no $connect route)".to_string()],
            Some(c) if open(c) => vec![c.route_key.clone()],
            Some(_) => vec![],
        },
    }
}

fn judge(
    out: &mut Emitter,
    target: ResourceRef,
    what: &str,
    word: &str,
    exposure: &Exposure,
    open: Result<Vec<String>, String>,
) {
    match (exposure, open.as_deref()) {
        (Exposure::NotPublic(why), _) => {
            out.pass(
                target,
                format!("{what} is named like a temporary environment but is not public: {why}"),
            )
            .evidence("name_word", word)
            .evidence("exposure", exposure.describe());
        }
        (_, Ok([])) => {
            out.pass(
                target,
                format!(
                    "{what} is named like a temporary environment but nothing on the API can be \
                     called without credentials (CORS preflights aside)"
                ),
            )
            .evidence("name_word", word);
        }
        (Exposure::Public(why), Ok(open)) => {
            out.fail(
                target,
                format!(
                    "{what} is named like a temporary environment (`{word}`), is public ({why}) \
                     and can be called without credentials: {}",
                    open.join(", ")
                ),
            )
            .evidence("name_word", word)
            .evidence("exposure", exposure.describe())
            .evidence("unauthenticated", open);
        }
        (Exposure::Unknown(why, cause), Ok(open)) => {
            out.unknown_because(
                target,
                format!(
                    "{what} is named like a temporary environment and has unauthenticated \
                     methods or routes, but whether it is public is unknown: {why}"
                ),
                *cause,
            )
            .evidence("name_word", word)
            .evidence("unauthenticated", open);
        }
        (_, Err(reason)) => {
            out.unknown(
                target,
                format!(
                    "{what} is named like a temporary environment ({}) and its methods or \
                     routes are unknown: {reason}",
                    exposure.describe()
                ),
            )
            .evidence("name_word", word);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::temporary_word;

    #[test]
    fn temporary_words_match_whole_words_only() {
        for (name, word) in [
            ("dev", "dev"),
            ("dev2", "dev"),
            ("test-1", "test"),
            ("QA", "qa"),
            ("tmp_orders", "tmp"),
            ("featureDev", "dev"),
            ("staging", "staging"),
            ("v2-sandbox", "sandbox"),
            ("development", "development"),
        ] {
            assert_eq!(temporary_word(name).as_deref(), Some(word), "{name}");
        }
        for name in [
            "prod",
            "devops",
            "latest",
            "contest",
            "attestation",
            "v1",
            "$default",
            "live",
            "production",
            "stage",
        ] {
            assert_eq!(temporary_word(name), None, "{name}");
        }
    }
}
