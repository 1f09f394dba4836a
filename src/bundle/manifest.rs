//! manifest.toml: what a bundle holds and which sentence is where.

use serde::{Deserialize, Serialize};

use crate::digest::sha256_hex;

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
    /// Loudness before and after normalization (absent in bundles built without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub loudness: Option<LoudnessInfo>,
    /// The intro, outro and bed put around the speech (absent without them, so bundles
    /// without any are written exactly as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sound: Option<crate::sound::SoundInfo>,
    /// Chapters: the headline and each heading, in order.
    #[serde(rename = "chapter", default)]
    pub chapters: Vec<ChapterEntry>,
    /// One entry per sentence, in reading order.
    #[serde(rename = "sentence", default)]
    pub sentences: Vec<SentenceEntry>,
    /// Spans read by a fallback or a guess (unknown noun gender, ambiguous identifier
    /// or quantity, unknown Latin word), for an editor to check. Absent when there are
    /// none, so bundles without any are written exactly as before.
    #[serde(rename = "review", default, skip_serializing_if = "Vec::is_empty")]
    pub review: Vec<ReviewEntry>,
    /// Every other member of the bundle with its hash, so that `rawi verify` can tell a
    /// damaged or edited bundle. Filled in when the bundle is assembled.
    #[serde(rename = "file", default)]
    pub files: Vec<FileEntry>,
}

/// One doubtful reading: where it is, what was written and what rawi said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewEntry {
    /// The sentence (its `id`).
    pub sentence: usize,
    /// The span as written.
    pub text: String,
    /// What rawi says for it.
    pub reading: String,
    /// Why it is a guess.
    pub reason: String,
}

impl ReviewEntry {
    /// The doubtful readings of one sentence's spoken form, in order.
    pub fn of(
        sentence: usize,
        written: &str,
        spoken: &crate::normalize::Spoken,
    ) -> Vec<ReviewEntry> {
        spoken
            .tokens
            .iter()
            .filter_map(|t| {
                let g = t.guess?;
                Some(ReviewEntry {
                    sentence,
                    text: written.get(t.span.clone()).unwrap_or_default().to_string(),
                    reading: t.spoken.clone(),
                    reason: g.as_str().to_string(),
                })
            })
            .collect()
    }
}

/// Measured loudness (EBU R128) and the target it was normalized to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoudnessInfo {
    /// Integrated loudness aimed at, LUFS.
    pub target_lufs: f64,
    /// Highest true peak allowed, dBTP.
    pub target_true_peak_dbtp: f64,
    /// Integrated loudness of the raw programme, LUFS.
    pub before_lufs: f64,
    /// True peak of the raw programme, dBTP.
    pub before_true_peak_dbtp: f64,
    /// Integrated loudness of the normalized programme as the file plays, LUFS: measured
    /// on the PCM given to the encoder, plus the encoder's own gain (`codec_gain_db`).
    pub after_lufs: f64,
    /// True peak of the normalized programme (PCM measurement plus `codec_gain_db`),
    /// dBTP; lossy decoding may add a few tenths, which the limiter leaves room for.
    pub after_true_peak_dbtp: f64,
    /// Gain applied before the limiter, dB.
    pub gain_db: f64,
    /// Level change made by the encoder itself (LAME scales MP3 input by 0.95), dB.
    #[serde(default)]
    pub codec_gain_db: f64,
}

/// One chapter: the headline or a heading, and where it starts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChapterEntry {
    /// The chapter's title (the headline or heading as written).
    pub title: String,
    /// Where it starts in the audio, in milliseconds (the first chapter starts at 0).
    pub start_ms: u64,
    /// Where it ends: the start of the next chapter, or the end of the audio.
    pub end_ms: u64,
    /// Id of its first sentence.
    pub sentence: usize,
}

/// One member of the bundle with its size and SHA-256.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path inside the bundle (relative to the manifest's folder).
    pub path: String,
    /// SHA-256 of the contents, lowercase hex.
    pub sha256: String,
    /// Size in bytes.
    pub bytes: u64,
}

impl FileEntry {
    /// The entry for `contents` at `path`.
    pub fn of(path: &str, contents: &[u8]) -> FileEntry {
        FileEntry {
            path: path.to_owned(),
            sha256: sha256_hex(contents),
            bytes: contents.len() as u64,
        }
    }
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
    /// Sample frames of the programme (before encoding; an MP3 decoder may give a few
    /// more from the encoder's padding).
    pub samples: u64,
    /// Bit rate of a compressed format, in kbit/s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bitrate_kbps: Option<u32>,
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
    /// The spoken text with short vowels from the diacritize stage (empty in bundles made
    /// before it existed); a voice with `text = "diacritized"` is given this.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub diacritized: String,
    /// Where it starts in the audio, in milliseconds.
    pub start_ms: u64,
    /// Where it ends, in milliseconds.
    pub end_ms: u64,
    /// Index of its chapter in the manifest's `[[chapter]]` list (0-based).
    #[serde(default)]
    pub chapter: usize,
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
