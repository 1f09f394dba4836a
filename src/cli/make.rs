//! What `build` and `podcast` share: the voice, cache and loudness options, the worker
//! pool, the progress bar and the per-article report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use crate::article;
use crate::cache::Cache;
use crate::edition::{self, Context, Options, Stats};
use crate::encode::{self, Format};
use crate::error::{Error, Result};
use crate::fsx;
use crate::limits;
use crate::loudness;
use crate::podcast::Shard;
use crate::synth::Speaker;
use crate::voice::{self, Voice};

/// Options shared by `build` and `podcast`: voice, cache, loudness, sharding.
#[derive(clap::Args, Debug)]
pub(crate) struct MakeArgs {
    /// Voice name or voice file (see `rawi voices`).
    #[arg(long, default_value = voice::DEFAULT_VOICE)]
    pub(crate) voice: String,
    /// A pronunciation lexicon added to a bundled voice's own (lines of diacritized
    /// words, or `WORD<TAB>DIACRITIZED`).
    #[arg(long, value_name = "FILE")]
    pub(crate) lexicon: Option<PathBuf>,
    /// Sentences synthesized at once (default: the number of cores).
    #[arg(short = 'j', long)]
    pub(crate) jobs: Option<usize>,
    /// Also read Arabic image captions.
    #[arg(long)]
    pub(crate) read_captions: bool,
    /// Write folders instead of zips.
    #[arg(long)]
    pub(crate) unpacked: bool,
    /// Folder of the clip cache (default: the user's cache dir, `rawi/clips`).
    #[arg(long, value_name = "DIR")]
    pub(crate) cache: Option<PathBuf>,
    /// Neither read nor write the clip cache.
    #[arg(long, conflicts_with = "cache")]
    pub(crate) no_cache: bool,
    /// Integrated loudness to normalize to, LUFS (EBU R128).
    #[arg(long, default_value_t = -16.0, allow_negative_numbers = true, value_name = "LUFS")]
    pub(crate) loudness: f64,
    /// Highest true peak, dBTP.
    #[arg(long, default_value_t = -1.0, allow_negative_numbers = true, value_name = "DBTP")]
    pub(crate) true_peak: f64,
    /// Keep the voice's own level (no loudness normalization).
    #[arg(long)]
    pub(crate) no_loudness: bool,
    /// MP3 bit rate, kbit/s: 32, 48, 64, 96, 128 or 160.
    #[arg(long, default_value_t = encode::DEFAULT_MP3_KBPS, value_name = "KBPS", value_parser = mp3_bitrate)]
    pub(crate) bitrate: u32,
    /// Print what the voice would be sent (requests, characters, characters already in
    /// the cache) for each article, and send nothing.
    #[arg(long)]
    pub(crate) estimate: bool,
    /// Build only the K-th of N slices of the articles (sorted by path; article i goes to
    /// slice i mod N + 1), e.g. `--shard 2/8`; `auto` (or `auto/N`) takes the slice from
    /// the job runner's variables (GNU parallel, a Slurm array, a Kubernetes indexed Job).
    #[arg(long, value_name = "K/N", value_parser = crate::podcast::parse_shard_arg)]
    pub(crate) shard: Option<Shard>,
    /// A sound played before the speech (WAV, MP3, FLAC or Ogg/Vorbis), as loud as the
    /// voice.
    #[arg(long, value_name = "FILE")]
    pub(crate) intro: Option<PathBuf>,
    /// A sound played after the speech (WAV, MP3, FLAC or Ogg/Vorbis), as loud as the
    /// voice.
    #[arg(long, value_name = "FILE")]
    pub(crate) outro: Option<PathBuf>,
    /// Music under the speech (WAV, MP3, FLAC or Ogg/Vorbis), repeated as needed and
    /// ducked under the voice.
    #[arg(long, value_name = "FILE")]
    pub(crate) bed: Option<PathBuf>,
    /// Where the bed plays: under the headline (then fading out) or all the speech.
    #[arg(long, value_enum, default_value = "headline", requires = "bed")]
    pub(crate) bed_under: crate::sound::BedSpan,
}

impl MakeArgs {
    /// The sound identity of `--intro`, `--outro` and `--bed`, each file read and decoded
    /// (before any speech is made, so a bad one costs nothing); `None` without them.
    fn sound(&self) -> Result<Option<crate::sound::Identity>> {
        let load = |p: &Option<PathBuf>, what: &str| {
            p.as_deref()
                .map(|p| crate::sound::load(p, what))
                .transpose()
        };
        let id = crate::sound::Identity {
            intro: load(&self.intro, "an intro")?,
            outro: load(&self.outro, "an outro")?,
            bed: load(&self.bed, "a bed")?.map(|b| (b, self.bed_under)),
        };
        Ok((!id.is_empty()).then_some(id))
    }
}

