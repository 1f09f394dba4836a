//! The command line: argument parsing and the commands, each a few calls into the library.
//! Exit codes: 0 success, 1 some inputs failed (the rest were produced), 2 usage or fatal
//! error. Errors go to stderr as one line naming the file and what to do.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;

use crate::audio::{self, Programme};
use crate::bundle::{feed, verify};
use crate::cache::Cache;
use crate::edition::{self, Context, Options, Stats};
use crate::encode::{self, Format};
use crate::error::{Error, Result};
use crate::loudness;
use crate::podcast::{self, PodcastInfo, Shard};
use crate::segment::{self, Boundary, SplitOptions};
use crate::synth::Speaker;
use crate::voice::{self, Voice};
use crate::{article, normalize, text};

/// rawi (راوي): Arabic news articles to audio editions.
#[derive(Parser, Debug)]
#[command(name = "rawi", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

/// Options shared by `build` and `podcast`: voice, cache, loudness, sharding.
#[derive(clap::Args, Debug)]
struct MakeArgs {
    /// Voice name or voice file (see `rawi voices`).
    #[arg(long, default_value = voice::DEFAULT_VOICE)]
    voice: String,
    /// A pronunciation lexicon added to a bundled voice's own (lines of diacritized
    /// words, or `WORD<TAB>DIACRITIZED`).
    #[arg(long, value_name = "FILE")]
    lexicon: Option<PathBuf>,
    /// Sentences synthesized at once (default: the number of cores).
    #[arg(short = 'j', long)]
    jobs: Option<usize>,
    /// Also read Arabic image captions.
    #[arg(long)]
    read_captions: bool,
    /// Write folders instead of zips.
    #[arg(long)]
    unpacked: bool,
    /// Folder of the clip cache (default: the user's cache dir, `rawi/clips`).
    #[arg(long, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Neither read nor write the clip cache.
    #[arg(long, conflicts_with = "cache")]
    no_cache: bool,
    /// Integrated loudness to normalize to, LUFS (EBU R128).
    #[arg(long, default_value_t = -16.0, allow_negative_numbers = true, value_name = "LUFS")]
    loudness: f64,
    /// Highest true peak, dBTP.
    #[arg(long, default_value_t = -1.0, allow_negative_numbers = true, value_name = "DBTP")]
    true_peak: f64,
    /// Keep the voice's own level (no loudness normalization).
    #[arg(long)]
    no_loudness: bool,
    /// MP3 bit rate, kbit/s.
    #[arg(long, default_value_t = encode::DEFAULT_MP3_KBPS, value_name = "KBPS")]
    bitrate: u32,
    /// Build only the K-th of N slices of the articles (sorted by path; article i goes to
    /// slice i mod N + 1), e.g. `--shard 2/8`.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Build one audio edition (a zip bundle) per article.
    Build {
        /// Article files (.txt, .md, .html).
        #[arg(required = true)]
        articles: Vec<PathBuf>,
        /// Output: the bundle for one article, a folder for several.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Audio format of the edition.
        #[arg(long, default_value = "wav")]
        format: Format,
        #[command(flatten)]
        make: MakeArgs,
    },
    /// Build a podcast: one bundle with an episode per article and a feed.xml.
    Podcast {
        /// Article files (.txt, .md, .html).
        #[arg(required_unless_present = "merge")]
        articles: Vec<PathBuf>,
        /// The podcast bundle to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Merge the outputs of sharded runs (`--shard K/N`) into one podcast.
        #[arg(long, num_args = 1.., value_name = "SHARD_OUTPUT", conflicts_with = "articles")]
        merge: Vec<PathBuf>,
        #[command(flatten)]
        channel: ChannelArgs,
        /// Publication date (YYYY-MM-DD) of articles that have none; default: the newest
        /// article date of the batch, else 2000-01-01.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// Audio format of the episodes.
        #[arg(long, default_value = "mp3")]
        format: Format,
        #[command(flatten)]
        make: MakeArgs,
    },
    /// Check bundles against their manifests (hashes, durations, timeline, feed).
    Verify {
        /// Bundles (zip files or folders).
        #[arg(required = true)]
        bundles: Vec<PathBuf>,
    },
    /// Speak one text (argument or stdin) to a WAV file, after normalization.
    Say {
        /// The text; read from stdin when absent.
        text: Vec<String>,
        /// The WAV file to write.
        #[arg(short, long)]
        output: PathBuf,
        /// Voice name or voice file.
        #[arg(long, default_value = voice::DEFAULT_VOICE)]
        voice: String,
        /// A pronunciation lexicon added to a bundled voice's own.
        #[arg(long, value_name = "FILE")]
        lexicon: Option<PathBuf>,
    },
    /// Print the spoken form of stdin, one output line per input line.
    Normalize {
        /// Also show what each token became and which rule decided it.
        #[arg(long)]
        explain: bool,
    },
    /// Print the sentences that would be read, one per line.
    Split {
        /// The article file.
        article: PathBuf,
        /// Also read Arabic image captions.
        #[arg(long)]
        read_captions: bool,
        /// Prefix each sentence with its block kind.
        #[arg(long)]
        kinds: bool,
    },
    /// List the voices found and whether each can run here.
    Voices,
}

