//! Telephone numbers and identifiers, read digit by digit.

use super::cardinal::digit_by_digit;
use super::cardinal::{Case, Form};
use super::lexicon::Role;
use super::lexicon::{counted_noun, units};
use super::reader::{
    bare_noun, c_raw_has, join_prefix, role_of, scale_word, Ctx, Outcome, Reader, Single,
};
use super::scan::{digit, digits_at, digits_end, next_word, prev_word, Core};
use super::{decimal, Class, Guess};

/// Whether a digit string is an identifier rather than a quantity: a leading zero on a
/// long string (phones, codes) or more digits than are read as a number.
pub fn is_identifier(digits: &str) -> bool {
    (digits.len() >= 2 && digits.starts_with('0')) || digits.len() > 15
}

/// Reads groups of digits one digit at a time, groups separated by a pause (a comma).
pub fn read_groups<'a>(groups: impl Iterator<Item = &'a str>, plus: bool) -> String {
    let mut out = String::new();
    if plus {
        out.push_str("زائد ");
    }
    for (i, g) in groups.enumerate() {
        if i > 0 {
            out.push_str("، ");
        }
        out.push_str(&digit_by_digit(g));
    }
    out
}

/// Reads a long identifier (an ID, account or record number) the way it is dictated:
/// digit by digit in groups of three, a last group of four rather than a lone digit.
pub fn dial(digits: &str) -> String {
    let n = digits.len();
    if n <= 4 {
        return read_groups(std::iter::once(digits), false);
    }
    let mut cuts = Vec::new();
    let mut i = 0;
    while n - i > 4 {
        cuts.push(&digits[i..i + 3]);
        i += 3;
    }
    cuts.push(&digits[i..]);
    read_groups(cuts.into_iter(), false)
}

/// Reads the parts of a reference number (`43.22`، `12-81`) one after another, each as
/// a bare number, the way a presenter names a law: no فاصل, no range. A part with a
/// leading zero (`04`) is read digit by digit.
pub fn reference<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::new();
    for p in parts {
        if !out.is_empty() {
            out.push(' ');
        }
        if p.len() >= 2 && p.starts_with('0') {
            out.push_str(&digit_by_digit(p));
        } else {
            out.push_str(&decimal::whole_digits(p, Form::masc(Case::Obl)));
        }
    }
    out
}

// The reader's part for this class: finding the token's parts and context in the
// sentence (the functions above only verbalize a parsed value).
impl<'a> Reader<'a> {
    /// Whether the number starting at `start` names a document: after `رقم` (`بالرقم`،
    /// `رقمه`), after a document noun (`القانون 12-81`), or listed after one
    /// (`رقم 17 و19`).
    /// `known` is the role of the word before when the caller already looked it up
    /// (`Some(None)`: it has none), so the walk does not look it up twice.
    pub(super) fn names_reference(&self, start: usize, known: Option<Option<Role>>) -> bool {
        if known == Some(Some(Role::Document)) {
            return true;
        }
        let Some((ws, w)) = prev_word(self.text, start) else {
            return false;
        };
        let bare = bare_noun(w);
        let document = |w: &str| role_of(w).is_some_and(|(r, _)| r == Role::Document);
        if bare == "رقم" || bare == "رقمي" || (known.is_none() && document(w)) {
            return true;
        }
        // `القانون عدد 52` (Tunisia): عدد names the number only after a document noun.
        if w == "عدد" && prev_word(self.text, ws).is_some_and(|(_, d)| document(d)) {
            return true;
        }
        // `رقم 17 و19`: a number listed after a reference number.
        let listed = self.tokens.last().is_some_and(|t| {
            t.class == Class::Identifier
                && t.span.end <= start
                && matches!(self.text[t.span.end..start].trim(), "" | "و" | "،" | ",")
                && t.rule.contains("reference number")
        });
        listed && (ws > 0 || w.is_empty() || w == "و")
    }

