//! Fractions: `1/2` → `نصف`, `3/4` → `ثلاثة أرباع`, `2/3` → `ثلثان`.

use super::cardinal::{cardinal, Case, Form};

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
