//! Amounts with a currency symbol or code: `$50` → `خمسين دولارا`, `$1` → `دولار واحد`.
//!
//! The symbol stands for the counted noun, so it is written as that noun in the form the
//! number needs (see [`count`]); the same counting serves units of measure.

use super::cardinal::{cardinal, noun_number, Case, Form, Gender, NounNumber};
use super::lexicon::NounForms;

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
