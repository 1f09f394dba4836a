//! Years and dates: `عام 2019`, `5 يناير/كانون الثاني 2022`, `15/3/2023`, `2022-01-05`,
//! `1445 هـ`.
//!
//! A year is a masculine cardinal (it counts عام); a day of the month is a masculine
//! ordinal followed by من and the month name.

use super::cardinal::{cardinal, Case, Form, Gender};
use super::lexicon::months;
use super::lexicon::Role;
use super::lexicon::{gregorian_name, hijri_name};
use super::ordinal::ordinal;
use super::reader::{
    c_digits_start, is_arabic_letter, role_of, strip_conj, value, Ctx, Outcome, Read, Reader,
    Single,
};
use super::scan::{digit, next_word, prev_word, Core, Next};
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

    /// Whether `من` and a month follow `pos`: `13 من الشهر المقبل`، `5 من ذات الشهر`،
    /// `10 من ذي القعدة`, so that the number before is a day of the month.
    pub(super) fn month_phrase_after(&self, pos: usize) -> bool {
        let text = self.text;
        let Some(x) = next_word(text, pos).filter(|x| !x.glued && !x.broken && x.word == "من")
        else {
            return false;
        };
        let month_word = |y: &Next<'_>| !y.broken && matches!(y.word, "الشهر" | "شهر" | "الشهور");
        next_word(text, x.end).is_some_and(|y| {
            month_word(&y)
                || (matches!(y.word, "نفس" | "ذات" | "هذا")
                    && next_word(text, y.end).is_some_and(|z| month_word(&z)))
        }) || self.month_after(x.end).is_some()
    }

    /// Whether the number ending at `end` starts a range or list of days that ends in a
    /// month: `بين 1 و5 يونيو`، `في 1 و2 و3 يونيو`، `الأيام 5 و6 و7 من الشهر`. Every
    /// later member must be a day too (31 at most); a list is followed for a few members
    /// only, as the press writes them.
    pub(super) fn day_list_reaches_month(&self, mut end: usize) -> bool {
        for _ in 0..8 {
            let Some((day, next_end)) = self.coordinated_number(end) else {
                return false;
            };
            if !(1..=31).contains(&day) {
                return false;
            }
            end = next_end;
            if self.month_after(end).is_some()
                || self.month_phrase_after(end)
                || numeric_month_after(self.text, end)
            {
                return true;
            }
        }
        false
    }

    /// A month name (or pair) right after `pos`: its end and spoken names, as said
    /// after من (the caller's day always puts one before it). Handles `يناير`،
    /// `كانون الثاني`، `يناير/كانون الثاني`، `تشرين الثاني/نوفمبر`، `يناير / كانون`, and a
    /// month glued to its day (`9ماي`، `8يونيو/حزيران`), a common slip in Maghreb papers.
    pub(super) fn month_after(&self, pos: usize) -> Option<(usize, String)> {
        let text = self.text;
        if !text[pos..].starts_with(char::is_whitespace)
            && !text[pos..].starts_with(|c: char| ('\u{621}'..='\u{64A}').contains(&c))
        {
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
            // A bracket glued to a month opens its gloss: `آب(أغسطس)` ends the name.
            let len = text[i..hi]
                .find(|c: char| c.is_whitespace() || c == '/' || c == '(')
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
        // The name as said after من: `ذو الحجة` → `ذي الحجة`.
        let said = |name: String| match m.get(name.as_str()).and_then(|x| x.genitive) {
            Some(g) => g.to_string(),
            None => name,
        };
        let match_at = |k: usize| -> Option<(usize, String)> {
            if k + 1 < pieces.len() && !pieces[k].2 {
                let two = format!("{} {}", pieces[k].0, pieces[k + 1].0);
                if m.contains_key(two.as_str()) {
                    return Some((k + 2, said(two)));
                }
            }
            let w = pieces.get(k)?.0;
            m.contains_key(w).then(|| (k + 1, said(w.to_string())))
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

    /// The era mark written after a year ending at `end`, glued (`1436هـ`) or apart
    /// (`1436 هـ`), spelled out or abbreviated: its spoken word and where it ends. Never
    /// the letter itself: `م` is said ميلادية and `هـ` هجرية.
    pub(super) fn era_after(&self, end: usize) -> Option<(&'static str, usize)> {
        let text = self.text;
        let rest = &text[end..];
        let gap = rest.len() - rest.trim_start_matches([' ', '\u{a0}']).len();
        let word_start = end + gap;
        // An era mark is a short word: look no further than the window of word edges, so
        // a line with no space is not searched to its end for each number.
        let window = scan::WORD_WINDOW.min(text.len() - word_start);
        let window = (window..=text.len() - word_start)
            .find(|&w| text.is_char_boundary(word_start + w))
            .unwrap_or(text.len() - word_start);
        let raw_end = text[word_start..word_start + window]
            .find(|c: char| c.is_whitespace() || c == '/')
            .map_or(word_start + window, |k| word_start + k);
        let raw = text[word_start..raw_end].trim_end_matches(['،', ',', ')', '»', '"', '.', '؛']);
        let m = match raw {
            "هـ" | "ه" | "هجري" | "هجرية" => "هجرية",
            "م" | "ميلادي" | "ميلادية" => "ميلادية",
            _ => return None,
        };
        // `1998-2004 م د` would be millions of dinars, not an era.
        let after = &text[word_start + raw.len()..];
        if m == "ميلادية"
            && after.starts_with(" د")
            && after[" د".len()..]
                .chars()
                .next()
                .is_none_or(|c| !('\u{621}'..='\u{64A}').contains(&c))
        {
            return None;
        }
        Some((m, word_start + raw.len()))
    }

    /// `ذو` of `ذو القعدة`/`ذو الحجة` at byte `i`, said `ذي` where the month is governed:
    /// after a preposition (`في ذو الحجة`) or a noun in idafa (`شهر ذو القعدة`، `مطلع
    /// ذو الحجة`). As a subject (`يبدأ ذو الحجة`) it stays `ذو`.
    pub(super) fn dhu(&self, i: usize) -> Option<Read> {
        let text = self.text;
        let rest = &text[i..];
        let name = rest.strip_prefix("ذو ")?;
        let month = ["القعدة", "الحجة", "القعده", "الحجه"]
            .iter()
            .any(|m| name.starts_with(m));
        if !month || (i > 0 && !text[..i].ends_with(char::is_whitespace)) {
            return None;
        }
        let (_, w) = prev_word(text, i)?;
        let bare = strip_conj(w).unwrap_or(w);
        let bare = bare
            .strip_prefix(['ب', 'ل'])
            .filter(|b| b.chars().count() >= 3)
            .unwrap_or(bare);
        let governed = role_of(w).is_some_and(|(r, _)| r == Role::Oblique)
            || matches!(
                bare,
                "شهر"
                    | "مطلع"
                    | "أواخر"
                    | "أوائل"
                    | "منتصف"
                    | "نهاية"
                    | "بداية"
                    | "غرة"
                    | "أيام"
                    | "هلال"
                    | "عشر"
                    | "شهري"
                    | "أول"
                    | "آخر"
                    | "أشهر"
            );
        governed.then(|| {
            Read::new(
                i,
                i + "ذو".len(),
                Class::Date,
                "ذي".into(),
                format!("{w} governs the month: ذو → ذي (genitive)"),
            )
        })
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
        let mut end_at = end;
        let mut hijri = false;
        let mut mark = "";
        if let Some((m, e)) = self.era_after(end) {
            hijri = m == "هجرية";
            mark = if hijri {
                " هجرية"
            } else {
                " ميلادية"
            };
            end_at = e;
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
                let mut o = Outcome::prefixed(
                    ctx,
                    end,
                    case,
                    Class::Date,
                    &parts.join("، "),
                    format!(
                        "{rule}; impossible date (day {d} of month {m} of {yy}): read as written"
                    ),
                );
                o.read.guess = Some(Guess::ImpossibleDate);
                return Some(o);
            }
        }
        let s = numeric(a, b, y, case, hijri)?;
        Some(Outcome::prefixed(
            ctx,
            end_at,
            case,
            Class::Date,
            &format!("{s}{mark}"),
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
        // `الظهير 1.58.376`: a document's number, read part by part with no نقطة.
        if self.names_reference(ctx.start, None) {
            let (case, _, rule) = self.context(ctx);
            let parts: Vec<String> = raw
                .split(['.', '٫'])
                .map(|p| {
                    p.chars()
                        .filter_map(digit)
                        .map(|d| (b'0' + d) as char)
                        .collect()
                })
                .collect();
            let s = super::digits::reference(parts.iter().map(String::as_str));
            return Some(Outcome::prefixed(
                ctx,
                c.end,
                case,
                Class::Identifier,
                &s,
                format!("{rule}; reference number in parts"),
            ));
        }
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
        Some(Outcome::prefixed(
            ctx,
            c.end,
            Case::Nom,
            Class::Identifier,
            &parts.join(" نقطة "),
            "dotted numbers (a version): parts joined with نقطة".into(),
        ))
    }
}

/// The rule note of a day of the month read before its month's name.
const DAY_OF_MONTH: &str = "; day of month: ordinal + من";

/// The readings of a lone number that belong to this class (see [`Reader::single`]).
impl<'a> Reader<'a> {
    /// `04 أفريل`: a day written with a leading zero is still a day.
    pub(super) fn read_padded_day(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let g = s.g;
        if g.frac.is_some() || g.int.len() != 2 || !g.int.starts_with('0') || s.ctx.neg {
            return None;
        }
        let d = value(&g.int).filter(|d| (1..=9).contains(d))?;
        let (spoken, mend) = self.day_before_month(d, s.case, s.core_end)?;
        Some(s.done(Class::Date, spoken, mend, s.noted(DAY_OF_MONTH)))
    }

    /// A year with its era mark. `م` is also the metre: it marks a year only after a year
    /// word or on a four-digit number.
    pub(super) fn read_era_year(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let n = s.n?;
        if !s.whole || s.ctx.neg || s.g.int.len() > 4 {
            return None;
        }
        let text = self.text;
        let year_like = matches!(s.role, Some(Role::Year)) || s.g.int.len() == 4;
        let x = s.next.filter(|x| !x.broken || x.word.ends_with('.'))?;
        let raw_end = scan::word_end(text, x.start);
        let raw = text[x.start..raw_end].trim_end_matches(['،', ',', ')', '»', '"']);
        // A full stop after `م` also ends the sentence: keep it.
        let raw = match raw.strip_suffix('.') {
            Some(r) if era_mark(r).is_some() && raw != "ق.م." => r,
            _ => raw,
        };
        let (mark, mark_len) = match era_mark(raw) {
            Some(m) => (Some(m), raw.len()),
            None => (era_mark(x.word), x.word.len()),
        };
        // `1095 م د` is an amount in millions of dinars, not a year.
        let dinars = text[x.start + mark_len..]
            .strip_prefix(" د")
            .is_some_and(|r| r.chars().next().is_none_or(|c| !is_arabic_letter(c)));
        let mark = mark.filter(|m| (year_like || *m != "ميلادية") && !dinars)?;
        let spoken = format!("{} {mark}", year(n, s.case));
        let rule = s.noted("; year with era mark");
        Some(s.done(Class::Year, spoken, x.start + mark_len, rule))
    }

    /// Years; but `2020 و15 دجنبر`: a number coordinated with a year and followed by a
    /// month's name is the next date's day.
    pub(super) fn read_year(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let n = s.n?;
        let year_role = s.whole && matches!(s.role, Some(Role::Year)) && s.g.int.len() <= 4;
        if !year_role || (n <= 31 && self.month_after(s.core_end).is_some()) {
            return None;
        }
        let rule = s.noted("; year: masculine cardinal");
        Some(s.done(Class::Year, year(n, s.case), s.core_end, rule))
    }

    /// `أيام 3، 10`، `يوم 15`: a day of the month after a day word.
    pub(super) fn read_day(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let n = s.n?;
        if !s.whole
            || !matches!(s.role, Some(Role::Day))
            || !(1..=31).contains(&n)
            || s.ctx.neg
            || self.counted_after(s.core_end, n).0.is_some()
        {
            return None;
        }
        if let Some((spoken, mend)) = self.day_before_month(n, s.case, s.core_end) {
            return Some(s.done(Class::Date, spoken, mend, s.noted(DAY_OF_MONTH)));
        }
        let spoken = ordinal(n, Gender::Masc, s.case);
        let mut o = s.done(
            Class::Date,
            spoken,
            s.core_end,
            s.noted("; a day of the month"),
        );
        o.read.gender = Some(Gender::Masc);
        Some(o)
    }

    /// A day of a month: before the month's name, before `من الشهر`, or first in a range
    /// or list of days that ends in a month.
    pub(super) fn read_day_of_month(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let n = s.n?;
        if !s.whole || !(1..=31).contains(&n) || s.ctx.neg {
            return None;
        }
        if let Some((spoken, mend)) = self.day_before_month(n, s.case, s.core_end) {
            return Some(s.done(Class::Date, spoken, mend, s.noted(DAY_OF_MONTH)));
        }
        // `13 من الشهر المقبل`، `10 من ذي القعدة`: a day of the month.
        let rule = if self.month_phrase_after(s.core_end) {
            s.noted("; day of the month: ordinal")
        } else if !self.text[..s.ctx.start].trim_end().ends_with('/')
            && self.day_list_reaches_month(s.core_end)
        {
            // `من 5 إلى 10 يناير`، `بين 1 و5 يونيو`، `في 1 و2 و3 يونيو`، `الأيام 5 و6 و7
            // من الشهر`: the first day of a range or list of days that ends in a month.
            s.noted("; first day of a range of days: ordinal")
        } else {
            return None;
        };
        let spoken = ordinal(n, Gender::Masc, s.case);
        Some(s.done(Class::Date, spoken, s.core_end, rule))
    }
}

/// Whether the day ending at `pos` is a numeric date's: a slash and a month of one or two
/// digits follow, then a slash (`من 20 – 30 /10/1436`).
fn numeric_month_after(text: &str, pos: usize) -> bool {
    let rest = text[pos..].trim_start();
    let Some(rest) = rest.strip_prefix('/') else {
        return false;
    };
    let rest = rest.trim_start();
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    (1..=2).contains(&digits) && rest[digits..].trim_start().starts_with('/')
}
