//! Percentages: `25%` / `٢٥٪` / `%25` → `خمسة وعشرين بالمئة`.
//!
//! The number is read as a masculine cardinal or decimal in the sentence's case (the
//! reader decides it), then `بالمئة`, the form ARABIC.md fixes over `في المئة`.

use super::cardinal::Form;
use super::reader::{Outcome, Reader, Single};
use super::Class;

/// The signs that mark a percentage, after or (in right-to-left typing) before the digits.
pub fn is_sign(s: &str) -> bool {
    matches!(s, "%" | "٪")
}

/// Reads a percentage from its spoken number.
pub fn percent(number: &str) -> String {
    let mut out = String::with_capacity(number.len() + 16);
    out.push_str(number);
    out.push_str(" بالمئة");
    out
}

/// The readings of a lone number that belong to this class (see [`Reader::single`]).
impl<'a> Reader<'a> {
    /// `25%`، `%25`: a percentage.
    pub(super) fn read_percent(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        // `0.19 ب%`: the sign written with the ب of بالمئة before it.
        let pct_after = s.next.filter(|x| {
            let w = x.word.strip_prefix('ب').unwrap_or(x.word);
            w == "%" || w == "٪" || w.starts_with(['%', '٪'])
        });
        if !s.ctx.percent_before && pct_after.is_none() {
            return None;
        }
        let end = pct_after
            .map(|x| {
                let (at, sign) = x
                    .word
                    .char_indices()
                    .find(|&(_, c)| c == '%' || c == '٪')
                    .unwrap_or((0, '%'));
                x.start + at + sign.len_utf8()
            })
            .unwrap_or(s.core_end);
        let spoken = percent(&format!(
            "{}{}",
            s.sign,
            self.plain(s.g, Form::masc(s.case))
        ));
        Some(s.done(Class::Percent, spoken, end, s.noted("; percent")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(percent("خمسة وعشرين"), "خمسة وعشرين بالمئة");
        assert!(is_sign("٪") && is_sign("%") && !is_sign("$"));
    }
}
