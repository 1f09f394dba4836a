//! The ready voice files of the hosted speech services (`voices/azure-ar-sa.toml`,
//! `google-ar-xa.toml`, `polly-ar-hala.toml`, `elevenlabs-multilingual.toml`), each
//! against a local HTTPS server that checks what the service's public documentation
//! requires of a request and answers in the service's own shapes (audio, base64 JSON,
//! errors, rate limits). Each voice file is used as shipped but for its host, which is
//! pointed at the local server, and a `ca_file` that trusts the server's test CA; rawi
//! runs with nothing in its environment but `PATH` and the variables the README lists.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use common::server::{serve, tls_material, Reply, Req};

/// A headline with Latin-script names, a quote, markup-like brackets and clause marks:
/// what SSML must escape, tag and pause on.
const ARTICLE: &str = "برشلونة يواجه Real Madrid في النهائي\n\n\
وقال مدرب Barcelona إن فريقه \"جاهز\" للمباراة، وإن الخصم قوي.\n\n\
سجل اللاعب 3 أهداف <في> المباراة؛ وفاز الفريق بنتيجة 3-1.\n";

/// A second article, for the podcast.
const SECOND: &str = "أمطار غزيرة في العاصمة\n\n\
هطلت أمطار غزيرة على العاصمة صباح اليوم، وأغلقت 4 طرق رئيسية.\n";

/// What a test server saw.
#[derive(Default)]
struct Log {
    /// Every request, accepted or not.
    requests: AtomicUsize,
    /// The sentence of each accepted request: the text content of its SSML (markup
    /// removed, entities resolved) or its JSON text field.
    texts: Mutex<Vec<String>>,
    /// The contents of each `<lang xml:lang="en-US">`.
    latin: Mutex<Vec<String>>,
    /// `<break>` elements seen.
    breaks: AtomicUsize,
    /// What the server found against the documentation; the test fails on any.
    problems: Mutex<Vec<String>>,
}

impl Log {
    /// Records a request the documentation does not allow, and refuses it.
    fn problem(&self, what: String) -> Reply {
        self.problems.lock().unwrap().push(what.clone());
        Reply::new("400 Bad Request", "text/plain", what)
    }

    /// Records an accepted request's sentence.
    fn accept(&self, ssml: Option<&Ssml>, text: &str) {
        self.texts.lock().unwrap().push(text.to_owned());
        if let Some(s) = ssml {
            self.latin.lock().unwrap().extend(s.latin.iter().cloned());
            self.breaks.fetch_add(s.breaks, Ordering::SeqCst);
        }
    }

    fn accepted_chars(&self) -> usize {
        self.texts
            .lock()
            .unwrap()
            .iter()
            .map(|t| t.chars().count())
            .sum()
    }
}

/// An SSML document as the server understood it.
#[derive(Default, Debug)]
struct Ssml {
    root: String,
    root_attrs: Vec<(String, String)>,
    voices: Vec<String>,
    text: String,
    latin: Vec<String>,
    breaks: usize,
}

/// An element's attributes, unescaped.
#[allow(deprecated)] // unescape_value: its replacement's signature is still settling
fn attributes(e: &quick_xml::events::BytesStart) -> Result<Vec<(String, String)>, String> {
    e.attributes()
        .map(|a| {
            let a = a.map_err(|e| format!("bad attribute: {e}"))?;
            let v = a
                .unescape_value()
                .map_err(|e| format!("bad attribute value: {e}"))?
                .into_owned();
            Ok((a.key.as_ref().to_owned(), v))
        })
        .collect()
}

