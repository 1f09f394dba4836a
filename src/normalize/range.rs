//! Ranges and scores: `2010-2015` → `من ألفين وعشرة إلى ألفين وخمسة عشر`,
//! `3-1` → `ثلاثة مقابل واحد`.

use super::cardinal::{cardinal, Case, Form, Gender};
use super::lexicon::{self, units, Role};
use super::ordinal::ordinal;
use super::reader::{join_prefix, role_of, strip_conj, value, with, Ctx, Outcome, Read, Reader};
use super::scan::{self, digit, next_word, prev_word, Core};
use super::{date, digits, measure, Class};

/// Reads a range from its two spoken ends. `from_written` says the text already has
/// `من` (or `بين`) before it, so only the second end gets a word.
pub fn range(a: &str, b: &str, from_written: bool) -> String {
    if from_written {
        format!("{a} إلى {b}")
    } else {
        format!("من {a} إلى {b}")
    }
}

/// Reads a score from its two spoken ends. The second is governed by مقابل, so the
/// caller gives it in the oblique whatever the first one's case.
pub fn score(a: &str, b: &str) -> String {
    format!("{a} مقابل {b}")
}

/// Whether a pair of numbers after `word` is a range whatever the page is about, even in
/// a match report: `بين 3 - 5`، `من 10 - 15`، `حوالي 61-72`.
fn opens_range(word: &str) -> bool {
    matches!(word, "بين" | "من" | "حوالي" | "نحو" | "زهاء")
}

/// Whether a word before two years joined by a dash makes them one season
/// (`موسم 2014-2015`، `العام الدراسي 2025-2026`).
fn names_season(word: &str) -> bool {
    matches!(
        word,
        "موسم"
            | "الموسم"
            | "لموسم"
            | "للموسم"
            | "بموسم"
            | "الدراسي"
            | "المالي"
            | "عام"
            | "العام"
            | "للعام"
            | "لعام"
    )
}

/// The digits (any script, as ASCII) that end `text`: the first number before a spaced
/// dash.
fn trailing_digits(text: &str) -> String {
    let start = text
        .char_indices()
        .rev()
        .take_while(|&(_, c)| digit(c).is_some())
        .last()
        .map_or(text.len(), |(k, _)| k);
    scan::digits_at(text, start).0
}

/// Two whole-or-decimal numbers joined by a dash, as the reader found them.
#[derive(Clone, Copy)]
struct Pair {
    /// The first number's value.
    x: u64,
    /// The second's, with a short year completed (`1990-95` → 1995).
    y: u64,
    /// Whether neither has a fraction.
    whole: bool,
    /// Whether the first is a year of four digits.
    year_a: bool,
}

