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
    for (start, frag) in uax29_fragments(text) {
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

/// Characters of a run of closing punctuation or of spaces handed to the crate; the
/// rest of a longer run is folded away before the crate sees the text. Any run of one or
/// more such characters leaves the crate in the same state, so a few are enough.
const RUN_KEPT_CHARS: usize = 8;

/// The UAX #29 fragments of `text` as `(start, fragment)`, like the crate's
/// `split_sentence_bound_indices`, in time linear in the text.
///
/// The crate's rule SB8 looks ahead from every character of `ATerm Close* Sp*` (a full
/// stop followed by closing punctuation and spaces) to the next letter, so a run of
/// 64 000 `)` after a full stop takes it 40 seconds, and a million never ends. Within a
/// run of `Close` characters (or of `Sp`), with `Extend` and `Format` marks among them,
/// the crate never breaks, its state is the same after one character of the run as after
/// many, and its look-ahead passes over all of them alike. So each such run longer than
/// [`RUN_KEPT_CHARS`] is cut to its first characters in a copy of the text, the crate
/// splits the copy, and the bounds are moved back to the original: every fragment keeps
/// its span in `text`, and the bounds are the crate's own.
fn uax29_fragments(text: &str) -> Vec<(usize, &str)> {
    let Some(folded) = Folded::new(text) else {
        return text.split_sentence_bound_indices().collect();
    };
    let mut starts: Vec<usize> = Vec::new();
    let mut cut = 0;
    for (at, _) in folded.text.split_sentence_bound_indices() {
        // Bounds come in order, so the cuts before each are walked once in all.
        while cut < folded.cuts.len() && folded.cuts[cut].0 <= at {
            cut += 1;
        }
        let shift = cut.checked_sub(1).map_or(0, |k| folded.cuts[k].1);
        starts.push(at + shift);
    }
    let mut out = Vec::with_capacity(starts.len());
    for (k, &start) in starts.iter().enumerate() {
        let end = starts.get(k + 1).copied().unwrap_or(text.len());
        if let Some(frag) = text.get(start..end) {
            out.push((start, frag));
        }
    }
    out
}

/// A copy of a text with its long runs of closing punctuation and of spaces cut short.
struct Folded {
    text: String,
    /// For each cut, in order: where it stands in the copy, and how many bytes of the
    /// original have been left out up to and including it.
    cuts: Vec<(usize, usize)>,
}

impl Folded {
    /// `None` when no run is longer than [`RUN_KEPT_CHARS`] (the text is used as it is).
    fn new(text: &str) -> Option<Folded> {
        let mut out: Option<Folded> = None;
        // Where the copy has been written up to, in the original.
        let mut copied = 0;
        // The run being read: its class, its characters so far, and where its kept
        // characters end.
        let mut run: Option<(RunClass, usize, usize)> = None;
        let mut removed = 0;
        for (i, c) in text.char_indices() {
            let class = run_class(c);
            run = match run {
                // Marks belong to the run they stand in.
                Some((rc, n, kept_end)) if class == rc || class == RunClass::Mark => {
                    if n == RUN_KEPT_CHARS {
                        // The first character past the kept ones: a cut starts here.
                        let f = out.get_or_insert_with(|| Folded {
                            text: String::with_capacity(text.len()),
                            cuts: Vec::new(),
                        });
                        f.text.push_str(&text[copied..kept_end]);
                        copied = kept_end;
                    }
                    let kept_end = if n < RUN_KEPT_CHARS {
                        i + c.len_utf8()
                    } else {
                        kept_end
                    };
                    Some((rc, n + 1, kept_end))
                }
                previous => {
                    if let Some((_, n, kept_end)) = previous {
                        if n > RUN_KEPT_CHARS {
                            removed += i - kept_end;
                            copied = i;
                            if let Some(f) = out.as_mut() {
                                f.cuts.push((f.text.len(), removed));
                            }
                        }
                    }
                    match class {
                        RunClass::Close | RunClass::Space => Some((class, 1, i + c.len_utf8())),
                        _ => None,
                    }
                }
            };
        }
        if let Some((_, n, kept_end)) = run {
            if n > RUN_KEPT_CHARS {
                removed += text.len() - kept_end;
                copied = text.len();
                if let Some(f) = out.as_mut() {
                    f.cuts.push((f.text.len(), removed));
                }
            }
        }
        let mut f = out?;
        f.text.push_str(&text[copied..]);
        Some(f)
    }
}

/// What a character is to the crate's sentence rules, as far as folding runs needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunClass {
    /// UAX #29 `Close`: brackets and quotation marks.
    Close,
    /// UAX #29 `Sp`: spaces other than line and paragraph separators.
    Space,
    /// UAX #29 `Extend` or `Format`: marks the crate reads as part of the character
    /// before them.
    Mark,
    /// Anything else.
    Other,
}