    /// Reads every group of a token that fits no class, one after another.
    pub(super) fn identifier(&mut self, c: &Core, ctx: &Ctx) -> Outcome {
        let mut parts = Vec::new();
        for g in &c.groups {
            let mut s = if is_identifier(&g.int) || g.int.len() > 3 && ctx.mixed {
                read_groups(std::iter::once(g.int.as_str()), false)
            } else {
                decimal::whole_digits(&g.int, Form::masc(Case::Nom))
            };
            if let Some(f) = &g.frac {
                s.push_str(" فاصل ");
                s.push_str(&read_groups(std::iter::once(f.as_str()), false));
            }
            parts.push(s);
        }
        let lead = if ctx.mixed
            && ctx.start > 0
            && (self.text[ctx.start..].starts_with('-')
                || !self.text[..ctx.start].ends_with(char::is_whitespace))
        {
            " "
        } else {
            ""
        };
        let trail = if self.text[c.end..].starts_with(|ch: char| ch.is_alphabetic()) {
            " "
        } else {
            ""
        };
        let start = ctx.start;
        let spoken = if ctx.mixed {
            format!("{lead}{}{trail}", parts.join(" "))
        } else {
            join_prefix(&ctx.prefix, &parts.join(" "))
        };
        Outcome::new(
            start,
            c.end,
            Case::Nom,
            Class::Identifier,
            spoken,
            "code or mixed token: bare number or digit by digit".into(),
        )
    }
}

/// The most groups a telephone number is written in (`+1 212 555 01 42` has five): a
/// longer run of spaced numbers is a list or a table, and stopping here keeps a text of
/// many spaced numbers linear to read.
const MAX_PHONE_GROUPS: usize = 6;

/// Where the next group of a number written in spaced groups starts, when one space
/// (or a no-break space) and a digit follow the group ending at `end`.
fn next_group(text: &str, end: usize) -> Option<usize> {
    let after = &text[end..];
    let space = [' ', '\u{a0}']
        .into_iter()
        .find(|&c| after.starts_with(c))?;
    let start = end + space.len_utf8();
    text[start..]
        .starts_with(|c: char| digit(c).is_some())
        .then_some(start)
}

/// Telephone numbers written in groups with spaces: the groups of digits (as ASCII)
/// that follow one another from `start`, each parted from the next by one space, and
/// where the last ends; `None` past [`MAX_PHONE_GROUPS`] groups.
fn spaced_groups(text: &str, start: usize) -> Option<(Vec<String>, usize)> {
    let mut groups = Vec::new();
    let mut pos = start;
    loop {
        if groups.len() == MAX_PHONE_GROUPS {
            return None;
        }
        let (run, end) = digits_at(text, pos);
        groups.push(run);
        match next_group(text, end) {
            Some(next) => pos = next,
            None => return Some((groups, end)),
        }
    }
}

/// The readings of a lone number that belong to this class (see [`Reader::single`]).
impl<'a> Reader<'a> {
    /// `70 103 700 (216+)`: a country code of one to three digits typed right to left, its
    /// plus after the digits, beside a telephone number or after a telephone word: `زائد
    /// اثنان واحد ستة`, never `مئتان وستة عشر زائد`.
    pub(super) fn trailing_plus_code(&self, c: &Core, ctx: &Ctx) -> Option<Outcome> {
        let [g] = c.groups.as_slice() else {
            return None;
        };
        if g.frac.is_some() || !(1..=3).contains(&g.int.len()) || ctx.plus || ctx.neg {
            return None;
        }
        let after = self.text[c.end..].strip_prefix('+')?;
        if !after.is_empty() && !after.starts_with([')', ' ', '\u{a0}', '\n', '،', ',', '.']) {
            return None;
        }
        // Only beside a telephone number or after a telephone word: `(18+)` is an age.
        let beside_phone = self.last.is_some_and(|l| {
            l.class == Class::Telephone
                && l.end <= ctx.start
                && self.text[l.end..ctx.start]
                    .trim_matches([' ', '\u{a0}', '('])
                    .is_empty()
        });
        if !(beside_phone || ctx.phone) {
            return None;
        }
        let spoken = read_groups(std::iter::once(g.int.as_str()), true);
        let rule = "a plus after the digits: a country code typed right to left".into();
        Some(Outcome::prefixed(
            ctx,
            c.end + 1,
            Case::Nom,
            Class::Telephone,
            &spoken,
            rule,
        ))
    }

