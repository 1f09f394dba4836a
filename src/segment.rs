//! Sentences: Unicode sentence bounds (UAX #29, through unicode-segmentation), corrected
//! for Arabic news text.
//!
//! Corrections: no break after an abbreviation (`د.` `م.` `ص.ب.` …, from the abbreviation
//! lexicon), inside decimals or inside quotation marks; a break after `…`; `،` and `؛`
//! never end a sentence. A sentence longer than the voice's limit is cut at `،`/`؛` (then
//! at a space), and the cut gets the short clause pause.

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use unicode_segmentation::UnicodeSegmentation;

use crate::article::{Article, BlockKind};

/// What follows a sentence, which decides the pause after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Boundary {
    /// A long sentence cut at a comma, or a dateline: a short breath.
    Clause,
    /// The end of a sentence inside a block.
    Sentence,
    /// The end of a paragraph, quote or source line.
    Paragraph,
    /// The end of the headline or a heading.
    Heading,
}

/// One sentence to be spoken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    /// 1-based position in the article's reading order.
    pub id: usize,
    /// Index of its block in [`Article::blocks`].
    pub block: usize,
    /// The kind of that block.
    pub kind: BlockKind,
    /// The sentence as written.
    pub text: String,
    /// Where it stands in [`Article::source`] (byte offsets; the block's span where the
    /// block's text is not a verbatim slice of the source, as with Markdown markup).
    pub span: Range<usize>,
    /// What follows it.
    pub boundary: Boundary,
}

/// Options for [`split`].
#[derive(Debug, Clone, Copy)]
pub struct SplitOptions {
    /// Read Arabic image captions too (Latin-script captions are never read).
    pub read_captions: bool,
    /// Longest sentence, in characters, the voice accepts.
    pub max_chars: usize,
}

impl Default for SplitOptions {
    fn default() -> Self {
        SplitOptions {
            read_captions: false,
            max_chars: 400,
        }
    }
}

/// Splits an article into the sentences that will be read, in order.
pub fn split(article: &Article, opts: &SplitOptions) -> Vec<Sentence> {
    let mut out = Vec::new();
    for (bi, block) in article.blocks.iter().enumerate() {
        if block.kind == BlockKind::Caption
            && (!opts.read_captions || crate::text::is_latin_only(&block.text))
        {
            continue;
        }
        let verbatim = article.source.get(block.span.clone()) == Some(block.text.as_str());
        let end_boundary = match block.kind {
            BlockKind::Title | BlockKind::Heading => Boundary::Heading,
            BlockKind::Dateline => Boundary::Clause,
            _ => Boundary::Paragraph,
        };
        let pieces = split_text(&block.text);
        let n = pieces.len();
        for (pi, range) in pieces.into_iter().enumerate() {
            let last_of_block = pi + 1 == n;
            let cuts = cut_long(&block.text[range.clone()], opts.max_chars);
            let m = cuts.len();
            for (ci, cut) in cuts.into_iter().enumerate() {
                let r = range.start + cut.start..range.start + cut.end;
                let boundary = if ci + 1 < m {
                    Boundary::Clause
                } else if last_of_block {
                    end_boundary
                } else {
                    Boundary::Sentence
                };
                let span = if verbatim {
                    block.span.start + r.start..block.span.start + r.end
                } else {
                    block.span.clone()
                };
                out.push(Sentence {
                    id: out.len() + 1,
                    block: bi,
                    kind: block.kind,
                    text: block.text[r].to_owned(),
                    span,
                    boundary,
                });
            }
        }
    }
    out
}

/// Abbreviations that end in a full stop, from the abbreviation lexicon.
fn abbreviations() -> &'static HashSet<&'static str> {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| {
        include_str!("normalize/data/abbreviations.tsv")
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split('\t').next())
            .filter(|a| a.ends_with('.'))
            .collect()
    })
}

/// Abbreviations that, after a number, are a calendar mark and may end a sentence.
const AFTER_NUMBER_MAY_END: &[&str] = &["م.", "هـ.", "ق.م."];

/// Sentence ranges (byte offsets, trimmed) in one block's text. Linear in the text: the
/// quotation marks of a sentence being joined are counted once per fragment, not again
/// over the whole sentence each time a fragment is added (a run of 100 000 `"` is 100 000
/// fragments).
pub fn split_text(text: &str) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut pending: Option<Range<usize>> = None;
    let mut quotes = Quotes::default();
    for (start, frag) in split_at_ellipsis(text) {
        let Some(r) = trimmed(text, start..start + frag.len()) else {
            continue;
        };
        quotes.add(&text[r.clone()]);
        let cur = match pending.take() {
            Some(p) => p.start..r.end,
            None => r,
        };
        // A bound with no space after it is inside a word (`ص.ب.`, `U.S.`), never the
        // end of a sentence in news text.
        let glued = start + frag.len() < text.len() && !frag.ends_with(char::is_whitespace);
        if glued || quotes.open() || ends_in_abbreviation(&text[cur.clone()]) {
            pending = Some(cur);
        } else {
            ranges.push(cur);
            quotes = Quotes::default();
        }
    }
    if let Some(p) = pending {
        ranges.push(p);
    }
    ranges
}