/// Runs the command line; returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("rawi: error: {e}");
            2
        }
    }
}

fn run(cli: Cli) -> Result<i32> {
    match cli.command {
        Cmd::Build {
            articles,
            output,
            format,
            make,
        } => build(&articles, output.as_deref(), format, &make),
        Cmd::Podcast {
            articles,
            output,
            merge,
            channel,
            date,
            format,
            make,
        } => {
            if merge.is_empty() {
                podcast(&articles, &output, &channel, date.as_deref(), format, &make)
            } else {
                podcast_merge(&merge, &output, &channel, make.unpacked)
            }
        }
        Cmd::Verify { bundles } => verify(&bundles),
        Cmd::Say {
            text,
            output,
            voice,
            lexicon,
        } => say(text, &output, &voice, lexicon.as_deref()),
        Cmd::Normalize { explain } => normalize_stdin(explain),
        Cmd::Split {
            article,
            read_captions,
            kinds,
        } => split(&article, read_captions, kinds),
        Cmd::Voices => voices(),
    }
}

/// A thread pool of `jobs` workers (default: the number of cores).
fn pool(jobs: Option<usize>) -> Result<rayon::ThreadPool> {
    let n = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .map_err(|e| Error::output("-j", format!("cannot start {n} workers: {e}")))
}

/// Where the bundle of `article` goes.
fn output_for(article: &Path, output: Option<&Path>, many: bool, unpacked: bool) -> PathBuf {
    let stem = article
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "edition".into());
    let name = if unpacked {
        stem
    } else {
        format!("{stem}.zip")
    };
    match output {
        Some(o) if !many => o.to_path_buf(),
        Some(dir) => dir.join(name),
        None => PathBuf::from(name),
    }
}

/// The voice, pool, cache and options a `build` or `podcast` run needs.
struct Maker {
    speaker: Speaker,
    pool: rayon::ThreadPool,
    cache: Option<Cache>,
    stats: Stats,
    opts: Options,
    progress: ProgressBar,
    started: Instant,
}

