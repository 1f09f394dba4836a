//! Decimals: `3.5` / `٣٫٥` → `ثلاثة فاصل خمسة`; `0.05` → `صفر فاصل صفر خمسة`.

use super::cardinal::{cardinal, digit_by_digit, Case, Form, LIMIT};

/// Reads a whole part given as ASCII digits: exactly below the limit, else digit by digit.
pub fn whole_digits(digits: &str, form: Form) -> String {
    let t = digits.trim_start_matches('0');
    if t.is_empty() {
        return "صفر".into();
    }
    match t.parse::<u64>() {
        Ok(n) if t.len() <= 15 && n < LIMIT => cardinal(n, form),
        _ => digit_by_digit(digits),
    }
}

/// Reads `int.frac` (ASCII digits) in `case`, masculine.
pub fn decimal(int: &str, frac: &str, case: Case) -> String {
    // A decimal's parts are names of digits around the point, not a counted whole: the
    // accusative shows no alef on them (`بلغت 1.5 مليون`: `واحد فاصل خمسة`).
    let f = Form::masc(case.without_tanween());
    let mut out = whole_digits(int, f);
    out.push_str(" فاصل ");
    let zeros = frac.len() - frac.trim_start_matches('0').len();
    let rest = &frac[zeros..];
    let mut parts: Vec<String> = (0..zeros).map(|_| "صفر".to_string()).collect();
    if rest.len() > 3 {
        // Long fractions are read digit by digit: `ثلاثة فاصل واحد أربعة واحد ستة`.
        parts.push(digit_by_digit(rest));
    } else if !rest.is_empty() {
        parts.push(whole_digits(rest, f));
    }
    if parts.is_empty() {
        parts.push("صفر".into());
    }
    out.push_str(&parts.join(" "));
    out
}
