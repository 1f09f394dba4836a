//! Voices: TOML files that say which engine speaks and how.
//!
//! rawi looks for a voice named `NAME` as `./voices/NAME.toml`, then in the user's config
//! dir (`~/.config/rawi/voices/NAME.toml` on Linux), then among the voices compiled into
//! the binary, so `rawi build` works from any directory. `--voice` also takes a file path.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The voice used when none is named.
pub const DEFAULT_VOICE: &str = "rawi-ar-low";

/// Voice files compiled into the binary: (file name, contents).
const BUILTIN: &[(&str, &str)] = &[
    (
        "espeak-ng-ar.toml",
        include_str!("../voices/espeak-ng-ar.toml"),
    ),
    (
        "rawi-ar-low.toml",
        include_str!("../voices/rawi-ar-low.toml"),
    ),
    (
        "rawi-ar-high.toml",
        include_str!("../voices/rawi-ar-high.toml"),
    ),
];

/// Which engine runs a voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// The pure-Rust synthesizer inside rawi.
    Bundled,
    /// Any program: argv template, text on stdin or as an argument, WAV out.
    Command,
    /// A speech server over HTTP (OpenAI-compatible `POST /v1/audio/speech`).
    Http,
}

impl EngineKind {
    /// The lowercase name used in voice files and manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            EngineKind::Bundled => "bundled",
            EngineKind::Command => "command",
            EngineKind::Http => "http",
        }
    }
}

/// Pauses after each kind of boundary, in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Pauses {
    /// After a cut inside a long sentence, or a dateline.
    pub clause_ms: u32,
    /// Between sentences of one paragraph.
    pub sentence_ms: u32,
    /// After a paragraph.
    pub paragraph_ms: u32,
    /// After the headline or a heading.
    pub heading_ms: u32,
    /// Silence before the first sentence.
    pub lead_ms: u32,
    /// Silence after the last sentence.
    pub tail_ms: u32,
}

impl Default for Pauses {
    fn default() -> Self {
        Pauses {
            clause_ms: 250,
            sentence_ms: 450,
            paragraph_ms: 800,
            heading_ms: 1000,
            lead_ms: 250,
            tail_ms: 600,
        }
    }
}

/// What a voice accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Longest text, in characters, sent in one request; longer sentences are cut.
    pub max_chars: usize,
    /// Seconds one request may take before it is abandoned.
    pub timeout_s: f64,
    /// How many times a failed request is tried again.
    pub retries: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_chars: 400,
            timeout_s: 30.0,
            retries: 1,
        }
    }
}

/// Where the text goes to a command voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TextInput {
    /// Written to the program's standard input.
    #[default]
    Stdin,
    /// Passed as one argument: the `{text}` placeholder, or appended last.
    Arg,
}

/// Where a command voice puts its WAV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum WavOutput {
    /// On standard output.
    #[default]
    Stdout,
    /// In a temporary file whose path replaces `{out}` in the arguments.
    File,
}

/// How to run a `command` voice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommandSpec {
    /// The program, found on `PATH` unless it is a path.
    pub program: String,
    /// Arguments; `{text}` and `{out}` are replaced, and nothing passes through a shell.
    #[serde(default)]
    pub args: Vec<String>,
    /// Where the text goes.
    #[serde(default)]
    pub input: TextInput,
    /// Where the WAV comes from.
    #[serde(default)]
    pub output: WavOutput,
}

/// How to reach an `http` voice: an OpenAI-compatible speech endpoint, or any server
/// that takes the same JSON body and answers with a WAV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSpec {
    /// The endpoint, `https://host/path` or `http://host:port/path`.
    pub url: String,
    /// The `model` field of the request.
    #[serde(default)]
    pub model: String,
    /// The `voice` field of the request.
    #[serde(default)]
    pub voice: String,
    /// The environment variable holding a bearer token, if the server wants one. The
    /// token itself never goes in a voice file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
    /// A PEM file of certificate authorities to trust instead of the built-in roots (a
    /// company gateway, a self-signed test server); relative to the voice file's folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    /// Most requests in flight at once for this voice (4 when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_parallel: Option<usize>,
    /// More fields for the JSON body (`speed`, `language`, …).
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub extra: toml::Table,
}