impl Maker {
    fn new(make: &MakeArgs, format: Format, album: Option<String>) -> Result<Maker> {
        if !(-70.0..=0.0).contains(&make.loudness) || !(-20.0..=0.0).contains(&make.true_peak) {
            return Err(Error::input(
                "--loudness/--true-peak",
                "out of range; give a loudness between -70 and 0 LUFS and a true peak between -20 and 0 dBTP",
            ));
        }
        let voice = load_voice(&make.voice, make.lexicon.as_deref())?;
        encode::check(format, voice.sample_rate).map_err(|e| Error::input("--format", e))?;
        let speaker = Speaker::open(&voice)?;
        let cache = if make.no_cache {
            None
        } else {
            make.cache
                .clone()
                .or_else(Cache::default_dir)
                .map(Cache::new)
        };
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
            },
            progress,
            started: Instant::now(),
        })
    }

    /// Counts the sentences to speak, for the progress bar (cheap: no synthesis).
    fn plan(&self, articles: &[&PathBuf]) {
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

    fn build(&self, path: &Path) -> Result<edition::Edition> {
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
    fn say(&self, line: String) {
        self.progress.suspend(|| eprintln!("{line}"));
    }

    /// The closing line of the run.
    fn finish(&self, what: &str, done: usize, failed: usize) {
        self.progress.finish_and_clear();
        let failed = if failed > 0 {
            format!(" ({failed} failed)")
        } else {
            String::new()
        };
        eprintln!(
            "rawi: {what}: {done} built{failed} in {:.1} s: {}",
            self.started.elapsed().as_secs_f64(),
            self.stats.summary()
        );
    }
}

/// What one finished article reports.
struct Done {
    out: String,
    sentences: usize,
    duration_ms: u64,
    lufs: Option<f64>,
    seconds: f64,
}

impl Done {
    fn of(ed: &edition::Edition, out: String) -> Done {
        Done {
            out,
            sentences: ed.sentences.len(),
            duration_ms: ed.manifest.audio.duration_ms,
            lufs: ed.manifest.loudness.as_ref().map(|l| l.after_lufs),
            seconds: ed.elapsed.as_secs_f64(),
        }
    }

    fn line(&self, path: &Path) -> String {
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
fn select(articles: &[PathBuf], shard: Option<Shard>) -> Vec<(usize, &PathBuf)> {
    let mut sorted: Vec<&PathBuf> = articles.iter().collect();
    sorted.sort();
    sorted.dedup();
    sorted
        .into_iter()
        .enumerate()
        .filter(|(i, _)| shard.is_none_or(|s| s.contains(*i)))
        .collect()
}

fn exit_code(failed: usize, total: usize) -> i32 {
    match failed {
        0 => 0,
        n if n == total => 2,
        _ => 1,
    }
}

fn build(
    articles: &[PathBuf],
    output: Option<&Path>,
    format: Format,
    make: &MakeArgs,
) -> Result<i32> {
    let maker = Maker::new(make, format, None)?;
    let chosen: Vec<&PathBuf> = if make.shard.is_some() {
        select(articles, make.shard)
            .into_iter()
            .map(|(_, p)| p)
            .collect()
    } else {
        articles.iter().collect()
    };
    let many = articles.len() > 1 || make.shard.is_some();
    if many {
        if let Some(dir) = output {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::output(dir, format!("cannot create the output folder: {e}")))?;
        }
    }
    maker.plan(&chosen);
    // Articles are built side by side (their sentences too, on the same pool), and
    // reported in order once all are done.
    let results: Vec<Result<Done>> = maker.pool.install(|| {
        chosen
            .par_iter()
            .map(|path| {
                let out = output_for(path, output, many, make.unpacked);
                let ed = maker.build(path)?;
                let bundle = ed.bundle()?;
                if make.unpacked {
                    bundle.write_dir(&out)?;
                } else {
                    bundle.write_zip(&out)?;
                }
                Ok(Done::of(&ed, out.display().to_string()))
            })
            .collect()
    });
    let mut failed = 0;
    for (path, result) in chosen.iter().zip(results) {
        match result {
            Ok(done) => maker.say(done.line(path)),
            Err(e) => {
                maker.say(format!("rawi: error: {e}"));
                failed += 1;
            }
        }
    }
    maker.finish("build", chosen.len() - failed, failed);
    Ok(exit_code(failed, chosen.len()))
}

/// The channel options of `rawi podcast`.
#[derive(clap::Args, Debug)]
struct ChannelArgs {
    /// Podcast title (required unless merging).
    #[arg(long)]
    title: Option<String>,
    /// Podcast description (default: the title).
    #[arg(long)]
    description: Option<String>,
    /// Podcast author.
    #[arg(long)]
    author: Option<String>,
    /// Where the bundle will be published; enclosure and image URLs start with it.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Cover image (PNG or JPEG; Apple asks for 1400 to 3000 px square).
    #[arg(long, value_name = "FILE")]
    cover: Option<PathBuf>,
    /// Apple Podcasts category, `Top` or `Top/Sub`.
    #[arg(long, default_value = "News/Daily News")]
    category: String,
    /// Mark the podcast as explicit.
    #[arg(long)]
    explicit: bool,
}

impl ChannelArgs {
    /// The podcast info, from these options over `base` (a shard's, when merging).
    fn info(&self, base: Option<&PodcastInfo>) -> Result<PodcastInfo> {
        let title = self
            .title
            .clone()
            .or_else(|| base.map(|b| b.title.clone()))
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| Error::input("--title", "is required: name the podcast with --title"))?;
        let base_url = self
            .base_url
            .clone()
            .or_else(|| base.and_then(|b| b.base_url.clone()))
            .map(|u| u.trim_end_matches('/').to_owned());
        if let Some(u) = &base_url {
            if !(u.starts_with("https://") || u.starts_with("http://")) {
                return Err(Error::input(
                    "--base-url",
                    format!("`{u}` is not an http(s) URL; give where the bundle will be published"),
                ));
            }
        }
        let guid = match &base_url {
            Some(u) => feed::podcast_guid(&podcast::feed_url(Some(u))).to_string(),
            None => uuid::Uuid::new_v5(&feed::PODCAST_GUID_NAMESPACE, title.as_bytes()).to_string(),
        };
        let explicit = self.explicit || base.is_some_and(|b| b.explicit);
        Ok(PodcastInfo {
            description: self
                .description
                .clone()
                .or_else(|| base.map(|b| b.description.clone()))
                .unwrap_or_else(|| title.clone()),
            author: self
                .author
                .clone()
                .or_else(|| base.and_then(|b| b.author.clone())),
            category: if self.category != "News/Daily News" || base.is_none() {
                self.category.clone()
            } else {
                base.map(|b| b.category.clone()).unwrap_or_default()
            },
            explicit,
            guid,
            cover: base.and_then(|b| b.cover.clone()),
            base_url,
            title,
        })
    }

    /// The cover member (name, bytes), if `--cover` was given.
    fn cover(&self) -> Result<Option<(String, Vec<u8>)>> {
        let Some(path) = &self.cover else {
            return Ok(None);
        };
        let bytes = std::fs::read(path)
            .map_err(|e| Error::input(path, format!("cannot read the cover: {e}")))?;
        let name = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "cover.png"
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            "cover.jpg"
        } else {
            return Err(Error::input(
                path,
                "is not a PNG or JPEG image; give a PNG or JPEG cover",
            ));
        };
        Ok(Some((name.to_owned(), bytes)))
    }
}

