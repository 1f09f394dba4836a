//! Ranges and scores: `2010-2015` → `من ألفين وعشرة إلى ألفين وخمسة عشر`,
//! `3-1` → `ثلاثة مقابل واحد`.

/// Reads a range from its two spoken ends. `from_written` says the text already has
/// `من` (or `بين`) before it, so only the second end gets a word.
pub fn range(a: &str, b: &str, from_written: bool) -> String {
    if from_written {
        format!("{a} إلى {b}")
    } else {
        format!("من {a} إلى {b}")
    }
}

/// Reads a score from its two spoken ends.
pub fn score(a: &str, b: &str) -> String {
    format!("{a} مقابل {b}")
}
