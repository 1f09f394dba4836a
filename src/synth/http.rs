//! The `http` engine: a speech server reached over HTTP or HTTPS with the request its
//! voice file describes (see `request`): by default OpenAI's `POST /v1/audio/speech` with
//! a JSON body `{"model", "input", "voice", "response_format", …}`, or any method, URL,
//! headers and JSON or SSML body, signed with SigV4 when asked; answered with audio in
//! the voice's `output_format` (WAV, MP3, FLAC, Ogg/Vorbis or raw PCM), raw or base64 in
//! a JSON field.
//!
//! The client is `ureq` (blocking, pure Rust) with `rustls`: https works with Mozilla's
//! root certificates compiled in, or with the certificates of a `ca_file` for a company
//! gateway or a test server, each also trusted as the server's own (see `pin`). On top
//! of it this module adds what a hosted speech API asks of a well-behaved client: at most
//! `max_parallel` requests at a time per voice, tries again after `429`/`503` as
//! `Retry-After` says (capped), retries network failures and server errors with
//! exponential backoff, and keeps tokens and keys out of every message.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use super::budget::{read_within, Answer, Budget};
use super::request::{audio_of, service_message, Prepared, Template};
use super::sigv4;
use crate::clip::Clip;
use crate::decode::{decode_owned, AudioFormat};
use crate::error::{Error, Result};
use crate::voice::{HttpSpec, Voice};

/// Largest answer accepted, per request (the README's Limits table).
const MAX_RESPONSE: u64 = crate::limits::MAX_VOICE_OUTPUT_BYTES;

/// Longest wait a `Retry-After` may ask for; a server asking for more is reported.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);

/// First wait before trying again after a failure; doubled each time.
const BACKOFF_START: Duration = Duration::from_millis(500);

/// Longest wait between tries without a `Retry-After`.
const BACKOFF_MAX: Duration = Duration::from_secs(8);

/// How many times a `429`/`503` answer is waited out at least, even for a voice with
/// `retries = 0`: rate limits are normal traffic for a hosted API, not failures.
const RATE_LIMIT_TRIES: u32 = 3;

/// Requests of one voice in flight at once when `max_parallel` is not given.
const DEFAULT_PARALLEL: usize = 4;

/// Longest time to open a connection (the voice's timeout if shorter).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A parsed `http(s)://host:port/path` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Whether the server speaks TLS.
    pub https: bool,
    /// Host name or address.
    pub host: String,
    /// Port (80 or 443 when not given).
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: String,
}

impl Endpoint {
    /// Parses an endpoint URL: `http://` or `https://`.
    pub fn parse(url: &str) -> std::result::Result<Endpoint, String> {
        Self::parse_shown(url).map_err(|e| e.replace(url, &crate::error::redacted_url(url)))
    }

    /// [`Endpoint::parse`], its messages naming the address as given.
    fn parse_shown(url: &str) -> std::result::Result<Endpoint, String> {
        let (https, rest) = if let Some(r) = url.strip_prefix("http://") {
            (false, r)
        } else if let Some(r) = url.strip_prefix("https://") {
            (true, r)
        } else {
            return Err(format!(
                "{url}: expected an http://host:port/path or https://host/path address"
            ));
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if authority.contains('@') {
            return Err(format!(
                "{url}: credentials do not go in the address; name a variable in api_key_env"
            ));
        }
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (
                h,
                p.parse::<u16>().map_err(|_| {
                    format!("{url}: the port «{p}» is not a number from 1 to 65535")
                })?,
            ),
            _ => (authority, if https { 443 } else { 80 }),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(format!("{url}: no host"));
        }
        Ok(Endpoint {
            https,
            host: host.to_owned(),
            port,
            path: path.to_owned(),
        })
    }