fn attr<'a>(attrs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Parses an SSML document strictly: well-formed XML (end tags matching), one `speak`
/// root, only the elements rawi writes (`voice`, `lang`, `break`), entities among XML's
/// five. The error says what is wrong.
fn parse_ssml(doc: &str) -> Result<Ssml, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(doc);
    let mut out = Ssml::default();
    let mut stack: Vec<String> = Vec::new();
    let mut run: Option<String> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("SSML is not well-formed XML: {e}"))?;
        let mut push_text = |s: &str, stack: &[String], out: &mut Ssml| {
            if stack.is_empty() {
                if !s.trim().is_empty() {
                    return Err(format!("text outside <speak>: {s}"));
                }
                return Ok(());
            }
            out.text.push_str(s);
            if let Some(r) = run.as_mut() {
                r.push_str(s);
            }
            Ok(())
        };
        match event {
            Event::Start(e) => {
                let name = e.name().as_ref().to_owned();
                let attrs = attributes(&e)?;
                if stack.is_empty() {
                    if !out.root.is_empty() {
                        return Err("two root elements".into());
                    }
                    out.root = name.clone();
                    out.root_attrs = attrs.clone();
                }
                match name.as_str() {
                    "speak" => {}
                    "voice" => out
                        .voices
                        .push(attr(&attrs, "name").unwrap_or_default().to_owned()),
                    "lang" => {
                        if attr(&attrs, "xml:lang") != Some("en-US") {
                            return Err(format!("<lang> without xml:lang=\"en-US\": {attrs:?}"));
                        }
                        run = Some(String::new());
                    }
                    other => return Err(format!("unexpected element <{other}>")),
                }
                stack.push(name);
            }
            Event::Empty(e) => {
                let name = e.name().as_ref().to_owned();
                let attrs = attributes(&e)?;
                let time = attr(&attrs, "time").unwrap_or_default();
                let ms = time.strip_suffix("ms").and_then(|n| n.parse::<u32>().ok());
                if name != "break" || ms.is_none() {
                    return Err(format!("unexpected empty element <{name}> {attrs:?}"));
                }
                out.breaks += 1;
            }
            Event::Text(t) => push_text(&t.xml10_content(), &stack, &mut out)?,
            Event::GeneralRef(r) => {
                let name = r.as_ref().to_owned();
                let c =
                    common::xml_entity(&name).ok_or_else(|| format!("unknown entity &{name};"))?;
                push_text(c, &stack, &mut out)?;
            }
            Event::End(e) => {
                let name = e.name().as_ref().to_owned();
                stack.pop();
                if name == "lang" {
                    out.latin.extend(run.take());
                }
            }
            Event::Eof => break,
            Event::Decl(_) | Event::Comment(_) => {}
            other => return Err(format!("unexpected XML: {other:?}")),
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed elements: {stack:?}"));
    }
    if out.root != "speak" {
        return Err(format!("the root is <{}>, not <speak>", out.root));
    }
    Ok(out)
}

/// A tone whose length follows the text, as 16-bit samples.
fn tone(text: &str, rate: u32) -> Vec<f32> {
    let n = rate as usize / 10 + 400 * text.chars().count();
    (0..n).map(|i| 0.3 * (i as f32 * 0.05).sin()).collect()
}

fn wav(text: &str, rate: u32) -> Vec<u8> {
    rawi::audio::encode_wav(&tone(text, rate), rate)
}

fn json(status: &'static str, body: serde_json::Value) -> Reply {
    Reply::new(status, "application/json", body.to_string())
}

/// The first request a server gets is refused as the service refuses too many: rawi
/// must wait and try it again.
fn first(log: &Log) -> bool {
    log.requests.fetch_add(1, Ordering::SeqCst) == 0
}

/// A server's handler.
type Handler = Box<dyn Fn(&Req) -> Reply + Send + Sync>;

/// A service: its voice file, the variables the README tells the user to set (with
/// test values), and its server.
struct Service {
    file: &'static str,
    env: &'static [(&'static str, &'static str)],
    /// The variable holding the key (set wrong to test a refused key).
    key_var: &'static str,
    server: fn(Arc<Log>) -> Handler,
    /// Whether the sentence travels as SSML with Latin runs tagged.
    latin_tags: bool,
}

const AZURE_KEY: &str = "azure-test-key-0123456789";
const GOOGLE_KEY: &str = "AIzaTestKey0123456789";
const ELEVEN_KEY: &str = "sk_eleven_test_0123456789";
const AWS_ID: &str = "AKIDEXAMPLE";
const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const AWS_TOKEN: &str = "session-token-for-the-test";

const AZURE: Service = Service {
    file: "azure-ar-sa",
    env: &[
        ("AZURE_SPEECH_KEY", AZURE_KEY),
        ("AZURE_SPEECH_REGION", "westeurope"),
    ],
    key_var: "AZURE_SPEECH_KEY",
    server: azure,
    latin_tags: false,
};

const GOOGLE: Service = Service {
    file: "google-ar-xa",
    env: &[("GOOGLE_API_KEY", GOOGLE_KEY)],
    key_var: "GOOGLE_API_KEY",
    server: google,
    latin_tags: true,
};

