//! Ordinals: `الخامس`، `الدورة الخامسة والثلاثين`، `القرن الحادي والعشرين`.
//!
//! An ordinal agrees in gender with the noun it describes; its tens show case.

use super::cardinal::{cardinal, Case, Form, Gender};
use super::lexicon::{self, Role};
use super::reader::{definite_cardinal, join_prefix, Outcome, Reader, Single};
use super::scan::{self, prev_word};
use super::Class;

const MASC: [&str; 11] = [
    "",
    "الأول",
    "الثاني",
    "الثالث",
    "الرابع",
    "الخامس",
    "السادس",
    "السابع",
    "الثامن",
    "التاسع",
    "العاشر",
];
const FEM: [&str; 11] = [
    "",
    "الأولى",
    "الثانية",
    "الثالثة",
    "الرابعة",
    "الخامسة",
    "السادسة",
    "السابعة",
    "الثامنة",
    "التاسعة",
    "العاشرة",
];

/// The ordinal of 1..=99 without the article's special cases for 1 in compounds.
fn below_hundred(n: u64, gender: Gender, case: Case) -> String {
    let fem = gender == Gender::Fem;
    let u = (n % 10) as usize;
    match n {
        0 => "الصفر".into(),
        1..=10 => (if fem {
            FEM[n as usize]
        } else {
            MASC[n as usize]
        })
        .into(),
        11 => (if fem {
            "الحادية عشرة"
        } else {
            "الحادي عشر"
        })
        .into(),
        12..=19 => {
            if fem {
                format!("{} عشرة", FEM[u])
            } else {
                format!("{} عشر", MASC[u])
            }
        }
        _ => {
            let tens = format!("ال{}", cardinal(n - u as u64, Form::masc(case)));
            if u == 0 {
                return tens;
            }
            let unit = match (u, fem) {
                (1, false) => "الحادي",
                (1, true) => "الحادية",
                (_, false) => MASC[u],
                (_, true) => FEM[u],
            };
            format!("{unit} و{tens}")
        }
    }
}

/// Reads `n` as an ordinal agreeing with a noun of `gender`, in `case`.
/// Above 100 the remainder is read first with `بعد` (`الخامس بعد المئة`).
pub fn ordinal(n: u64, gender: Gender, case: Case) -> String {
    if n < 100 {
        return below_hundred(n, gender, case);
    }
    let r = n % 100;
    let head = format!("ال{}", cardinal(n - r, Form::masc(Case::Obl)));
    if r == 0 {
        return format!("ال{}", cardinal(n, Form::masc(case)));
    }
    format!("{} بعد {head}", below_hundred(r, gender, case))
}

/// The word for a round of a competition, which names a knockout round by its teams.
const KNOCKOUT_ROUND: &str = "دور";

/// The readings of a lone number that belong to this class (see [`Reader::single`]).
impl<'a> Reader<'a> {
    /// `الدور 32`، `دور الـ16`، `إلى الدور 64`: a cup's knockout round is named by how
    /// many teams play in it, a power of two, and is said `دور الاثنين والثلاثين` (the
    /// round of the thirty-two), never `الدور الثاني والثلاثون` (the 32nd round). The
    /// round word is read with the number: it loses its article to the number. `الدور`
    /// alone is also a building's floor in Egyptian usage, so without the number's own
    /// article (`دور الـ16`) only a text about sport reads it so.
    pub(super) fn read_knockout_round(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let n =
            s.n.filter(|n| s.whole && matches!(n, 8 | 16 | 32 | 64 | 128))?;
        let ctx = s.ctx;
        let own_article = ctx.prefix == "ال";
        if ctx.neg || !(ctx.prefix.is_empty() || own_article) {
            return None;
        }
        let (ws, w) = prev_word(self.text, ctx.start)?;
        if ws < self.copied || self.text[ws..ctx.start].trim_end() != w {
            return None;
        }
        // The clitics before the round word stay: `للدور` → `لدور`، `والدور` → `ودور`.
        let head = w.strip_suffix(KNOCKOUT_ROUND)?;
        let clitics = match head.strip_suffix("لل") {
            Some(h) => format!("{h}ل"),
            None => head.strip_suffix("ال").unwrap_or(head).to_string(),
        };
        let with_article = head.ends_with("ال") || head.ends_with("لل");
        if !matches!(
            clitics.as_str(),
            "" | "و" | "ف" | "ب" | "ل" | "وب" | "ول" | "فب" | "فل"
        ) || (own_article && with_article)
            || !(own_article || self.sporty())
        {
            return None;
        }
        let form = Form {
            gender: Gender::Masc,
            case: Case::Obl,
            construct: false,
        };
        let spoken = format!("{clitics}{KNOCKOUT_ROUND} {}", definite_cardinal(n, form));
        let rule = format!("{}; a knockout round named by its {n} teams", s.rule);
        Some(Outcome::new(
            ws,
            s.core_end,
            Case::Obl,
            Class::Cardinal,
            spoken,
            rule,
        ))
    }

    /// `الـ23`، `الدورة 23`: an ordinal, after the article or a noun that takes one,
    /// agreeing with the noun before.
    pub(super) fn read_ordinal(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let n = s.n.filter(|_| s.whole)?;
        // No ordinal is followed by a scale word: `فاقت الـ174 مليون ريال` is an amount.
        if s.scale_after().is_some() {
            return None;
        }
        let gd = if s.ctx.prefix.contains("ال") {
            self.gender_before(s.ctx.start)
        } else if let Some(Role::Ordinal(gd)) = s.role {
            // `ضبطت الفرقة 12 شاحنة`، `يصدره المركز 17 حالة`: a noun of the lexicon that
            // the number counts makes the noun before a subject, not a name with its
            // number. A word only guessed to be a noun (`الدقيقة 78 برأسية`، `اللواء 15
            // مشاة`) does not.
            // A noun the number counts is indefinite: one in construct with a definite
            // noun names something (`المادة 24 لجنة الانتخاب`); and a noun after a number
            // coordinated with this one is the other's (`المادة 6 و4 فقرات`).
            let (counted, adjacent) = self.counted_after(s.core_end, n);
            let counts = counted.is_some_and(|(x, _)| {
                lexicon::is_known_noun(x.word)
                    && !scan::next_word(self.text, x.end)
                        .is_some_and(|y| !y.broken && y.word.starts_with("ال"))
            });
            if adjacent && counts {
                return None;
            }
            gd
        } else {
            return None;
        };
        let prefix = s.ctx.prefix.replacen("ال", "", 1);
        let spoken = join_prefix(&prefix, &ordinal(n, gd, s.case));
        let rule = format!("{}; ordinal agreeing with a {} noun", s.rule, gd.label());
        let mut o = Outcome::new(
            s.ctx.start,
            s.core_end,
            s.case,
            Class::Ordinal,
            spoken,
            rule,
        );
        o.read.gender = Some(gd);
        Some(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(ordinal(35, Gender::Fem, Case::Obl), "الخامسة والثلاثين");
        assert_eq!(ordinal(21, Gender::Masc, Case::Obl), "الحادي والعشرين");
        assert_eq!(ordinal(19, Gender::Masc, Case::Obl), "التاسع عشر");
        assert_eq!(ordinal(1, Gender::Masc, Case::Obl), "الأول");
        assert_eq!(ordinal(105, Gender::Masc, Case::Obl), "الخامس بعد المئة");
    }
}
