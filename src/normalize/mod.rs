//! Normalization: rewriting numbers, dates, amounts, units and abbreviations as the words
//! a news presenter says, in agreement with the sentence.
//!
//! One file per semiotic class; each parses a token into a typed value, then verbalizes it
//! with the context (the word before, the counted noun after).

use std::ops::Range;

/// The semiotic class a token was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// A whole number.
    Cardinal,
}

impl Class {
    /// The lowercase name shown by `rawi normalize --explain`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Cardinal => "cardinal",
        }
    }
}

/// One rewritten token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Where it stands in the input (byte offsets).
    pub span: Range<usize>,
    /// How it was read.
    pub class: Class,
    /// The words that replace it.
    pub spoken: String,
    /// The rule that decided its form, for `--explain`.
    pub rule: String,
}

/// A text in its spoken form, with what each rewritten token became.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Spoken {
    /// The whole text as it is to be said.
    pub text: String,
    /// The tokens that were rewritten, in order.
    pub tokens: Vec<Token>,
}

/// Rewrites `text` into its spoken form.
pub fn normalize(text: &str) -> Spoken {
    Spoken {
        text: text.to_owned(),
        tokens: Vec::new(),
    }
}