const POLLY: Service = Service {
    file: "polly-ar-hala",
    env: &[
        ("AWS_ACCESS_KEY_ID", AWS_ID),
        ("AWS_SECRET_ACCESS_KEY", AWS_SECRET),
        ("AWS_SESSION_TOKEN", AWS_TOKEN),
        ("AWS_REGION", "eu-central-1"),
    ],
    key_var: "AWS_SECRET_ACCESS_KEY",
    server: polly,
    latin_tags: true,
};

const ELEVENLABS: Service = Service {
    file: "elevenlabs-multilingual",
    env: &[("ELEVENLABS_API_KEY", ELEVEN_KEY)],
    key_var: "ELEVENLABS_API_KEY",
    server: elevenlabs,
    latin_tags: false,
};

/// Azure AI Speech REST: `POST /cognitiveservices/v1`, the resource key in
/// `Ocp-Apim-Subscription-Key` (401 with no body when wrong), `Content-Type:
/// application/ssml+xml`, `X-Microsoft-OutputFormat`, a `User-Agent`, an SSML body with
/// `<speak version xml:lang>` and one `<voice name>` (400 for a voice it lacks), `429`
/// with `Retry-After` for too many requests; the answer is the audio (a RIFF WAV here).
fn azure(log: Arc<Log>) -> Handler {
    Box::new(move |req| {
        let is_first = first(&log);
        if req.method != "POST" || req.path() != "/cognitiveservices/v1" {
            return log.problem(format!("Azure: {} {}", req.method, req.target));
        }
        if req.header("Ocp-Apim-Subscription-Key") != Some(AZURE_KEY) {
            return Reply::new("401 Unauthorized", "text/plain", "");
        }
        for (h, want) in [
            ("Content-Type", "application/ssml+xml"),
            ("X-Microsoft-OutputFormat", "riff-24khz-16bit-mono-pcm"),
        ] {
            if req.header(h) != Some(want) {
                return log.problem(format!("Azure: {h} is {:?}", req.header(h)));
            }
        }
        if req.header("User-Agent").is_none_or(str::is_empty) {
            return log.problem("Azure: no User-Agent".into());
        }
        let ssml = match parse_ssml(&String::from_utf8_lossy(&req.body)) {
            Ok(s) => s,
            Err(e) => return log.problem(format!("Azure: {e}")),
        };
        if attr(&ssml.root_attrs, "version") != Some("1.0")
            || attr(&ssml.root_attrs, "xml:lang") != Some("ar-SA")
            || attr(&ssml.root_attrs, "xmlns") != Some("http://www.w3.org/2001/10/synthesis")
        {
            return log.problem(format!("Azure: <speak> {:?}", ssml.root_attrs));
        }
        if ssml.voices != ["ar-SA-HamedNeural"] {
            return Reply::new("400 Bad Request", "text/plain", "");
        }
        if is_first {
            let mut r = Reply::new("429 Too Many Requests", "text/plain", "");
            r.headers.push(("Retry-After", "1".into()));
            return r;
        }
        log.accept(Some(&ssml), &ssml.text);
        Reply::new("200 OK", "audio/x-wav", wav(&ssml.text, 24_000))
    })
}

