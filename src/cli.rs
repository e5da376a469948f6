//! Command line: parse arguments, run one command, map outcomes to exit codes
//! (0 clean, 1 failing findings at or above `--fail-on`, 2 usage/input/I-O errors,
//! 3 incomplete scan with `--strict`, or SARIF withheld for an incomplete scan).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config;
use crate::model::{self, Snapshot, UnknownCause};
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
    /// Print the minimal read-only IAM policy gwaudit needs.
    Permissions,
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

/// Where and how reports are written; shared by `scan` and `convert`.
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
            quiet: self.quiet,
        }
    }
}

#[derive(Parser, Debug)]
pub struct CollectArgs {
    #[command(flatten)]
    pub aws: AwsArgs,
    /// Snapshot file to write (mode 0600; `-` for standard output).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
}

#[derive(Parser, Debug)]
pub struct ScanArgs {
    /// Evaluate a saved snapshot instead of calling AWS.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["demo", "profile", "region", "all_regions", "endpoint_url"])]
    pub snapshot: Option<PathBuf>,
    /// Evaluate the bundled demo account.
    #[arg(long, conflicts_with_all = ["profile", "region", "all_regions", "endpoint_url"])]
    pub demo: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub out: OutputArgs,
    /// Exit 1 when a failing finding that is neither muted nor in the baseline has at least this
    /// severity.
    #[arg(
        long,
        default_value = "high",
        value_name = "critical|high|medium|low|info|none"
    )]
    pub fail_on: FailOn,
    /// Run only these rules (ids or prefixes such as GW1), comma-separated; overrides the
    /// configuration's `rules.select`.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub rules: Vec<String>,
    /// Skip these rules (ids or prefixes), comma-separated; added to `rules.skip`.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub skip_rules: Vec<String>,
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
    keep_large_buffers_mapped();
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
        Command::Collect(args) => collect(args),
        Command::Permissions => {
            let policy = crate::operations::policy_document();
            write_stdout(&(serde_json::to_string_pretty(&policy)? + "\n"))?;
            Ok(EXIT_OK)
        }
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

fn load(args: &ScanArgs) -> anyhow::Result<(Snapshot, Source)> {
    if args.demo {
        let snap = model::parse_snapshot(DEMO_SNAPSHOT, DEMO_NAME)?;
        return Ok((snap, Source::Demo));
    }
    match &args.snapshot {
        Some(path) => {
            let snap = model::load_snapshot_file(path)?;
            Ok((snap, Source::Snapshot(path.display().to_string())))
        }
        None => Ok((collect_live(&args.aws)?, Source::Aws)),
    }
}

fn collect_live(aws: &AwsArgs) -> anyhow::Result<Snapshot> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the async runtime: {e}"))?;
    runtime.block_on(crate::collect::collect(&aws.options()))
}

pub fn collect(args: CollectArgs) -> anyhow::Result<i32> {
    let snapshot = collect_live(&args.aws)?;
    let text = serde_json::to_string_pretty(&snapshot)? + "\n";
    if args.output.as_os_str() == "-" {
        write_stdout(&text)?;
    } else {
        write_private(&args.output, &text)?;
    }
    if !args.aws.quiet {
        term::eprintln(&format!(
            "wrote {} ({} regions, {} collection errors)",
            args.output.display(),
            snapshot.regions.len(),
            snapshot.collection_errors.len()
        ));
    }
    Ok(EXIT_OK)
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
    validate_selection(&args.rules)?;
    validate_selection(&args.skip_rules)?;
    let cwd = std::env::current_dir()?;
    let config = config::discover(args.config.as_deref(), &cwd)?;
    let mut settings = ScanSettings::from_config(&config, &args.rules, &args.skip_rules);
    settings.baseline = args
        .baseline
        .as_deref()
        .map(crate::scan::load_baseline)
        .transpose()?;
    settings.compliance = args.compliance.clone();
    settings.fail_on = Some(args.fail_on);
    settings.strict = args.strict;
    let (snapshot, source) = load(&args)?;
    let report = crate::scan::run(&snapshot, source, &settings);
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
    let sarif_withheld = write_outputs(&report, &args.out)?;
    let wrote_stdout_table = targets(&args.out)
        .iter()
        .any(|t| t.format == Format::Table && t.path.is_none());
    if !wrote_stdout_table {
        eprintln!("{}", report::table::summary_line(&report)); // made printable by the table
    }
    let code = exit_code(&report, args.fail_on, args.strict, sarif_withheld);
    // The process ends after this: freeing hundreds of thousands of findings one by one was an
    // eighth of a large scan's time (perf), and the OS reclaims it all at once.
    std::mem::forget(report);
    std::mem::forget(snapshot);
    Ok(code)
}