/// Reads `--bitrate`: one of the rates the MP3 encoder takes ([`encode::MP3_KBPS`]). Any
/// other value used to become another rate without a word (`0`, `8`, `4294967295`).
fn mp3_bitrate(s: &str) -> std::result::Result<u32, String> {
    let valid = || {
        encode::MP3_KBPS
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match s.trim().parse::<u32>() {
        Ok(k) if encode::MP3_KBPS.contains(&k) => Ok(k),
        _ => Err(format!(
            "the MP3 encoder takes {} kbit/s; give one of them",
            valid()
        )),
    }
}

/// The clip cache a run uses: `--cache DIR`, else the user's, unless `--no-cache`.
pub(crate) fn cache(make: &MakeArgs) -> Option<Cache> {
    if make.no_cache {
        return None;
    }
    make.cache
        .clone()
        .or_else(Cache::default_dir)
        .map(Cache::new)
}

/// A thread pool of `jobs` workers (default: the number of cores), at most
/// [`limits::MAX_JOBS`].
pub(crate) fn pool(jobs: Option<usize>) -> Result<rayon::ThreadPool> {
    if let Some(j) = jobs {
        if !(1..=limits::MAX_JOBS).contains(&j) {
            return Err(Error::input(
                "-j",
                format!(
                    "{j} workers asked for; give between 1 and {}",
                    limits::MAX_JOBS
                ),
            ));
        }
    }
    let n = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .clamp(1, limits::MAX_JOBS);
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| Error::output("-j", format!("cannot start {n} workers: {e}")))
}

/// Reads a `--cover` image: PNG or JPEG, else a clear error.
pub(crate) fn read_cover(path: &Path) -> Result<encode::Cover> {
    let bytes = fsx::read_input(path, limits::MAX_COVER_BYTES, "cover")?;
    encode::Cover::parse(bytes)
        .map_err(|why| Error::input(path, format!("{why}; give a PNG or JPEG cover")))
}

/// Where the bundle of each article goes, in the order of `articles`. With one article and
/// `-o`, that path; otherwise a name from the file stem (`story.zip`, or the folder
/// `story` with `--unpacked`) in the `-o` folder or the current one. Articles that share a
/// stem get `story-2`, `story-3`… in the order of their paths sorted as strings (the order
/// `--shard` uses), so names do not depend on the order of the arguments and every article
/// has its own bundle.
pub(crate) fn outputs(
    articles: &[&PathBuf],
    all: &[PathBuf],
    output: Option<&Path>,
    many: bool,
    unpacked: bool,
) -> Vec<PathBuf> {
    if let (Some(o), false) = (output, many) {
        return articles.iter().map(|_| o.to_path_buf()).collect();
    }
    let mut sorted: Vec<&PathBuf> = all.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut taken = std::collections::HashSet::new();
    let mut names = std::collections::HashMap::new();
    for path in sorted {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "edition".into());
        let mut candidate = stem.clone();
        let mut n = 2;
        while !taken.insert(candidate.clone()) {
            candidate = format!("{stem}-{n}");
            n += 1;
        }
        names.insert(path, candidate);
    }
    articles
        .iter()
        .map(|path| {
            let stem = names.get(path).cloned().unwrap_or_else(|| "edition".into());
            let name = if unpacked {
                stem
            } else {
                format!("{stem}.zip")
            };
            match output {
                Some(dir) => dir.join(name),
                None => PathBuf::from(name),
            }
        })
        .collect()
}

/// The input files a run reads (articles and lexicon), which no output may replace.
pub(crate) fn inputs<'a>(articles: &'a [PathBuf], make: &'a MakeArgs) -> Vec<&'a Path> {
    let mut v: Vec<&Path> = articles.iter().map(PathBuf::as_path).collect();
    v.extend(make.lexicon.as_deref());
    v.extend(make.intro.as_deref());
    v.extend(make.outro.as_deref());
    v.extend(make.bed.as_deref());
    v
}

/// The voice, pool, cache and options a `build` or `podcast` run needs.
pub(crate) struct Maker {
    speaker: Speaker,
    pub(crate) pool: rayon::ThreadPool,
    cache: Option<Cache>,
    stats: Stats,
    opts: Options,
    progress: ProgressBar,
    started: Instant,
}

