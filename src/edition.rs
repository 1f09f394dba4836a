//! One article to one audio edition: the whole pipeline behind `rawi build`.

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;
use sha2::{Digest, Sha256};

use crate::article::{self, Article};
use crate::audio::{self, Clip, Layout, Speech, Track};
use crate::bundle::manifest::{
    ArticleInfo, AudioInfo, FileEntry, LoudnessInfo, Manifest, ReviewEntry, SentenceEntry,
    VoiceInfo, SCHEMA_VERSION,
};
use crate::bundle::{chapters, page, srt, transcript_json, vtt, Bundle, Member};
use crate::cache::Cache;
use crate::encode::{self, Format, Tags};
use crate::error::{Error, Result};
use crate::limits;
use crate::loudness;
use crate::normalize::{self, Spoken};
use crate::segment::{self, Sentence, SplitOptions};
use crate::sound::{Dressed, SoundInfo};
use crate::spill::{Samples, Signal};
use crate::synth::{ClipKeys, Speaker, SYNTH_VERSION};

/// Silence kept at the edges of each clip, so that speech never starts on a cut.
const CLIP_EDGE_MS: u32 = 30;

/// Options of `rawi build` (and of each episode of `rawi podcast`).
#[derive(Debug, Clone)]
pub struct Options {
    /// Read Arabic image captions too.
    pub read_captions: bool,
    /// Audio format of the edition.
    pub format: Format,
    /// MP3 bit rate, kbit/s.
    pub mp3_kbps: u32,
    /// Loudness to normalize to; `None` leaves the voice's level as it is.
    pub loudness: Option<loudness::Target>,
    /// Album tag for the audio file (the podcast's title); the article's source if absent.
    pub album: Option<String>,
    /// Cover art embedded in MP3 and FLAC files (`--cover`).
    pub cover: Option<std::sync::Arc<encode::Cover>>,
    /// Intro, outro and music bed (`--intro`, `--outro`, `--bed`).
    pub sound: Option<std::sync::Arc<crate::sound::Identity>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            read_captions: false,
            format: Format::Wav,
            mp3_kbps: encode::DEFAULT_MP3_KBPS,
            loudness: Some(loudness::Target::default()),
            album: None,
            cover: None,
            sound: None,
        }
    }
}

/// Counts of clips made and reused, across a whole run.
#[derive(Debug, Default)]
pub struct Stats {
    /// Clips the voice had to speak.
    pub synthesized: AtomicUsize,
    /// Clips taken from the cache.
    pub cached: AtomicUsize,
    /// Set once a cache write failed and the user was warned.
    cache_warned: AtomicBool,
}

impl Stats {
    /// `synthesized N, cached M`.
    pub fn summary(&self) -> String {
        format!(
            "synthesized {}, cached {}",
            self.synthesized.load(Ordering::Relaxed),
            self.cached.load(Ordering::Relaxed)
        )
    }
}

/// What a build speaks with and reports to.
pub struct Context<'a> {
    /// The voice.
    pub speaker: &'a Speaker,
    /// Where finished clips are kept between runs, if anywhere.
    pub cache: Option<&'a Cache>,
    /// Counts for the run's summary line.
    pub stats: &'a Stats,
    /// Called once per finished clip (from worker threads), for progress reports.
    pub on_clip: &'a (dyn Fn() + Sync),
}

