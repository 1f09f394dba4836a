//! The reader: walks a text, finds each token, reads its context (the word before, the
//! counted noun after) and hands the token to its class. Each class module holds both
//! its verbalizer and, in an `impl Reader` block, the part of the reader that parses
//! its tokens in the sentence (`time.rs` reads clock times, `date.rs` dates, …); this
//! file keeps the walk, the shared context rules and the plain cardinal.

use super::abbrev;
use super::cardinal::{cardinal, Case, Form, Gender, LIMIT};
use super::lexicon::{self, counted_noun, is_known_noun, months, role, units, Number, Role, Unit};
use super::scan::{self, digit, next_word, prev_word, Core, Group, Next};
use super::{decimal, digits, ordinal, percent, time};
use super::{Class, Guess, Spoken, Token};

/// What the last number read was, for coordination (`1949 و1989`).
#[derive(Debug, Clone, Copy)]
pub(super) struct Last {
    pub(super) end: usize,
    pub(super) case: Case,
    pub(super) class: Class,
    /// The gender the number agreed with, where it agreed with one.
    pub(super) gender: Option<Gender>,
}

/// One token found and read.
pub(super) struct Read {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) class: Class,
    pub(super) spoken: String,
    pub(super) rule: String,
    pub(super) guess: Option<Guess>,
    pub(super) case: Option<Case>,
    pub(super) gender: Option<Gender>,
}

impl Read {
    /// A token read from `start` to `end` with no case, gender or guess recorded.
    pub(super) fn new(
        start: usize,
        end: usize,
        class: Class,
        spoken: String,
        rule: String,
    ) -> Read {
        Read {
            start,
            end,
            class,
            spoken,
            rule,
            guess: None,
            case: None,
            gender: None,
        }
    }
}

/// What the words around a number decided: its case, its role and why (the rule note
/// `--explain` shows).
type Decision = (Case, Option<Role>, String);

/// The rule note of a number whose case nothing before it decided.
const DEFAULT_OBLIQUE: &str = "no deciding word before → default oblique";

/// Whether spoken number words show their case in writing (tens, duals, twelve): only
/// then is an undecided case worth an editor's look.
fn words_show_case(spoken: &str) -> bool {
    spoken.split(' ').any(|w| {
        let w = w.strip_prefix('و').unwrap_or(w);
        let w = w.strip_prefix("ال").unwrap_or(w);
        matches!(
            w,
            "عشرين"
                | "ثلاثين"
                | "أربعين"
                | "خمسين"
                | "ستين"
                | "سبعين"
                | "ثمانين"
                | "تسعين"
                | "اثنين"
                | "اثنتين"
                | "اثني"
                | "اثنتي"
                | "مئتين"
                | "مئتي"
                | "ألفين"
                | "ألفي"
                | "مليونين"
                | "مليارين"
        )
    })
}

/// Prefixes that may be glued to a number (without tatweel).
pub(super) const PREFIXES: &[&str] = &[
    "و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك", "فك", "ال", "وال", "بال", "لل", "ولل",
    "فال", "كال", "وبال", "فبال", "وكال",
];

/// Scale words written after a number, with their value (`data/scales.tsv`).
pub(super) fn scale_word(w: &str) -> Option<u64> {
    lexicon::scale(w)
}

/// Particles and other words that follow a number without being its counted noun.
pub(super) fn is_particle(w: &str) -> bool {
    matches!(
        w,
        "من" | "في"
            | "على"
            | "إلى"
            | "الى"
            | "عن"
            | "و"
            | "أو"
            | "ثم"
            | "حتى"
            | "مع"
            | "بين"
            | "قبل"
            | "بعد"
            | "منذ"
            | "خلال"
            | "عند"
            | "لدى"
            | "نحو"
            | "فقط"
            | "تقريبا"
            | "أي"
            | "إلا"
            | "لا"
            | "لم"
            | "لن"
            | "قد"
            | "كان"
            | "كانت"
            | "هو"
            | "هي"
            | "هم"
            | "التي"
            | "الذي"
            | "الذين"
            | "إن"
            | "أن"
            | "كما"
            | "بينما"
            | "فيما"
            | "حيث"
            | "سنويا"
            | "يوميا"
            | "شهريا"
            | "أسبوعيا"
    ) || w.starts_with("ال")
}

/// Opening punctuation that may stand before a number.
pub(super) fn is_opening(c: char) -> bool {
    matches!(c, '(' | '«' | '"' | '\'' | '[' | '{' | '“' | '‘')
}

/// A symbol written right before digits: a currency, percent, or sign.
pub(super) fn is_symbol(s: &str) -> bool {
    percent::is_sign(s)
        || matches!(s, "-" | "−" | "+")
        || units()
            .get(s)
            .is_some_and(|u| u.before && !s.chars().any(is_arabic_letter))
}

/// The dual of a singular noun in `case`: `ميل` → `ميلين`، `حالة` → `حالتان`.
fn dual(sing: &str, case: Case) -> String {
    let stem = sing
        .strip_suffix('ة')
        .map(|s| format!("{s}ت"))
        .unwrap_or_else(|| sing.to_string());
    let ending = if case == Case::Nom { "ان" } else { "ين" };
    format!("{stem}{ending}")
}

/// Whether a singular takes the regular dual by adding its ending: not one ending in a
/// long vowel or a hamza after one (`مستشفى`، `صحراء`), whose dual changes the stem.
fn regular_dual(sing: &str) -> bool {
    !sing.ends_with(['ى', 'ا', 'ي', 'و', 'ء']) && sing.chars().count() >= 2
}

/// Whether `c` is an Arabic letter (the tatweel counts: it stretches a word).
pub(super) fn is_arabic_letter(c: char) -> bool {
    ('\u{621}'..='\u{64A}').contains(&c) || c == '\u{640}'
}

/// The Arabic letters (and tatweels) at the end of `s`, glued to what follows: their
/// length in bytes, and the prefix they spell without the tatweel (`والـ` → `وال`).
fn glued_letters(s: &str) -> (usize, String) {
    let len: usize = s
        .chars()
        .rev()
        .take_while(|&c| is_arabic_letter(c))
        .map(char::len_utf8)
        .sum();
    let prefix = s[s.len() - len..]
        .chars()
        .filter(|&c| c != '\u{640}')
        .collect();
    (len, prefix)
}

/// The marks after which a new clause (or phrase) starts: sentence and clause punctuation,
/// an opening bracket, a line break.
const CLAUSE_MARKS: [char; 10] = ['.', '!', '?', '؟', ':', '،', '؛', ',', '(', '\n'];

/// Joins a glued prefix to a word: `ل` + `الخامس` → `للخامس`.
pub(super) fn join_prefix(prefix: &str, word: &str) -> String {
    if let (Some(p), true) = (prefix.strip_suffix("ال"), word.starts_with("ال")) {
        // `الـ3` read as an ordinal or hour already carries its article.
        return join_prefix(p, word);
    }
    if prefix.ends_with('ل') && word.starts_with("ال") {
        format!("{prefix}{}", &word["ا".len()..])
    } else {
        format!("{prefix}{word}")
    }
}

/// `n` read in `form` with the article on every part: `الأربع والعشرين`.
pub(super) fn definite_cardinal(n: u64, form: Form) -> String {
    // The article takes the tanween away, and with it the accusative's alef:
    // `يقارب الألف والأربعمئة`, never `الألفا`.
    let case = form.case.without_tanween();
    definite(&cardinal(n, Form { case, ..form }))
}

/// Puts the article on every part of a cardinal: `أربع وعشرين` → `الأربع والعشرين`.
pub(super) fn definite(words: &str) -> String {
    let mut out = String::with_capacity(words.len() + 16);
    for (i, part) in words.split(" و").enumerate() {
        if i > 0 {
            out.push_str(" و");
        }
        out.push_str("ال");
        out.push_str(part);
    }
    out
}

/// Appends a note to a rule (no new allocation when there is room).
pub(super) fn with(mut rule: String, note: &str) -> String {
    rule.push_str(note);
    rule
}

/// Whether Latin letters glued after digits are a unit of measure (`64GB`, `5km`).
fn latin_unit_after(text: &str, end: usize) -> bool {
    let rest = &text[end..];
    let len = rest
        .find(|c: char| !c.is_ascii_alphabetic())
        .unwrap_or(rest.len());
    units().contains_key(&rest[..len])
}

/// Strips a leading و or ف from a word if what remains is longer than one letter.
pub(super) fn strip_conj(w: &str) -> Option<&str> {
    let rest = w.strip_prefix('و').or_else(|| w.strip_prefix('ف'))?;
    (rest.chars().count() >= 2).then_some(rest)
}

/// The role of a context word, also with a leading و/ف.
pub(super) fn role_of(w: &str) -> Option<(Role, &str)> {
    if let Some(r) = role(w) {
        return Some((r, w));
    }
    if let Some(r) = strip_conj(w).and_then(|s| role(s).map(|r| (r, s))) {
        return Some(r);
    }
    // A noun with a glued preposition before an ordinal: `بالمرتبة 2`، `للمرة 100`.
    let bare = w.trim_start_matches(['و', 'ف']);
    let noun = ["بال", "كال", "فال", "وال"]
        .iter()
        .find_map(|p| bare.strip_prefix(p))
        .or_else(|| bare.strip_prefix("لل"))?;
    // Built on the stack: this runs for many words before numbers.
    let mut buf = [0u8; 96];
    let al = "ال".as_bytes();
    let len = al.len() + noun.len();
    if len > buf.len() {
        return None;
    }
    buf[..al.len()].copy_from_slice(al);
    buf[al.len()..len].copy_from_slice(noun.as_bytes());
    let with_article = std::str::from_utf8(&buf[..len]).ok()?;
    match role(with_article)? {
        r @ Role::Ordinal(_) => Some((r, w)),
        _ => None,
    }
}

/// A noun without its glued conjunction, preposition and article: `بالذكرى` → `ذكرى`.
pub(super) fn bare_noun(w: &str) -> &str {
    let w = w
        .strip_prefix('و')
        .or_else(|| w.strip_prefix('ف'))
        .filter(|r| r.chars().count() >= 3)
        .unwrap_or(w);
    for p in ["بال", "كال", "لل", "ال"] {
        if let Some(r) = w.strip_prefix(p).filter(|r| r.chars().count() >= 2) {
            return r;
        }
    }
    w.strip_prefix(['ب', 'ل'])
        .filter(|r| *r == "رقم")
        .unwrap_or(w)
}

