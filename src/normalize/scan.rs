//! Finding numbers in text: digits of every script, grouping and decimal separators,
//! and the separators that make dates, times and ranges.

/// The value of a digit in ASCII, Arabic-Indic or Persian script.
#[inline]
pub fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{660}'..='\u{669}' => Some((c as u32 - 0x660) as u8),
        '\u{6F0}'..='\u{6F9}' => Some((c as u32 - 0x6F0) as u8),
        _ => None,
    }
}

/// Whether `s` contains a digit of any script.
pub fn has_digit(s: &str) -> bool {
    s.chars().any(|c| digit(c).is_some())
}

/// One number inside a numeric token: its whole part and optional fraction, as ASCII.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Group {
    /// Whole-part digits, separators removed.
    pub int: String,
    /// Fraction digits, if a decimal separator was found.
    pub frac: Option<String>,
}

/// A run of digits and separators: numbers and the separators between them.
#[derive(Debug, Clone, Default)]
pub struct Core {
    /// Byte offset just past the core.
    pub end: usize,
    /// The numbers.
    pub groups: Vec<Group>,
    /// Separator before each group after the first (`:` `/` `-` or ` ` for others).
    pub seps: Vec<char>,
    /// Whether a decimal was read in a stored style whose order had to be inferred
    /// (digits around a right-to-left mark).
    pub inferred: bool,
}

/// The right-to-left mark some papers store inside decimals (`54.\u{200F}92`).
const RLM: char = '\u{200F}';

/// A date or clock time written with spaces around its separators: `26 / 9 / 1436`,
/// `11 : 59`, `12 - 7 - 2015`. Returns `None` for any other shape (a spaced dash
/// between two numbers is a range or score, read elsewhere).
pub fn spaced(text: &str, pos: usize) -> Option<Core> {
    let (first, mut end) = digits_at(text, pos);
    let mut groups = vec![first];
    let mut seps = Vec::new();
    let mut spaced_any = false;
    while groups.len() < 3 {
        let rest = &text[end..];
        let a = rest.trim_start_matches([' ', '\u{a0}']);
        let Some(sep) = a
            .chars()
            .next()
            .filter(|c| matches!(c, '/' | '-' | '.' | ':'))
        else {
            break;
        };
        let b = a[1..].trim_start_matches([' ', '\u{a0}']);
        if !b.starts_with(|c: char| digit(c).is_some()) {
            break;
        }
        if a.len() != rest.len() || b.len() + 1 != a.len() {
            spaced_any = true;
        }
        if seps.first().is_some_and(|&f| f != sep) {
            break;
        }
        let at = text.len() - b.len();
        let (d, e) = digits_at(text, at);
        groups.push(d);
        seps.push(sep);
        end = e;
    }
    if !spaced_any {
        return None;
    }
    let ok = match (groups.len(), seps.first()) {
        (2, Some(':')) => groups[0].len() <= 2 && groups[1].len() == 2,
        (3, Some('/' | '-' | '.')) => {
            let (a, b, c) = (groups[0].len(), groups[1].len(), groups[2].len());
            b <= 2 && ((a <= 2 && (c == 4 || c == 2)) || (a == 4 && c <= 2))
        }
        _ => false,
    };
    if !ok {
        return None;
    }
    Some(Core {
        end,
        groups: groups
            .into_iter()
            .map(|int| Group { int, frac: None })
            .collect(),
        seps,
        inferred: false,
    })
}

/// A separator that may sit between digits inside one numeric token.
fn is_sep(c: char) -> bool {
    matches!(
        c,
        ',' | '٬' | '.' | '٫' | ':' | '/' | '-' | '–' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}'
    )
}