/// Google Cloud Text-to-Speech: `POST /v1/text:synthesize`, the API key in
/// `X-Goog-Api-Key` (400 `INVALID_ARGUMENT` "API key not valid" when wrong), a JSON body
/// with exactly one of `input.text` / `input.ssml`, `voice.languageCode` and `voice.name`
/// (400 "Voice … does not exist"), `audioConfig.audioEncoding`; 429 `RESOURCE_EXHAUSTED`;
/// the answer is JSON whose `audioContent` is the base64 audio (LINEAR16 carries a WAV
/// header).
fn google(log: Arc<Log>) -> Handler {
    let error = |code: u16, status: &'static str, message: String| serde_json::json!({"error": {"code": code, "message": message, "status": status}});
    Box::new(move |req| {
        let is_first = first(&log);
        if req.method != "POST" || req.target != "/v1/text:synthesize" {
            return log.problem(format!("Google: {} {}", req.method, req.target));
        }
        if req.header("X-Goog-Api-Key") != Some(GOOGLE_KEY) {
            let e = error(
                400,
                "INVALID_ARGUMENT",
                "API key not valid. Please pass a valid API key.".into(),
            );
            return json("400 Bad Request", e);
        }
        if req.header("Content-Type") != Some("application/json") {
            return log.problem(format!(
                "Google: Content-Type {:?}",
                req.header("Content-Type")
            ));
        }
        if req
            .header("Accept")
            .is_some_and(|a| a != "application/json")
        {
            return log.problem(format!("Google: Accept {:?}", req.header("Accept")));
        }
        let body: serde_json::Value = match serde_json::from_slice(&req.body) {
            Ok(b) => b,
            Err(e) => return log.problem(format!("Google: body is not JSON: {e}")),
        };
        let (ssml, text) = (&body["input"]["ssml"], &body["input"]["text"]);
        if !text.is_null() || !ssml.is_string() {
            return log.problem(format!("Google: input is {}", body["input"]));
        }
        let ssml = match parse_ssml(ssml.as_str().unwrap_or_default()) {
            Ok(s) => s,
            Err(e) => return log.problem(format!("Google: {e}")),
        };
        if body["voice"]["languageCode"] != "ar-XA"
            || body["audioConfig"]["audioEncoding"] != "LINEAR16"
            || body["audioConfig"]["sampleRateHertz"] != 24_000
        {
            return log.problem(format!("Google: voice or audioConfig in {body}"));
        }
        let name = body["voice"]["name"].as_str().unwrap_or_default();
        if name != "ar-XA-Wavenet-B" {
            let e = error(
                400,
                "INVALID_ARGUMENT",
                format!("Voice '{name}' does not exist. Is it misspelled?"),
            );
            return json("400 Bad Request", e);
        }
        if is_first {
            let e = error(
                429,
                "RESOURCE_EXHAUSTED",
                "Resource has been exhausted (e.g. check quota).".into(),
            );
            return json("429 Too Many Requests", e);
        }
        log.accept(Some(&ssml), &ssml.text);
        let audio = base64::engine::general_purpose::STANDARD.encode(wav(&ssml.text, 24_000));
        json("200 OK", serde_json::json!({ "audioContent": audio }))
    })
}

/// Amazon Polly `SynthesizeSpeech`: `POST /v1/speech` signed with Signature Version 4
/// (the server recomputes the signature from the request it received: 403
/// `InvalidSignatureException` when it differs, with the scope's key id, date, region
/// and service checked too, and the session token sent), a JSON body with `Engine`,
/// `LanguageCode`, `OutputFormat`, `SampleRate` (a string), `Text`, `TextType`,
/// `VoiceId` (400 `ValidationException` for an unknown one), `ThrottlingException` (400)
/// for too many requests; the answer is the audio (`pcm`: raw signed 16-bit little-endian
/// mono). Text longer than 3000 characters is refused (400
/// `TextLengthExceededException`).
fn polly(log: Arc<Log>) -> Handler {
    let aws_error = |status: &'static str, kind: &str, message: &str| {
        let mut r = Reply::new(
            status,
            "application/json",
            serde_json::json!({ "message": message }).to_string(),
        );
        r.headers.push(("x-amzn-ErrorType", format!("{kind}:")));
        r
    };
    Box::new(move |req| {
        let is_first = first(&log);
        if req.method != "POST" || req.target != "/v1/speech" {
            return log.problem(format!("Polly: {} {}", req.method, req.target));
        }
        if let Err(e) = check_sigv4(req) {
            return aws_error("403 Forbidden", "InvalidSignatureException", &e);
        }
        let body: serde_json::Value = match serde_json::from_slice(&req.body) {
            Ok(b) => b,
            Err(e) => return log.problem(format!("Polly: body is not JSON: {e}")),
        };
        if body["Engine"] != "neural"
            || body["LanguageCode"] != "ar-AE"
            || body["OutputFormat"] != "pcm"
            || body["SampleRate"] != "16000"
            || body["TextType"] != "ssml"
        {
            return log.problem(format!("Polly: body {body}"));
        }
        let ssml = match parse_ssml(body["Text"].as_str().unwrap_or_default()) {
            Ok(s) => s,
            Err(e) => return log.problem(format!("Polly: {e}")),
        };
        // Polly bills and takes at most 3000 characters of text (tags excluded).
        if ssml.text.chars().count() > 3000 {
            let m = "Maximum text length has been exceeded";
            return aws_error("400 Bad Request", "TextLengthExceededException", m);
        }
        let voice = body["VoiceId"].as_str().unwrap_or_default();
        if voice != "Hala" {
            let m = format!("1 validation error detected: Value '{voice}' at 'voiceId' failed to satisfy constraint: Member must satisfy enum value set");
            return aws_error("400 Bad Request", "ValidationException", &m);
        }
        if is_first {
            return aws_error("400 Bad Request", "ThrottlingException", "Rate exceeded");
        }
        log.accept(Some(&ssml), &ssml.text);
        let pcm: Vec<u8> = tone(&ssml.text, 16_000)
            .iter()
            .flat_map(|s| ((s * 32767.0) as i16).to_le_bytes())
            .collect();
        Reply::new("200 OK", "audio/pcm", pcm)
    })
}

