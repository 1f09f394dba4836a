//! Diacritization: the short vowels, shadda, sukun and tanween of a spoken text, between
//! normalization and synthesis.
//!
//! Each word's marks come from one source, in this order of trust:
//! 1. **rules**: the words rawi wrote itself (number words of the normalizer) take the
//!    case and gender endings the reader decided, from a table of diacritized words
//!    ([`numbers`]), never a guess;
//! 2. **written**: marks written in the article are kept as they are (a tanween written
//!    alone is only the word's ending, [`lift_written_endings`]);
//! 3. **lexicon**: the bundled voice's lexicon and a user's `--lexicon` (the stem's vowels;
//!    a case ending the entry leaves out comes from the model);
//! 4. **model**: two neural diacritizers (feature `diacritize-model`, on by default, both
//!    run by rawi's own engine): libtashkeel's, and TigreGotico's two-head BiLSTM
//!    "rawi-v3", combined per letter ([`combine`]); long lines cut at sentence or clause
//!    bounds, the pieces of a text sent together in batches of similar lengths. The case
//!    ending of a lexicon word (the entry gives its stem) is theirs too.
//!
//! Without the model feature, words outside the lexicon and the rules stay bare and the
//! bundled voice restores their vowels by its letter rules.

#[cfg(feature = "diacritize-model")]
mod model;
pub mod numbers;

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use crate::normalize::Spoken;

use crate::synth::bundled::lexicon::{is_respelling, Lexicon};

/// Where a word's marks came from (shown by `rawi diacritize --explain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// A number word rawi wrote, vowelled by rule.
    Rules,
    /// Marks written in the input.
    Written,
    /// The pronunciation lexicon.
    Lexicon,
    /// A homograph read by the words after it (`data/context_readings.tsv`).
    Context,
    /// The neural model.
    Model,
    /// No source marked it (model off, or nothing to mark).
    Bare,
}

impl Source {
    /// The lowercase name shown by `--explain`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Rules => "rules",
            Source::Written => "written",
            Source::Lexicon => "lexicon",
            Source::Context => "context",
            Source::Model => "model",
            Source::Bare => "bare",
        }
    }
}

/// One diacritized word and where its marks came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The word with its marks.
    pub text: String,
    /// Its source.
    pub source: Source,
}

/// A diacritized text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diacritized {
    /// The text with marks; its letters and every other character are the input's.
    pub text: String,
    /// The same with the spelling the second model restores, for a voice: a hamza or
    /// maddah it puts on a bare alef, waw or yeh written into the letter (`اعلنت` →
    /// `أعلنت`), and its dagger alefs (`هذا` → `هٰذا`).
    pub restored: String,
    /// Its Arabic words, in order.
    pub words: Vec<Word>,
}

/// How to mark the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// Drop the case vowel of the last word before a pause (`.`, `،`, end of text), as a
    /// reader says it; written marks are kept.
    pub pausal: bool,
}

/// Whether the model is compiled in (the `diacritize-model` feature).
pub const HAS_MODEL: bool = cfg!(feature = "diacritize-model");

/// The longest piece of text given to the model in one call, in characters: its memory
/// grows with the square of the length, and news sentences are shorter.
const MAX_PIECE: usize = 400;

const SHADDA: char = '\u{0651}';
/// The tanween of the accusative, written on the letter before a final alef.
const FATHATAN: char = '\u{064B}';
const SUKUN: char = '\u{0652}';
/// The kasra, the vowel a hamzat al-wasl and the hamza under an alef take.
const KASRA: char = '\u{0650}';
#[cfg(feature = "diacritize-model")]
const TATWEEL: char = '\u{0640}';

/// The marks the model and the scorer deal in: tanween, short vowels, shadda, sukun.
fn is_harakah(c: char) -> bool {
    ('\u{064B}'..='\u{0652}').contains(&c)
}

/// Other combining marks (dagger alef, maddah, hamza above…) and tatweel, kept with their
/// letter.
fn is_other_mark(c: char) -> bool {
    crate::synth::bundled::lexicon::is_mark(c) && !is_harakah(c)
}

fn is_letter(c: char) -> bool {
    matches!(c, '\u{0621}'..='\u{063A}' | '\u{0641}'..='\u{064A}' | '\u{0671}')
}

/// The marks on one letter: shadda and at most one vowel, tanween or sukun.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Marks {
    shadda: bool,
    vowel: Option<char>,
}

impl Marks {
    fn is_empty(self) -> bool {
        !self.shadda && self.vowel.is_none()
    }

    fn push_to(self, s: &mut String) {
        if self.shadda {
            s.push(SHADDA);
        }
        if let Some(v) = self.vowel {
            s.push(v);
        }
    }

    fn from_str(marks: &str) -> Marks {
        let mut m = Marks::default();
        for c in marks.chars() {
            if c == SHADDA {
                m.shadda = true;
            } else if is_harakah(c) {
                m.vowel = Some(c);
            }
        }
        m
    }
}

/// One character of the input with the marks written after it.
#[derive(Debug, Clone)]
struct Unit {
    ch: char,
    /// Every combining mark written after it, verbatim.
    written: String,
    /// The marks decided for it.
    marks: Marks,
    /// Combining marks other than harakat to add after it (a lexicon's dagger alef).
    extra: String,
    /// Byte offset of `ch` in the input.
    at: usize,
    /// The first model's probability of each set of marks (empty for letters it did not
    /// read): how sure it is of its choice in `marks`, weighed in [`combine`].
    first: Vec<(Marks, f32)>,
    /// What the second model says of it (letters the models read only).
    second: Option<Second>,
    /// The tanween its writer gave the word's ending, taken off `written` by
    /// [`lift_written_endings`]: the word's case ending, whatever the sources say.
    ending: Option<char>,
}

/// What the second model says of a letter: where its presence head puts a mark, and the
/// probability its value head gives each set of marks (see [`combine`]).
#[derive(Debug, Clone, PartialEq)]
struct Second {
    marked: bool,
    marks: Vec<(Marks, f32)>,
    /// The hamza or maddah its top class writes on the letter (U+0653–U+0655).
    hamza: Option<char>,
    /// Whether its top class writes a dagger alef after the letter.
    dagger: bool,
}

impl Unit {
    fn has_written(&self) -> bool {
        self.written.chars().any(is_harakah)
    }
}

fn units(text: &str) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::with_capacity(text.len() / 2);
    for (at, c) in text.char_indices() {
        if crate::synth::bundled::lexicon::is_mark(c) {
            if let Some(u) = out.last_mut() {
                u.written.push(c);
                continue;
            }
        }
        out.push(Unit {
            ch: c,
            written: String::new(),
            marks: Marks::default(),
            extra: String::new(),
            at,
            first: Vec::new(),
            second: None,
            ending: None,
        });
    }
    out
}

/// Takes a word's written tanween off its letter when it is the only mark its writer wrote
/// (`بلاغاً`, `بلاغًا`, `مرةً`), keeping it as the word's ending ([`Unit::ending`]), on the
/// letter before a final alef. A written mark leaves the whole word as written, so the
/// stem got neither the lexicon nor the context readings, and the models' tanween went
/// beside the writer's (`بِلَاغًاً`); a tanween says only how the word ends.
fn lift_written_endings(units: &mut [Unit]) {
    for w in word_ranges(units) {
        let word = &mut units[w];
        let mut marked = (0..word.len()).filter(|&i| word[i].has_written());
        let (Some(i), None) = (marked.next(), marked.next()) else {
            continue;
        };
        let mut harakat = word[i].written.chars().filter(|&c| is_harakah(c));
        let (Some(t), None) = (harakat.next(), harakat.next()) else {
            continue;
        };
        if !is_tanween(t) {
            continue;
        }
        let last = word.len() - 1;
        let alef_after = |j: usize| j + 1 == last && word[last].ch == 'ا' && t == FATHATAN;
        let at = if i == last && i > 0 && alef_after(i - 1) {
            i - 1
        } else if i == last || alef_after(i) {
            i
        } else {
            continue;
        };
        word[i].written.retain(|c| c != t);
        word[at].ending = Some(t);
    }
}

/// Puts a lifted written tanween back as the ending of `word` (see
/// [`lift_written_endings`]); a final alef after it stays bare.
fn written_ending(word: &mut [Unit]) {
    if let Some(i) = word.iter().position(|u| u.ending.is_some()) {
        word[i].marks.vowel = word[i].ending;
        for u in &mut word[i + 1..] {
            u.marks = Marks::default();
        }
    }
}

/// Diacritizes a line of plain text (no rawi-written words known).
pub fn diacritize_text(text: &str, lex: &Lexicon, opts: Options) -> Result<Diacritized, String> {
    diacritize(
        &Spoken {
            text: text.to_owned(),
            tokens: Vec::new(),
        },
        lex,
        opts,
    )
}

/// Diacritizes a normalized text; its tokens say which words rawi wrote and in what case.
pub fn diacritize(spoken: &Spoken, lex: &Lexicon, opts: Options) -> Result<Diacritized, String> {
    Ok(diacritize_all(std::slice::from_ref(spoken), lex, opts)?
        .pop()
        .unwrap_or_default())
}

/// Diacritizes several normalized texts: the same results as [`diacritize`] on each, faster
/// (the model reads the pieces of all of them in batches).
pub fn diacritize_all(
    spoken: &[Spoken],
    lex: &Lexicon,
    opts: Options,
) -> Result<Vec<Diacritized>, String> {
    let mut texts: Vec<Vec<Unit>> = spoken
        .iter()
        .map(|s| {
            let mut u = units(&s.text);
            lift_written_endings(&mut u);
            u
        })
        .collect();
    run_model(&mut texts)?;
    Ok(spoken
        .iter()
        .zip(texts)
        .map(|(sp, units)| finish(sp, units, lex, opts))
        .collect())
}