/// A voice definition, as read from its TOML file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Voice {
    /// The name users pass to `--voice`.
    pub name: String,
    /// One line for `rawi voices`.
    #[serde(default)]
    pub description: String,
    /// The engine that speaks.
    pub engine: EngineKind,
    /// Sample rate of editions built with this voice; clips at other rates are resampled.
    #[serde(default = "default_rate")]
    pub sample_rate: u32,
    /// What a `command` or `http` engine answers with: `wav` (the default), `mp3`,
    /// `flac`, `ogg` (Vorbis) or `pcm_s16le` (raw 16-bit mono).
    #[serde(default, skip_serializing_if = "is_wav")]
    pub output_format: crate::decode::AudioFormat,
    /// Sample rate of raw PCM answers (the voice's `sample_rate` when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pcm_sample_rate: Option<u32>,
    /// Pauses between sentences, paragraphs and headings.
    #[serde(default)]
    pub pauses: Pauses,
    /// Request limits.
    #[serde(default)]
    pub limits: Limits,
    /// Settings of a `command` voice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command: Option<CommandSpec>,
    /// Settings of an `http` voice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpSpec>,
    /// Settings of a `bundled` voice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundled: Option<crate::synth::bundled::Settings>,
    /// Where the definition came from (a path, or `built-in`).
    #[serde(skip)]
    pub origin: String,
}

fn is_wav(f: &crate::decode::AudioFormat) -> bool {
    *f == crate::decode::AudioFormat::Wav
}

fn default_rate() -> u32 {
    22_050
}

impl Voice {
    /// Parses a voice definition; `origin` names it in errors.
    pub fn from_toml(text: &str, origin: &str) -> Result<Voice> {
        let mut v: Voice = toml::from_str(text).map_err(|e| Error::Voice {
            name: origin.to_owned(),
            reason: format!("is not a valid voice file: {}", e.message().trim()),
        })?;
        v.origin = origin.to_owned();
        v.check()?;
        Ok(v)
    }

    /// Checks that the settings fit together.
    fn check(&self) -> Result<()> {
        let bad = |reason: String| {
            Err(Error::Voice {
                name: self.name.clone(),
                reason,
            })
        };
        if !(8_000..=192_000).contains(&self.sample_rate) {
            return bad(format!(
                "sample_rate {} is outside 8000 to 192000 Hz",
                self.sample_rate
            ));
        }
        if !(self.limits.timeout_s > 0.0 && self.limits.timeout_s.is_finite()) {
            return bad("limits.timeout_s must be a positive number of seconds".into());
        }
        if let Some(r) = self.pcm_sample_rate {
            if !(8_000..=192_000).contains(&r) {
                return bad(format!("pcm_sample_rate {r} is outside 8000 to 192000 Hz"));
            }
        }
        if self.engine == EngineKind::Bundled && !is_wav(&self.output_format) {
            return bad("output_format applies to command and http voices only".into());
        }
        match self.engine {
            EngineKind::Command => match &self.command {
                None => return bad("engine is \"command\" but there is no [command] table".into()),
                Some(c) if c.program.trim().is_empty() => {
                    return bad("[command] program is empty".into())
                }
                Some(c)
                    if c.output == WavOutput::File
                        && !c.args.iter().any(|a| a.contains("{out}")) =>
                {
                    return bad(
                        "[command] output = \"file\" needs an {out} placeholder in args".into(),
                    )
                }
                _ => {}
            },
            EngineKind::Http => match &self.http {
                None => return bad("engine is \"http\" but there is no [http] table".into()),
                Some(h) => {
                    if let Err(e) = crate::synth::http::Endpoint::parse(&h.url) {
                        return bad(format!("[http] url: {e}"));
                    }
                    if h.max_parallel == Some(0) {
                        return bad("[http] max_parallel must be at least 1".into());
                    }
                }
            },
            EngineKind::Bundled => {}
        }
        Ok(())
    }

    /// Finds a voice by name or file path (see the module documentation for the order).
    pub fn load(spec: &str) -> Result<Voice> {
        let path = Path::new(spec);
        if spec.ends_with(".toml") || spec.contains(std::path::MAIN_SEPARATOR) || path.is_file() {
            return Self::from_file(path);
        }
        for dir in search_dirs() {
            let candidate = dir.join(format!("{spec}.toml"));
            if candidate.is_file() {
                return Self::from_file(&candidate);
            }
        }
        for (file, text) in BUILTIN {
            if file.strip_suffix(".toml") == Some(spec) {
                return Self::from_toml(text, "built-in");
            }
        }
        let known: Vec<String> = list()
            .into_iter()
            .filter_map(|e| e.voice.ok().map(|v| v.name))
            .collect();
        Err(Error::Voice {
            name: spec.to_owned(),
            reason: format!(
                "no such voice; known voices: {} (see `rawi voices`)",
                known.join(", ")
            ),
        })
    }