/// Quotation marks seen so far in a sentence being built.
#[derive(Default)]
struct Quotes {
    straight: usize,
    opening: usize,
    closing: usize,
}

impl Quotes {
    fn add(&mut self, s: &str) {
        for c in s.chars() {
            match c {
                '"' => self.straight += 1,
                '«' => self.opening += 1,
                '»' => self.closing += 1,
                _ => {}
            }
        }
    }

    /// `true` while a quotation is still open: the sentence must go on.
    fn open(&self) -> bool {
        self.straight % 2 == 1 || self.opening > self.closing
    }
}

/// UAX #29 fragments, further split after `…` followed by a space (UAX #29 does not
/// count the ellipsis as a terminator, but news writing uses it as one).
fn split_at_ellipsis(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for (start, frag) in text.split_sentence_bound_indices() {
        let mut s = 0;
        while let Some(pos) = frag[s..].find("… ") {
            let cut = s + pos + "… ".len();
            out.push((start + s, &frag[s..cut]));
            s = cut;
        }
        out.push((start + s, &frag[s..]));
    }
    out
}

/// Shrinks a range to exclude surrounding whitespace; `None` if nothing is left.
fn trimmed(text: &str, r: Range<usize>) -> Option<Range<usize>> {
    let s = &text[r.clone()];
    let lead = s.len() - s.trim_start().len();
    let t = s.trim();
    (!t.is_empty()).then(|| r.start + lead..r.start + lead + t.len())
}

/// `true` when a sentence's full stop is not its end: it ends in an abbreviation (`د.`)
/// or in a headline's `..`. Only the tail is looked at.
fn ends_in_abbreviation(sentence: &str) -> bool {
    // Only the tail can hold the last two words that matter: looking at the whole
    // sentence would make a long run of fragments with no space quadratic.
    const TAIL_BYTES: usize = 96;
    let mut from = sentence.len().saturating_sub(TAIL_BYTES);
    while !sentence.is_char_boundary(from) {
        from -= 1;
    }
    let tail = &sentence[from..];
    // A headline's `..` joins its two halves (`X .. Y`): not the end of a sentence.
    let t = tail.trim_end();
    if t.ends_with("..") && !t.ends_with("...") {
        return true;
    }
    if from > 0 && !tail.contains(char::is_whitespace) {
        // The last word is longer than the tail: far longer than any abbreviation.
        return false;
    }
    let mut words = tail.split_whitespace().rev();
    let Some(last) = words.next() else {
        return false;
    };
    let last = last.trim_start_matches(['(', '"', '«']);
    if !abbreviations().contains(last) {
        return false;
    }
    let after_number = words.next().is_some_and(crate::text::has_digit);
    !(after_number && AFTER_NUMBER_MAY_END.contains(&last))
}

