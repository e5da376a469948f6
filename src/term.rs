//! What the user asked of the terminal, one place for the report and the collector's progress.

/// `NO_COLOR` set to a non-empty value turns colour off (<https://no-color.org>).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