// The reader's part for this class: finding the token's parts and context in the
// sentence (the functions above only verbalize a parsed value).
impl<'a> Reader<'a> {
    /// Two numbers with a dash: a score, a month-year date, a range or phone groups.
    pub(super) fn dash(&mut self, c: &Core, ctx: &Ctx) -> Option<Outcome> {
        let (a, b) = (&c.groups[0], &c.groups[1]);
        if a.int.len() <= 2 && b.int.len() == 4 && a.frac.is_none() && b.frac.is_none() {
            if let Some(d) = value(&a.int)
                .zip(value(&b.int))
                .and_then(|(x, y)| date::month_year(x, y))
            {
                return Some(Outcome::prefixed(
                    ctx,
                    c.end,
                    Case::Obl,
                    Class::Date,
                    &d,
                    "month-year date".into(),
                ));
            }
        }
        // `القانون 12-81`، `الملف رقم 45-2019`: the parts of a document's number.
        if a.frac.is_none() && b.frac.is_none() && self.names_reference(ctx.start, None) {
            let s = digits::reference([a.int.as_str(), b.int.as_str()].into_iter());
            let (case, _, rule) = self.context(ctx);
            return Some(Outcome::prefixed(
                ctx,
                c.end,
                case,
                Class::Identifier,
                &s,
                with(rule, "; reference number in parts"),
            ));
        }
        if digits::is_identifier(&a.int) || digits::is_identifier(&b.int) {
            let s = digits::read_groups([a.int.as_str(), b.int.as_str()].into_iter(), false);
            return Some(Outcome::prefixed(
                ctx,
                c.end,
                Case::Nom,
                Class::Telephone,
                &s,
                "digit groups with a dash: digit by digit".into(),
            ));
        }
        let x = value(&a.int)?;
        let mut y = value(&b.int)?;
        let whole = a.frac.is_none() && b.frac.is_none();
        let year_a = whole && a.int.len() == 4 && (1000..=2199).contains(&x);
        if year_a && b.int.len() == 2 && y > x % 100 {
            y += x - x % 100; // 1990-95
        }
        let pair = Pair {
            x,
            y,
            whole,
            year_a,
        };
        let (case, _, rule) = self.context(ctx);
        let prev = prev_word(self.text, ctx.start)
            .map(|(_, w)| w)
            .unwrap_or("");
        let bare_prev = strip_conj(prev).unwrap_or(prev);
        // `10-16 مارس`، `من 3-9 من شهر رمضان`: a range of days inside one date.
        if whole && a.int.len() <= 2 && b.int.len() <= 2 && (1..y).contains(&x) && y <= 31 {
            if let Some(o) = self.day_range(x, y, c.end, ctx, case, bare_prev) {
                return Some(o);
            }
        }
        if self.dash_score(&pair, c.end, bare_prev) {
            return Some(self.score_outcome(x, y, ctx, c.end, "; score"));
        }
        Some(self.dash_range(c, ctx, &pair, prev, case, rule))
    }

    /// Whether two whole numbers with a dash are a score: after a score word or in a
    /// sports text up to 50 each, in a match report up to 200; a drawn pair; a larger
    /// first number up to 20.
    fn dash_score(&mut self, p: &Pair, end: usize, bare_prev: &str) -> bool {
        let Pair {
            x,
            y,
            whole,
            year_a,
        } = *p;
        let score_word = lexicon::is_score_word(bare_prev);
        let is_score = whole && !year_a && (score_word || self.sporty()) && x <= 50 && y <= 50;
        // Basketball and handball results run past 50 (`النجم الرادسي 61-72`): in a match
        // report a glued pair up to 200 is a score too, unless the text makes it a range
        // (`من`، `بين`، `حوالي` before it) or a noun after it counts it (`65-80 كلغ`).
        let mut big_score = || {
            whole
                && !year_a
                && x <= 200
                && y <= 200
                && (x > 50 || y > 50)
                && !opens_range(bare_prev)
                && self.sporty()
                && self.counted_after(end, y).0.is_none()
                && self.unit_after_range(y, end, whole).is_none()
        };
        // An equal pair is never a range (`from 1 to 1`): a drawn score.
        let drawn = whole && x == y && x <= 20;
        is_score || big_score() || drawn || (whole && !year_a && x > y && x <= 20)
    }

