//! Fractions: `1/2` → `نصف`, `3/4` → `ثلاثة أرباع`, `2/3` → `ثلثان`.

use super::cardinal::{cardinal, Case, Form};
use super::reader::{bare_noun, is_particle, role_of, strip_conj, value, Ctx, Outcome, Reader};
use super::scan::{next_word, prev_word, Core};
use super::{date, lexicon, Class};

const NAMES: [&str; 11] = [
    "", "", "نصف", "ثلث", "ربع", "خمس", "سدس", "سبع", "ثمن", "تسع", "عشر",
];
const PLURALS: [&str; 11] = [
    "",
    "",
    "أنصاف",
    "أثلاث",
    "أرباع",
    "أخماس",
    "أسداس",
    "أسباع",
    "أثمان",
    "أتساع",
    "أعشار",
];

/// Reads `num/den`. Denominators 2..=10 have fraction nouns (for numerators up to ten);
/// others are read `X على Y`.
pub fn fraction(num: u64, den: u64, case: Case) -> String {
    let f = Form::masc(case);
    if (2..=10).contains(&den) && (1..=10).contains(&num) {
        let d = den as usize;
        return match num {
            1 => NAMES[d].to_string(),
            2 => format!(
                "{}{}",
                NAMES[d],
                if case == Case::Nom { "ان" } else { "ين" }
            ),
            _ => format!("{} {}", cardinal(num, f), PLURALS[d]),
        };
    }
    format!("{} على {}", cardinal(num, f), cardinal(den, f))
}

/// Whether the word before two numbers with a slash makes them a date (`في 12/3`،
/// `الأحد 5/4`): a preposition of time or a day's name.
fn dates_a_pair(prev: &str) -> bool {
    matches!(
        strip_conj(prev).unwrap_or(prev),
        "في" | "منذ"
            | "يوم"
            | "بتاريخ"
            | "حتى"
            | "قبل"
            | "بعد"
            | "تاريخ"
            | "مساء"
            | "صباح"
            | "الأحد"
            | "الاثنين"
            | "الإثنين"
            | "الثلاثاء"
            | "الأربعاء"
            | "الخميس"
            | "الجمعة"
            | "السبت"
    )
}

/// Whether the word before two numbers with a slash names a document (`القرار رقم 4/2`،
/// `القانون 12/3`), whose number is read `أربعة على اثنين`.
fn numbers_a_document(prev: &str) -> bool {
    bare_noun(prev) == "رقم"
        || matches!(
            prev,
            "عدد"
                | "العدد"
                | "قرار"
                | "القرار"
                | "مرسوم"
                | "المرسوم"
                | "قانون"
                | "القانون"
        )
}