fn write_bundle(bundle: &crate::bundle::Bundle, out: &Path, unpacked: bool) -> Result<()> {
    if unpacked {
        bundle.write_dir(out)
    } else {
        bundle.write_zip(out)
    }
}

fn podcast(
    articles: &[PathBuf],
    output: &Path,
    channel: &ChannelArgs,
    date: Option<&str>,
    format: Format,
    make: &MakeArgs,
) -> Result<i32> {
    let mut info = channel.info(None)?;
    let cover = channel.cover()?;
    info.cover = cover.as_ref().map(|(n, _)| n.clone());
    if let Some(d) = date {
        if feed::rfc2822(d).is_none() {
            return Err(Error::input(
                "--date",
                format!("`{d}` is not a date like 2024-05-01"),
            ));
        }
    }
    let maker = Maker::new(make, format, Some(info.title.clone()))?;
    if info.base_url.is_none() {
        eprintln!("rawi: warning: no --base-url: the feed's links are relative, and podcast apps need absolute ones");
    }
    if info.cover.is_none() {
        eprintln!("rawi: warning: no --cover: Apple Podcasts asks for a square cover image");
    }
    let all = select(articles, None);
    let names: Vec<String> = all.iter().map(|(_, p)| p.display().to_string()).collect();
    let slugs = podcast::slugs(&names);
    // Undated articles get --date, else the newest date of the whole batch (all shards
    // see the same list, so they agree), else a fixed date: never the clock.
    let fallback = date.map(str::to_owned).unwrap_or_else(|| {
        all.iter()
            .filter_map(|(_, p)| article::read(p).ok()?.meta.date)
            .filter(|d| feed::rfc2822(d).is_some())
            .map(|d| d.chars().take(10).collect::<String>())
            .max()
            .unwrap_or_else(|| podcast::FALLBACK_DATE.to_owned())
    });
    let chosen: Vec<(usize, &PathBuf)> = select(articles, make.shard);
    maker.plan(&chosen.iter().map(|(_, p)| *p).collect::<Vec<_>>());
    let results: Vec<Result<(Done, podcast::Episode)>> = maker.pool.install(|| {
        chosen
            .par_iter()
            .map(|(index, path)| {
                let ed = maker.build(path)?;
                let ep = podcast::episode(&ed, *index, &slugs[*index], &info.guid, &fallback)?;
                // Only the summary and the encoded files outlive this: the programme's
                // samples are dropped here, so a long batch does not hold them all.
                Ok((Done::of(&ed, ep.entry.dir.clone()), ep))
            })
            .collect()
    });
    let mut episodes = Vec::new();
    let mut failed = 0;
    for ((_, path), result) in chosen.iter().zip(results) {
        match result {
            Ok((done, ep)) => {
                maker.say(done.line(path));
                episodes.push(ep);
            }
            Err(e) => {
                maker.say(format!("rawi: error: {e}"));
                failed += 1;
            }
        }
    }
    if episodes.is_empty() && failed > 0 {
        maker.finish("podcast", 0, failed);
        return Ok(2);
    }
    let done = episodes.len();
    let bundle = podcast::assemble(&info, cover, episodes)?;
    write_bundle(&bundle, output, make.unpacked)?;
    maker.finish(&format!("podcast {}", output.display()), done, failed);
    Ok(exit_code(failed, chosen.len()))
}