/// Pronoun suffixes a noun may carry before an ordinal (`دورته الـ23`، `نسختها الـ5`).
const POSSESSIVES: [&str; 8] = ["هما", "ها", "هم", "هن", "نا", "كم", "ه", "ي"];

/// The gender of a noun carrying a possessive pronoun (`دورته` → دورة, feminine), from
/// the lexicon or, for a stem in ت (the ة before a suffix), feminine.
pub(super) fn possessed_gender(w: &str) -> Option<Gender> {
    let stem = POSSESSIVES
        .iter()
        .find_map(|p| w.strip_suffix(p).filter(|s| s.chars().count() >= 2))?;
    if let Some(t) = stem.strip_suffix('ت') {
        let mut fem = String::with_capacity(t.len() + 2);
        fem.push_str(t);
        fem.push('ة');
        return Some(counted_noun(&fem).map_or(Gender::Fem, |(g, _, _)| g));
    }
    counted_noun(stem).map(|(g, _, _)| g)
}

/// Whether a (cleaned) word is or ends a month name; `فبراير/شباط` counts.
pub(super) fn is_month_word(w: &str) -> bool {
    w.split('/').any(|p| months().contains_key(p))
}

/// Whether a noun in `num` can be the counted noun of `n`: 3–10 take a plural, 11–99 a
/// singular, 2 a dual or singular. A year followed by a plural (`2015 أزمات`) is not
/// counting it.
pub(super) fn fits(n: u64, num: Number) -> bool {
    let r = n % 100;
    match num {
        Number::Plural => (3..=10).contains(&r),
        Number::Dual => n == 2,
        Number::Singular => !(3..=10).contains(&r),
    }
}

/// For 11–99 a masculine singular must be written in the accusative (`عاما`, not
/// `عام`); a number that does not show it is no count of that noun (`1991 قمة` aside,
/// this keeps years from agreeing with a following noun).
pub(super) fn shows_case(n: u64, f: &(Gender, Number, &'static str), written: &str) -> bool {
    let r = n % 100;
    if !(11..=99).contains(&r) || f.1 != Number::Singular || f.0 != Gender::Masc {
        return true;
    }
    let w = lexicon::undiacritize(written);
    w.ends_with('ا') || w.ends_with('ة') || w.ends_with('ى') || w.ends_with('ء') || w.ends_with('و')
}

/// Whether the raw text of a token's digits holds one of `seps` (the comma or ر of a
/// decimal, which no identifier uses).
pub(super) fn c_raw_has<const N: usize>(
    text: &str,
    ctx: &Ctx,
    end: usize,
    seps: [char; N],
) -> bool {
    text.get(ctx.digits..end).is_some_and(|r| r.contains(seps))
}

/// Parses ASCII digits (at most 15) to a number.
pub(super) fn value(d: &str) -> Option<u64> {
    if d.is_empty() || d.len() > 15 {
        return None;
    }
    d.parse::<u64>().ok().filter(|&n| n < LIMIT)
}

/// A unit or currency symbol written after a scale word at `pos` (`3 ملايين ر.س`، `1.5
/// مليون $`): the word, its unit and the class it gives the amount.
fn unit_symbol_after(text: &str, pos: usize) -> Option<(Next<'_>, &'static Unit, Class)> {
    let a = next_word(text, pos).filter(|a| !a.broken && !a.glued)?;
    let u = units().get(a.word).filter(|u| u.after)?;
    let class = if u.kind == lexicon::UnitKind::Money {
        Class::Money
    } else {
        Class::Measure
    };
    Some((a, u, class))
}

/// What opens a clause (see `Reader::clause_start`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opener {
    /// The text's start, a punctuation mark or a lone و.
    Start,
    /// إنّ or one of its sisters, whose noun follows.
    Inna,
}

/// The walker over one text.
pub struct Reader<'a> {
    pub(super) text: &'a str,
    pub(super) out: String,
    pub(super) tokens: Vec<Token>,
    pub(super) copied: usize,
    pub(super) last: Option<Last>,
    pub(super) sport: Option<bool>,
    /// The run of Latin address characters measured last, for the letters inside it.
    pub(super) latin_run: Option<crate::normalize::latin::LatinRun>,
}

impl<'a> Reader<'a> {
    /// A reader for `text`.
    pub fn new(text: &'a str) -> Self {
        Reader {
            text,
            out: String::with_capacity(text.len() + text.len() / 2),
            tokens: Vec::new(),
            copied: 0,
            last: None,
            sport: None,
            latin_run: None,
        }
    }

