//! Normalization: rewriting numbers, dates, amounts, units and abbreviations as the words
//! a news presenter says, in agreement with the sentence.
//!
//! One file per semiotic class; each parses a token into a typed value, then verbalizes it
//! with the context (the word before, the counted noun after). This module finds the
//! tokens, reads their context and hands them to the class that reads them.

pub mod abbrev;
pub mod cardinal;
pub mod date;
pub mod decimal;
pub mod digits;
pub mod fraction;
pub mod lexicon;
pub mod measure;
pub mod money;
pub mod ordinal;
pub mod percent;
pub mod range;
pub mod scan;
pub mod time;

mod reader;

use std::ops::Range;

pub use cardinal::{Case, Form, Gender};

/// The semiotic class a token was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Class {
    /// A whole number.
    Cardinal,
    /// An ordinal (`الـ35`، `القرن 21`).
    Ordinal,
    /// A decimal number.
    Decimal,
    /// A fraction (`3/4`).
    Fraction,
    /// A percentage.
    Percent,
    /// An amount of money.
    Money,
    /// A quantity with a unit of measure.
    Measure,
    /// A year.
    Year,
    /// A date, or a month name pair.
    Date,
    /// A clock time.
    Time,
    /// A range of numbers.
    Range,
    /// A sports score.
    Score,
    /// A telephone number, read digit by digit.
    Telephone,
    /// An identifier or code, read digit by digit or as a bare number.
    Identifier,
    /// An abbreviation expanded from the lexicon.
    Abbreviation,
}

impl Class {
    /// The lowercase name shown by `rawi normalize --explain`.
    pub fn as_str(self) -> &'static str {
        match self {
            Class::Cardinal => "cardinal",
            Class::Ordinal => "ordinal",
            Class::Decimal => "decimal",
            Class::Fraction => "fraction",
            Class::Percent => "percent",
            Class::Money => "money",
            Class::Measure => "measure",
            Class::Year => "year",
            Class::Date => "date",
            Class::Time => "time",
            Class::Range => "range",
            Class::Score => "score",
            Class::Telephone => "telephone",
            Class::Identifier => "identifier",
            Class::Abbreviation => "abbreviation",
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
    reader::Reader::new(text).run()
}
