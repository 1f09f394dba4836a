//! rawi (راوي, "narrator") turns Arabic news articles into audio editions.
//!
//! The pipeline, one module per stage (see DESIGN.md):
//!
//! ```text
//! source (.txt | .md | .html) -> article   Article { meta, blocks }
//!   -> segment      sentences with their block kind and pause
//!   -> normalize    the words a presenter says (numbers, dates, amounts, abbreviations)
//!   -> diacritize   short vowels: rawi's rules, written marks, lexicon, a neural model
//!   -> synth        one clip per sentence, from a voice (voice.rs)
//!   -> audio        one programme with a timeline
//!   -> bundle       zip: manifest.toml, audio, transcript, source
//! ```
//!
//! Each stage is a pure function of its input and options, so each can be tested alone,
//! cached and run in parallel. [`edition`] ties them together for `rawi build`.

pub mod article;
pub mod audio;
pub mod bundle;
pub mod cache;
pub mod cli;
pub mod clip;
pub mod clock;
pub mod decode;
pub mod diacritize;
pub mod digest;
pub mod edition;
pub mod encode;
pub mod error;
pub mod fsx;
pub mod interrupt;
pub mod limits;
pub mod loudness;
pub mod meta;
pub mod normalize;
pub mod podcast;
pub mod segment;
pub mod sound;
pub mod spill;
pub mod synth;
pub mod text;
pub mod voice;

pub use error::Error;
