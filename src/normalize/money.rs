//! Amounts with a currency symbol or code: `$50` → `خمسين دولارا`, `$1` → `دولار واحد`.
//!
//! The symbol stands for the counted noun, so it is written as that noun in the form the
//! number needs (see [`count`]); the same counting serves units of measure.

use super::cardinal::LIMIT;
use super::cardinal::{cardinal, noun_number, Case, Form, Gender, NounNumber};
use super::lexicon::NounForms;
use super::lexicon::{self, units, Unit, UnitKind};
use super::reader::{
    is_arabic_letter, join_prefix, scale_word, value, Ctx, Outcome, Reader, Single,
};
use super::scan::{next_word, Group};
use super::{digits, measure, Class};

/// Reads `n` with the noun `forms` in the form the number needs, in `case`.
/// Returns the words and the name of the tamyiz rule applied.
pub fn count(n: u64, forms: &NounForms, case: Case) -> (String, &'static str) {
    let nom = case == Case::Nom;
    let form = Form {
        gender: forms.gender,
        case,
        construct: true,
    };
    match noun_number(n) {
        NounNumber::One => {
            let one = if forms.gender == Gender::Fem {
                "واحدة"
            } else {
                "واحد"
            };
            (
                format!("{} {one}", forms.singular),
                "1: noun then واحد agreeing",
            )
        }
        NounNumber::Two => (
            (if nom { forms.dual_nom } else { forms.dual_obl }).to_string(),
            "2: dual noun",
        ),
        NounNumber::Plural => (
            format!("{} {}", cardinal(n, form), forms.plural),
            "3-10: opposite gender, plural noun",
        ),
        NounNumber::Accusative => (
            format!("{} {}", cardinal(n, form), forms.accusative),
            "11-99: singular accusative noun",
        ),
        NounNumber::Genitive => (
            format!("{} {}", cardinal(n, form), forms.singular),
            "100s/1000s: singular genitive noun",
        ),
    }
}

// The reader's part for this class: finding the token's parts and context in the
// sentence (the functions above only verbalize a parsed value).
impl<'a> Reader<'a> {
    /// Reads an amount or measure with a unit written before the number (`$50`) and
    /// maybe a scale word after it (`$275 مليون`).
    pub(super) fn with_unit(
        &mut self,
        g: &Group,
        u: &Unit,
        core_end: usize,
        case: Case,
        mut rule: String,
        ctx: &Ctx,
    ) -> Outcome {
        let text = self.text;
        let sign = if ctx.neg { "سالب " } else { "" };
        let next = next_word(text, core_end).filter(|x| !x.glued && !x.broken);
        let class = if u.kind == UnitKind::Money {
            Class::Money
        } else {
            Class::Measure
        };
        let mk = |spoken: String, end: usize, rule: String| {
            Outcome::new(ctx.start, end, case, class, spoken, rule)
        };
        if let Some(x) = next {
            if let Some(scale) = scale_word(x.word) {
                let total = value(&g.int)
                    .filter(|_| g.frac.is_none())
                    .and_then(|n| n.checked_mul(scale))
                    .filter(|&t| t < LIMIT);
                let words = match total {
                    Some(t) => cardinal(
                        t,
                        Form {
                            gender: Gender::Masc,
                            case,
                            construct: true,
                        },
                    ),
                    None => format!("{} {}", self.plain(g, Form::masc(case)), x.word),
                };
                rule.push_str(&format!(
                    "; symbol before with scale word {} → noun genitive",
                    x.word
                ));
                let spoken =
                    join_prefix(&ctx.prefix, &format!("{sign}{words} {}", u.forms.singular));
                return mk(spoken, x.end, rule);
            }
        }
        let n = value(&g.int)
            .or_else(|| (g.frac.is_some() && g.int.chars().all(|c| c == '0')).then_some(0));
        let Some(n) = n else {
            let s = format!(
                "{} {}",
                digits::read_groups(std::iter::once(g.int.as_str()), false),
                u.forms.singular
            );
            return mk(s, core_end, "too long: digit by digit".into());
        };
        let mut o = self.unit_reading(g, n, u, case, &mut rule, ctx);
        o.read.start = ctx.start;
        o.read.spoken = join_prefix(&ctx.prefix, &format!("{sign}{}", o.read.spoken));
        o.end = core_end;
        o.read.end = core_end;
        o
    }