/// Checks a request's SigV4 `Authorization` the way AWS does: the credential scope
/// (key id, today's date, region, `polly`, `aws4_request`), `x-amz-date` within five
/// minutes, host and date among the signed headers, the session token present, and the
/// signature recomputed from the method, path, query, signed headers' values and body
/// as received.
fn check_sigv4(req: &Req) -> Result<(), String> {
    use rawi::synth::sigv4;
    let auth = req.header("Authorization").ok_or("no Authorization")?;
    let rest = auth
        .strip_prefix("AWS4-HMAC-SHA256 ")
        .ok_or("not AWS4-HMAC-SHA256")?;
    let field = |name: &str| {
        rest.split(", ")
            .find_map(|p| p.strip_prefix(name))
            .ok_or(format!("no {name} in Authorization"))
    };
    let credential = field("Credential=")?;
    let signed = field("SignedHeaders=")?;
    let given = field("Signature=")?;
    let date = req.header("X-Amz-Date").ok_or("no X-Amz-Date")?;
    let now = jiff::Timestamp::now();
    let civil = jiff::civil::DateTime::strptime("%Y%m%dT%H%M%SZ", date)
        .map_err(|e| format!("X-Amz-Date {date}: {e}"))?;
    let at = jiff::tz::TimeZone::UTC
        .to_timestamp(civil)
        .map_err(|e| e.to_string())?;
    if now.duration_since(at).abs() > jiff::SignedDuration::from_mins(5) {
        return Err(format!(
            "Signature expired: {date} is now earlier than 5 minutes ago"
        ));
    }
    let want_scope = format!("{AWS_ID}/{}/eu-central-1/polly/aws4_request", &date[..8]);
    if credential != want_scope {
        return Err(format!(
            "credential scope {credential}, expected {want_scope}"
        ));
    }
    let names: Vec<&str> = signed.split(';').collect();
    for must in ["host", "x-amz-date", "content-type", "x-amz-security-token"] {
        if !names.contains(&must) {
            return Err(format!("{must} is not signed ({signed})"));
        }
    }
    if req.header("X-Amz-Security-Token") != Some(AWS_TOKEN) {
        return Err("the session token was not sent".into());
    }
    let headers: Vec<(String, String)> = names
        .iter()
        .map(|n| {
            Ok((
                n.to_string(),
                req.header(n).ok_or(format!("{n} missing"))?.to_owned(),
            ))
        })
        .collect::<Result<_, String>>()?;
    let expected = sigv4::signature(
        AWS_SECRET,
        date,
        sigv4::Scope {
            region: "eu-central-1",
            service: "polly",
        },
        &sigv4::Request {
            method: &req.method,
            path: req.path(),
            query: req.query(),
            headers: &headers,
            body: &req.body,
        },
    );
    if expected != given {
        return Err(
            "The request signature we calculated does not match the signature you provided.".into(),
        );
    }
    Ok(())
}

