//! Percentages: `25%` / `٢٥٪` / `%25` → `خمسة وعشرين بالمئة`.
//!
//! The number is read as a masculine cardinal or decimal in the sentence's case (the
//! reader decides it), then `بالمئة`, the form ARABIC.md fixes over `في المئة`.

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert_eq!(percent("خمسة وعشرين"), "خمسة وعشرين بالمئة");
        assert!(is_sign("٪") && is_sign("%") && !is_sign("$"));
    }
}