/// A built edition, before it is written anywhere.
#[derive(Debug)]
pub struct Edition {
    /// The parsed article.
    pub article: Article,
    /// The file name of the article (no folders).
    pub file_name: String,
    /// The sentences read, in order.
    pub sentences: Vec<Sentence>,
    /// Their spoken forms.
    pub spoken: Vec<Spoken>,
    /// The audio and timeline, before loudness normalization (kept in a temporary file).
    pub programme: Track,
    /// The loudness normalization, applied as the audio is encoded.
    pub gain: loudness::Gain,
    /// The manifest (its `[[file]]` list is filled in by [`Edition::bundle`]).
    pub manifest: Manifest,
    /// Audio format of the bundle.
    pub format: Format,
    /// MP3 bit rate, kbit/s.
    pub mp3_kbps: u32,
    /// Album tag.
    pub album: Option<String>,
    /// Cover art for the audio file's tags.
    pub cover: Option<std::sync::Arc<encode::Cover>>,
    /// How long building it took (for reports; never written into the bundle).
    pub elapsed: std::time::Duration,
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
pub fn clip_key(keys: &ClipKeys, spoken: &str) -> String {
    let mut h = Sha256::new();
    for part in [SYNTH_VERSION, &keys.fingerprint_for(spoken), spoken] {
        h.update((part.len() as u64).to_le_bytes());
        h.update(part.as_bytes());
    }
    crate::digest::hex(&h.finalize())
}

/// An article read and made ready for a voice: its sentences, their spoken and
/// diacritized forms, and which of the two the voice is given.
struct Script {
    article: Article,
    file_name: String,
    sentences: Vec<Sentence>,
    spoken: Vec<Spoken>,
    diacritized: Vec<crate::diacritize::Voiced>,
    form: crate::voice::TextForm,
}

impl Script {
    /// Reads `path` and runs every stage before the voice: sentences, spoken forms, the
    /// checks on what they would cost, vowels.
    fn read(path: &Path, opts: &Options, voice: &crate::voice::Voice) -> Result<Script> {
        let (article, file_name) = read_article(path)?;
        let (sentences, spoken) = prepare(&article, opts, voice.limits.max_chars);
        if sentences.is_empty() {
            return Err(Error::input(path, "has no sentence to read"));
        }
        check_speech(path, &sentences, &spoken)?;
        // The diacritize stage: every manifest sentence records it on its own letters; the
        // voice is given it, with the restored hamzas, when its text form asks for it.
        let diacritized =
            crate::diacritize::sentences(&spoken, voice).map_err(|e| Error::Synth {
                voice: voice.name.clone(),
                reason: format!("{}: {e}", path.display()),
            })?;
        Ok(Script {
            article,
            file_name,
            sentences,
            spoken,
            diacritized,
            form: voice.text_form(),
        })
    }

    /// The text the voice is given for each sentence.
    fn given(&self) -> Vec<&str> {
        given_texts(self.form, &self.spoken, &self.diacritized)
    }
}

/// The text a voice taking `form` is given for each sentence.
fn given_texts<'a>(
    form: crate::voice::TextForm,
    spoken: &'a [Spoken],
    diacritized: &'a [crate::diacritize::Voiced],
) -> Vec<&'a str> {
    match form {
        crate::voice::TextForm::Diacritized => {
            diacritized.iter().map(|d| d.voice.as_str()).collect()
        }
        crate::voice::TextForm::Plain => spoken.iter().map(|sp| sp.text.as_str()).collect(),
    }
}

/// What building an article would send to its voice, found without sending anything
/// (`--estimate`): hosted voices charge by the character.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Estimate {
    /// Sentences read (one request each, unless cached).
    pub sentences: usize,
    /// Requests the voice would get: the sentences whose clip the cache lacks.
    pub requests: usize,
    /// Characters (Unicode scalar values) of the text those requests carry, without
    /// the markup a request template adds around it.
    pub characters: usize,
    /// Characters of the sentences whose clip the cache already holds.
    pub cached_characters: usize,
}

impl std::ops::AddAssign for Estimate {
    fn add_assign(&mut self, o: Estimate) {
        self.sentences += o.sentences;
        self.requests += o.requests;
        self.characters += o.characters;
        self.cached_characters += o.cached_characters;
    }
}

/// Estimates what building `path` with `voice` would send (see [`Estimate`]): every stage
/// before the voice runs, and the cache is looked into, but the voice is never opened.
pub fn estimate(
    path: &Path,
    opts: &Options,
    voice: &crate::voice::Voice,
    keys: &ClipKeys,
    cache: Option<&Cache>,
) -> Result<Estimate> {
    let script = Script::read(path, opts, voice)?;
    let mut e = Estimate::default();
    for text in script.given() {
        let chars = text.chars().count();
        let key = clip_key(keys, text);
        let cached = cache
            .and_then(|c| c.get(&key))
            .is_some_and(|clip| clip.rate == voice.sample_rate);
        e.sentences += 1;
        if cached {
            e.cached_characters += chars;
        } else {
            e.requests += 1;
            e.characters += chars;
        }
    }
    Ok(e)
}