    /// Two numbers with a dash read as a range (or a season, or a pair of years), both
    /// ends in the form the counted noun needs, with an era mark or a unit after it.
    fn dash_range(
        &self,
        c: &Core,
        ctx: &Ctx,
        p: &Pair,
        prev: &str,
        case: Case,
        rule: String,
    ) -> Outcome {
        let (a, b) = (&c.groups[0], &c.groups[1]);
        let Pair {
            x,
            y,
            whole,
            year_a,
        } = *p;
        let bare_prev = strip_conj(prev).unwrap_or(prev);
        // A range: both ends take the form the counted noun needs, a unit's noun when a
        // unit follows (`15-35 كم/ساعة`: كيلومتر, not the ساعة after the slash).
        let unit = self.unit_after_range(y, c.end, whole);
        let gender = match &unit {
            Some((_, _, g)) => *g,
            None => {
                let (noun, _) = self.counted_after(c.end, y);
                noun.map_or(Gender::Masc, |(_, (g, _, _))| g)
            }
        };
        let f = Form {
            gender,
            case: Case::Obl,
            construct: false,
        };
        let ra = if a.frac.is_some() {
            self.plain(a, f)
        } else {
            cardinal(x, f)
        };
        let rb = if b.frac.is_some() {
            self.plain(b, f)
        } else {
            cardinal(y, f)
        };
        let after_preposition = role_of(prev).is_some_and(|(r, _)| r == Role::Oblique);
        // `موسم 2014-2015`، `العام الدراسي 2025-2026`: one season named by two years.
        let season = year_a && y == x + 1 && names_season(strip_conj(prev).unwrap_or(prev));
        // `خلال عامي 2023-2024`، `سنتي 2010-2011`: a dual names both years.
        let two_years = year_a
            && matches!(
                bare_prev,
                "عامي"
                    | "عامين"
                    | "سنتي"
                    | "سنتين"
                    | "موسمي"
                    | "موسمين"
                    | "لعامي"
                    | "لسنتي"
            );
        let season = season || two_years;
        let mut s = if prev == "بين" || season {
            format!("{ra} و{rb}")
        } else {
            range(&ra, &rb, prev == "من" || after_preposition)
        };
        // `1998-2004م`، `1440-1441هـ`: the era mark closes a range of years.
        let mut end = c.end;
        let mut era = false;
        if year_a || (whole && a.int.len() == 4 && b.int.len() == 4) {
            if let Some((m, e)) = self.era_after(c.end) {
                s.push(' ');
                s.push_str(m);
                end = e;
                era = true;
            }
        }
        // `20-40 كم/ساعة`: the unit is counted by the last number of the range.
        if let Some((unit, e, _)) = unit.filter(|_| !era) {
            s = if prev == "بين" || season {
                format!("{ra} و{unit}")
            } else {
                range(&ra, &unit, prev == "من" || after_preposition)
            };
            end = e;
        }
        Outcome::prefixed(
            ctx,
            end,
            case,
            Class::Range,
            &s,
            format!("{rule}; range of {} numbers", gender.label()),
        )
    }

    /// Days `x` to `y` of the month named after `end` (or after a من there): both
    /// ordinals, the month said once (`من العاشر إلى السادس عشر من مارس`).
    fn day_range(
        &self,
        x: u64,
        y: u64,
        end: usize,
        ctx: &Ctx,
        case: Case,
        prev: &str,
    ) -> Option<Outcome> {
        let text = self.text;
        let (tail, month_end) = match self.month_after(end) {
            Some((e, names)) => (format!(" من {names}"), e),
            None => {
                // `3-9 من شهر رمضان`، `5-7 من الشهر الجاري`: the text says من itself.
                let nx = next_word(text, end).filter(|n| !n.broken && n.word == "من")?;
                let month = next_word(text, nx.end)
                    .is_some_and(|w| !w.broken && matches!(w.word, "الشهر" | "شهر"))
                    || self.month_after(nx.end).is_some();
                if !month {
                    return None;
                }
                (String::new(), end)
            }
        };
        let first = ordinal(x, Gender::Masc, case);
        let last = ordinal(y, Gender::Masc, case);
        let s = if prev == "بين" {
            format!("{first} و{last}{tail}")
        } else {
            let from = prev == "من";
            format!("{}{first} إلى {last}{tail}", if from { "" } else { "من " })
        };
        Some(Outcome::prefixed(
            ctx,
            month_end,
            case,
            Class::Date,
            &s,
            "range of days of a month: ordinals".into(),
        ))
    }

