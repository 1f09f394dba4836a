//! manifest.toml: what a bundle holds and which sentence is where.

use serde::{Deserialize, Serialize};

/// The bundle format version this rawi writes.
pub const SCHEMA_VERSION: u32 = 1;

/// The manifest at the root of every bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// Bundle format version ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// The rawi that wrote it.
    pub generator: String,
    /// The article.
    pub article: ArticleInfo,
    /// The voice that spoke it.
    pub voice: VoiceInfo,
    /// The programme's audio.
    pub audio: AudioInfo,
    /// One entry per sentence, in reading order.
    #[serde(rename = "sentence", default)]
    pub sentences: Vec<SentenceEntry>,
}

/// Article metadata.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleInfo {
    /// The headline.
    pub title: String,
    /// The writer, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Publication date as written, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// Publisher or agency, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where it was published, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The source file's name (no directories, so bundles do not depend on where they
    /// were built).
    pub file: String,
    /// The bundle member that holds the cleaned source text.
    pub text_path: String,
}

/// The voice used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VoiceInfo {
    /// Its name.
    pub name: String,
    /// Its engine.
    pub engine: String,
}

/// The audio file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AudioInfo {
    /// Path inside the bundle.
    pub path: String,
    /// `wav`, `mp3` or `flac`.
    pub format: String,
    /// Samples per second.
    pub sample_rate: u32,
    /// Channel count (always 1).
    pub channels: u16,
    /// Sample frames.
    pub samples: u64,
    /// Length in milliseconds.
    pub duration_ms: u64,
}

/// One spoken sentence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentenceEntry {
    /// 1-based position.
    pub id: usize,
    /// Index of its block in the article.
    pub block: usize,
    /// The block's kind (`title`, `paragraph`, …).
    pub kind: String,
    /// The sentence as written.
    pub text: String,
    /// What the voice was given.
    pub spoken: String,
    /// Where it starts in the audio, in milliseconds.
    pub start_ms: u64,
    /// Where it ends, in milliseconds.
    pub end_ms: u64,
    /// Content hash of the clip's inputs (engine, voice settings, spoken text, synth
    /// version): equal hashes mean equal audio.
    pub clip: String,
}

impl Manifest {
    /// Serializes to TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a manifest of strings and numbers always serializes")
    }

    /// Parses a manifest.
    pub fn from_toml(text: &str) -> Result<Manifest, String> {
        toml::from_str(text).map_err(|e| e.message().trim().to_owned())
    }
}
