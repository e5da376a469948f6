//! Glob matching anchored at both ends: `*` matches any run of characters (`/` included),
//! `?` one character. Used for IAM action/resource patterns and for mute resource patterns.

pub fn matches(pattern: &str, text: &str) -> bool {
    // ASCII (every ARN, id and mute pattern in practice) is matched on the bytes without
    // copying: mutes are matched against every failing finding, so this runs findings x mutes
    // times. Anything else is matched on characters, so `?` is one character, not one byte.
    if pattern.is_ascii() && text.is_ascii() {
        wildcard(pattern.as_bytes(), text.as_bytes())
    } else {
        let p: Vec<char> = pattern.chars().collect();
        let t: Vec<char> = text.chars().collect();
        wildcard(&p, &t)
    }
}

fn wildcard<T: Copy + PartialEq + From<u8>>(p: &[T], t: &[T]) -> bool {
    let (any, one) = (T::from(b'*'), T::from(b'?'));
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == one || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == any {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == any)
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn anchored_at_both_ends() {
        assert!(matches(
            "arn:aws:apigateway:*::/restapis/abc/*",
            "arn:aws:apigateway:eu-west-1::/restapis/abc/stages/dev"
        ));
        assert!(!matches(
            "restapis/abc",
            "arn:aws:apigateway:eu-west-1::/restapis/abc"
        ));
        assert!(!matches(
            "arn:*:/restapis/abc",
            "arn:aws:apigateway:eu-west-1::/restapis/abc/stages/dev"
        ));
        assert!(matches("a?c", "abc"));
        assert!(!matches("ABC", "abc"), "case-sensitive");
        assert!(matches("*", ""));
        // Non-ASCII: `?` is one character.
        assert!(matches("caf?-*", "café-prod"));
        assert!(!matches("caf??-*", "café-prod"));
    }
}