/// Marks the words of a text whose model marks are set, by the sources in order of trust.
fn finish(spoken: &Spoken, mut units: Vec<Unit>, lex: &Lexicon, opts: Options) -> Diacritized {
    let words = word_ranges(&units);
    let rules = rule_words(spoken);
    let mut sources = Vec::with_capacity(words.len());
    for (k, w) in words.iter().enumerate() {
        let start = units[w.start].at;
        let mut found = None;
        // The letters of the word's ending, the models' to mark: its last, and with a
        // tanween's alef the letter before (see `tanween_alef`).
        let mut ending = 1;
        let source = if let Some(r) = rules.iter().find(|r| r.span.contains(&start)) {
            if apply_rule(&mut units[w.clone()], r) {
                Source::Rules
            } else {
                model_source()
            }
        } else if units[w.clone()].iter().any(Unit::has_written) {
            Source::Written
        } else if let Some(v) = context_reading(&units, &words, k) {
            apply(&mut units[w.clone()], v, false);
            // A reading that leaves its last letter bare leaves the case to the models
            // (`نزع ملكية` → `مِلْكِيَّة`, then their ending).
            if !v.ends_with(|c: char| is_harakah(c)) {
                combine(&mut units[w.end - 1..w.end], 0.0, 1);
            }
            Source::Context
        } else if let Some((e, n)) = lexicon(&mut units[w.clone()], lex) {
            found = Some(e);
            ending = n;
            Source::Lexicon
        } else {
            model_source()
        };
        match (source, found) {
            (Source::Model, _) => {
                combine(&mut units[w.clone()], 0.0, 1);
                nisba_accusative(&mut units[w.clone()]);
            }
            // The bundled lexicon's stem is checked by hand and counts as a third opinion.
            (Source::Lexicon, Some(Entry::Bundled)) => {
                let long = long_vowels(&units[w.clone()], ending);
                combine(&mut units[w.clone()], LEXICON_WEIGHT, ending);
                keep_long_vowels(&mut units[w.clone()], &long);
                nisba_accusative(&mut units[w.clone()]);
            }
            // A user's entry stands; the case ending is the models' all the same.
            (Source::Lexicon, _) => combine(&mut units[w.end - ending..w.end], 0.0, ending),
            _ => {}
        }
        #[cfg(feature = "diacritize-model")]
        match (source, found) {
            (Source::Model, _) => {
                wasl(&mut units[w.clone()], true);
                article_before_hamza(&mut units[w.clone()]);
            }
            // A bundled lexicon word's stem is spelled by hand, as its entry writes it; only
            // its article before a wasl alef is spelled the one way.
            (Source::Lexicon, Some(Entry::Bundled)) => wasl(&mut units[w.clone()], false),
            _ => {}
        }
        written_ending(&mut units[w.clone()]);
        sources.push(source);
    }
    if opts.pausal {
        pausal(&mut units, &words);
    }
    render(&units, &words, &sources)
}

/// The lexicon a voice's text is diacritized with: the bundled one, and a bundled voice's
/// own lexicon file on top.
pub fn voice_lexicon(voice: &crate::voice::Voice) -> Result<Lexicon, String> {
    // Read as the bundled voice reads it: bounded, a regular file only.
    match voice.bundled.as_ref().and_then(|b| b.lexicon.as_ref()) {
        Some(path) => Lexicon::read_user(std::path::Path::new(path)).map(Lexicon::over_bundled),
        None => Ok(Lexicon::bundled()),
    }
}

/// Sentences of a build diacritized together (see [`sentences`]).
const SENTENCE_CHUNK: usize = 16;

/// A sentence of a build, diacritized: as the manifest records it and as a voice that
/// takes diacritized text is given it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Voiced {
    /// The marks on the sentence's own letters ([`Diacritized::text`]).
    pub text: String,
    /// The same with the hamzas and dagger alefs the second model restores
    /// ([`Diacritized::restored`]): the speech recognition judge understood the bundled
    /// voice better with them on text typed without hamzas, and the same on text with
    /// them (README).
    pub voice: String,
}

/// The diacritized text of each spoken sentence of a build, for `voice` (in parallel; the
/// models are shared). Pausal: a voice reads a sentence's last word without its case vowel.
pub fn sentences(spoken: &[Spoken], voice: &crate::voice::Voice) -> Result<Vec<Voiced>, String> {
    use rayon::prelude::*;
    let lex = voice_lexicon(voice)?;
    // Chunks keep both the models' batches and the threads busy.
    let chunks: Vec<Vec<Voiced>> = spoken
        .par_chunks(SENTENCE_CHUNK)
        .map(|c| {
            diacritize_all(c, &lex, Options { pausal: true }).map(|ds| {
                ds.into_iter()
                    .map(|d| Voiced {
                        text: d.text,
                        voice: d.restored,
                    })
                    .collect()
            })
        })
        .collect::<Result<_, _>>()?;
    Ok(chunks.into_iter().flatten().collect())
}

fn model_source() -> Source {
    if HAS_MODEL {
        Source::Model
    } else {
        Source::Bare
    }
}

/// A word rawi wrote, with its diacritized form.
struct RuleWord {
    /// Byte range in the spoken text.
    span: Range<usize>,
    /// The word with its marks.
    text: String,
    /// Whether its case ending was decided (else the model's ending is kept).
    ending: bool,
}

/// The words rawi wrote, as byte ranges of the spoken text with their diacritized form.
fn rule_words(spoken: &Spoken) -> Vec<RuleWord> {
    let mut out = Vec::new();
    // Output offset = input offset + what earlier tokens added.
    let mut delta: isize = 0;
    let mut prev_case = None;
    for t in &spoken.tokens {
        let start = (t.span.start as isize + delta).max(0) as usize;
        delta += t.spoken.len() as isize - t.span.len() as isize;
        if spoken.text.get(start..start + t.spoken.len()) != Some(t.spoken.as_str()) {
            continue;
        }
        let words: Vec<&str> = t.spoken.split(' ').collect();
        let case = if t.rule.contains("coordinated") {
            prev_case
        } else {
            None
        }
        .or_else(|| numbers::token_case(t))
        .or_else(|| numbers::form_case(&words));
        prev_case = case;
        // Undecided: the table's vowels inside the words, the model's case endings.
        // The number governs the noun after it when its rule counted one, or when that
        // word is a noun the normalizer counts (`بخمسمئة مليون دينار`: the scale word's
        // rule names no noun).
        let end = start + t.spoken.len();
        let next = spoken.text[end..]
            .strip_prefix(' ')
            .and_then(|r| r.split([' ', '.', '،', ',', '؛', ':', ')']).next());
        let construct = numbers::has_counted_noun(t)
            || next.is_some_and(|w| !w.is_empty() && crate::normalize::lexicon::is_known_noun(w));
        let vowelled = numbers::vowel_words(&words, case.unwrap_or(numbers::Case::Nom), construct);
        let mut at = start;
        for (w, v) in words.iter().zip(vowelled) {
            if let Some(v) = v {
                out.push(RuleWord {
                    span: at..at + w.len(),
                    text: v,
                    ending: case.is_some() || numbers::invariant(w),
                });
            }
            at += w.len() + 1;
        }
    }
    out
}

/// Ranges of units that form Arabic words (letters with their marks).
fn word_ranges(units: &[Unit]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, u) in units.iter().enumerate() {
        match (is_letter(u.ch), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(s..i);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(s..units.len());
    }
    out
}

/// Sets the marks of `word` from a diacritized spelling of the same letters; a letter the
/// spelling leaves bare keeps its marks when `keep_bare`. False (and nothing changed) when
/// the letters differ.
fn apply(word: &mut [Unit], diacritized: &str, keep_bare: bool) -> bool {
    let from = units(diacritized);
    let same = from.len() == word.len() && from.iter().zip(word.iter()).all(|(a, b)| a.ch == b.ch);
    if !same {
        return false;
    }
    let mut before = Marks::default();
    for (u, f) in word.iter_mut().zip(from) {
        let m = Marks::from_str(&f.written);
        // A letter the entry leaves bare keeps the model's marks, unless the entry reads
        // it as a long vowel (see `long_vowels`).
        if !(m.is_empty() && keep_bare) || is_long_vowel(f.ch, before) {
            u.marks = m;
        }
        before = m;
        u.extra = f.written.chars().filter(|c| is_other_mark(*c)).collect();
    }
    true
}

/// Sets the marks of a word rawi wrote; an undecided case ending stays the model's.
fn apply_rule(word: &mut [Unit], r: &RuleWord) -> bool {
    let last = word.last().map(|u| u.marks);
    if !apply(word, &r.text, false) {
        return false;
    }
    if !r.ending {
        if let (Some(u), Some(mut m)) = (word.last_mut(), last) {
            // The case is the model's to guess, but not the tanween: a number in construct
            // with its counted noun (`خمسمئة زائر`), or one that never takes it, has none.
            if !r.text.ends_with(is_tanween) {
                m.vowel = m.vowel.map(short_of_tanween);
            }
            u.marks = m;
        }
    }
    true
}

fn is_tanween(c: char) -> bool {
    matches!(c, '\u{064B}' | '\u{064C}' | '\u{064D}')
}

/// The short vowel of a tanween (fathatan → fatha …); other marks unchanged.
fn short_of_tanween(c: char) -> char {
    match c {
        '\u{064B}' => '\u{064E}',
        '\u{064C}' => '\u{064F}',
        '\u{064D}' => '\u{0650}',
        other => other,
    }
}

/// Whose entry marked a lexicon word, which decides how far the models may change it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    /// The bundled lexicon's: its marks weigh [`LEXICON_WEIGHT`] against the models'.
    Bundled,
    /// A user's, or a bundled one listed in `data/firm.txt`: its marks stand.
    Users,
    /// One that respells the word with other letters: the word keeps the first model's
    /// marks (the bundled voice reads the entry).
    Respelled,
}

/// Looks the word up in the lexicon, whole or without its clitics and article; the stem
/// takes the entry's marks, the clitics keep the model's. Says whose entry it was.
fn lexicon(word: &mut [Unit], lex: &Lexicon) -> Option<(Entry, usize)> {
    // Entries give the pausal reading: the ending a word takes in the sentence (case,
    // or a vowel joining the next word) stays the model's.
    // An entry that respells the word with other letters (a name said as it is said
    // abroad) cannot be written as marks on these letters: the word keeps the model's
    // marks for other engines, and the bundled voice reads the entry instead.
    let bare: String = word.iter().map(|u| u.ch).collect();
    if entry(lex, &bare).is_some_and(|(v, _)| is_respelling(&bare, v)) {
        return Some((Entry::Respelled, 1));
    }
    let ending = word.last().map(|u| u.marks).filter(|m| !m.is_empty());
    let found = match lexicon_stem(word, lex) {
        Some(e) => Some((e, 1)),
        None => tanween_alef(word, lex).map(|e| (e, 2)),
    };
    if found.is_some() {
        if let (Some(u), Some(m)) = (word.last_mut(), ending) {
            u.marks = m;
        }
    }
    found
}

