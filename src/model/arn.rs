//! The fields of an ARN, split in one place for everything that reads them.

/// `arn:<partition>:<service>:<region>:<account>:<resource>`, split on its first five `:`; the
/// resource keeps any `:` of its own. Nothing is checked beyond the `arn` prefix and the
/// number of fields: [`super::is_arn`] says whether the text is a valid ARN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ArnFields<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

impl<'a> ArnFields<'a> {
    pub fn split(arn: &'a str) -> Option<Self> {
        // The first five colons by a byte loop: a searcher set up per field was most of
        // grouping a large account's SARIF alerts, which splits every failing result's ARN
        // (perf).
        let mut colons = [0usize; 5];
        let mut found = 0;
        for (i, b) in arn.bytes().enumerate() {
            if b == b':' {
                colons[found] = i;
                found += 1;
                if found == colons.len() {
                    break;
                }
            }
        }
        if found < colons.len() || &arn[..colons[0]] != "arn" {
            return None;
        }
        let field = |k: usize| &arn[colons[k - 1] + 1..colons[k]];
        Some(ArnFields {
            partition: field(1),
            service: field(2),
            region: field(3),
            account: field(4),
            resource: &arn[colons[4] + 1..],
        })
    }

    /// The path of an API Gateway resource, after `::/` (`restapis/a1/stages/prod`): API
    /// Gateway's ARNs name no account.
    pub fn apigateway_path(arn: &'a str) -> Option<&'a str> {
        Self::split(arn)
            .filter(|f| f.service == "apigateway" && f.account.is_empty())?
            .resource
            .strip_prefix('/')
    }
}

#[cfg(test)]
mod tests {
    use super::ArnFields;

    #[test]
    fn six_fields_the_last_keeping_its_colons() {
        assert_eq!(
            ArnFields::split("arn:aws:logs:eu-west-1:1:log-group:a:*"),
            Some(ArnFields {
                partition: "aws",
                service: "logs",
                region: "eu-west-1",
                account: "1",
                resource: "log-group:a:*",
            })
        );
        let gateway = ArnFields::split("arn:aws-cn:apigateway:cn-north-1::/restapis/a").unwrap();
        assert_eq!((gateway.account, gateway.resource), ("", "/restapis/a"));
        for not_one in [
            "",
            "arn:aws:logs:eu-west-1:1",
            "urn:aws:logs:r:1:x",
            "arn",
            "ar:a:b:c:d:e",
        ] {
            assert_eq!(ArnFields::split(not_one), None, "{not_one}");
        }
        let empty = ArnFields::split("arn:::é::").unwrap();
        assert_eq!((empty.service, empty.region, empty.resource), ("", "é", ""));
        let path = ArnFields::apigateway_path;
        assert_eq!(
            path("arn:aws:apigateway:eu-west-1::/restapis/a1"),
            Some("restapis/a1")
        );
        for not_one in [
            "arn:aws:apigateway:eu-west-1:1:/restapis/a1",
            "arn:aws:apigateway:eu-west-1::restapis/a1",
            "arn:aws:logs:eu-west-1:1:log-group:x:apigateway:eu-west-1::/restapis/a1",
        ] {
            assert_eq!(path(not_one), None, "{not_one}");
        }
    }
}
