//! Command line: parse arguments, run one command, map outcomes to exit codes
//! (0 clean, 1 failing findings at or above `--fail-on`, 2 usage/input/I-O errors,
//! 3 incomplete scan with `--strict`, or SARIF withheld for an incomplete scan).

use std::collections::BTreeSet;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::account_selection;
use crate::config;
use crate::model::{self, OrgSnapshot, UnknownCause};
use crate::report::{self, table::TableOptions, FailOn, ScanReport};
use crate::rules::{self, frameworks, registry};
use crate::scan::{ScanSettings, Source};
use crate::term;

/// The bundled demo account, so `gwaudit scan --demo` works anywhere.
pub const DEMO_SNAPSHOT: &str = include_str!("../fixtures/demo/demo-account.json");
const DEMO_NAME: &str = "embedded demo snapshot (fixtures/demo/demo-account.json)";

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;
pub const EXIT_INCOMPLETE: i32 = 3;

#[derive(Parser, Debug)]
#[command(
    name = "gwaudit",
    version,
    about = "Security-posture scanner for AWS API Gateway"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate the rules and report findings.
    Scan(Box<ScanArgs>),
    /// Collect a snapshot of the account without evaluating it (`scan --snapshot` reads it).
    Collect(CollectArgs),
    /// Render a saved JSON report again in another format, without calling AWS.
    Convert(ConvertArgs),
    /// Combine JSON reports (the shards of an organization scan, or scans of other accounts or
    /// regions) into one report, rendered in any format, with the mutes, baseline, compliance
    /// views and exit code of a scan.
    Merge(Box<MergeArgs>),
    /// Print the minimal read-only IAM policy gwaudit needs (with --org: the scanner's policy
    /// and the member role's policy and trust).
    Permissions(PermissionsArgs),
    /// Print the accounts an account selection (--org, --ou, --accounts, --accounts-file)
    /// resolves to, this shard's part, the role each is entered through, and the skipped
    /// accounts; --check tries the role in each.
    Accounts(AccountsCommandArgs),
    /// List the rules.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Table)]
        format: ListFormat,
    },
    /// Print one rule's documentation.
    Explain {
        /// Rule id, e.g. GW102.
        rule: String,
    },
}

/// Where and how reports are written; shared by `scan`, `merge` and `convert`.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Report format for `--output` (or standard output).
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Also write FORMAT to PATH (`-` is standard output); repeatable, e.g.
    /// `--output-to sarif=gwaudit.sarif --output-to markdown=summary.md`.
    #[arg(long, value_name = "FORMAT=PATH", value_parser = parse_output_target)]
    pub output_to: Vec<OutputTarget>,
    /// SARIF `automationDetails` category: one per account/region set you upload separately.
    #[arg(long, value_name = "NAME")]
    pub sarif_category: Option<String>,
    /// Write SARIF even when the scan is incomplete (code scanning would close alerts for
    /// what could not be collected).
    #[arg(long)]
    pub allow_incomplete_sarif: bool,
    /// Byte limit of the Markdown report (GitHub step summaries take 1 MiB; PR comments 65536
    /// characters).
    #[arg(long, value_name = "BYTES", default_value_t = report::markdown::STEP_SUMMARY_LIMIT,
          value_parser = parse_markdown_limit)]
    pub markdown_limit: usize,
    /// Show every failing and unknown result, and every account, in the table and Markdown
    /// reports. Both always lead with counts per rule and per account; without --details they
    /// then show the first 50 failing and 50 unknown results and the 20 worst accounts, and say
    /// how many were left out. The JSON report always holds every result.
    #[arg(long)]
    pub details: bool,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Where to collect from: the standard AWS credential chain, narrowed by these.