/// An entry's word in the accusative with its tanween's alef (`وفقا`، `عاما` for the
/// entries `وَفْق`، `عَام`): the stem's marks are the entry's, the tanween on the letter
/// before the alef stays the models'. Only for a stem of three letters or more: a shorter
/// one plus alef is as often another word (`هنا`، `أنا`، `لنا`).
fn tanween_alef(word: &mut [Unit], lex: &Lexicon) -> Option<Entry> {
    let n = word.len();
    if n < 4 || word[n - 1].ch != 'ا' {
        return None;
    }
    let stem = &mut word[..n - 1];
    let before = stem[n - 2].marks;
    let found = lexicon_stem(stem, lex)?;
    stem[n - 2].marks = before;
    Some(found)
}

fn lexicon_stem(word: &mut [Unit], lex: &Lexicon) -> Option<Entry> {
    let bare: String = word.iter().map(|u| u.ch).collect();
    if let Some((v, e)) = entry(lex, &bare) {
        return apply(word, v, true).then_some(e);
    }
    const PREFIXES: [&str; 14] = [
        "و", "ف", "ب", "ل", "ك", "ال", "وال", "فال", "بال", "كال", "لل", "ولل", "فلل", "وب",
    ];
    for p in PREFIXES {
        let n = p.chars().count();
        // A short stem behind a clitic is as often another word's letters (فكرة is not
        // ف + كرة, وقدم not و + قدم, الأم not ال + أم): the article needs a stem of three
        // letters, a bare clitic one of four.
        let min_stem = if p.ends_with("ال") || p.ends_with("لل") {
            3
        } else {
            4
        };
        if !bare.starts_with(p) || word.len() < n + min_stem {
            continue;
        }
        let stem: String = bare.chars().skip(n).collect();
        let Some((v, e)) = entry(lex, &stem) else {
            continue;
        };
        let (clitics, stem_units) = word.split_at_mut(n);
        if !apply(stem_units, v, true) {
            continue;
        }
        // The article before a hamzat al-wasl (الاتحاد): the lam takes the joining
        // vowel and the alef stays silent, as the model reads them.
        if (p.ends_with("ال") || p.ends_with("لل")) && stem_units[0].ch == 'ا' {
            stem_units[0].marks = Marks::default();
            return Some(e);
        }
        // The article assimilates to a sun letter: its lam is silent, the letter doubled.
        if p.ends_with("ال") || p.ends_with("لل") {
            let first = stem_units[0].ch;
            if "تثدذرزسشصضطظلن".contains(first) {
                stem_units[0].marks.shadda = true;
                if let Some(lam) = clitics.last_mut() {
                    lam.marks = Marks::default();
                }
            } else if let Some(lam) = clitics.last_mut() {
                lam.marks = Marks {
                    shadda: false,
                    vowel: Some(SUKUN),
                };
            }
        }
        return Some(e);
    }
    None
}

/// The lexicon's reading of a word for this stage. A user's entry always counts. A built-in
/// entry counts only for its exact spelling (a loose match such as علي for على is another
/// word as often as not) and not for the homographs of `data/homographs.txt`, whose
/// reading only the sentence decides. Says whose entry it is.
fn entry<'a>(lex: &'a Lexicon, bare: &str) -> Option<(&'a str, Entry)> {
    let v = lex.get(bare)?;
    let builtin = Lexicon::builtin();
    if builtin.get(bare) != Some(v) {
        return Some((v, Entry::Users));
    }
    if builtin.get_exact(bare).is_none() || homographs().contains(bare) {
        return None;
    }
    if firm().contains(bare) {
        return Some((v, Entry::Users));
    }
    Some((v, Entry::Bundled))
}

/// The nisbas read in the accusative with the tanween's alef (`data/nisba_adverbs.txt`).
fn nisba_adverbs() -> &'static HashSet<&'static str> {
    static N: OnceLock<HashSet<&'static str>> = OnceLock::new();
    N.get_or_init(|| word_list(include_str!("data/nisba_adverbs.txt")))
}

/// `حاليا` → `حَالِيًّا`: a nisba of [`nisba_adverbs`] ending in the tanween's alef has
/// kasra before its yaa and the yaa doubled with the tanween, whatever the models wrote
/// (they often leave the yaa single, `حَالِيًا`, a different word to the ear). A glued
/// و، ف، ب، ل or ك before it is looked past.
fn nisba_accusative(word: &mut [Unit]) {
    let n = word.len();
    if n < 5 || word[n - 1].ch != 'ا' || word[n - 2].ch != 'ي' {
        return;
    }
    let is = |from: usize| {
        let w: String = word[from..].iter().map(|u| u.ch).collect();
        nisba_adverbs().contains(w.as_str())
    };
    if !(is(0) || ("وفبلك".contains(word[0].ch) && is(1))) {
        return;
    }
    // (A doubled letter before it stays doubled: `مَحَلِّيًّا`.)
    word[n - 3].marks.vowel = Some(KASRA);
    word[n - 2].marks = Marks {
        shadda: true,
        vowel: Some(FATHATAN),
    };
    word[n - 1].marks = Marks::default();
}

/// The bundled lexicon's words whose entry stands as a user's does (`data/firm.txt`).
fn firm() -> &'static HashSet<&'static str> {
    static F: OnceLock<HashSet<&'static str>> = OnceLock::new();
    F.get_or_init(|| word_list(include_str!("data/firm.txt")))
}

/// Where the words that decide a context reading stand.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Around {
    /// Within a few words after it, the word opening a clause.
    After,
    /// Right before it.
    Before,
    /// Right after it.
    Next,
}

/// A homograph's reading from `data/context_readings.tsv`: its word, its reading, where
/// the words that decide stand, and those words.
type ContextReading = (&'static str, &'static str, Around, Vec<&'static str>);

/// The context readings, parsed once.
fn context_readings() -> &'static [ContextReading] {
    static R: OnceLock<Vec<ContextReading>> = OnceLock::new();
    R.get_or_init(|| {
        include_str!("data/context_readings.tsv")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .filter_map(|l| {
                let mut f = l.split('\t').map(str::trim);
                let (word, reading, when) = (f.next()?, f.next()?, f.next()?);
                let (around, words) = match when.split_once(':')? {
                    ("after", w) => (Around::After, w),
                    ("before", w) => (Around::Before, w),
                    ("next", w) => (Around::Next, w),
                    _ => return None,
                };
                Some((word, reading, around, words.split('|').collect()))
            })
            .collect()
    })
}

/// How many words after a context reading's word are looked at for the word it needs.
const CONTEXT_WINDOW: usize = 5;

/// The reading of word `k` that the words around it decide: the words after it when it
/// opens a clause, the first word of the text or one after `.` `،` `؛` `:` (`وبين … أن` →
/// `وَبَيَّنَ`), the word right before it (`المضي قدما` → `قُدُمًا`), or the word right
/// after it (`الملكية الفكرية` → `الْمِلْكِيَّة`). A word may have several rows; the first
/// whose words are there decides.
fn context_reading(units: &[Unit], words: &[Range<usize>], k: usize) -> Option<&'static str> {
    let w = &words[k];
    // Compared letter by letter: every word of every text is looked up here.
    let is = |r: &Range<usize>, x: &str| x.chars().eq(units[r.clone()].iter().map(|u| u.ch));
    let opens_clause = || {
        let before = units[..w.start]
            .iter()
            .rev()
            .find(|u| !u.ch.is_whitespace());
        before.is_none_or(|u| ".،؛:\n".contains(u.ch))
    };
    context_readings()
        .iter()
        .filter(|r| is(w, r.0))
        .find(|(_, _, around, deciding)| {
            let decides = |r: &Range<usize>| deciding.iter().any(|x| is(r, x));
            match around {
                Around::Before => k > 0 && decides(&words[k - 1]),
                Around::Next => words.get(k + 1).is_some_and(decides),
                Around::After => {
                    opens_clause() && words[k + 1..].iter().take(CONTEXT_WINDOW).any(decides)
                }
            }
        })
        .map(|r| r.1)
}

/// The bundled lexicon's words that the model reads instead (`data/homographs.txt`).
fn homographs() -> &'static HashSet<&'static str> {
    static H: OnceLock<HashSet<&'static str>> = OnceLock::new();
    H.get_or_init(|| word_list(include_str!("data/homographs.txt")))
}

/// The words of a list file: one a line, `#` comments and blank lines skipped.
fn word_list(text: &'static str) -> HashSet<&'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// The text with every word in its pausal form: the vowel, tanween or sukun on a word's
/// last letter dropped (a shadda stays; the tanween before a final alif, `ًا`, is on the
/// letter before and stays too). The bundled voice reads this unless its voice file asks
/// for the case endings.
pub fn without_endings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_last_letter = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_letter(c) {
            // The last letter of its word: no letter follows once its marks are skipped.
            let mut rest = chars.clone();
            while rest
                .peek()
                .is_some_and(|&m| is_harakah(m) || is_other_mark(m))
            {
                rest.next();
            }
            after_last_letter = !rest.peek().is_some_and(|&n| is_letter(n));
            out.push(c);
            continue;
        }
        if after_last_letter && is_harakah(c) && c != SHADDA {
            continue;
        }
        if !is_harakah(c) && !is_other_mark(c) {
            after_last_letter = false;
        }
        out.push(c);
    }
    out
}

/// How much the first model's opinion of a letter inside a word counts against the
/// second model's: each candidate set of marks scores this times the logarithm of the first
/// model's probability of it plus the rest times that of the second's (a weighted product
/// of the two, the second trusted more). Chosen on the odd lines of the shared half of the
/// CATT news benchmark (the note of issue 17 lists what else was tried).
const FIRST_WEIGHT: f32 = 0.3;

/// The same for a word's last letter, its case ending: there the first model, which reads
/// the whole sentence at once, is trusted a little more.
const FIRST_WEIGHT_LAST: f32 = 0.35;

/// Added to a probability before its logarithm, so that a set of marks one model rules
/// out (a probability near zero) is not ruled out whatever the other says.
const FLOOR: f32 = 1e-3;

