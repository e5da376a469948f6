use std::fmt;

use serde::{Deserialize, Serialize};

/// API Gateway names execution log groups `API-Gateway-Execution-Logs_{apiId}/{stage}` for
/// REST and WebSocket APIs alike; the collector lists this prefix and GW506/GW507 look for it.
pub const EXECUTION_LOG_PREFIX: &str = "API-Gateway-Execution-Logs_";

pub fn execution_log_group(api_id: &str, stage: &str) -> String {
    format!("{EXECUTION_LOG_PREFIX}{api_id}/{stage}")
}

/// A CloudWatch Logs log group API Gateway writes to.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogGroup {
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub retention_in_days: Option<i64>,
    #[serde(default)]
    pub kms_key_id: Option<String>,
}

/// A CloudWatch Logs log group ARN, `arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME`, as
/// access log destinations name it (often with the `:*` suffix that covers the group's
/// streams). The one parser of these ARNs: the collector (which groups to look up) and the
/// rules (which group a stage writes to) both use it. Displays without the `:*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogGroupArn<'a> {
    pub partition: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub name: &'a str,
}

impl<'a> LogGroupArn<'a> {
    /// `None` for anything but a log group of CloudWatch Logs (a Firehose delivery stream, an
    /// ARN of another service, a group with no name). One trailing `:*` is dropped; the rest
    /// after `log-group:` is the name, kept whole even when it holds a `:` (AWS names do not,
    /// so such a name matches no group instead of a wrongly shortened one).
    pub fn parse(arn: &'a str) -> Option<Self> {
        let fields = super::ArnFields::split(arn).filter(|f| f.service == "logs")?;
        let (partition, region, account) = (fields.partition, fields.region, fields.account);
        let name = fields.resource.strip_prefix("log-group:")?;
        let name = name.strip_suffix(":*").unwrap_or(name);
        (!name.is_empty()).then_some(LogGroupArn {
            partition,
            region,
            account,
            name,
        })
    }
}

impl fmt::Display for LogGroupArn<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let LogGroupArn {
            partition,
            region,
            account,
            name,
        } = self;
        write!(
            f,
            "arn:{partition}:logs:{region}:{account}:log-group:{name}"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_group_arns_parse_with_and_without_the_stream_wildcard() {
        let plain = "arn:aws:logs:us-east-1:111122223333:log-group:/apigw/access";
        let group = LogGroupArn::parse(plain).unwrap();
        assert_eq!(
            group,
            LogGroupArn {
                partition: "aws",
                region: "us-east-1",
                account: "111122223333",
                name: "/apigw/access",
            }
        );
        assert_eq!(group.to_string(), plain);
        let with_streams = format!("{plain}:*");
        let wildcard = LogGroupArn::parse(&with_streams).unwrap();
        assert_eq!(wildcard, group);
        assert_eq!(wildcard.to_string(), plain);
        let china = LogGroupArn::parse(
            "arn:aws-cn:logs:cn-north-1:1:log-group:API-Gateway-Execution-Logs_a1/prod:*",
        )
        .unwrap();
        assert_eq!(
            (china.partition, china.name),
            ("aws-cn", "API-Gateway-Execution-Logs_a1/prod")
        );
    }

    #[test]
    fn names_are_kept_whole() {
        let odd = LogGroupArn::parse("arn:aws:logs:eu-west-1:1:log-group:a:b:c:*").unwrap();
        assert_eq!(odd.name, "a:b:c");
        // Only one `:*` is the stream wildcard.
        let twice = LogGroupArn::parse("arn:aws:logs:eu-west-1:1:log-group:a:*:*").unwrap();
        assert_eq!(twice.name, "a:*");
        let nested = LogGroupArn::parse("arn:aws:logs:eu-west-1:1:log-group:log-group:x").unwrap();
        assert_eq!(nested.name, "log-group:x");
    }

    #[test]
    fn other_arns_are_not_log_groups() {
        for arn in [
            "arn:aws:firehose:us-east-1:111122223333:deliverystream/amazon-apigateway-x",
            "arn:aws:s3:::bucket/log-group:x",
            "arn:aws:firehose:us-east-1:1:log-group:x",
            "arn:aws:logs:us-east-1:1:destination:x",
            "arn:aws:logs:us-east-1:1:log-group:",
            "arn:aws:logs:us-east-1:1:log-group::*",
            "arn:aws:logs:us-east-1:1",
            "x:aws:logs:us-east-1:1:log-group:x",
            "/apigw/access",
            "",
        ] {
            assert_eq!(LogGroupArn::parse(arn), None, "{arn}");
        }
    }
}