fn podcast_merge(
    shards: &[PathBuf],
    output: &Path,
    channel: &ChannelArgs,
    unpacked: bool,
) -> Result<i32> {
    let mut first: Option<PodcastInfo> = None;
    let mut cover = None;
    let mut episodes = Vec::new();
    for path in shards {
        let b = verify::read_bundle(path)?;
        let problems = verify::check(&b);
        if let Some(p) = problems.first() {
            return Err(Error::input(
                path,
                format!("does not verify ({p}); rebuild that shard"),
            ));
        }
        let contents = podcast::read_episodes(&b, path)?;
        if first.is_none() {
            first = Some(contents.manifest.podcast.clone());
        }
        if cover.is_none() {
            cover = contents.cover;
        }
        episodes.extend(contents.episodes);
    }
    let mut info = channel.info(first.as_ref())?;
    if let Some(c) = channel.cover()? {
        cover = Some(c);
    }
    info.cover = cover.as_ref().map(|(n, _)| n.clone());
    let n = episodes.len();
    let bundle = podcast::assemble(&info, cover, episodes)?;
    write_bundle(&bundle, output, unpacked)?;
    eprintln!(
        "rawi: podcast {}: merged {n} episodes from {} shards",
        output.display(),
        shards.len()
    );
    Ok(0)
}

fn verify(bundles: &[PathBuf]) -> Result<i32> {
    let mut bad = 0;
    for path in bundles {
        match verify::verify(path) {
            Ok(problems) if problems.is_empty() => println!("{}: ok", path.display()),
            Ok(problems) => {
                bad += 1;
                for p in problems {
                    eprintln!("rawi: {}: {p}", path.display());
                }
            }
            Err(e) => {
                bad += 1;
                eprintln!("rawi: error: {e}");
            }
        }
    }
    Ok(if bad > 0 { 1 } else { 0 })
}

/// `m:ss` for a duration in milliseconds.
fn clock(ms: u64) -> String {
    format!("{}:{:02}", ms / 60_000, ms / 1000 % 60)
}

/// Loads a voice by name or file, with the user's lexicon if one is given.
fn load_voice(name: &str, lexicon: Option<&Path>) -> Result<Voice> {
    let voice = Voice::load(name)?;
    match lexicon {
        Some(path) => voice.with_lexicon(path),
        None => Ok(voice),
    }
}