/// ElevenLabs: `POST /v1/text-to-speech/{voice_id}?output_format=…`, the key in
/// `xi-api-key` (401 `invalid_api_key`), a JSON body with `text` and `model_id`, 404
/// `voice_not_found` for an unknown voice id, 429 `too_many_concurrent_requests`; the
/// answer is the audio (MP3 44.1 kHz as asked).
fn elevenlabs(log: Arc<Log>) -> Handler {
    let detail = |status: &str, message: String| serde_json::json!({"detail": {"status": status, "message": message}});
    Box::new(move |req| {
        let is_first = first(&log);
        let Some(voice) = req.path().strip_prefix("/v1/text-to-speech/") else {
            return log.problem(format!("ElevenLabs: {} {}", req.method, req.target));
        };
        if req.method != "POST" || req.query() != "output_format=mp3_44100_128" {
            return log.problem(format!("ElevenLabs: {} {}", req.method, req.target));
        }
        if req.header("xi-api-key") != Some(ELEVEN_KEY) {
            let e = detail("invalid_api_key", "Invalid API key".into());
            return json("401 Unauthorized", e);
        }
        if req.header("Content-Type") != Some("application/json") {
            return log.problem(format!(
                "ElevenLabs: Content-Type {:?}",
                req.header("Content-Type")
            ));
        }
        let body: serde_json::Value = match serde_json::from_slice(&req.body) {
            Ok(b) => b,
            Err(e) => return log.problem(format!("ElevenLabs: body is not JSON: {e}")),
        };
        if body["model_id"] != "eleven_multilingual_v2" || !body["text"].is_string() {
            return log.problem(format!("ElevenLabs: body {body}"));
        }
        if voice != "pNInz6obpgDQGcFmaJgB" {
            let e = detail(
                "voice_not_found",
                format!("A voice with the voice_id {voice} was not found."),
            );
            return json("404 Not Found", e);
        }
        if is_first {
            let e = detail(
                "too_many_concurrent_requests",
                "Too many concurrent requests for your plan.".into(),
            );
            return json("429 Too Many Requests", e);
        }
        let text = body["text"].as_str().unwrap_or_default();
        log.accept(None, text);
        let mp3 = rawi::encode::mp3(
            &tone(text, 44_100),
            44_100,
            &rawi::encode::Tags::default(),
            &[],
            64,
        )
        .unwrap();
        Reply::new("200 OK", "audio/mpeg", mp3)
    })
}

/// The shipped voice file `name`, its host pointed at `127.0.0.1:port` and trusting the
/// test CA (`ca.pem` beside it), written into `dir`; `more` replaces lines (`voice = …`).
/// Nothing else of the file changes.
fn local_voice(dir: &Path, name: &str, port: u16, ca_pem: &str, more: &[(&str, &str)]) -> PathBuf {
    let shipped = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("voices/{name}.toml")),
    )
    .unwrap();
    let mut changed = 0;
    let mut replaced = vec![false; more.len()];
    let lines: Vec<String> = shipped
        .lines()
        .map(|l| {
            if let Some(rest) = l.strip_prefix("url = \"https://") {
                changed += 1;
                let path = &rest[rest.find('/').unwrap()..];
                return format!("url = \"https://127.0.0.1:{port}{path}");
            }
            if l == "[http]" {
                return "[http]\nca_file = \"ca.pem\"".into();
            }
            for (i, (from, to)) in more.iter().enumerate() {
                if !replaced[i] && l.starts_with(from) {
                    replaced[i] = true;
                    return (*to).to_owned();
                }
            }
            l.to_owned()
        })
        .collect();
    assert_eq!(changed, 1, "{name}: one url line");
    std::fs::write(dir.join("ca.pem"), ca_pem).unwrap();
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// The total row of `--estimate`'s table: (sentences, requests, characters, cached).
fn estimate_total(stdout: &[u8]) -> (usize, usize, usize, usize) {
    let out = String::from_utf8_lossy(stdout);
    let row: Vec<usize> = out
        .lines()
        .find(|l| l.split('\t').nth(1) == Some("total"))
        .unwrap_or_else(|| panic!("no total row in {out}"))
        .split('\t')
        .skip(2)
        .map(|n| n.parse().unwrap())
        .collect();
    (row[0], row[1], row[2], row[3])
}

fn ok(o: &std::process::Output) -> String {
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{err}");
    err
}

/// A server for `service` over TLS: (port, log, CA PEM).
fn start(service: &Service) -> (u16, Arc<Log>, String) {
    let (ca, tls) = tls_material();
    let log = Arc::new(Log::default());
    let port = serve(Some(tls), (service.server)(log.clone()));
    (port, log, ca)
}

