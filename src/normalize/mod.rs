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
pub mod latin;
pub mod lexicon;
pub mod measure;
pub mod money;
pub mod ordinal;
pub mod percent;
pub mod range;
pub mod scan;
pub mod time;
pub mod wire;

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
    /// Latin letters, an acronym, a known foreign term, an e-mail address or a URL.
    Latin,
    /// A symbol read as a word (`&`, `×`, `+`).
    Symbol,
    /// Wire boilerplate (end marks, agency codes, filing times), dropped from speech.
    Boilerplate,
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
            Class::Latin => "latin",
            Class::Symbol => "symbol",
            Class::Boilerplate => "boilerplate",
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
    /// Set when the reading rests on a fallback or a guess an editor should check.
    pub guess: Option<Guess>,
    /// The grammatical case the words were given, where the token is a number in a
    /// sentence (for the diacritizer: it writes the case endings of rawi's words).
    pub case: Option<Case>,
    /// The gender the number took to agree with its counted noun, where one decided it.
    pub gender: Option<Gender>,
}

/// Why a token's reading is a guess (listed by `rawi check` and in the manifest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Guess {
    /// The counted noun is not in the lexicon: its gender came from its shape.
    NounGender,
    /// A digit run that may be an identifier or a quantity.
    IdentifierOrQuantity,
    /// A decimal whose style (which side is the fraction) was inferred.
    DecimalStyle,
    /// A Latin word rawi has no reading for: kept as written.
    UnknownLatin,
    /// A date that no calendar has (`2024-02-30`, `31/04/2024`, `30 فبراير`): the article
    /// is wrong; a numeric one is read as its numbers, not as a date.
    ImpossibleDate,
    /// Nothing before the number decided its case (it may be a postponed subject or a
    /// predicate, nominative, rather than the oblique default), and its words show it.
    Case,
}

impl Guess {
    /// A short description for editors.
    pub fn as_str(self) -> &'static str {
        match self {
            Guess::NounGender => "unknown noun gender",
            Guess::IdentifierOrQuantity => "ambiguous identifier/quantity",
            Guess::DecimalStyle => "decimal style inferred",
            Guess::UnknownLatin => "unknown Latin word",
            Guess::ImpossibleDate => "impossible date; check the article",
            Guess::Case => "case not decided by the sentence (oblique by default)",
        }
    }
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
