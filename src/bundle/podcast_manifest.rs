//! `manifest.toml` of a podcast bundle: the podcast, its episodes, the run it came from
//! and the items carried on from earlier feeds. The types live here, below both
//! `rawi podcast` (which writes them) and `verify` (which reads them), so that neither
//! has to import the other.

use serde::{Deserialize, Serialize};

use crate::bundle::manifest::FileEntry;
use crate::digest::sha256_hex;

/// The podcast's own settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PodcastInfo {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Author, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    /// Where the bundle will be published (no trailing slash), if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Apple category, `Top` or `Top/Sub`.
    pub category: String,
    /// Explicit content.
    pub explicit: bool,
    /// `podcast:guid`.
    pub guid: String,
    /// The cover member, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cover: Option<String>,
    /// For the bundle of a sharded run (`--shard K/N`), which slice it is, `K/N`, so that
    /// `--merge` can tell a complete set of shards from an incomplete one. Absent from
    /// whole podcasts (and from shards written before this field existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// For the bundle of a sharded run, what identifies the run, so that `--merge` refuses
    /// shards of different runs. Absent from whole podcasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<RunIdentity>,
}

/// What makes shards parts of one run: the same article list and the same options that
/// shape the audio. Shards that differ in either would merge into a podcast that no single
/// run makes (an article lost, or episodes that sound different).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunIdentity {
    /// How many articles the whole run lists (every shard's, not this one's).
    pub articles: usize,
    /// SHA-256 of the whole run's article list, in path order: each name and the
    /// SHA-256 of its contents.
    pub articles_sha256: String,
    /// The options that shape the audio, in words (voice, format, bit rate, loudness,
    /// captions, date, cover), to name a difference.
    pub audio: String,
    /// SHA-256 of the voice's settings (its fingerprint and any user lexicon), and of the
    /// cover embedded in the episodes.
    pub audio_sha256: String,
}

impl RunIdentity {
    /// The digest of an article list: `(name, contents digest)` in path order.
    pub fn digest_articles(list: &[(String, String)]) -> String {
        let mut bytes = Vec::new();
        for (name, digest) in list {
            // Lengths first, so no two lists can run together into the same bytes.
            bytes.extend_from_slice(&(name.len() as u64).to_le_bytes());
            bytes.extend_from_slice(name.as_bytes());
            bytes.extend_from_slice(digest.as_bytes());
        }
        sha256_hex(&bytes)
    }
}

/// Whether `name` may be a podcast's cover member: only the names rawi writes, never a
/// member that means something else (`feed.xml`, `manifest.toml`, an episode's file).
pub fn is_cover_member(name: &str) -> bool {
    matches!(name, "cover.png" | "cover.jpg")
}

/// One episode in the podcast manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EpisodeEntry {
    /// Place of the article among all articles of the run (sorted by path), from 0.
    pub index: usize,
    /// Folder, `episodes/<slug>`.
    pub dir: String,
    /// Title.
    pub title: String,
    /// Stable id (UUIDv5 of the article's URL or file name, in the podcast's namespace).
    pub guid: String,
    /// RFC 2822 publication date.
    pub pub_date: String,
    /// `article` when the date is the article's own, `fallback` otherwise.
    pub date_from: String,
    /// Audio member, relative to the bundle root.
    pub audio: String,
    /// Audio size in bytes (the feed's enclosure length).
    pub audio_bytes: u64,
    /// Audio MIME type.
    pub audio_type: String,
    /// Length in milliseconds.
    pub duration_ms: u64,
    /// The article's file name.
    pub source_file: String,
}

/// A feed item carried on from a published feed, whose audio this bundle does not hold:
/// its XML is written into the feed byte for byte as it was published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierItem {
    /// Its `guid`.
    pub guid: String,
    /// Its `title`.
    pub title: String,
    /// Its `pubDate` (RFC 2822).
    pub pub_date: String,
    /// Its enclosure's URL.
    pub enclosure_url: String,
    /// Its enclosure's length, bytes.
    pub enclosure_length: u64,
    /// The whole `<item>…</item>` as published.
    pub xml: String,
}

/// `manifest.toml` of a podcast bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PodcastManifest {
    /// Bundle format version.
    pub schema_version: u32,
    /// The rawi that wrote it.
    pub generator: String,
    /// Folders of episodes `--keep-days` / `--keep-episodes` dropped (and of dropped
    /// feed items), sorted: never given to a new episode, so a name (and the GUID it
    /// gives an article without a URL, and the audio URL a cache may still hold) never
    /// comes back for another story. Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retired: Vec<String>,
    /// The podcast.
    pub podcast: PodcastInfo,
    /// Episodes, in index order.
    #[serde(rename = "episode", default)]
    pub episodes: Vec<EpisodeEntry>,
    /// Items carried on from a published feed (`--previous feed.xml`) whose audio is not
    /// in this bundle but already on the server, newest first. Absent when there are
    /// none, so bundles without any are written exactly as before.
    #[serde(rename = "earlier", default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<EarlierItem>,
    /// Every member but this manifest, with hashes.
    #[serde(rename = "file", default)]
    pub files: Vec<FileEntry>,
}

impl PodcastManifest {
    /// Serializes to TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a manifest of strings and numbers always serializes")
    }
    /// Parses a podcast manifest.
    pub fn from_toml(text: &str) -> std::result::Result<PodcastManifest, String> {
        toml::from_str(text).map_err(|e| e.message().trim().to_owned())
    }
}
