//! Clean-up that must not change what an article means: byte-order marks, line endings,
//! tatweel, bidi and zero-width marks, control characters, exotic spaces, repeated spaces.

/// Returns `true` for marks that only steer display (bidi controls, zero-width joiners and
/// spaces, the BOM) and carry no sound, so removing them cannot change the reading.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{FEFF}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{061C}'
            | '\u{00AD}'
    )
}

/// Returns `true` for spaces other than the ASCII space that should read as one.
fn is_odd_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\u{00A0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}'
    )
}

/// Tatweel (kashida) only stretches letters on screen.
const TATWEEL: char = '\u{0640}';

/// Cleans a whole document: line endings become `\n`, invisible marks and tatweel go (a run
/// of tatweel after no letter is a dash and becomes `-`),
/// odd spaces become one ASCII space, runs of spaces fold to one and every line is trimmed.
/// Blank lines are kept (they separate paragraphs).
pub fn clean(raw: &str) -> String {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(unified.len());
    for (i, line) in unified.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&clean_line(line));
    }
    // No trailing blank lines: they carry nothing and would make byte-identical output
    // depend on an editor's habits.
    let trimmed = out.trim_end_matches('\n').len();
    out.truncate(trimmed);
    out
}

/// Cleans one line (see [`clean`]); also used on text that arrives line by line.
pub fn clean_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut pending_space = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        // Kept: a right-to-left mark between a decimal point and a digit (`54.\u{200F}92`)
        // records that the paper stored the decimal reversed; the normalizer reads it.
        let stored_decimal = c == '\u{200F}'
            && out.ends_with(['.', ','])
            && chars.peek().is_some_and(char::is_ascii_digit);
        // Control characters carry no sound, and one that reaches a tag or a terminal does
        // harm: a NUL ends an ID3 text early, an ESC sequence retitles or clears a terminal.
        if is_invisible(c) && !stored_decimal {
            continue;
        }
        // Tatweel stretches the letter it joins; a run that joins none, between spaces,
        // digits or signs, is a dash some papers draw with it (`2 ــ 1`، `2ــ1`، `الرياض
        // ـ واس`), which must not vanish and glue the numbers on either side into one.
        if c == TATWEEL {
            let after_letter =
                !pending_space && out.ends_with(|p: char| is_arabic_letter(p) || is_arabic_mark(p));
            while chars.next_if_eq(&TATWEEL).is_some() {}
            let before_letter = chars.peek().is_some_and(|&n| is_arabic_letter(n));
            if after_letter || before_letter {
                continue;
            }
            if pending_space {
                out.push(' ');
                pending_space = false;
            }
            out.push('-');
            continue;
        }
        // Control characters (ESC, BEL, backspace, C1 controls…) carry no sound and, echoed
        // in a message or by `split`, would drive the terminal: each reads as a space.
        if c == ' ' || is_odd_space(c) || c.is_control() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
    out
}

/// Returns `true` if `c` is a letter of the Arabic script.
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06FA}'..='\u{06FC}' | '\u{0750}'..='\u{077F}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}')
}

/// Returns `true` for Arabic diacritics (harakat, tanween, shadda, sukun, dagger alef).
pub fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{064B}'..='\u{065F}' | '\u{0670}')
}

/// Returns `true` if the text has Latin letters and no Arabic letter: an English caption
/// line in a wire story, which the Arabic voice must not read.
pub fn is_latin_only(s: &str) -> bool {
    !s.chars().any(is_arabic_letter) && s.chars().any(|c| c.is_ascii_alphabetic())
}

/// Returns `true` if any character is a decimal digit of any script.
pub fn has_digit(s: &str) -> bool {
    s.chars().any(is_digit)
}

/// Returns `true` for a decimal digit in the scripts news text uses: ASCII, Arabic-Indic
/// (`٠-٩`) and Persian (`۰-۹`).
pub fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
        || ('\u{0660}'..='\u{0669}').contains(&c)
        || ('\u{06F0}'..='\u{06F9}').contains(&c)
}

/// Escapes text for XML content and attribute values: the feed, the read-along page and
/// SSML speech requests.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_marks_that_do_not_sound() {
        let raw =
            "\u{FEFF}قال\u{200F} الــوزير\u{00A0}\u{00A0}إن  الخطة\u{200B}  جاهزة\r\nسطر\rثان\n\n";
        assert_eq!(clean(raw), "قال الوزير إن الخطة جاهزة\nسطر\nثان");
    }

    #[test]
    fn tatweel_after_no_letter_is_a_dash() {
        // The score `2ــ1` once lost its tatweel and was read as twenty-one.
        assert_eq!(clean_line("فاز 2ــ1 أمس"), "فاز 2-1 أمس");
        assert_eq!(clean_line("فاز 2 ــ 1 أمس"), "فاز 2 - 1 أمس");
        assert_eq!(clean_line("الرياض ـ واس"), "الرياض - واس");
        // After a letter it only stretches it.
        assert_eq!(
            clean_line("الـ13 والــوزير 1440هـ كـ«ـقطعة»"),
            "ال13 والوزير 1440ه ك«قطعة»"
        );
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(
            clean_line("قال\u{1b}]0;pwned\u{7}الوزير\u{1b}[2K إن\u{8}\u{9b}31m"),
            "قال ]0;pwned الوزير [2K إن 31m"
        );
        assert_eq!(clean("أ\u{0}ب\u{7f}\r\nج\u{c}د"), "أ ب\nج د");
    }

    #[test]
    fn keeps_blank_lines_between_paragraphs() {
        assert_eq!(clean("أ\n\n  ب  \n"), "أ\n\nب");
    }

    #[test]
    fn latin_caption_detection() {
        assert!(is_latin_only("Protesters toppled a statue"));
        assert!(!is_latin_only("Protesters أسقطوا"));
        assert!(!is_latin_only("2024"));
    }

    #[test]
    fn digits_of_every_script() {
        assert!(has_digit("عام 1991"));
        assert!(has_digit("عام ١٩٩١"));
        assert!(has_digit("عام ۱۹۹۱"));
        assert!(!has_digit("عام ألف"));
    }
}
