//! Voices: TOML files that say which engine speaks and how.
//!
//! rawi looks for a voice named `NAME` in the user's config dir
//! (`~/.config/rawi/voices/NAME.toml` on Linux), then among the voices compiled into the
//! binary, then as `./voices/NAME.toml`, so `rawi build` works from any directory.
//! `--voice` also takes a file path.
//!
//! A voice file is code (a command voice runs a program), so a file that merely sits in
//! the current directory never replaces a built-in voice: the built-in wins unless
//! `--voice` names the file as a path or the user's own config dir holds it. A voice that
//! is not built-in is announced on standard error, and `rawi voices` reports a file in
//! `./voices` that a built-in hides.
//!
//! Every number in a voice file is checked when the file is read (see the limits below),
//! so that a hostile or mistyped value is a one-line error naming the file and the field,
//! never a panic, a huge allocation or a run that never ends.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// The voice used when none is named.
pub const DEFAULT_VOICE: &str = "rawi-ar-low";

/// Longest `limits.timeout_s` accepted, in seconds: one request taking more than an hour
/// is a mistake, and `Duration::from_secs_f64` panics on values it cannot hold.
pub const MAX_TIMEOUT_S: f64 = 3600.0;

/// Longest pause accepted in `[pauses]`, in milliseconds: a pause is silence that the
/// edition allocates, so a huge value would be a huge allocation.
pub const MAX_PAUSE_MS: u32 = 10_000;

/// Most retries accepted in `limits.retries`: each retry can take a whole timeout.
pub const MAX_RETRIES: u32 = 10;

/// Accepted range of `limits.max_chars`: below it sentences are cut into fragments too
/// short to sound like speech; above it one request holds a whole article.
pub const MAX_CHARS_RANGE: std::ops::RangeInclusive<usize> = 20..=5_000;

/// Accepted range of `sample_rate`, in hertz (also the range of clips taken from a voice).
pub const SAMPLE_RATE_RANGE: std::ops::RangeInclusive<u32> = 8_000..=96_000;

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
    // The hosted neural voices: usable once their variables are set (see the README).
    (
        "azure-ar-sa.toml",
        include_str!("../voices/azure-ar-sa.toml"),
    ),
    (
        "google-ar-xa.toml",
        include_str!("../voices/google-ar-xa.toml"),
    ),
    (
        "polly-ar-hala.toml",
        include_str!("../voices/polly-ar-hala.toml"),
    ),
    (
        "elevenlabs-multilingual.toml",
        include_str!("../voices/elevenlabs-multilingual.toml"),
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
    /// A speech server over HTTP: OpenAI-compatible `POST /v1/audio/speech`, or any
    /// request the voice file describes (Azure, Google, Polly, ElevenLabs…).
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

/// The form of the text a voice is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TextForm {
    /// The spoken text as rawi wrote it, without added marks.
    Plain,
    /// The spoken text with the short vowels of the diacritize stage: engines read
    /// undiacritized Arabic worse.
    Diacritized,
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

impl Pauses {
    /// The pause after a sentence that ends at `boundary`, in milliseconds: the tail
    /// after the edition's last sentence.
    pub fn after(&self, boundary: crate::segment::Boundary, last: bool) -> u32 {
        use crate::segment::Boundary;
        if last {
            return self.tail_ms;
        }
        match boundary {
            Boundary::Clause => self.clause_ms,
            Boundary::Sentence => self.sentence_ms,
            Boundary::Paragraph => self.paragraph_ms,
            Boundary::Heading => self.heading_ms,
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
    /// The program, found on `PATH` unless it is a path; a relative path is taken from
    /// the voice file's folder.
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

/// The HTTP method of a speech request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum HttpMethod {
    /// A body built from the template (every hosted speech API).
    #[default]
    Post,
    /// The same, for servers that take PUT.
    Put,
    /// No body: the text goes in the URL (`{text}`), as some local servers take it.
    Get,
}

impl HttpMethod {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Get => "GET",
        }
    }
}

/// How a speech server gives the audio back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AnswerKind {
    /// The body is the audio, in the voice's `output_format`.
    #[default]
    Audio,
    /// The body is JSON with the audio base64-encoded in `audio_field` (Google's
    /// `audioContent`).
    Json,
}