// The reader's part for this class: finding the token's parts and context in the
// sentence (the functions above only verbalize a parsed value).
impl<'a> Reader<'a> {
    /// Two numbers with a slash: a fraction, a day/month or month/year date, or two years.
    pub(super) fn slash(&mut self, c: &Core, ctx: &Ctx) -> Option<Outcome> {
        let (a, b) = (&c.groups[0], &c.groups[1]);
        if a.frac.is_some() || b.frac.is_some() {
            return None;
        }
        let (x, y) = (value(&a.int)?, value(&b.int)?);
        let (case, _, rule) = self.context(ctx);
        let prev = prev_word(self.text, ctx.start).map_or("", |(_, w)| w);
        let date_context = dates_a_pair(prev);
        // `القرار رقم 4/2`: a document number, read `أربعة على اثنين`.
        if numbers_a_document(prev) {
            let s = format!(
                "{} على {}",
                cardinal(x, Form::masc(Case::Obl)),
                cardinal(y, Form::masc(Case::Obl))
            );
            return Some(Outcome::prefixed(
                ctx,
                c.end,
                case,
                Class::Identifier,
                &s,
                format!("{rule}; document number"),
            ));
        }
        if self.slash_score(c.end, prev, date_context) && x <= 50 && y <= 50 {
            return Some(self.score_outcome(x, y, ctx, c.end, "; score"));
        }
        // `1 1/2`: a whole number before a fraction is joined with و.
        let mixed_number = self.last.is_some_and(|l| {
            l.class == Class::Cardinal && l.end < ctx.start && self.text[l.end..ctx.start] == *" "
        });
        let construct = next_word(self.text, c.end)
            .is_some_and(|n| !n.glued && !n.broken && !n.word.is_empty());
        // `2024/25`: an academic or fiscal year.
        let y = if a.int.len() == 4 && b.int.len() == 2 && y == (x + 1) % 100 {
            x - x % 100 + y + if y == 0 { 100 } else { 0 }
        } else {
            y
        };
        let years = a.int.len() == 4
            && (b.int.len() == 4 || b.int.len() == 2)
            && (1000..=2199).contains(&x)
            && (1000..=2199).contains(&y)
            && y > x;
        let (class, s, r) = if years {
            let f = Form::masc(case);
            let s = format!("{} و{}", cardinal(x, f), cardinal(y, f));
            (Class::Range, s, "two years with a slash")
        } else if x >= 1 && x < y && y <= 10 && !date_context {
            let mut f = fraction(x, y, case);
            if construct && x == 2 {
                f.pop(); // ثلثين السكان → ثلثي السكان
            }
            (Class::Fraction, f, "fraction")
        } else if let Some(d) = date::month_year(x, y).filter(|_| b.int.len() == 4) {
            (Class::Date, d, "month/year date")
        } else if let Some(d) = date::day_month(x, y, case).filter(|_| date_context || y > 10) {
            (Class::Date, d, "day/month date")
        } else if y > 0 {
            (Class::Fraction, fraction(x, y, case), "fraction")
        } else {
            return None;
        };
        // `1442/1443هـ`: the era mark closes the pair of years.
        let (mut s, mut end) = (s, c.end);
        if class == Class::Range {
            if let Some((m, e)) = self.era_after(c.end) {
                s.push(' ');
                s.push_str(m);
                end = e;
            }
        }
        let sign = if ctx.neg { "سالب " } else { "" };
        let and = if mixed_number && class == Class::Fraction {
            "و"
        } else {
            ""
        };
        Some(Outcome::prefixed(
            ctx,
            end,
            case,
            class,
            &format!("{and}{sign}{s}"),
            format!("{rule}; {r}"),
        ))
    }

    /// `تعادلا 2/2`، `بنتيجة 3/1`، and in a match report `4/1` or `1/1`: a pair ending at
    /// `end` after the word `prev` is a score, never a fraction (but `1/4 النهائي` is the
    /// quarter-final).
    fn slash_score(&mut self, end: usize, prev: &str, date_context: bool) -> bool {
        let round = next_word(self.text, end)
            .is_some_and(|n| matches!(n.word, "النهائي" | "نهائي" | "النهائية"));
        // In a match report the pair stands alone (`فاز 4/1 في …`, `1/1.`); a fraction
        // governs a noun (`خسر 1/3 عتاده`) or follows a word of measure (`بنسبة 7/15`).
        let alone = next_word(self.text, end).is_none_or(|n| {
            n.broken || n.word.is_empty() || (is_particle(n.word) && !n.word.starts_with("ال"))
        });
        let measured = role_of(prev).is_some_and(|(r, _)| r == lexicon::Role::Oblique);
        lexicon::is_score_word(strip_conj(prev).unwrap_or(prev))
            || (!date_context && !round && alone && !measured && self.sporty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(fraction(1, 2, Case::Obl), "نصف");
        assert_eq!(fraction(3, 4, Case::Obl), "ثلاثة أرباع");
        assert_eq!(fraction(2, 3, Case::Nom), "ثلثان");
        assert_eq!(fraction(7, 15, Case::Obl), "سبعة على خمسة عشر");
        assert_eq!(fraction(1, 0, Case::Obl), "واحد على صفر");
    }
}
