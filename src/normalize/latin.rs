//! Latin script inside Arabic text: letters and acronyms read with the Arabic names of
//! the letters (`STC` → `إس تي سي`), known terms and brands from `data/latin.tsv`
//! (`FIFA` → `فيفا`), model numbers (`A380` → the letter, then the number), e-mail
//! addresses and URLs.
//!
//! The rule for addresses: they are spelled as a presenter dictates them: each part
//! read as a word (from the lexicon) or letter by letter, `@` as `آت`, `.` as `دوت`,
//! `/` as `سلاش`. A word rawi has no reading for is kept as written and flagged as a
//! guess, so `rawi check` lists it for an editor instead of dropping it silently.

use super::cardinal::digit_by_digit;
use super::lexicon::{latin, units};
use super::reader::{Read, Reader};
use super::scan;
use super::{Class, Guess};

/// The Arabic name of a Latin letter (either case).
pub fn letter_name(c: char) -> Option<&'static str> {
    let mut buf = [0u8; 4];
    latin(c.to_ascii_uppercase().encode_utf8(&mut buf))
}

/// Spells a word letter by letter (digits digit by digit).
pub fn spell(word: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for c in word.chars() {
        if let Some(n) = letter_name(c) {
            parts.push(n.to_string());
        } else if c.is_ascii_digit() {
            parts.push(digit_by_digit(&c.to_string()));
        }
    }
    parts.join(" ")
}

/// How a Latin word is said, and whether that is a guess (`None` if it cannot be).
pub fn word(w: &str) -> Option<String> {
    if let Some(s) = latin(w) {
        return Some(s.to_string());
    }
    let mut cap = String::with_capacity(w.len());
    for (i, c) in w.chars().enumerate() {
        cap.push(if i == 0 {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        });
    }
    if let Some(s) = latin(&cap).or_else(|| latin(&w.to_ascii_uppercase())) {
        return Some(s.to_string());
    }
    let letters = w.chars().filter(char::is_ascii_alphabetic).count();
    let upper = w
        .chars()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    // An acronym (all capitals, short) or a lone letter or two is spelled.
    if (upper && letters <= 6) || letters <= 2 {
        return Some(spell(w));
    }
    None
}

/// Reads an e-mail address or URL part by part (see the module comment).
pub fn address(a: &str) -> (String, bool) {
    let mut out: Vec<String> = Vec::new();
    let mut unknown = false;
    let body = a
        .strip_prefix("https://")
        .or_else(|| a.strip_prefix("http://"))
        .unwrap_or(a);
    let mut piece = String::new();
    let flush = |piece: &mut String, out: &mut Vec<String>, unknown: &mut bool| {
        if piece.is_empty() {
            return;
        }
        match word(piece) {
            Some(s) => out.push(s),
            None => {
                *unknown = true;
                out.push(piece.clone());
            }
        }
        piece.clear();
    };
    for c in body.chars() {
        let sym = match c {
            '@' => Some("آت"),
            '.' => Some("دوت"),
            '/' => Some("سلاش"),
            '-' => Some("داش"),
            '_' => Some("أندرسكور"),
            _ => None,
        };
        match sym {
            Some(s) => {
                flush(&mut piece, &mut out, &mut unknown);
                out.push(s.to_string());
            }
            None if c.is_ascii_digit() => {
                flush(&mut piece, &mut out, &mut unknown);
                out.push(digit_by_digit(&c.to_string()));
            }
            None => piece.push(c),
        }
    }
    flush(&mut piece, &mut out, &mut unknown);
    (out.join(" "), unknown)
}

/// Whether `t` starts with `p`, ASCII case aside (`HTTP://`, `WWW.`).
fn starts_ci(t: &str, p: &str) -> bool {
    t.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))
}

/// A web address with a path at the start of `text` (`http://site.org/a/b.do?id=9`): the
/// site (`site.org`, with `www.` if written) and the length of the whole address, up to a
/// space and without the punctuation that closes the sentence or a bracket. `None` for an
/// e-mail address or a bare site.
fn web_site(text: &str) -> Option<(&str, usize)> {
    let starts = |p: &str| starts_ci(text, p);
    let body_at = ["https://", "http://"]
        .into_iter()
        .find(|p| starts(p))
        .map_or(0, str::len);
    if body_at == 0 && !starts("www.") {
        return None;
    }
    // Looked through for a word's window at most, as every word is (the reader asks at
    // each word of a long run).
    let text = &text[..scan::window_after(text, 0)];
    let len = text.find(char::is_whitespace).unwrap_or(text.len());
    let whole = text[..len].trim_end_matches(|c: char| !c.is_ascii_alphanumeric() && c != '/');
    let body = whole.get(body_at..)?;
    let slash = body.find('/')?;
    let site = &body[..slash];
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-');
    (site.contains('.') && site.chars().all(plain)).then_some((site, whole.len()))
}