    /// Reads the whole text.
    pub fn run(mut self) -> Spoken {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let is_digit = b.is_ascii_digit()
                || (b == 0xD9 && bytes.get(i + 1).is_some_and(|n| (0xA0..=0xA9).contains(n)))
                || (b == 0xDB && bytes.get(i + 1).is_some_and(|n| (0xB0..=0xB9).contains(n)));
            if is_digit
                && i >= self.copied
                && bytes
                    .get(i.wrapping_sub(1))
                    .is_none_or(|p| !p.is_ascii_alphanumeric())
            {
                if let Some(r) = self.latin_term_at(i) {
                    i = r.end.max(i + 1);
                    self.emit(r);
                    continue;
                }
            }
            if is_digit {
                let r = self.number(i);
                i = r.end.max(i + 1);
                self.emit(r);
                continue;
            }
            if (b == b'-' || (b == 0xE2 && bytes.get(i + 1..i + 3) == Some(&[0x80, 0x93])))
                && i >= self.copied
            {
                if let Some(r) = self.spaced_dash(i) {
                    i = r.end.max(i + 1);
                    self.emit(r);
                    continue;
                }
            }
            if i >= self.copied
                && b.is_ascii_alphabetic()
                && (i == 0 || !bytes[i - 1].is_ascii_alphabetic())
            {
                if let Some(r) = self.latin(i) {
                    i = r.end.max(i + 1);
                    self.emit(r);
                    continue;
                }
            }
            // A word starting `ذ` (D8 B0): `في ذو الحجة` is said `في ذي الحجة`. Tested at
            // the space before it: Arabic letters start with D8 or D9 so often that a test
            // on every D8 byte would slow the whole walk.
            if b == b' '
                && bytes.get(i + 1) == Some(&0xD8)
                && bytes.get(i + 2) == Some(&0xB0)
                && i + 1 >= self.copied
            {
                if let Some(r) = self.dhu(i + 1) {
                    i = r.end;
                    self.emit(r);
                    continue;
                }
            }
            // A compound name written joined (`عبدالله`، `وعبدالله`): tested at the space
            // before a word starting ع or وع, as `ذو` is.
            let name_at = match b {
                b' ' if bytes.get(i + 1..i + 3) == Some(&[0xD8, 0xB9]) => Some(i + 1),
                b' ' if bytes.get(i + 1..i + 5) == Some(&[0xD9, 0x88, 0xD8, 0xB9]) => Some(i + 1),
                0xD8 if i == 0 && bytes.get(1) == Some(&0xB9) => Some(0),
                _ => None,
            };
            if let Some(at) = name_at.filter(|&at| at >= self.copied) {
                if let Some(r) = self.joined_name(at) {
                    i = r.end;
                    self.emit(r);
                    continue;
                }
            }
            if matches!(b, b'/' | b'(' | b'-') && i >= self.copied {
                if let Some(r) = self.wire(i) {
                    i = r.end.max(i + 1);
                    self.emit(r);
                    continue;
                }
            }
            if (b == b'.' || b == b'/') && i >= self.copied {
                if let Some(r) = self.word_token(i) {
                    i = r.end.max(i + 1);
                    self.emit(r);
                    continue;
                }
            }
            if i >= self.copied && matches!(b, b'&' | b'+' | b'=' | b'%' | b'/' | 0xC2 | 0xC3) {
                if let Some(r) = self.symbol(i) {
                    i = r.end.max(i + 1);
                    self.emit(r);
                    continue;
                }
            }
            i += 1;
        }
        // Every digit started a token above, so the rest holds none.
        self.out.push_str(&text[self.copied..]);
        Spoken {
            text: self.out,
            tokens: self.tokens,
        }
    }

    /// Copies the text up to a token, then the token's words, and records it.
    pub(super) fn emit(&mut self, r: Read) {
        let start = r.start.max(self.copied);
        self.out.push_str(&self.text[self.copied..start]);
        // `زاد1%`، `وقالj`: a token glued to the word before is read apart from it.
        if start > 0
            && self.text[..start].ends_with(|c: char| c.is_alphabetic() && c != '\u{640}')
            && r.spoken.starts_with(|c: char| c.is_alphabetic())
        {
            self.out.push(' ');
        }
        self.out.push_str(&r.spoken);
        self.copied = r.end.max(start);
        // `2000تلميذ`: a word glued after the token is a word of its own.
        let glued_after = self.text[self.copied..]
            .chars()
            .next()
            .is_some_and(|c| is_arabic_letter(c) && c != '\u{640}' || c.is_ascii_alphabetic());
        if glued_after && r.spoken.ends_with(|c: char| c.is_alphabetic()) {
            self.out.push(' ');
        }
        let guess = r
            .guess
            .or_else(|| r.rule.contains("(fallback)").then_some(Guess::NounGender));
        self.tokens.push(Token {
            span: start..self.copied,
            class: r.class,
            spoken: r.spoken,
            rule: r.rule,
            guess,
            case: r.case,
            gender: r.gender,
        });
    }

    /// A symbol standing alone (`&`, `×`, `+`, `=`, `%`, `°`, `/`): the word it stands for,
    /// so that no symbol reaches the voice.
    pub(super) fn symbol(&mut self, i: usize) -> Option<Read> {
        let text = self.text;
        let c = text[i..].chars().next()?;
        let spoken = match c {
            '&' => "و",
            '×' => "في",
            '+' => "زائد",
            // `الدولار = 3.75 ريال`: an exchange rate or a result.
            '=' if text[i + 1..].starts_with(' ') => "يساوي",
            '%' => "بالمئة",
            '°' => "درجة",
            '/' => "",
            _ => return None,
        };
        let end = i + c.len_utf8();
        // `%30`، `+216`: a symbol before digits is read with the number.
        if text[end..].starts_with(|d: char| digit(d).is_some()) && c != '/' && c != '×' {
            return None;
        }
        let before = text[..i].ends_with(char::is_whitespace) || i == 0;
        let after = text[end..].starts_with(char::is_whitespace) || end == text.len();
        let mut s = String::new();
        if !before && !spoken.is_empty() {
            s.push(' ');
        }
        s.push_str(spoken);
        if !after && !spoken.is_empty() || (!before && !after && spoken.is_empty()) {
            s.push(' ');
        }
        Some(Read::new(i, end, Class::Symbol, s, format!("symbol {c}")))
    }

    /// Whether the sentence talks about sport (so `3-1` is a score).
    pub(super) fn sporty(&mut self) -> bool {
        if let Some(s) = self.sport {
            return s;
        }
        // A draw (`تعادلا`، `وتعادلت`) is only said of a match.
        let s = self.text.split_whitespace().any(|w| {
            let w = scan::clean(w).1;
            let bare = strip_conj(w).unwrap_or(w);
            lexicon::is_sport(w) || lexicon::is_sport(bare) || bare.starts_with("تعادل")
        });
        self.sport = Some(s);
        s
    }

    /// Reads the number starting at byte `p` with its prefix and context.
    pub(super) fn number(&mut self, p: usize) -> Read {
        let text = self.text;
        let mut c = self.number_core(p);
        let mut ctx = self.token_context(p, c.end);
        // After a telephone word the digits are a number to dial, not a quantity; the
        // word is looked up once here for the whole token.
        ctx.phone = self.after_phone_word(ctx.start);
        if ctx.phone {
            c = scan::core_with(text, p, false);
        }
        self.bracketed_after_prefix(&mut c, &mut ctx, p);
        self.bracketed(&mut c, &mut ctx);
        let inferred = c.inferred;
        let phone = self
            .spaced_phone(&ctx)
            .or_else(|| self.trailing_plus_code(&c, &ctx));
        let mut r = match phone {
            Some(phone) => phone,
            None => self.dispatch(&c, &ctx),
        };
        if inferred {
            r.read.guess = Some(Guess::DecimalStyle);
        }
        if r.read.guess.is_none()
            && r.read.rule.starts_with(DEFAULT_OBLIQUE)
            && words_show_case(&r.read.spoken)
            && self.case_open(r.read.start)
        {
            r.read.guess = Some(Guess::Case);
        }
        self.last = Some(Last {
            end: r.end,
            case: r.case,
            class: r.read.class,
            gender: r.read.gender,
        });
        r.read
    }

    /// The digits of the number starting at `p` and their separators, with the spaced
    /// forms the press also writes.
    fn number_core(&self, p: usize) -> Core {
        let text = self.text;
        let mut c = scan::core(text, p);
        if c.groups.len() <= 2 && c.groups.iter().all(|g| g.frac.is_none()) {
            // `26 / 9 / 1436`، `08-08- 1984`: separators with spaces.
            if let Some(sp) = scan::spaced(text, p).filter(|sp| sp.groups.len() > c.groups.len()) {
                c = sp;
            }
        }
        if c.groups.len() == 1 && c.groups[0].frac.is_none() && c.groups[0].int.len() <= 3 {
            if let Some((f, e)) = scan::spaced_comma_decimal(text, c.end) {
                c.groups[0].frac = Some(f);
                c.end = e;
            }
        }
        self.dot_thousands_before_count(&mut c, p);
        c
    }

    /// The token around the digits at `p` (up to `end`): its glued prefix, the sign or
    /// symbol before it, and whether letters glued to it make it a code.
    fn token_context(&self, p: usize, end: usize) -> Ctx {
        let text = self.text;
        // The word holding the digits, looked back for a window at most.
        let lo = scan::window_before(text, p);
        let word_start = scan::last_space(&text[lo..p])
            .map_or(lo, |(k, len)| lo + k + len)
            .max(self.copied);
        let lead = &text[word_start..p];
        // Split the lead: opening punctuation, then symbol/sign, then glued letters.
        let (letters_len, prefix) = glued_letters(lead);
        let prefix_raw = &lead[lead.len() - letters_len..];
        let before_prefix = &lead[..lead.len() - letters_len];
        let mut ctx = Ctx {
            start: p - letters_len,
            prefix,
            neg: false,
            plus: false,
            unit_before: None,
            percent_before: false,
            mixed: false,
            digits: p,
            phone: false,
            split: false,
        };
        if !prefix_raw.is_empty() && !PREFIXES.contains(&ctx.prefix.as_str()) {
            if ctx.prefix.chars().count() >= 2 && before_prefix.is_empty() {
                // `زاد1%`، `فبراير2010`: a word glued to the digits is a word of its own.
                ctx.split = true;
                ctx.prefix.clear();
                ctx.start = p;
            } else {
                ctx.mixed = true;
            }
        }
        let open = before_prefix.trim_start_matches(is_opening);
        if letters_len == 0 && !open.is_empty() {
            self.sign_or_symbol_before(&mut ctx, open, p);
        } else if letters_len == 0 {
            // A currency symbol standing alone before: `$ 50`.
            if let Some((ws, w)) = prev_word(text, p) {
                if ws >= self.copied && text[ws..p].trim() == w {
                    if let Some(u) = units()
                        .get(w)
                        .filter(|u| u.before && !w.chars().any(is_arabic_letter))
                    {
                        ctx.unit_before = Some(u);
                        ctx.start = ws;
                    }
                }
            }
        } else if before_prefix
            .trim_start_matches(is_opening)
            .chars()
            .any(char::is_alphanumeric)
        {
            ctx.mixed = true;
        }
        // A glued Latin letter after the digits also makes a code (`5G`, `3D`).
        if text[end..]
            .chars()
            .next()
            .is_some_and(|ch| ch.is_ascii_alphabetic())
            && !latin_unit_after(text, end)
        {
            ctx.mixed = true;
        }
        self.prefix_apart(&mut ctx, p);
        ctx
    }

    /// `و$1`، `و%30`، `-5`، `+216`: the prefix letters and the sign or symbol written
    /// before the digits at `p` (`open`, the lead after any opening punctuation).
    fn sign_or_symbol_before(&self, ctx: &mut Ctx, open: &str, p: usize) {
        let text = self.text;
        // [prefix letters][symbol or sign] before the digits: `و$1`، `و%30`، `-5`.
        let open_start = p - open.len();
        let found = open.char_indices().find(|&(k, _)| is_symbol(&open[k..]));
        match found {
            Some((k, _)) => {
                let head: String = open[..k].chars().filter(|&c| c != '\u{640}').collect();
                let sym = &open[k..];
                if head.is_empty() || PREFIXES.contains(&head.as_str()) {
                    ctx.prefix = head;
                    ctx.start = open_start;
                    match sym {
                        "%" | "٪" => ctx.percent_before = true,
                        "+" if open_start > 0
                            && text[..open_start].ends_with(|c: char| digit(c).is_some()) =>
                        {
                            // `90+2`: an addition, not a telephone prefix.
                            ctx.prefix = " زائد ".into();
                        }
                        "+" => ctx.plus = true,
                        // `E-12734`، `GBU-43`: a hyphen in a model number.
                        // `13°E -11054 H`: after Latin text a dash separates.
                        "-" | "−" => {
                            ctx.neg = ctx.prefix.is_empty()
                                && !text[..open_start]
                                    .ends_with(|c: char| c.is_ascii_alphanumeric())
                                && !text[..open_start]
                                    .trim_end()
                                    .ends_with(|c: char| c.is_ascii_alphabetic())
                        }
                        _ => ctx.unit_before = units().get(sym),
                    }
                    if (sym == "-" || sym == "−") && !ctx.prefix.is_empty() {
                        ctx.mixed = true;
                    }
                } else {
                    ctx.mixed = true;
                }
            }
            None => {
                if open.chars().any(char::is_alphanumeric) {
                    ctx.mixed = true;
                }
            }
        }
    }

    /// A token with letters glued to it starts at its digits (the letters stay as
    /// written); a token with none takes a prefix written apart (`الـ 35`).
    fn prefix_apart(&self, ctx: &mut Ctx, p: usize) {
        let text = self.text;
        if ctx.mixed {
            // The letters stay as written; a hyphen joining them to the digits is read
            // as a pause (`كوفيد-19` → `كوفيد تسعة عشر`).
            ctx.start = if text[..p].ends_with('-') { p - 1 } else { p };
        } else if ctx.prefix.is_empty() && ctx.start == p {
            // `الـ 35`، `بـ 250`، `ولـ 3` written apart (the command line has removed the
            // tatweel by now; a library caller may not have): the prefix still belongs to
            // the number. A lone `ب`، `ل` or `ك` is never a word.
            if let Some((ws, w)) = prev_word(text, p) {
                let raw = text[ws..p].trim_end();
                let bare = raw.trim_end_matches('\u{640}');
                let apart = matches!(
                    bare,
                    "ال" | "ب" | "ل" | "ك" | "وب" | "ول" | "وك" | "فب" | "فل"
                );
                if ws >= self.copied && apart && bare == w {
                    ctx.prefix = bare.to_string();
                    ctx.start = ws;
                }
            }
        }
    }

    /// `الـ(13) من أغسطس`، `بالـ(5)`: a house style of the Saudi papers brackets a number
    /// after the article or a glued preposition. It is read as `الـ13`, the brackets taken
    /// into the token; before, the glued letters made it a code (`ال( ثلاثة عشر)`).
    fn bracketed_after_prefix(&self, c: &mut Core, ctx: &mut Ctx, p: usize) {
        let text = self.text;
        let Some(head) = text[..p].strip_suffix('(') else {
            return;
        };
        if c.groups.len() != 1 || !text[c.end..].starts_with(')') {
            return;
        }
        let (letters, prefix) = glued_letters(head);
        let start = head.len() - letters;
        let opens_word = head[..start]
            .chars()
            .next_back()
            .is_none_or(|ch| ch.is_whitespace() || is_opening(ch));
        if letters == 0
            || start < self.copied
            || !opens_word
            || !PREFIXES.contains(&prefix.as_str())
        {
            return;
        }
        ctx.prefix = prefix;
        ctx.start = start;
        ctx.mixed = false;
        ctx.split = false;
        c.end += ')'.len_utf8();
    }

    /// `(85) كبسولة`، `( 21 ) شوال`: brackets around a lone number are a house style;
    /// the number is read with what follows them, the brackets taken into the token.
    fn bracketed(&self, c: &mut Core, ctx: &mut Ctx) {
        let text = self.text;
        if c.groups.len() != 1 || ctx.mixed || !ctx.prefix.is_empty() {
            return;
        }
        let head = text[..ctx.start].trim_end_matches([' ', '\u{a0}']);
        let tail = &text[c.end..];
        let tail_t = tail.trim_start_matches([' ', '\u{a0}']);
        let pair = [('(', ')'), ('«', '»'), ('"', '"'), ('“', '”')]
            .into_iter()
            .find(|(o, cl)| head.ends_with(*o) && tail_t.starts_with(*cl));
        if let Some((o, cl)) = pair {
            let open = head.len() - o.len_utf8();
            if open >= self.copied {
                ctx.start = open;
                c.end = text.len() - tail_t.len() + cl.len_utf8();
            }
        }
    }

    /// Sends a numeric token to its class by the shape of its separators.
    pub(super) fn dispatch(&mut self, c: &Core, ctx: &Ctx) -> Outcome {
        if let Some(o) = self.zero_score(c, ctx).or_else(|| self.bare_score(c, ctx)) {
            return o;
        }
        if let Some(o) = self.spaced_score(c, ctx) {
            return o;
        }
        if let Some(o) = self.hour_letter(c, ctx) {
            return o;
        }
        if ctx.mixed {
            return self.identifier(c, ctx);
        }
        let n = c.groups.len();
        let seps: String = c.seps.iter().collect();
        let outcome = match (n, seps.as_str()) {
            (1, _) => return self.single(&c.groups[0], c.end, ctx),
            (2, ":") | (3, "::") => self.clock(c, ctx),
            (4, ":-:") | (4, ":–:") => self.clock_span(c, ctx),
            (3, "//") | (3, "--") | (3, "––") => self.numeric_date(c, ctx),
            (2, "/") => self.slash(c, ctx),
            (2, ".") | (2, "٫") => self.dotted(c, ctx),
            (2, "-") | (2, "–") => self.dash(c, ctx),
            _ => None,
        };
        outcome.unwrap_or_else(|| self.identifier(c, ctx))
    }

    /// The case and role the context gives a number: its glued prefix decides first,
    /// then the number it is listed or coordinated with, then the punctuation that sets
    /// it off, then the word before it.
    pub(super) fn context(&self, ctx: &Ctx) -> Decision {
        self.by_prefix(ctx)
            .or_else(|| self.by_number_before(ctx))
            .or_else(|| self.by_punctuation_before(ctx))
            .unwrap_or_else(|| self.by_word_before(ctx))
    }

    /// `بـ5`، `لـ20`، `و كـ3`: a glued preposition governs the number.
    fn by_prefix(&self, ctx: &Ctx) -> Option<Decision> {
        let p = ctx.prefix.as_str();
        let bare = p.trim_start_matches(['و', 'ف']);
        bare.starts_with(['ب', 'ل', 'ك'])
            .then(|| (Case::Obl, None, format!("prefix {p} → oblique")))
    }

    /// A number listed or coordinated with the number read just before it takes that
    /// number's case (and its role, for years, ordinals and days); after a clock time and
    /// `إلى` it ends a span of hours.
    fn by_number_before(&self, ctx: &Ctx) -> Option<Decision> {
        let text = self.text;
        let p = ctx.prefix.as_str();
        let l = self.last.filter(|l| l.end <= ctx.start)?;
        let between = &text[l.end..ctx.start];
        let adjacent = between.trim().is_empty();
        // `من الساعة 8 إلى 18`، `من 9 صباحا حتى 5`: the end of a span of hours.
        let to = matches!(between.trim(), "إلى" | "الى" | "حتى" | "-" | "–");
        let own_noun = || {
            next_word(text, scan::digits_end(text, ctx.digits))
                .is_some_and(|x| !x.broken && lexicon::is_known_noun(x.word))
        };
        if l.class == Class::Time && to && !own_noun() {
            return Some((
                Case::Obl,
                Some(Role::Time),
                "the end of a span of hours".into(),
            ));
        }
        // `و49` glued, or `و 49` typed apart (common in Maghreb papers).
        let conj = p.starts_with(['و', 'ف'])
            || between.trim() == "و"
            || between.trim_end().ends_with(" و");
        // `1949 و1989`: a year coordinated with a year; `200 جندي و2000 شخص`:
        // a number coordinated past its counted noun keeps the case.
        // `أيام 3، 10، 17`، `الدقائق 3، 16`: a list of ordinals or days with commas.
        let comma = matches!(between.trim(), "،" | "," | "، و" | ", و" | "،و" | ",و");
        if comma && !own_noun() {
            match (l.class, l.gender) {
                (Class::Ordinal, Some(g)) => {
                    return Some((
                        l.case,
                        Some(Role::Ordinal(g)),
                        "listed after an ordinal".into(),
                    ))
                }
                (Class::Date, _) => {
                    return Some((
                        l.case,
                        Some(Role::Day),
                        "listed after a day of the month".into(),
                    ))
                }
                _ => {}
            }
        }
        if conj && (adjacent || between.trim() == "و") {
            // `الدقيقتين 23 و67`، `المادتان 5 و7`: a member coordinated with an
            // ordinal is the next ordinal of the same noun.
            let role = match (l.class, l.gender) {
                (Class::Year, _) => Some(Role::Year),
                // But `المادة 5 و3 فقرات` counts a noun of its own.
                (Class::Ordinal, Some(g)) if !own_noun() => Some(Role::Ordinal(g)),
                _ => None,
            };
            return Some((l.case, role, "coordinated with the number before".into()));
        }
        // (Counted only after a conjunction: the gap since the last number may be long.)
        if conj
            && between.split_whitespace().nth(2).is_none()
            && !between.contains(|c: char| scan::is_punct(c) || c == '،')
        {
            return Some((l.case, None, "coordinated with the number before".into()));
        }
        None
    }

    /// An age set off by commas and a number opening a bracket stand in an inserted
    /// clause, governed by nothing before them.
    fn by_punctuation_before(&self, ctx: &Ctx) -> Option<Decision> {
        let text = self.text;
        // `سيرينا، 35 عاما، …`: an age set off by commas is an inserted clause too (the
        // same as in brackets); only an age, since a list (`3 قتلى، 5 جرحى`) is not.
        if text[..ctx.start]
            .trim_end_matches([' ', '\u{a0}'])
            .ends_with(['،', ','])
        {
            let age = next_word(text, scan::digits_end(text, ctx.digits)).is_some_and(|x| {
                !x.broken
                    && matches!(x.word, "عاما" | "سنة")
                    && text[x.end..]
                        .trim_start_matches([' ', '\u{a0}'])
                        .starts_with(['،', ','])
            });
            if age {
                return Some((
                    Case::Nom,
                    None,
                    "an age set off by commas → nominative".into(),
                ));
            }
        }
        // `(45 عاما)`: a number opening a bracket is governed by nothing before it (an
        // inserted clause: its subject or predicate). A date there is read as before,
        // in apposition to what it dates.
        if text[..ctx.start]
            .trim_end_matches([' ', '\u{a0}'])
            .ends_with(['(', '['])
            && self
                .month_after(scan::digits_end(text, ctx.digits))
                .is_none()
        {
            return Some((
                Case::Nom,
                None,
                "bare number opening a bracket → nominative".into(),
            ));
        }
        None
    }

    /// The word before the number (looked past an adverb), or the sentence start, or a
    /// label's colon.
    fn by_word_before(&self, ctx: &Ctx) -> Decision {
        let text = self.text;
        let Some((ws, w)) = prev_word(text, ctx.start) else {
            return (
                Case::Nom,
                None,
                "sentence start → subject, nominative".into(),
            );
        };
        // `ينتفع حاليا 4269 شخصا`: an adverb between decides nothing; look past it.
        // (Every listed adverb ends in its tanween alif or is كذلك: tested before the lookup.)
        let adverb = (w.ends_with('ا') || w == "كذلك") && lexicon::is_adverb(w);
        let (ws, w) = if adverb && !text[ws..ctx.start].contains(['،', ',']) {
            prev_word(text, ws).unwrap_or((ws, w))
        } else {
            (ws, w)
        };
        let raw_prev = text[ws..ctx.start].trim_end();
        // `التردد: 12264`: a value after a label and a colon is its predicate.
        if raw_prev.ends_with(':') && role_of(w).is_none() {
            return (
                Case::Nom,
                None,
                "value after a label and a colon → predicate, nominative".into(),
            );
        }
        if raw_prev.ends_with(['.', '!', '?', '؟'])
            && !raw_prev.ends_with("..")
            && abbrev::lookup(raw_prev).is_none()
        {
            return (
                Case::Nom,
                None,
                "sentence start → subject, nominative".into(),
            );
        }
        if is_month_word(w) {
            return (
                Case::Obl,
                Some(Role::Year),
                format!("after month {w} → year"),
            );
        }
        let first = prev_word(text, ws).map(|(_, w2)| w2.rsplit('/').next().unwrap_or(w2));
        if let Some(first) =
            first.filter(|f| matches!(*f, "كانون" | "تشرين" | "ربيع" | "جمادى" | "ذو" | "ذي"))
        {
            let pair = format!("{first} {w}");
            if months().contains_key(pair.as_str()) {
                return (
                    Case::Obl,
                    Some(Role::Year),
                    format!("after month {pair} → year"),
                );
            }
        }
        // `لهذا العام، 4 فئات`: a comma closes the year word's phrase.
        if raw_prev.ends_with(['،', ',']) && role_of(w).is_some_and(|(r, _)| r == Role::Year) {
            return (
                Case::Obl,
                None,
                format!("no deciding word before (a comma after {w}) → default oblique"),
            );
        }
        self.by_role(ws, w)
    }

    /// What the word `w` (starting at `ws`) before a number says by its role in the
    /// lexicon: a preposition, a verb, a subject marker, an ordinal's head …; a word
    /// without one leaves it to the verb before its phrase.
    fn by_role(&self, ws: usize, w: &str) -> Decision {
        let text = self.text;
        match role_of(w) {
            // `من قتل 25`: after a preposition the word is a verbal noun, not a verb.
            // But `أن يشارك 60 بلدا`: after أن، لن، كي the word is a verb.
            Some((Role::Nominative, v))
                if prev_word(text, ws).is_some_and(|(_, w2)| {
                    !matches!(
                        strip_conj(w2).unwrap_or(w2),
                        "أن" | "لن" | "كي" | "لكي" | "لم"
                    ) && role_of(w2).is_some_and(|(r, _)| r == Role::Oblique)
                }) =>
            {
                (
                    Case::Obl,
                    Some(Role::Oblique),
                    format!("verbal noun {v} after a preposition → oblique"),
                )
            }
            Some((Role::Nominative, v)) => (
                Case::Nom,
                Some(Role::Nominative),
                format!("verb {v} → subject, nominative"),
            ),
            // `ولديه 3 أطفال`: a postponed subject; but `حجزت لديهما 40 صفيحة`: after a verb
            // لدى and عند only say where, and the number is the verb's object.
            Some((Role::Subject, v))
                if (v.starts_with("لدي") || v.starts_with("عند"))
                    && w == v
                    && self.clause_start(ws).is_none() =>
            {
                self.verb_before_phrase(ws, w)
            }
            // `ويبلغ إجمالي عدد الغرف فيه 138 غرفة`: the place closes the subject of a verb
            // taking the number as its object.
            Some((Role::Subject, v)) => match self.object_verb_before(ws) {
                Some(verb) => (
                    Case::Acc,
                    Some(Role::Object),
                    format!("after {verb}, its subject and {v} → object, accusative"),
                ),
                None => (
                    Case::Nom,
                    Some(Role::Nominative),
                    format!("{v} → postponed subject, nominative"),
                ),
            },
            Some((Role::Kana, v)) => (
                Case::Nom,
                Some(Role::Nominative),
                format!("{v} → subject of كان or a sister, nominative"),
            ),
            // `بقرض قدره 20 مليون`، `بما مجموعه 45`: the predicate of the noun; but
            // `بلغ عددهم 45`، `كان قدره 20`: the noun is a verb's subject, the number its
            // object or كان's predicate.
            Some((Role::Predicate, v)) => {
                // `ليبلغ عددهم`، `لتصل قيمتها`: the subjunctive's ل before the verb.
                let verb = prev_word(text, ws).is_some_and(|(_, w2)| {
                    let bare = w2.trim_start_matches(['و', 'ف']);
                    [Some(w2), bare.strip_prefix('ل')]
                        .into_iter()
                        .flatten()
                        .any(|w| {
                            role_of(w).is_some_and(|(r, _)| {
                                matches!(r, Role::Nominative | Role::Object | Role::Kana)
                            })
                        })
                });
                if verb {
                    (
                        Case::Acc,
                        Some(Role::Object),
                        format!("{v} is a verb's subject → the number its object, accusative"),
                    )
                } else {
                    (
                        Case::Nom,
                        Some(Role::Nominative),
                        format!("{v} → predicate, nominative"),
                    )
                }
            }
            // `السبت 8`، `وصل الأحد 20 لاعبا`: a day word marks a day of the month, but
            // decides no case; the words before it do.
            Some((Role::Day, v)) => {
                let (case, _, why) = self.verb_before_phrase(ws, w);
                (
                    case,
                    Some(Role::Day),
                    format!("{why}; after the day word {v}"),
                )
            }
            Some((r, v)) => {
                let what = match r {
                    Role::Oblique => "preposition or genitive word",
                    Role::Year => "year word",
                    Role::Time => "clock word",
                    Role::Ordinal(_) => "ordinal head",
                    Role::Nominative => "verb",
                    Role::Phone => "telephone word",
                    Role::Document => "document noun",
                    Role::Day => "day word",
                    Role::Object => "verb taking the number as object (accusative)",
                    Role::Subject | Role::Predicate | Role::Kana => "subject marker",
                };
                // `(الفصل 25)`، `ينص الفصل 61`، `الدورة 23 تنطلق غدا`: an ordinal's head
                // opening a bracket, following a verb or opening the sentence (a
                // headline's subject) is nominative, and its ordinal agrees with it.
                let head_nom = || {
                    let before = text[..ws].trim_end_matches([' ', '\u{a0}']);
                    text[ws..].starts_with('(')
                        || before.ends_with(['(', '.', ':', '!', '?', '؟'])
                        || before.is_empty()
                        || prev_word(text, ws).is_some_and(|(_, v0)| {
                            role_of(v0).is_some_and(|(r0, _)| {
                                matches!(r0, Role::Nominative | Role::Kana | Role::Subject)
                            })
                        })
                };
                if matches!(r, Role::Ordinal(_)) && head_nom() {
                    return (
                        Case::Nom,
                        Some(r),
                        format!("{what} {v} opening a bracket → nominative"),
                    );
                }
                if r == Role::Object {
                    return (Case::Acc, Some(r), format!("{what} {v} → accusative"));
                }
                (Case::Obl, Some(r), format!("{what} {v} → oblique"))
            }
            None => self.verb_before_phrase(ws, w),
        }
    }

    /// Whether the case of a number starting at `start` is open to doubt: the word
    /// before is definite (a definite noun heads no idafa: `عدد القتلى 45` is a
    /// predicate) or not a noun rawi knows (it may be a verb). After an indefinite noun
    /// the number is its genitive (`بقيمة 20`), no guess.
    fn case_open(&self, start: usize) -> bool {
        let Some((_, w)) = prev_word(self.text, start) else {
            return false;
        };
        let bare = strip_conj(w).unwrap_or(w);
        if bare.starts_with("ال") || w.starts_with("ال") {
            return true;
        }
        !(is_known_noun(w) || is_known_noun(bare) || bare.ends_with('ة') || bare.ends_with("ات"))
    }

    /// A verb taking a number as its object (`بلغ`، `تضم`) a few words before `ws` in the
    /// same clause, with only nouns between (its subject): looked for behind a place word
    /// (`فيه`) that would otherwise make the number a postponed subject.
    fn object_verb_before(&self, ws: usize) -> Option<&'a str> {
        let text = self.text;
        let mut at = ws;
        for nouns in 0..5 {
            let (s, w) = prev_word(text, at)?;
            // (A closing bracket ends the phrase too.)
            if text[s..at].contains(CLAUSE_MARKS) || text[s..at].contains(')') {
                return None;
            }
            // The subject ends in a definite noun (`عدد الغرف فيه`); an indefinite one is
            // the verb's object, and the place opens a clause of its own (`تضم عشر فرق
            // فيها 200 مشارك`).
            if nouns == 0 && !strip_conj(w).unwrap_or(w).starts_with("ال") {
                return None;
            }
            match role_of(w).map(|(r, _)| r) {
                Some(Role::Object) if nouns > 0 => return Some(w),
                // A noun of a total heads the subject (`نسبة النجاح`، `عدد الغرف`).
                Some(Role::Oblique) if lexicon::is_total_noun(w) => at = s,
                None if w.chars().all(is_arabic_letter) => at = s,
                _ => return None,
            }
        }
        None
    }

    /// The case of a number after a word `w` (starting at `ws`) that decides nothing
    /// itself: a verb may stand before it with its object or a prepositional phrase
    /// between (`حضر الاجتماع 45 وزيرا`، `أصيب في الحادث 45 شخصا`), making the number the
    /// postponed subject; else the broadcast default, oblique.
    fn verb_before_phrase(&self, ws: usize, w: &str) -> Decision {
        let text = self.text;
        let default = || (Case::Obl, None, DEFAULT_OBLIQUE.to_string());
        let definite = w.starts_with("ال") || strip_conj(w).is_some_and(|b| b.starts_with("ال"));
        // Each word before is looked up once: this runs for most numbers.
        let Some((ws2, w2)) = prev_word(text, ws) else {
            return match self.nominal_clause(ws, w, None) {
                Some(why) => (Case::Nom, Some(Role::Nominative), why),
                None => default(),
            };
        };
        let r2 = role_of(w2).map(|(r, _)| r);
        let third = || prev_word(text, ws2).map(|(_, w3)| (w3, role_of(w3).map(|(r, _)| r)));
        // `كان عدد القتلى 45`، `بلغ حجم الاستثمار 20 مليارا`: the phrase before is the
        // subject of كان or of a verb taking an object; the number is the predicate or
        // the object, accusative.
        if definite {
            // A noun of a total is genitive-taking before a number (`نسبة 20`) but here
            // heads the subject (`كانت نسبة المشاركة 62`): look past it too.
            let total = r2 == Some(Role::Oblique) && lexicon::is_total_noun(w2);
            let governing = match r2 {
                Some(r @ (Role::Kana | Role::Object)) => Some((w2, r)),
                _ if total || r2.is_none() => match third() {
                    Some((w3, Some(r @ (Role::Kana | Role::Object)))) => Some((w3, r)),
                    _ => None,
                },
                _ => None,
            };
            if let Some((v, r)) = governing {
                let what = if r == Role::Kana {
                    "predicate"
                } else {
                    "object"
                };
                return (
                    Case::Acc,
                    Some(Role::Object),
                    format!("after {v} and its subject → {what}, accusative"),
                );
            }
        }
        // The object between: only after a verb whose object usually comes first. A
        // noun carrying a pronoun is as definite (`راح ضحيته 12 شخصا`); looked up last.
        if r2 == Some(Role::Nominative) {
            let vos = lexicon::is_vos(w2) || strip_conj(w2).is_some_and(lexicon::is_vos);
            if vos && (definite || possessed_gender(w).is_some()) {
                return (
                    Case::Nom,
                    Some(Role::Nominative),
                    format!("verb {w2} with its object first → postponed subject, nominative"),
                );
            }
        }
        // A prepositional phrase between a verb and its subject.
        if r2 == Some(Role::Oblique) {
            // (`يوجد في المدينة 12 مستشفى`، `كان في القاعة 40 شخصا`: also after a verb of
            // being, whose subject follows the place.)
            // The place must be a definite noun: `تكون في حدود 30 درجة` is كان's predicate.
            let place = definite || possessed_gender(w).is_some();
            let verb = |r: Option<Role>| match r {
                Some(Role::Nominative) => true,
                Some(Role::Subject | Role::Kana) => place,
                _ => false,
            };
            if let Some((w3, _)) = third().filter(|(_, r3)| verb(*r3)) {
                return (
                    Case::Nom,
                    Some(Role::Nominative),
                    format!("verb {w3}, then {w2} {w} → postponed subject, nominative"),
                );
            }
            // `يبلغ من العمر 51 عاما`، `بلغت في الربع الأول 21 مليونا`: a verb taking the
            // number as its object, then a prepositional phrase.
            if let Some((w3, _)) = third().filter(|(_, r3)| *r3 == Some(Role::Object)) {
                return (
                    Case::Acc,
                    Some(Role::Object),
                    format!("verb {w3}, then {w2} {w} → object, accusative"),
                );
            }
        }
        if let Some(why) = self.nominal_clause(ws, w, Some((ws2, w2))) {
            return (Case::Nom, Some(Role::Nominative), why);
        }
        default()
    }

    /// A number in a clause with no verb, as its predicate or postponed subject:
    /// `المجموع 250 مشاركا`، `إن عدد الضحايا 30 شخصا` (the predicate, nominative also after
    /// إنّ), `وفي القائمة 25 اسما` (a fronted place, then the subject). `w` and `w2` are
    /// the two words before the number, starting at `ws` and `ws2` (`before`; none at the
    /// text's start).
    fn nominal_clause(&self, ws: usize, w: &str, before: Option<(usize, &str)>) -> Option<String> {
        let bare = strip_conj(w).unwrap_or(w);
        let definite = bare.starts_with("ال");
        if bare.strip_prefix("ال").is_some_and(lexicon::is_total_noun)
            && self.clause_start(ws).is_some()
        {
            return Some(format!(
                "{w} opening a clause → the number its predicate, nominative"
            ));
        }
        let (ws2, w2) = before?;
        let bare2 = strip_conj(w2).unwrap_or(w2);
        // The clause's opening is looked for last: this runs for most numbers.
        let total = definite && lexicon::is_total_noun(bare2);
        let place = definite && lexicon::is_place_preposition(bare2);
        if !(total || place) {
            return None;
        }
        let opener = self.clause_start(ws2)?;
        if total {
            return Some(format!(
                "{w2} {w} opening a clause{} → the number its predicate, nominative",
                if opener == Opener::Inna {
                    " after إنّ"
                } else {
                    ""
                }
            ));
        }
        if opener == Opener::Start {
            return Some(format!(
                "{w2} {w} fronted → the number a postponed subject, nominative"
            ));
        }
        None
    }

    /// What opens the clause that starts at `pos`, if one does: the text's start or a
    /// punctuation mark, a lone و، or إنّ and its sisters.
    fn clause_start(&self, pos: usize) -> Option<Opener> {
        let head = self.text[..pos].trim_end_matches([' ', '\u{a0}']);
        if head.is_empty() || head.ends_with(CLAUSE_MARKS) {
            return Some(Opener::Start);
        }
        let (_, w) = prev_word(self.text, pos)?;
        if head.ends_with(w) && matches!(w, "و" | "ف") {
            return Some(Opener::Start);
        }
        let bare = strip_conj(w).unwrap_or(w);
        matches!(
            bare,
            "إن" | "أن" | "لأن" | "بأن" | "لكن" | "لكنّ" | "إنّ" | "أنّ"
        )
        .then_some(Opener::Inna)
    }

    /// Reads one number (with a fraction part maybe) in its context: the readings of
    /// [`Reader::READINGS`] are tried in their order, and a number none of them takes
    /// is a cardinal agreeing with its counted noun.
    pub(super) fn single(&mut self, g: &Group, core_end: usize, ctx: &Ctx) -> Outcome {
        let s = self.single_context(g, core_end, ctx);
        for read in Self::READINGS {
            if let Some(o) = read(self, &s) {
                return o;
            }
        }
        self.read_cardinal(&s)
    }

    /// The readings a lone number may have, most particular first: the first that takes
    /// the number reads it. The order matters: a percent sign outweighs every word before,
    /// a reference word outweighs a counted noun, an era mark outweighs a year word.
    const READINGS: [Reading<'a>; 20] = [
        Self::read_percent,
        Self::read_press_time,
        Self::read_dotted_time,
        Self::read_padded_day,
        Self::read_reference,
        Self::read_dialled,
        Self::read_unit_before,
        Self::read_too_long,
        Self::read_knockout_round,
        Self::read_hour,
        Self::read_era_year,
        Self::read_year,
        Self::read_day,
        Self::read_day_of_month,
        Self::read_definite_after_plural,
        Self::read_definite_count,
        Self::read_ordinal,
        Self::read_unit_after,
        Self::read_scale,
        Self::read_decimal,
    ];

    /// What the words around a lone number decide before any reading is tried: its case
    /// and role from the word before, its value, and the word after.
    fn single_context<'c>(&self, g: &'c Group, core_end: usize, ctx: &'c Ctx) -> Single<'c, 'a> {
        let (mut case, role, mut rule) = self.context(ctx);
        if ctx.neg {
            // `سالب` governs the number in the genitive: `سالب عشرين`.
            case = Case::Obl;
            rule.push_str("; after سالب → genitive");
        }
        let n = value(&g.int);
        let next = next_word(self.text, core_end);
        // `حتى 5 مساء`، `نحو 11 ليلا`: a whole number before a period of the day is an hour.
        let free = matches!(role, None | Some(Role::Oblique | Role::Object));
        // (Not `20 صباح اليوم`: a period in construct dates the sentence, and a number
        // above 12 is no hour said with a period.)
        let role = if free
            && g.frac.is_none()
            && n.is_some_and(|n| (1..=12).contains(&n))
            && next.is_some_and(|x| {
                !x.glued && !x.broken && time::period_word(x.word) && x.word != "صباح"
            }) {
            rule.push_str("; period of the day after: an hour");
            Some(Role::Time)
        } else {
            role
        };
        // `الرقم 431 لعدد المقبوض عليهم`: a word after says the number counts. Only a
        // noun of a total or a measure says so: `بالرقم 937 للاستفسار` is a line to call.
        let counts = next.is_some_and(|x| {
            !x.glued
                && x.word
                    .strip_prefix("لل")
                    .or_else(|| x.word.strip_prefix('ل'))
                    .is_some_and(lexicon::is_total_noun)
        });
        Single {
            g,
            core_end,
            ctx,
            case,
            role,
            rule,
            n,
            whole: g.frac.is_none(),
            next,
            counts,
            sign: if ctx.neg { "سالب " } else { "" },
        }
    }

    /// Too long for a number: digit by digit. Every reading after this one has a value.
    fn read_too_long(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        if s.n.is_some() {
            return None;
        }
        let spoken = digits::read_groups(std::iter::once(s.g.int.as_str()), false);
        let rule = "too long: digit by digit".into();
        Some(s.done(Class::Identifier, spoken, s.core_end, rule))
    }

    /// `الساعات الـ24`، `المنتخبات الـ16`: a definite number after a plural is a definite
    /// cardinal describing the noun, not an ordinal.
    fn read_definite_after_plural(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let n =
            s.n.filter(|&n| s.whole && n > 2 && s.ctx.prefix.contains("ال"))?;
        let (gd, sing) = self.plural_before(s.ctx.start)?;
        // The number describes the noun and takes its case, which a sound masculine plural
        // shows (`اللاعبون الـ23` → الثلاثة والعشرون).
        let noun_nom = prev_word(self.text, s.ctx.start).is_some_and(|(_, w)| {
            w.starts_with("ال") && w.ends_with("ون") && w.chars().count() >= 6
        });
        let case = if noun_nom { Case::Nom } else { s.case };
        let form = Form {
            gender: gd,
            case,
            construct: false,
        };
        let spoken = definite_cardinal(n, form);
        let prefix = s.ctx.prefix.replacen("ال", "", 1);
        let rule = format!(
            "{}; definite number after the plural of {sing} ({})",
            s.rule,
            gd.label()
        );
        let mut o = Outcome::new(
            s.ctx.start,
            s.core_end,
            case,
            Class::Cardinal,
            join_prefix(&prefix, &spoken),
            rule,
        );
        o.read.gender = Some(gd);
        Some(o)
    }

    /// `خلال الـ24 ساعة الماضية`: a definite number counting the noun after it, not an
    /// ordinal: every part takes the article (`الأربع والعشرين ساعة`).
    fn read_definite_count(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let n = s.n.filter(|_| s.whole && s.ctx.prefix.contains("ال"))?;
        let (Some((nx, (gd, num, _))), true) = self.counted_after(s.core_end, n) else {
            return None;
        };
        // Only a noun the lexicon knows: `الذكرى الـ75 للنكبة` is an ordinal.
        if num == Number::Dual || n <= 2 || !is_known_noun(nx.word) {
            return None;
        }
        let form = Form {
            gender: gd,
            case: s.case,
            construct: num == Number::Singular,
        };
        let spoken = definite_cardinal(n, form);
        let prefix = s.ctx.prefix.replacen("ال", "", 1);
        let rule = format!(
            "{}; definite number counting {} ({})",
            s.rule,
            nx.word,
            gd.label()
        );
        Some(Outcome::new(
            s.ctx.start,
            s.core_end,
            s.case,
            Class::Cardinal,
            join_prefix(&prefix, &spoken),
            rule,
        ))
    }

    /// A scale word after a whole number (`5 ملايين`): read as one number, with the unit
    /// symbol after it as its noun (`3 ملايين ر.س`).
    fn read_scale(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let text = self.text;
        let (x, scale) = s.scale_after()?;
        let total =
            s.n.filter(|_| s.whole)?
                .checked_mul(scale)
                .filter(|&t| t < LIMIT)?;
        let after = next_word(text, x.end);
        // The scale word is in construct with a noun after it (`ألف متفرج`): a known
        // noun, or any Arabic word that is not a particle.
        let noun_follows = after.is_some_and(|a| {
            !a.broken
                && !a.glued
                && (is_known_noun(a.word)
                    || units().contains_key(a.word)
                    || (a.word.chars().all(is_arabic_letter)
                        && !is_particle(a.word)
                        && !x.word.ends_with('ا')))
        });
        let form = Form {
            gender: Gender::Masc,
            case: s.case,
            construct: noun_follows,
        };
        // `فاقت الـ174 مليون`: a definite amount takes the article on every part.
        let words = if s.ctx.prefix.ends_with("ال") {
            definite_cardinal(total, form)
        } else {
            cardinal(total, form)
        };
        let spoken = format!("{}{words}", s.sign);
        // `3 ملايين ر.س`، `5 آلاف كم`: a unit symbol after the scale word is its genitive
        // noun.
        if let Some((a, u, class)) = unit_symbol_after(text, x.end) {
            let rule = format!("{}; with scale word {} and unit {}", s.rule, x.word, a.word);
            return Some(s.done(class, format!("{spoken} {}", u.forms.singular), a.end, rule));
        }
        let rule = format!("{}; with scale word {}", s.rule, x.word);
        Some(s.done(Class::Cardinal, spoken, x.end, rule))
    }

    /// A decimal, or two days joined by a comma (`أيام 15،14 و16 أكتوبر`).
    fn read_decimal(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        if s.whole {
            return None;
        }
        if let Some(o) = self.comma_days(s.g, s.core_end, s.ctx, s.case, &s.rule) {
            return Some(o);
        }
        let spoken = format!("{}{}", s.sign, self.plain(s.g, Form::masc(s.case)));
        // `1.5 مليون $`: the unit symbol after the scale word is its genitive noun.
        if let Some((x, _)) = s.scale_after() {
            if let Some((a, u, class)) = unit_symbol_after(self.text, x.end) {
                let spoken = format!("{spoken} {} {}", x.word, u.forms.singular);
                let rule = s.noted("; decimal with scale word and unit");
                return Some(s.done(class, spoken, a.end, rule));
            }
        }
        Some(s.done(Class::Decimal, spoken, s.core_end, s.noted("; decimal")))
    }

    /// A whole number no other reading took: a cardinal whose gender the counted noun
    /// after it decides (or a number coordinated with one), in construct with a singular
    /// noun right after it; one and two go after or into their noun.
    fn read_cardinal(&mut self, s: &Single<'_, 'a>) -> Outcome {
        // Every reading before took a number without a value, and a decimal.
        let n = s.n.unwrap_or_default();
        let ctx = s.ctx;
        let mut rule = s.rule.clone();
        // `02 أميال`: two is never said before a plural; the dual of its singular says
        // both (`ميلين`), where the lexicon knows the noun and its singular takes the
        // regular dual.
        let plural_after = s
            .next
            .filter(|x| n == 2 && !ctx.neg && !x.broken && !x.glued && is_known_noun(x.word));
        if let Some((x, (_, Number::Plural, sing))) =
            plural_after.and_then(|x| Some((x, counted_noun(x.word)?)))
        {
            if regular_dual(sing) {
                let class = if lexicon::is_currency(sing) {
                    Class::Money
                } else {
                    Class::Cardinal
                };
                let rule = format!("{rule}; 2 before the plural {}: the dual of {sing}", x.word);
                return s.done(class, dual(sing, s.case), x.end, rule);
            }
        }
        let (noun, adjacent) = self.counted_after(s.core_end, n);
        let mut gender = Gender::Masc;
        let mut construct = false;
        let mut class = Class::Cardinal;
        if let Some((nx, (gd, num, sing))) = noun {
            gender = gd;
            rule.push_str(&format!("; noun {} → {sing} ({})", nx.word, gd.label()));
            if lexicon::is_currency(sing) {
                class = Class::Money;
            }
            if adjacent && num == Number::Dual && n == 2 && !ctx.neg {
                // `2 هجومين`: the dual says the number already.
                let rule = with(rule, "; 2 with a dual noun: the noun alone");
                return s.done(class, nx.word.to_string(), nx.end, rule);
            }
            if adjacent && num == Number::Singular && !ctx.neg {
                construct = true;
                if n == 1 && nx.word == sing {
                    let one = if gd == Gender::Fem {
                        "واحدة"
                    } else {
                        "واحد"
                    };
                    let spoken = format!("{sing} {one}");
                    return s.done(class, spoken, nx.end, with(rule, "; 1 follows its noun"));
                }
                if n == 2 && nx.word == sing {
                    let rule = with(rule, "; 2 is the dual of its noun");
                    return s.done(class, dual(sing, s.case), nx.end, rule);
                }
            }
        } else if let Some(g) = self.coordinated_gender(ctx) {
            // `بـ5 ميداليات ذهبية و3 فضية`: the noun counted before is understood.
            gender = g;
            rule.push_str(&format!(
                "; coordinated with a number counting a {} noun → that gender",
                g.label()
            ));
        } else if let Some(g) = self.elided_gender(ctx, s.core_end, n) {
            gender = g;
            rule.push_str(&format!(
                "; no noun of its own in a sentence counting a {} noun → that gender",
                g.label()
            ));
        } else {
            rule.push_str("; no counted noun → masculine");
        }
        let form = Form {
            gender,
            case: s.case,
            construct,
        };
        let mut o = s.done(
            class,
            format!("{}{}", s.sign, cardinal(n, form)),
            s.core_end,
            rule,
        );
        o.read.gender = Some(gender);
        o
    }

    /// `أيام 15،14 و16 أكتوبر`، `يوم 18,17 أو 19 مارس`: two days joined by a comma look
    /// like a decimal; before a month (or a list of days ending in one) they are days.
    fn comma_days(
        &self,
        g: &Group,
        core_end: usize,
        ctx: &Ctx,
        case: Case,
        rule: &str,
    ) -> Option<Outcome> {
        let frac = g.frac.as_deref()?;
        let comma = self.text[ctx.digits..core_end].contains(['،', ',']);
        let day = |d: &str| value(d).filter(|&v| (1..=31).contains(&v) && !d.starts_with('0'));
        let (a, b) = (day(&g.int)?, day(frac)?);
        if !comma || ctx.neg {
            return None;
        }
        let first = ordinal::ordinal(a, Gender::Masc, case);
        let (second, end) = match self.day_before_month(b, case, core_end) {
            Some(pair) => pair,
            None if self.day_list_reaches_month(core_end) => {
                (ordinal::ordinal(b, Gender::Masc, case), core_end)
            }
            None => return None,
        };
        let mut o = Outcome::prefixed(
            ctx,
            end,
            case,
            Class::Date,
            &format!("{first} و{second}"),
            format!("{rule}; two days joined by a comma before a month"),
        );
        o.read.gender = Some(Gender::Masc);
        Some(o)
    }

    /// The gender of the noun counted by the number this one is coordinated with
    /// (`و3` a few words after `5 ميداليات`), when nothing but that noun and its
    /// adjectives stands between them.
    fn coordinated_gender(&self, ctx: &Ctx) -> Option<Gender> {
        let l = self
            .last
            .filter(|l| l.end <= ctx.start && l.class == Class::Cardinal)?;
        let between = &self.text[l.end..ctx.start];
        let conj = ctx.prefix.starts_with(['و', 'ف'])
            || between.trim() == "و"
            || between.trim_end().ends_with(" و");
        if !conj {
            return None;
        }
        let close = between.split_whitespace().nth(3).is_none()
            && !between.contains(|c: char| scan::is_punct(c) || c == '،');
        // `و3 فضية`، `و3 في المستشفى`: nothing after it that could be a noun of its own.
        let understood =
            next_word(self.text, scan::digits_end(self.text, ctx.digits)).is_none_or(|x| {
                x.broken || is_particle(x.word) || lexicon::leaves_noun_understood(x.word)
            });
        if close && understood {
            l.gender
        } else {
            None
        }
    }

    /// `بين 16 و20 درجة وتكون في حدود 12 بالمرتفعات`: a number `n` ending at `end` followed
    /// by a preposition's place rather than a noun of its own counts the noun the number
    /// before it counted, in the same sentence and a few words back: a feminine noun there
    /// makes it feminine.
    fn elided_gender(&self, ctx: &Ctx, end: usize, n: u64) -> Option<Gender> {
        let l = self
            .last
            .filter(|l| l.end <= ctx.start && l.class == Class::Cardinal)?;
        let between = &self.text[l.end..ctx.start];
        if between.contains(['.', '!', '?', '؟', '؛', ':', '\n'])
            || between.split_whitespace().nth(8).is_some()
        {
            return None;
        }
        // A counted noun takes no preposition: a place or time after one (`بالمرتفعات`،
        // `بالجنوب`) leaves the noun understood; `بالمائة` makes it a percentage.
        let place_after = next_word(self.text, end).is_some_and(|x| {
            let bare = strip_conj(x.word).unwrap_or(x.word);
            !x.broken
                && !x.glued
                && ["بال", "لل", "كال"].iter().any(|p| bare.starts_with(p))
                && !bare.starts_with("بالمائة")
                && !bare.starts_with("بالمئة")
        });
        // Only a feminine noun says anything (masculine is the default already), and a
        // year counts nothing.
        (place_after && n < 1000 && l.gender == Some(Gender::Fem)).then_some(Gender::Fem)
    }

    /// The counted noun after a number at `end`, looking past a coordinated number
    /// (`5 و10 سنوات`, `3 إلى 7 أيام`). Returns it and whether it follows directly.
    #[allow(clippy::type_complexity)]
    pub(super) fn counted_after(
        &self,
        end: usize,
        n: u64,
    ) -> (Option<(Next<'a>, (Gender, Number, &'static str))>, bool) {
        let text = self.text;
        let Some(mut x) = next_word(text, end) else {
            return (None, false);
        };
        let spaced_dash = !x.glued
            && x.word.is_empty()
            && matches!(
                text[end..scan::window_after(text, scan::window_after(text, end))]
                    .split_whitespace()
                    .next(),
                Some("-" | "–")
            );
        if spaced_dash {
            // `20 - 30 شخصا`: look at the number after the dash.
            match next_word(text, x.end) {
                Some(n) if n.word.chars().next().and_then(digit).is_some() => {
                    x = Next {
                        word: "إلى", ..n
                    };
                    x.end = x.start;
                }
                _ => return (None, false),
            }
        }
        // A glued Arabic word is a noun of its own (`2000تلميذ`); other glued text is not.
        let glued_word =
            x.glued && x.word.starts_with(is_arabic_letter) && !x.word.starts_with('\u{640}');
        if x.broken || (x.glued && !glued_word) {
            return (None, false);
        }
        // `مقابل 2756 سنة 2018`: a year word before another number introduces that
        // year; it is not what the first number counts.
        let names_year = || {
            role(x.word) == Some(Role::Year)
                && next_word(text, x.end)
                    .is_some_and(|y| !y.broken && y.word.starts_with(|c: char| digit(c).is_some()))
        };
        // A year is never counting a noun rawi only guesses (`في 2016 خاصة`).
        let year_like = (1900..=2100).contains(&n);
        if let Some(found) = counted_noun(x.word).filter(|f| {
            fits(n, f.1) && shows_case(n, f, x.word) && !(year_like && f.2.contains("fallback"))
        }) {
            if names_year() {
                return (None, false);
            }
            return (Some((x, found)), true);
        }
        // `ب10 سنة`: a slip of the pen (the singular after 3–10); the feminine noun still
        // decides the number's gender, which a listener hears (`بعشر سنة`, not `بعشرة`).
        if let Some(found) = counted_noun(x.word).filter(|f| {
            (3..=10).contains(&(n % 100))
                && f.0 == Gender::Fem
                && f.1 == Number::Singular
                && lexicon::is_slip_singular(x.word)
        }) {
            if !names_year() {
                return (Some((x, found)), false);
            }
        }
        // Coordinated number: و10 …, or إلى 7 …
        let connector = matches!(x.word, "و" | "إلى" | "الى" | "أو" | "حتى");
        let glued_num = x
            .word
            .strip_prefix('و')
            .is_some_and(|r| r.chars().next().and_then(digit).is_some());
        if glued_num || connector {
            let num_word = if glued_num {
                Some(x)
            } else {
                next_word(text, x.end)
            };
            if let Some(nw) = num_word.filter(|nw| nw.word.chars().any(|c| digit(c).is_some())) {
                // The noun must fit the second number: `5 و15 سنة`, `3 إلى 7 أيام`.
                let digits: String = nw
                    .word
                    .chars()
                    .skip_while(|c| digit(*c).is_none())
                    .map_while(digit)
                    .map(|d| (b'0' + d) as char)
                    .collect();
                let m = value(&digits).unwrap_or(0);
                let raw_end = scan::word_end(text, nw.start);
                if let Some(y) = next_word(text, raw_end).filter(|y| !y.broken && !y.glued) {
                    // (A year counts no noun rawi only guesses: `2014 و 2015 إضافة`.)
                    let guessed_for_year = |f: &(Gender, Number, &str)| {
                        f.2.contains("fallback")
                            && ((1900..=2100).contains(&m) || (1900..=2100).contains(&n))
                    };
                    if let Some(found) =
                        counted_noun(y.word).filter(|f| fits(m, f.1) && !guessed_for_year(f))
                    {
                        return (Some((y, found)), false);
                    }
                }
            }
        }
        (None, false)
    }

    /// `تسجيل 1.200 حالة`، `شارك 2.500 شخص`، `2.500 دولار`: the Levantine and Egyptian
    /// press group thousands with a dot. One dot before exactly three digits is a
    /// thousands group when the noun after it is counted one by one (a count has no
    /// fraction) or is a currency counted in hundredths; not before a measure, a scale
    /// word or the dinar (`1.200 دينار` is a dinar and 200 millimes). The scanner cannot
    /// tell; the noun after can.
    fn dot_thousands_before_count(&self, c: &mut Core, p: usize) {
        let [g] = c.groups.as_mut_slice() else {
            return;
        };
        let Some(f) = g.frac.as_deref() else {
            return;
        };
        let raw = &self.text[p..c.end];
        if f.len() != 3
            || !(1..=3).contains(&g.int.len())
            || g.int.starts_with(['0', '٠', '۰'])
            || raw.matches('.').count() != 1
        {
            return;
        }
        let Some(x) = next_word(self.text, c.end).filter(|x| !x.broken) else {
            return;
        };
        let counted = || {
            counted_noun(x.word)
                .is_some_and(|(_, num, how)| num == Number::Singular && !how.contains("fallback"))
                && units().get(x.word).is_none()
                && scale_word(x.word).is_none()
        };
        let thousands = match lexicon::unit_noun(x.word) {
            Some(hundredths) => hundredths,
            None => counted(),
        };
        if thousands {
            let frac = g.frac.take().unwrap_or_default();
            g.int.push_str(&frac);
        }
    }

    /// Whether one of the two words before `pos` is a telephone word (`هاتف المكتب`).
    pub(super) fn after_phone_word(&self, pos: usize) -> bool {
        let is_phone = |w: &str| {
            role(w) == Some(Role::Phone) || strip_conj(w).and_then(role) == Some(Role::Phone)
        };
        match prev_word(self.text, pos) {
            Some((ws, w)) => {
                // Two words back only for a telephone noun, not `الرقم` (`الرقم القياسي`),
                // and only across a definite word that says whose line it is (`هاتف
                // المكتب`): across a name the number is a model (`هاتف نوكيا 3310`).
                is_phone(w)
                    || (w.starts_with("ال")
                        && prev_word(self.text, ws)
                            .is_some_and(|(_, w2)| is_phone(w2) && !w2.contains("رقم")))
            }
            None => false,
        }
    }

    /// Gender of the noun before an `الـN` ordinal.
    pub(super) fn gender_before(&self, start: usize) -> Gender {
        let mut before = start;
        // `الـ 35` written apart: skip that word.
        if let Some((ws, w)) = prev_word(self.text, start) {
            if w.is_empty() || w == "ال" {
                before = ws;
            }
        }
        prev_word(self.text, before)
            .and_then(|(_, w)| {
                let w = bare_noun(w);
                counted_noun(w)
                    .map(|(g, _, _)| g)
                    .or_else(|| possessed_gender(w))
            })
            .unwrap_or(Gender::Masc)
    }

    /// The noun right before an `الـN` token when it is a plural (`الساعات`): its
    /// singular's gender and the singular.
    pub(super) fn plural_before(&self, start: usize) -> Option<(Gender, &'static str)> {
        let (at, w) = prev_word(self.text, start)?;
        if !w.starts_with("ال") && !w.contains("ال") {
            return None;
        }
        // `المراكز الانتخابية الـ85`: a broken plural of things takes its adjective in the
        // feminine singular; the number describes the noun before the adjective. Not
        // when that noun is the second term after a singular (`بطولة المنتخبات العربية
        // الـ13` is the thirteenth championship).
        let w = match prev_word(self.text, at) {
            Some((n_at, n))
                if w.starts_with("ال")
                    && w.ends_with("ية")
                    && n.starts_with("ال")
                    && is_known_noun(bare_noun(n))
                    && matches!(counted_noun(bare_noun(n)), Some((_, Number::Plural, _)))
                    && !prev_word(self.text, n_at).is_some_and(|(_, h)| {
                        matches!(counted_noun(h), Some((_, Number::Singular, _)))
                    }) =>
            {
                n
            }
            _ => w,
        };
        let bare = bare_noun(w);
        match counted_noun(bare) {
            // Before a number above two a form in ـين is the plural, not the dual.
            Some((g, Number::Plural | Number::Dual, sing)) if is_known_noun(bare) => {
                Some((g, sing))
            }
            Some(_) => None,
            // `المرشحين الـ18`، `المشاركون الـ40`: a sound masculine plural the lexicon
            // lacks is still a plural of persons, masculine.
            None if w.starts_with("ال")
                && (bare.ends_with("ين") || bare.ends_with("ون"))
                && bare.chars().count() >= 5 =>
            {
                Some((Gender::Masc, "ـون/ـين (plural by shape)"))
            }
            None => None,
        }
    }

    /// A number in words without noun: whole or decimal, masculine.
    pub(super) fn plain(&self, g: &Group, form: Form) -> String {
        match &g.frac {
            Some(f) => decimal::decimal(&g.int, f, form.case),
            None => decimal::whole_digits(&g.int, form),
        }
    }
}

