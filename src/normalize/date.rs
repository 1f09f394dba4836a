//! Years and dates: `عام 2019`, `5 يناير/كانون الثاني 2022`, `15/3/2023`, `2022-01-05`,
//! `1445 هـ`.
//!
//! A year is a masculine cardinal (it counts عام); a day of the month is a masculine
//! ordinal followed by من and the month name.

use super::cardinal::{cardinal, Case, Form, Gender};
use super::lexicon::{gregorian_name, hijri_name};
use super::ordinal::ordinal;

/// Reads a year (a masculine cardinal) in `case`.
pub fn year(n: u64, case: Case) -> String {
    cardinal(n, Form::masc(case))
}

/// The spoken form of a calendar mark written after a year.
pub fn era_mark(word: &str) -> Option<&'static str> {
    match word {
        "هـ" | "ه" | "هـ." | "ه." => Some("هجرية"),
        "م" | "م." => Some("ميلادية"),
        "ق.م" | "ق.م." => Some("قبل الميلاد"),
        _ => None,
    }
}

/// Reads a day of the month: `الخامس من`. The caller appends the month.
pub fn day(d: u64, case: Case) -> String {
    format!("{} من", ordinal(d, Gender::Masc, case))
}

/// Whether `y` is a plausible year in a numeric date.
fn plausible_year(y: u64) -> bool {
    (1000..=2199).contains(&y)
}

/// Reads a numeric date given its three numbers in written order, or `None` if they do
/// not form a valid date. `y/m/d` when the first has four digits, else `d/m/y`.
/// With `hijri`, the month is named from the Hijri calendar.
pub fn numeric(
    a: (u64, usize),
    b: u64,
    c: (u64, usize),
    case: Case,
    hijri: bool,
) -> Option<String> {
    let (y, m, d) = if a.1 == 4 {
        (a.0, b, c.0)
    } else if c.1 == 4 || c.1 == 2 {
        (if c.1 == 2 { 2000 + c.0 } else { c.0 }, b, a.0)
    } else {
        return None;
    };
    let plausible = if hijri {
        (1..=1999).contains(&y)
    } else {
        plausible_year(y)
    };
    if !plausible || !(1..=31).contains(&d) || (hijri && d > 30) {
        return None;
    }
    let m = u8::try_from(m).ok()?;
    let month = if hijri {
        hijri_name(m)?
    } else {
        gregorian_name(m)?
    };
    Some(format!("{} {month} {}", day(d, case), year(y, Case::Obl)))
}

/// Reads `d/m` (no year) as a date, if valid.
pub fn day_month(d: u64, m: u64, case: Case) -> Option<String> {
    if !(1..=31).contains(&d) {
        return None;
    }
    let month = gregorian_name(u8::try_from(m).ok()?)?;
    Some(format!("{} {month}", day(d, case)))
}

/// Reads `m-yyyy` / `m/yyyy` as a month and year, if valid.
pub fn month_year(m: u64, y: u64) -> Option<String> {
    if !plausible_year(y) {
        return None;
    }
    let month = gregorian_name(u8::try_from(m).ok()?)?;
    Some(format!("{month} {}", year(y, Case::Obl)))
}
