//! Reaching the accounts of a scan: which accounts an organization (or one of its OUs) holds,
//! from AWS Organizations, and credentials for each one, through STS AssumeRole with the SDK's
//! own provider (it refreshes credentials before they expire; gwaudit keeps no cache of its
//! own). Which of those accounts a scan takes is decided in `account_selection`.

use std::collections::BTreeSet;
use std::fmt;
use std::time::Duration;

use aws_config::sts::AssumeRoleProvider;
use aws_config::{Region, SdkConfig};
use aws_credential_types::provider::{future, ProvideCredentials};
use aws_sdk_sts::config::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::guard::{CallLog, CountedHttpClient};
use super::{capped, Session};
use crate::account_selection::{self, Candidate};
use crate::model::NotScanned;
use crate::operations::{self, Operation};

/// Who is scanning: from STS GetCallerIdentity.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: String,
    pub partition: String,
    pub arn: String,
}

/// What Organizations answered for `--org` / `--ou`.
#[derive(Debug, Clone)]
pub struct OrgListing {
    pub organization_id: Option<String>,
    pub management_account: Option<String>,
    /// Every account found, whatever its status (the selection skips what is not ACTIVE).
    pub accounts: Vec<Candidate>,
}

/// How member accounts are entered: `--role-name` and the session settings.
#[derive(Debug, Clone, Default)]
pub struct RoleOptions {
    /// May carry an IAM path (`path/to/Role`).
    pub role_name: Option<String>,
    /// `gwaudit` unless `--role-session-name` says otherwise.
    pub session_name: Option<String>,
    pub external_id: Option<String>,
    pub session_seconds: Option<u64>,
}

pub const DEFAULT_SESSION_NAME: &str = "gwaudit";

impl RoleOptions {
    pub fn role_arn(&self, partition: &str, account: &str) -> Option<String> {
        self.role_name
            .as_deref()
            .map(|r| account_selection::role_arn(partition, account, r))
    }
}

/// One account that cannot be entered: a value the scan records ("not scanned") instead of
/// aborting the other accounts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountError {
    pub account: String,
    /// The role gwaudit tried to assume (`None`: there was no role to try).
    pub role_arn: Option<String>,
    /// STS's error code (`AccessDenied`, `RegionDisabledException`, ...) or gwaudit's own
    /// (`NoRoleName`, `WrongAccount`, `CredentialsError`).
    pub code: String,
    pub message: String,
}

impl fmt::Display for AccountError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.role_arn {
            Some(arn) => write!(
                f,
                "account {}: cannot assume {arn}: {}: {}",
                self.account, self.code, self.message
            ),
            None => write!(
                f,
                "account {}: {}: {}",
                self.account, self.code, self.message
            ),
        }
    }
}

impl std::error::Error for AccountError {}

impl From<AccountError> for NotScanned {
    fn from(e: AccountError) -> Self {
        NotScanned {
            account_id: e.account,
            role_arn: e.role_arn,
            code: e.code,
            message: e.message,
        }
    }
}

/// The credentials a collector uses for one account.
#[derive(Debug, Clone)]
pub struct AccountAccess {
    pub account: String,
    /// `None`: the caller's own credentials.
    pub role_arn: Option<String>,
    pub config: SdkConfig,
}

/// Identifies the caller. Fatal when it fails: without credentials nothing can be scanned.
pub async fn caller(session: &Session) -> anyhow::Result<Caller> {
    caller_of(session, &session.base).await
}

/// Who `config`'s credentials belong to.
pub async fn caller_of(session: &Session, config: &SdkConfig) -> anyhow::Result<Caller> {
    let sts = session.sts(config, &session.log);
    let who = capped(&session.in_flight, sts.get_caller_identity().send())
        .await
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot identify the AWS account (check credentials, --profile and --region): {}",
                DisplayErrorContext(&e)
            )
        })?;
    let arn = who.arn().unwrap_or_default().to_string();
    Ok(Caller {
        account: who.account().unwrap_or_default().to_string(),
        partition: arn.split(':').nth(1).unwrap_or("aws").to_string(),
        arn,
    })
}

/// Organizations is global; its API lives in one region per partition, which the SDK's
/// endpoint rules pick from any region. Without a configured region, us-east-1 serves.
fn home_region(base: &SdkConfig) -> Region {
    base.region()
        .cloned()
        .unwrap_or_else(|| Region::new("us-east-1"))
}

fn organizations_client(session: &Session) -> aws_sdk_organizations::Client {
    aws_sdk_organizations::Client::from_conf(
        aws_sdk_organizations::config::Builder::from(&session.base)
            .region(home_region(&session.base))
            .interceptor(session.guard.clone())
            .build(),
    )
}

