//! Telephone numbers and identifiers, read digit by digit.

use super::cardinal::digit_by_digit;
use super::cardinal::{Case, Form};
use super::lexicon::Role;
use super::reader::{bare_noun, join_prefix, role_of, Ctx, Outcome, Reader};
use super::scan::{prev_word, Core};
use super::{decimal, Class};

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