/// Signing a request with AWS Signature Version 4 (Amazon Polly), with the credentials of
/// the standard variables `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
/// `AWS_SESSION_TOKEN`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SigV4Spec {
    /// The service's signing name (`polly`).
    pub service: String,
    /// The region; placeholders of `[http.env]` work here (`{region}`).
    pub region: String,
}

/// How to reach an `http` voice: the request, described as data. Without a body template
/// the request is OpenAI's `POST /v1/audio/speech` with a JSON body `{model, voice, input,
/// response_format, …extra}`; with `json` or `ssml` it is whatever the service's
/// documentation asks for. Placeholders are `{name}`: `{text}` (the sentence),
/// `{voice}` and `{model}` (the fields below), `{ssml}` (the SSML document, in a JSON
/// template), and in the URL and the `sigv4` region any name of `[http.env]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSpec {
    /// The endpoint, `https://host/path` or `http://host:port/path`, with placeholders
    /// (their values percent-encoded).
    pub url: String,
    /// `POST` (the default), `PUT`, or `GET` (no body).
    #[serde(default, skip_serializing_if = "is_post")]
    pub method: HttpMethod,
    /// The `model` field of the request, or the `{model}` placeholder.
    #[serde(default)]
    pub model: String,
    /// The `voice` field of the request, or the `{voice}` placeholder.
    #[serde(default)]
    pub voice: String,
    /// The environment variable holding a bearer token, if the server wants one. The
    /// token itself never goes in a voice file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
    /// A PEM file of certificate authorities to trust instead of the built-in roots (a
    /// company gateway), or of the server's own certificate, pinned (a self-signed
    /// server); relative to the voice file's folder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<String>,
    /// Most requests in flight at once for this voice (4 when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_parallel: Option<usize>,
    /// More fields for the OpenAI-style JSON body (`speed`, `language`, …).
    #[serde(default, skip_serializing_if = "toml::Table::is_empty")]
    pub extra: toml::Table,
    /// Headers sent as written (`X-Microsoft-OutputFormat`); never a secret.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Headers whose value is read from an environment variable: header name → variable
    /// name (`"Ocp-Apim-Subscription-Key" = "AZURE_SPEECH_KEY"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secret_headers: BTreeMap<String, String>,
    /// Placeholders filled from environment variables: placeholder → variable name
    /// (`region = "AZURE_SPEECH_REGION"`). For the URL and the SigV4 region only.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// A JSON body template: every string in it has its placeholders filled, and the
    /// text is escaped by the JSON writer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json: Option<toml::Table>,
    /// An SSML document template with `{text}` where the sentence goes (escaped for XML,
    /// with `<break>` and language tags as set below). It is the body, unless a `json`
    /// template places it with `{ssml}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssml: Option<String>,
    /// In SSML, each run of Latin-script words is wrapped in `<lang xml:lang="…">` with
    /// this language (`en-US`), so that a multilingual voice says a name in its own
    /// language instead of spelling it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssml_latin_lang: Option<String>,
    /// In SSML, a `<break>` of the voice's `clause_ms` after each ، ؛ , and ;.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ssml_clause_breaks: bool,
    /// How the audio comes back: `audio` (the body), or `json` (base64 in `audio_field`).
    #[serde(default, skip_serializing_if = "is_audio")]
    pub answer: AnswerKind,
    /// The JSON field of a `json` answer holding the base64 audio, dotted for a nested
    /// one (`audioContent`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_field: Option<String>,
    /// Sign each request with AWS Signature Version 4.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sigv4: Option<SigV4Spec>,
}

fn is_post(m: &HttpMethod) -> bool {
    *m == HttpMethod::Post
}