/// Builds an edition from an article file, in named steps: read the article and prepare its
/// sentences ([`Script`]), have the voice speak them, join the clips (with the sound identity, if
/// any), normalize the loudness of the finished programme, and describe it all in the
/// manifest.
pub fn build(path: &Path, opts: &Options, ctx: &Context) -> Result<Edition> {
    let started = std::time::Instant::now();
    let voice = ctx.speaker.voice();
    let Script {
        article,
        file_name,
        sentences,
        spoken,
        diacritized,
        form,
    } = Script::read(path, opts, voice)?;
    let given = given_texts(form, &spoken, &diacritized);
    let clips = speak_all(path, ctx, &given, &sentences)?;
    let (programme, dressed) = join(path, clips, &sentences, opts, voice)?;
    let (loudness, gain) = normalize_loudness(path, &programme, opts)?;
    let entries: Vec<SentenceEntry> = sentences
        .iter()
        .zip(&spoken)
        .zip(&programme.cues)
        .zip(diacritized.iter().zip(&given))
        .map(|(((s, sp), cue), (diacritized, given))| SentenceEntry {
            id: s.id,
            block: s.block,
            kind: s.kind.as_str().to_owned(),
            text: s.text.clone(),
            spoken: sp.text.clone(),
            diacritized: diacritized.text.clone(),
            start_ms: programme.ms(cue.start),
            end_ms: programme.ms(cue.end),
            chapter: 0,
            clip: clip_key(ctx.speaker.keys(), given),
        })
        .collect();
    let sound = opts
        .sound
        .as_deref()
        .filter(|id| !id.is_empty())
        .map(|id| SoundInfo::of(id, dressed, programme.rate));
    let manifest = Described {
        article: &article,
        file_name: &file_name,
        sentences: &sentences,
        spoken: &spoken,
        programme: &programme,
        opts,
        voice,
    }
    .manifest(entries, loudness, sound);
    Ok(Edition {
        article,
        file_name,
        sentences,
        spoken,
        programme,
        gain,
        manifest,
        format: opts.format,
        mp3_kbps: opts.mp3_kbps,
        album: opts.album.clone(),
        cover: opts.cover.clone(),
        elapsed: started.elapsed(),
    })
}

/// Reads the article, with a date or URL that may not reach a manifest dropped, and its
/// file name (no folders).
fn read_article(path: &Path) -> Result<(Article, String)> {
    let mut article = article::read(path)?;
    drop_bad_meta(path, &mut article.meta);
    let file_name = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| "article.txt".into());
    Ok((article, file_name))
}