impl Maker {
    /// A maker for the `build` or `podcast` command: its options, output format and
    /// progress bar.
    pub(crate) fn new(
        make: &MakeArgs,
        format: Format,
        album: Option<String>,
        cover: Option<std::sync::Arc<encode::Cover>>,
    ) -> Result<Maker> {
        if !(-70.0..=0.0).contains(&make.loudness) || !(-20.0..=0.0).contains(&make.true_peak) {
            return Err(Error::input(
                "--loudness/--true-peak",
                "out of range; give a loudness between -70 and 0 LUFS and a true peak between -20 and 0 dBTP",
            ));
        }
        let voice = load_voice(&make.voice, make.lexicon.as_deref())?;
        encode::check(format, voice.sample_rate).map_err(|e| Error::input("--format", e))?;
        let speaker = Speaker::open(&voice)?;
        let cache = cache(make);
        let progress = if std::io::stderr().is_terminal() {
            let p = ProgressBar::new(0);
            p.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} sentences {elapsed} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            p
        } else {
            ProgressBar::hidden()
        };
        Ok(Maker {
            speaker,
            pool: pool(make.jobs)?,
            cache,
            stats: Stats::default(),
            opts: Options {
                read_captions: make.read_captions,
                format,
                mp3_kbps: make.bitrate,
                loudness: (!make.no_loudness).then_some(loudness::Target {
                    lufs: make.loudness,
                    true_peak_dbtp: make.true_peak,
                }),
                album,
                cover,
                sound: make.sound()?.map(std::sync::Arc::new),
            },
            progress,
            started: Instant::now(),
        })
    }

    /// What identifies a sharded podcast run: the whole article list (`all`, in path
    /// order) with each article's contents digest, and the options that shape the audio
    /// (voice settings and lexicon, format, bit rate, loudness, captions, the fallback
    /// date, the cover). Every shard of one run computes the same.
    pub(crate) fn run_identity(
        &self,
        all: &[(usize, &PathBuf)],
        make: &MakeArgs,
        fallback_date: &str,
        cover: Option<&(String, Vec<u8>)>,
    ) -> crate::podcast::RunIdentity {
        use crate::digest::sha256_hex;
        let digest_of = |path: &Path, cap: u64, what: &str| {
            fsx::read_input(path, cap, what)
                .map(|b| sha256_hex(&b))
                .unwrap_or_else(|_| "unreadable".to_owned())
        };
        let list: Vec<(String, String)> = all
            .iter()
            .map(|(_, p)| {
                (
                    p.display().to_string(),
                    digest_of(p, limits::MAX_ARTICLE_BYTES, "article"),
                )
            })
            .collect();
        let o = &self.opts;
        let level = match &o.loudness {
            Some(t) => format!("{} LUFS, {} dBTP", t.lufs, t.true_peak_dbtp),
            None => "the voice's own level".to_owned(),
        };
        let rate = if o.format == Format::Mp3 {
            format!(" at {} kbit/s", o.mp3_kbps)
        } else {
            String::new()
        };
        let sound = o
            .sound
            .as_deref()
            .map(|id| {
                let named = |what: &str, s: Option<&crate::sound::Sound>| {
                    s.map(|s| format!(", {what} {}", s.file))
                        .unwrap_or_default()
                };
                format!(
                    "{}{}{}",
                    named("intro", id.intro.as_ref()),
                    named("outro", id.outro.as_ref()),
                    id.bed
                        .as_ref()
                        .map(|(s, span)| format!(", bed {} under {}", s.file, span.as_str()))
                        .unwrap_or_default()
                )
            })
            .unwrap_or_default();
        let audio = format!(
            "voice {}, {}{rate}, {level}, captions {}, undated articles on {fallback_date}{sound}",
            self.speaker.voice().name,
            o.format,
            if o.read_captions { "read" } else { "skipped" },
        );
        let mut settings = self.speaker.voice().fingerprint();
        for (what, digest) in [
            (
                "lexicon",
                make.lexicon
                    .as_deref()
                    .map(|p| digest_of(p, limits::MAX_LEXICON_BYTES, "lexicon")),
            ),
            ("cover", cover.map(|(_, bytes)| sha256_hex(bytes))),
            (
                "sound",
                o.sound.as_deref().map(|id| {
                    [
                        id.intro.as_ref(),
                        id.outro.as_ref(),
                        id.bed.as_ref().map(|(s, _)| s),
                    ]
                    .map(|s| s.map_or("", |s| s.sha256.as_str()))
                    .join(" ")
                }),
            ),
        ] {
            // Without a sound identity the settings read as before it existed, so
            // shards of an older rawi's run still match.
            if what != "sound" || digest.is_some() {
                settings.push_str(&format!("\n{what}: {}", digest.unwrap_or_default()));
            }
        }
        crate::podcast::RunIdentity {
            articles: all.len(),
            articles_sha256: crate::podcast::RunIdentity::digest_articles(&list),
            audio,
            audio_sha256: sha256_hex(settings.as_bytes()),
        }
    }

    /// Counts the sentences to speak, for the progress bar (cheap: no synthesis).
    pub(crate) fn plan(&self, articles: &[&PathBuf]) {
        if self.progress.is_hidden() {
            return;
        }
        let max = self.speaker.voice().limits.max_chars;
        let total: usize = articles
            .iter()
            .filter_map(|p| article::read(p).ok())
            .map(|a| edition::prepare(&a, &self.opts, max).0.len())
            .sum();
        self.progress.set_length(total as u64);
    }

    /// Builds one article into an edition, the progress bar counting its sentences.
    pub(crate) fn build(&self, path: &Path) -> Result<edition::Edition> {
        self.progress.set_message(path.display().to_string());
        let on_clip = || self.progress.inc(1);
        let ctx = Context {
            speaker: &self.speaker,
            cache: self.cache.as_ref(),
            stats: &self.stats,
            on_clip: &on_clip,
        };
        self.pool.install(|| edition::build(path, &self.opts, &ctx))
    }

    /// Prints a line without tearing the progress bar.
    pub(crate) fn say(&self, line: String) {
        self.progress
            .suspend(|| crate::error::report(format_args!("{line}")));
    }

    /// The closing line of the run.
    pub(crate) fn finish(&self, what: &str, done: usize, failed: usize) {
        self.progress.finish_and_clear();
        let failed = if failed > 0 {
            format!(" ({failed} failed)")
        } else {
            String::new()
        };
        crate::error::report(format_args!(
            "rawi: {what}: {done} built{failed} in {:.1} s: {}",
            self.started.elapsed().as_secs_f64(),
            self.stats.summary()
        ));
    }
}

