//! Telephone numbers and identifiers, read digit by digit.

use super::cardinal::digit_by_digit;

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