/// The [`RunClass`] of `c`. The crate keeps its character classes private, so a
/// character's class is found by how the crate splits a few short probes with it (each
/// class splits them differently; the tests check every class against them), and kept
/// for the characters seen again. The common letters and digits are answered at once.
fn run_class(c: char) -> RunClass {
    if c.is_ascii_alphanumeric() || ('\u{621}'..='\u{64A}').contains(&c) {
        return RunClass::Other;
    }
    // Enough for every character a real text uses; a hostile text of more distinct
    // characters is answered by probing each time (slower, still linear).
    const CACHE_MAX: usize = 4096;
    thread_local! {
        static CACHE: std::cell::RefCell<std::collections::HashMap<char, RunClass>> =
            std::cell::RefCell::new(std::collections::HashMap::new());
    }
    if let Some(k) = CACHE.with(|m| m.borrow().get(&c).copied()) {
        return k;
    }
    let k = probe_class(c);
    CACHE.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() < CACHE_MAX {
            m.insert(c, k);
        }
    });
    k
}

/// Texts with the character put at each `{}`, whose splits tell the classes apart: after
/// a full stop, a closing bracket keeps the break for the capital that follows, a space
/// lets the sentence go on, a mark is invisible, and so on.
const PROBES: [&str; 5] = ["A.{}B", "A. {}B", "A.{}5", "A.{}a", "A.{}{}B"];

/// Where the crate splits each probe with `c` in it, as a bit set of character
/// positions per probe.
fn probe_signature(c: char) -> [u16; PROBES.len()] {
    let mut sig = [0u16; PROBES.len()];
    let mut buf = String::with_capacity(16);
    for (k, p) in PROBES.iter().enumerate() {
        buf.clear();
        for pc in p.chars() {
            if pc == '{' {
                buf.push(c);
            } else if pc != '}' {
                buf.push(pc);
            }
        }
        for (at, _) in buf.split_sentence_bound_indices() {
            let pos = buf[..at].chars().count();
            sig[k] |= 1u16 << pos.min(15);
        }
    }
    sig
}

/// The class of `c` by its probe signature, compared with those of characters whose
/// class is known: `)` is `Close`, a space `Sp`, a fathatan (U+064B) `Extend`, a
/// left-to-right mark (U+200E) `Format`.
fn probe_class(c: char) -> RunClass {
    static KNOWN: OnceLock<[[u16; PROBES.len()]; 4]> = OnceLock::new();
    let known = KNOWN.get_or_init(|| {
        [
            probe_signature(')'),
            probe_signature(' '),
            probe_signature('\u{64B}'),
            probe_signature('\u{200E}'),
        ]
    });
    let sig = probe_signature(c);
    if sig == known[0] {
        RunClass::Close
    } else if sig == known[1] {
        RunClass::Space
    } else if sig == known[2] || sig == known[3] {
        RunClass::Mark
    } else {
        RunClass::Other
    }
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

    /// The probes tell the classes apart: one character of every UAX #29 class.
    #[test]
    fn probe_classes() {
        for c in [')', '(', '»', '«', '"', '\'', ']', '\u{FD3F}', '\u{300D}'] {
            assert_eq!(probe_class(c), RunClass::Close, "{c:?}");
        }
        for c in [' ', '\t', '\u{a0}', '\u{2009}', '\u{3000}'] {
            assert_eq!(probe_class(c), RunClass::Space, "{c:?}");
        }
        for c in ['\u{64B}', '\u{651}', '\u{301}', '\u{200D}', '\u{200F}'] {
            assert_eq!(probe_class(c), RunClass::Mark, "{c:?}");
        }
        // CR, LF, Sep, Lower, Upper, OLetter, Numeric, ATerm, STerm, SContinue, Other.
        for c in [
            '\r', '\n', '\u{2029}', '\u{85}', 'a', 'B', 'ب', '5', '٣', '.', '!', '؟', ',', '،',
            '%', '-', '€', '\u{640}',
        ] {
            assert_eq!(probe_class(c), RunClass::Other, "{c:?}");
        }
    }

    /// Folding long runs never moves a bound: the fragments are the crate's own, on
    /// every mix of terminator, run and what follows.
    #[test]
    fn folded_runs_split_like_the_crate() {
        let heads = ["", "A.", "a.", "ب.", "5.", "نص!", "A. ", "x.\n", "و؟"];
        let units = [
            ")", " ", ")\u{64B}", "»\"", "\u{a0} ", ") ", " )", "\u{651}",
        ];
        let lengths = [1, 7, 8, 9, 10, 40];
        let tails = [
            "",
            "a",
            "B",
            "ب",
            "5",
            "\n",
            ".",
            " x",
            "%a",
            ")a",
            " 5 a",
            "\u{2029}b",
        ];
        for head in heads {
            for unit in units {
                for &n in &lengths {
                    for tail in tails {
                        let text =
                            format!("{head}{}{tail}{head}{}", unit.repeat(n), unit.repeat(n));
                        let ours = uax29_fragments(&text);
                        let theirs: Vec<(usize, &str)> =
                            text.split_sentence_bound_indices().collect();
                        assert_eq!(ours, theirs, "{text:?}");
                    }
                }
            }
        }
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
