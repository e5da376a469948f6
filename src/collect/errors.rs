//! Turns a failed AWS call into a recorded collection error: what failed, why, and which
//! permission to grant when access was denied.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::model::CollectionError;
use crate::operations::Operation;

/// A missing permission, as opposed to bad or expired credentials (also 403s).
fn is_access_denied(code: &str, status: Option<u16>) -> bool {
    let credential_problem = [
        "ExpiredToken",
        "InvalidSignatureException",
        "SignatureDoesNotMatch",
        "UnrecognizedClientException",
        "InvalidClientTokenId",
    ]
    .iter()
    .any(|c| code.contains(c));
    !credential_problem
        && (code.contains("AccessDenied")
            || code.contains("Unauthorized")
            || code == "Forbidden"
            || code == "AuthorizationError"
            || status == Some(403))
}

pub fn collection_error<E>(
    err: &SdkError<E, HttpResponse>,
    operation: &Operation,
    region: Option<&str>,
    resource: Option<&str>,
) -> CollectionError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let (code, message, status) = match err {
        SdkError::ServiceError(e) => (
            e.err()
                .code()
                .map(str::to_string)
                .unwrap_or_else(|| match e.raw().status().as_u16() {
                    s @ 200..=299 => format!("UnparsableResponse{s}"),
                    s => format!("HTTP{s}"),
                }),
            e.err()
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| DisplayErrorContext(e.err()).to_string()),
            Some(e.raw().status().as_u16()),
        ),
        SdkError::TimeoutError(_) => ("Timeout".into(), "the call timed out".into(), None),
        SdkError::DispatchFailure(_) => (
            "DispatchFailure".into(),
            format!(
                "could not send the request: {}",
                DisplayErrorContext(err).to_string().replace('\n', " ")
            ),
            None,
        ),
        SdkError::ResponseError(e) => (
            "UnparsableResponse".into(),
            format!("the answer could not be read: {}", DisplayErrorContext(err)),
            Some(e.raw().status().as_u16()),
        ),
        _ => (
            "RequestFailed".into(),
            DisplayErrorContext(err).to_string(),
            None,
        ),
    };
    let missing_permission = is_access_denied(&code, status)
        .then_some(operation)
        .map(|o| {
            format!(
                "{} on {}",
                o.action,
                resource.filter(|_| o.resource != "*").unwrap_or(o.resource)
            )
        });
    CollectionError {
        account_id: None,
        service: operation.service.to_string(),
        operation: operation.name.to_string(),
        region: region.map(str::to_string),
        resource: resource.map(str::to_string),
        code,
        message: message.chars().take(500).collect(),
        missing_permission,
    }
}
