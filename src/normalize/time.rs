//! Clock times: `10:30` → `العاشرة والنصف`, `8:00 مساء` → `الثامنة مساء`.
//!
//! The hour is a feminine ordinal (it describes الساعة). Quarter, third and half hours
//! have their own words; `:45` and `:40` are read as the next hour less a quarter/third.

use super::cardinal::cardinal;
use super::cardinal::{below_hundred, noun_number, Case, Form, Gender, NounNumber};
use super::lexicon::{counted_noun, units, Role};
use super::ordinal::ordinal;
use super::reader::{join_prefix, scale_word, value, with, Ctx, Outcome, Reader, Single};
use super::scan::{self, next_word, Core};
use super::Class;

/// The hour 0..=24 as said on the 12-hour clock.
fn hour_word(h: u64) -> String {
    let h12 = match h % 12 {
        0 => 12,
        x => x,
    };
    if h12 == 1 {
        return "الواحدة".into();
    }
    ordinal(h12, Gender::Fem, Case::Nom)
}

/// Minutes or seconds other than the named fractions: `وخمس دقائق`، `وعشرين دقيقة`.
/// Policy (README, Clock times): minutes and seconds are coordinated with the hour, so
/// both take the case of the whole time expression, which the caller decides: oblique
/// after a preposition or الساعة (the usual `على الساعة`، `في تمام الساعة`), nominative
/// when the time stands alone (a sentence's start, a bracket).
fn part(m: u64, case: Case, one: &str, two: [&str; 2], plural: &str, single: &str) -> String {
    let f = Form {
        gender: Gender::Fem,
        case,
        construct: false,
    };
    match noun_number(m) {
        NounNumber::One => format!("و{one} واحدة"),
        NounNumber::Two => format!("و{}", two[usize::from(case != Case::Nom)]),
        NounNumber::Plural => format!("و{} {plural}", below_hundred(m, f)),
        _ => format!("و{} {single}", below_hundred(m, f)),
    }
}

/// A period of the day implied by a 24-hour time, when none is written.
fn period(h: u64) -> Option<&'static str> {
    match h {
        13..=17 => Some("بعد الظهر"),
        18..=23 => Some("مساء"),
        _ => None,
    }
}

/// Reads `h:m` (with optional seconds) in the oblique, the case of a time after
/// الساعة or a preposition. `None` if it is not a valid time. `marked` says a period
/// word (صباحا، مساء) follows in the text, so none is added.
pub fn time(h: u64, m: u64, s: Option<u64>, marked: bool) -> Option<String> {
    time_in(h, m, s, marked, Case::Obl)
}

/// Reads `h:m` (with optional seconds), minutes and seconds in `case` (see [`part`]).
pub fn time_in(h: u64, m: u64, s: Option<u64>, marked: bool, case: Case) -> Option<String> {
    if h > 24 || m > 59 || s.is_some_and(|s| s > 59) {
        return None;
    }
    if h == 0 && m == 0 && s.unwrap_or(0) == 0 && !marked {
        return Some("منتصف الليل".into());
    }
    let mut out = match m {
        0 => hour_word(h),
        15 => format!("{} والربع", hour_word(h)),
        20 => format!("{} والثلث", hour_word(h)),
        30 => format!("{} والنصف", hour_word(h)),
        40 => format!("{} إلا ثلثا", hour_word(h + 1)),
        45 => format!("{} إلا ربعا", hour_word(h + 1)),
        _ => format!(
            "{} {}",
            hour_word(h),
            part(m, case, "دقيقة", ["دقيقتان", "دقيقتين"], "دقائق", "دقيقة")
        ),
    };
    if let Some(s) = s.filter(|&s| s > 0) {
        let w = part(s, case, "ثانية", ["ثانيتان", "ثانيتين"], "ثوان", "ثانية");
        out.push(' ');
        out.push_str(&w);
    }
    if !marked {
        let hh = if m >= 40 && (m == 40 || m == 45) {
            h + 1
        } else {
            h
        };
        if let Some(p) = period(hh.min(23)) {
            out.push(' ');
            out.push_str(p);
        }
    }
    Some(out)
}