/// Cuts a sentence longer than `max_chars` characters at the last `،`/`؛`/`,`/`;` that
/// keeps a piece under the limit, else at the last space, else anywhere. Ranges are
/// relative to `s` and trimmed.
pub fn cut_long(s: &str, max_chars: usize) -> Vec<Range<usize>> {
    let max_chars = max_chars.max(8);
    let mut out = Vec::new();
    let mut start = 0;
    // Characters left after `start`, kept up to date instead of recounted each cut, so a
    // long line costs one pass, not one per cut.
    let mut left = s.chars().count();
    while left > max_chars {
        let limit = s[start..]
            .char_indices()
            .nth(max_chars)
            .map_or(s.len(), |(i, _)| start + i);
        let window = &s[start..limit];
        let cut = window
            .rfind(['،', '؛', ',', ';'])
            .map(|i| start + i + window[i..].chars().next().map_or(1, char::len_utf8))
            .or_else(|| window.rfind(' ').filter(|&i| i > 0).map(|i| start + i))
            .unwrap_or(limit);
        if let Some(r) = trimmed(s, start..cut) {
            out.push(r);
        }
        left -= s[start..cut].chars().count();
        start = cut;
    }
    if let Some(r) = trimmed(s, start..s.len()) {
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split_text(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn breaks_at_arabic_terminators_not_commas() {
        assert_eq!(
            sentences("قال الوزير، في مؤتمر؛ إن الخطة جاهزة. هل هي كافية؟ نعم! ثم انتهى… وبدأ آخر"),
            vec![
                "قال الوزير، في مؤتمر؛ إن الخطة جاهزة.",
                "هل هي كافية؟",
                "نعم!",
                "ثم انتهى…",
                "وبدأ آخر"
            ]
        );
    }

    #[test]
    fn no_break_after_abbreviation() {
        assert_eq!(
            sentences("التقى د. أحمد بـ م. سامي اليوم. ثم غادر."),
            vec!["التقى د. أحمد بـ م. سامي اليوم.", "ثم غادر."]
        );
        assert_eq!(
            sentences("راسلونا على ص.ب. 1234 في عمان. شكرا."),
            vec!["راسلونا على ص.ب. 1234 في عمان.", "شكرا."]
        );
    }

    #[test]
    fn calendar_mark_after_year_may_end_sentence() {
        assert_eq!(
            sentences("ولد عام 1950 م. ثم رحل."),
            vec!["ولد عام 1950 م.", "ثم رحل."]
        );
    }

    #[test]
    fn headline_double_dot_stays_one_sentence() {
        assert_eq!(
            sentences("ارتفاع الأسعار .. والحكومة تتدخل"),
            vec!["ارتفاع الأسعار .. والحكومة تتدخل"]
        );
        assert_eq!(sentences("الأسعار.. والحكومة"), vec!["الأسعار.. والحكومة"]);
    }

    #[test]
    fn no_break_inside_decimals() {
        assert_eq!(
            sentences("ارتفع بنسبة 3.5 بالمئة. وانخفض ٣٫٥."),
            vec!["ارتفع بنسبة 3.5 بالمئة.", "وانخفض ٣٫٥."]
        );
    }

    #[test]
    fn no_break_inside_quotes() {
        assert_eq!(
            sentences("وقال \"هل هذا صحيح؟ لا أظن\". ثم صمت."),
            vec!["وقال \"هل هذا صحيح؟ لا أظن\".", "ثم صمت."]
        );
        assert_eq!(
            sentences("قال «جئنا. وسنبقى» وانصرف. انتهى."),
            vec!["قال «جئنا. وسنبقى» وانصرف.", "انتهى."]
        );
    }

    /// Issue 10 row 12: long runs of quotes and brackets once made splitting quadratic.
    /// The shape of the result is checked; the speed is in `benches/segment.rs`.
    #[test]
    fn long_runs_of_quotes_and_brackets() {
        for run in ["\"", "(", ")", "]", ".\"", ".)", "«."] {
            let text = format!("نص {}", run.repeat(100_000 / run.len()));
            let ranges = split_text(&text);
            assert!(!ranges.is_empty(), "{run}");
            let mut end = 0;
            for r in &ranges {
                assert!(
                    r.start >= end && r.end > r.start,
                    "{run}: ordered, not empty"
                );
                end = r.end;
            }
            assert_eq!(end, text.len(), "{run}: nothing lost at the end");
            for r in cut_long(&text, 400) {
                assert!(text[r].chars().count() <= 400, "{run}");
            }
        }
        // An open quotation still holds the sentence together.
        assert_eq!(sentences("قال \"أ. ب\". ثم."), vec!["قال \"أ. ب\".", "ثم."]);
    }

    #[test]
    fn long_sentences_are_cut_at_commas() {
        let s = "كلمة ".repeat(10) + "، " + &"أخرى ".repeat(10);
        let cuts = cut_long(&s, 60);
        assert_eq!(cuts.len(), 2);
        assert!(s[cuts[0].clone()].ends_with('،'));
        let no_comma = "كلمة ".repeat(40);
        for r in cut_long(&no_comma, 30) {
            assert!(no_comma[r].chars().count() <= 30);
        }
    }

    #[test]
    fn split_article_skips_captions_unless_asked() {
        let a = crate::article::parse(
            "العنوان\n\nCaption\nتعليق الصورة (رويترز)\n\nالقاهرة – نص أول. نص ثان.",
            crate::article::Format::Plain,
        )
        .unwrap();
        let s = split(&a, &SplitOptions::default());
        let texts: Vec<_> = s.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(texts, vec!["العنوان", "القاهرة", "نص أول.", "نص ثان."]);
        assert_eq!(s[0].boundary, Boundary::Heading);
        assert_eq!(s[1].boundary, Boundary::Clause);
        assert_eq!(s[2].boundary, Boundary::Sentence);
        assert_eq!(s[3].boundary, Boundary::Paragraph);
        assert_eq!(&a.source[s[2].span.clone()], "نص أول.");
        let with = split(
            &a,
            &SplitOptions {
                read_captions: true,
                ..Default::default()
            },
        );
        assert!(with.iter().any(|s| s.text == "تعليق الصورة (رويترز)"));
        assert!(!with.iter().any(|s| s.text == "Caption"));
    }
}