fn is_audio(a: &AnswerKind) -> bool {
    *a == AnswerKind::Audio
}

/// The `{name}` placeholders of a template, in order: a name is ASCII letters, digits
/// and `_`, so JSON or CSS braces in a template are left alone.
pub fn placeholders(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        rest = &rest[open + 1..];
        let Some(close) = rest.find('}') else { break };
        let name = &rest[..close];
        if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            out.push(name);
            rest = &rest[close + 1..];
        }
    }
    out
}

/// `template` with each known placeholder replaced by `value(name)`; an unknown one is
/// left as written (the voice file's check refuses those first).
pub fn fill(template: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let name = after.find('}').map(|close| &after[..close]);
        match name.and_then(|n| value(n).map(|v| (n, v))) {
            Some((n, v)) => {
                out.push_str(&v);
                rest = &after[n.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

impl HttpSpec {
    /// Checks the request description: known placeholders, headers that can be sent, a
    /// body template that fits the method and the answer's shape. The error names the
    /// field.
    fn check(&self) -> std::result::Result<(), String> {
        let env_names: Vec<&str> = self.env.keys().map(String::as_str).collect();
        let known = |field: &str, template: &str, allowed: &[&str]| {
            for p in placeholders(template) {
                if !allowed.contains(&p) && !env_names.contains(&p) {
                    return Err(format!(
                        "[http] {field} has the placeholder {{{p}}}, which is none of {}{}; \
                         name its variable in [http.env]",
                        allowed.join(", "),
                        if env_names.is_empty() {
                            ""
                        } else {
                            " or [http.env]"
                        }
                    ));
                }
            }
            Ok(())
        };
        let body_names: &[&str] = &["text", "voice", "model", "ssml"];
        known("url", &self.url, &["text", "voice", "model"])?;
        for (name, value) in &self.headers {
            check_header(name, value, "headers")?;
            known(&format!("headers.{name}"), value, &["voice", "model"])?;
        }
        for (name, var) in &self.secret_headers {
            check_header(name, var, "secret_headers")?;
            if var.trim().is_empty() {
                return Err(format!(
                    "[http.secret_headers] {name} names no environment variable"
                ));
            }
        }
        if let Some(ssml) = &self.ssml {
            known("ssml", ssml, &["text", "voice", "model"])?;
            if !ssml.contains("{text}") {
                return Err("[http] ssml has no {text} placeholder for the sentence".into());
            }
        }
        if let Some(json) = &self.json {
            if !self.extra.is_empty() {
                return Err(
                    "[http.extra] and [http.json] both give the body; move the extra fields into [http.json]"
                        .into(),
                );
            }
            let mut strings = Vec::new();
            json.values().for_each(|v| json_strings(v, &mut strings));
            for s in &strings {
                known("json", s, body_names)?;
            }
            let wants = |p: &str| strings.iter().any(|s| s.contains(p));
            if !wants("{text}") && !wants("{ssml}") {
                return Err(
                    "[http.json] has no {text} or {ssml} placeholder for the sentence".into(),
                );
            }
            if wants("{ssml}") && self.ssml.is_none() {
                return Err("[http.json] places {ssml} but [http] has no ssml template".into());
            }
        }
        if self.method == HttpMethod::Get {
            if self.json.is_some() || self.ssml.is_some() {
                return Err(
                    "[http] method GET sends no body; drop json and ssml, or use POST".into(),
                );
            }
            if !self.url.contains("{text}") {
                return Err("[http] method GET needs {text} in the url".into());
            }
        }
        if self.answer == AnswerKind::Json
            && self
                .audio_field
                .as_deref()
                .is_none_or(|f| f.trim().is_empty())
        {
            return Err(
                "[http] answer = \"json\" needs audio_field, the field holding the base64 audio"
                    .into(),
            );
        }
        if let Some(s) = &self.sigv4 {
            if s.service.trim().is_empty() || s.region.trim().is_empty() {
                return Err("[http.sigv4] needs a service and a region".into());
            }
            known("sigv4.region", &s.region, &[])?;
        }
        for (name, var) in &self.env {
            if var.trim().is_empty() {
                return Err(format!("[http.env] {name} names no environment variable"));
            }
        }
        Ok(())
    }
}

/// Every string inside a TOML value (the leaves of a JSON template).
pub fn json_strings<'a>(v: &'a toml::Value, out: &mut Vec<&'a str>) {
    match v {
        toml::Value::String(s) => out.push(s),
        toml::Value::Array(a) => a.iter().for_each(|x| json_strings(x, out)),
        toml::Value::Table(t) => t.values().for_each(|x| json_strings(x, out)),
        _ => {}
    }
}

/// Whether a header can be sent as written: a name of token characters, a value without
/// line breaks or other control characters.
fn check_header(name: &str, value: &str, table: &str) -> std::result::Result<(), String> {
    let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(format!("[http.{table}] «{name}» is not a header name"));
    }
    if value.chars().any(|c| c.is_control() && c != '\t') {
        return Err(format!(
            "[http.{table}] {name} has a line break or a control character in its value"
        ));
    }
    Ok(())
}

/// Settings of a bundled voice (the `[bundled]` table of its TOML file).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BundledSettings {
    /// Base pitch in hertz.
    pub pitch_hz: f32,
    /// Speaking rate: 1.0 is a newsreader's pace (about [`REFERENCE_WPM`] words a minute
    /// on news text, pauses excluded), 0.5 half as fast, 2.0 twice. Between 0.3 and 3.
    pub speed: f32,
    /// The pace in words per minute instead of `speed` (pauses excluded; between 40 and
    /// 300). When set it decides the speed, as `wpm / `[`REFERENCE_WPM`]; a voice file must
    /// not set both.
    pub wpm: Option<f32>,
    /// Multiplies every formant frequency: about 1.0 for a man's vocal tract, 1.15 to 1.2
    /// for a woman's.
    pub formant_scale: f32,
    /// Pitch range of accents and phrase endings; 1.0 normal, 0 monotone.
    pub intonation: f32,
    /// Breath noise in the voice, 0 to 1.
    pub breathiness: f32,
    /// Open quotient of the glottal cycle, 0.4 (pressed) to 0.8 (breathy).
    pub open_quotient: f32,
    /// Spectral tilt of the voice source, 0 (bright) to 0.9 (dark, soft).
    pub tilt: f32,
    /// How much wider the first formant's bandwidth is while the glottis is open, in hertz
    /// (0 to 400; 0, the default, keeps it fixed): the damping a real glottis adds in each
    /// cycle, which made the higher voice sound less buzzy (README, DNSMOS section).
    pub open_phase_b1_hz: f32,
    /// Silence between words in milliseconds.
    pub word_gap_ms: f32,
    /// A pronunciation lexicon file added to the bundled one (see
    /// `src/synth/bundled/lexicon.rs` for the format); a relative path is taken from the
    /// voice file's folder.
    pub lexicon: Option<String>,
    /// Whether the voice says each word's case ending inside a phrase (full i'rab). Off
    /// (the default), it ends every word as before a pause (تسكين), as many broadcasters
    /// do: the listener loses no word, and the speech-recognition judge understood the
    /// voice better so (see the README's figures). The diacritized text keeps the endings.
    pub case_endings: bool,
}

impl Default for BundledSettings {
    fn default() -> Self {
        BundledSettings {
            pitch_hz: 110.0,
            speed: 1.0,
            wpm: None,
            formant_scale: 1.0,
            intonation: 1.0,
            breathiness: 0.08,
            open_quotient: 0.6,
            tilt: 0.35,
            open_phase_b1_hz: 0.0,
            word_gap_ms: 0.0,
            lexicon: None,
            case_endings: false,
        }
    }
}

/// Words per minute of the bundled voice at speed 1.0, measured on news text with pauses
/// excluded (`tools/pace.py` on the seed article, rawi-ar-low); converts [`BundledSettings::wpm`]
/// to a speed.
pub const REFERENCE_WPM: f32 = 109.0;

impl BundledSettings {
    /// Checks the settings a voice file gave; the error says which field and what range.
    pub fn validate(&self) -> Result<(), String> {
        if !(self.speed.is_finite() && (0.3..=3.0).contains(&self.speed)) {
            return Err(format!(
                "[bundled] speed = {} is out of range; give 0.3 to 3 (1.0 is a newsreader's pace)",
                self.speed
            ));
        }
        if let Some(wpm) = self.wpm {
            if !(wpm.is_finite() && (40.0..=300.0).contains(&wpm)) {
                return Err(format!(
                    "[bundled] wpm = {wpm} is out of range; give 40 to 300 words a minute"
                ));
            }
            if self.speed != 1.0 {
                return Err("[bundled] sets both wpm and speed; keep one of them".into());
            }
        }
        Ok(())
    }

    /// The speed the voice speaks at: from `wpm` when set, else `speed`.
    pub fn effective_speed(&self) -> f32 {
        match self.wpm {
            Some(w) if w.is_finite() => w / REFERENCE_WPM,
            _ => self.speed,
        }
    }
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
    /// The text the engine receives (see [`TextForm`]); unset: [`Voice::text_form`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<TextForm>,
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
    pub bundled: Option<BundledSettings>,
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

    /// Checks that the settings fit together and every number is within its limit. The
    /// error names the file (`origin`) and the field.
    fn check(&self) -> Result<()> {
        let bad = |reason: String| {
            Err(Error::Voice {
                name: self.origin.clone(),
                reason,
            })
        };
        if !SAMPLE_RATE_RANGE.contains(&self.sample_rate) {
            return bad(format!(
                "sample_rate {} is outside {} to {} Hz",
                self.sample_rate,
                SAMPLE_RATE_RANGE.start(),
                SAMPLE_RATE_RANGE.end()
            ));
        }
        let t = self.limits.timeout_s;
        if !(t.is_finite() && t > 0.0 && t <= MAX_TIMEOUT_S) {
            return bad(format!(
                "limits.timeout_s {t} must be more than 0 and at most {MAX_TIMEOUT_S} seconds"
            ));
        }
        if self.limits.retries > MAX_RETRIES {
            return bad(format!(
                "limits.retries {} is more than {MAX_RETRIES}",
                self.limits.retries
            ));
        }
        if !MAX_CHARS_RANGE.contains(&self.limits.max_chars) {
            return bad(format!(
                "limits.max_chars {} is outside {} to {}",
                self.limits.max_chars,
                MAX_CHARS_RANGE.start(),
                MAX_CHARS_RANGE.end()
            ));
        }
        let p = &self.pauses;
        for (field, ms) in [
            ("clause_ms", p.clause_ms),
            ("sentence_ms", p.sentence_ms),
            ("paragraph_ms", p.paragraph_ms),
            ("heading_ms", p.heading_ms),
            ("lead_ms", p.lead_ms),
            ("tail_ms", p.tail_ms),
        ] {
            if ms > MAX_PAUSE_MS {
                return bad(format!(
                    "pauses.{field} {ms} is more than {MAX_PAUSE_MS} ms"
                ));
            }
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
                    // The engine reads the URL fully when it opens; here only its shape.
                    let rest = h
                        .url
                        .strip_prefix("http://")
                        .or_else(|| h.url.strip_prefix("https://"));
                    if rest.is_none_or(|r| r.is_empty() || r.starts_with('/')) {
                        return bad(format!(
                            "[http] url `{}` is not an http:// URL with a host",
                            crate::error::redacted_url(&h.url)
                        ));
                    }
                    if h.max_parallel == Some(0) {
                        return bad("[http] max_parallel must be at least 1".into());
                    }
                    if let Err(e) = h.check() {
                        return bad(e);
                    }
                }
            },
            EngineKind::Bundled => {
                if let Some(Err(e)) = self.bundled.as_ref().map(|b| b.validate()) {
                    return bad(e);
                }
            }
        }
        Ok(())
    }

    /// Finds a voice by name or file path (see the module documentation for the order).
    /// A voice that is not built-in is announced on standard error with its file, since
    /// running it may run a program.
    pub fn load(spec: &str) -> Result<Voice> {
        let voice = Self::find(spec)?;
        if voice.origin != BUILT_IN {
            crate::error::report(format_args!(
                "rawi: voice {} from {}",
                voice.name, voice.origin
            ));
        }
        Ok(voice)
    }

    /// [`Voice::load`] without the announcement.
    fn find(spec: &str) -> Result<Voice> {
        let path = Path::new(spec);
        if spec.ends_with(".toml") || spec.contains(std::path::MAIN_SEPARATOR) || path.is_file() {
            return Self::from_file(path);
        }
        if let Some(dir) = config_voice_dir() {
            let candidate = dir.join(format!("{spec}.toml"));
            // Anything by that name is read through the door, which names what is wrong
            // with a FIFO or a device instead of calling the voice unknown.
            if candidate.exists() {
                return Self::from_file(&candidate);
            }
        }
        if let Some(text) = builtin(spec) {
            return Self::from_toml(text, BUILT_IN);
        }
        let candidate = Path::new(LOCAL_VOICE_DIR).join(format!("{spec}.toml"));
        if candidate.exists() {
            return Self::from_file(&candidate);
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
        // The one door for inputs: a regular file under the cap (a FIFO or a device is
        // refused before it is opened, so `rawi voices` never waits on one).
        let text = crate::fsx::read_input_text(path, crate::limits::MAX_VOICE_FILE_BYTES, "voice")
            .map_err(|e| Error::Voice {
                name: path.display().to_string(),
                reason: e.reason(),
            })?;
        let mut voice = Self::from_toml(&text, &path.display().to_string())?;
        voice.resolve_paths(path.parent().unwrap_or(Path::new("")));
        Ok(voice)
    }

    /// Makes the relative paths of a voice file (a `command` program given as a path, a
    /// `[bundled] lexicon`) relative to `dir`, the voice file's folder, as `ca_file` is:
    /// the voice file decides what runs and what is read, not the folder rawi is run
    /// from. A bare program name (`espeak-ng`, no slash) is left to `PATH`.
    fn resolve_paths(&mut self, dir: &Path) {
        let under = |p: &str| -> String {
            let path = Path::new(p);
            if path.is_absolute() {
                p.to_owned()
            } else {
                dir.join(path).to_string_lossy().into_owned()
            }
        };
        if let Some(c) = self.command.as_mut() {
            if Path::new(&c.program).components().count() > 1 {
                c.program = under(&c.program);
            }
        }
        if let Some(lexicon) = self.bundled.as_mut().and_then(|b| b.lexicon.as_mut()) {
            *lexicon = under(lexicon);
        }
    }

    /// The text form the voice is given: its `text` setting, else diacritized for the
    /// bundled voice (whose letter rules then only read what the stage left bare) and
    /// plain for programs and servers, which may do their own diacritization.
    pub fn text_form(&self) -> TextForm {
        self.text.unwrap_or(match self.engine {
            EngineKind::Bundled => TextForm::Diacritized,
            EngineKind::Command | EngineKind::Http => TextForm::Plain,
        })
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

    /// A stable text of everything in the voice file that changes the sound, for cache
    /// keys and manifests. A user lexicon counts by the entries each sentence may use (see
    /// `ClipKeys::fingerprint_for`), not by its path, so this reads no file.
    pub fn fingerprint(&self) -> String {
        let mut v = self.clone();
        v.description.clear();
        v.pauses = Pauses::default();
        v.limits = Limits::default();
        if let Some(b) = v.bundled.as_mut() {
            b.lexicon = None;
        }
        if let Some(h) = v.http.as_mut() {
            // Where the certificates are and how many requests run at once do not change
            // the sound.
            h.ca_file = None;
            h.max_parallel = None;
        }
        toml::to_string(&v).unwrap_or_default()
    }
}

/// The origin of a voice compiled into rawi.
pub const BUILT_IN: &str = "built-in";

/// The folder, relative to the current directory, searched last for voice files.
pub const LOCAL_VOICE_DIR: &str = "voices";

/// The user's own voice folder (`~/.config/rawi/voices` on Linux), if the platform has one.
pub fn config_voice_dir() -> Option<PathBuf> {
    dirs::config_dir().map(|c| c.join("rawi").join("voices"))
}

/// The text of the built-in voice named `name`, if there is one.
fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(file, _)| file.strip_suffix(".toml") == Some(name))
        .map(|(_, text)| *text)
}