/// A failed Organizations call ends the command (exit 2) before anything is scanned: an
/// organization scan that silently missed accounts would look complete.
fn organizations_error<E>(
    e: &SdkError<E, HttpResponse>,
    op: &Operation,
    caller: &Caller,
) -> anyhow::Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = e.code().unwrap_or_default();
    if code == "AWSOrganizationsNotInUseException" {
        anyhow::anyhow!(
            "account {} is not in an AWS Organization, so --org and --ou have no accounts to \
             list: run from the management account or a delegated administrator, which need \
             {} (and {}), or name the accounts with --accounts",
            caller.account,
            operations::LIST_ACCOUNTS.action,
            op.action,
        )
    } else if code.contains("AccessDenied") {
        anyhow::anyhow!(
            "{} was denied for {} (AccessDenied): the scanning identity needs {} and the other \
             Organizations reads `gwaudit permissions --org` lists, from the management \
             account or a delegated administrator; nothing was scanned",
            op.action,
            caller.arn,
            op.action,
        )
    } else {
        anyhow::anyhow!(
            "cannot list the organization's accounts ({} failed; needs {}): {}",
            op.name,
            op.action,
            DisplayErrorContext(e)
        )
    }
}

fn candidate(a: &aws_sdk_organizations::types::Account) -> Option<Candidate> {
    let status = a
        .state()
        .map(|s| s.as_str().to_string())
        .or_else(|| a.status().map(|s| s.as_str().to_string()));
    Some(Candidate {
        id: a.id()?.to_string(),
        name: a.name().map(Into::into),
        status,
    })
}

/// Every account of the organization (`ous` empty), or every account under those OUs and
/// their OUs, recursively. Paginated throughout.
pub async fn organization_accounts(
    session: &Session,
    caller: &Caller,
    ous: &[String],
) -> anyhow::Result<OrgListing> {
    use aws_sdk_organizations::types::ChildType;
    let client = organizations_client(session);
    // Answers "is there an organization?" with the precise error, and names it in listings.
    let org = client
        .describe_organization()
        .send()
        .await
        .map_err(|e| organizations_error(&e, &operations::DESCRIBE_ORGANIZATION, caller))?;
    let org = org.organization();
    let mut accounts = Vec::new();
    if ous.is_empty() {
        let mut pages = client.list_accounts().into_paginator().send();
        while let Some(page) = pages.next().await {
            let page =
                page.map_err(|e| organizations_error(&e, &operations::LIST_ACCOUNTS, caller))?;
            accounts.extend(page.accounts().iter().filter_map(candidate));
        }
    } else {
        // Depth-first over the OU tree; `seen` guards against a parent listed twice.
        let mut stack: Vec<String> = ous.to_vec();
        let mut seen = BTreeSet::new();
        while let Some(parent) = stack.pop() {
            if !seen.insert(parent.clone()) {
                continue;
            }
            let mut pages = client
                .list_accounts_for_parent()
                .parent_id(&parent)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| {
                    organizations_error(&e, &operations::LIST_ACCOUNTS_FOR_PARENT, caller)
                        .context(format!("listing the accounts of {parent}"))
                })?;
                accounts.extend(page.accounts().iter().filter_map(candidate));
            }
            let mut pages = client
                .list_children()
                .parent_id(&parent)
                .child_type(ChildType::OrganizationalUnit)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                let page = page.map_err(|e| {
                    organizations_error(&e, &operations::LIST_CHILDREN, caller)
                        .context(format!("listing the OUs under {parent}"))
                })?;
                stack.extend(
                    page.children()
                        .iter()
                        .filter_map(|c| c.id().map(Into::into)),
                );
            }
        }
    }
    Ok(OrgListing {
        organization_id: org.and_then(|o| o.id()).map(Into::into),
        management_account: org.and_then(|o| o.master_account_id()).map(Into::into),
        accounts,
    })
}

/// The error STS gave for the AssumeRole behind a failed call, found in the error's sources
/// (the credentials provider wraps it).
fn assume_role_cause(e: &(dyn std::error::Error + 'static)) -> Option<(String, String)> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(ar) = err.downcast_ref::<aws_sdk_sts::operation::assume_role::AssumeRoleError>()
        {
            return Some((
                ar.code().unwrap_or("AssumeRoleFailed").to_string(),
                ar.message()
                    .map(str::to_string)
                    .unwrap_or_else(|| DisplayErrorContext(ar).to_string()),
            ));
        }
        cur = err.source();
    }
    None
}

