//! The command line: argument parsing, then one file per command, each a few calls into
//! the library. Exit codes: 0 success, 1 some inputs failed (the rest were produced), 2
//! usage or fatal error. Errors go to stderr as one line naming the file and what to do.

mod build;
mod check;
mod completions;
mod diacritize;
mod estimate;
mod make;
mod man;
mod normalize;
pub mod out;
mod podcast;
mod say;
mod split;
mod verify;
mod voices;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::encode::Format;
use crate::error::Result;
use crate::voice;

use make::MakeArgs;
use podcast::{ChannelArgs, HistoryArgs};

/// Examples shown at the end of `rawi --help`.
const EXAMPLES: &str = "\
Examples:
  rawi build samples/cup-final.txt -o final.zip
  rawi build page.html --format mp3 -o page.zip
  rawi podcast samples/*.txt -o daily.zip --title \"النشرة\" --cover cover.png
  rawi verify daily.zip
  echo \"وصل 3 وزراء\" | rawi normalize
  rawi completions bash > ~/.local/share/bash-completion/completions/rawi
  rawi man | man -l -";

/// Examples shown at the end of `rawi build --help`.
const BUILD_EXAMPLES: &str = "\
Examples:
  rawi build samples/cup-final.txt -o final.zip
  rawi build samples/*.txt -o editions/ --format flac --cover cover.png
  rawi build article.md --voice espeak-ng-ar --read-captions --unpacked";

/// Examples shown at the end of `rawi podcast --help`.
const PODCAST_EXAMPLES: &str = "\
Examples:
  rawi podcast samples/*.txt samples/*.md -o daily.zip --title \"النشرة\" \\
      --base-url https://example.org/daily --cover cover.png
  rawi podcast articles/*.md -o shard-2.zip --title T --shard 2/4
  rawi podcast --merge shard-*.zip -o daily.zip --title T
  rawi podcast today/*.md -o daily-0502.zip --title T --previous daily-0501.zip --keep-days 30";

/// The audio formats `--format` takes, listed in `--help` and checked by clap.
fn format_parser() -> impl clap::builder::TypedValueParser<Value = Format> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(["wav", "mp3", "flac"])
        .try_map(|s| s.parse::<Format>())
}

/// rawi (راوي): Arabic news articles to audio editions.
#[derive(Parser, Debug)]
#[command(name = "rawi", version, about, long_about = None, after_help = EXAMPLES)]
pub struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Build one audio edition (a zip bundle) per article.
    #[command(after_help = BUILD_EXAMPLES)]
    Build {
        /// Article files (.txt, .md, .html).
        #[arg(required = true)]
        articles: Vec<PathBuf>,
        /// Output: the bundle for one article, a folder for several.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Audio format of the edition.
        #[arg(long, default_value = "wav", value_parser = format_parser(), ignore_case = true)]
        format: Format,
        /// Cover image (PNG or JPEG) embedded in MP3 (APIC) and FLAC (PICTURE) editions.
        #[arg(long, value_name = "FILE")]
        cover: Option<PathBuf>,
        #[command(flatten)]
        make: MakeArgs,
    },
    /// Build a podcast: one bundle with an episode per article and a feed.xml.
    #[command(after_help = PODCAST_EXAMPLES)]
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
        #[command(flatten)]
        history: HistoryArgs,
        /// Publication date (YYYY-MM-DD) of articles that have none; default: the newest
        /// article date of the batch, else 2000-01-01.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        /// Audio format of the episodes.
        #[arg(long, default_value = "mp3", value_parser = format_parser(), ignore_case = true)]
        format: Format,
        // Boxed: the podcast's options would make every command's value as large.
        #[command(flatten)]
        make: Box<MakeArgs>,
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
    /// Print stdin with its short vowels, one output line per input line (normalized
    /// first unless --no-normalize).
    Diacritize {
        /// Also show each word and where its marks came from (rules, written, context,
        /// lexicon, model).
        #[arg(long)]
        explain: bool,
        /// Take the lines as they are, without normalizing numbers and abbreviations.
        #[arg(long)]
        no_normalize: bool,
        /// Drop the case vowel of the last word before a pause, as it is read.
        #[arg(long)]
        pausal: bool,
        /// Leave out the built-in lexicon (to measure the model alone).
        #[arg(long)]
        no_lexicon: bool,
        /// A pronunciation lexicon added to the bundled one (it wins over the model).
        #[arg(long, value_name = "FILE")]
        lexicon: Option<PathBuf>,
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
    /// List every span read by a fallback or a guess (for an editor to check).
    Check {
        /// Article files (.txt, .md, .html).
        #[arg(required = true)]
        articles: Vec<PathBuf>,
        /// Exit with status 1 when anything is listed.
        #[arg(long)]
        strict: bool,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Examples:\n  rawi completions bash > ~/.local/share/bash-completion/completions/rawi\n  rawi completions zsh > ~/.zfunc/_rawi\n  rawi completions fish > ~/.config/fish/completions/rawi.fish"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) of rawi or of one command.
    #[command(after_help = "Examples:\n  rawi man | man -l -\n  rawi man build > rawi-build.1")]
    Man {
        /// A command, for its own page (e.g. `build`).
        command: Option<String>,
    },
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
    crate::interrupt::install();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            crate::error::report(format_args!("rawi: error: {e}"));
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
            cover,
            make,
        } => build::build(
            &articles,
            output.as_deref(),
            format,
            cover.as_deref(),
            &make,
        ),
        Cmd::Podcast {
            articles,
            output,
            merge,
            channel,
            history,
            date,
            format,
            make,
        } => {
            if merge.is_empty() {
                podcast::podcast(
                    &articles,
                    &output,
                    &channel,
                    date.as_deref(),
                    format,
                    &make,
                    &history,
                )
            } else {
                podcast::podcast_merge(&merge, &output, &channel, make.unpacked, &history)
            }
        }
        Cmd::Verify { bundles } => verify::verify(&bundles),
        Cmd::Say {
            text,
            output,
            voice,
            lexicon,
        } => say::say(text, &output, &voice, lexicon.as_deref()),
        Cmd::Normalize { explain } => normalize::normalize_stdin(explain),
        Cmd::Diacritize {
            explain,
            no_normalize,
            pausal,
            no_lexicon,
            lexicon,
        } => diacritize::diacritize_stdin(
            diacritize::Flags {
                explain,
                no_normalize,
                pausal,
                no_lexicon,
            },
            lexicon.as_deref(),
        ),
        Cmd::Split {
            article,
            read_captions,
            kinds,
        } => split::split(&article, read_captions, kinds),
        Cmd::Voices => voices::voices(),
        Cmd::Check { articles, strict } => check::check(&articles, strict),
        Cmd::Completions { shell } => completions::completions(shell),
        Cmd::Man { command } => man::man(command.as_deref()),
    }
}
