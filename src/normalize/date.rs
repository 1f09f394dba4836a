//! Years and dates: `عام 2019`, `5 يناير/كانون الثاني 2022`, `15/3/2023`, `2022-01-05`,
//! `1445 هـ`.
//!
//! A year is a masculine cardinal (it counts عام); a day of the month is a masculine
//! ordinal followed by من and the month name.

use super::cardinal::{cardinal, Case, Form, Gender};
use super::lexicon::months;
use super::lexicon::{gregorian_name, hijri_name};
use super::ordinal::ordinal;
use super::reader::{c_digits_start, join_prefix, value, Ctx, Outcome, Reader};
use super::scan::{digit, Core};
use super::{decimal, scan, Class, Guess};

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

/// Whether day `d` of month `m` exists in year `y` of the Gregorian calendar (any year
/// when `y` is `None`: 29 February counts).
pub fn is_real_day(y: Option<u64>, m: u64, d: u64) -> bool {
    let y = y.unwrap_or(2024);
    let (Ok(y), Ok(m), Ok(d)) = (i16::try_from(y), i8::try_from(m), i8::try_from(d)) else {
        return false;
    };
    jiff::civil::Date::new(y, m, d).is_ok()
}

/// The year, month and day of a numeric date in written order, by the same rule as
/// [`numeric`]: `y/m/d` when the first has four digits, else `d/m/y` (a two-digit year is
/// of this century).
pub fn numeric_parts(a: (u64, usize), b: u64, c: (u64, usize)) -> Option<(u64, u64, u64)> {
    if a.1 == 4 {
        Some((a.0, b, c.0))
    } else if c.1 == 4 || c.1 == 2 {
        Some((if c.1 == 2 { 2000 + c.0 } else { c.0 }, b, a.0))
    } else {
        None
    }
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
    let (y, m, d) = numeric_parts(a, b, c)?;
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

// The reader's part for this class: finding the token's parts and context in the
// sentence (the functions above only verbalize a parsed value).
impl<'a> Reader<'a> {
    /// Day `d` of the month named right after `pos`: the day as an ordinal with the
    /// month's spoken names, and where the month ends.
    pub(super) fn day_before_month(
        &self,
        d: u64,
        case: Case,
        pos: usize,
    ) -> Option<(String, usize)> {
        let (end, names) = self.month_after(pos)?;
        Some((format!("{} {names}", day(d, case)), end))
    }

    /// A month name (or pair) right after `pos`: its end and spoken names. Handles
    /// `يناير`، `كانون الثاني`، `يناير/كانون الثاني`، `تشرين الثاني/نوفمبر`، `يناير / كانون`.
    pub(super) fn month_after(&self, pos: usize) -> Option<(usize, String)> {
        let text = self.text;
        if !text[pos..].starts_with(char::is_whitespace) {
            return None;
        }
        // Words after pos, split at spaces and slashes: (word, end, slash follows).
        let mut pieces: Vec<(&str, usize, bool)> = Vec::with_capacity(4);
        let mut i = pos;
        while pieces.len() < 4 && i < text.len() {
            let rest = &text[i..];
            i += rest.len() - rest.trim_start().len();
            if text[i..].starts_with('/') {
                if let Some(last) = pieces.last_mut() {
                    last.2 = true;
                }
                i += 1;
                continue;
            }
            let hi = scan::window_after(text, i);
            let len = text[i..hi]
                .find(|c: char| c.is_whitespace() || c == '/')
                .unwrap_or(hi - i);
            if len == 0 {
                break;
            }
            let raw = &text[i..i + len];
            let (off, w) = scan::clean(raw);
            if w.is_empty() || off > 0 {
                break;
            }
            pieces.push((w, i + off + w.len(), false));
            if w.len() < raw.len() {
                break; // punctuation after the word ends the phrase
            }
            i += len;
        }
        let m = months();
        let match_at = |k: usize| -> Option<(usize, String)> {
            if k + 1 < pieces.len() && !pieces[k].2 {
                let two = format!("{} {}", pieces[k].0, pieces[k + 1].0);
                if m.contains_key(two.as_str()) {
                    return Some((k + 2, two));
                }
            }
            let w = pieces.get(k)?.0;
            m.contains_key(w).then(|| (k + 1, w.to_string()))
        };
        let (k1, mut names) = match_at(0)?;
        let mut end = pieces[k1 - 1].1;
        if pieces[k1 - 1].2 {
            if let Some((k2, second)) = match_at(k1) {
                end = pieces[k2 - 1].1;
                names.push(' ');
                names.push_str(&second);
            }
        }
        Some((end, names))
    }

    /// `15/3/2023`, `2022/01/05`, `2022-01-05`: a date written in digits.
    pub(super) fn numeric_date(&mut self, c: &Core, ctx: &Ctx) -> Option<Outcome> {
        if c.groups.iter().any(|g| g.frac.is_some()) {
            return None;
        }
        let v = |i: usize| -> Option<(u64, usize)> {
            Some((value(&c.groups[i].int)?, c.groups[i].int.len()))
        };
        self.date_from(v(0)?, v(1)?.0, v(2)?, c.end, ctx)
    }

    /// Reads a numeric date (with an era mark after it maybe).
    pub(super) fn date_from(
        &mut self,
        a: (u64, usize),
        b: u64,
        y: (u64, usize),
        end: usize,
        ctx: &Ctx,
    ) -> Option<Outcome> {
        let (case, _, rule) = self.context(ctx);
        let text = self.text;
        let mut end_at = end;
        let mut hijri = false;
        let mut mark = "";
        // The mark after the year, glued (`1436هـ`) or apart (`1436 هـ`).
        let rest = &text[end..];
        let gap = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
        let word_start = end + gap;
        let raw_end = scan::word_end(text, word_start);
        let raw = text[word_start..raw_end].trim_end_matches(['،', ',', ')', '»', '"', '.']);
        match raw {
            "هـ" | "ه" | "هجري" | "هجرية" => {
                hijri = true;
                mark = " هجرية";
                end_at = word_start + raw.len();
            }
            "م" | "ميلادي" | "ميلادية" => {
                mark = " ميلادية";
                end_at = word_start + raw.len();
            }
            _ => {}
        }
        // A year of 13xx–15xx is a Hijri year (Gregorian dates of those centuries
        // are not written in digits in the news).
        let year = if a.1 == 4 { a.0 } else { y.0 };
        if (1300..=1599).contains(&year) && (a.1 == 4 || y.1 == 4) {
            hijri = true;
        }
        // A Gregorian date that no calendar has is the article's mistake: it is read as
        // the numbers written, not as a date that did not happen, and `rawi check` lists it.
        if let Some((yy, m, d)) = numeric_parts(a, b, y).filter(|_| !hijri) {
            if plausible_year(yy)
                && (1..=12).contains(&m)
                && (1..=31).contains(&d)
                && !is_real_day(Some(yy), m, d)
            {
                let parts: Vec<String> = [a.0, b, y.0]
                    .iter()
                    .map(|&n| {
                        cardinal(
                            n,
                            Form {
                                case,
                                ..Form::DEFAULT
                            },
                        )
                    })
                    .collect();
                let mut o = Outcome::new(
                    ctx.start,
                    end,
                    case,
                    Class::Date,
                    join_prefix(&ctx.prefix, &parts.join("، ")),
                    format!(
                        "{rule}; impossible date (day {d} of month {m} of {yy}): read as written"
                    ),
                );
                o.read.guess = Some(Guess::ImpossibleDate);
                return Some(o);
            }
        }
        let s = numeric(a, b, y, case, hijri)?;
        Some(Outcome::new(
            ctx.start,
            end_at,
            case,
            Class::Date,
            join_prefix(&ctx.prefix, &format!("{s}{mark}")),
            format!(
                "{rule}; numeric date{}",
                if hijri { " (Hijri)" } else { "" }
            ),
        ))
    }

    /// `01.11.2010` (a date) or `2.1.0` (a version: parts joined with نقطة).
    pub(super) fn dotted(&mut self, c: &Core, ctx: &Ctx) -> Option<Outcome> {
        let (a, b) = (&c.groups[0], &c.groups[1]);
        if let (Some(m), None) = (&a.frac, &b.frac) {
            if b.int.len() == 4 && a.int.len() <= 2 && m.len() <= 2 {
                let y = (value(&b.int)?, 4);
                if let Some(o) =
                    self.date_from((value(&a.int)?, a.int.len()), value(m)?, y, c.end, ctx)
                {
                    return Some(o);
                }
            }
        }
        let raw = &self.text[c_digits_start(ctx)..c.end];
        let parts: Vec<String> = raw
            .split(['.', '٫'])
            .map(|p| {
                let d: String = p
                    .chars()
                    .filter_map(digit)
                    .map(|d| (b'0' + d) as char)
                    .collect();
                decimal::whole_digits(&d, Form::masc(Case::Nom))
            })
            .collect();
        Some(Outcome::new(
            ctx.start,
            c.end,
            Case::Nom,
            Class::Identifier,
            join_prefix(&ctx.prefix, &parts.join(" نقطة ")),
            "dotted numbers (a version): parts joined with نقطة".into(),
        ))
    }
}