#[derive(Args, Debug, Clone, Default)]
pub struct AwsArgs {
    /// Named profile (SSO and assume-role profiles included).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region to scan; repeatable. Default: the profile's or environment's region.
    #[arg(long, value_name = "REGION")]
    pub region: Vec<String>,
    /// Scan every region enabled in the account.
    #[arg(long, conflicts_with = "region")]
    pub all_regions: bool,
    /// Send every call to this endpoint (moto, LocalStack).
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// API Gateway requests per second per region (at most 10, the AWS quota); lower it when
    /// deployments share the quota.
    #[arg(long, value_name = "N", default_value_t = crate::collect::DEFAULT_MAX_RPS)]
    pub max_rps: f64,
    /// AWS requests in flight at once over the whole run (every account and region): bounds
    /// the connections a large organization scan opens.
    #[arg(long, value_name = "N", default_value_t = crate::collect::DEFAULT_MAX_IN_FLIGHT,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=1024))]
    pub max_in_flight: usize,
    /// No progress lines on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

impl AwsArgs {
    fn options(&self) -> crate::collect::CollectOptions {
        crate::collect::CollectOptions {
            profile: self.profile.clone(),
            regions: self.region.clone(),
            all_regions: self.all_regions,
            endpoint_url: self.endpoint_url.clone(),
            max_rps: self.max_rps,
            max_accounts: 0,
            max_in_flight: self.max_in_flight,
            quiet: self.quiet,
        }
    }
}

/// Which accounts to scan and how to enter them. Without any of --org, --ou, --accounts and
/// --accounts-file, the caller's own account is scanned, as before.
#[derive(Args, Debug, Clone, Default)]
pub struct AccountArgs {
    /// Every ACTIVE account of the caller's AWS Organization (from the management account or
    /// a delegated administrator); suspended and closed accounts are skipped and listed.
    #[arg(long, conflicts_with_all = ["accounts", "accounts_file"])]
    pub org: bool,
    /// Only the accounts under this organizational unit (or root), recursively; repeatable.
    #[arg(long, value_name = "OU_ID", value_parser = parse_ou_id,
          conflicts_with_all = ["accounts", "accounts_file"])]
    pub ou: Vec<String>,
    /// These accounts (12-digit ids), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "IDS",
          value_parser = account_selection::parse_account_id)]
    pub accounts: Vec<String>,
    /// Accounts from FILE: one id per line, `#` comments and blank lines allowed.
    #[arg(long, value_name = "FILE")]
    pub accounts_file: Option<PathBuf>,
    /// Leave these accounts out of any selection, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "IDS",
          value_parser = account_selection::parse_account_id)]
    pub exclude_accounts: Vec<String>,
    /// Take only part I of N of the sorted account list (1-based): account k of the sorted
    /// list goes to shard (k mod N)+1, so N CI jobs cover it exactly once.
    #[arg(long, value_name = "I/N", value_parser = account_selection::Shard::parse)]
    pub shard: Option<account_selection::Shard>,
    /// Role to assume in every account but the caller's own (may include a path:
    /// path/to/Role); the ARN is arn:<partition>:iam::<account>:role/<name>.
    #[arg(long, value_name = "NAME", value_parser = account_selection::parse_role_name)]
    pub role_name: Option<String>,
    /// Role session name (default: gwaudit), visible in the member accounts' CloudTrail.
    #[arg(long, value_name = "NAME", value_parser = account_selection::parse_session_name)]
    pub role_session_name: Option<String>,
    /// External id the member role's trust policy requires.
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// Role session length in seconds (900 to 43200; the role's maximum may be lower). The
    /// SDK renews the session before it expires.
    #[arg(long, value_name = "SECONDS", value_parser = account_selection::parse_session_duration)]
    pub session_duration: Option<u64>,
    /// Accounts collected at once by scan and collect (each with all its regions at once).
    #[arg(long, value_name = "N", default_value_t = crate::collect::DEFAULT_MAX_ACCOUNTS,
          value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=256))]
    pub max_accounts: usize,
}

fn parse_ou_id(s: &str) -> Result<String, String> {
    let ok = (s.starts_with("ou-") || s.starts_with("r-"))
        && s.len() <= 68
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "`{}` is not an organizational unit id (ou-...) or root id (r-...)",
            term::printable(s)
        ))
    }
}

impl AccountArgs {
    /// True when the user chose accounts (rather than the caller's own).
    pub fn selects(&self) -> bool {
        self.org || !self.ou.is_empty() || !self.accounts.is_empty() || self.accounts_file.is_some()
    }

    /// The settings that only mean something with a selection are refused without one, so a
    /// forgotten --org never silently scans the caller's account instead.
    fn validate(&self) -> anyhow::Result<()> {
        if self.selects() {
            return Ok(());
        }
        let orphan = [
            (!self.exclude_accounts.is_empty(), "--exclude-accounts"),
            (self.shard.is_some(), "--shard"),
            (self.role_name.is_some(), "--role-name"),
            (self.role_session_name.is_some(), "--role-session-name"),
            (self.external_id.is_some(), "--external-id"),
            (self.session_duration.is_some(), "--session-duration"),
        ];
        match orphan.iter().find(|(set, _)| *set) {
            Some((_, flag)) => anyhow::bail!(
                "{flag} needs an account selection: --org, --ou, --accounts or --accounts-file"
            ),
            None => Ok(()),
        }
    }

    fn role(&self) -> crate::collect::accounts::RoleOptions {
        crate::collect::accounts::RoleOptions {
            role_name: self.role_name.clone(),
            session_name: self.role_session_name.clone(),
            external_id: self.external_id.clone(),
            session_seconds: self.session_duration,
        }
    }

    /// The accounts the user listed (--accounts and --accounts-file), read and checked before
    /// any AWS call.
    fn listed(&self) -> anyhow::Result<Vec<account_selection::Candidate>> {
        let mut ids = self.accounts.clone();
        if let Some(path) = &self.accounts_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
            ids.extend(
                account_selection::parse_accounts_file(&text, &path.display().to_string())
                    .map_err(anyhow::Error::msg)?,
            );
        }
        Ok(ids
            .into_iter()
            .map(|id| account_selection::Candidate {
                id,
                name: None,
                status: None,
            })
            .collect())
    }
}

/// The accounts a selection resolved to, with the organization they came from.
struct Resolved {
    caller: crate::collect::accounts::Caller,
    org: Option<crate::collect::accounts::OrgListing>,
    selection: account_selection::Selection,
}

