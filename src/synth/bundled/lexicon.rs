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

use crate::limits::MAX_LEXICON_BYTES;

/// A pronunciation lexicon: undiacritized spelling → diacritized spelling.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    exact: HashMap<String, String>,
    loose: HashMap<String, String>,
    /// For a user's lexicon only: each entry's line, by its loose key, so that a cache key
    /// can name just the entries a sentence may use ([`Lexicon::entries_in`]).
    lines: HashMap<String, Vec<String>>,
    /// Longest loose key in `lines`, in characters.
    longest_key: usize,
}

impl Lexicon {
    /// The lexicon compiled into rawi.
    pub fn bundled() -> Lexicon {
        Lexicon::builtin().clone()
    }

    /// The lexicon compiled into rawi, parsed once per process: the base of every voice's
    /// lexicon, and what tells a built-in entry from a user's.
    pub fn builtin() -> &'static Lexicon {
        static BUILTIN: std::sync::OnceLock<Lexicon> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| {
            let mut lex = Lexicon::default();
            lex.add(BUNDLED);
            lex
        })
    }

    /// Adds the entries of a lexicon text; later entries win over earlier ones.
    pub fn add(&mut self, text: &str) {
        for (key, value, _) in entries(text) {
            self.loose.insert(loosen(&key), value.clone());
            self.exact.insert(key, value);
        }
    }

    /// Reads a user's lexicon file once: bounded in size, a regular file only (a FIFO or a
    /// device is refused, never waited on). Keeps each entry's line for
    /// [`Lexicon::entries_in`]. The error is one line naming the file.
    pub fn read_user(path: &std::path::Path) -> Result<Lexicon, String> {
        let text = crate::fsx::read_input_text(path, MAX_LEXICON_BYTES, "lexicon")
            .map_err(|e| e.to_string())?;
        let n = text.lines().count();
        let mut lex = Lexicon {
            exact: HashMap::with_capacity(n),
            loose: HashMap::with_capacity(n),
            lines: HashMap::with_capacity(n),
            longest_key: 0,
        };
        for (key, value, line) in entries(&text) {
            let loose = loosen(&key);
            lex.longest_key = lex.longest_key.max(loose.chars().count());
            lex.lines
                .entry(loose.clone())
                .or_default()
                .push(line.to_owned());
            lex.loose.insert(loose, value.clone());
            lex.exact.insert(key, value);
        }
        Ok(lex)
    }

    /// This (user's) lexicon over the bundled one: the bundled entries fill in the words
    /// it lacks. Takes the big user maps by value so that nothing large is copied.
    pub fn over_bundled(mut self) -> Lexicon {
        let bundled = Lexicon::builtin();
        for (k, v) in &bundled.exact {
            self.exact.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for (k, v) in &bundled.loose {
            self.loose.entry(k.clone()).or_insert_with(|| v.clone());
        }
        self
    }

    /// Moves the entry lines out (for [`Lexicon::entries_in`]), leaving the lookup maps.
    pub fn take_index(&mut self) -> Lexicon {
        Lexicon {
            lines: std::mem::take(&mut self.lines),
            longest_key: self.longest_key,
            ..Lexicon::default()
        }
    }

    /// The lines of a user's lexicon (see [`Lexicon::read_user`]) that `text` may use:
    /// every entry whose key, loosened, occurs inside one of the text's words (clitics and
    /// the article included, so the lookup's own stripping is covered). Sorted. This is
    /// more than the voice will use, never less, so a cache key built from it is never
    /// stale.
    pub fn entries_in(&self, text: &str) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        if self.lines.is_empty() {
            return out;
        }
        for word in text.split(|c: char| !(c.is_alphanumeric() || is_mark(c))) {
            let chars: Vec<char> = loosen(&strip_marks(word)).chars().collect();
            for start in 0..chars.len() {
                let end = chars.len().min(start + self.longest_key);
                let mut key = String::new();
                for &c in &chars[start..end] {
                    key.push(c);
                    if let Some(lines) = self.lines.get(&key) {
                        out.extend(lines.iter().map(String::as_str));
                    }
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        out
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

    /// The diacritized spelling listed for exactly this spelling (no loose match).
    pub fn get_exact(&self, bare: &str) -> Option<&str> {
        self.exact.get(bare).map(String::as_str)
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

/// The entries of a lexicon text: (key, diacritized spelling, the line as written).
fn entries(text: &str) -> impl Iterator<Item = (String, String, &str)> {
    text.lines().filter_map(|line| {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            return None;
        }
        let (key, value) = match line.split_once('\t') {
            Some((k, v)) => (strip_marks(k.trim()), v.trim().to_owned()),
            None => (strip_marks(line), line.to_owned()),
        };
        (!key.is_empty() && !value.is_empty()).then_some((key, value, line))
    })
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

/// Whether an entry respells its word with other letters (`الله` said `أَلّٰه`), so that
/// its marks cannot be written on the word's own letters. Loose spellings (hamza seats,
/// alef maqsura) are the same letters.
pub fn is_respelling(bare: &str, entry: &str) -> bool {
    loosen(&strip_marks(entry)) != loosen(bare)
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

    #[test]
    fn entries_in_names_only_the_words_of_the_text() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("lex.txt");
        std::fs::write(&p, "حُكُومَة\nأعلن\tأَعْلَنَ\n# note\nسَفِينَة\n").unwrap();
        let lex = Lexicon::read_user(&p).unwrap();
        // Clitics and a loose hamza still find their entries; other entries stay out.
        assert_eq!(lex.entries_in("والحكومة اعلنت"), ["أعلن\tأَعْلَنَ", "حُكُومَة"]);
        assert!(lex.entries_in("قال الوزير").is_empty());
        assert!(Lexicon::read_user(dir.path()).is_err());
        // Over the bundled lexicon, user entries win and bundled ones fill in.
        let mut user = Lexicon::read_user(&p).unwrap();
        let index = user.take_index();
        assert_eq!(index.entries_in("حكومة").len(), 1);
        let lex = user.over_bundled();
        assert_eq!(lex.get("حكومة"), Some("حُكُومَة"));
        assert_eq!(lex.get("هذا"), Some("هٰذَا"));
    }
}