fn say(words: Vec<String>, output: &Path, voice: &str, lexicon: Option<&Path>) -> Result<i32> {
    let raw = if words.is_empty() {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
            .map_err(|e| Error::input("<stdin>", format!("cannot read: {e}")))?;
        s
    } else {
        words.join(" ")
    };
    let cleaned = text::clean(&raw);
    if cleaned.trim().is_empty() {
        return Err(Error::input(
            "<text>",
            "is empty; give the text to speak as an argument or on stdin",
        ));
    }
    let voice = load_voice(voice, lexicon)?;
    let speaker = Speaker::open(&voice)?;
    let mut clips = Vec::new();
    for line in cleaned.lines().filter(|l| !l.trim().is_empty()) {
        for r in segment::split_text(line) {
            let spoken = normalize::normalize(&line[r]);
            if !spoken.text.chars().any(char::is_alphanumeric) {
                continue;
            }
            let clip = edition::speak_clip(&speaker, &spoken.text, voice.sample_rate)?;
            clips.push((clip, Boundary::Sentence));
        }
    }
    let pauses = voice::Pauses {
        lead_ms: 0,
        tail_ms: 0,
        ..voice.pauses.clone()
    };
    let prog = Programme::assemble(&clips, voice.sample_rate, &pauses);
    crate::bundle::write_atomic(output, &audio::encode_wav(&prog.samples, prog.rate))?;
    eprintln!(
        "rawi: wrote {} ({:.1} s)",
        output.display(),
        prog.duration_ms() as f64 / 1000.0
    );
    Ok(0)
}

fn normalize_stdin(explain: bool) -> Result<i32> {
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for (n, line) in stdin.lock().split(b'\n').enumerate() {
        let bytes = line.map_err(|e| Error::input("<stdin>", format!("cannot read: {e}")))?;
        let line = String::from_utf8_lossy(&bytes);
        let line = text::clean_line(line.trim_end_matches('\r'));
        let spoken = normalize::normalize(&line);
        let written = (|| {
            writeln!(out, "{}", spoken.text)?;
            if explain {
                for t in &spoken.tokens {
                    writeln!(
                        out,
                        "  line {}: «{}» {}: {} -> {}",
                        n + 1,
                        &line[t.span.clone()],
                        t.class.as_str(),
                        t.rule,
                        t.spoken
                    )?;
                }
            }
            Ok::<_, std::io::Error>(())
        })();
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                return Ok(0);
            }
            return Err(Error::output("<stdout>", e.to_string()));
        }
    }
    out.flush()
        .map_err(|e| Error::output("<stdout>", e.to_string()))?;
    Ok(0)
}

fn split(path: &Path, read_captions: bool, kinds: bool) -> Result<i32> {
    let article = article::read(path)?;
    let max_chars = SplitOptions::default().max_chars;
    let opts = Options {
        read_captions,
        ..Options::default()
    };
    let (sentences, _) = edition::prepare(&article, &opts, max_chars);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for s in sentences {
        let r = if kinds {
            writeln!(out, "{}\t{}", s.kind.as_str(), s.text)
        } else {
            writeln!(out, "{}", s.text)
        };
        if r.is_err() {
            return Ok(0);
        }
    }
    let _ = out.flush();
    Ok(0)
}

fn voices() -> Result<i32> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    for listed in voice::list() {
        let line = match &listed.voice {
            Ok(v) => {
                let status = match v.availability() {
                    Ok(()) => "usable".to_owned(),
                    Err(why) => format!("not usable: {why}"),
                };
                let default = if v.name == voice::DEFAULT_VOICE {
                    " (default)"
                } else {
                    ""
                };
                format!(
                    "{}{default}\t{}\t{status}\t{}\t{}",
                    v.name,
                    v.engine.as_str().to_owned(),
                    listed.origin,
                    v.description
                )
            }
            Err(e) => format!("?\t?\tnot usable: {e}\t{}\t", listed.origin),
        };
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    Ok(0)
}