    /// Reads a voice file.
    pub fn from_file(path: &Path) -> Result<Voice> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Voice {
            name: path.display().to_string(),
            reason: format!("cannot read the voice file: {e}"),
        })?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// Whether the voice can run on this machine, and if not, why.
    pub fn availability(&self) -> std::result::Result<(), String> {
        match self.engine {
            EngineKind::Bundled => Ok(()),
            EngineKind::Command => {
                let Some(c) = &self.command else {
                    return Err("no [command] table".into());
                };
                match find_program(&c.program) {
                    Some(_) => Ok(()),
                    None => Err(format!(
                        "program `{}` is not installed or not on PATH",
                        c.program
                    )),
                }
            }
            EngineKind::Http => {
                let Some(h) = &self.http else {
                    return Err("no [http] table".into());
                };
                if let Some(var) = &h.api_key_env {
                    if std::env::var_os(var).is_none() {
                        return Err(format!("the API key variable {var} is not set"));
                    }
                }
                crate::synth::http::Endpoint::parse(&h.url)?.reachable()
            }
        }
    }

    /// Adds a user pronunciation lexicon (`--lexicon FILE`) to a bundled voice.
    pub fn with_lexicon(mut self, path: &Path) -> Result<Voice> {
        let bad = |reason: String| Error::Voice {
            name: self.name.clone(),
            reason,
        };
        if self.engine != EngineKind::Bundled {
            return Err(bad(format!(
                "--lexicon applies to bundled voices only; {} is a {} voice",
                self.name,
                self.engine.as_str()
            )));
        }
        let full = std::fs::canonicalize(path)
            .map_err(|e| bad(format!("cannot read the lexicon {}: {e}", path.display())))?;
        let mut settings = self.bundled.clone().unwrap_or_default();
        settings.lexicon = Some(full.to_string_lossy().into_owned());
        self.bundled = Some(settings);
        Ok(self)
    }

    /// A stable text of everything that changes the sound, for cache keys and manifests.
    /// A user lexicon counts by its contents, so editing it re-speaks what it changes.
    pub fn fingerprint(&self) -> String {
        let mut v = self.clone();
        v.description.clear();
        v.pauses = Pauses::default();
        v.limits = Limits::default();
        if let Some(h) = v.http.as_mut() {
            // Where the certificates are and how many requests run at once do not change
            // the sound.
            h.ca_file = None;
            h.max_parallel = None;
        }
        let mut text = toml::to_string(&v).unwrap_or_default();
        if let Some(lexicon) = self.bundled.as_ref().and_then(|b| b.lexicon.as_ref()) {
            text.push_str(&std::fs::read_to_string(lexicon).unwrap_or_default());
        }
        text
    }
}

/// Folders searched for voice files, in order.
pub fn search_dirs() -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::from("voices")];
    if let Some(config) = dirs::config_dir() {
        dirs.push(config.join("rawi").join("voices"));
    }
    dirs
}

/// Finds a program the way a shell would: a path as given, else on `PATH`.
pub fn find_program(program: &str) -> Option<PathBuf> {
    let p = Path::new(program);
    if p.components().count() > 1 {
        return p.is_file().then(|| p.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(program))
        .find(|c| is_executable(c))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    p.metadata()
        .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// One voice found by [`list`].
#[derive(Debug)]
pub struct Listed {
    /// Where it was found.
    pub origin: String,
    /// The voice, or why its file could not be read.
    pub voice: Result<Voice>,
}

/// Every voice found, in search order; a name found earlier hides later ones.
pub fn list() -> Vec<Listed> {
    let mut out: Vec<Listed> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for dir in search_dirs() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        for f in files {
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if seen.insert(stem) {
                out.push(Listed {
                    origin: f.display().to_string(),
                    voice: Voice::from_file(&f),
                });
            }
        }
    }
    for (file, text) in BUILTIN {
        let stem = file.trim_end_matches(".toml").to_owned();
        if seen.insert(stem) {
            out.push(Listed {
                origin: "built-in".into(),
                voice: Voice::from_toml(text, "built-in"),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_voices_parse() {
        for (file, text) in BUILTIN {
            let v = Voice::from_toml(text, file).unwrap();
            assert_eq!(format!("{}.toml", v.name), *file);
        }
    }

    #[test]
    fn command_voice_needs_command_table() {
        let err = Voice::from_toml("name='x'\nengine='command'\n", "t")
            .unwrap_err()
            .to_string();
        assert!(err.contains("no [command] table"), "{err}");
    }

    #[test]
    fn file_output_needs_placeholder() {
        let err = Voice::from_toml(
            "name='x'\nengine='command'\n[command]\nprogram='p'\noutput='file'\n",
            "t",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("{out}"), "{err}");
    }

    #[test]
    fn unknown_keys_are_rejected() {
        assert!(Voice::from_toml("name='x'\nengine='bundled'\nspeeed=2\n", "t").is_err());
    }

    #[test]
    fn missing_program_is_reported() {
        let v = Voice::from_toml(
            "name='x'\nengine='command'\n[command]\nprogram='rawi-no-such-program'\n",
            "t",
        )
        .unwrap();
        assert!(v.availability().unwrap_err().contains("not installed"));
    }

    #[test]
    fn unknown_voice_names_the_known_ones() {
        let err = Voice::load("no-such-voice").unwrap_err().to_string();
        assert!(err.contains("espeak-ng-ar"), "{err}");
    }
}