async fn resolve_accounts(
    session: &crate::collect::Session,
    args: &AccountArgs,
) -> anyhow::Result<Resolved> {
    let listed = args.listed()?;
    let caller = crate::collect::accounts::caller(session).await?;
    let org = if args.org || !args.ou.is_empty() {
        Some(crate::collect::accounts::organization_accounts(session, &caller, &args.ou).await?)
    } else {
        None
    };
    let mut candidates = listed;
    if let Some(o) = &org {
        candidates.extend(o.accounts.iter().cloned());
    }
    let selection = account_selection::select(
        candidates,
        &args.exclude_accounts,
        args.shard.unwrap_or(account_selection::Shard::WHOLE),
    );
    Ok(Resolved {
        caller,
        org,
        selection,
    })
}

#[derive(Parser, Debug)]
pub struct AccountsCommandArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub accounts: AccountArgs,
    /// Try to enter every selected account (AssumeRole, then GetCallerIdentity through it) and
    /// report each one's error; exit 2 when any account cannot be entered.
    #[arg(long)]
    pub check: bool,
    #[arg(long, value_enum, default_value_t = AccountsFormat::Table)]
    pub format: AccountsFormat,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AccountsFormat {
    Table,
    Json,
}

#[derive(Parser, Debug)]
pub struct PermissionsArgs {
    /// Also the policies an organization scan needs: the scanner's (Organizations reads and
    /// sts:AssumeRole on the member role) and the member role's (read-only, with its trust).
    #[arg(long)]
    pub org: bool,
    /// The member role's name (may include a path).
    #[arg(long, value_name = "NAME", default_value = "GwauditReadOnly", requires = "org",
          value_parser = account_selection::parse_role_name)]
    pub role_name: String,
    /// The account the scanner runs in, trusted by the member role (default: a placeholder).
    #[arg(long, value_name = "ID", requires = "org",
          value_parser = account_selection::parse_account_id)]
    pub scanner_account: Option<String>,
    /// Require this external id in the member role's trust policy.
    #[arg(long, value_name = "ID", requires = "org")]
    pub external_id: Option<String>,
}

#[derive(Parser, Debug)]
pub struct CollectArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub accounts: AccountArgs,
    /// Snapshot file to write (mode 0600; `-` for standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Parser, Debug)]
pub struct ScanArgs {
    /// Evaluate a saved snapshot instead of calling AWS.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["demo", "profile", "region", "all_regions", "endpoint_url", "org", "ou", "accounts", "accounts_file"])]
    pub snapshot: Option<PathBuf>,
    /// Evaluate the bundled demo account.
    #[arg(long, conflicts_with_all = ["profile", "region", "all_regions", "endpoint_url", "org", "ou", "accounts", "accounts_file"])]
    pub demo: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub accounts: AccountArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Run only these rules (ids or prefixes such as GW1), comma-separated; overrides the
    /// configuration's `rules.select`.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub rules: Vec<String>,
    /// Skip these rules (ids or prefixes), comma-separated; added to `rules.skip`.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub skip_rules: Vec<String>,
    #[command(flatten)]
    pub triage: TriageArgs,
}

/// What decides over findings once they exist (mutes, baseline, compliance views, exit code);
/// shared by `scan` and `merge`.
#[derive(Args, Debug, Clone)]
pub struct TriageArgs {
    /// Exit 1 when a failing finding that is neither muted nor in the baseline has at least this
    /// severity.
    #[arg(
        long,
        default_value = "high",
        value_name = "critical|high|medium|low|info|none"
    )]
    pub fail_on: FailOn,
    /// Add a per-requirement view of a compliance framework to the table, JSON and Markdown
    /// reports (fsbp, cis-7.0, pci-dss-4.0, nist-800-53-r5); repeatable or comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "FRAMEWORK", value_parser = parse_framework)]
    pub compliance: Vec<String>,
    /// Configuration file (default: ./gwaudit.toml when present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// A previous JSON report: findings are marked new or unchanged, and only new ones fail.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,
    /// Exit 3 when the scan is incomplete (something could not be collected).
    #[arg(long)]
    pub strict: bool,
}

impl TriageArgs {
    /// The configuration (found as `scan` finds it) with these flags and the rule selection.
    fn settings(&self, rules: &[String], skip_rules: &[String]) -> anyhow::Result<ScanSettings> {
        let cwd = std::env::current_dir()?;
        let config = config::discover(self.config.as_deref(), &cwd)?;
        let mut settings = ScanSettings::from_config(&config, rules, skip_rules);
        settings.baseline = self
            .baseline
            .as_deref()
            .map(crate::scan::load_baseline)
            .transpose()?;
        settings.compliance = self.compliance.clone();
        settings.fail_on = Some(self.fail_on);
        settings.strict = self.strict;
        Ok(settings)
    }
}

#[derive(Parser, Debug)]
pub struct MergeArgs {
    /// JSON reports of `gwaudit scan --format json` (the shards of one scan, or scans of other
    /// accounts or regions); each account-region may be in one of them only.
    #[arg(required = true, value_name = "REPORT.json")]
    pub reports: Vec<PathBuf>,
    #[command(flatten)]
    pub out: OutputArgs,
    /// `--config` applies its mutes only: the rule selection and parameters were the scans'.
    #[command(flatten)]
    pub triage: TriageArgs,
}