/// Folders searched for voice files, in order (the built-in voices come between them).
pub fn search_dirs() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = config_voice_dir().into_iter().collect();
    dirs.push(PathBuf::from(LOCAL_VOICE_DIR));
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

/// The `.toml` files of a folder, sorted.
fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

/// Every voice found, in search order (config dir, built-in, `./voices`). A name found
/// earlier hides later ones; a file in `./voices` hidden that way is listed as not usable,
/// saying what hides it, so that nobody believes it is the voice that speaks.
pub fn list() -> Vec<Listed> {
    let mut out: Vec<Listed> = Vec::new();
    let mut seen = std::collections::HashMap::new();
    let stem = |f: &Path| {
        f.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    if let Some(dir) = config_voice_dir() {
        for f in toml_files(&dir) {
            if seen.insert(stem(&f), f.display().to_string()).is_none() {
                out.push(Listed {
                    origin: f.display().to_string(),
                    voice: Voice::from_file(&f),
                });
            }
        }
    }
    for (file, text) in BUILTIN {
        let name = file.trim_end_matches(".toml").to_owned();
        if seen.insert(name, BUILT_IN.to_owned()).is_none() {
            out.push(Listed {
                origin: BUILT_IN.into(),
                voice: Voice::from_toml(text, BUILT_IN),
            });
        }
    }
    for f in toml_files(Path::new(LOCAL_VOICE_DIR)) {
        let origin = f.display().to_string();
        match seen.get(&stem(&f)) {
            // A copy of the built-in voice (rawi's own `voices/` folder) hides nothing.
            Some(by) if by == BUILT_IN && is_builtin_copy(&f) => {}
            Some(by) => out.push(Listed {
                voice: Err(Error::Voice {
                    name: origin.clone(),
                    reason: format!(
                        "is hidden by the {by} voice {}, which speaks instead; \
                         pass --voice {origin} to use this file",
                        stem(&f)
                    ),
                }),
                origin,
            }),
            None => {
                seen.insert(stem(&f), origin.clone());
                out.push(Listed {
                    voice: Voice::from_file(&f),
                    origin,
                });
            }
        }
    }
    out
}

/// Whether the file `f` holds exactly the text of the built-in voice of the same file
/// name. Only a small regular file is read, so a FIFO among voice files never blocks.
fn is_builtin_copy(f: &Path) -> bool {
    let Some(name) = f.file_name().and_then(|n| n.to_str()) else {
        return false;
    };
    let Some((_, text)) = BUILTIN.iter().find(|(file, _)| *file == name) else {
        return false;
    };
    crate::fsx::read_input(f, text.len() as u64, "voice").is_ok_and(|t| t == text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_voices_parse() {
        for (file, text) in BUILTIN {
            let v = Voice::from_toml(text, file).unwrap();
            assert!(v.pauses.lead_ms + v.pauses.tail_ms <= 2 * MAX_PAUSE_MS);
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
    fn unknown_voice_names_the_known_ones() {
        let err = Voice::load("no-such-voice").unwrap_err().to_string();
        assert!(err.contains("espeak-ng-ar"), "{err}");
    }
}