    /// Whether a connection opens within a second (for `rawi voices` and before a build).
    pub fn reachable(&self) -> std::result::Result<(), String> {
        use std::net::{TcpStream, ToSocketAddrs};
        let addrs: Vec<_> = (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map_err(|e| format!("server not reachable: cannot resolve {}: {e}", self.host))?
            .collect();
        let mut last = format!("{} has no address", self.host);
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
                Ok(_) => return Ok(()),
                Err(e) => last = format!("cannot connect to {addr}: {e}"),
            }
        }
        Err(format!("server not reachable: {last}"))
    }
}

/// A counting semaphore: at most `max_parallel` requests of one voice in flight, however
/// many threads rawi speaks with.
struct Gate {
    free: Mutex<usize>,
    freed: Condvar,
}

/// One place in a [`Gate`], given back when dropped.
struct Pass<'a>(&'a Gate);

impl Gate {
    fn new(n: usize) -> Gate {
        Gate {
            free: Mutex::new(n.max(1)),
            freed: Condvar::new(),
        }
    }

    fn enter(&self) -> Pass<'_> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        Pass(self)
    }
}

impl Drop for Pass<'_> {
    fn drop(&mut self) {
        let mut free = self.0.free.lock().unwrap_or_else(|p| p.into_inner());
        *free += 1;
        self.0.freed.notify_one();
    }
}

/// Why one request failed, and whether trying again may help.
struct Failure {
    reason: String,
    /// `Some` for a failure worth trying again; the wait the server asked for, if any.
    again: Option<Option<Duration>>,
    /// A `429`/`503`: counted against [`RATE_LIMIT_TRIES`] rather than `retries`.
    rate_limited: bool,
}

/// An `http` voice ready to send requests.
pub struct HttpEngine {
    spec: HttpSpec,
    /// The voice file, named in messages that ask the user to change a field.
    origin: String,
    template: Template,
    /// AWS credentials and the filled region, for a voice signed with SigV4.
    sigv4: Option<(sigv4::Credentials, String)>,
    agent: ureq::Agent,
    /// The server's host, for the certificate command of a TLS refusal.
    host: String,
    retries: u32,
    timeout: Duration,
    format: AudioFormat,
    pcm_rate: u32,
    gate: Arc<Gate>,
}