    /// An amount with two decimals read as units and hundredths (`$7.50` →
    /// `سبعة دولارات وخمسين سنتا`), when the currency has a hundredth.
    pub(super) fn cents(&self, g: &Group, u: &Unit, case: Case) -> Option<String> {
        let f = g.frac.as_deref()?;
        if u.kind != UnitKind::Money || f.is_empty() || f.len() > 2 {
            return None;
        }
        let sub = lexicon::subunit(u)?;
        let n = value(&g.int).or_else(|| g.int.chars().all(|c| c == '0').then_some(0))?;
        let c: u64 = f.parse().ok()?;
        let c = if f.len() == 1 { c * 10 } else { c };
        let mut parts = Vec::new();
        if n > 0 || c == 0 {
            parts.push(if n == 0 {
                format!("صفر {}", u.forms.singular)
            } else {
                count(n, &u.forms, case).0
            });
        }
        if c > 0 {
            parts.push(count(c, &sub.forms, case).0);
        }
        Some(parts.join(" و"))
    }

    /// Reads a whole or decimal amount with the unit written after it (`50 كم`, `9 د.ك`).
    pub(super) fn unit_reading(
        &self,
        g: &Group,
        n: u64,
        u: &Unit,
        case: Case,
        rule: &mut String,
        ctx: &Ctx,
    ) -> Outcome {
        let class = if u.kind == UnitKind::Money {
            Class::Money
        } else {
            Class::Measure
        };
        let (s, r) = match &g.frac {
            Some(_) if self.cents(g, u, case).is_some() => (
                self.cents(g, u, case).unwrap_or_default(),
                "amount with hundredths",
            ),
            Some(_) => (
                measure::decimal(&self.plain(g, Form::masc(case)), &u.forms),
                "decimal: singular noun",
            ),
            None => count(n, &u.forms, case),
        };
        let sign = if ctx.neg && ctx.unit_before.is_none() {
            "سالب "
        } else {
            ""
        };
        Outcome::new(
            ctx.start,
            0,
            case,
            class,
            format!("{sign}{s}"),
            format!(
                "{rule}; unit → {} ({}); {r}",
                u.forms.singular,
                u.forms.gender.label()
            ),
        )
    }
}

/// The readings of a lone number that belong to this class (see [`Reader::single`]).
impl<'a> Reader<'a> {
    /// `$50`، `د.ت 20`: a currency or unit written before the number.
    pub(super) fn read_unit_before(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let u = s.ctx.unit_before?;
        Some(self.with_unit(s.g, u, s.core_end, s.case, s.rule.clone(), s.ctx))
    }

    /// Units after the number (also glued: `5كم`; per a period: `م3/يوم`), and Tunisian
    /// papers' `م د` for مليون دينار.
    pub(super) fn read_unit_after(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let n = s.n?;
        let text = self.text;
        let x = s.next.filter(|x| !x.broken || x.glued)?;
        // `م3/يوم`: a unit per a period.
        let (uw, per) = match x.word.split_once('/') {
            Some((a, b)) => match lexicon::per_unit(b) {
                Some(p) => (a, Some(p)),
                None => (x.word, None),
            },
            None => (x.word, None),
        };
        // `91،1 م د`: Tunisian papers abbreviate مليون دينار.
        if x.word == "م"
            && !x.glued
            && text[x.end..].starts_with(" د")
            && text[x.end + " د".len()..]
                .chars()
                .next()
                .is_none_or(|c| !is_arabic_letter(c))
        {
            let spoken = format!(
                "{}{} مليون دينار",
                s.sign,
                self.plain(s.g, Form::masc(s.case))
            );
            let end = x.end + " د".len();
            let mut o = s.done(Class::Money, spoken, end, s.noted("; م د: million dinars"));
            o.read.gender = Some(Gender::Masc);
            return Some(o);
        }
        let (u, per) = match units().get(uw).filter(|u| u.after) {
            Some(u) => (u, per),
            None => (units().get(x.word).filter(|u| u.after)?, None),
        };
        let mut rule = s.rule.clone();
        let mut o = self.unit_reading(s.g, n, u, s.case, &mut rule, s.ctx);
        o.end = x.end;
        o.read.end = x.end;
        o.read.spoken = join_prefix(&s.ctx.prefix, &o.read.spoken);
        if let Some(p) = per {
            o.read.spoken.push(' ');
            o.read.spoken.push_str(p);
        }
        Some(o)
    }
}