/// What a number token's surroundings say before it is read.
#[derive(Clone)]
pub(super) struct Ctx {
    pub(super) start: usize,
    pub(super) prefix: String,
    pub(super) neg: bool,
    pub(super) plus: bool,
    pub(super) unit_before: Option<&'static Unit>,
    pub(super) percent_before: bool,
    pub(super) mixed: bool,
    pub(super) digits: usize,
    pub(super) phone: bool,
    /// The digits are glued to a word that is not a prefix (`زاد1%`): read apart.
    pub(super) split: bool,
}

/// One of the readings [`Reader::single`] tries on a lone number: it reads the number,
/// or leaves it to the next.
type Reading<'a> = fn(&mut Reader<'a>, &Single<'_, 'a>) -> Option<Outcome>;

/// A lone number being read by [`Reader::single`]: its digits, its token and what the
/// words around it decided before any reading was tried.
pub(super) struct Single<'c, 'a> {
    /// The number's digits: the whole part and the fraction, if any.
    pub(super) g: &'c Group,
    /// Where the digits end.
    pub(super) core_end: usize,
    /// The token: its prefix, sign and the symbols around it.
    pub(super) ctx: &'c Ctx,
    /// The case the word before decided.
    pub(super) case: Case,
    /// What the word before says the number is.
    pub(super) role: Option<Role>,
    /// How the case and role were decided, for `--explain`.
    pub(super) rule: String,
    /// The whole part's value, when it is not too long for a number.
    pub(super) n: Option<u64>,
    /// Whether the number has no fraction part.
    pub(super) whole: bool,
    /// The word after the digits.
    pub(super) next: Option<Next<'a>>,
    /// Whether the word after says the number counts (`لعدد …`), so it is no reference.
    pub(super) counts: bool,
    /// `سالب ` before a negative number's words.
    pub(super) sign: &'static str,
}