/// Has the voice speak every sentence (`given`: the text it receives), in parallel, from
/// the cache where it can. The audio made so far is counted across workers, so a voice
/// far slower than the estimate is stopped at the edition's limit instead of filling the
/// disk; pauses count as the programme will hold them (lead, tail and one after each
/// sentence), so the limit is the length of the finished edition, not of the speech.
///
/// Each finished clip goes into one temporary file as it arrives and is freed: the
/// clips are never all in memory. Returns the file and where each sentence's clip is in
/// it (first sample, length).
fn speak_all(
    path: &Path,
    ctx: &Context,
    given: &[&str],
    sentences: &[Sentence],
) -> Result<(Samples, Vec<(usize, usize)>)> {
    let voice = ctx.speaker.voice();
    let rate = voice.sample_rate;
    let pauses = &voice.pauses;
    let ms = |m: u32| u64::from(rate) * u64::from(m) / 1000;
    let gaps: Vec<u64> = sentences
        .iter()
        .enumerate()
        .map(|(i, s)| ms(pauses.after(s.boundary, i + 1 == sentences.len())))
        .collect();
    let made = AtomicU64::new(ms(pauses.lead_ms));
    let max_samples = (limits::MAX_ARTICLE_AUDIO_S * f64::from(rate)) as u64;
    let file = std::sync::Mutex::new(Samples::new().map_err(|e| temp_failure("the clips", &e))?);
    let placed = given
        .par_iter()
        .zip(sentences.par_iter().zip(gaps.par_iter()))
        .map(|(text, (s, gap))| {
            let at = SentenceAt {
                path,
                id: s.id,
                text: &s.text,
            };
            let clip = clip_for(ctx, text, rate, at).and_then(|clip| {
                let len = clip.samples.len() as u64 + gap;
                let total = made.fetch_add(len, Ordering::Relaxed) + len;
                if total > max_samples {
                    return Err(too_long(path));
                }
                Ok(clip)
            });
            let clip = clip.map_err(|e| match e {
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
            let at = file
                .lock()
                .map_err(|_| Error::output(path, "a worker failed while keeping its clip"))?
                .push(&clip.samples)
                .map_err(|e| temp_failure("the clips", &e))?;
            (ctx.on_clip)();
            Ok((at, clip.samples.len()))
        })
        .collect::<Result<Vec<_>>>()?;
    let file = file
        .into_inner()
        .map_err(|_| Error::output(path, "a worker failed while keeping its clip"))?;
    Ok((file, placed))
}

/// The error of a temporary file that cannot be written, naming the folder temporary
/// files go to and saying what to do (a full disk and a file-size limit are the usual
/// causes, as for the bundle itself).
fn temp_failure(what: &str, e: &std::io::Error) -> Error {
    use std::io::ErrorKind;
    let advice = match e.kind() {
        ErrorKind::StorageFull | ErrorKind::QuotaExceeded => {
            format!("the disk is full ({e}); free some space or set TMPDIR to a folder with room")
        }
        ErrorKind::FileTooLarge => format!(
            "the file is larger than this system lets rawi write ({e}); raise the limit (ulimit -f)"
        ),
        _ => format!("{e}; set TMPDIR to a folder rawi can write in"),
    };
    Error::output(
        std::env::temp_dir(),
        format!("cannot keep {what} in a temporary file: {advice}"),
    )
}

/// The error of an edition longer than [`limits::MAX_ARTICLE_AUDIO_S`].
fn too_long(path: &Path) -> Error {
    Error::input(
        path,
        format!(
            "makes more than {} of audio, the longest an edition may be; split the article",
            hours(limits::MAX_ARTICLE_AUDIO_S)
        ),
    )
}

/// Joins the clips with the voice's pauses into one programme, then puts the sound
/// identity (intro, outro, bed) around it, moving every cue with the speech. The
/// programme is written block by block into a temporary file as it is made; the clips'
/// file is dropped once it is read.
fn join(
    path: &Path,
    clips: (Samples, Vec<(usize, usize)>),
    sentences: &[Sentence],
    opts: &Options,
    voice: &crate::voice::Voice,
) -> Result<(Track, Dressed)> {
    let (clips, placed) = clips;
    let rate = voice.sample_rate;
    let placed: Vec<(usize, usize, segment::Boundary)> = placed
        .into_iter()
        .zip(sentences.iter().map(|s| s.boundary))
        .map(|((at, len), b)| (at, len, b))
        .collect();
    let layout = Layout::new(&placed, rate, &voice.pauses);
    let speech = Speech {
        clips: &clips,
        layout: &layout,
    };
    let mut samples = Samples::new().map_err(|e| temp_failure("the programme", &e))?;
    let mut failed = None;
    let mut put = |b: &[f32]| {
        samples.push(b).map(drop).map_err(|e| {
            let message = e.to_string();
            failed = Some(e);
            message
        })
    };
    let made = match opts.sound.as_deref().filter(|id| !id.is_empty()) {
        None => speech
            .each_block(&mut put)
            .map(|()| (layout.cues.clone(), Dressed::default())),
        Some(id) => {
            let headline = sentences
                .iter()
                .take_while(|s| s.kind == crate::article::BlockKind::Title)
                .count();
            id.dress_into(&speech, &layout.cues, rate, headline, &mut put)
        }
    };
    let (cues, dressed) = match (made, failed) {
        (Ok(made), _) => made,
        (Err(_), Some(e)) => return Err(temp_failure("the programme", &e)),
        (Err(e), None) => return Err(Error::output(path, e)),
    };
    drop(clips);
    if samples.len() as f64 > limits::MAX_ARTICLE_AUDIO_S * f64::from(rate) {
        return Err(too_long(path));
    }
    Ok((
        Track {
            samples,
            rate,
            cues,
        },
        dressed,
    ))
}

/// Finds the loudness normalization of the finished programme to the target, if there
/// is one, aiming the PCM so that the file, after the encoder's own gain, is on target.
/// The programme is only read; the gain is applied as it is encoded.
fn normalize_loudness(
    path: &Path,
    programme: &Track,
    opts: &Options,
) -> Result<(Option<LoudnessInfo>, loudness::Gain)> {
    let Some(target) = opts.loudness else {
        return Ok((None, loudness::Gain::none()));
    };
    let codec = encode::codec_gain_db(opts.format);
    let pcm_target = loudness::Target {
        lufs: target.lufs - codec,
        true_peak_dbtp: target.true_peak_dbtp - codec - encode::codec_peak_margin_db(opts.format),
    };
    let (r, gain) = loudness::plan(&programme.samples, programme.rate, pcm_target)
        .map_err(|e| Error::output(path, e))?;
    let round = |x: f64| (x * 100.0).round() / 100.0;
    let info = LoudnessInfo {
        target_lufs: target.lufs,
        target_true_peak_dbtp: target.true_peak_dbtp,
        before_lufs: r.before.lufs,
        before_true_peak_dbtp: r.before.true_peak_dbtp,
        after_lufs: round(r.after.lufs + codec),
        after_true_peak_dbtp: round(r.after.true_peak_dbtp + codec),
        gain_db: r.gain_db,
        codec_gain_db: round(codec),
    };
    Ok((Some(info), gain))
}

/// What the manifest says of a finished programme: its sentences (timed), chapters,
/// audio, loudness, sound identity and the readings to review.
struct Described<'a> {
    article: &'a Article,
    file_name: &'a str,
    sentences: &'a [Sentence],
    spoken: &'a [Spoken],
    programme: &'a Track,
    opts: &'a Options,
    voice: &'a crate::voice::Voice,
}

impl Described<'_> {
    /// The manifest (its `[[file]]` list is filled in by [`Edition::bundle`]), with the
    /// chapters found among `entries`.
    fn manifest(
        &self,
        mut entries: Vec<SentenceEntry>,
        loudness: Option<LoudnessInfo>,
        sound: Option<SoundInfo>,
    ) -> Manifest {
        let (meta, opts, programme) = (&self.article.meta, self.opts, self.programme);
        let title = meta
            .title
            .clone()
            .unwrap_or_else(|| self.file_name.to_owned());
        let chapters = chapters::assign(&mut entries, programme.duration_ms(), &title);
        Manifest {
            schema_version: SCHEMA_VERSION,
            generator: format!("rawi {}", env!("CARGO_PKG_VERSION")),
            article: ArticleInfo {
                title,
                author: meta.author.clone(),
                date: meta.date.clone(),
                source: meta.source.clone(),
                url: meta.url.clone(),
                file: self.file_name.to_owned(),
                text_path: "article.txt".into(),
            },
            voice: VoiceInfo {
                name: self.voice.name.clone(),
                engine: self.voice.engine.as_str().to_owned(),
            },
            audio: AudioInfo {
                path: format!("audio/edition.{}", opts.format),
                format: opts.format.to_string(),
                sample_rate: programme.rate,
                channels: 1,
                samples: Signal::len(&programme.samples) as u64,
                bitrate_kbps: (opts.format == Format::Mp3).then(|| encode::mp3_kbps(opts.mp3_kbps)),
                duration_ms: programme.duration_ms(),
            },
            loudness,
            sound,
            chapters,
            review: self
                .sentences
                .iter()
                .zip(self.spoken)
                .flat_map(|(s, sp)| ReviewEntry::of(s.id, &s.text, sp))
                .collect(),
            sentences: entries,
            files: Vec::new(),
        }
    }
}

