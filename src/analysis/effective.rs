//! Effective REST method settings: the `{path}/{METHOD}` override in a stage's
//! `methodSettings`, else the stage-wide `*/*` entry, else the service default.
//!
//! What an override key means (`~1pets~1{id}/GET`) and the per-stage index that finds one
//! without parsing every key again belong to the model (`model::method_settings`); this module
//! decides which level's value is in force.

pub use crate::model::{method_override, override_key, parse_override_key};
use crate::model::{Method, MethodSetting, Resource, RouteSettings, Stage, V2Stage};

/// Where an effective value came from, for evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SettingSource {
    /// A per-method override (the raw `methodSettings` key).
    Method(String),
    /// The stage-wide `*/*` entry.
    Stage,
    /// Nothing set: the service default.
    Default,
}

impl SettingSource {
    pub fn describe(&self) -> String {
        match self {
            SettingSource::Method(key) => format!("method override `{key}`"),
            SettingSource::Stage => "stage setting `*/*`".to_string(),
            SettingSource::Default => "service default".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Effective<T> {
    pub value: T,
    pub source: SettingSource,
}

pub fn stage_wide(stage: &Stage) -> Option<&MethodSetting> {
    stage.method_settings.get("*/*").map(|s| &**s)
}

/// Resolves one field of the method settings for one method of a stage.
pub fn effective<T: Clone>(
    stage: &Stage,
    path: &str,
    http_method: &str,
    field: impl Fn(&MethodSetting) -> Option<T>,
    default: T,
) -> Effective<T> {
    if let Some((key, setting)) = method_override(stage, path, http_method) {
        if let Some(value) = field(setting) {
            return Effective {
                value,
                source: SettingSource::Method(key.clone()),
            };
        }
    }
    if let Some(value) = stage_wide(stage).and_then(&field) {
        return Effective {
            value,
            source: SettingSource::Stage,
        };
    }
    Effective {
        value: default,
        source: SettingSource::Default,
    }
}

/// What a method with no override of its own gets, and what a method added later would:
/// the stage-wide `*/*` entry, else the service default.
pub fn inherited<T>(stage: &Stage, field: impl Fn(&MethodSetting) -> Option<T>, default: T) -> T {
    stage_wide(stage).and_then(field).unwrap_or(default)
}

/// The methods whose effective setting `bad` picks out, each as `METHOD /path (where the value
/// comes from)`, so a per-stage finding names every method and the entry that decides it.
pub fn methods_where<T: Clone>(
    stage: &Stage,
    methods: &[(&Resource, &Method)],
    field: impl Fn(&MethodSetting) -> Option<T>,
    default: T,
    bad: impl Fn(&T) -> bool,
) -> Vec<String> {
    methods
        .iter()
        .filter_map(|(r, m)| {
            let e = effective(stage, &r.path, &m.http_method, &field, default.clone());
            bad(&e.value).then(|| format!("{} {} ({})", m.http_method, r.path, e.source.describe()))
        })
        .collect()
}

/// A throttle AWS enforces: both limits set and neither `-1` (which means unlimited).
pub fn is_bounded(burst: Option<i64>, rate: Option<f64>) -> bool {
    matches!(burst, Some(b) if b >= 0) && matches!(rate, Some(r) if r >= 0.0)
}

/// A limit of `-1` switches throttling off.
pub fn is_unlimited(burst: Option<i64>, rate: Option<f64>) -> bool {
    burst.is_some_and(|b| b < 0) || rate.is_some_and(|r| r < 0.0)
}

/// Method overrides that switch throttling off (`-1` rate or burst).
pub fn unthrottled_overrides(stage: &Stage) -> Vec<&str> {
    stage
        .method_settings
        .iter()
        .filter(|(key, s)| {
            key.as_str() != "*/*" && is_unlimited(s.throttling_burst_limit, s.throttling_rate_limit)
        })
        .map(|(key, _)| key.as_str())
        .collect()
}

/// A v2 stage's `defaultRouteSettings` value of `field`, which a route's own `routeSettings`
/// entry overrides.
pub fn default_route<T>(stage: &V2Stage, field: impl Fn(&RouteSettings) -> Option<T>) -> Option<T> {
    stage.default_route_settings.as_ref().and_then(field)
}

/// The route keys whose own `routeSettings` entry sets `field` to `value`, in key order.
pub fn routes_set_to<T: PartialEq>(
    stage: &V2Stage,
    field: impl Fn(&RouteSettings) -> Option<T>,
    value: T,
) -> Vec<&str> {
    (stage.route_settings.iter())
        .filter(|(_, s)| field(s).as_ref() == Some(&value))
        .map(|(k, _)| k.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::LoggingLevel;

    fn stage(entries: &[(&str, Option<LoggingLevel>)]) -> Stage {
        crate::model::test_stage(entries)
    }

    fn level(stage: &Stage, path: &str, method: &str) -> Effective<LoggingLevel> {
        effective(
            stage,
            path,
            method,
            |s| s.logging_level.clone(),
            LoggingLevel::Off,
        )
    }

    #[test]
    fn method_override_wins_in_both_directions() {
        let s = stage(&[
            ("*/*", Some(LoggingLevel::Info)),
            ("~1pets/GET", Some(LoggingLevel::Off)),
        ]);
        assert_eq!(level(&s, "/pets", "GET").value, LoggingLevel::Off);
        assert_eq!(level(&s, "/pets", "POST").value, LoggingLevel::Info);
        let s = stage(&[
            ("*/*", Some(LoggingLevel::Off)),
            ("~1pets/GET", Some(LoggingLevel::Error)),
        ]);
        assert_eq!(level(&s, "/pets", "GET").value, LoggingLevel::Error);
        assert_eq!(level(&s, "/pets", "POST").value, LoggingLevel::Off);
    }

    #[test]
    fn unset_override_field_falls_through() {
        let s = stage(&[("*/*", Some(LoggingLevel::Error)), ("~1pets/GET", None)]);
        let e = level(&s, "/pets", "GET");
        assert_eq!(e.value, LoggingLevel::Error);
        assert_eq!(e.source, SettingSource::Stage);
        let e = level(&stage(&[]), "/pets", "GET");
        assert_eq!(e.source, SettingSource::Default);
    }
}
