//! What the user asked of the terminal, one place for the report and the collector's progress.

/// `NO_COLOR` set to a non-empty value turns colour off (<https://no-color.org>).
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// The one sanitizer for text that reaches a terminal, on standard output or standard error.
/// API names, route keys, error messages from AWS and whole reports can come from someone else;
/// a control character in them could move the cursor, clear the screen, retitle the window or
/// inject a link. Control characters (C0, DEL, C1) become U+FFFD; newlines stay. Format
/// characters such as right-to-left marks and zero-width joiners, and emoji, are left alone:
/// they are text, and names in many scripts need them.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && c != '\n') {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' {
                char::REPLACEMENT_CHARACTER
            } else {
                c
            }
        })
        .collect()
}

/// A `gwaudit: ...` line on standard error, made printable.
pub fn eprintln(msg: &str) {
    eprintln!("gwaudit: {}", printable(msg));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_and_text_stays() {
        assert_eq!(
            printable("a\u{1b}]0;x\u{7}\u{1b}[2Jb\n\u{9b}c\u{7f}"),
            "a\u{fffd}]0;x\u{fffd}\u{fffd}[2Jb\n\u{fffd}c\u{fffd}"
        );
        let text = "שלום \u{200f}\u{200d}👩‍💻 e\u{301}";
        assert_eq!(printable(text), text);
    }
}