    /// A unit written after a range (`20-40 كم/ساعة`): the upper end `y` counted by the
    /// unit's noun, with its period, where the unit ends, and its noun's gender.
    fn unit_after_range(&self, y: u64, end: usize, whole: bool) -> Option<(String, usize, Gender)> {
        if !whole {
            return None;
        }
        let x = next_word(self.text, end).filter(|x| !x.broken || x.glued)?;
        let (uw, per) = match x.word.split_once('/') {
            Some((a, b)) => (a, Some(lexicon::per_unit(b)?)),
            None => (x.word, None),
        };
        let u = units().get(uw).filter(|u| u.after)?;
        let (mut s, _) = measure::whole(y, &u.forms, Case::Obl);
        if let Some(p) = per {
            s.push(' ');
            s.push_str(p);
        }
        Some((s, x.end, u.forms.gender))
    }

    /// `بنتيجة 2 0`: a score whose dash was lost, two small numbers after a score word
    /// with only a space between.
    pub(super) fn bare_score(&mut self, c: &Core, ctx: &Ctx) -> Option<Outcome> {
        let text = self.text;
        let g = c
            .groups
            .first()
            .filter(|g| g.frac.is_none() && c.groups.len() == 1)?;
        // The cheap test first: a second number after one space.
        let second = text[c.end..]
            .strip_prefix(' ')
            .filter(|r| r.starts_with(|ch: char| digit(ch).is_some()))?;
        let prev = prev_word(text, ctx.start).map_or("", |(_, w)| w);
        // `الفترة الثالثة : 46 47`: a basketball period's score after a label, in a
        // match report.
        let labelled = || text[..ctx.start].trim_end().ends_with(':');
        let limit = if lexicon::is_score_word(strip_conj(prev).unwrap_or(prev)) {
            50
        } else if labelled() && self.sporty() {
            200
        } else {
            return None;
        };
        let x = value(&g.int).filter(|&x| x <= limit)?;
        let start = text.len() - second.len();
        let end = scan::digits_end(text, start);
        // The second number must stand alone: no separator joins more digits to it.
        let tail = &text[end..];
        let joined = tail.starts_with(['-', '/', ':'])
            || (tail.starts_with(['.', ','])
                && tail[1..].starts_with(|ch: char| digit(ch).is_some()));
        if end == start || end - start > 2 || joined {
            return None;
        }
        let y = value(&text[start..end]).filter(|&y| y <= limit)?;
        Some(self.score_outcome(x, y, ctx, end, "; two numbers after a score word: a score"))
    }

    /// The score `x` to `y` read from `ctx`'s start to `end`: the first number in the
    /// sentence's case, the second genitive after مقابل.
    pub(super) fn score_outcome(
        &self,
        x: u64,
        y: u64,
        ctx: &Ctx,
        end: usize,
        why: &str,
    ) -> Outcome {
        let (case, _, rule) = self.context(ctx);
        let s = score(
            &cardinal(x, Form::masc(case)),
            &cardinal(y, Form::masc(Case::Obl)),
        );
        Outcome::prefixed(ctx, end, case, Class::Score, &s, with(rule, why))
    }

    /// `النجم الساحلي 3 - 1`، `قرمبالية 72 - 69`، `"1 / 6"`: in a match report, two whole
    /// numbers joined by a spaced dash (or slash) are a score, whatever noun follows the second (the next
    /// team's name, `نتيجة الذهاب`), never a range counting that noun.
    pub(super) fn spaced_score(&mut self, c: &Core, ctx: &Ctx) -> Option<Outcome> {
        const GAP: [char; 2] = [' ', '\u{a0}'];
        let text = self.text;
        let g = c
            .groups
            .first()
            .filter(|g| g.frac.is_none() && c.groups.len() == 1 && g.int.len() <= 3)?;
        let rest = &text[c.end..];
        let after_gap = rest.trim_start_matches(GAP);
        // (A tennis set is also written with a slash: `"1 / 6"`.)
        let after_dash = after_gap.strip_prefix(['-', '–', '/'])?;
        let second = after_dash.trim_start_matches(GAP);
        // A dash spaced on at least one side: `3-1` glued is the dash reader's.
        if after_gap.len() == rest.len() && second.len() == after_dash.len() {
            return None;
        }
        let start = text.len() - second.len();
        let end = scan::digits_end(text, start);
        let tail = &text[end..];
        let joined = tail
            .strip_prefix(['-', '/', ':', '.', ',', '،'])
            .is_some_and(|r| r.starts_with(|ch: char| digit(ch).is_some()));
        if end == start || end - start > 3 || joined {
            return None;
        }
        let x = value(&g.int).filter(|&x| x <= 200)?;
        let y = value(&text[start..end]).filter(|&y| y <= 200)?;
        // `بين 3 - 5`، `من 10 - 15`: a range, whatever the page is about.
        let prev = prev_word(text, ctx.start).map_or("", |(_, w)| w);
        if opens_range(strip_conj(prev).unwrap_or(prev)) || !self.sporty() {
            return None;
        }
        Some(self.score_outcome(
            x,
            y,
            ctx,
            end,
            "; two numbers and a spaced dash in a match report: a score",
        ))
    }