#[derive(Parser, Debug)]
pub struct ConvertArgs {
    /// A JSON report written by `gwaudit scan --format json`.
    pub report: PathBuf,
    #[command(flatten)]
    pub out: OutputArgs,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Sarif,
    Markdown,
    Junit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputTarget {
    pub format: Format,
    /// `None`: standard output.
    pub path: Option<PathBuf>,
}

fn parse_output_target(s: &str) -> Result<OutputTarget, String> {
    let (format, path) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}`: expected FORMAT=PATH, e.g. sarif=gwaudit.sarif"))?;
    let format = Format::from_str(format, true)
        .map_err(|_| format!("`{format}`: unknown format (table, json, sarif, markdown, junit)"))?;
    if path.is_empty() {
        return Err(format!("`{s}`: missing PATH (use - for standard output)"));
    }
    Ok(OutputTarget {
        format,
        path: (path != "-").then(|| PathBuf::from(path)),
    })
}

/// A hard cap: below the minimum the summary could not say anything, so it is refused.
fn parse_markdown_limit(s: &str) -> Result<usize, String> {
    let min = report::markdown::MIN_LIMIT;
    match s.parse::<usize>() {
        Ok(n) if n >= min => Ok(n),
        Ok(_) => Err(format!(
            "`{s}` is too small to hold a summary: at least {min} bytes"
        )),
        Err(_) => Err(format!("`{s}`: expected a number of bytes")),
    }
}

fn parse_framework(s: &str) -> Result<String, String> {
    frameworks::find(s.trim())
        .map(|f| f.id.clone())
        .ok_or_else(|| {
            format!(
                "`{s}` is not a framework; choose from {}",
                frameworks::ids().join(", ")
            )
        })
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListFormat {
    Table,
    Json,
    Markdown,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Runs the process's command line; returns the exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // An argument's value is echoed in the message: it goes through the sanitizer too.
            eprint!("{}", term::printable(&e.to_string()));
            return EXIT_ERROR;
        }
        Err(e) => {
            let _ = e.print();
            return EXIT_OK;
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            term::eprintln(&format!("error: {e:#}"));
            EXIT_ERROR
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Scan(args) => scan(*args),
        Command::Convert(args) => convert(args),
        Command::Merge(args) => merge(*args),
        Command::Collect(args) => collect(args),
        Command::Permissions(args) => permissions(args),
        Command::Accounts(args) => accounts(args),
        Command::Rules { format } => {
            write_stdout(&render_rule_list(format))?;
            Ok(EXIT_OK)
        }
        Command::Explain { rule } => match registry::find(&rule) {
            Some(r) => {
                write_stdout(&r.meta.to_markdown())?;
                Ok(EXIT_OK)
            }
            None => anyhow::bail!("no rule `{rule}`; `gwaudit rules` lists them"),
        },
    }
}

fn load(args: &ScanArgs) -> anyhow::Result<(OrgSnapshot, Source)> {
    if args.demo {
        let snap = model::parse_snapshot(DEMO_SNAPSHOT, DEMO_NAME)?;
        return Ok((snap, Source::Demo));
    }
    match &args.snapshot {
        Some(path) => {
            let snap = model::load_snapshot_file(path)?;
            Ok((snap, Source::Snapshot(path.display().to_string())))
        }
        None => Ok((collect_live(&args.aws, &args.accounts)?, Source::Aws)),
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))
}

/// The caller's account, or every account a selection resolves to (one or many), collected
/// by the organization collector: an account that cannot be entered is listed as not scanned
/// and the others complete.
fn collect_live(aws: &AwsArgs, accounts: &AccountArgs) -> anyhow::Result<OrgSnapshot> {
    accounts.validate()?;
    let mut opts = aws.options();
    opts.max_accounts = accounts.max_accounts;
    runtime()?.block_on(async {
        if !accounts.selects() {
            return crate::collect::collect(&opts).await.map(OrgSnapshot::from);
        }
        let session = crate::collect::Session::open(&opts).await;
        let resolved = resolve_accounts(&session, accounts).await?;
        let selection = resolved.selection;
        if selection.selected.is_empty() && !opts.quiet {
            // An empty shard of a small organization is normal in a CI matrix: an empty
            // report, not an error.
            term::eprintln(&format!(
                "note: the account selection{} is empty: nothing to scan",
                shard_note(accounts, &selection)
            ));
        }
        let plan = crate::collect::org::Plan {
            caller: resolved.caller,
            accounts: selection.selected.into_iter().map(|a| a.id).collect(),
            skipped: selection
                .skipped
                .into_iter()
                .map(|s| model::NotScanned {
                    account_id: s.id,
                    role_arn: None,
                    code: s.status,
                    message: "the account's state in the organization; only ACTIVE accounts \
                              are scanned"
                        .into(),
                })
                .collect(),
            role: accounts.role(),
        };
        crate::collect::org::collect(&session, plan, &opts).await
    })
}

fn shard_note(args: &AccountArgs, selection: &account_selection::Selection) -> String {
    match args.shard {
        Some(s) => format!(" (shard {s} of {} accounts)", selection.total),
        None => String::new(),
    }
}

pub fn collect(args: CollectArgs) -> anyhow::Result<i32> {
    let snapshot = collect_live(&args.aws, &args.accounts)?;
    let text = serde_json::to_string_pretty(&snapshot)? + "\n";
    if args.output.as_os_str() == "-" {
        write_stdout(&text)?;
    } else {
        write_private(&args.output, &text)?;
    }
    if !args.aws.quiet {
        term::eprintln(&format!(
            "wrote {} ({} accounts, {} not scanned; {} account-regions, {} collection errors)",
            args.output.display(),
            snapshot.accounts.len(),
            snapshot.not_scanned.len(),
            snapshot
                .accounts
                .iter()
                .map(|a| a.regions.len())
                .sum::<usize>(),
            snapshot
                .accounts
                .iter()
                .map(|a| a.collection_errors.len())
                .sum::<usize>()
        ));
    }
    Ok(EXIT_OK)
}

/// Placeholder for the scanner's account in a printed trust policy.
const SCANNER_ACCOUNT_PLACEHOLDER: &str = "SCANNER_ACCOUNT_ID";

fn permissions(args: PermissionsArgs) -> anyhow::Result<i32> {
    let member = crate::operations::policy_document();
    let doc = if args.org {
        if args.scanner_account.is_none() {
            term::eprintln(&format!(
                "note: the trust policy names {SCANNER_ACCOUNT_PLACEHOLDER}; pass \
                 --scanner-account with the account gwaudit runs in"
            ));
        }
        let scanner = args
            .scanner_account
            .as_deref()
            .unwrap_or(SCANNER_ACCOUNT_PLACEHOLDER);
        serde_json::json!({
            "scanner_policy": crate::operations::scanner_policy_document(&args.role_name),
            "member_role": {
                "role_name": args.role_name,
                "policy": member,
                "trust_policy":
                    crate::operations::member_trust_policy(scanner, args.external_id.as_deref()),
            },
            "note": "The scanner's own account, when selected, is scanned with the scanner's \
                     credentials: give the scanner the member role's policy too, or exclude it.",
        })
    } else {
        member
    };
    write_stdout(&(serde_json::to_string_pretty(&doc)? + "\n"))?;
    Ok(EXIT_OK)
}

/// Enters every selected account with the role, up to `max` at a time like a scan (one at a
/// time took minutes for hundreds of accounts), in the order of the selection.
async fn check_access(
    session: &crate::collect::Session,
    resolved: &Resolved,
    role: crate::collect::accounts::RoleOptions,
    max: usize,
) -> Vec<Result<(), crate::collect::accounts::AccountError>> {
    let (caller, role) = (Arc::new(resolved.caller.clone()), Arc::new(role));
    let ids: Vec<String> = (resolved.selection.selected.iter())
        .map(|a| a.id.clone())
        .collect();
    let mut results: Vec<Option<Result<(), _>>> = ids.iter().map(|_| None).collect();
    let mut running = tokio::task::JoinSet::new();
    let mut pending = ids.into_iter().enumerate();
    loop {
        while running.len() < max.max(1) {
            let Some((i, id)) = pending.next() else { break };
            let (session, caller, role) = (session.clone(), caller.clone(), role.clone());
            running.spawn(async move {
                let entered =
                    crate::collect::accounts::account_access(&session, &caller, &id, &role).await;
                (i, entered.map(|_| ()))
            });
        }
        match running.join_next().await {
            Some(Ok((i, result))) => results[i] = Some(result),
            // A check that panicked is a bug: report it as the panic it is.
            Some(Err(e)) => std::panic::resume_unwind(e.into_panic()),
            None => break,
        }
    }
    results.into_iter().flatten().collect()
}

/// `gwaudit accounts`: the resolved selection, and with --check whether each account can be
/// entered.
fn accounts(args: AccountsCommandArgs) -> anyhow::Result<i32> {
    let sel = &args.accounts;
    if !sel.selects() {
        anyhow::bail!("choose accounts with --org, --ou, --accounts or --accounts-file");
    }
    let opts = args.aws.options();
    let (resolved, checks) = runtime()?.block_on(async {
        let session = crate::collect::Session::open(&opts).await;
        let resolved = resolve_accounts(&session, sel).await?;
        let checks = if args.check {
            check_access(&session, &resolved, sel.role(), opts.max_accounts()).await
        } else {
            Vec::new()
        };
        anyhow::Ok((resolved, checks))
    })?;
    let failed = checks.iter().filter(|c| c.is_err()).count();
    let partition = &resolved.caller.partition;
    let role_of = |id: &str| {
        (id != resolved.caller.account)
            .then(|| sel.role().role_arn(partition, id))
            .flatten()
    };
    let text = match args.format {
        AccountsFormat::Json => {
            let accounts: Vec<serde_json::Value> = resolved
                .selection
                .selected
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let mut v = serde_json::json!({
                        "id": a.id,
                        "name": a.name,
                        "credentials": if a.id == resolved.caller.account { "caller" } else { "assume-role" },
                        "role_arn": role_of(&a.id),
                    });
                    if let Some(check) = checks.get(i) {
                        v["check"] = match check {
                            Ok(()) => serde_json::json!({"ok": true}),
                            Err(e) => serde_json::json!({"ok": false, "error": {
                                "account": e.account, "role_arn": e.role_arn,
                                "code": e.code, "message": e.message, "text": e.to_string(),
                            }}),
                        };
                    }
                    v
                })
                .collect();
            let skipped: Vec<serde_json::Value> = resolved
                .selection
                .skipped
                .iter()
                .map(|s| serde_json::json!({"id": s.id, "name": s.name, "reason": s.reason}))
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({
                "caller_account": resolved.caller.account,
                "organization_id": resolved.org.as_ref().and_then(|o| o.organization_id.clone()),
                "management_account": resolved.org.as_ref().and_then(|o| o.management_account.clone()),
                "shard": sel.shard.unwrap_or(account_selection::Shard::WHOLE).to_string(),
                "total": resolved.selection.total,
                "accounts": accounts,
                "skipped": skipped,
            }))? + "\n"
        }
        AccountsFormat::Table => {
            let mut out = String::new();
            if let Some(o) = &resolved.org {
                out.push_str(&format!(
                    "organization {} (management account {})\n",
                    o.organization_id.as_deref().unwrap_or("?"),
                    o.management_account.as_deref().unwrap_or("?")
                ));
            }
            out.push_str(&format!(
                "{} of {} accounts selected (shard {})\n",
                resolved.selection.selected.len(),
                resolved.selection.total,
                sel.shard.unwrap_or(account_selection::Shard::WHOLE)
            ));
            for (i, a) in resolved.selection.selected.iter().enumerate() {
                let how = if a.id == resolved.caller.account {
                    "caller's credentials".to_string()
                } else {
                    role_of(&a.id).unwrap_or_else(|| "needs --role-name".into())
                };
                let status = match checks.get(i) {
                    Some(Ok(())) => "  ok".to_string(),
                    Some(Err(e)) => format!(
                        "  FAILED {}: {}",
                        term::printable(&e.code),
                        term::printable(&e.message)
                    ),
                    None => String::new(),
                };
                out.push_str(&format!(
                    "{}  {:<24}  {how}{status}\n",
                    a.id,
                    term::printable(a.name.as_deref().unwrap_or("-"))
                ));
            }
            for s in &resolved.selection.skipped {
                out.push_str(&format!(
                    "skipped {}  {:<24}  {}\n",
                    s.id,
                    term::printable(s.name.as_deref().unwrap_or("-")),
                    s.reason
                ));
            }
            if failed > 0 {
                out.push_str(&format!("{failed} accounts cannot be entered\n"));
            }
            out
        }
    };
    write_stdout(&text)?;
    Ok(if failed > 0 { EXIT_ERROR } else { EXIT_OK })
}

/// Snapshots can hold sensitive configuration: readable by the owner only.
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options
        .open(path)
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?; // `mode` applies only to new files: tighten an existing one too.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|e| anyhow::anyhow!("cannot restrict {}: {e}", path.display()))?;
    }
    f.write_all(text.as_bytes())
        .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))
}

fn validate_selection(ids: &[String]) -> anyhow::Result<()> {
    match ids.iter().find(|id| registry::rule_pattern(id).is_none()) {
        Some(id) => anyhow::bail!(
            "`{id}` is not a rule id or prefix (an empty entry would select every rule); \
             `gwaudit rules` lists them"
        ),
        None => Ok(()),
    }
}

pub fn scan(args: ScanArgs) -> anyhow::Result<i32> {
    // Also with --snapshot or --demo: a role flag there would otherwise be silently ignored.
    args.accounts.validate()?;
    validate_selection(&args.rules)?;
    validate_selection(&args.skip_rules)?;
    let settings = args.triage.settings(&args.rules, &args.skip_rules)?;
    // The rules' metadata is parsed while the snapshot loads: parsed after, it was a stretch
    // of 15 ms on one core before the rules could start (perf timeline of a large scan).
    let warm = std::thread::Builder::new().spawn(|| {
        registry::rules();
    });
    let (snapshot, source) = load(&args)?;
    if let Ok(Err(panic)) = warm.map(std::thread::JoinHandle::join) {
        std::panic::resume_unwind(panic);
    }
    let report = crate::scan::run(&snapshot, source, &settings);
    // Not freed: the process ends after writing, and the OS reclaims the snapshot at once.
    // Freeing it beside the writing took a core from the writers for 50 ms (perf timeline of
    // the replicated 10,000-API snapshot).
    std::mem::forget(snapshot);
    conclude(report, &args.out, &args.triage)
}

/// `gwaudit merge`: the reports combined and triaged by the library, then written like a scan's.
pub fn merge(args: MergeArgs) -> anyhow::Result<i32> {
    let settings = args.triage.settings(&[], &[])?;
    let inputs = crate::scan::merge::load(&args.reports)?;
    let report = crate::scan::merge::merge(inputs, &settings)?;
    conclude(report, &args.out, &args.triage)
}

/// The end of `scan` and `merge`: warns of expired and stale mutes, writes every output and
/// returns the exit code.
fn conclude(report: ScanReport, out: &OutputArgs, triage: &TriageArgs) -> anyhow::Result<i32> {
    if let Some(m) = &report.mutes {
        for e in &m.expired {
            term::eprintln(&format!(
                "warning: mute at {} expired on {} and no longer mutes anything ({})",
                e.origin,
                e.expires.as_deref().unwrap_or("?"),
                e.reason
            ));
        }
        for s in &m.stale {
            term::eprintln(&format!("warning: mute at {} matched no failing finding: remove it if the problem is fixed ({})",
                s.origin, s.reason
            ));
        }
    }
    let sarif_withheld = write_outputs(&report, out)?;
    let wrote_stdout_table = targets(out)
        .iter()
        .any(|t| t.format == Format::Table && t.path.is_none());
    if !wrote_stdout_table {
        eprintln!("{}", report::table::summary_line(&report)); // made printable by the table
    }
    let code = exit_code(&report, triage.fail_on, triage.strict, sarif_withheld);
    // The process ends after this: freeing hundreds of thousands of findings one by one was an
    // eighth of a large scan's time (perf), and the OS reclaims it all at once.
    std::mem::forget(report);
    Ok(code)
}

/// 3 beats 1: a job should first learn that its scan cannot be trusted.
fn exit_code(report: &ScanReport, fail_on: FailOn, strict: bool, sarif_withheld: bool) -> i32 {
    if sarif_withheld || (strict && !report.scan.complete) {
        EXIT_INCOMPLETE
    } else if report.blocking(fail_on) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

pub fn convert(args: ConvertArgs) -> anyhow::Result<i32> {
    let report = report::json::load(&args.report)?;
    let withheld = write_outputs(&report, &args.out)?;
    Ok(if withheld { EXIT_INCOMPLETE } else { EXIT_OK })
}

/// The outputs asked for: every `--output-to`, plus `--format`/`--output` (table on standard
/// output when nothing is asked for).
fn targets(out: &OutputArgs) -> Vec<OutputTarget> {
    let mut list = out.output_to.clone();
    if out.format.is_some() || out.output.is_some() || list.is_empty() {
        list.push(OutputTarget {
            format: out.format.unwrap_or(Format::Table),
            path: out.output.clone(),
        });
    }
    list
}

/// Writes every requested report. Returns true when a SARIF output was withheld because the
/// scan is incomplete.
fn write_outputs(report: &ScanReport, out: &OutputArgs) -> anyhow::Result<bool> {
    let mut withheld = false;
    let gaps = if out.allow_incomplete_sarif {
        BTreeSet::new()
    } else {
        report.accounts_sarif_could_close()
    };
    for target in targets(out) {
        let directory = target
            .path
            .as_deref()
            .filter(|p| target.format == Format::Sarif && is_directory_form(p));
        if let Some(dir) = directory {
            // Each account's file has its own category: only the accounts with gaps wait.
            for account in &gaps {
                warn_sarif_withheld(report, Some(account), &dir.join(format!("{account}.sarif")));
            }
            withheld |= !gaps.is_empty();
            write_sarif_per_account(report, dir, out, &gaps)?;
            continue;
        }
        if target.format == Format::Sarif && !gaps.is_empty() {
            withheld = true;
            match &target.path {
                Some(path) => warn_sarif_withheld(report, None, path),
                None => warn_sarif_withheld(report, None, Path::new("standard output")),
            }
            continue;
        }
        let to_terminal = target.path.is_none() && std::io::stdout().is_terminal();
        if target.format == Format::Sarif {
            if let Some(why) = report::sarif::too_many_runs(report::sarif::accounts(report).len()) {
                anyhow::bail!(why);
            }
        }
        match &target.path {
            // A SARIF file appears whole or not at all: CI uploads whatever file exists.
            Some(path) if target.format == Format::Sarif => write_whole(path, |w| {
                write_report(report, target.format, out, to_terminal, w)
            })?,
            Some(path) => {
                let cannot =
                    |e: std::io::Error| anyhow::anyhow!("cannot write {}: {e}", path.display());
                let file = std::fs::File::create(path).map_err(cannot)?;
                let mut w = std::io::BufWriter::new(file);
                write_report(report, target.format, out, to_terminal, &mut w)
                    .and_then(|()| w.flush())
                    .map_err(cannot)?;
            }
            None => {
                let mut w = std::io::BufWriter::new(std::io::stdout().lock());
                match write_report(report, target.format, out, to_terminal, &mut w)
                    .and_then(|()| w.flush())
                {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                    other => other?,
                }
            }
        }
    }
    Ok(withheld)
}

/// Says on stderr why no SARIF was written to `to` (for `account`, or for the whole report),
/// naming what was not collected and the ways out.
fn warn_sarif_withheld(report: &ScanReport, account: Option<&str>, to: &Path) {
    let ours = |a: Option<&str>| account.is_none() || a == account;
    let mut missing: Vec<String> = report
        .scan
        .accounts
        .iter()
        .filter(|a| ours(Some(&a.account_id)))
        .filter_map(|a| {
            a.reason
                .as_ref()
                .map(|r| format!("account {} not scanned: {r}", a.account_id))
        })
        .collect();
    missing.extend(
        report
            .scan
            .collection_errors
            .iter()
            .filter(|e| e.cause() == UnknownCause::NotCollected && ours(e.account_id.as_deref()))
            .take(20)
            .map(|e| e.reason()),
    );
    let unknown = report
        .results
        .iter()
        .filter(|f| f.is_not_collected() && ours(Some(&f.place.account_id)))
        .count();
    if unknown > 0 {
        missing.push(format!("{unknown} results could not be evaluated"));
    }
    term::eprintln(&format!(
        "error: no SARIF written to {}: the scan{} is incomplete, and GitHub code scanning \
         would close the open alerts of everything that was not collected. Not collected: {}. \
         Fix access and rescan, pass --baseline with the previous JSON report (its failing \
         findings are carried forward), or pass --allow-incomplete-sarif.",
        to.display(),
        account
            .map(|a| format!(" of account {a}"))
            .unwrap_or_default(),
        missing.join("; ")
    ));
}

/// `DIR/` or an existing directory: one SARIF file per account.
fn is_directory_form(path: &Path) -> bool {
    path.as_os_str()
        .to_string_lossy()
        .ends_with(['/', std::path::MAIN_SEPARATOR])
        || path.is_dir()
}

/// Writes `DIR/<account>.sarif` for every account of the report, each run with the category
/// `gwaudit/<account>/` (or `<--sarif-category>/<account>/`).
fn write_sarif_per_account(
    report: &ScanReport,
    dir: &Path,
    out: &OutputArgs,
    withheld: &BTreeSet<&str>,
) -> anyhow::Result<()> {
    let mut accounts = report::sarif::accounts(report);
    accounts.retain(|a| !withheld.contains(a.as_str()));
    // The ids become file names, and a converted report could hold anything: all are checked
    // before any file is written.
    if let Some(bad) = accounts
        .iter()
        .find(|a| !account_selection::is_account_id(a))
    {
        anyhow::bail!(
            "account id `{}` is not 12 digits and cannot name a SARIF file in {}",
            term::printable(&bad.chars().take(40).collect::<String>()),
            dir.display()
        );
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    let category = report::sarif::Category {
        name: out.sarif_category.as_deref(),
        per_account: true,
    };
    let prepared = report::sarif::Prepared::of(report)?;
    for account in accounts {
        write_whole(&dir.join(format!("{account}.sarif")), |w| {
            let one = std::slice::from_ref(&account);
            let cuts = report::sarif::write_from(&prepared, one, category, w)?;
            warn_cuts(&cuts);
            Ok(())
        })?;
    }
    Ok(())
}

/// What SARIF left out to stay within GitHub's limits, on stderr.
fn warn_cuts(cuts: &[report::sarif::Cut]) {
    for cut in cuts {
        term::eprintln(&format!("warning: {}.", cut.describe()));
    }
}

/// Writes `path` through a temporary file beside it, renamed into place only when complete.
fn write_whole(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let cannot = |e: std::io::Error| anyhow::anyhow!("cannot write {}: {e}", path.display());
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    let partial = path.with_file_name(name);
    let result = std::fs::File::create(&partial).and_then(|file| {
        let mut w = std::io::BufWriter::new(file);
        write(&mut w)?;
        w.into_inner().map_err(|e| e.into_error())?.sync_all()
    });
    match result.and_then(|()| std::fs::rename(&partial, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(cannot(e))
        }
    }
}

fn color_enabled(choice: ColorChoice, to_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && !crate::term::no_color(),
    }
}

/// Writes one report. JSON and SARIF stream to `w`; the human formats are small by design.
pub fn write_report(
    report: &ScanReport,
    format: Format,
    out: &OutputArgs,
    to_terminal: bool,
    w: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => report::json::write(report, w),
        Format::Sarif => {
            let accounts = report::sarif::accounts(report);
            let category = report::sarif::Category {
                name: out.sarif_category.as_deref(),
                per_account: accounts.len() > 1,
            };
            warn_cuts(&report::sarif::write(report, &accounts, category, w)?);
            Ok(())
        }
        _ => w.write_all(render(report, format, out, to_terminal).as_bytes()),
    }
}

pub fn render(report: &ScanReport, format: Format, out: &OutputArgs, to_terminal: bool) -> String {
    match format {
        Format::Table => report::table::render(
            report,
            &TableOptions {
                color: color_enabled(out.color, to_terminal),
                width: if to_terminal { None } else { Some(100) },
                details: out.details,
            },
        ),
        Format::Json => report::json::render(report),
        Format::Sarif => report::sarif::render(report, out.sarif_category.as_deref()),
        Format::Markdown => report::markdown::render(
            report,
            &report::markdown::MarkdownOptions {
                limit: out.markdown_limit,
                details: out.details,
            },
        ),
        Format::Junit => report::junit::render(report),
    }
}

fn render_rule_list(format: ListFormat) -> String {
    let rules = registry::rules();
    match format {
        ListFormat::Json => {
            let metas: Vec<_> = rules.iter().map(|r| &r.meta).collect();
            serde_json::to_string_pretty(&metas).expect("metadata serializes") + "\n"
        }
        ListFormat::Markdown => rules::docs::catalog_markdown(),
        ListFormat::Table => {
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                .set_header(["Id", "Severity", "Title"]);
            if !std::io::stdout().is_terminal() {
                t.set_width(100);
            }
            for r in rules {
                let sev = r.meta.severity_range();
                t.add_row(vec![r.meta.id.clone(), sev, r.meta.title.clone()]);
            }
            format!(
                "{t}\n{} rules. `gwaudit explain <ID>` prints one.\n",
                rules.len()
            )
        }
    }
}

/// Writes to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(s: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(s.as_bytes()).and_then(|_| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}