impl HttpEngine {
    /// Prepares the engine from a voice with an `[http]` table: reads the token from the
    /// environment and the `ca_file`, if any (relative to the voice file's folder).
    pub fn new(voice: &Voice) -> Result<HttpEngine> {
        let bad = |reason: String| Error::Voice {
            name: voice.name.clone(),
            reason,
        };
        let spec = voice
            .http
            .clone()
            .ok_or_else(|| bad("no [http] table".into()))?;
        let (template, sigv4) = ready(&spec, voice.pauses.clause_ms).map_err(bad)?;
        let host = Endpoint::parse(&template.prepare("", "wav").url)
            .map_err(bad)?
            .host;
        let timeout = Duration::from_secs_f64(voice.limits.timeout_s);
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(timeout))
            .timeout_connect(Some(CONNECT_TIMEOUT.min(timeout)))
            .user_agent(concat!("rawi/", env!("CARGO_PKG_VERSION")))
            .build();
        // With a ca_file, rawi's own TLS step trusts its certificates as authorities and
        // as the server's own (see `pin`); without, ureq's, with Mozilla's roots.
        let agent = match &spec.ca_file {
            Some(ca) => {
                let certs = read_ca(&ca_path(&voice.origin, ca)).map_err(bad)?;
                super::pin::agent(config, certs).map_err(bad)?
            }
            None => config.into(),
        };
        Ok(HttpEngine {
            origin: voice.origin.clone(),
            template,
            sigv4,
            agent,
            host,
            retries: voice.limits.retries,
            timeout,
            format: voice.output_format,
            pcm_rate: voice.pcm_sample_rate.unwrap_or(voice.sample_rate),
            gate: Arc::new(Gate::new(spec.max_parallel.unwrap_or(DEFAULT_PARALLEL))),
            spec,
        })
    }

    /// One request, one answer.
    fn once(&self, text: &str) -> std::result::Result<Clip, Failure> {
        let format = self.format;
        let name = match format {
            // OpenAI's name for raw 16-bit PCM.
            AudioFormat::PcmS16le => "pcm",
            // OpenAI calls Ogg/Opus "opus"; rawi decodes Ogg/Vorbis, asked for as "ogg".
            f => f.as_str(),
        };
        let mut prepared = self.template.prepare(text, name);
        if !prepared
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("accept"))
        {
            // The audio's type, or JSON when the audio comes inside JSON.
            let accept = match self.spec.answer {
                crate::voice::AnswerKind::Json => "application/json",
                crate::voice::AnswerKind::Audio => format.mime(),
            };
            prepared.headers.push(("Accept".into(), accept.to_owned()));
        }
        if let Some((creds, region)) = &self.sigv4 {
            self.sign(&mut prepared, creds, region)?;
        }
        let mut req = ureq::http::Request::builder()
            .method(prepared.method.as_str())
            .uri(&prepared.url);
        for (n, v) in &prepared.headers {
            req = req.header(n.as_str(), v.as_str());
        }
        let req = req.body(prepared.body).map_err(|e| Failure {
            reason: format!("cannot make the request from the voice file's [http] table: {e}"),
            again: None,
            rate_limited: false,
        })?;
        let mut resp = self.agent.run(req).map_err(|e| self.transport(e))?;
        let status = resp.status().as_u16();
        let retry_after = resp
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(retry_after);
        // AWS services say "slow down" with 400 and this error type, not with 429.
        let throttled = resp
            .headers()
            .get("x-amzn-errortype")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("ThrottlingException"));
        // Read into memory granted by the output budget shared with every other worker
        // (see `synth::budget`), held until the answer is decoded.
        let never = std::sync::atomic::AtomicBool::new(false);
        let mut body = resp
            .body_mut()
            .with_config()
            .limit(MAX_RESPONSE + 1)
            .reader();
        let (payload, _hold) = match read_within(&mut body, Budget::global(), MAX_RESPONSE, &never)
        {
            Answer::Done(bytes, hold) => (bytes, hold),
            // A body cut off (a timeout, a dropped connection) is a failure worth
            // another try, never a shorter clip.
            Answer::Failed(e, ..) => {
                return Err(Failure {
                    reason: format!("cannot read the server's answer: {e}"),
                    again: Some(None),
                    rate_limited: false,
                })
            }
            Answer::TooMuch | Answer::Cancelled => {
                return Err(Failure {
                    reason: format!(
                        "the server's answer is larger than {}",
                        crate::fsx::human_bytes(MAX_RESPONSE)
                    ),
                    again: None,
                    rate_limited: false,
                })
            }
        };
        if !(200..300).contains(&status) {
            let rate_limited = status == 429 || status == 503 || throttled;
            let again = if rate_limited || status == 408 || status >= 500 {
                Some(retry_after)
            } else {
                None
            };
            return Err(Failure {
                reason: self.refusal(status, &service_message(&payload)),
                again,
                rate_limited,
            });
        }
        let audio =
            audio_of(payload, self.spec.answer, self.spec.audio_field.as_deref()).map_err(|e| {
                Failure {
                    reason: format!("the server {e}"),
                    again: None,
                    rate_limited: false,
                }
            })?;
        decode_owned(audio, format, self.pcm_rate).map_err(|e| Failure {
            reason: format!("server {e}"),
            again: None,
            rate_limited: false,
        })
    }

    /// Adds the SigV4 headers (`Host`, `X-Amz-Date`, `X-Amz-Security-Token`,
    /// `Authorization`) to a request, signing its host, content type and date.
    fn sign(
        &self,
        prepared: &mut Prepared,
        creds: &sigv4::Credentials,
        region: &str,
    ) -> std::result::Result<(), Failure> {
        let end = Endpoint::parse(&prepared.url).map_err(|reason| Failure {
            reason,
            again: None,
            rate_limited: false,
        })?;
        let default_port = if end.https { 443 } else { 80 };
        // The Host header as ureq writes it: an IPv6 address in brackets, the port only
        // when it is not the scheme's.
        let name = if end.host.contains(':') {
            format!("[{}]", end.host)
        } else {
            end.host.clone()
        };
        let host = if end.port == default_port {
            name
        } else {
            format!("{name}:{}", end.port)
        };
        let (path, query) = end.path.split_once('?').unwrap_or((&end.path, ""));
        let date = sigv4::amz_date(jiff::Timestamp::now());
        let mut signed: Vec<(String, String)> = prepared
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("content-type"))
            .cloned()
            .collect();
        signed.push(("Host".into(), host));
        signed.push(("X-Amz-Date".into(), date.clone()));
        if let Some(t) = &creds.session_token {
            signed.push(("X-Amz-Security-Token".into(), t.clone()));
        }
        let scope = sigv4::Scope {
            region,
            service: self.spec.sigv4.as_ref().map_or("", |s| s.service.as_str()),
        };
        let auth = sigv4::authorization(
            creds,
            &date,
            scope,
            &sigv4::Request {
                method: prepared.method.as_str(),
                path,
                query,
                headers: &signed,
                body: &prepared.body,
            },
        );
        prepared
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case("content-type"));
        prepared.headers.extend(signed);
        prepared.headers.push(("Authorization".into(), auth));
        Ok(())
    }

    /// A refused request in words that name what to change, and where: the key's
    /// variable, the voice file's `voice` field, the text.
    fn refusal(&self, status: u16, msg: &str) -> String {
        let file = if self.origin == crate::voice::BUILT_IN {
            "the built-in voice file".to_owned()
        } else {
            self.origin.clone()
        };
        let head = if msg.is_empty() {
            format!("server answered HTTP {status} with no message")
        } else {
            format!("server answered HTTP {status}: {msg}")
        };
        let lower = msg.to_lowercase();
        // ElevenLabs says a spent quota with 401, Polly a rate limit with 400.
        let about_quota = ["quota", "rate exceeded", "throttl", "too many"]
            .iter()
            .any(|w| lower.contains(w));
        let about_voice = lower.contains("voice");
        // Google answers a wrong API key with 400, not 401.
        let about_key = ["api key", "api_key", "credential", "signature", "token"]
            .iter()
            .any(|w| lower.contains(w));
        match status {
            _ if status == 429 || (about_quota && (400..500).contains(&status)) => format!(
                "{head} (the account's quota or rate limit: wait, or lower max_parallel in [http] of {file})"
            ),
            401 | 403 => format!("{head} (check {})", self.credentials()),
            400 if about_key => format!("{head} (check {})", self.credentials()),
            404 => format!(
                "{head} (check url and voice = \"{}\" in [http] of {file})",
                self.spec.voice
            ),
            400 | 422 if about_voice => format!(
                "{head} (the service does not take the voice: check voice = \"{}\" in [http] of {file})",
                self.spec.voice
            ),
            400 if msg.is_empty() => format!(
                "{head} (the service refused the request without saying why: check voice = \"{}\" and the body template in [http] of {file})",
                self.spec.voice
            ),
            400 | 413 | 422 => format!(
                "{head} (the service refused the request for this text: check the body template in [http] of {file}, and [limits] max_chars)"
            ),
            _ => head,
        }
    }

    /// Where the voice's credentials come from, for a refused request.
    fn credentials(&self) -> String {
        let mut vars: Vec<String> = self
            .spec
            .secret_headers
            .iter()
            .map(|(h, v)| format!("the key in {v} ([http.secret_headers] {h})"))
            .collect();
        if let Some(var) = &self.spec.api_key_env {
            vars.push(format!("the token in {var}"));
        }
        if self.sigv4.is_some() {
            vars.push(
                "AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys), and the region"
                    .into(),
            );
        }
        if vars.is_empty() {
            "credentials: the server wants a key; name its variable in api_key_env or [http.secret_headers]".into()
        } else {
            vars.join(" and ")
        }
    }

    /// Describes a failure below HTTP (connection, TLS, timeout): all worth a retry but
    /// a certificate the client does not trust.
    fn transport(&self, e: ureq::Error) -> Failure {
        let (reason, again) = match &e {
            ureq::Error::Timeout(_) => (
                format!(
                    "the server did not answer within the voice's timeout ({:.0} s)",
                    self.timeout.as_secs_f64()
                ),
                true,
            ),
            ureq::Error::HostNotFound => ("cannot resolve the server's host name".into(), true),
            // rustls reports a refused handshake (an untrusted certificate, a name
            // mismatch) as invalid data on the stream.
            ureq::Error::Io(io) if io.kind() != std::io::ErrorKind::InvalidData => {
                (format!("cannot talk to the server: {e}"), true)
            }
            ureq::Error::ConnectionFailed => (format!("cannot talk to the server: {e}"), true),
            ureq::Error::Io(_) | ureq::Error::Rustls(_) | ureq::Error::Tls(_) => {
                (tls_failure(&e.to_string(), &self.host), false)
            }
            ureq::Error::BodyExceedsLimit(_) => (
                format!(
                    "the server's answer is larger than {}",
                    crate::fsx::human_bytes(MAX_RESPONSE)
                ),
                false,
            ),
            _ => (format!("the request failed: {e}"), true),
        };
        Failure {
            reason,
            again: again.then_some(None),
            rate_limited: false,
        }
    }

    /// Takes the token out of a message, whatever a server echoed back.
    fn scrub(&self, mut msg: String) -> String {
        let secrets = self.template.secrets().iter();
        let aws = self.sigv4.iter().flat_map(|(c, _)| {
            std::iter::once(&c.secret_access_key).chain(c.session_token.as_ref())
        });
        for secret in secrets.chain(aws) {
            if !secret.is_empty() {
                msg = msg.replace(secret.as_str(), "[token]");
            }
        }
        msg
    }
}

