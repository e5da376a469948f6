//! Escaping account-controlled text (API names, route keys, messages) for each output.

use crate::term::printable;

/// Longest run without whitespace shown in a terminal cell, and longest cell: a table wraps
/// text at whitespace, and its cost grows with the square of an unbroken run, so a 64 KB API
/// name could hold the terminal for minutes. The full value stays in the JSON and SARIF reports.
const MAX_RUN: usize = 160;
const MAX_CELL: usize = 4000;

/// `s` cut to a size a table renders in bounded time and a reader can take in: each run without
/// whitespace longer than `MAX_RUN` characters, and the whole text beyond `MAX_CELL`
/// characters, is cut with an ellipsis.
pub fn clip(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_CELL * 4));
    let (mut run, mut total) = (0usize, 0usize);
    let mut cut_run = false;
    for c in s.chars() {
        if total >= MAX_CELL {
            out.push('…');
            return out;
        }
        if c.is_whitespace() {
            run = 0;
            cut_run = false;
        } else {
            run += 1;
            if run > MAX_RUN {
                if !cut_run {
                    out.push('…');
                    cut_run = true;
                }
                continue;
            }
        }
        out.push(c);
        total += 1;
    }
    out
}

/// A terminal table cell: cut, then made printable.
pub fn cell(s: &str) -> String {
    printable(&clip(s)).into_owned()
}

/// For a Markdown table cell: one line, no pipe, no HTML, no stray code spans, cut like a
/// terminal cell.
pub fn md_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in clip(s).chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '`' => out.push('\''),
            '*' | '_' | '[' | ']' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// For XML text and attribute values; characters XML 1.0 cannot hold are dropped.
pub fn xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cut_long_runs_and_long_text() {
        let long = "x".repeat(70_000);
        let c = cell(&format!("name {long} tail"));
        assert_eq!(c, format!("name {}… tail", "x".repeat(MAX_RUN)));
        let words = "word ".repeat(5_000);
        assert_eq!(cell(&words).chars().count(), MAX_CELL + 1);
        assert_eq!(cell("short\u{1b}"), "short\u{fffd}");
    }

    #[test]
    fn escapes() {
        assert_eq!(
            md_cell("GET /a|b <x> `c` *d*\n"),
            "GET /a\\|b &lt;x&gt; 'c' \\*d\\* "
        );
        assert_eq!(xml("a<b & \"c\"\u{1}"), "a&lt;b &amp; &quot;c&quot;");
    }
}
