//! The command line: argument parsing and the commands, each a few calls into the library.
//! Exit codes: 0 success, 1 some inputs failed (the rest were produced), 2 usage or fatal
//! error. Errors go to stderr as one line naming the file and what to do.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::{Parser, Subcommand};

use crate::audio::{self, Programme};
use crate::edition::{self, Options};
use crate::error::{Error, Result};
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
        /// Voice name or voice file (see `rawi voices`).
        #[arg(long, default_value = voice::DEFAULT_VOICE)]
        voice: String,
        /// Audio format of the edition.
        #[arg(long, default_value = "wav", value_parser = ["wav"])]
        format: String,
        /// Sentences synthesized at once (default: the number of cores).
        #[arg(short = 'j', long)]
        jobs: Option<usize>,
        /// Also read Arabic image captions.
        #[arg(long)]
        read_captions: bool,
        /// Write a folder instead of a zip.
        #[arg(long)]
        unpacked: bool,
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
            voice,
            format: _,
            jobs,
            read_captions,
            unpacked,
        } => build(
            &articles,
            output.as_deref(),
            &voice,
            jobs,
            read_captions,
            unpacked,
        ),
        Cmd::Say {
            text,
            output,
            voice,
        } => say(text, &output, &voice),
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

fn build(
    articles: &[PathBuf],
    output: Option<&Path>,
    voice: &str,
    jobs: Option<usize>,
    read_captions: bool,
    unpacked: bool,
) -> Result<i32> {
    let voice = Voice::load(voice)?;
    let speaker = Speaker::open(&voice)?;
    let pool = pool(jobs)?;
    let many = articles.len() > 1;
    if many {
        if let Some(dir) = output {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::output(dir, format!("cannot create the output folder: {e}")))?;
        }
    }
    let opts = Options { read_captions };
    let mut failed = 0;
    for path in articles {
        let out = output_for(path, output, many, unpacked);
        let started = std::time::Instant::now();
        let done = AtomicUsize::new(0);
        let tty = std::io::stderr().is_terminal();
        let on_clip = || {
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            if tty {
                eprint!("\r{}: {n} sentences spoken", path.display());
            }
        };
        let result = pool
            .install(|| edition::build(path, &opts, &speaker, &on_clip))
            .and_then(|ed| {
                let bundle = ed.bundle();
                if unpacked {
                    bundle.write_dir(&out)?;
                } else {
                    bundle.write_zip(&out)?;
                }
                Ok(ed)
            });
        if tty {
            eprint!("\r\x1b[K");
        }
        match result {
            Ok(ed) => eprintln!(
                "rawi: {} -> {}: {} sentences, {} of audio, synthesized {} in {:.1} s",
                path.display(),
                out.display(),
                ed.sentences.len(),
                clock(ed.manifest.audio.duration_ms),
                ed.sentences.len(),
                started.elapsed().as_secs_f64()
            ),
            Err(e) => {
                eprintln!("rawi: error: {e}");
                failed += 1;
            }
        }
    }
    Ok(match failed {
        0 => 0,
        n if n == articles.len() => 2,
        _ => 1,
    })
}

/// `m:ss` for a duration in milliseconds.
fn clock(ms: u64) -> String {
    format!("{}:{:02}", ms / 60_000, ms / 1000 % 60)
}

fn say(words: Vec<String>, output: &Path, voice: &str) -> Result<i32> {
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
    let voice = Voice::load(voice)?;
    let speaker = Speaker::open(&voice)?;
    let mut clips = Vec::new();
    for line in cleaned.lines().filter(|l| !l.trim().is_empty()) {
        for r in segment::split_text(line) {
            let spoken = normalize::normalize(&line[r]);
            if !spoken.text.chars().any(char::is_alphanumeric) {
                continue;
            }
            let mut clip = speaker.speak(&spoken.text)?;
            audio::trim_silence(&mut clip, 30);
            clips.push((
                audio::resample(&clip, voice.sample_rate),
                Boundary::Sentence,
            ));
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
    let (sentences, _) = edition::prepare(&article, &Options { read_captions }, max_chars);
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
                    format!("{:?}", v.engine).to_lowercase(),
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