/// The period word for an abbreviation written after a time.
pub fn period_mark(word: &str) -> Option<&'static str> {
    match word {
        "ص" | "ص." | "صباحا" | "صباحًا" | "صباحاً" | "صباح" | "AM" | "am" | "a.m." => {
            Some("صباحا")
        }
        "م" | "م." | "مساء" | "مساءً" | "مساءا" | "PM" | "pm" | "p.m." => {
            Some("مساء")
        }
        "ظهرا" | "ظهرًا" | "ظهراً" => Some("ظهرا"),
        "فجرا" | "فجرًا" | "فجراً" => Some("فجرا"),
        "عصرا" | "عصرًا" | "عصراً" => Some("عصرا"),
        "ليلا" | "ليلًا" | "ليلاً" => Some("ليلا"),
        _ => None,
    }
}

/// Whether `word` names a period of the day in full (`مساء`، `صباحا`، `PM`), so that a
/// bare number before it is an hour: `حتى 5 مساء`. The one-letter marks (`م`، `ص`) are
/// also the metre, the era and the page, and do not count.
pub fn period_word(word: &str) -> bool {
    period_mark(word).is_some() && !matches!(word, "م" | "م." | "ص" | "ص.")
}

// The reader's part for this class: finding the token's parts and context in the
// sentence (the functions above only verbalize a parsed value).
impl<'a> Reader<'a> {
    /// Reads an hour (and minutes) with an optional period mark after it.
    pub(super) fn hour(
        &self,
        h: u64,
        m: u64,
        s: Option<u64>,
        end: usize,
        ctx: &Ctx,
        rule: String,
    ) -> Outcome {
        let text = self.text;
        let mut end_at = end;
        let mut suffix = "";
        let mut marked = false;
        if let Some(x) = next_word(text, end).filter(|x| !x.glued || period_mark(x.word).is_some())
        {
            let raw_end = super::scan::word_end(text, x.start);
            let raw = text[x.start..raw_end].trim_end_matches(['،', ',']);
            if let Some(p) = period_mark(raw).or_else(|| period_mark(x.word)) {
                marked = true;
                if raw.chars().count() <= 4 && !raw.starts_with("مساء") {
                    // An abbreviation: replace it with the word. Its full stop stays in
                    // the text (`9:00 ص.` ends the sentence too).
                    suffix = p;
                    end_at = x.start
                        + if period_mark(raw).is_some() {
                            raw.strip_suffix('.').map_or(raw.len(), str::len)
                        } else {
                            x.word.len()
                        };
                }
            }
        }
        // `15:16 ت م`: the time zone a wire marks its times with.
        if suffix.is_empty() {
            let rest = &text[end_at..];
            for (mark, says) in [
                (" ت م", "بتوقيت مكة المكرمة"),
                (" ت.م", "بتوقيت مكة المكرمة"),
                (" ت غ", "بتوقيت غرينتش"),
                (" ت.غ", "بتوقيت غرينتش"),
                (" GMT", "بتوقيت غرينتش"),
                (" غرينتش", "بتوقيت غرينتش"),
            ] {
                let closed = rest
                    .strip_prefix(mark)
                    .is_some_and(|r| r.chars().next().is_none_or(|c| !c.is_alphabetic()));
                if closed {
                    marked = true;
                    suffix = says;
                    end_at += mark.len();
                    break;
                }
            }
        }
        let (case, _, _) = self.context(ctx);
        match time_in(h, m, s, marked, case) {
            Some(mut t) => {
                if !suffix.is_empty() {
                    t.push(' ');
                    t.push_str(suffix);
                }
                Outcome::prefixed(
                    ctx,
                    end_at,
                    Case::Nom,
                    Class::Time,
                    &t,
                    with(rule, "; clock time: feminine ordinal hour"),
                )
            }
            None => Outcome::prefixed(
                ctx,
                end,
                Case::Nom,
                Class::Identifier,
                &cardinal(h, Form::masc(Case::Nom)),
                "not a clock time".into(),
            ),
        }
    }

