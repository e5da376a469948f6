//! JSON text written by hand, for the reports' results: serde escapes a string a byte at a
//! time, which was most of writing a large report's results (perf); almost no text of a report
//! needs an escape, so such a text is copied whole.

use std::io;

/// A JSON string: copied between quotes when no byte needs escaping, else serde's escaping.
pub fn string(out: &mut Vec<u8>, s: &str) -> io::Result<()> {
    if needs_escape(s.as_bytes()) {
        return serde_json::to_writer(&mut *out, s).map_err(io::Error::from);
    }
    out.reserve(s.len() + 2);
    out.push(b'"');
    out.extend_from_slice(s.as_bytes());
    out.push(b'"');
    Ok(())
}

/// Whether JSON needs an escape in `bytes`: a quote, a backslash or a control character.
/// Checked 16 bytes at a time without an early exit inside a chunk, so the compiler can
/// vectorise it.
pub fn needs_escape(bytes: &[u8]) -> bool {
    let bad = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    let mut chunks = bytes.chunks_exact(16);
    for chunk in &mut chunks {
        if chunk.iter().fold(false, |any, &b| any | bad(b)) {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| bad(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_is_found_in_any_position() {
        for byte in 0..=255u8 {
            let mut bytes = vec![b'a'; 19];
            bytes[byte as usize % 19] = byte;
            let expected = byte < 0x20 || byte == b'"' || byte == b'\\';
            assert_eq!(needs_escape(&bytes), expected, "{byte:#x}");
        }
        // Every pair of neighbours in a word, among high and low bytes: no borrow from one
        // byte makes its neighbour look special.
        let special = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
        for a in 0..=255u8 {
            for b in 0..=255u8 {
                for at in [0, 3, 6] {
                    let mut word = [0xffu8; 8];
                    word[at] = a;
                    word[at + 1] = b;
                    assert_eq!(needs_escape(&word), special(a) || special(b), "{a} {b}");
                }
            }
        }
        for len in 0..40 {
            for at in 0..len {
                for bad in [b'"', b'\\', 0u8, 0x1f] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = bad;
                    assert!(needs_escape(&bytes), "{len} {at} {bad}");
                }
            }
            assert!(!needs_escape(&vec![b' '; len]));
        }
    }
}