fn is_space_group(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// `3، 7 مليون`: a decimal whose Arabic comma was typed with a space after it. Only
/// before a singular scale word or a percent word, where a list (`3، 10، 17`) cannot
/// stand; returns the fraction digits and where they end.
pub fn spaced_comma_decimal(text: &str, end: usize) -> Option<(String, usize)> {
    let rest = text[end..].strip_prefix('،')?;
    let digits_at_ = end + '،'.len_utf8() + (rest.len() - rest.trim_start_matches(' ').len());
    if digits_at_ == end + '،'.len_utf8() || digits_at_ - end > 4 {
        return None;
    }
    let (d, e) = digits_at(text, digits_at_);
    if d.is_empty() || d.len() > 2 {
        return None;
    }
    let after = text[e..].strip_prefix(' ')?;
    let word = after.split([' ', '،', ',', '.']).next().unwrap_or("");
    let word = word
        .strip_prefix('و')
        .filter(|w| w.starts_with('ب'))
        .unwrap_or(word);
    matches!(
        word,
        "مليون" | "مليار" | "ألف" | "بالمائة" | "بالمئة" | "%" | "٪" | "نقطة" | "درجة"
    )
    .then_some((d, e))
}

/// Where the run of digits starting at `pos` ends.
pub fn digits_end(text: &str, pos: usize) -> usize {
    let rest = &text[pos..];
    rest.find(|c: char| digit(c).is_none())
        .map_or(text.len(), |k| pos + k)
}

/// Reads the digits at `pos` (ASCII) and returns them with the end offset.
pub fn digits_at(text: &str, pos: usize) -> (String, usize) {
    let mut s = String::new();
    let mut end = pos;
    for (i, c) in text[pos..].char_indices() {
        match digit(c) {
            Some(d) => {
                s.push((b'0' + d) as char);
                end = pos + i + c.len_utf8();
            }
            None => break,
        }
    }
    (s, end)
}

/// Parses the numeric core starting at `pos` (which must be a digit).
pub fn core(text: &str, pos: usize) -> Core {
    core_with(text, pos, true)
}

/// Parses the numeric core at `pos`; `space_groups` says whether a plain space may
/// group thousands (not in a telephone number: `800 555`).
pub fn core_with(text: &str, pos: usize, space_groups: bool) -> Core {
    // First the raw runs of digits with the separator before each.
    let mut runs: Vec<(char, String)> = Vec::new();
    let (d, mut end) = digits_at(text, pos);
    runs.push(('\0', d));
    loop {
        let mut it = text[end..].chars();
        let Some(mut c) = it.next() else { break };
        let mut sep_len = c.len_utf8();
        // Wire decimals `9ر40` (the fraction written first) and comma decimals `4،2`:
        // only straight between digits.
        let wire = (c == 'ر' || c == '،') && runs.len() == 1;
        // `54.\u{200F}92`: a decimal stored around a right-to-left mark.
        if (c == '.' || c == ',') && text[end + 1..].starts_with(RLM) {
            c = RLM;
            sep_len += RLM.len_utf8();
        } else if c == RLM && text[end + RLM.len_utf8()..].starts_with(['.', ',']) {
            sep_len += 1;
        } else if !is_sep(c) && !wire {
            break;
        }
        let Some(n) = text[end + sep_len..].chars().next() else {
            break;
        };
        if digit(n).is_none() {
            break;
        }
        let (d, e) = digits_at(text, end + sep_len);
        if wire
            && text[e..].starts_with(|ch: char| {
                digit(ch).is_some()
                    || is_sep(ch)
                        && ch != ' '
                        && text[e + ch.len_utf8()..].starts_with(|x: char| digit(x).is_some())
            })
        {
            break;
        }
        if is_space_group(c) && !space_groups {
            break;
        }
        if is_space_group(c) {
            // A space groups thousands only in `12 480` shapes.
            let prev = &runs[runs.len() - 1];
            let prev_ok = prev.1.len() <= 3 && (runs.len() == 1 || is_space_group(prev.0));
            let next_ok = d.len() == 3
                && !text[e..]
                    .chars()
                    .next()
                    .is_some_and(|c| digit(c).is_some() || (c != ' ' && is_sep(c)));
            if !(prev_ok && next_ok) {
                break;
            }
        }
        runs.push((c, d));
        end = e;
    }
    // Then fold thousands groups and decimal parts into numbers.
    let mut groups: Vec<Group> = Vec::new();
    let mut seps = Vec::new();
    let mut cur = Group {
        int: std::mem::take(&mut runs[0].1),
        frac: None,
    };
    let mut first_chunk_len = cur.int.len();
    let mut grouped = false;
    let mut inferred = false;
    let count = runs.len();
    for i in 1..count {
        let (sep, ref d) = runs[i];
        let next_sep = runs.get(i + 1).map(|r| r.0);
        let fits_group = d.len() == 3 && cur.frac.is_none() && (grouped || first_chunk_len <= 3);
        match sep {
            // Fraction first: `9ر40` is forty point nine; `54.\u{200F}92` is shown
            // to readers as 92.54.
            'ر' | RLM if cur.frac.is_none() => {
                inferred |= sep == RLM;
                cur.frac = Some(std::mem::replace(&mut cur.int, d.clone()));
            }
            '،' if cur.frac.is_none() => cur.frac = Some(d.clone()),
            ',' | '٬' | ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' if fits_group => {
                cur.int.push_str(d);
                grouped = true;
            }
            ',' if cur.frac.is_none() && !grouped && next_sep != Some(',') => {
                cur.frac = Some(d.clone());
            }
            '.' if fits_group && (next_sep == Some('.') || grouped) && sep_all(&runs, '.') => {
                cur.int.push_str(d);
                grouped = true;
            }
            // `37,775.000 مليون`: after commas (or spaces) grouped the thousands, a dot is
            // the decimal point, and zeros after it (a table's fixed decimals) add
            // nothing to the number: it was read 37,775,000 million.
            '.' if grouped && cur.frac.is_none() && d.bytes().all(|b| b == b'0') => {}
            // `15.000 ليرة`: a dot before three zeros groups thousands.
            '.' if fits_group && d == "000" && next_sep.is_none() => {
                cur.int.push_str(d);
                grouped = true;
            }
            '.' | '٫' if cur.frac.is_none() => cur.frac = Some(d.clone()),
            _ => {
                groups.push(std::mem::take(&mut cur));
                seps.push(sep);
                cur.int = d.clone();
                first_chunk_len = d.len();
                grouped = false;
            }
        }
    }
    groups.push(cur);
    Core {
        end,
        groups,
        seps,
        inferred,
    }
}

