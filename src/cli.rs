//! Command line: parse arguments, run one command, map outcomes to exit codes
//! (0 clean, 1 failing findings at or above `--fail-on`, 2 usage/input/I-O errors).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

use crate::model::{self, Snapshot};
use crate::report::{self, table::TableOptions, FailOn, ScanReport, Settings};
use crate::rules::{self, registry, Selection};

/// The bundled demo account, so `gwaudit scan --demo` works anywhere.
pub const DEMO_SNAPSHOT: &str = include_str!("../fixtures/demo/demo-account.json");
const DEMO_NAME: &str = "embedded demo snapshot (fixtures/demo/demo-account.json)";

pub const EXIT_OK: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

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
    Scan(ScanArgs),
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

#[derive(Parser, Debug)]
pub struct ScanArgs {
    /// Evaluate a saved snapshot instead of calling AWS.
    #[arg(long, value_name = "FILE", conflicts_with = "demo")]
    pub snapshot: Option<PathBuf>,
    /// Evaluate the bundled demo account.
    #[arg(long)]
    pub demo: bool,
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 1 when a failing finding has at least this severity.
    #[arg(
        long,
        default_value = "high",
        value_name = "critical|high|medium|low|info|none"
    )]
    pub fail_on: FailOn,
    /// Run only these rules (ids or prefixes such as GW1), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub rules: Vec<String>,
    /// Skip these rules (ids or prefixes), comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub skip_rules: Vec<String>,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
    Sarif,
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
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { EXIT_ERROR } else { EXIT_OK };
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gwaudit: error: {e:#}");
            EXIT_ERROR
        }
    }
}

pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Scan(args) => scan(args),
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

fn load(args: &ScanArgs) -> anyhow::Result<(Snapshot, String, Option<String>)> {
    if args.demo {
        let snap = model::parse_snapshot(DEMO_SNAPSHOT, DEMO_NAME)?;
        return Ok((snap, "demo".into(), None));
    }
    match &args.snapshot {
        Some(path) => {
            let snap = model::load_snapshot_file(path)?;
            Ok((snap, "snapshot".into(), Some(path.display().to_string())))
        }
        None => anyhow::bail!(
            "live collection from AWS is not part of this build yet: scan a saved snapshot with \
             `--snapshot FILE`, or the bundled demo account with `--demo`"
        ),
    }
}

fn validate_selection(ids: &[String]) -> anyhow::Result<()> {
    for id in ids {
        let upper = id.to_ascii_uppercase();
        if !registry::rules()
            .iter()
            .any(|r| r.def.id.starts_with(&upper))
        {
            anyhow::bail!("`{id}` selects no rule; `gwaudit rules` lists them");
        }
    }
    Ok(())
}

pub fn scan(args: ScanArgs) -> anyhow::Result<i32> {
    validate_selection(&args.rules)?;
    validate_selection(&args.skip_rules)?;
    let (snapshot, source, snapshot_name) = load(&args)?;
    let selection = Selection {
        include: args.rules.clone(),
        exclude: args.skip_rules.clone(),
    };
    let rules_evaluated: Vec<String> = registry::rules()
        .iter()
        .filter(|r| selection.selects(r.def.id))
        .map(|r| r.def.id.to_string())
        .collect();
    let findings = rules::evaluate(&snapshot, &selection);
    let settings = Settings {
        source,
        snapshot: snapshot_name,
        fail_on: args.fail_on,
        rules: args.rules.clone(),
        skip_rules: args.skip_rules.clone(),
    };
    let report = ScanReport::new(&snapshot, settings, rules_evaluated, findings);
    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let rendered = render(
        &report,
        args.format,
        color_enabled(args.color, to_terminal),
        to_terminal,
    );
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
        None => write_stdout(&rendered)?,
    }
    if args.output.is_some() || args.format != Format::Table {
        eprintln!("{}", report::table::summary_line(&report));
    }
    Ok(if report.results.iter().any(|f| args.fail_on.trips(f)) {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    })
}

fn color_enabled(choice: ColorChoice, to_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

pub fn render(report: &ScanReport, format: Format, color: bool, to_terminal: bool) -> String {
    match format {
        Format::Table => report::table::render(
            report,
            &TableOptions {
                color,
                width: if to_terminal { None } else { Some(100) },
            },
        ),
        Format::Json => report::json::render(report),
        Format::Sarif => report::sarif::render(report),
    }
}

fn render_rule_list(format: ListFormat) -> String {
    let rules = registry::rules();
    match format {
        ListFormat::Json => {
            let metas: Vec<_> = rules.iter().map(|r| &r.meta).collect();
            serde_json::to_string_pretty(&metas).expect("metadata serializes") + "\n"
        }
        ListFormat::Markdown => rules
            .iter()
            .map(|r| r.meta.to_markdown())
            .collect::<Vec<_>>()
            .join("\n"),
        ListFormat::Table => {
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                .set_header(["Id", "Severity", "Title"]);
            if !std::io::stdout().is_terminal() {
                t.set_width(100);
            }
            for r in rules {
                let sev = match r.meta.max_severity {
                    Some(max) if max != r.meta.severity => format!("{}..{}", r.meta.severity, max),
                    _ => r.meta.severity.to_string(),
                };
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