/// What the lexicon's marks on a letter of its stem add to their score (a logarithm: as
/// if both models found them about seven times likelier): an entry is checked by hand, so
/// the models overrule it only where both are sure of other marks.
const LEXICON_WEIGHT: f32 = 2.0;

/// Marks each letter of a word by both models: a letter is marked when either puts a mark
/// on it (or the lexicon does), and its marks are the set scoring best by [`FIRST_WEIGHT`]
/// ([`FIRST_WEIGHT_LAST`] on the last letter), among those either model gives a chance and
/// the letter's present marks. Those present marks also score `bonus` on every letter
/// before the word's `ending` (its last letter, or last two with a tanween's alef): a
/// bundled lexicon word's stem (where its entry leaves a letter bare, the first model's
/// marks) takes [`LEXICON_WEIGHT`].
fn combine(word: &mut [Unit], bonus: f32, ending: usize) {
    let n = word.len();
    let mut scored: Vec<Vec<(Marks, f32)>> = Vec::with_capacity(n);
    for (i, u) in word.iter_mut().enumerate() {
        // The ending's letters get no bonus; only the last is weighed as a case ending.
        let bonus = if i + ending >= n { 0.0 } else { bonus };
        let Some(list) = candidates(u, i + 1 == n, bonus) else {
            scored.push(Vec::new());
            continue;
        };
        // Nothing the letter may carry (a hamza seat ruling out every guess): bare.
        u.marks = list.first().map_or(Marks::default(), |b| b.0);
        scored.push(list);
    }
    no_sukun_before_shadda(word, &scored);
}

/// The letters of a bundled lexicon word's stem that its entry reads as long vowels: a
/// bare `و` after a damma, `ي` after a kasra, or `ا`/`ى` after a fatha (`تَمُّوز`,
/// `بُوزِيد`). `ending` letters at the end are the models' to mark.
fn long_vowels(word: &[Unit], ending: usize) -> Vec<bool> {
    let n = word.len();
    (0..n)
        .map(|i| {
            i > 0
                && i + ending < n
                && word[i].marks.is_empty()
                && is_long_vowel(word[i].ch, word[i - 1].marks)
        })
        .collect()
}

/// Whether letter `ch`, bare after a letter marked `before`, is a long vowel.
fn is_long_vowel(ch: char, before: Marks) -> bool {
    let vowel = match ch {
        'و' => '\u{064F}',
        'ي' => KASRA,
        'ا' | 'ى' => '\u{064E}',
        _ => return false,
    };
    before.vowel == Some(vowel)
}

/// A long vowel of the entry stays one: a model's vowel or shadda on it would make it a
/// consonant the entry does not say (`تَمُّوِّز`, `بُوَزِيد`). A sukun says the same as
/// the bare letter and stays.
fn keep_long_vowels(word: &mut [Unit], long: &[bool]) {
    for (u, &l) in word.iter_mut().zip(long) {
        if l && u.marks.vowel != Some(SUKUN) {
            u.marks = Marks::default();
        }
    }
}

/// The marks a letter may take, scored as [`combine`] says and best first (`bonus` for its
/// present marks); `None` for a letter no model marks (it keeps what it has).
fn candidates(u: &Unit, last: bool, bonus: f32) -> Option<Vec<(Marks, f32)>> {
    let second = u.second.as_ref()?;
    let given = u.marks;
    if given.is_empty() && !second.marked {
        return None;
    }
    let weight = if last {
        FIRST_WEIGHT_LAST
    } else {
        FIRST_WEIGHT
    };
    let prob = |list: &[(Marks, f32)], m: Marks| {
        list.iter().find(|(k, _)| *k == m).map_or(0.0, |(_, p)| *p)
    };
    let score = |m: Marks| {
        weight * (prob(&u.first, m) + FLOOR).ln()
            + (1.0 - weight) * (prob(&second.marks, m) + FLOOR).ln()
            + if m == given { bonus } else { 0.0 }
    };
    let mut list: Vec<(Marks, f32)> = Vec::new();
    let all = second
        .marks
        .iter()
        .chain(&u.first)
        .map(|(m, _)| *m)
        .chain([given]);
    for m in all.filter(|&m| !m.is_empty() && seat_allows(u.ch, m)) {
        if !list.iter().any(|(k, _)| *k == m) {
            list.push((m, score(m)));
        }
    }
    // Stable: among equal scores the first listed (the second model's order) wins.
    list.sort_by(|a, b| b.1.total_cmp(&a.1));
    Some(list)
}

/// A letter with sukun before a doubled one makes three consonants in a row, which Arabic
/// never says (the models wrote `يُسْبِّحُ`، `سَتُصْدِّرُ`). The article's lam before a sun
/// letter is silent and loses its sukun (`الْتَّقْنِيّ` → `التَّقْنِيّ`); elsewhere the
/// likelier of two repairs is taken: the first letter's best marks without sukun, or the
/// second's best without shadda. `scored` is [`candidates`] for each letter.
fn no_sukun_before_shadda(word: &mut [Unit], scored: &[Vec<(Marks, f32)>]) {
    for i in 0..word.len().saturating_sub(1) {
        let (a, b) = (word[i].marks, word[i + 1].marks);
        if a.vowel != Some(SUKUN) || a.shadda || !b.shadda {
            continue;
        }
        let article = word[i].ch == 'ل'
            && i <= 3
            && (i > 0 && word[i - 1].ch == 'ا' || i == 1 && word[0].ch == 'ل');
        if article {
            word[i].marks = Marks::default();
            continue;
        }
        let now = |k: usize, m: Marks| scored[k].iter().find(|(x, _)| *x == m).map(|(_, s)| *s);
        let (Some(sa), Some(sb)) = (now(i, a), now(i + 1, b)) else {
            continue;
        };
        let first = scored[i].iter().find(|(m, _)| m.vowel != Some(SUKUN));
        let second = scored[i + 1].iter().find(|(m, _)| !m.shadda);
        match (first, second) {
            (Some(&(ma, xa)), Some(&(_, xb))) if xa + sb >= sa + xb => word[i].marks = ma,
            (_, Some(&(mb, _))) => word[i + 1].marks = mb,
            (Some(&(ma, _)), None) => word[i].marks = ma,
            (None, None) => {}
        }
    }
}

/// Whether a hamza's seat allows a vowel: the hamza under its alef (إ) is only ever said
/// with i, the one over it (أ) never. The models now and then put a fatha on إنّ; no
/// spelling allows it, so such marks are never chosen whatever their scores.
fn seat_allows(ch: char, m: Marks) -> bool {
    let i = matches!(m.vowel, Some(KASRA | '\u{064D}'));
    match ch {
        'إ' => i || m.vowel.is_none(),
        'أ' => !i,
        _ => true,
    }
}

/// Clitics a word may start with before the article or a wasl alef (و، ف، ب، ك، ل and
/// their pairs); after ل the article loses its alef (للاستقبال).
#[cfg(feature = "diacritize-model")]
const WASL_CLITICS: [&str; 11] = ["", "و", "ف", "ب", "ك", "ل", "وب", "فب", "ول", "فل", "وك"];

/// Where the article's lam stands in `letters` after `clitic`: after the article's alef
/// (الاستقبال، والأمن), or right after a clitic ل, which drops that alef (للاستقبال،
/// للإعلام).
#[cfg(feature = "diacritize-model")]
fn article_lam(letters: &[char], clitic: &[char]) -> Option<usize> {
    let n = clitic.len();
    let rest = letters.strip_prefix(clitic)?;
    if rest.starts_with(&['ا', 'ل']) {
        Some(n + 1)
    } else if clitic.last() == Some(&'ل') && rest.first() == Some(&'ل') {
        Some(n)
    } else {
        None
    }
}

/// Where a word's hamzat al-wasl is, and whether the article stands before it: the alef
/// after the clitics and the article (الاستقبال، للاستقبال), or opening the word after the
/// clitics (انطلقت، واستمر). Short words are left alone.
#[cfg(feature = "diacritize-model")]
fn wasl_alef(letters: &[char]) -> Option<(usize, bool)> {
    WASL_CLITICS.iter().find_map(|c| {
        let clitic: Vec<char> = c.chars().collect();
        let n = clitic.len();
        let rest = letters.strip_prefix(&clitic[..])?;
        let long = |at: usize| letters.len() >= at + 4;
        let alef = article_lam(letters, &clitic).map(|lam| lam + 1);
        if let Some(alef) = alef.filter(|&a| letters.get(a) == Some(&'ا') && long(a)) {
            return Some((alef, true));
        }
        (rest.first() == Some(&'ا') && rest.get(1) != Some(&'ل') && long(n)).then_some((n, false))
    })
}

/// The kasra of a hamzat al-wasl (the alef opening derived forms and their nouns: انطلقت،
/// الاستقبال), written on the alef where the second model's value head puts it (its
/// likeliest marks, more than one chance in two) and neither model nor lexicon marked the
/// alef: its presence head leaves such alefs bare, though its value head knows them.
///
/// After the article the word is always spelled one way, the lam with sukun and the alef
/// with the kasra (الْاِسْتِقْبال), never the lam with the joining kasra and a bare alef
/// (الِاسْتِقْبال). Both say the same and the bundled voice reads them alike, but the
/// models and the lexicon each wrote one or the other word by word, so one text mixed
/// them. The first is the one news references write most (in the CATT news benchmark,
/// 38 against 25, each by its own source).
///
/// `guess` says whether the alef may take the second model's kasra (a model's word) or
/// only the article's spelling is made one (a bundled lexicon word).
#[cfg(feature = "diacritize-model")]
fn wasl(word: &mut [Unit], guess: bool) {
    const KASRA_ONLY: Marks = Marks {
        shadda: false,
        vowel: Some(KASRA),
    };
    const SUKUN_ONLY: Marks = Marks {
        shadda: false,
        vowel: Some(SUKUN),
    };
    let letters: Vec<char> = word.iter().map(|u| u.ch).collect();
    let Some((alef, article)) = wasl_alef(&letters) else {
        return;
    };
    if article && joined(word, alef) {
        word[alef].marks = KASRA_ONLY;
        word[alef - 1].marks = SUKUN_ONLY;
        return;
    }
    if !guess {
        return;
    }
    let u = &word[alef];
    let kasra = u.marks.is_empty()
        && u.second.as_ref().is_some_and(|s| {
            s.marks
                .iter()
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .is_some_and(|&(m, p)| m == KASRA_ONLY && p > 0.5)
        });
    if !kasra {
        return;
    }
    word[alef].marks = KASRA_ONLY;
    if article {
        word[alef - 1].marks = SUKUN_ONLY;
    }
}