/// The operation name the call log counts role sessions under.
const ASSUME_ROLE_CALL: &str = "sts:AssumeRole";

/// The SDK's AssumeRole provider, counted: each time it is asked (the first credentials, then
/// each renewal; the identity cache in front of it answers everything else) it sends one
/// AssumeRole, which the read-only guard never sees.
#[derive(Debug)]
struct CountedAssumeRole {
    inner: AssumeRoleProvider,
    log: CallLog,
}

impl ProvideCredentials for CountedAssumeRole {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        self.log.operation(ASSUME_ROLE_CALL);
        self.inner.provide_credentials()
    }
}

/// Credentials for one account, with its calls counted in the run's call log. See [`enter`].
pub async fn account_access(
    session: &Session,
    caller: &Caller,
    account: &str,
    role: &RoleOptions,
) -> Result<AccountAccess, AccountError> {
    enter(session, caller, account, role, &session.log).await
}

/// Credentials for one account: the caller's own for the caller's account, else a role
/// session through the SDK's AssumeRole provider. The role is tried once here (STS
/// GetCallerIdentity through it, which also proves the credentials reach the right account),
/// so a refusal becomes this account's `AccountError` before any collector starts; the
/// session it opened stays in the SDK's identity cache for the collectors. Every call it makes
/// (AssumeRole included, now and at each renewal) counts in `log`.
pub async fn enter(
    session: &Session,
    caller: &Caller,
    account: &str,
    role: &RoleOptions,
    log: &CallLog,
) -> Result<AccountAccess, AccountError> {
    if account == caller.account {
        return Ok(AccountAccess {
            account: account.into(),
            role_arn: None,
            config: session.base.clone(),
        });
    }
    let Some(role_arn) = role.role_arn(&caller.partition, account) else {
        return Err(AccountError {
            account: account.into(),
            role_arn: None,
            code: "NoRoleName".into(),
            message: format!(
                "it is not the caller's account ({}): pass --role-name with the role to assume \
                 in it",
                caller.account
            ),
        });
    };
    // The provider's own STS client, counted (see `CountedHttpClient`).
    let counted = session
        .base
        .to_builder()
        .http_client(SharedHttpClient::new(CountedHttpClient {
            inner: session.http.clone(),
            log: log.clone(),
        }))
        .build();
    let mut builder = AssumeRoleProvider::builder(role_arn.clone())
        .configure(&counted)
        .region(home_region(&session.base))
        .session_name(role.session_name.as_deref().unwrap_or(DEFAULT_SESSION_NAME));
    if let Some(id) = &role.external_id {
        builder = builder.external_id(id);
    }
    if let Some(s) = role.session_seconds {
        builder = builder.session_length(Duration::from_secs(s));
    }
    let provider = CountedAssumeRole {
        inner: builder.build().await,
        log: log.clone(),
    };
    let config = session
        .base
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build();
    let fail = |code: String, message: String| AccountError {
        account: account.into(),
        role_arn: Some(role_arn.clone()),
        code,
        message: message.chars().take(500).collect(),
    };
    let sts = session.sts(&config, log);
    match capped(&session.in_flight, sts.get_caller_identity().send()).await {
        Ok(who) if who.account() == Some(account) => Ok(AccountAccess {
            account: account.into(),
            role_arn: Some(role_arn.clone()),
            config,
        }),
        Ok(who) => Err(fail(
            "WrongAccount".into(),
            format!(
                "the role's credentials belong to account {}",
                who.account().unwrap_or("?")
            ),
        )),
        Err(e) => Err(match assume_role_cause(&e) {
            Some((code, message)) => fail(code, message),
            None => fail(
                "CredentialsError".into(),
                DisplayErrorContext(&e).to_string().replace('\n', " "),
            ),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_account_error_names_account_role_and_reason() {
        let role = RoleOptions {
            role_name: Some("audit/Gwaudit".into()),
            ..Default::default()
        };
        let arn = role.role_arn("aws-cn", "111111111111");
        assert_eq!(
            arn.as_deref(),
            Some("arn:aws-cn:iam::111111111111:role/audit/Gwaudit")
        );
        let e = AccountError {
            account: "111111111111".into(),
            role_arn: arn,
            code: "AccessDenied".into(),
            message: "not authorized to perform: sts:AssumeRole".into(),
        };
        assert_eq!(
            e.to_string(),
            "account 111111111111: cannot assume arn:aws-cn:iam::111111111111:role/audit/Gwaudit: \
             AccessDenied: not authorized to perform: sts:AssumeRole"
        );
        assert_eq!(RoleOptions::default().role_arn("aws", "1"), None);
    }
}
