//! One article to one audio edition: the whole pipeline behind `rawi build`.

use std::path::Path;

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::article::{self, Article};
use crate::audio::{self, Clip, Programme};
use crate::bundle::manifest::{
    ArticleInfo, AudioInfo, Manifest, SentenceEntry, VoiceInfo, SCHEMA_VERSION,
};
use crate::bundle::{vtt, Bundle};
use crate::error::{Error, Result};
use crate::normalize::{self, Spoken};
use crate::segment::{self, Sentence, SplitOptions};
use crate::synth::{Speaker, SYNTH_VERSION};

/// Silence kept at the edges of each clip, so that speech never starts on a cut.
const CLIP_EDGE_MS: u32 = 30;

/// Options of `rawi build`.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Read Arabic image captions too.
    pub read_captions: bool,
}

/// A built edition, before it is written anywhere.
#[derive(Debug, Clone)]
pub struct Edition {
    /// The parsed article.
    pub article: Article,
    /// The file name of the article (no folders).
    pub file_name: String,
    /// The sentences read, in order.
    pub sentences: Vec<Sentence>,
    /// Their spoken forms.
    pub spoken: Vec<Spoken>,
    /// The audio and timeline.
    pub programme: Programme,
    /// The manifest.
    pub manifest: Manifest,
}

/// The sentences of an article with their spoken forms, ready for a voice: sentences
/// with nothing to say (a lone `…`) are left out and ids are renumbered.
pub fn prepare(
    article: &Article,
    opts: &Options,
    max_chars: usize,
) -> (Vec<Sentence>, Vec<Spoken>) {
    let split = segment::split(
        article,
        &SplitOptions {
            read_captions: opts.read_captions,
            max_chars,
        },
    );
    let mut sentences = Vec::with_capacity(split.len());
    let mut spoken = Vec::with_capacity(split.len());
    for mut s in split {
        let sp = normalize::normalize(&s.text);
        if sp.text.chars().any(char::is_alphanumeric) {
            s.id = sentences.len() + 1;
            sentences.push(s);
            spoken.push(sp);
        }
    }
    (sentences, spoken)
}

/// The cache key of one clip: engine, voice settings, spoken text and synth version.
pub fn clip_key(speaker: &Speaker, spoken: &str) -> String {
    let mut h = Sha256::new();
    for part in [SYNTH_VERSION, &speaker.voice().fingerprint(), spoken] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Builds an edition from an article file. `on_clip` is called once per finished clip
/// (from worker threads), for progress reports.
pub fn build(
    path: &Path,
    opts: &Options,
    speaker: &Speaker,
    on_clip: &(dyn Fn() + Sync),
) -> Result<Edition> {
    let article = article::read(path)?;
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "article.txt".into());
    let voice = speaker.voice();
    let (sentences, spoken) = prepare(&article, opts, voice.limits.max_chars);
    if sentences.is_empty() {
        return Err(Error::input(path, "has no sentence to read"));
    }
    let rate = voice.sample_rate;
    let clips: Vec<Clip> = spoken
        .par_iter()
        .zip(sentences.par_iter())
        .map(|(sp, s)| {
            let mut clip = speaker.speak(&sp.text).map_err(|e| match e {
                Error::Synth { voice, reason } => Error::Synth {
                    voice,
                    reason: format!(
                        "{}: sentence {} («{}»): {reason}",
                        path.display(),
                        s.id,
                        short(&s.text)
                    ),
                },
                other => other,
            })?;
            audio::trim_silence(&mut clip, CLIP_EDGE_MS);
            let clip = audio::resample(&clip, rate);
            on_clip();
            Ok(clip)
        })
        .collect::<Result<_>>()?;
    let with_bounds: Vec<(Clip, segment::Boundary)> = clips
        .into_iter()
        .zip(sentences.iter().map(|s| s.boundary))
        .collect();
    let programme = Programme::assemble(&with_bounds, rate, &voice.pauses);
    let entries = sentences
        .iter()
        .zip(&spoken)
        .zip(&programme.cues)
        .map(|((s, sp), cue)| SentenceEntry {
            id: s.id,
            block: s.block,
            kind: s.kind.as_str().to_owned(),
            text: s.text.clone(),
            spoken: sp.text.clone(),
            start_ms: programme.ms(cue.start),
            end_ms: programme.ms(cue.end),
            clip: clip_key(speaker, &sp.text),
        })
        .collect();
    let meta = &article.meta;
    let manifest = Manifest {
        schema_version: SCHEMA_VERSION,
        generator: format!("rawi {}", env!("CARGO_PKG_VERSION")),
        article: ArticleInfo {
            title: meta.title.clone().unwrap_or_else(|| file_name.clone()),
            author: meta.author.clone(),
            date: meta.date.clone(),
            source: meta.source.clone(),
            url: meta.url.clone(),
            file: file_name.clone(),
            text_path: "article.txt".into(),
        },
        voice: VoiceInfo {
            name: voice.name.clone(),
            engine: format!("{:?}", voice.engine).to_lowercase(),
        },
        audio: AudioInfo {
            path: "audio/edition.wav".into(),
            format: "wav".into(),
            sample_rate: rate,
            channels: 1,
            samples: programme.samples.len() as u64,
            duration_ms: programme.duration_ms(),
        },
        sentences: entries,
    };
    Ok(Edition {
        article,
        file_name,
        sentences,
        spoken,
        programme,
        manifest,
    })
}

/// At most 40 characters of a sentence, for error messages.
fn short(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

impl Edition {
    /// The bundle's files.
    pub fn bundle(&self) -> Bundle {
        let mut b = Bundle::default();
        b.add("manifest.toml", self.manifest.to_toml());
        b.add(
            self.manifest.audio.path.clone(),
            audio::encode_wav(&self.programme.samples, self.programme.rate),
        );
        let cues = self
            .manifest
            .sentences
            .iter()
            .map(|s| (s.start_ms, s.end_ms, s.text.as_str()));
        b.add("transcript.vtt", vtt::write(cues));
        let mut text = self.article.source.clone();
        text.push('\n');
        b.add("article.txt", text);
        b
    }
}
