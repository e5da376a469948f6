use crate::analysis::exposure::Exposure;
use crate::model::{ProtocolType, RawValue, Route, UnknownCause, V2Api};
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

/// What can be called without credentials on an API: `open` is, `undecided` may be (an
/// authorization type this version does not know).
#[derive(Default)]
struct Unauthenticated {
    open: Vec<String>,
    undecided: Vec<String>,
}

impl Unauthenticated {
    /// Files one method or route by whether it is open (`Route::open`, `Method::open`).
    fn add(&mut self, label: String, open: Result<bool, &RawValue>) {
        match open {
            Ok(true) => self.open.push(label),
            Ok(false) => {}
            Err(raw) => self
                .undecided
                .push(text!("{label} (authorization type `{raw}`)")),
        }
    }
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
                let mut u = Unauthenticated::default();
                for (r, m) in methods.into_iter().filter(|(_, m)| !m.is_cors_preflight()) {
                    u.add(text!("{} {}", m.http_method, r.path), m.open());
                }
                u
            }),
            AnyApi::V2(api) => ctx.routes_of(api).map(|routes| open_routes(api, routes)),
        };
        judge(
            out,
            target,
            &text!("stage {stage} of {api}"),
            &word,
            &api.exposure(ctx),
            open,
        );
    }
}

/// HTTP API `OPTIONS` routes are preflights when the API answers CORS itself (as in GW103).
fn open_routes(api: &V2Api, routes: &[Route]) -> Unauthenticated {
    let mut u = Unauthenticated::default();
    match &api.protocol_type {
        ProtocolType::Http => {
            for r in routes.iter().filter(|r| !api.is_cors_preflight(r)) {
                u.add(r.route_key.clone(), r.open());
            }
        }
        // Only the handshake authenticates a WebSocket connection; without a $connect route
        // every connection is accepted.
        ProtocolType::Websocket => match routes.iter().find(|r| r.route_key == "$connect") {
            None => u.open.push("(no $connect route)".to_string()),
            Some(c) => u.add(c.route_key.clone(), c.open()),
        },
        // Which route authenticates a connection depends on the protocol.
        ProtocolType::Unknown(raw) => u
            .undecided
            .push(text!("its routes (protocol type `{raw}`)")),
    }
    u
}

fn judge(
    out: &mut Emitter,
    target: ResourceRef,
    what: &str,
    word: &str,
    exposure: &Exposure,
    open: Result<Unauthenticated, String>,
) {
    let open = match open {
        Ok(open) => open,
        Err(reason) => {
            out.unknown(
                target,
                format_args!(
                    "{what} is named like a temporary environment ({}) and its methods or \
                     routes are unknown: {reason}",
                    exposure.describe()
                ),
            )
            .evidence("name_word", word);
            return;
        }
    };
    match exposure {
        Exposure::NotPublic(why) => {
            out.pass(
                target,
                format_args!(
                    "{what} is named like a temporary environment but is not public: {why}"
                ),
            )
            .evidence("name_word", word)
            .evidence("exposure", exposure.describe());
        }
        _ if open.open.is_empty() && open.undecided.is_empty() => {
            out.pass(
                target,
                format_args!(
                    "{what} is named like a temporary environment but nothing on the API can be \
                     called without credentials (CORS preflights aside)"
                ),
            )
            .evidence("name_word", word);
        }
        _ if open.open.is_empty() => {
            // Only what this version cannot judge may be open; an exposure that was not
            // collected keeps its cause.
            let cause = match exposure {
                Exposure::Unknown(_, cause) => *cause,
                _ => UnknownCause::NotDeterminable,
            };
            out.unknown_because(
                target,
                format_args!(
                    "{what} is named like a temporary environment ({}) and whether anything on \
                     it can be called without credentials cannot be told: {}",
                    exposure.describe(),
                    open.undecided.join(", ")
                ),
                cause,
            )
            .evidence("name_word", word)
            .evidence("undecided", open.undecided);
        }
        Exposure::Public(why) => {
            out.fail(
                target,
                format_args!(
                    "{what} is named like a temporary environment (`{word}`), is public ({why}) \
                     and can be called without credentials: {}",
                    open.open.join(", ")
                ),
            )
            .evidence("name_word", word)
            .evidence("exposure", exposure.describe())
            .evidence("unauthenticated", open.open);
        }
        Exposure::Unknown(why, cause) => {
            out.unknown_because(
                target,
                format_args!(
                    "{what} is named like a temporary environment and has unauthenticated \
                     methods or routes, but whether it is public is unknown: {why}"
                ),
                *cause,
            )
            .evidence("name_word", word)
            .evidence("unauthenticated", open.open);
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
