//! The stages the logging rules judge: REST, HTTP and WebSocket stages seen alike (their access
//! log settings have the same shape), and REST stages with the methods they serve.

use super::log_sinks::{rest_execution_logging, websocket_execution_logging, Undecided};
use crate::model::{
    unknown_value_reason, AccessLogSettings, Method, ProtocolType, RawValue, Resource, RestApi,
    Stage, UnknownCause, V2Api, V2Stage,
};
use crate::rules::{Emitter, RegionContext, ResourceRef};

#[derive(Clone, Copy)]
pub(super) enum AnyStage<'a> {
    Rest(&'a RestApi, &'a Stage),
    V2(&'a V2Api, &'a V2Stage),
}

/// The REST stages, then the v2 ones, from the context's traversals (which emit the
/// `unknown` for what was not collected).
pub(super) fn stages<'a>(
    rest: Vec<(&'a RestApi, &'a Stage)>,
    v2: Vec<(&'a V2Api, &'a V2Stage)>,
) -> Vec<AnyStage<'a>> {
    let rest = rest.into_iter().map(|(a, s)| AnyStage::Rest(a, s));
    rest.chain(v2.into_iter().map(|(a, s)| AnyStage::V2(a, s)))
        .collect()
}

type Methods<'a> = Vec<(&'a Resource, &'a Method)>;

/// Every REST stage with the methods of its API, for a method setting judged per method. An
/// API whose stages or resources were not collected gets one `unknown`; stages first, since
/// without them there is nothing to judge.
pub(super) fn rest_stages_with_methods<'a>(
    ctx: &RegionContext<'a>,
    out: &mut Emitter,
) -> Vec<(&'a RestApi, &'a Stage, Methods<'a>)> {
    let mut items = Vec::new();
    for api in ctx.rest_apis(out) {
        let Some(stages) = ctx.stages(api, out) else {
            continue;
        };
        if ctx.resources(api, out).is_some() {
            let methods: Vec<_> = api.methods().collect();
            items.extend(stages.iter().map(|s| (api, s, methods.clone())));
        }
    }
    items
}

impl<'a> AnyStage<'a> {
    pub fn target(&self, ctx: &RegionContext<'a>) -> ResourceRef {
        match *self {
            AnyStage::Rest(api, stage) => ctx.scope.rest_stage(api, stage),
            AnyStage::V2(api, stage) => ctx.scope.v2_stage(api, stage),
        }
    }

    pub fn api_id(&self) -> &'a str {
        match *self {
            AnyStage::Rest(api, _) => &api.id,
            AnyStage::V2(api, _) => &api.api_id,
        }
    }

    pub fn name(&self) -> &'a str {
        match *self {
            AnyStage::Rest(_, stage) => &stage.stage_name,
            AnyStage::V2(_, stage) => &stage.stage_name,
        }
    }

    /// `None` for a REST stage.
    pub fn protocol(&self) -> Option<&'a ProtocolType> {
        match *self {
            AnyStage::Rest(..) => None,
            AnyStage::V2(api, _) => Some(&api.protocol_type),
        }
    }

    pub fn access_log_settings(&self) -> &'a Option<AccessLogSettings> {
        match *self {
            AnyStage::Rest(_, stage) => &stage.access_log_settings,
            AnyStage::V2(_, stage) => &stage.access_log_settings,
        }
    }

    /// Whether the stage writes execution logs (HTTP APIs have none), or why that is unknown
    /// and whether rescanning may tell.
    pub fn execution_logging(
        &self,
        ctx: &RegionContext<'a>,
    ) -> Result<bool, (String, UnknownCause)> {
        let unknown_level = |raw: &RawValue| {
            let why = unknown_value_reason("logging level", "loggingLevel", raw);
            (why, UnknownCause::NotDeterminable)
        };
        match *self {
            AnyStage::Rest(api, stage) => {
                rest_execution_logging(api, stage).map_err(|undecided| match undecided {
                    Undecided::MethodsNotCollected => (
                        ctx.resources_of(api).err().unwrap_or_default(),
                        UnknownCause::NotCollected,
                    ),
                    Undecided::Level(raw) => unknown_level(&raw),
                })
            }
            AnyStage::V2(api, stage) => match &api.protocol_type {
                ProtocolType::Http => Ok(false),
                ProtocolType::Websocket => {
                    websocket_execution_logging(stage).map_err(unknown_level)
                }
                // HTTP APIs write none, WebSocket APIs do: which this is cannot be told.
                ProtocolType::Unknown(raw) => Err((
                    unknown_value_reason("protocol type", "protocolType", raw),
                    UnknownCause::NotDeterminable,
                )),
            },
        }
    }
}