/// The article before a hamza on an alef (الإتحاد، الأمن) is a moon letter's: its lam
/// takes sukun. The models gave it the joining kasra where a writer put a hamza on a wasl
/// alef (`الِإِتِّحَاد`, said `ali-ʔittiħaad`); 146 such words in the Tunisian and Saudi
/// corpora.
#[cfg(feature = "diacritize-model")]
fn article_before_hamza(word: &mut [Unit]) {
    let letters: Vec<char> = word.iter().map(|u| u.ch).collect();
    let lam = WASL_CLITICS.iter().find_map(|c| {
        let clitic: Vec<char> = c.chars().collect();
        let at = article_lam(&letters, &clitic)?;
        (letters.len() > at + 2 && matches!(letters[at + 1], 'أ' | 'إ' | 'آ')).then_some(at)
    });
    if let Some(at) = lam {
        let m = &mut word[at].marks;
        if !m.shadda && matches!(m.vowel, Some(v) if v != SUKUN) {
            m.vowel = Some(SUKUN);
        }
    }
}

/// Whether the article's lam before the wasl alef at `alef` has the joining kasra, with the
/// alef bare or marked with the same kasra: the article and a wasl, whatever spelling the
/// source chose. A lam with sukun or another vowel on the alef (a hamza written without
/// its seat, الامن for الأمن) is left as it is.
#[cfg(feature = "diacritize-model")]
fn joined(word: &[Unit], alef: usize) -> bool {
    let lam = word[alef - 1].marks;
    let a = word[alef].marks;
    lam.vowel == Some(KASRA) && !lam.shadda && !a.shadda && matches!(a.vowel, None | Some(KASRA))
}

/// Drops the case vowel of the last word before each pause.
fn pausal(units: &mut [Unit], words: &[Range<usize>]) {
    for (k, w) in words.iter().enumerate() {
        let next_start = words.get(k + 1).map_or(units.len(), |n| n.start);
        let pause = next_start == units.len()
            || units[w.end..next_start]
                .iter()
                .any(|u| ".!?؟،,؛;:\n".contains(u.ch));
        if !pause {
            continue;
        }
        let last = &mut units[w.end - 1];
        if last.has_written() {
            continue;
        }
        match last.marks.vowel {
            Some('\u{064C}' | '\u{064D}' | '\u{064E}' | '\u{064F}' | '\u{0650}') => {
                last.marks.vowel = None
            }
            Some('\u{064B}') if last.ch != 'ا' && last.ch != 'ء' => last.marks.vowel = None,
            _ => {}
        }
    }
}

fn render(units: &[Unit], words: &[Range<usize>], sources: &[Source]) -> Diacritized {
    let mut text = String::with_capacity(units.len() * 4);
    let mut restored = String::with_capacity(units.len() * 4);
    let mut word_texts = vec![String::new(); words.len()];
    let mut k = 0;
    for (i, u) in units.iter().enumerate() {
        while k < words.len() && words[k].end <= i {
            k += 1;
        }
        let start = text.len();
        text.push(u.ch);
        if u.has_written() {
            let w = Marks::from_str(&u.written);
            if w.vowel.is_none() {
                // A written shadda alone: the model's vowel completes it.
                text.push_str(&u.written);
                if let Some(v) = u.marks.vowel {
                    text.push(v);
                }
            } else {
                text.push_str(&u.written);
            }
        } else {
            u.marks.push_to(&mut text);
            text.push_str(&u.written);
            text.push_str(&u.extra);
        }
        let in_word = k < words.len() && words[k].contains(&i);
        if in_word {
            word_texts[k].push_str(&text[start..]);
        }
        // Only the models' words: rawi's own words and the lexicon's are spelled as meant.
        if in_word && sources[k] == Source::Model {
            restore(u, &text[start..], &mut restored);
        } else {
            restored.push_str(&text[start..]);
        }
    }
    let words = word_texts
        .into_iter()
        .zip(sources)
        .map(|(text, &source)| Word { text, source })
        .collect();
    Diacritized {
        text,
        restored,
        words,
    }
}

/// Appends one rendered unit to the restored text: its letter with the second model's
/// hamza or maddah composed into it, and its dagger alef, when the writer left them out
/// (a letter with written marks is left as written).
fn restore(u: &Unit, rendered: &str, out: &mut String) {
    let Some(second) = u
        .second
        .as_ref()
        .filter(|s| s.marked && u.written.is_empty())
    else {
        out.push_str(rendered);
        return;
    };
    let letter = second.hamza.and_then(|h| compose(u.ch, h)).unwrap_or(u.ch);
    out.push(letter);
    out.push_str(&rendered[u.ch.len_utf8()..]);
    if second.dagger && !u.extra.contains('\u{0670}') {
        out.push('\u{0670}');
    }
}

/// At most this many pieces go through the model in one batch…
#[cfg(feature = "diacritize-model")]
const BATCH_PIECES: usize = 8;
/// …and at most this many characters (the batch's buffers grow with them).
#[cfg(feature = "diacritize-model")]
const BATCH_CHARS: usize = 2048;

/// A piece of text as the model reads it.
#[cfg(feature = "diacritize-model")]
struct Encoded {
    ids: Vec<i64>,
    hints: Vec<i64>,
    /// The unit each id stands for (the two ids appended at the end stand for none).
    at: Vec<usize>,
}

/// Encodes `units[piece]` for the model: characters it does not read are left out, runs of
/// spaces count once, and a full stop is appended (the model leaves the last letter of its
/// input bare: a following full stop lets it give that letter its case ending too).
#[cfg(feature = "diacritize-model")]
fn encode(units: &[Unit], piece: Range<usize>) -> Encoded {
    let mut e = Encoded {
        ids: Vec::with_capacity(piece.len() + 2),
        hints: Vec::with_capacity(piece.len() + 2),
        at: Vec::with_capacity(piece.len()),
    };
    for i in piece {
        let u = &units[i];
        let Some(id) = alphabet::id(u.ch) else {
            continue;
        };
        // Runs of spaces (left by characters the model does not know) count once.
        if id == alphabet::SPACE && e.ids.last().is_none_or(|&l| l == alphabet::SPACE) {
            continue;
        }
        e.ids.push(id);
        // A lifted tanween is still a hint, where the model expects it.
        let written = match u.ending {
            Some(t) => Marks {
                shadda: false,
                vowel: Some(t),
            },
            None => Marks::from_str(&u.written),
        };
        e.hints.push(alphabet::hint(written));
        e.at.push(i);
    }
    while e.ids.last() == Some(&alphabet::SPACE) {
        e.ids.pop();
        e.hints.pop();
        e.at.pop();
    }
    e.ids.extend([alphabet::SPACE, alphabet::FULL_STOP]);
    e.hints.extend([alphabet::NO_MARK, alphabet::NO_MARK]);
    e
}

/// Runs both models over the texts' pieces, in batches of similar lengths: every letter
/// gets the first model's predicted marks (written marks are given to it as hints and
/// kept) and what the second model says of it.
#[cfg(feature = "diacritize-model")]
fn run_model(texts: &mut [Vec<Unit>]) -> Result<(), String> {
    let mut todo: Vec<(usize, Range<usize>)> = Vec::new();
    for (k, units) in texts.iter().enumerate() {
        for p in pieces(units) {
            if !fully_marked(&units[p.clone()]) {
                todo.push((k, p));
            }
        }
    }
    let first: Vec<(usize, Encoded)> = todo
        .iter()
        .map(|(k, p)| (*k, encode(&texts[*k], p.clone())))
        .collect();
    in_batches(&first, |batch| {
        let inputs: Vec<(&[i64], &[i64])> = batch
            .iter()
            .map(|(_, e)| (e.ids.as_slice(), e.hints.as_slice()))
            .collect();
        for ((k, e), guesses) in batch.iter().zip(model::predict_batch(&inputs)?) {
            check_length(guesses.len(), e)?;
            let units = &mut texts[*k];
            for (&i, g) in e.at.iter().zip(&guesses) {
                if is_letter(units[i].ch) {
                    units[i].marks = alphabet::marks(g.class);
                    units[i].first = alphabet::first(g);
                }
            }
        }
        Ok(())
    })?;
    let second: Vec<(usize, Encoded)> = todo
        .iter()
        .map(|(k, p)| (*k, encode_second(&texts[*k], p.clone())))
        .collect();
    in_batches(&second, |batch| {
        let inputs: Vec<&[i64]> = batch.iter().map(|(_, e)| e.ids.as_slice()).collect();
        for ((k, e), guesses) in batch.iter().zip(model::lstm::predict_batch(&inputs)?) {
            check_length(guesses.len(), e)?;
            let units = &mut texts[*k];
            for (&i, g) in e.at.iter().zip(&guesses) {
                if is_letter(units[i].ch) && units[i].second.is_none() {
                    units[i].second = Some(alphabet::second(g));
                }
            }
        }
        Ok(())
    })
}

/// Calls `run` on batches of the pieces (sorted by length): at most [`BATCH_PIECES`]
/// pieces and [`BATCH_CHARS`] characters each.
#[cfg(feature = "diacritize-model")]
fn in_batches(
    todo: &[(usize, Encoded)],
    mut run: impl FnMut(&[&(usize, Encoded)]) -> Result<(), String>,
) -> Result<(), String> {
    let mut sorted: Vec<&(usize, Encoded)> = todo.iter().collect();
    sorted.sort_by_key(|(_, e)| e.ids.len());
    let mut rest = &sorted[..];
    while !rest.is_empty() {
        let mut take = 0;
        let mut chars = 0;
        while take < rest.len()
            && take < BATCH_PIECES
            && (take == 0 || chars + rest[take].1.ids.len() <= BATCH_CHARS)
        {
            chars += rest[take].1.ids.len();
            take += 1;
        }
        let (batch, after) = rest.split_at(take);
        rest = after;
        run(batch)?;
    }
    Ok(())
}