impl<'a> Single<'_, 'a> {
    /// The scale word written apart right after the digits (`174 مليون`), with its value.
    pub(super) fn scale_after(&self) -> Option<(Next<'a>, u64)> {
        let x = self.next.filter(|x| !x.glued && !x.broken)?;
        Some((x, scale_word(x.word)?))
    }

    /// The number read as `class` up to `end`, in the decided case, with the token's
    /// prefix given back to the spoken words.
    pub(super) fn done(&self, class: Class, spoken: String, end: usize, rule: String) -> Outcome {
        Outcome::prefixed(self.ctx, end, self.case, class, &spoken, rule)
    }

    /// The rule so far with one more note.
    pub(super) fn noted(&self, note: &str) -> String {
        with(self.rule.clone(), note)
    }
}

/// Where the digits of a token start (after its prefix and symbols).
pub(super) fn c_digits_start(ctx: &Ctx) -> usize {
    ctx.digits
}

/// A token read, with the end of what it consumed and its case (for coordination).
pub(super) struct Outcome {
    pub(super) end: usize,
    pub(super) case: Case,
    pub(super) read: Read,
}

impl Outcome {
    /// A token read from the context's start (its glued prefix included) to `end`: the
    /// spoken words get the prefix back (`و`، `ب`، `ال` …).
    pub(super) fn prefixed(
        ctx: &Ctx,
        end: usize,
        case: Case,
        class: Class,
        spoken: &str,
        rule: String,
    ) -> Outcome {
        Outcome::new(
            ctx.start,
            end,
            case,
            class,
            join_prefix(&ctx.prefix, spoken),
            rule,
        )
    }

    /// A token read from `start` to `end` (byte offsets) as `class`, in `case`.
    pub(super) fn new(
        start: usize,
        end: usize,
        case: Case,
        class: Class,
        spoken: String,
        rule: String,
    ) -> Outcome {
        Outcome {
            end,
            case,
            read: Read {
                start,
                end,
                class,
                spoken,
                rule,
                guess: None,
                case: Some(case),
                gender: None,
            },
        }
    }
}