/// Whether a run of Latin text is an e-mail address or a web address; `has_at` says
/// whether it holds an `@`. Looks at its two ends only (the reader asks it for every
/// letter of a long run).
fn is_address(t: &str, has_at: bool) -> bool {
    let starts = |p: &str| starts_ci(t, p);
    let ends = |p: &str| {
        t.len() > p.len()
            && t.get(t.len() - p.len()..)
                .is_some_and(|h| h.eq_ignore_ascii_case(p))
    };
    has_at
        || starts("www.")
        || starts("http")
        || [
            ".com", ".net", ".org", ".tn", ".sa", ".info", ".gov", ".edu", ".fr",
        ]
        .iter()
        .any(|tld| ends(tld))
}

/// A run of the characters a Latin word or address is made of (letters, digits and
/// `@._-/:`), measured once for all the letters inside it: each letter after a non-letter
/// starts a word, and measuring the run again from each would make a line like `a5a5a5…`
/// cost its length squared.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LatinRun {
    /// Where the run starts and ends (byte offsets).
    start: usize,
    end: usize,
    /// Just past its last letter or digit (the run without trailing punctuation).
    alnum_end: usize,
    /// The last `@` before `alnum_end`, if any.
    last_at: Option<usize>,
}

impl LatinRun {
    /// Measures the run starting at byte `i` of `text`.
    fn measure(text: &str, i: usize) -> LatinRun {
        let mut run = LatinRun {
            start: i,
            end: text.len(),
            alnum_end: i,
            last_at: None,
        };
        let mut at = None;
        for (k, c) in text[i..].char_indices() {
            if c.is_ascii_alphanumeric() {
                run.alnum_end = i + k + 1;
                run.last_at = at;
            } else if c == '@' {
                at = Some(i + k);
            } else if !matches!(c, '.' | '_' | '-' | '/' | ':') {
                run.end = i + k;
                break;
            }
        }
        run
    }
}

// The reader's part for this class.
impl<'a> Reader<'a> {
    /// Reads the Latin text starting at byte `i` (an ASCII letter at a word start).
    pub(super) fn latin(&mut self, i: usize) -> Option<Read> {
        let text = self.text;
        let rest = &text[i..];
        // The run from `i` ends where the run measured for an earlier letter ends.
        let m = match self.latin_run {
            Some(m) if m.start <= i && i < m.end => m,
            _ => LatinRun::measure(text, i),
        };
        self.latin_run = Some(m);
        let run = &text[i..m.alnum_end.max(i)];
        if is_address(run, m.last_at.is_some_and(|a| a >= i)) {
            // A web page's path and query are not said: a presenter gives the site.
            let (said, end, rule) = match web_site(rest) {
                Some((site, len)) => (site, i + len, "web address: its site spelled"),
                None => (run, i + run.len(), "address: spelled"),
            };
            let (s, unknown) = address(said);
            let mut r = Read::new(i, end, Class::Latin, s, rule.into());
            if unknown {
                r.guess = Some(Guess::UnknownLatin);
            }
            return Some(r);
        }
        // A listed term as written, hyphen and all (`Wi-Fi`).
        if let Some(s) = latin(run) {
            let rule = format!("Latin term {run}");
            return Some(Read::new(i, i + run.len(), Class::Latin, s.into(), rule));
        }
        let wlen = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        let w = &rest[..wlen];
        // A currency or unit code before a number (`AED 1,250`) is read with the number.
        let after = rest[wlen..].trim_start_matches(' ');
        // Only a unit written before its number: `MP4` is a format, not megapixels.
        if units().get(w).is_some_and(|u| u.before)
            && after.starts_with(|c: char| c.is_ascii_digit())
        {
            return None;
        }
        Some(match word(w) {
            Some(s) => Read::new(i, i + wlen, Class::Latin, s, format!("Latin {w}")),
            None => {
                let mut r = Read::new(
                    i,
                    i + wlen,
                    Class::Latin,
                    w.to_string(),
                    "unknown Latin word: kept as written".into(),
                );
                r.guess = Some(Guess::UnknownLatin);
                r
            }
        })
    }

    /// A listed term that starts with digits (`4G`, `3D`) at byte `i`.
    pub(super) fn latin_term_at(&self, i: usize) -> Option<Read> {
        let rest = &self.text[i..];
        let len = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        let run = &rest[..len];
        if !run.contains(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        let s = latin(run)?;
        Some(Read::new(
            i,
            i + len,
            Class::Latin,
            s.into(),
            format!("Latin term {run}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(word("STC").as_deref(), Some("إس تي سي"));
        assert_eq!(word("FIFA").as_deref(), Some("فيفا"));
        assert_eq!(word("fifa").as_deref(), Some("فيفا"));
        assert_eq!(word("Pullmantur"), None);
        assert_eq!(address("info@example.com").0, "إنفو آت example دوت كوم");
    }
}