/// Builds the article and a podcast of two with the service's voice file: the estimate
/// first (nothing sent), then the build, whose requests must carry exactly the
/// sentences of the manifest, as many characters as estimated; then the podcast, whose
/// estimate counts the first article as cached.
fn build_and_podcast(service: &Service) {
    let (port, log, ca) = start(service);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("final.txt"), ARTICLE).unwrap();
    std::fs::write(d.join("rain.txt"), SECOND).unwrap();
    // The user's own voice folder holds the copy, so `--voice NAME` finds it before the
    // built-in file, as the README's commands run it.
    let config = d.join("xdg-config/rawi/voices");
    std::fs::create_dir_all(&config).unwrap();
    local_voice(&config, service.file, port, &ca, &[]);
    let voice = service.file;
    let run = |args: &[&str]| common::rawi_only_env(d, args, service.env);

    // `rawi voices` finds the copy, with every variable it needs set and the server up.
    let listed = run(&["voices"]);
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    let line = listed
        .lines()
        .find(|l| l.starts_with(&format!("{voice}\t")))
        .unwrap_or_else(|| panic!("{voice} not listed: {listed}"));
    assert!(line.contains("\tusable\t"), "{line}");
    let build = ["build", "final.txt", "-o", "final.zip", "--voice", voice];
    let est = run(&[&build[..], &["--estimate"]].concat());
    ok(&est);
    let (sentences, requests, chars, cached) = estimate_total(&est.stdout);
    assert_eq!((requests, cached), (sentences, 0), "a cold cache");
    assert_eq!(
        log.requests.load(Ordering::SeqCst),
        0,
        "--estimate sends nothing"
    );
    assert!(!d.join("final.zip").exists());

    let err = ok(&run(&build));
    assert!(err.contains(&format!("synthesized {sentences}")), "{err}");
    assert!(
        err.contains(&format!("voice {voice} from {}", config.display())),
        "{err}"
    );
    let bundle = rawi::bundle::Bundle::read_zip(&d.join("final.zip")).unwrap();
    // The secrets went in the requests only: not in the bundle, not in a message.
    for (var, value) in service.env {
        if var.contains("REGION") || *var == "AWS_ACCESS_KEY_ID" {
            continue;
        }
        for (name, bytes) in &bundle.files {
            let found = bytes.windows(value.len()).any(|w| w == value.as_bytes());
            assert!(!found, "{var} is in {name}");
        }
        assert!(!err.contains(value), "{var} printed: {err}");
    }
    let manifest = rawi::bundle::Manifest::from_toml(
        std::str::from_utf8(bundle.get("manifest.toml").unwrap()).unwrap(),
    )
    .unwrap();
    let mut sent: Vec<String> = manifest
        .sentences
        .iter()
        .map(|s| s.diacritized.clone())
        .collect();
    let mut got = log.texts.lock().unwrap().clone();
    sent.sort();
    got.sort();
    assert_eq!(
        got, sent,
        "the server received each sentence, Arabic intact"
    );
    // The quotes and brackets that SSML must escape arrived as text.
    assert!(got.iter().any(|t| t.contains('"') && t.contains('،')));
    assert!(got.iter().any(|t| t.contains('<') && t.contains('>')));
    assert_eq!(log.accepted_chars(), chars, "--estimate's characters");
    assert_eq!(
        log.requests.load(Ordering::SeqCst),
        requests + 1,
        "each sentence once, and the refused first request again"
    );
    if service.latin_tags {
        let latin = log.latin.lock().unwrap().clone();
        for name in ["Real Madrid", "Barcelona"] {
            assert!(
                latin.iter().any(|l| l == name),
                "{name} in <lang>: {latin:?}"
            );
        }
    }
    if service.file != "elevenlabs-multilingual" {
        assert!(
            log.breaks.load(Ordering::SeqCst) >= 2,
            "<break> after ، and ؛"
        );
    }

    let podcast = [
        "podcast",
        "final.txt",
        "rain.txt",
        "-o",
        "daily.zip",
        "--title",
        "النشرة",
        "--voice",
        voice,
    ];
    let est = run(&[&podcast[..], &["--estimate"]].concat());
    ok(&est);
    let (_, requests, more_chars, cached) = estimate_total(&est.stdout);
    assert_eq!(cached, chars, "the first article is in the cache");
    let before = log.accepted_chars();
    ok(&run(&podcast));
    assert_eq!(log.accepted_chars() - before, more_chars);
    assert_eq!(log.texts.lock().unwrap().len(), sentences + requests);
    ok(&run(&["verify", "daily.zip"]));
    let problems = log.problems.lock().unwrap();
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn azure_builds_and_podcasts() {
    build_and_podcast(&AZURE);
}