impl super::Synthesizer for HttpEngine {
    fn synthesize(&self, text: &str) -> std::result::Result<Clip, String> {
        let _pass = self.gate.enter();
        let (mut failures, mut limited) = (0u32, 0u32);
        let mut backoff = BACKOFF_START;
        loop {
            let f = match self.once(text) {
                Ok(clip) => return Ok(clip),
                Err(f) => f,
            };
            let wait = match f.again {
                None => return Err(self.scrub(f.reason)),
                Some(w) => w,
            };
            if f.rate_limited {
                limited += 1;
                if limited > RATE_LIMIT_TRIES.max(self.retries) {
                    return Err(self.scrub(format!("{} (still after {limited} tries)", f.reason)));
                }
            } else {
                failures += 1;
                if failures > self.retries {
                    return Err(self.scrub(f.reason));
                }
            }
            let wait = match wait {
                Some(w) if w > MAX_RETRY_AFTER => {
                    return Err(self.scrub(format!(
                        "{} (the server asks to wait {} s, more than rawi waits)",
                        f.reason,
                        w.as_secs()
                    )))
                }
                Some(w) => w,
                None => backoff,
            };
            std::thread::sleep(wait);
            backoff = (backoff * 2).min(BACKOFF_MAX);
        }
    }

    fn retries_itself(&self) -> bool {
        true
    }
}

