//! The pronunciation lexicon: words the letter rules get wrong, written with full
//! diacritics. The bundled list (`data/lexicon.txt`) is compiled in; a user's file in the
//! same format is layered on top (see [`Lexicon::add`]).
//!
//! Format: one entry a line, `#` starts a comment. An entry is either a diacritized word
//! (`حُكُومَة`), whose key is the same word with its marks removed, or `KEY<TAB>DIACRITIZED`
//! when the spelling to match differs from the one that shows the sound (`هذا<TAB>هٰذَا`).
//! Entries without case endings give the pausal reading. Keys are matched on the word
//! without clitics and article too, so a stem entry serves `والحكومة` and `بحكومة`.

use std::collections::HashMap;

const BUNDLED: &str = include_str!("data/lexicon.txt");

/// A pronunciation lexicon: undiacritized spelling → diacritized spelling.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    exact: HashMap<String, String>,
    loose: HashMap<String, String>,
}

impl Lexicon {
    /// The lexicon compiled into rawi.
    pub fn bundled() -> Lexicon {
        let mut lex = Lexicon::default();
        lex.add(BUNDLED);
        lex
    }

    /// Adds the entries of a lexicon text; later entries win over earlier ones.
    pub fn add(&mut self, text: &str) {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let (key, value) = match line.split_once('\t') {
                Some((k, v)) => (strip_marks(k.trim()), v.trim().to_owned()),
                None => (strip_marks(line), line.to_owned()),
            };
            if key.is_empty() || value.is_empty() {
                continue;
            }
            self.loose.insert(loosen(&key), value.clone());
            self.exact.insert(key, value);
        }
    }

    /// The diacritized spelling of an undiacritized word, if listed. A spelling with its
    /// hamza seats dropped (common in news text: اعلن for أعلن) also matches.
    pub fn get(&self, bare: &str) -> Option<&str> {
        if let Some(v) = self.exact.get(bare) {
            return Some(v);
        }
        // Only a spelling without any hamza seat is taken as loose: آن must not find أن.
        if bare.chars().any(|c| matches!(c, 'أ' | 'إ' | 'آ' | 'ٱ')) {
            return None;
        }
        self.loose.get(&loosen(bare)).map(String::as_str)
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.exact.len()
    }

    /// Whether there are no entries.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty()
    }
}

/// Whether `c` is an Arabic diacritic (harakat, tanween, shadda, sukun, dagger alef, and
/// the other combining marks of the Arabic block) or tatweel.
pub fn is_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{06D6}'..='\u{06ED}')
}

/// The word with its diacritics and tatweel removed.
pub fn strip_marks(word: &str) -> String {
    word.chars().filter(|c| !is_mark(*c)).collect()
}

/// Folds the hamza seats on alef and the alef maqsura, which news text often writes loosely.
fn loosen(word: &str) -> String {
    word.chars()
        .map(|c| match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ى' => 'ي',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_entries_parse() {
        let lex = Lexicon::bundled();
        assert!(lex.len() > 200, "{}", lex.len());
        assert_eq!(lex.get("هذا"), Some("هٰذَا"));
    }

    #[test]
    fn user_entries_override() {
        let mut lex = Lexicon::bundled();
        lex.add("هذا\tهَاذَا\n");
        assert_eq!(lex.get("هذا"), Some("هَاذَا"));
    }
}