    /// `81 10 77 77`، `الهاتف 71 341 666`: a telephone number written in groups parted by
    /// spaces, read group by group. Four groups of two digits and more are one anywhere;
    /// after a telephone word or a `+`, two groups of two to four digits and more (a country
    /// code may have one); and the
    /// Tunisian `71 341 666` (two, three and three digits) where no noun or unit after it
    /// makes it a quantity in millions. Read apart, the groups were numbers of their own
    /// (`واحد وثمانون عشرة …`) or a number grouped in thousands.
    pub(super) fn spaced_phone(&self, ctx: &Ctx) -> Option<Outcome> {
        if !ctx.prefix.is_empty() || ctx.neg || ctx.mixed || ctx.unit_before.is_some() {
            return None;
        }
        // Most numbers stand alone: look for a second group before collecting any.
        next_group(self.text, digits_end(self.text, ctx.digits))?;
        let (groups, end) = spaced_groups(self.text, ctx.digits)?;
        let sizes: Vec<usize> = groups.iter().map(String::len).collect();
        let total: usize = sizes.iter().sum();
        let quantity = next_word(self.text, end).is_some_and(|x| {
            !x.broken
                && (counted_noun(x.word).is_some()
                    || units().contains_key(x.word)
                    || scale_word(x.word).is_some())
        });
        let pairs = sizes.len() >= 4 && sizes.iter().all(|&n| n == 2);
        let after_word = (ctx.phone || ctx.plus)
            && sizes.len() >= 2
            && total >= 6
            && sizes
                .iter()
                .enumerate()
                .all(|(i, &n)| (2..=4).contains(&n) || (i == 0 && n == 1));
        let tunisian = sizes == [2, 3, 3];
        if quantity || !(pairs || after_word || tunisian) || total > 15 {
            return None;
        }
        let spoken = read_groups(groups.iter().map(String::as_str), ctx.plus);
        let mut o = Outcome::prefixed(
            ctx,
            end,
            Case::Nom,
            Class::Telephone,
            &spoken,
            "digit groups parted by spaces: a telephone".into(),
        );
        if !(after_word || pairs) {
            o.read.guess = Some(Guess::IdentifierOrQuantity);
        }
        Some(o)
    }

    /// After `رقم`: a reference number, unless what follows says it counts
    /// (`الرقم 431 لعدد المقبوض عليهم`).
    pub(super) fn read_reference(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let (g, ctx) = (s.g, s.ctx);
        if s.counts || ctx.plus || ctx.phone || !self.names_reference(ctx.start, Some(s.role)) {
            return None;
        }
        // `القانون رقم 43.22`، `المرسوم 507.2019`: the dot joins the parts of a number
        // (Moroccan and Algerian laws), it is no decimal point.
        if let Some(f) = &g.frac {
            if c_raw_has(self.text, ctx, s.core_end, ['،', 'ر']) {
                return None;
            }
            let spoken = reference([g.int.as_str(), f.as_str()].into_iter());
            let rule = s.noted("; reference number in parts");
            return Some(s.done(Class::Identifier, spoken, s.core_end, rule));
        }
        if g.int.len() <= 4 && !g.int.starts_with('0') {
            let spoken = decimal::whole_digits(&g.int, Form::masc(Case::Obl));
            let rule = s.noted("; reference number");
            return Some(s.done(Class::Identifier, spoken, s.core_end, rule));
        }
        let spoken = dial(&g.int);
        let rule = "reference number: digits in groups".into();
        Some(s.done(Class::Identifier, spoken, s.core_end, rule))
    }