/// The template of a voice's request and its SigV4 credentials, with every environment
/// variable it needs read; the error names the variable and the field. `rawi voices`
/// and the engine share it.
pub fn ready(
    spec: &HttpSpec,
    clause_ms: u32,
) -> std::result::Result<(Template, Option<(sigv4::Credentials, String)>), String> {
    let template = Template::new(spec, clause_ms)?;
    Endpoint::parse(&template.prepare("", "wav").url)?;
    let sigv4 = match &spec.sigv4 {
        Some(s) => Some((
            sigv4::Credentials::from_env()?,
            template.fill_env(&s.region),
        )),
        None => None,
    };
    Ok((template, sigv4))
}

/// A refused TLS handshake in words that say what to do, for a server at `host`. rustls
/// and webpki name the cause only in debug text (`invalid peer certificate: Other(
/// OtherError(CaUsedAsEndEntity))`), so the known causes are recognized by those names.
fn tls_failure(raw: &str, host: &str) -> String {
    // (what webpki or rustls calls it, what it means and what to do)
    const CAUSES: &[(&str, &str)] = &[
        (
            "CaUsedAsEndEntity",
            "the server presents a CA certificate (basicConstraints CA:TRUE, what `openssl req -x509` \
             makes by default) as its own; give the server a certificate with CA:FALSE and its name, \
             made with `{command}`, and name that cert.pem as ca_file (or sign the server's \
             certificate with the CA and give the CA's PEM file as ca_file)",
        ),
        (
            "UnknownIssuer",
            "the server's certificate is not signed by an authority rawi trusts, nor is it the \
             ca_file's; give the PEM file of its certificate authority, or of the server's own \
             certificate (pinned), as ca_file",
        ),
        (
            "NotValidForName",
            "the server's certificate does not name the host in the voice's url; use the name \
             the certificate gives, or make one with this host in subjectAltName",
        ),
        (
            "Expired",
            "the server's certificate has expired; renew it (or check this computer's clock)",
        ),
        (
            "NotValidYet",
            "the server's certificate is not valid yet; check this computer's clock",
        ),
        (
            "Revoked",
            "the server's certificate has been revoked; the server needs a new one",
        ),
        (
            "EndEntityUsedAsCa",
            "the ca_file holds a server's certificate, not an authority's; give the PEM file \
             of the CA that signed the server's certificate",
        ),
    ];
    match CAUSES.iter().find(|(name, _)| raw.contains(name)) {
        Some((_, what)) => format!(
            "TLS failed: {}",
            what.replace("{command}", &self_signed_command(host))
        ),
        None => format!(
            "TLS failed: {raw} (for a private certificate authority, give its PEM file as ca_file)"
        ),
    }
}

