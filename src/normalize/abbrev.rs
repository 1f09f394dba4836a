//! Abbreviations from the lexicon: `د.` → `الدكتور` before a name, `ص.ب` → `صندوق البريد`.

use super::lexicon::abbreviations;

/// Where an abbreviation applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Where {
    /// Only before a name.
    Name,
    /// Wherever it stands as a word.
    Any,
    /// Only after a year (handled with the year).
    Year,
}

/// Looks a written word up; returns its spoken form and where it applies.
pub fn lookup(word: &str) -> Option<(&'static str, Where)> {
    let (spoken, w) = abbreviations().get(word)?;
    let w = match *w {
        "name" => Where::Name,
        "year" => Where::Year,
        _ => Where::Any,
    };
    Some((spoken, w))
}
