//! Abbreviations from the lexicon: `د.` → `الدكتور` before a name, `ص.ب` → `صندوق البريد`.

use super::lexicon::abbreviations;
use super::lexicon::months;
use super::reader::{Read, Reader};
use super::scan::next_word;
use super::{scan, Class};

/// Where an abbreviation applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// Only before a name.
    Name,
    /// Wherever it stands as a word.
    Any,
    /// Only after a year (handled with the year).
    Year,
}

/// Looks a written word up; returns its spoken form and where it applies.
pub fn lookup(word: &str) -> Option<(&'static str, Where)> {
    let (spoken, w) = abbreviations().get(word)?;
    let w = match *w {
        "name" => Where::Name,
        "year" => Where::Year,
        _ => Where::Any,
    };
    Some((spoken, w))
}

/// The first halves of compound names that the press often writes joined to the second,
/// which starts with the article: `عبدالله`، `عبدالعزيز` (the Gulf spelling of `عبد الله`).
const JOINED_NAME_HEADS: &[&str] = &["عبد"];

/// Clitics a joined compound name may carry (`وعبدالله`، `لعبدالعزيز`).
const JOINED_NAME_CLITICS: &[&str] = &["", "و", "ف", "ب", "ل", "ك", "وب", "ول"];

/// Where a compound name written as one word (`عبدالله`، `وعبدالعزيز`) parts into its two
/// words, as the number of letters before the second; `letters` is the word without its
/// marks. The second word is the article and at least two letters of the name. Both the
/// normalizer and the bundled voice (for text given with its marks) part names here.
pub fn joined_name_split(letters: &str) -> Option<usize> {
    JOINED_NAME_CLITICS.iter().find_map(|clitic| {
        let rest = letters.strip_prefix(clitic)?;
        JOINED_NAME_HEADS.iter().find_map(|head| {
            let name = rest.strip_prefix(head)?;
            (name.starts_with("ال") && name.chars().count() >= 4)
                .then(|| clitic.chars().count() + head.chars().count())
        })
    })
}

// The reader's part for this class: finding the token's parts and context in the
// sentence (the functions above only verbalize a parsed value).
impl<'a> Reader<'a> {
    /// A compound name written as one word at byte `start` (`عبدالله`، `وعبدالعزيز`), said
    /// as its two words: the models then read the first half's case as a word's ending,
    /// and every voice says the article's alef as the article.
    pub(super) fn joined_name(&self, start: usize) -> Option<Read> {
        let text = self.text;
        let rest = &text[start..scan::window_after(text, start)];
        let len = rest
            .find(|c: char| !super::reader::is_arabic_letter(c))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let n = joined_name_split(word)?;
        let at = word.char_indices().nth(n).map_or(len, |(b, _)| b);
        let (first, second) = word.split_at(at);
        Some(Read::new(
            start,
            start + len,
            Class::Abbreviation,
            format!("{first} {second}"),
            format!("compound name written joined: {first} {second}"),
        ))
    }

    /// A token without digits around byte `i` (a `.` or `/`): an abbreviation or a
    /// month pair.
    pub(super) fn word_token(&self, i: usize) -> Option<Read> {
        let text = self.text;
        // The word around `i`, looked for within a window each way (a line of dots
        // with no space is one word, searched again for each of its dots otherwise).
        let lo = scan::window_before(text, i);
        let start = text[lo..i]
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_whitespace())
            .map(|(k, c)| lo + k + c.len_utf8())
            .unwrap_or(lo);
        if start < self.copied {
            return None;
        }
        let hi = scan::window_after(text, start);
        let len = text[start..hi]
            .find(char::is_whitespace)
            .unwrap_or(hi - start);
        let raw = &text[start..start + len];
        if scan::has_digit(raw) {
            return None;
        }
        // Month pair: فبراير/شباط (optionally with a two-word second name).
        let (off, w) = scan::clean(raw);
        if let Some((a, b)) = w.split_once('/') {
            if months().contains_key(a) {
                let b_ok = months().contains_key(b)
                    || next_word(text, start + off + w.len()).is_some_and(|n| {
                        !n.glued && months().contains_key(format!("{b} {}", n.word).as_str())
                    });
                if b_ok {
                    return Some(Read::new(
                        start + off,
                        start + off + w.len(),
                        Class::Date,
                        format!("{a} {b}"),
                        "month pair written with a slash: both names".into(),
                    ));
                }
            }
        }
        // Abbreviation: keep its own dots, drop other punctuation around it.
        let t = raw.trim_start_matches(scan::is_punct);
        let lead = raw.len() - t.len();
        let t = t.trim_end_matches(|c: char| scan::is_punct(c) && c != '.');
        let candidates = [t, t.trim_end_matches('.')];
        for cand in candidates {
            if let Some((spoken, wh)) = lookup(cand) {
                let ok = match wh {
                    Where::Any => true,
                    Where::Year => false,
                    Where::Name => next_word(text, start + lead + cand.len()).is_some_and(|n| {
                        !n.glued && !n.broken && !n.word.is_empty() && !scan::has_digit(n.word)
                    }),
                };
                if ok && !cand.is_empty() {
                    return Some(Read::new(
                        start + lead,
                        start + lead + cand.len(),
                        Class::Abbreviation,
                        spoken.into(),
                        format!("abbreviation {cand} ({wh:?})"),
                    ));
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::joined_name_split;

    #[test]
    fn joined_names_part_after_their_head_and_clitics() {
        assert_eq!(joined_name_split("عبدالله"), Some(3));
        assert_eq!(joined_name_split("وعبدالعزيز"), Some(4));
        assert_eq!(joined_name_split("لعبدالرحمن"), Some(4));
        // Too short a name after the article, or no article: one word.
        assert_eq!(joined_name_split("عبدالي"), None);
        assert_eq!(joined_name_split("عبدربه"), None);
        assert_eq!(joined_name_split("العبد"), None);
    }
}