/// Whether every separator after the first run is `c` (for `1.400.000`).
fn sep_all(runs: &[(char, String)], c: char) -> bool {
    runs[1..].iter().all(|r| r.0 == c)
}

/// Where the last whitespace in `s` starts and how long it is. Works on bytes: the
/// reader calls it for every number, and `char::is_whitespace` would consult the
/// Unicode tables for every Arabic letter. Spaces news text uses: ASCII, no-break
/// and thin spaces.
pub fn last_space(s: &str) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    let mut i = b.len();
    while i > 0 {
        i -= 1;
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => return Some((i, 1)),
            0xA0 if i >= 1 && b[i - 1] == 0xC2 => return Some((i - 1, 2)),
            0x80..=0x8A | 0xA8 | 0xA9 | 0xAF if i >= 2 && b[i - 2] == 0xE2 && b[i - 1] == 0x80 => {
                return Some((i - 2, 3))
            }
            _ => {}
        }
    }
    None
}

/// Where the first whitespace in `s` starts (see [`last_space`]).
pub fn first_space(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => return Some(i),
            0xC2 if b.get(i + 1) == Some(&0xA0) => return Some(i),
            0xE2 if b.get(i + 1) == Some(&0x80)
                && matches!(b.get(i + 2), Some(0x80..=0x8A | 0xA8 | 0xA9 | 0xAF)) =>
            {
                return Some(i)
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Punctuation stripped from the ends of a word before it is looked up.
pub fn is_punct(c: char) -> bool {
    matches!(
        c,
        '،' | ','
            | '.'
            | '؛'
            | ';'
            | ':'
            | '!'
            | '?'
            | '؟'
            | '"'
            | '\''
            | '«'
            | '»'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '…'
            | '-'
            | '–'
            | '—'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '\u{640}'
    )
}

/// The word without surrounding punctuation, and its offset inside the word.
pub fn clean(w: &str) -> (usize, &str) {
    let t = w.trim_start_matches(is_punct);
    let off = w.len() - t.len();
    (off, t.trim_end_matches(is_punct))
}

/// How far, in bytes, the reader looks from a token for the edges of the words around
/// it. Every token looks at its neighbours; were the search unbounded, a line of 16 000
/// `5%` with no space (one "word") would be searched from end to end for each of its
/// numbers. A word longer than this (no news word comes near: 128 Arabic letters) is
/// seen as its part nearest the token; a gap of spaces longer than this hides the word
/// beyond it.
pub const WORD_WINDOW: usize = 256;

/// The offset [`WORD_WINDOW`] bytes before `i` (moved back to a character boundary), or
/// 0: where a look back from `i` stops.
pub fn window_before(text: &str, i: usize) -> usize {
    let mut lo = i.min(text.len()).saturating_sub(WORD_WINDOW);
    while !text.is_char_boundary(lo) {
        lo -= 1;
    }
    lo
}

/// The offset [`WORD_WINDOW`] bytes after `i` (moved on to a character boundary), or the
/// end of `text`: where a look ahead from `i` stops.
pub fn window_after(text: &str, i: usize) -> usize {
    let mut hi = i.saturating_add(WORD_WINDOW).min(text.len());
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    hi
}

/// Where the word starting at `from` ends: at the first whitespace, looked for within a
/// [`WORD_WINDOW`] (at the window's end for a longer word).
pub fn word_end(text: &str, from: usize) -> usize {
    let hi = window_after(text, from);
    text[from..hi]
        .find(char::is_whitespace)
        .map_or(hi, |k| from + k)
}

/// The word (cleaned) ending at or before byte `before`, skipping spaces. Looks back two
/// [`WORD_WINDOW`]s at most: one for the spaces and brackets, one for the word.
pub fn prev_word(text: &str, before: usize) -> Option<(usize, &str)> {
    let lo = window_before(text, window_before(text, before));
    let head = text[lo..before].trim_end();
    // An opening bracket or quote glued to the number is not a word: look past it.
    let head = head.trim_end_matches(['(', '«', '"', '[', '“']).trim_end();
    if head.is_empty() {
        return None;
    }
    let start = last_space(head).map_or(0, |(i, len)| i + len);
    Some((lo + start, clean(&head[start..]).1))
}

/// A word after a position: its raw range, cleaned text and cleaned range, and whether
/// it is glued to the position (no space between).
#[derive(Debug, Clone, Copy)]
pub struct Next<'a> {
    /// Cleaned text.
    pub word: &'a str,
    /// Start of the cleaned text.
    pub start: usize,
    /// End of the cleaned text.
    pub end: usize,
    /// Whether it follows with no space.
    pub glued: bool,
    /// Whether punctuation stands between the position and the word.
    pub broken: bool,
}

/// The next word after `pos`. A glued remainder counts as a word (`50%` → `%`).
pub fn next_word(text: &str, pos: usize) -> Option<Next<'_>> {
    // Spaces and the word itself are each looked through for a [`WORD_WINDOW`] at most.
    let rest = &text[pos..window_after(text, pos)];
    let lead = rest.len() - rest.trim_start().len();
    let glued = lead == 0;
    let start = pos + lead;
    let tail = &text[start..window_after(text, start)];
    let len = first_space(tail).unwrap_or(tail.len());
    if len == 0 {
        return None;
    }
    let raw = &tail[..len];
    let (off, w) = clean(raw);
    if w.is_empty() {
        // Only punctuation: a break.
        return Some(Next {
            word: "",
            start: start + len,
            end: start + len,
            glued,
            broken: true,
        });
    }
    Some(Next {
        word: w,
        start: start + off,
        end: start + off + w.len(),
        glued,
        broken: off > 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(s: &str) -> Vec<(String, Option<String>)> {
        core(s, 0)
            .groups
            .into_iter()
            .map(|g| (g.int, g.frac))
            .collect()
    }

    #[test]
    fn separators() {
        assert_eq!(groups("12,480 نقطة"), vec![("12480".into(), None)]);
        assert_eq!(groups("7,5"), vec![("7".into(), Some("5".into()))]);
        assert_eq!(groups("٣٫٥"), vec![("3".into(), Some("5".into()))]);
        assert_eq!(groups("3٬500٬000"), vec![("3500000".into(), None)]);
        assert_eq!(groups("1.400.000"), vec![("1400000".into(), None)]);
        assert_eq!(groups("15.000"), vec![("15000".into(), None)]);
        assert_eq!(groups("10.7"), vec![("10".into(), Some("7".into()))]);
        assert_eq!(groups("۱۲۳"), vec![("123".into(), None)]);
        assert_eq!(core("2022-01-05", 0).seps, vec!['-', '-']);
        assert_eq!(core("10:30", 0).seps, vec![':']);
        assert_eq!(groups("9ر40 مليار"), vec![("40".into(), Some("9".into()))]);
        assert_eq!(groups("87ر0"), vec![("0".into(), Some("87".into()))]);
        assert_eq!(groups("4،2 بالمائة"), vec![("4".into(), Some("2".into()))]);
        assert_eq!(
            groups("54.\u{200F}92"),
            vec![("92".into(), Some("54".into()))]
        );
        assert_eq!(groups("5رجال"), vec![("5".into(), None)]);
        let s = spaced("26 / 9 / 1436", 0).map(|c| c.groups.len());
        assert_eq!(s, Some(3));
        assert!(spaced("2 - 1", 0).is_none());
        assert!(spaced("26/9/1436", 0).is_none());
    }

    #[test]
    fn spaces_by_bytes() {
        // `٠` is D9 A0: its A0 byte is not a no-break space.
        assert_eq!(last_space("في ٠"), Some((4, 1)));
        assert_eq!(last_space("٠٠"), None);
        assert_eq!(last_space("في\u{a0}٥"), Some((4, 2)));
        assert_eq!(first_space("٥\u{202f}كم"), Some(2));
        assert_eq!(first_space("a\u{200f}b"), None);
        assert_eq!(prev_word("قبل 30", 7), Some((0, "قبل")));
    }

    #[test]
    fn windows_stop_on_character_boundaries() {
        // Two-byte letters: a window edge in the middle of one moves off it.
        let long = "ب".repeat(WORD_WINDOW * 2);
        let text = format!("{long} 5");
        let lo = window_before(&text, text.len());
        assert!(text.is_char_boundary(lo) && text.len() - lo <= WORD_WINDOW + 1);
        let hi = window_after(&text, 3);
        assert!(text.is_char_boundary(hi));
        assert_eq!(word_end(&text, 0), WORD_WINDOW);
        assert_eq!(word_end(&text, 2), WORD_WINDOW + 2);
        assert_eq!(word_end("كلمة أخرى", 0), "كلمة".len());
        // A word longer than the window is seen as its part nearest the token.
        let (start, w) = prev_word(&text, text.len() - 1).unwrap_or_default();
        assert!(start > 0 && w.len() <= 2 * WORD_WINDOW);
        assert_eq!(next_word(&text, 0).map(|n| n.end), Some(WORD_WINDOW));
    }
}