/// Which sentence of which file a clip is for, to blame it by name when its spoken text is
/// what is too long.
#[derive(Debug, Clone, Copy)]
pub struct SentenceAt<'a> {
    /// The article (or `<text>` for `rawi say`).
    pub path: &'a Path,
    /// The sentence's number.
    pub id: usize,
    /// The sentence as written.
    pub text: &'a str,
}

/// Speaks one sentence and finishes the clip: edges trimmed to the voice's own pauses'
/// worth of silence, resampled to `rate`. `rawi say` and editions share it. A clip longer
/// than [`limits::MAX_SENTENCE_AUDIO_S`] is an error (and so never cached): the
/// sentence's, when the clip is no longer than honest speech of its text may be (see
/// [`slowest_honest_speech_s`]: a long clause of symbols, each read by name, really takes
/// minutes); the voice's when it was slower than any speech.
pub fn speak_clip(speaker: &Speaker, spoken: &str, rate: u32, at: SentenceAt<'_>) -> Result<Clip> {
    let mut clip = speaker.speak(spoken)?;
    audio::trim_silence(&mut clip, CLIP_EDGE_MS);
    let seconds = clip.samples.len() as f64 / f64::from(clip.rate.max(1));
    if seconds > limits::MAX_SENTENCE_AUDIO_S {
        let chars = spoken.chars().filter(|c| !c.is_whitespace()).count();
        if seconds <= slowest_honest_speech_s(spoken) {
            return Err(Error::input(
                at.path,
                format!(
                    "sentence {} («{}») makes {seconds:.0} s of speech ({chars} characters once numbers and symbols are written out), more than the {:.0} s a sentence may last; shorten it or split it in the article",
                    at.id,
                    short(at.text),
                    limits::MAX_SENTENCE_AUDIO_S
                ),
            ));
        }
        return Err(Error::Synth {
            voice: speaker.voice().name.clone(),
            reason: format!(
                "gave {seconds:.0} s of audio for one sentence of {chars} characters, slower than any speech and more than the {:.0} s a sentence may last; check the voice",
                limits::MAX_SENTENCE_AUDIO_S
            ),
        });
    }
    Ok(audio::resample(&clip, rate))
}

