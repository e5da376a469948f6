//! Identities of the resources findings are about: ARN, a stable relative path for SARIF,
//! and a label for people.

use std::collections::BTreeMap;

use crate::model::{ApiKey, DomainName, Resource, RestApi, Stage, UsagePlan, V2Api, V2Stage};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    pub arn: String,
    /// `aws/<account>/<region>/apigateway/...`: a relative path, never an ARN.
    pub path: String,
    pub label: String,
    /// Tags of the resource (a stage inherits its API's), for mutes that select by tag.
    pub tags: BTreeMap<String, String>,
}

impl ResourceRef {
    fn with_tags<'t>(
        mut self,
        tags: impl IntoIterator<Item = &'t BTreeMap<String, String>>,
    ) -> Self {
        for t in tags {
            self.tags
                .extend(t.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        self
    }
}

/// Everything but RFC 3986's unreserved characters is escaped in a path segment.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()
}

fn push_segment(out: &mut String, s: &str) {
    out.extend(percent_encoding::utf8_percent_encode(s, SEGMENT));
}

/// Builds refs for one account and region.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub partition: &'a str,
    pub account_id: &'a str,
    pub region: &'a str,
}

impl Scope<'_> {
    /// An API Gateway resource addressed by its ARN path segments (`restapis`, id, ...).
    pub fn apigateway(&self, segments: &[&str], label: String) -> ResourceRef {
        let mut path = String::with_capacity(64);
        path.push_str("aws/");
        push_segment(&mut path, self.account_id);
        path.push('/');
        push_segment(&mut path, self.region);
        path.push_str("/apigateway");
        for s in segments {
            path.push('/');
            push_segment(&mut path, s);
        }
        ResourceRef {
            arn: format!(
                "arn:{}:apigateway:{}::/{}",
                self.partition,
                self.region,
                segments.join("/")
            ),
            path,
            label,
            tags: BTreeMap::new(),
        }
    }

    pub fn region_scope(&self, what: &str) -> ResourceRef {
        self.apigateway(&[what], format!("{what} in {}", self.region))
    }

    pub fn rest_api(&self, api: &RestApi) -> ResourceRef {
        self.apigateway(&["restapis", &api.id], format!("{} ({})", api.name, api.id))
            .with_tags([&api.tags])
    }

    pub fn rest_method(&self, api: &RestApi, resource: &Resource, method: &str) -> ResourceRef {
        self.apigateway(
            &[
                "restapis",
                &api.id,
                "resources",
                &resource.id,
                "methods",
                method,
            ],
            format!("{} ({}) {} {}", api.name, api.id, method, resource.path),
        )
        .with_tags([&api.tags])
    }

    pub fn rest_stage(&self, api: &RestApi, stage: &Stage) -> ResourceRef {
        self.apigateway(
            &["restapis", &api.id, "stages", &stage.stage_name],
            format!("{} ({}) stage {}", api.name, api.id, stage.stage_name),
        )
        .with_tags([&api.tags, &stage.tags])
    }
    pub fn rest_authorizer(&self, api: &RestApi, id: &str, name: &str) -> ResourceRef {
        self.apigateway(
            &["restapis", &api.id, "authorizers", id],
            format!("{} ({}) authorizer {name}", api.name, api.id),
        )
        .with_tags([&api.tags])
    }

    pub fn v2_authorizer(&self, api: &V2Api, id: &str, name: &str) -> ResourceRef {
        self.apigateway(
            &["apis", &api.api_id, "authorizers", id],
            format!("{} ({}) authorizer {name}", api.name, api.api_id),
        )
        .with_tags([&api.tags])
    }

    pub fn v2_api(&self, api: &V2Api) -> ResourceRef {
        self.apigateway(
            &["apis", &api.api_id],
            format!("{} ({})", api.name, api.api_id),
        )
        .with_tags([&api.tags])
    }

    pub fn v2_integration(&self, api: &V2Api, integration_id: &str) -> ResourceRef {
        self.apigateway(
            &["apis", &api.api_id, "integrations", integration_id],
            format!("{} ({}) integration {integration_id}", api.name, api.api_id),
        )
        .with_tags([&api.tags])
    }

    pub fn api_key(&self, key: &ApiKey) -> ResourceRef {
        let label = match &key.name {
            Some(name) => format!("API key {name} ({})", key.id),
            None => format!("API key {}", key.id),
        };
        self.apigateway(&["apikeys", &key.id], label)
            .with_tags([&key.tags])
    }

    pub fn usage_plan(&self, plan: &UsagePlan) -> ResourceRef {
        self.apigateway(
            &["usageplans", &plan.id],
            format!("usage plan {} ({})", plan.name, plan.id),
        )
    }

    pub fn client_certificate(&self, id: &str) -> ResourceRef {
        self.apigateway(
            &["clientcertificates", id],
            format!("client certificate {id}"),
        )
    }

    /// The per-region API Gateway account settings (`GetAccount`).
    pub fn account_settings(&self) -> ResourceRef {
        self.apigateway(
            &["account"],
            format!("API Gateway account settings in {}", self.region),
        )
    }

    /// A resource known only by its ARN (an entry dropped from a list, named in a collection
    /// error).
    pub fn by_arn(&self, arn: &str) -> ResourceRef {
        match arn.split_once("::/") {
            Some((_, path)) if arn.contains(":apigateway:") => {
                let segments: Vec<&str> = path.split('/').collect();
                self.apigateway(&segments, format!("{path} (not collected)"))
            }
            _ => {
                let service = arn.split(':').nth(2).unwrap_or("aws");
                self.external(service, arn, format!("{arn} (not collected)"))
            }
        }
    }

    /// A resource of another service (web ACL, log group, trail, IAM role), by its own ARN.
    pub fn external(&self, service: &str, arn: &str, label: String) -> ResourceRef {
        let name = arn.splitn(6, ':').nth(5).unwrap_or(arn);
        ResourceRef {
            arn: arn.to_string(),
            path: format!(
                "aws/{}/{}/{}/{}",
                segment(self.account_id),
                segment(self.region),
                segment(service),
                name.split(['/', ':'])
                    .map(segment)
                    .collect::<Vec<_>>()
                    .join("/")
            ),
            label,
            tags: BTreeMap::new(),
        }
    }

    /// The account itself in this region, for account-wide checks (CloudTrail).
    pub fn account(&self, service: &str) -> ResourceRef {
        ResourceRef {
            arn: format!(
                "arn:{}:{service}:{}:{}:account",
                self.partition, self.region, self.account_id
            ),
            path: format!(
                "aws/{}/{}/{}/account",
                segment(self.account_id),
                segment(self.region),
                segment(service)
            ),
            label: format!("account {} in {}", self.account_id, self.region),
            tags: BTreeMap::new(),
        }
    }

    pub fn v2_route(&self, api: &V2Api, route_id: &str, route_key: &str) -> ResourceRef {
        self.apigateway(
            &["apis", &api.api_id, "routes", route_id],
            format!("{} ({}) route {}", api.name, api.api_id, route_key),
        )
        .with_tags([&api.tags])
    }

    pub fn v2_stage(&self, api: &V2Api, stage: &V2Stage) -> ResourceRef {
        self.apigateway(
            &["apis", &api.api_id, "stages", &stage.stage_name],
            format!("{} ({}) stage {}", api.name, api.api_id, stage.stage_name),
        )
        .with_tags([&api.tags, &stage.tags])
    }

    pub fn domain(&self, domain: &DomainName) -> ResourceRef {
        let name = &domain.domain_name;
        self.apigateway(&["domainnames", name], format!("domain {name}"))
            .with_tags([&domain.tags])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_and_escaped() {
        let scope = Scope {
            partition: "aws",
            account_id: "123456789012",
            region: "eu-west-1",
        };
        let r = scope.apigateway(&["apis", "a1", "routes", "$connect x"], "l".into());
        assert_eq!(
            r.arn,
            "arn:aws:apigateway:eu-west-1::/apis/a1/routes/$connect x"
        );
        assert_eq!(
            r.path,
            "aws/123456789012/eu-west-1/apigateway/apis/a1/routes/%24connect%20x"
        );
    }
}