#[test]
fn google_builds_and_podcasts() {
    build_and_podcast(&GOOGLE);
}

#[test]
fn polly_builds_and_podcasts() {
    build_and_podcast(&POLLY);
}

#[test]
fn elevenlabs_builds_and_podcasts() {
    build_and_podcast(&ELEVENLABS);
}

/// A wrong key, an unknown voice and a missing variable: each a one-line error (exit
/// 2) naming what to change, never the key's value.
#[test]
fn refusals_name_what_to_change() {
    for (service, voice_line, bad_voice) in [
        (&AZURE, "voice = ", "voice = \"ar-SA-NoSuchNeural\""),
        (&GOOGLE, "voice = ", "voice = \"ar-XA-NoSuch-Z\""),
        (&POLLY, "voice = ", "voice = \"Nobody\""),
        (&ELEVENLABS, "voice = ", "voice = \"no-such-voice-id\""),
    ] {
        let (port, log, ca) = start(service);
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("final.txt"), ARTICLE).unwrap();
        let build = |voice: &Path, env: &[(&str, &str)]| {
            let voice = voice.to_str().unwrap();
            let o = common::rawi_only_env(
                d,
                &[
                    "build",
                    "final.txt",
                    "-o",
                    "f.zip",
                    "--voice",
                    voice,
                    "-j",
                    "1",
                ],
                env,
            );
            let err = String::from_utf8_lossy(&o.stderr).into_owned();
            assert_eq!(o.status.code(), Some(2), "{err}");
            assert!(!d.join("f.zip").exists());
            err
        };
        let name = service.file;
        // A wrong key: the variable is named, its value is not printed.
        let voice = local_voice(d, name, port, &ca, &[]);
        let wrong = "wrong-key-value-42";
        let env: Vec<(&str, &str)> = service
            .env
            .iter()
            .map(|&(k, v)| (k, if k == service.key_var { wrong } else { v }))
            .collect();
        let err = build(&voice, &env);
        assert!(
            err.contains(service.key_var) && !err.contains(wrong),
            "{name}: {err}"
        );
        let errors = err.lines().filter(|l| l.starts_with("rawi: error")).count();
        assert_eq!(errors, 1, "one line: {err}");
        // An unknown voice: the voice file and its field are named.
        let voice = local_voice(d, name, port, &ca, &[(voice_line, bad_voice)]);
        let err = build(&voice, service.env);
        assert!(
            err.contains(bad_voice) && err.contains(&voice.display().to_string()),
            "{name}: {err}"
        );
        // A variable not set: said before anything is sent.
        let sent = log.requests.load(Ordering::SeqCst);
        let env: Vec<(&str, &str)> = service
            .env
            .iter()
            .copied()
            .filter(|&(k, _)| k != service.key_var)
            .collect();
        let err = build(&voice, &env);
        assert!(err.contains(service.key_var), "{name}: {err}");
        assert_eq!(
            log.requests.load(Ordering::SeqCst),
            sent,
            "{name}: nothing sent"
        );
        assert!(
            log.problems.lock().unwrap().is_empty(),
            "{:?}",
            log.problems
        );
    }
}

/// Text the service refuses (Polly takes 3000 characters; a voice file that lets rawi
/// send 5000 in one request meets the limit): the error names the voice file's
/// `max_chars`.
#[test]
fn a_refused_text_names_max_chars() {
    let (port, log, ca) = start(&POLLY);
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let long = "تتابع الصحيفة الأخبار ".repeat(150);
    std::fs::write(d.join("long.txt"), format!("عنوان\n\n{}.\n", long.trim())).unwrap();
    let voice = local_voice(
        d,
        POLLY.file,
        port,
        &ca,
        &[("max_chars = ", "max_chars = 5000")],
    );
    let o = common::rawi_only_env(
        d,
        &[
            "build",
            "long.txt",
            "-o",
            "l.zip",
            "--voice",
            voice.to_str().unwrap(),
        ],
        POLLY.env,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("Maximum text length has been exceeded")
            && err.contains("max_chars")
            && err.contains(&voice.display().to_string()),
        "{err}"
    );
    assert!(log.problems.lock().unwrap().is_empty());
}