#[cfg(feature = "diacritize-model")]
fn check_length(got: usize, e: &Encoded) -> Result<(), String> {
    if got == e.ids.len() {
        return Ok(());
    }
    Err(format!(
        "the diacritization model gave {got} marks for {} characters",
        e.ids.len()
    ))
}

/// Encodes `units[piece]` for the second model as its own package does: each character
/// by the base letter of its canonical decomposition (`أ` is read as `ا`; the model says
/// where the hamza goes), written marks left out, every character kept (unknown ones as
/// one id), nothing appended.
#[cfg(feature = "diacritize-model")]
fn encode_second(units: &[Unit], piece: Range<usize>) -> Encoded {
    let mut e = Encoded {
        ids: Vec::with_capacity(piece.len()),
        hints: Vec::new(),
        at: Vec::with_capacity(piece.len()),
    };
    for i in piece {
        let c = units[i].ch;
        // A mark with no character before it (the text's first) is no character.
        if crate::synth::bundled::lexicon::is_mark(c) {
            continue;
        }
        e.ids.push(alphabet::second_id(c));
        e.at.push(i);
        // A tatweel is a character to the model (it is kept with its letter here): it
        // stands for that letter's unit, which keeps the letter's own guess. A run of
        // them counts once, so that a piece stays as long as its units.
        if units[i].written.contains(TATWEEL) {
            e.ids.push(alphabet::second_id(TATWEEL));
            e.at.push(i);
        }
    }
    e
}

/// Whether every word of a piece already carries written marks (text the stage made
/// before): the model would only confirm them.
#[cfg(feature = "diacritize-model")]
fn fully_marked(piece: &[Unit]) -> bool {
    word_ranges(piece)
        .into_iter()
        .all(|w| piece[w].iter().any(Unit::has_written))
}

#[cfg(feature = "diacritize-model")]
use alphabet::compose;

/// Without the models nothing is restored (no unit carries a second guess).
#[cfg(not(feature = "diacritize-model"))]
fn compose(_letter: char, _hamza: char) -> Option<char> {
    None
}

#[cfg(not(feature = "diacritize-model"))]
fn run_model(_texts: &mut [Vec<Unit>]) -> Result<(), String> {
    Ok(())
}

/// Cuts the text into pieces for the model: sentences, and within a sentence longer than
/// [`MAX_PIECE`] characters, clauses (at `،` `؛` `:`), then words.
#[cfg_attr(not(feature = "diacritize-model"), allow(dead_code))]
fn pieces(units: &[Unit]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, u) in units.iter().enumerate() {
        if ".!?؟\n".contains(u.ch) {
            split_long(units, start..i + 1, &mut out);
            start = i + 1;
        }
    }
    split_long(units, start..units.len(), &mut out);
    out.retain(|r| units[r.clone()].iter().any(|u| is_letter(u.ch)));
    out
}

#[cfg_attr(not(feature = "diacritize-model"), allow(dead_code))]
fn split_long(units: &[Unit], r: Range<usize>, out: &mut Vec<Range<usize>>) {
    let mut start = r.start;
    while r.end - start > MAX_PIECE {
        let window = start..start + MAX_PIECE;
        let cut = units[window.clone()]
            .iter()
            .rposition(|u| "،,؛;:".contains(u.ch))
            .filter(|&p| p > MAX_PIECE / 4)
            .or_else(|| units[window].iter().rposition(|u| u.ch == ' '))
            .filter(|&p| p > 0)
            .unwrap_or(MAX_PIECE - 1);
        out.push(start..start + cut + 1);
        start += cut + 1;
    }
    if start < r.end {
        out.push(start..r.end);
    }
}

/// The model's alphabet and mark classes (`data/model_letters.tsv`, `data/model_marks.tsv`).
#[cfg(feature = "diacritize-model")]
mod alphabet {
    use std::collections::HashMap;
    use std::sync::OnceLock;

    use super::Marks;

    const LETTERS: &str = include_str!("data/model_letters.tsv");
    const MARKS: &str = include_str!("data/model_marks.tsv");

    /// The id of a space.
    pub const SPACE: i64 = 1;
    /// The id of a full stop.
    pub const FULL_STOP: i64 = 8;
    /// The hint for a letter without written marks.
    pub const NO_MARK: i64 = 1;
    /// The id every digit is read as.
    const DIGIT: i64 = 2;

    fn code_point(s: &str) -> Option<char> {
        u32::from_str_radix(s.strip_prefix("U+")?, 16)
            .ok()
            .and_then(char::from_u32)
    }

