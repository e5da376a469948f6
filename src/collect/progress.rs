//! What the collector tells the user on standard error: `gwaudit: ...` lines for each step (a
//! region, or in an organization scan an account, as it finishes) and, on a terminal, a status
//! line redrawn in place (regions or accounts done, calls sent, throttled answers, elapsed time).
//! `--quiet` silences both; the status line is drawn only when standard error is a terminal,
//! and is not coloured when `NO_COLOR` is set.

use std::fmt::Write;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressState, ProgressStyle};

use super::guard::CallLog;

#[derive(Clone)]
pub struct Progress {
    quiet: bool,
    /// Hidden until [`Progress::start`], so lines printed before it draw no empty status line.
    bar: ProgressBar,
}

impl Progress {
    pub fn new(quiet: bool) -> Self {
        Progress {
            quiet,
            // An early return (an error) clears the status line too.
            bar: ProgressBar::hidden().with_finish(ProgressFinish::AndClear),
        }
    }

    /// A line that stays: printed above the status line while there is one.
    pub fn line(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            self.bar.suspend(|| crate::term::eprintln(msg.as_ref()));
        }
    }

    /// Shows the status line for `total` steps (`unit`: "regions", "accounts"), redrawn four
    /// times a second, with the requests and throttled answers `log` has counted so far.
    pub fn start(&self, total: usize, unit: &str, log: CallLog) {
        if self.quiet {
            return;
        }
        let spinner = if crate::term::no_color() {
            "{spinner}"
        } else {
            "{spinner:.cyan}"
        };
        let style = ProgressStyle::with_template(&format!(
            "{spinner} gwaudit: collecting: {{pos}}/{{len}} {unit} done, {{calls}} calls, \
             {{throttled}} throttled, {{secs}}s"
        ))
        .expect("the template is valid")
        .with_key("calls", {
            let log = log.clone();
            move |_: &ProgressState, w: &mut dyn Write| {
                let calls: u64 = log.snapshot().operations.values().sum();
                let _ = write!(w, "{calls}");
            }
        })
        .with_key("throttled", move |_: &ProgressState, w: &mut dyn Write| {
            let _ = write!(w, "{}", log.snapshot().throttled);
        })
        .with_key("secs", |s: &ProgressState, w: &mut dyn Write| {
            let _ = write!(w, "{:.0}", s.elapsed().as_secs_f64());
        });
        self.bar.set_style(style);
        self.bar.set_length(total as u64);
        self.bar.reset_elapsed();
        // Draws nothing when standard error is not a terminal.
        self.bar.set_draw_target(ProgressDrawTarget::stderr());
        self.bar.enable_steady_tick(Duration::from_millis(250));
    }

    /// One region (or account) is done.
    pub fn step(&self) {
        self.bar.inc(1);
    }

    /// Removes the status line; later lines print alone.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
