//! TLS security policy grading for custom domains and REST API endpoints (catalog table).

use crate::model::{EndpointType, RestApi};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsGrade {
    /// Allows TLS 1.0: fail, high.
    Tls10,
    /// TLS 1.2 floor but CBC suites or non-forward-secret key exchange remain: fail, medium.
    Tls12Legacy,
    /// TLS 1.2+ with only strong, forward-secret AEAD suites (or TLS 1.3 only).
    Strong,
    /// A name this version does not know: needs review.
    Unrecognized,
}

const LEGACY_TLS12: &[&str] = &[
    "TLS_1_2",
    "SecurityPolicy_TLS13_1_2_2021_06",
    "SecurityPolicy_TLS13_1_2_PQ_2025_09",
    "SecurityPolicy_TLS12_2018_EDGE",
];

const STRONG: &[&str] = &[
    "SecurityPolicy_TLS13_1_3_2025_09",
    "SecurityPolicy_TLS13_1_3_FIPS_2025_09",
    "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PFS_PQ_2025_09",
    "SecurityPolicy_TLS13_1_2_FIPS_PQ_2025_09",
    "SecurityPolicy_TLS13_2025_EDGE",
    "SecurityPolicy_TLS12_PFS_2025_EDGE",
];

/// Grades a policy name exactly as AWS spells it (names are case-sensitive in AWS).
pub fn grade(policy: &str) -> TlsGrade {
    if policy == "TLS_1_0" {
        TlsGrade::Tls10
    } else if LEGACY_TLS12.contains(&policy) {
        TlsGrade::Tls12Legacy
    } else if STRONG.contains(&policy) {
        TlsGrade::Strong
    } else {
        TlsGrade::Unrecognized
    }
}

/// The policy a REST API's default endpoint negotiates, and whether it is AWS's default
/// (absent field): PRIVATE APIs default to `TLS_1_2`, regional and edge APIs to `TLS_1_0`.
pub fn rest_api_policy(api: &RestApi) -> (String, bool) {
    match &api.security_policy {
        Some(p) => (p.clone(), false),
        None if api.endpoint_types.contains(&EndpointType::Private) => ("TLS_1_2".into(), true),
        None => ("TLS_1_0".into(), true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grades_follow_the_catalog_table() {
        assert_eq!(grade("TLS_1_0"), TlsGrade::Tls10);
        assert_eq!(grade("TLS_1_2"), TlsGrade::Tls12Legacy);
        assert_eq!(
            grade("SecurityPolicy_TLS12_2018_EDGE"),
            TlsGrade::Tls12Legacy
        );
        assert_eq!(grade("SecurityPolicy_TLS13_1_3_2025_09"), TlsGrade::Strong);
        assert_eq!(
            grade("SecurityPolicy_TLS12_PFS_2025_EDGE"),
            TlsGrade::Strong
        );
        assert_eq!(grade("tls_1_2"), TlsGrade::Unrecognized);
        assert_eq!(grade("SecurityPolicy_TLS14_2030"), TlsGrade::Unrecognized);
    }

    #[test]
    fn defaults_depend_on_endpoint_type() {
        let mut api = RestApi {
            endpoint_types: vec![EndpointType::Regional],
            ..Default::default()
        };
        assert_eq!(rest_api_policy(&api), ("TLS_1_0".into(), true));
        api.endpoint_types = vec![EndpointType::Private];
        assert_eq!(rest_api_policy(&api), ("TLS_1_2".into(), true));
    }
}