    fn letters() -> &'static HashMap<char, i64> {
        static L: OnceLock<HashMap<char, i64>> = OnceLock::new();
        L.get_or_init(|| {
            LETTERS
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| {
                    let mut f = l.split('\t');
                    let id = f.next()?.trim().parse().ok()?;
                    Some((code_point(f.next()?.trim())?, id))
                })
                .filter(|&(_, id)| id != 0)
                .collect()
        })
    }

    fn classes() -> &'static Vec<(i64, Marks)> {
        static M: OnceLock<Vec<(i64, Marks)>> = OnceLock::new();
        M.get_or_init(|| {
            MARKS
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| {
                    let (id, marks) = l.split_once('\t')?;
                    let id: i64 = id.trim().parse().ok()?;
                    if marks.trim() == "PAD" {
                        return None;
                    }
                    let s: String = marks.split_whitespace().filter_map(code_point).collect();
                    Some((id, Marks::from_str(&s)))
                })
                .collect()
        })
    }

    /// The model's id for a character, `None` for one it does not read.
    pub fn id(c: char) -> Option<i64> {
        if c.is_ascii_digit() || ('\u{0660}'..='\u{0669}').contains(&c) {
            return Some(DIGIT);
        }
        let c = if c == '\t' { ' ' } else { c };
        letters().get(&c).copied()
    }

    /// The hint id for written marks (no mark when the model has no class for them).
    pub fn hint(m: Marks) -> i64 {
        classes()
            .iter()
            .find(|(_, c)| *c == m)
            .map_or(NO_MARK, |(id, _)| *id)
    }

    const SECOND_LETTERS: &str = include_str!("data/v3_letters.tsv");
    const SECOND_MARKS: &str = include_str!("data/v3_marks.tsv");
    /// The second model's id for a character it does not know.
    const SECOND_UNKNOWN: i64 = 1;

    /// The second model's alphabet (its `<PAD>` and `<UNK>` rows are not characters).
    fn second_letters() -> &'static HashMap<char, i64> {
        static L: OnceLock<HashMap<char, i64>> = OnceLock::new();
        L.get_or_init(|| {
            SECOND_LETTERS
                .lines()
                .filter(|l| !l.starts_with('#'))
                .filter_map(|l| {
                    let (id, c) = l.split_once('\t')?;
                    Some((code_point(c.trim())?, id.trim().parse().ok()?))
                })
                .collect()
        })
    }

    /// What one of the second model's value classes writes on a letter.
    #[derive(Clone, Copy, Default)]
    struct Class {
        /// Its harakat (the marks that are scored).
        marks: Marks,
        /// Its hamza or maddah (U+0653–U+0655), if any.
        hamza: Option<char>,
        /// Whether it writes a dagger alef.
        dagger: bool,
    }

    /// The second model's value classes, by class id.
    fn second_classes() -> &'static Vec<Class> {
        static M: OnceLock<Vec<Class>> = OnceLock::new();
        M.get_or_init(|| {
            let mut out = vec![Class::default(); super::model::lstm::CLASSES];
            for l in SECOND_MARKS.lines().filter(|l| !l.starts_with('#')) {
                let Some((id, marks)) = l.split_once('\t') else {
                    continue;
                };
                let s: String = marks.split_whitespace().filter_map(code_point).collect();
                if let Some(slot) = id.trim().parse::<usize>().ok().and_then(|i| out.get_mut(i)) {
                    *slot = Class {
                        marks: Marks::from_str(&s),
                        hamza: s.chars().find(|c| ('\u{0653}'..='\u{0655}').contains(c)),
                        dagger: s.contains('\u{0670}'),
                    };
                }
            }
            out
        })
    }

    /// A letter with a hamza or maddah composed into it (`ا` + hamza above → `أ`), or
    /// `None` when Unicode has no such letter.
    pub fn compose(letter: char, hamza: char) -> Option<char> {
        unicode_normalization::char::compose(letter, hamza)
    }

    /// The second model's id for a character: that of the base letter of its canonical
    /// decomposition.
    pub fn second_id(c: char) -> i64 {
        let mut base = None;
        unicode_normalization::char::decompose_canonical(c, |d| {
            base.get_or_insert(d);
        });
        second_letters()
            .get(&base.unwrap_or(c))
            .copied()
            .unwrap_or(SECOND_UNKNOWN)
    }

    /// What the second model's guess says of a letter, its classes summed by harakat.
    pub fn second(g: &super::model::lstm::Guess) -> super::Second {
        let classes = second_classes();
        let mut summed: Vec<(Marks, f32)> = Vec::new();
        for (c, &p) in classes.iter().zip(&g.value) {
            match summed.iter_mut().find(|(k, _)| *k == c.marks) {
                Some((_, sum)) => *sum += p,
                None => summed.push((c.marks, p)),
            }
        }
        let top = &classes[g.top()];
        super::Second {
            marked: g.presence > 0.0,
            marks: summed,
            hamza: top.hamza,
            dagger: top.dagger,
        }
    }

    /// The first model's probabilities of a letter, summed by harakat (padding and no mark
    /// are both none).
    pub fn first(g: &super::model::Guess) -> Vec<(Marks, f32)> {
        let mut summed: Vec<(Marks, f32)> = Vec::with_capacity(g.probs.len());
        for (class, &p) in g.probs.iter().enumerate() {
            let m = u8::try_from(class).map_or(Marks::default(), marks);
            match summed.iter_mut().find(|(k, _)| *k == m) {
                Some((_, sum)) => *sum += p,
                None => summed.push((m, p)),
            }
        }
        summed
    }

    /// The marks of a predicted class; padding and unknown classes give none.
    pub fn marks(class: u8) -> Marks {
        classes()
            .iter()
            .find(|(id, _)| *id == i64::from(class))
            .map_or(Marks::default(), |(_, m)| *m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cut_long_sentences_at_clauses() {
        let clause = "كلمة ".repeat(50);
        let text = format!("{clause}، {clause}، {clause}.");
        let us = units(&text);
        let ps = pieces(&us);
        assert!(ps.len() >= 2, "{ps:?}");
        assert!(ps.iter().all(|p| p.len() <= MAX_PIECE));
        assert_eq!(ps.first().map(|p| p.start), Some(0));
        for w in ps.windows(2) {
            assert_eq!(w[0].end, w[1].start);
        }
    }

    /// A letter as the two models see it: the first model's marks and probabilities, and
    /// the second's (marked by its presence head).
    fn guessed(first: &[(Marks, f32)], second: &[(Marks, f32)]) -> Unit {
        let mut u = units("ب").remove(0);
        u.marks = first
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map_or(Marks::default(), |(m, _)| *m);
        u.first = first.to_vec();
        u.second = Some(Second {
            marked: true,
            marks: second.to_vec(),
            hamza: None,
            dagger: false,
        });
        u
    }

    #[test]
    fn the_models_marks_are_the_likeliest_together() {
        let vowel = |v: char| Marks {
            shadda: false,
            vowel: Some(v),
        };
        let (fatha, kasra) = (vowel('\u{064E}'), vowel('\u{0650}'));
        // The first model sure, the second hesitating: the first's marks; the second sure,
        // the first hesitating: the second's.
        let mut word = vec![
            guessed(
                &[(fatha, 0.95), (kasra, 0.05)],
                &[(fatha, 0.45), (kasra, 0.55)],
            ),
            guessed(
                &[(fatha, 0.6), (kasra, 0.4)],
                &[(fatha, 0.01), (kasra, 0.99)],
            ),
            guessed(&[], &[]),
        ];
        combine(&mut word, 0.0, 1);
        assert_eq!([word[0].marks, word[1].marks], [fatha, kasra]);
        // A bundled lexicon's marks stand against one model, not against both sure.
        let mut word = vec![
            guessed(&[(fatha, 0.2), (kasra, 0.8)], &[(fatha, 0.2), (kasra, 0.8)]),
            guessed(
                &[(fatha, 0.01), (kasra, 0.99)],
                &[(fatha, 0.01), (kasra, 0.99)],
            ),
            guessed(&[], &[]),
        ];
        word[0].marks = fatha;
        word[1].marks = fatha;
        combine(&mut word, LEXICON_WEIGHT, 1);
        assert_eq!([word[0].marks, word[1].marks], [fatha, kasra]);
    }

    #[test]
    fn a_tanween_written_alone_is_the_ending_and_goes_before_the_alef() {
        let lifted = |text: &str| {
            let mut u = units(text);
            lift_written_endings(&mut u);
            u.iter()
                .map(|u| (u.ch, u.written.clone(), u.ending))
                .collect::<Vec<_>>()
        };
        let fathatan = Some(FATHATAN);
        // On the alef or on the letter before it: the ending of the letter before.
        for text in ["بلاغاً", "بلاغًا"] {
            let u = lifted(text);
            assert_eq!(u[3], ('غ', String::new(), fathatan), "{text}");
            assert_eq!(u[4], ('ا', String::new(), None), "{text}");
        }
        // On a last letter without an alef.
        assert_eq!(lifted("مرةً")[2], ('ة', String::new(), fathatan));
        // Not lifted: a second mark in the word, a tanween inside it, a vowel.
        for text in ["بَلاغاً", "جدًّا", "كتابُ"] {
            assert!(lifted(text).iter().all(|u| u.2.is_none()), "{text}");
        }
    }

    #[test]
    fn written_marks_are_kept_verbatim() {
        let lex = Lexicon::default();
        let d = diacritize_text("كَتَبَ الولد", &lex, Options::default()).unwrap();
        assert!(d.text.starts_with("كَتَبَ "), "{}", d.text);
        assert_eq!(d.words[0].source, Source::Written);
    }

    #[test]
    fn lexicon_marks_the_stem_after_the_article() {
        let mut lex = Lexicon::default();
        lex.add("شَمْس\n");
        let d = diacritize_text("والشمس", &lex, Options::default()).unwrap();
        assert_eq!(d.words[0].source, Source::Lexicon);
        let stripped: String = d.text.chars().filter(|c| !is_harakah(*c)).collect();
        assert_eq!(stripped, "والشمس");
        // The stage writes shadda before the vowel on the same letter.
        assert!(d.text.contains("الشَّمْس"), "{}", d.text);
    }

    /// The rows of a reference file of a `tools/export-*.py` script: text and three
    /// fields, tab-separated.
    #[cfg(feature = "diacritize-model")]
    fn reference_rows(file: &str) -> Vec<[&str; 4]> {
        file.lines()
            .filter(|l| !l.starts_with('#'))
            .map(|line| {
                let f: Vec<&str> = line.split('\t').collect();
                f.try_into()
                    .unwrap_or_else(|_| panic!("not four fields: {line}"))
            })
            .collect()
    }

    #[cfg(feature = "diacritize-model")]
    fn nums(s: &str) -> Vec<i64> {
        s.split(' ').map(|v| v.parse().unwrap()).collect()
    }

    /// A model gives the sentences of a batch, all together and five at a time, exactly
    /// what each gets alone.
    #[cfg(feature = "diacritize-model")]
    fn same_in_batches<I, O: PartialEq + std::fmt::Debug>(
        inputs: &[I],
        alone: &[O],
        run: impl Fn(&[I]) -> Vec<O>,
    ) {
        assert_eq!(run(inputs), alone);
        for (chunk, want) in inputs.chunks(5).zip(alone.chunks(5)) {
            assert_eq!(run(chunk), want);
        }
    }

    /// The engine against onnxruntime on the original ONNX model
    /// (`tools/export-model.py --reference`): rawi's encoding gives the same ids, the
    /// classes agree (f32 sums in another order may flip a near-tie), and a batch gives
    /// each sentence exactly its classes alone.
    #[cfg(feature = "diacritize-model")]
    #[test]
    fn model_agrees_with_the_reference_runtime() {
        const REFERENCE: &str = include_str!("../../tests/data/diacritize/model_reference.tsv");
        let mut cases = Vec::new();
        for f in reference_rows(REFERENCE) {
            let us = units(f[0]);
            let e = encode(&us, 0..us.len());
            assert_eq!(e.ids, nums(f[1]), "ids of {}", f[0]);
            assert_eq!(e.hints, nums(f[2]), "hints of {}", f[0]);
            cases.push((e, nums(f[3])));
        }
        assert!(cases.len() >= 60);
        assert!(cases.iter().any(|(e, _)| e.hints.iter().any(|&h| h != 1)));
        let (mut same, mut total) = (0, 0);
        let mut alone = Vec::new();
        for (e, want) in &cases {
            let got = model::predict(&e.ids, &e.hints).unwrap();
            assert_eq!(got.len(), want.len());
            same += got
                .iter()
                .zip(want)
                .filter(|(g, w)| i64::from(g.class) == **w)
                .count();
            total += want.len();
            alone.push(got);
        }
        let agreement = same as f64 / total as f64;
        eprintln!("model agreement with onnxruntime: {same}/{total} characters");
        assert!(agreement >= 0.999, "{same}/{total}");
        let inputs: Vec<(&[i64], &[i64])> = cases
            .iter()
            .map(|(e, _)| (e.ids.as_slice(), e.hints.as_slice()))
            .collect();
        same_in_batches(&inputs, &alone, |b| model::predict_batch(b).unwrap());
    }

    /// The second model against onnxruntime on its original int8 file
    /// (`tools/export-v3.py --reference`): rawi's encoding gives the package's ids, the
    /// presence and the value class agree (both quantize the products' inputs on the fly,
    /// onnxruntime per tensor, rawi per row: a near-tie may flip), and a batch gives each
    /// sentence exactly what it gets alone.
    #[cfg(feature = "diacritize-model")]
    #[test]
    fn second_model_agrees_with_the_reference_runtime() {
        const REFERENCE: &str = include_str!("../../tests/data/diacritize/v3_reference.tsv");
        let mut cases = Vec::new();
        for f in reference_rows(REFERENCE) {
            let us = units(f[0]);
            let e = encode_second(&us, 0..us.len());
            assert_eq!(e.ids, nums(f[1]), "ids of {}", f[0]);
            cases.push((e.ids, nums(f[2]), nums(f[3])));
        }
        assert!(cases.len() >= 60);
        // Hamza forms are read by their base letter (أ as ا).
        assert!(cases
            .iter()
            .any(|(ids, _, _)| ids.contains(&alphabet::second_id('ا'))));
        let inputs: Vec<&[i64]> = cases.iter().map(|(ids, _, _)| ids.as_slice()).collect();
        let alone: Vec<Vec<model::lstm::Guess>> = inputs
            .iter()
            .map(|ids| model::lstm::predict_batch(&[ids]).unwrap().pop().unwrap())
            .collect();
        let (mut presence, mut value, mut total) = (0, 0, 0);
        for ((_, want_presence, want_value), got) in cases.iter().zip(&alone) {
            assert_eq!(got.len(), want_value.len());
            for ((g, &p), &v) in got.iter().zip(want_presence).zip(want_value) {
                presence += usize::from(i64::from(g.presence > 0.0) == p);
                value += usize::from(g.top() as i64 == v);
                total += 1;
            }
        }
        eprintln!("second model agreement with onnxruntime: presence {presence}/{total}, value {value}/{total}");
        assert!(
            presence as f64 >= 0.995 * total as f64,
            "presence {presence}/{total}"
        );
        assert!(
            value as f64 >= 0.995 * total as f64,
            "value {value}/{total}"
        );
        same_in_batches(&inputs, &alone, |b| model::lstm::predict_batch(b).unwrap());
    }

    /// The second model's hamzas go into the restored text only: the text keeps the
    /// input's letters (it is what a manifest records and what `der.py` scores).
    #[cfg(feature = "diacritize-model")]
    #[test]
    fn restored_hamzas_change_the_voices_text_only() {
        let input = "اعلنت الوزارة ان الاجتماع سيعقد الى غاية الاسبوع المقبل";
        let d = diacritize_text(input, &Lexicon::bundled(), Options::default()).unwrap();
        let bare = |s: &str| -> String { s.chars().filter(|c| !is_harakah(*c)).collect() };
        assert_eq!(bare(&d.text), input);
        assert_eq!(
            bare(&d.restored),
            "أعلنت الوزارة أن الاجتماع سيعقد إلى غاية الأسبوع المقبل"
        );
        // Written marks leave a letter as written.
        let d = diacritize_text("اَعلنت", &Lexicon::default(), Options::default()).unwrap();
        assert!(d.restored.starts_with("اَ"), "{}", d.restored);
    }

    #[test]
    fn texts_together_are_marked_as_each_alone() {
        let lex = Lexicon::bundled();
        let texts: Vec<Spoken> = [
            "عاد الوفد إلى العاصمة. وقال رئيسه إن المحادثات كانت مثمرة، وإن جولة أخرى ستعقد قريبا.",
            "",
            "ارتفعت الأسعار",
            "كَتَبَ الصحفي تقريرا جديدا عن الموسم الفلاحي؛ ونشرته الجريدة صباح اليوم!",
            "123 abc",
        ]
        .iter()
        .map(|t| crate::normalize::normalize(t))
        .collect();
        let opts = Options { pausal: true };
        let together = diacritize_all(&texts, &lex, opts).unwrap();
        assert_eq!(together.len(), texts.len());
        for (t, d) in texts.iter().zip(&together) {
            assert_eq!(*d, diacritize(t, &lex, opts).unwrap(), "{}", t.text);
        }
    }

    #[test]
    fn homographs_are_words_of_the_bundled_lexicon() {
        let bundled = Lexicon::bundled();
        for w in homographs() {
            assert!(bundled.get_exact(w).is_some(), "{w} is not a bundled key");
        }
    }

    #[test]
    fn a_listed_nisba_takes_its_doubled_yaa() {
        // The models' `حَالِيًا` and `وَمَيْدَانْيَا`: the yaa single, the vowel before it
        // missing; a doubled letter before it stays (`مَحَلِّيًّا`).
        // The units of a written word, each with the marks written on it decided.
        let marked = |w: &str| {
            let mut us = units(w);
            for u in &mut us {
                u.marks = Marks::from_str(&u.written);
            }
            us
        };
        let text = |us: &[Unit]| {
            let mut s = String::new();
            for u in us {
                s.push(u.ch);
                u.marks.push_to(&mut s);
            }
            s
        };
        for (written, read) in [
            ("حَالِيًا", "حَالِيًّا"),
            ("وَمَيْدَانْيَا", "وَمَيْدَانِيًّا"),
            ("مَحَلِّيًا", "مَحَلِّيًّا"),
            ("ثَانِيًا", "ثَانِيًا"),
        ] {
            let mut us = marked(written);
            nisba_accusative(&mut us);
            // Compared mark by mark: the order of two marks on a letter is free.
            assert_eq!(text(&us), text(&marked(read)), "{written}");
        }
    }

    #[test]
    fn firm_words_are_words_of_the_bundled_lexicon() {
        let bundled = Lexicon::bundled();
        for w in firm() {
            assert!(bundled.get_exact(w).is_some(), "{w} is not a bundled key");
            assert!(!homographs().contains(w), "{w} is also a homograph");
        }
    }

    #[test]
    fn the_bundled_lexicon_leaves_homographs_and_loose_matches_to_the_model() {
        let lex = Lexicon::bundled();
        // طالب (طَالِب or طَالَبَ), علي (a name, not على), بهم (بِهِمْ, not بِهُمْ).
        for w in ["طالب", "علي", "بهم", "من"] {
            let d = diacritize_text(w, &lex, Options::default()).unwrap();
            assert_ne!(d.words[0].source, Source::Lexicon, "{w}: {}", d.text);
        }
        let d = diacritize_text("حكومة", &lex, Options::default()).unwrap();
        assert_eq!(d.words[0].source, Source::Lexicon, "{}", d.text);
    }

    #[test]
    fn a_users_entry_wins_even_for_a_homograph() {
        let mut lex = Lexicon::default();
        lex.add("دين\tدِين\n");
        let lex = lex.over_bundled();
        let d = diacritize_text("الدين", &lex, Options::default()).unwrap();
        assert_eq!(d.words[0].source, Source::Lexicon);
        let no_shadda: String = d.text.chars().filter(|&c| c != SHADDA).collect();
        assert!(no_shadda.contains("الدِين"), "{}", d.text);
    }

    #[test]
    fn a_short_stem_behind_a_clitic_is_not_looked_up() {
        // فكرة is not ف + كرة, الأم not ال + أم, كلا not ك + لا.
        let lex = Lexicon::bundled();
        for w in ["فكرة", "الأم", "كلا"] {
            let d = diacritize_text(w, &lex, Options::default()).unwrap();
            assert_ne!(d.words[0].source, Source::Lexicon, "{w}: {}", d.text);
        }
        let d = diacritize_text("والحكومة", &lex, Options::default()).unwrap();
        assert_eq!(d.words[0].source, Source::Lexicon, "{}", d.text);
    }

    #[test]
    fn a_respelled_word_keeps_its_letters() {
        let lex = Lexicon::bundled();
        let d = diacritize_text("الله", &lex, Options::default()).unwrap();
        assert_eq!(d.words[0].source, Source::Lexicon);
        let stripped: String = d.text.chars().filter(|c| !is_harakah(*c)).collect();
        assert_eq!(stripped, "الله");
    }

    #[test]
    fn pausal_forms_drop_each_words_last_marks_only() {
        assert_eq!(
            without_endings("قَالَ الْوَزِيرُ إِنَّ عَدُوًّا مَبْنًى، شَرِكَةٍ."),
            "قَال الْوَزِير إِنّ عَدُوًّا مَبْنًى، شَرِكَة."
        );
        assert_eq!(without_endings("abc 12 ـ"), "abc 12 ـ");
    }

    /// A build's voice gets the restored hamzas; the manifest's text keeps the letters.
    #[cfg(feature = "diacritize-model")]
    #[test]
    fn a_builds_voice_gets_the_hamzas_its_manifest_keeps_the_letters() {
        let voice = crate::voice::Voice::load("rawi-ar-low").unwrap();
        let spoken = [crate::normalize::normalize(
            "اعلنت الوزارة ان الاجتماع سيعقد غدا",
        )];
        let got = sentences(&spoken, &voice).unwrap();
        let bare = |s: &str| -> String { s.chars().filter(|c| !is_harakah(*c)).collect() };
        assert_eq!(bare(&got[0].text), spoken[0].text);
        assert!(
            bare(&got[0].voice).starts_with("أعلنت الوزارة أن"),
            "{}",
            got[0].voice
        );
    }

    #[test]
    fn a_long_run_of_tatweels_is_read_as_one() {
        let text = format!("قال {}الوزير", "ـ".repeat(5000));
        let d = diacritize_text(&text, &Lexicon::default(), Options::default()).unwrap();
        let bare: String = d.text.chars().filter(|c| !is_harakah(*c)).collect();
        assert_eq!(bare, text);
    }

    #[test]
    fn no_letter_with_sukun_is_left_before_a_doubled_one() {
        let m = |shadda: bool, v: char| Marks {
            shadda,
            vowel: Some(v),
        };
        let (fatha, kasra) = ('\u{064E}', '\u{0650}');
        // Both models lean to sukun on the first letter and shadda on the second, the
        // first less surely: the sukun gives way (يسبّح, not يسْبّح).
        let unit = |ch: char, probs: Vec<(Marks, f32)>| Unit {
            ch,
            written: String::new(),
            marks: Marks::default(),
            extra: String::new(),
            at: 0,
            first: probs.clone(),
            second: Some(Second {
                marked: true,
                marks: probs,
                hamza: None,
                dagger: false,
            }),
            ending: None,
        };
        let mut word = vec![
            unit('س', vec![(m(false, SUKUN), 0.55), (m(false, fatha), 0.45)]),
            unit('ب', vec![(m(true, kasra), 0.9), (m(false, kasra), 0.1)]),
            unit('ح', vec![(m(false, fatha), 1.0)]),
        ];
        combine(&mut word, 0.0, 1);
        assert_eq!(word[0].marks, m(false, fatha));
        assert_eq!(word[1].marks, m(true, kasra));
        // The article's lam before a sun letter is silent: it only loses its sukun.
        let mut word = vec![
            unit('ا', vec![]),
            unit('ل', vec![(m(false, SUKUN), 0.9), (m(false, fatha), 0.1)]),
            unit('ت', vec![(m(true, fatha), 0.9), (m(false, fatha), 0.1)]),
            unit('ق', vec![(m(false, SUKUN), 1.0)]),
        ];
        word[0].second = None;
        combine(&mut word, 0.0, 1);
        assert!(word[1].marks.is_empty());
        assert_eq!(word[2].marks, m(true, fatha));
    }

    #[test]
    fn a_hamza_seat_rules_out_the_vowels_it_cannot_carry() {
        let v = |c: char| Marks {
            shadda: false,
            vowel: Some(c),
        };
        assert!(seat_allows('إ', v('\u{0650}')));
        assert!(!seat_allows('إ', v('\u{064E}')));
        assert!(!seat_allows('إ', v('\u{064F}')));
        assert!(seat_allows('أ', v('\u{064E}')));
        assert!(!seat_allows('أ', v('\u{0650}')));
        assert!(seat_allows('ب', v('\u{0650}')));
    }

    #[cfg(feature = "diacritize-model")]
    #[test]
    fn wasl_alefs_are_found_after_clitics_and_the_article() {
        let at = |w: &str| wasl_alef(&w.chars().collect::<Vec<_>>());
        assert_eq!(at("انطلقت"), Some((0, false)));
        assert_eq!(at("واستمر"), Some((1, false)));
        assert_eq!(at("الاستقبال"), Some((2, true)));
        assert_eq!(at("وبالاتحاد"), Some((4, true)));
        assert_eq!(at("للاستئناف"), Some((2, true)));
        // The article before another letter, a short word, a word without a wasl alef.
        assert_eq!(at("الوزارة"), None);
        assert_eq!(at("ابن"), None);
        assert_eq!(at("وزارة"), None);
    }

    #[test]
    fn no_letters_no_panic() {
        let lex = Lexicon::default();
        for t in ["", " ", "123", "abc", "\u{064E}", "ـ", "،،،"] {
            let d = diacritize_text(t, &lex, Options { pausal: true }).unwrap();
            let stripped: String = d.text.chars().filter(|c| !is_harakah(*c)).collect();
            assert_eq!(stripped, t.replace('\u{064E}', ""), "{t:?}");
        }
    }
}