/// The one `openssl` command that makes a self-signed server certificate rustls accepts
/// as its own `ca_file`: CA:FALSE (openssl's default is CA:TRUE, which rustls refuses as
/// a server's certificate) and the host in subjectAltName.
pub fn self_signed_command(host: &str) -> String {
    let san = if host.parse::<std::net::IpAddr>().is_ok() {
        format!("IP:{host}")
    } else {
        format!("DNS:{host}")
    };
    format!(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 825 \
         -keyout key.pem -out cert.pem -subj /CN={host} -addext subjectAltName={san} \
         -addext basicConstraints=critical,CA:FALSE"
    )
}

/// Where a voice's `ca_file` is: as given when absolute, else next to the voice file
/// (or in the current folder for a built-in voice).
fn ca_path(origin: &str, ca: &str) -> PathBuf {
    let p = Path::new(ca);
    if p.is_absolute() || origin == "built-in" {
        return p.to_path_buf();
    }
    match Path::new(origin).parent() {
        Some(dir) => dir.join(p),
        None => p.to_path_buf(),
    }
}

/// Reads the PEM certificates of a `ca_file`.
fn read_ca(
    path: &Path,
) -> std::result::Result<Vec<rustls::pki_types::CertificateDer<'static>>, String> {
    // The one door for inputs: a regular file under the cap, so a FIFO or /dev/zero as
    // ca_file is refused at once instead of hanging or filling the memory.
    let pem = crate::fsx::read_input(path, crate::limits::MAX_CA_FILE_BYTES, "ca_file")
        .map_err(|e| format!("cannot read ca_file {e}"))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c.der().to_vec().into()),
            Ok(_) => {}
            Err(e) => {
                return Err(format!(
                    "ca_file {} is not a PEM certificate file: {e}",
                    path.display()
                ))
            }
        }
    }
    if certs.is_empty() {
        return Err(format!(
            "ca_file {} holds no certificate (expected PEM: -----BEGIN CERTIFICATE-----)",
            path.display()
        ));
    }
    Ok(certs)
}