    /// A score with the word صفر on one side (`2-صفر`، `(صفر-2)`، `1/ صفر`): papers
    /// write the nil in letters, so the digits have only one side of the score.
    pub(super) fn zero_score(&self, c: &Core, ctx: &Ctx) -> Option<Outcome> {
        const GAP: [char; 2] = [' ', '\u{a0}'];
        let text = self.text;
        let g = c
            .groups
            .first()
            .filter(|g| g.frac.is_none() && c.groups.len() == 1)?;
        let n = value(&g.int).filter(|&n| n <= 50)?;
        let closed = |r: &str| !r.starts_with(|ch: char| ch.is_alphanumeric() || ch == '/');
        // The nil after the digits.
        let after = text[c.end..]
            .trim_start_matches(GAP)
            .strip_prefix(['-', '–', '/'])
            .map(|r| r.trim_start_matches(GAP))
            .and_then(|r| r.strip_prefix("صفر"))
            .filter(|r| closed(r));
        let (start, end, first_nil) = if let Some(r) = after {
            (ctx.start, text.len() - r.len(), false)
        } else {
            // The nil before them: `صفر-2`، `صفر / 1`.
            let head = text[..ctx.digits]
                .trim_end_matches(GAP)
                .strip_suffix(['-', '–', '/'])?
                .trim_end_matches(GAP)
                .strip_suffix("صفر")?;
            let bounded = !head.ends_with(|ch: char| ch.is_alphanumeric())
                || matches!(head.chars().last(), Some('و' | 'ب'))
                    && !head[..head.len() - 2].ends_with(|ch: char| ch.is_alphanumeric());
            if !bounded || head.len() < self.copied {
                return None;
            }
            (head.len(), c.end, true)
        };
        let at = Ctx {
            start,
            prefix: String::new(),
            ..ctx.clone()
        };
        let (case, _, rule) = self.context(&at);
        // The number after مقابل is genitive.
        let num = cardinal(n, Form::masc(if first_nil { Case::Obl } else { case }));
        let s = if first_nil {
            score("صفر", &num)
        } else {
            score(&num, "صفر")
        };
        let spoken = if first_nil {
            s
        } else {
            join_prefix(&ctx.prefix, &s)
        };
        Some(Outcome::new(
            start,
            end,
            case,
            Class::Score,
            spoken,
            with(rule, "; score with a nil in letters"),
        ))
    }