/// What one finished article reports.
pub(crate) struct Done {
    out: String,
    sentences: usize,
    duration_ms: u64,
    lufs: Option<f64>,
    seconds: f64,
}

impl Done {
    /// What a finished edition written to `out` reports.
    pub(crate) fn of(ed: &edition::Edition, out: String) -> Done {
        Done {
            out,
            sentences: ed.sentences.len(),
            duration_ms: ed.manifest.audio.duration_ms,
            lufs: ed.manifest.loudness.as_ref().map(|l| l.after_lufs),
            seconds: ed.elapsed.as_secs_f64(),
        }
    }

    /// The one line printed for the article at `path` when its edition is written.
    pub(crate) fn line(&self, path: &Path) -> String {
        format!(
            "rawi: {} -> {}: {} sentences, {} of audio{}, in {:.1} s",
            path.display(),
            self.out,
            self.sentences,
            clock(self.duration_ms),
            self.lufs
                .map(|l| format!(", {l:.1} LUFS"))
                .unwrap_or_default(),
            self.seconds
        )
    }
}

/// Articles of this shard, sorted by path, with their index in the whole sorted list.
pub(crate) fn select(articles: &[PathBuf], shard: Option<Shard>) -> Vec<(usize, &PathBuf)> {
    let mut sorted: Vec<&PathBuf> = articles.iter().collect();
    sorted.sort();
    sorted.dedup();
    sorted
        .into_iter()
        .enumerate()
        .filter(|(i, _)| shard.is_none_or(|s| s.contains(*i)))
        .collect()
}

/// The exit status of a run over `total` articles of which `failed` failed: 0 when none
/// did, 2 when all did, 1 when some did (the others were still produced).
pub(crate) fn exit_code(failed: usize, total: usize) -> i32 {
    match failed {
        0 => 0,
        n if n == total => 2,
        _ => 1,
    }
}

/// `m:ss` for a duration in milliseconds.
pub(crate) fn clock(ms: u64) -> String {
    format!("{}:{:02}", ms / 60_000, ms / 1000 % 60)
}

/// Loads a voice by name or file, with the user's lexicon if one is given.
pub(crate) fn load_voice(name: &str, lexicon: Option<&Path>) -> Result<Voice> {
    let voice = Voice::load(name)?;
    match lexicon {
        Some(path) => {
            // A device or FIFO given as the lexicon must not hang or fill the memory when
            // the voice reads it: only a regular file under the cap gets that far.
            fsx::open_input(path, limits::MAX_LEXICON_BYTES, "lexicon")?;
            voice.with_lexicon(path)
        }
        None => Ok(voice),
    }
}