/// Evaluation frees large buffers as it goes (vectors that grew, per-rule results once
/// merged). glibc raises its mmap threshold each time one is freed, so later large buffers
/// come from the heap and their pages stay with the process: a sixth of the peak memory of a
/// 10,000-API scan (365 MB -> 302 MB, scripts/bench-offline.sh). A fixed threshold (glibc's
/// default starting value) keeps large buffers mapped and returned when freed.
fn keep_large_buffers_mapped() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; it is called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
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
    for target in targets(out) {
        if target.format == Format::Sarif
            && report.sarif_could_close_alerts()
            && !out.allow_incomplete_sarif
        {
            withheld = true;
            let mut missing: Vec<String> = report
                .scan
                .collection_errors
                .iter()
                .filter(|e| e.cause() == UnknownCause::NotCollected)
                .map(|e| e.reason())
                .collect();
            let unknown = report.not_collected();
            if unknown > 0 {
                missing.push(format!("{unknown} results could not be evaluated"));
            }
            term::eprintln(&format!("error: no SARIF written{}: the scan is incomplete, and GitHub code scanning \
                 would close the open alerts of everything that was not collected. Not collected: {}. \
                 Fix access and rescan, pass --baseline with the previous JSON report (its failing \
                 findings are carried forward), or pass --allow-incomplete-sarif.",
                target.path.as_ref().map(|p| format!(" to {}", p.display())).unwrap_or_default(),
                missing.join("; ")
            ));
            continue;
        }
        let to_terminal = target.path.is_none() && std::io::stdout().is_terminal();
        if target.format == Format::Sarif {
            if let Some(dir) = target.path.as_deref().filter(|p| is_directory_form(p)) {
                write_sarif_per_account(report, dir, out)?;
                continue;
            }
            let accounts = report::sarif::accounts(report);
            if accounts.len() > report::sarif::MAX_RUNS_PER_FILE {
                anyhow::bail!(
                    "{} accounts do not fit one SARIF file: GitHub code scanning accepts at most \
                     {} runs (one per account) per file. Write one file per account with \
                     --output-to sarif=DIR/",
                    accounts.len(),
                    report::sarif::MAX_RUNS_PER_FILE
                );
            }
        }
        match &target.path {
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
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    for account in report::sarif::accounts(report) {
        // The id becomes a file name: a converted report could hold anything.
        if account.is_empty()
            || !account
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            anyhow::bail!(
                "account id `{}` cannot name a SARIF file in {}",
                term::printable(&account),
                dir.display()
            );
        }
        let path = dir.join(format!("{account}.sarif"));
        let cannot = |e: std::io::Error| anyhow::anyhow!("cannot write {}: {e}", path.display());
        let mut w = std::io::BufWriter::new(std::fs::File::create(&path).map_err(cannot)?);
        let category = report::sarif::Category {
            name: out.sarif_category.as_deref(),
            per_account: true,
        };
        let cuts = report::sarif::write(report, std::slice::from_ref(&account), category, &mut w)
            .and_then(|cuts| w.flush().map(|()| cuts))
            .map_err(cannot)?;
        for cut in cuts {
            term::eprintln(&format!("warning: {}.", cut.describe()));
        }
    }
    Ok(())
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
            for cut in report::sarif::write(report, &accounts, category, w)? {
                term::eprintln(&format!("warning: {}.", cut.describe()));
            }
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