    /// A dash standing apart between two numbers (`20 - 30`): a range, read إلى, or و
    /// after بين.
    pub(super) fn spaced_dash(&mut self, i: usize) -> Option<Read> {
        let text = self.text;
        let dash_len = if text.as_bytes()[i] == b'-' { 1 } else { 3 };
        let before = &text[..i];
        let after = &text[i + dash_len..];
        // `20 - 30`, and the half-spaced `2016- 2020` (glued on both sides it is one token).
        let (spaced_before, spaced_after) = (before.ends_with(' '), after.starts_with(' '));
        if !spaced_before && !spaced_after {
            return None;
        }
        if !spaced_before && !before.ends_with(|c: char| digit(c).is_some()) {
            return None;
        }
        let last = self.last?;
        if before.trim_end().len() != last.end
            || !matches!(
                last.class,
                Class::Cardinal | Class::Year | Class::Decimal | Class::Date
            )
        {
            return None;
        }
        let rest = after.trim_start();
        if rest.chars().next().is_none_or(|c| digit(c).is_none()) {
            return None;
        }
        let word_before = self
            .tokens
            .last()
            .and_then(|t| prev_word(text, t.span.start));
        let before_is = |words: &[&str]| word_before.is_some_and(|(_, w)| words.contains(&w));
        // The numbers on either side of the dash, as ASCII digits.
        let head = before.trim_end();
        let first = trailing_digits(head);
        let (second, second_end) = scan::digits_at(rest, 0);
        // `1428هـ - 2007م`: one year in two calendars, not a range.
        let two_calendars = last.class == Class::Year
            && head.trim_end_matches('\u{640}').ends_with(['ه', 'م'])
            && rest[second_end..]
                .trim_start_matches(' ')
                .starts_with(['ه', 'م']);
        // `موسم 2014 - 2015`: one season of two years that follow each other, joined as
        // the glued pair's are (`من عام 2010 - 2015` is a range).
        let season = first.len() == 4
            && second.len() == 4
            && value(&second) == value(&first).map(|y| y + 1)
            && word_before.is_some_and(|(_, w)| names_season(strip_conj(w).unwrap_or(w)));
        // A score has numbers of three digits at most each, as a match ends (`72 - 69`),
        // never a pair of years (`2002 ـ 2003`) or thousands.
        let small_pair = (1..=3).contains(&first.len()) && (1..=3).contains(&second.len());
        // `بين 3 - 5`، `من 10 - 15`: a range even in a match report.
        let (spoken, end) = if two_calendars {
            ("الموافق".to_string(), i + dash_len)
        } else if before_is(&["بين"]) || season {
            ("و".to_string(), text.len() - rest.len())
        } else if !word_before.is_some_and(|(_, w)| opens_range(w)) && self.sporty() && small_pair {
            ("مقابل".to_string(), i + dash_len)
        } else {
            ("إلى".to_string(), i + dash_len)
        };
        // A half-spaced dash (`2016- 2020`) still needs a space on each side of its word.
        let mut spoken = spoken;
        if !spaced_before {
            spoken.insert(0, ' ');
        }
        if !spaced_after && spoken != "و" {
            spoken.push(' ');
        }
        Some(Read::new(
            i,
            end,
            Class::Range,
            spoken,
            "dash between two numbers: range".into(),
        ))
    }

    /// The value and end of a number coordinated with the one ending at `end` (`و10`,
    /// `إلى 7`, `- 7`), if there is one.
    pub(super) fn coordinated_number(&self, end: usize) -> Option<(u64, usize)> {
        let text = self.text;
        let rest = text[end..].trim_start();
        // The longer connectors first: `ولغاية` and `وحتى` start with `و`.
        let after_connector = [
            "ولغاية ",
            "لغاية ",
            "وحتى ",
            "وإلى ",
            "و",
            "إلى ",
            "الى ",
            "حتى ",
            "أو ",
            "او ",
            "- ",
            "– ",
            "-",
            "–",
        ]
        .iter()
        .find_map(|c| rest.strip_prefix(c))?
        .trim_start();
        let start = text.len() - after_connector.len();
        let mut n: u64 = 0;
        let mut stop = text.len();
        for (i, c) in after_connector.char_indices() {
            match digit(c) {
                // Sixteen digits at most: a day, a year or an identifier, never an overflow.
                Some(d) if i < 16 => n = n * 10 + u64::from(d),
                Some(_) => return None,
                None => {
                    stop = start + i;
                    break;
                }
            }
        }
        (stop > start).then_some((n, stop))
    }
}