/// The longest honest speech of `spoken` may last, in seconds: its letters and digits at
/// [`limits::SLOW_SPEECH_CHARS_PER_S`], each symbol left in it (read by name) in
/// [`limits::SLOWEST_SYMBOL_S`], and a voice's own silences. Diacritics add no time.
fn slowest_honest_speech_s(spoken: &str) -> f64 {
    let (mut letters, mut symbols) = (0usize, 0usize);
    for c in spoken.chars() {
        if c.is_whitespace() || crate::text::is_arabic_mark(c) {
            continue;
        }
        if c.is_alphanumeric() {
            letters += 1;
        } else {
            symbols += 1;
        }
    }
    letters as f64 / limits::SLOW_SPEECH_CHARS_PER_S
        + symbols as f64 * limits::SLOWEST_SYMBOL_S
        + crate::synth::MAX_CLIP_BASE_S
}

/// `4 h` or `3.5 h`, for messages.
fn hours(seconds: f64) -> String {
    format!("{} h", (seconds / 360.0).round() / 10.0)
}

/// The longest run of decimal digits (any script) in `s`.
fn longest_digit_run(s: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        if crate::text::is_digit(c) {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// Refuses, before any synthesis, an article whose speech would be absurd: a digit run
/// too long to be a number, a sentence that would take minutes to say, or an edition
/// beyond [`limits::MAX_ARTICLE_AUDIO_S`]. Durations are estimated at a speaking rate
/// faster than any voice's ([`limits::FAST_SPEECH_CHARS_PER_S`]), so a refusal is certain
/// and an article that fits is never refused. The error names the file and the sentence.
pub fn check_speech(path: &Path, sentences: &[Sentence], spoken: &[Spoken]) -> Result<()> {
    check_spoken(
        path,
        sentences
            .iter()
            .zip(spoken)
            .map(|(s, sp)| (s.id, s.text.as_str(), sp.text.as_str())),
    )
}

/// [`check_speech`] over `(id, written, spoken)` triples, for callers without an article
/// (`rawi say`).
pub fn check_spoken<'a>(
    path: &Path,
    sentences: impl IntoIterator<Item = (usize, &'a str, &'a str)>,
) -> Result<()> {
    let mut total_chars = 0usize;
    let mut count = 0usize;
    for (id, text, spoken) in sentences {
        count += 1;
        let run = longest_digit_run(text);
        if run > limits::MAX_DIGIT_RUN {
            return Err(Error::input(
                path,
                format!(
                    "sentence {} («{}») has a run of {run} digits, more than the {} a number read aloud may have; check the article",
                    id,
                    short(text),
                    limits::MAX_DIGIT_RUN
                ),
            ));
        }
        let chars = spoken.chars().count();
        if chars > limits::MAX_SENTENCE_SPOKEN_CHARS {
            return Err(Error::input(
                path,
                format!(
                    "sentence {} («{}») would take more than {:.0} minutes to read ({chars} characters once numbers are written out); shorten it",
                    id,
                    short(text),
                    limits::MAX_SENTENCE_AUDIO_S / 60.0
                ),
            ));
        }
        total_chars += chars;
    }
    let seconds = total_chars as f64 / limits::FAST_SPEECH_CHARS_PER_S;
    if seconds > limits::MAX_ARTICLE_AUDIO_S {
        return Err(Error::input(
            path,
            format!(
                "would make at least {} of audio ({} sentences), more than the {} an edition may last; split the article",
                hours(seconds),
                count,
                hours(limits::MAX_ARTICLE_AUDIO_S)
            ),
        ));
    }
    Ok(())
}

/// Drops an article's `date` that is not a real date and a `url` that is not a web
/// address, with a warning: neither may reach the manifest, the tags or a feed.
fn drop_bad_meta(path: &Path, meta: &mut article::Meta) {
    if let Some(d) = meta.date.take() {
        if crate::meta::is_valid_date(&d) {
            meta.date = Some(d);
        } else {
            crate::error::report(format_args!(
                "rawi: warning: {}: date `{d}` is not a real date like 2024-05-01; ignored",
                path.display()
            ));
        }
    }
    if let Some(u) = meta.url.take() {
        if crate::meta::is_web_url(&u) {
            meta.url = Some(u);
        } else {
            crate::error::report(format_args!(
                "rawi: warning: {}: url `{u}` is not an http(s) address; ignored",
                path.display()
            ));
        }
    }
}

/// One sentence's finished clip (trimmed, at `rate`): from the cache when it is there,
/// else from the voice, and then kept in the cache.
fn clip_for(ctx: &Context, spoken: &str, rate: u32, at: SentenceAt<'_>) -> Result<Clip> {
    let key = clip_key(ctx.speaker.keys(), spoken);
    if let Some(clip) = ctx.cache.and_then(|c| c.get(&key)) {
        if clip.rate == rate {
            ctx.stats.cached.fetch_add(1, Ordering::Relaxed);
            return Ok(clip);
        }
    }
    let clip = speak_clip(ctx.speaker, spoken, rate, at)?;
    ctx.stats.synthesized.fetch_add(1, Ordering::Relaxed);
    if let Some(cache) = ctx.cache {
        if let Err(e) = cache.put(&key, &clip) {
            if !ctx.stats.cache_warned.swap(true, Ordering::Relaxed) {
                crate::error::report(format_args!(
                    "rawi: warning: cannot write to the clip cache ({e}); going on without it"
                ));
            }
        }
    }
    Ok(clip)
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
    /// The audio file's tags.
    pub fn tags(&self) -> Tags {
        let a = &self.manifest.article;
        Tags {
            title: a.title.clone(),
            artist: a.source.clone().or_else(|| a.author.clone()),
            album: self.album.clone().or_else(|| a.source.clone()),
            date: a.date.clone(),
            software: self.manifest.generator.clone(),
            cover: self.cover.clone(),
        }
    }

    /// The audio file: the programme read back block by block, its loudness normalized
    /// as it passes, into the encoder, which keeps what it encodes in a temporary file.
    pub fn encode_audio(&self) -> Result<encode::Encoded> {
        let m = &self.manifest;
        let chapters: Vec<encode::Chapter> = m
            .chapters
            .iter()
            .map(|c| encode::Chapter {
                title: c.title.clone(),
                start_ms: c.start_ms,
                end_ms: c.end_ms,
            })
            .collect();
        let samples = &self.programme.samples;
        let failed = |e: String| Error::output(&m.audio.path, e);
        let mut encoder = encode::Encoder::new(
            self.format,
            self.programme.rate,
            Signal::len(samples),
            &self.tags(),
            &chapters,
            self.mp3_kbps,
        )
        .map_err(failed)?;
        self.gain
            .applied(samples, self.programme.rate)
            .each_block(&mut |b| encoder.push(b))
            .map_err(failed)?;
        encoder.finish().map_err(failed)
    }

    /// The bundle's members other than the manifest and the audio, in order.
    fn texts(&self) -> Vec<(String, Vec<u8>)> {
        let m = &self.manifest;
        let cues = || {
            m.sentences
                .iter()
                .map(|s| (s.start_ms, s.end_ms, s.text.as_str()))
        };
        let mut text = self.article.source.clone();
        text.push('\n');
        vec![
            ("transcript.vtt".into(), vtt::write(cues()).into_bytes()),
            ("transcript.srt".into(), srt::write(cues()).into_bytes()),
            (
                "transcript.json".into(),
                transcript_json::write(cues()).into_bytes(),
            ),
            (
                "chapters.json".into(),
                chapters::write(&m.chapters).into_bytes(),
            ),
            ("index.html".into(), page::edition(m).into_bytes()),
            ("article.txt".into(), text.into_bytes()),
        ]
    }

    /// The manifest as written, with the `[[file]]` list of the audio (`audio`) and the
    /// other members.
    fn manifest_with(&self, audio: FileEntry, texts: &[(String, Vec<u8>)]) -> Vec<u8> {
        let mut manifest = self.manifest.clone();
        manifest.files = std::iter::once(audio)
            .chain(texts.iter().map(|(p, c)| FileEntry::of(p, c)))
            .collect();
        manifest.to_toml().into_bytes()
    }

    /// The bundle's files: manifest (with every other member's hash) first, then the
    /// audio, all in memory (a podcast keeps its episodes' files until it is assembled).
    pub fn bundle(&self) -> Result<Bundle> {
        let m = &self.manifest;
        let audio = self
            .encode_audio()?
            .to_vec()
            .map_err(|e| temp_failure("the encoded audio", &e))?;
        let texts = self.texts();
        let manifest = self.manifest_with(FileEntry::of(&m.audio.path, &audio), &texts);
        let mut b = Bundle::default();
        b.add("manifest.toml", manifest);
        b.add(m.audio.path.clone(), audio);
        for (p, c) in texts {
            b.add(p, c);
        }
        Ok(b)
    }

    /// Writes the bundle at `out` (a zip, or a folder if `unpacked`), the same files as
    /// [`Edition::bundle`] gives, with the audio copied from its temporary file as it is
    /// written instead of held in memory.
    pub fn write(&self, out: &Path, unpacked: bool) -> Result<()> {
        let m = &self.manifest;
        let audio = self.encode_audio()?;
        let entry = FileEntry {
            path: m.audio.path.clone(),
            sha256: audio
                .sha256_hex()
                .map_err(|e| temp_failure("the encoded audio", &e))?,
            bytes: audio.len(),
        };
        let texts = self.texts();
        let manifest = self.manifest_with(entry, &texts);
        let mut members: Vec<(&str, Member)> = vec![
            ("manifest.toml", Member::Bytes(&manifest)),
            (m.audio.path.as_str(), Member::Audio(&audio)),
        ];
        members.extend(texts.iter().map(|(p, c)| (p.as_str(), Member::Bytes(c))));
        if unpacked {
            crate::bundle::write_dir(out, &members)
        } else {
            crate::bundle::write_zip(out, &members)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_four_hour_article_is_built_and_a_seven_hour_one_refused() {
        // Sentences of 1 000 spoken characters; at the fast rate rawi estimates with, 25
        // characters a second, each is at least 40 s of speech.
        let sentence = "ب".repeat(1000);
        let article = |hours: f64| {
            let n = (hours * 3600.0 / 40.0).ceil() as usize;
            (1..=n)
                .map(|id| (id, "نص", sentence.as_str()))
                .collect::<Vec<_>>()
        };
        let path = Path::new("long.txt");
        assert!(check_spoken(path, article(4.0)).is_ok());
        let e = check_spoken(path, article(7.0)).unwrap_err().to_string();
        assert!(e.contains("long.txt") && e.contains("6 h"), "{e}");
    }
}