    /// `18س30`، `18سا30`، `14h30`، `14h`: the Maghreb press's hour letter (ساعة, or the
    /// French `h`) between the hour and the minutes, read as a clock time.
    pub(super) fn hour_letter(&mut self, c: &Core, ctx: &Ctx) -> Option<Outcome> {
        let [g] = c.groups.as_slice() else {
            return None;
        };
        if g.frac.is_some() || g.int.len() > 2 || !ctx.prefix.chars().all(|p| p == 'و') {
            return None;
        }
        let h = value(&g.int).filter(|&h| h <= 24)?;
        let text = self.text;
        let rest = &text[c.end..];
        // `14 سا 30 د` (Algerian papers) spaces the parts; only `سا`, which is no word of
        // its own, is taken apart from the digits.
        let (after, spaced) = match ["سا", "س", "h", "H"]
            .iter()
            .find_map(|l| rest.strip_prefix(l))
        {
            Some(a) => (a, false),
            None => (rest.strip_prefix(" سا")?, true),
        };
        let gap = if spaced {
            after.len() - after.trim_start_matches(' ').len()
        } else {
            0
        };
        let digits = after[gap..].bytes().take_while(u8::is_ascii_digit).count();
        let m = match digits {
            0 => 0,
            2 => value(&after[gap..gap + 2]).filter(|&m| m <= 59)?,
            _ => return None,
        };
        let mut end = text.len() - after.len() + if digits > 0 { gap + digits } else { 0 };
        // `30 د`: the minutes' letter.
        if spaced && digits > 0 {
            if let Some(r) = text[end..].strip_prefix(" د") {
                if !r.starts_with(|ch: char| ch.is_alphanumeric()) {
                    end += " د".len();
                }
            }
        }
        // `5سنوات`، `3ساعات`: a word glued to a number is not an hour letter.
        if text[end..].starts_with(|ch: char| ch.is_alphanumeric()) {
            return None;
        }
        // A Latin letter after the digits made the token a code, which leaves its prefix
        // out of the span: take it back.
        let ctx = Ctx {
            start: ctx.digits - ctx.prefix.len(),
            mixed: false,
            ..ctx.clone()
        };
        let (_, _, rule) = self.context(&ctx);
        Some(self.hour(h, m, None, end, &ctx, with(rule, "; hour letter")))
    }

    /// `9:00-11:30`: a span of two clock times written as one token, said `… إلى …`; a
    /// period word after it belongs to the second time only.
    pub(super) fn clock_span(&mut self, c: &Core, ctx: &Ctx) -> Option<Outcome> {
        if c.groups.iter().any(|g| g.frac.is_some() || g.int.len() > 2) {
            return None;
        }
        let v: Vec<u64> = c
            .groups
            .iter()
            .map(|g| value(&g.int))
            .collect::<Option<_>>()?;
        let [h1, m1, h2, m2] = v[..] else {
            return None;
        };
        let (case, _, rule) = self.context(ctx);
        let first = time_in(h1, m1, None, true, case)?;
        time_in(h2, m2, None, true, case)?;
        let bare = Ctx {
            prefix: String::new(),
            ..ctx.clone()
        };
        let mut o = self.hour(
            h2,
            m2,
            None,
            c.end,
            &bare,
            with(rule, "; a span of two times"),
        );
        o.read.spoken = join_prefix(&ctx.prefix, &format!("{first} إلى {}", o.read.spoken));
        Some(o)
    }

    /// `10:30`, `14:15:05`: a clock time, if the numbers are a valid time.
    pub(super) fn clock(&mut self, c: &Core, ctx: &Ctx) -> Option<Outcome> {
        if c.groups.iter().any(|g| g.frac.is_some() || g.int.len() > 2) {
            return None;
        }
        let mut h = value(&c.groups[0].int)?;
        let mut m = value(&c.groups[1].int)?;
        // `45: 10 مساء`: a time typed right to left stores its minutes first; a first
        // part that cannot be an hour, with a space after the colon, gives it away.
        let raw = &self.text[ctx.digits..c.end];
        if (25..=59).contains(&h) && m <= 24 && c.groups.len() == 2 && raw.contains(": ") {
            std::mem::swap(&mut h, &mut m);
        }
        let s = match c.groups.get(2) {
            Some(g) => Some(value(&g.int)?),
            None => None,
        };
        if h > 24 || m > 59 || s.is_some_and(|s| s > 59) {
            return None;
        }
        let (_, _, rule) = self.context(ctx);
        // `18:00 - 20:00`: a dash between two times is said `إلى`.
        let text = self.text;
        let head = text[..ctx.start].trim_end();
        let dash_start = head
            .strip_suffix(['-', '–'])
            .map(str::len)
            .filter(|_| ctx.prefix.is_empty());
        let dash = dash_start.filter(|&d| {
            self.last.is_some_and(|l| {
                l.class == Class::Time && l.end <= d && text[l.end..d].trim().is_empty()
            })
        });
        if let Some(start) = dash {
            let ctx = Ctx {
                start,
                prefix: "إلى ".into(),
                ..ctx.clone()
            };
            return Some(self.hour(
                h,
                m,
                s,
                c.end,
                &ctx,
                with(rule, "; a dash between two times"),
            ));
        }
        Some(self.hour(h, m, s, c.end, ctx, rule))
    }
}

