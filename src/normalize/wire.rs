//! Wire boilerplate: agency end marks (`// انتهى //`, `(النهاية)`) and the codes and
//! filing times that follow them. They stay in the article text but are not spoken.

use super::reader::{Read, Reader};
use super::Class;

/// End marks agencies put after a story.
const END_MARKS: &[&str] = &["انتهى", "النهاية", "إنتهى", "انتهي"];

/// Whether `s` (what follows an opening `//`, `(` or `-`) is an end mark closed by
/// one of `closes` (or by the end of the line when `open_ok`).
fn end_mark(s: &str, closes: &[&str], open_ok: bool) -> bool {
    let t = s.trim_start();
    let Some(m) = END_MARKS.iter().find(|m| t.starts_with(**m)) else {
        return false;
    };
    let a = t[m.len()..].trim_start_matches([' ', '\u{a0}']);
    closes.iter().any(|c| a.starts_with(c)) || (open_ok && (a.is_empty() || a.starts_with('\n')))
}

// The reader's part for this class.
impl<'a> Reader<'a> {
    /// An end mark at byte `i` (`//`, `(` or `-` opening it): it and the rest of its
    /// line (agency codes, a filing time) are dropped from speech.
    pub(super) fn wire(&mut self, i: usize) -> Option<Read> {
        let text = self.text;
        let rest = &text[i..];
        let open = ["//", "(", "-", "–"]
            .iter()
            .find(|o| rest.starts_with(**o))?;
        let closes: &[&str] = match *open {
            "//" => &["//", "/"],
            "(" => &[")"],
            _ => &["-", "–"],
        };
        if !end_mark(&rest[open.len()..], closes, *open != "(") {
            return None;
        }
        let end = rest.find('\n').map_or(text.len(), |k| i + k);
        // The space before the mark goes with it.
        let head = &text[self.copied..i];
        let start = i - (head.len() - head.trim_end().len());
        Some(Read::new(
            start,
            end,
            Class::Boilerplate,
            String::new(),
            "wire end mark and what follows it on the line: not spoken".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks() {
        assert!(end_mark(" انتهى //", &["//"], true));
        assert!(end_mark("النهاية)", &[")"], false));
        assert!(!end_mark("انتهى الاجتماع)", &[")"], false));
        assert!(!end_mark(" انتهاء", &["//"], true));
    }
}