/// Reads a `Retry-After` value: seconds, or an HTTP date (RFC 9110), as a wait from now.
fn retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(v).ok()?;
    let left = when.timestamp().duration_since(jiff::Timestamp::now());
    Some(Duration::try_from(left).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let e = Endpoint::parse("http://127.0.0.1:8880/v1/audio/speech").unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.path.as_str(), e.https),
            ("127.0.0.1", 8880, "/v1/audio/speech", false)
        );
        assert_eq!(Endpoint::parse("http://tts.local").unwrap().port, 80);
        assert_eq!(Endpoint::parse("http://[::1]:9000/x").unwrap().host, "::1");
        let s = Endpoint::parse("https://api.example/v1").unwrap();
        assert_eq!((s.https, s.port), (true, 443));
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("http://h:notaport/").is_err());
        let e = Endpoint::parse("https://user:secret@h/").unwrap_err();
        assert!(e.contains("api_key_env") && !e.contains("secret"), "{e}");
    }

    #[test]
    fn tls_failures_are_plain_words() {
        let e = tls_failure(
            "invalid peer certificate: Other(OtherError(CaUsedAsEndEntity))",
            "tts.local",
        );
        assert!(e.contains("CA:FALSE") && !e.contains("OtherError"), "{e}");
        assert!(
            e.contains("subjectAltName=DNS:tts.local") && !e.contains("  "),
            "{e}"
        );
        let e = tls_failure("invalid peer certificate: UnknownIssuer", "10.0.0.2");
        assert!(e.contains("ca_file") && !e.contains("UnknownIssuer"), "{e}");
        assert!(tls_failure("something new", "h").contains("something new"));
        assert!(self_signed_command("10.0.0.2").contains("subjectAltName=IP:10.0.0.2"));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(retry_after("1"), Some(Duration::from_secs(1)));
        assert_eq!(retry_after(" 120 "), Some(Duration::from_secs(120)));
        // A date in the past means "now".
        assert_eq!(
            retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon"), None);
        assert_eq!(retry_after("-3"), None);
    }

    #[test]
    fn ca_paths_are_relative_to_the_voice_file() {
        assert_eq!(
            ca_path("/etc/rawi/voices/v.toml", "ca.pem"),
            PathBuf::from("/etc/rawi/voices/ca.pem")
        );
        assert_eq!(
            ca_path("/x/v.toml", "/abs/ca.pem"),
            PathBuf::from("/abs/ca.pem")
        );
        assert_eq!(ca_path("built-in", "ca.pem"), PathBuf::from("ca.pem"));
    }

    #[test]
    fn a_bad_ca_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ca.pem");
        std::fs::write(&p, "not a certificate").unwrap();
        assert!(read_ca(&p).unwrap_err().contains("holds no certificate"));
        assert!(read_ca(&dir.path().join("missing.pem"))
            .unwrap_err()
            .contains("cannot read ca_file"));
    }

    #[test]
    fn gate_counts() {
        let g = Gate::new(2);
        let a = g.enter();
        let _b = g.enter();
        assert_eq!(*g.free.lock().unwrap(), 0);
        drop(a);
        assert_eq!(*g.free.lock().unwrap(), 1);
    }
}