    /// Numbers to dial: a long run of digits, a telephone grouped with dots, a number
    /// after a telephone word or a `+`, and codes.
    pub(super) fn read_dialled(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let (g, ctx, next, core_end) = (s.g, s.ctx, s.next, s.core_end);
        let text = self.text;
        let raw_digits = &text[ctx.digits..core_end];
        // A long run of digits written without separators is dialled, not counted. Leading
        // zeros (telephones) and runs too long for a number keep their own reading below;
        // a round number (`12000000 طفل`) and a number before its counted noun are
        // quantities.
        let long_run = g.frac.is_none()
            && (8..=15).contains(&g.int.len())
            && !g.int.starts_with('0')
            && !g.int.ends_with("000")
            && !next.is_some_and(|x| !x.broken && counted_noun(x.word).is_some())
            && raw_digits.len() == g.int.len()
            && ctx.unit_before.is_none()
            && !next.is_some_and(|x| scale_word(x.word).is_some() || units().contains_key(x.word));
        // `71.341.666`: a Tunisian telephone number grouped with dots.
        let dotted_phone = raw_digits.len() == 10
            && raw_digits.as_bytes().get(2) == Some(&b'.')
            && raw_digits.as_bytes().get(6) == Some(&b'.')
            && !next.is_some_and(|x| {
                !x.broken
                    && (counted_noun(x.word).is_some()
                        || scale_word(x.word).is_some()
                        || units().contains_key(x.word))
            });
        // Both readings below are guesses between a number to dial and a quantity.
        let dialled = |class, spoken, why: &str| {
            let mut o = s.done(class, spoken, core_end, why.into());
            o.read.guess = Some(Guess::IdentifierOrQuantity);
            o
        };
        if dotted_phone {
            let spoken = read_groups(raw_digits.split('.'), false);
            return Some(dialled(
                Class::Telephone,
                spoken,
                "dotted 2.3.3 digits: a telephone",
            ));
        }
        if long_run && (s.counts || !ctx.phone) && !ctx.plus {
            let spoken = dial(&g.int);
            return Some(dialled(
                Class::Identifier,
                spoken,
                "long digit run: digits in groups",
            ));
        }
        // Telephones and codes.
        // A glued و lists a second number (`رقم 17 و19`), never a telephone's next group.
        let coord_phone = ctx.prefix.is_empty()
            && self.last.is_some_and(|l| {
                (l.class == Class::Telephone || (l.class == Class::Identifier && g.int.len() >= 2))
                    && l.end <= ctx.start
                    && text[l.end..ctx.start].trim().is_empty()
            });
        let dial = ctx.phone && g.int.len() >= 3 && !s.counts;
        // `و05 بحارة`: a padded small number before its counted noun is a quantity.
        // `(حوالي 05 كلم)`: before a unit too.
        let small_count = g.int.len() <= 3
            && next.is_some_and(|x| {
                !x.broken
                    && !x.glued
                    && (counted_noun(x.word).is_some() || units().contains_key(x.word))
            });
        // `مسدسين آليين (02)`: a padded count in brackets restating the number before.
        let bracketed_count = g.int.len() == 2 && text[ctx.start..].starts_with('(');
        let code = g.frac.is_none()
            && ctx.unit_before.is_none()
            && is_identifier(&g.int)
            && !small_count
            && !bracketed_count;
        if !(ctx.plus || coord_phone || dial || code) {
            return None;
        }
        let phone = ctx.plus || coord_phone || dial || g.int.len() >= 7;
        let spoken = read_groups(std::iter::once(g.int.as_str()), ctx.plus);
        let class = if phone {
            Class::Telephone
        } else {
            Class::Identifier
        };
        Some(s.done(class, spoken, core_end, "digit by digit".into()))
    }
}
