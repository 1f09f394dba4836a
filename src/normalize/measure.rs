//! Units of measure: `3 كغ` → `ثلاثة كيلوغرامات`, `40°` → `أربعين درجة`.
//!
//! A unit abbreviation is a counted noun written short; it is counted like a currency
//! (see [`super::money::count`]). A decimal quantity takes the singular.

use super::cardinal::Case;
use super::lexicon::NounForms;

/// Reads a whole quantity with its unit.
pub fn whole(n: u64, forms: &NounForms, case: Case) -> (String, &'static str) {
    super::money::count(n, forms, case)
}

/// Reads a spoken decimal (already in words) with its unit: the singular follows.
pub fn decimal(words: &str, forms: &NounForms) -> String {
    format!("{words} {}", forms.singular)
}