/// The readings of a lone number that belong to this class (see [`Reader::single`]).
impl<'a> Reader<'a> {
    /// `و47 دقيقة` after an hour ending at `end`: the minutes and where their noun ends.
    fn minutes_after(&self, end: usize) -> Option<(u64, usize)> {
        let text = self.text;
        let rest = text[end..].trim_start_matches(' ');
        let rest = rest.strip_prefix('و')?.trim_start_matches(' ');
        let start = text.len() - rest.len();
        let d_end = scan::digits_end(text, start);
        let m = value(&scan::core(text, start).groups.first()?.int).filter(|&m| m <= 59)?;
        if d_end == start || d_end - start > 2 {
            return None;
        }
        let x = next_word(text, d_end).filter(|x| !x.broken && !x.glued)?;
        matches!(x.word, "دقيقة" | "دقائق" | "دق" | "د").then_some((m, x.end))
    }

    /// Clock times in press styles: `الساعة 1.30`، `الساعة 0450`.
    pub(super) fn read_press_time(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        if !matches!(s.role, Some(Role::Time)) || s.ctx.neg || s.ctx.unit_before.is_some() {
            return None;
        }
        let g = s.g;
        let (h, m) = match &g.frac {
            Some(f) if f.len() == 2 && g.int.len() <= 2 => (g.int.as_str(), f.as_str()),
            None if g.int.len() == 4 => (&g.int[..2], &g.int[2..]),
            _ => return None,
        };
        let (h, m) = (value(h)?, value(m)?);
        (h <= 24 && m <= 59)
            .then(|| self.hour(h, m, None, s.core_end, s.ctx, s.noted("; press time")))
    }

    /// `(08.00 إلى 14.00)`: a clock time written with a dot, known by its two-digit hour
    /// and minutes when no unit or amount follows.
    pub(super) fn read_dotted_time(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let g = s.g;
        let f = g
            .frac
            .as_ref()
            .filter(|f| f.len() == 2 && g.int.len() == 2)?;
        let (h, m) = (value(&g.int).unwrap_or(99), value(f).unwrap_or(99));
        let amount = s.next.is_some_and(|x| {
            !x.broken
                && (units().contains_key(x.word)
                    || scale_word(x.word).is_some()
                    || counted_noun(x.word).is_some()
                    || x.word.starts_with(['%', '٪'])
                    || x.word.contains("مائة")
                    || x.word.contains("مئة"))
        });
        let clock = h <= 24 && m <= 59 && (f == "00" || g.int.starts_with('0'));
        (clock && !amount && !s.ctx.neg).then(|| {
            self.hour(
                h,
                m,
                None,
                s.core_end,
                s.ctx,
                s.noted("; dotted clock time"),
            )
        })
    }

    /// Hours; `الساعة 16 و47 دقيقة`: the minutes written as words join the time.
    pub(super) fn read_hour(&mut self, s: &Single<'_, 'a>) -> Option<Outcome> {
        let n =
            s.n.filter(|&n| s.whole && n <= 24 && matches!(s.role, Some(Role::Time)))?;
        if let Some((m, end)) = self.minutes_after(s.core_end) {
            return Some(self.hour(n, m, None, end, s.ctx, s.noted("; minutes in words")));
        }
        Some(self.hour(n, 0, None, s.core_end, s.ctx, s.rule.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock() {
        assert_eq!(time(10, 30, None, false).as_deref(), Some("العاشرة والنصف"));
        assert_eq!(time(7, 45, None, false).as_deref(), Some("الثامنة إلا ربعا"));
        assert_eq!(
            time(14, 15, None, false).as_deref(),
            Some("الثانية والربع بعد الظهر")
        );
        assert_eq!(
            time(3, 12, None, true).as_deref(),
            Some("الثالثة واثنتي عشرة دقيقة")
        );
        assert_eq!(time(0, 0, None, false).as_deref(), Some("منتصف الليل"));
        assert_eq!(time(25, 0, None, false), None);
        assert_eq!(time(9, 60, None, false), None);
    }
}
