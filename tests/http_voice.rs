//! The `http` engine against a real speech server on loopback: a small server in the test
//! that reads each JSON request and answers with a WAV (plain or chunked) or an MP3, an
//! error, a rate limit, or nothing at all; over plain HTTP or over TLS with a certificate
//! authority and a server certificate made in the test (rcgen, served with rustls).

mod common;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// How the test server answers.
#[derive(Clone, Copy, PartialEq)]
enum Behaviour {
    Wav,
    ChunkedWav,
    Mp3,
    Error500,
    Hang,
    /// The first request gets `429 Too Many Requests` with `Retry-After: 1`, then WAVs.
    RateLimitedOnce,
    /// `401`, echoing the request's Authorization header in the body.
    EchoAuth401,
    /// A WAV after a short pause, so that parallel requests overlap.
    SlowWav,
}

/// What the server saw: request bodies, Authorization headers, and the most requests it
/// had in flight at once.
#[derive(Default)]
struct Seen {
    bodies: Mutex<Vec<String>>,
    auth: Mutex<Vec<String>>,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    requests: AtomicUsize,
}

/// Starts a server on 127.0.0.1, over TLS when `tls` is given; returns its port and what
/// it sees.
fn serve(behaviour: Behaviour, tls: Option<Arc<rustls::ServerConfig>>) -> (u16, Arc<Seen>) {
    let seen = Arc::new(Seen::default());
    let seen2 = seen.clone();
    let port = common::server::serve_raw(tls, move |stream| answer(stream, behaviour, &seen2));
    (port, seen)
}

/// Reads one request and answers it as `behaviour` says.
fn answer<S: Read + Write>(mut stream: S, behaviour: Behaviour, seen: &Seen) {
    let Some(req) = common::server::read_request(&mut stream) else {
        return;
    };
    let body = String::from_utf8_lossy(&req.body).into_owned();
    let n_request = seen.requests.fetch_add(1, Ordering::SeqCst);
    let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    seen.most_in_flight.fetch_max(now, Ordering::SeqCst);
    let auth = req.header("authorization").unwrap_or_default().to_owned();
    seen.auth.lock().unwrap().push(auth.clone());
    seen.bodies.lock().unwrap().push(body.clone());
    let json: serde_json::Value = serde_json::from_str(&body).expect("a JSON body");
    let text = json["input"].as_str().unwrap_or("").to_owned();
    // A tone whose length follows the text, so clips differ per sentence.
    let n = 2000 + 100 * text.chars().count();
    let samples: Vec<f32> = (0..n).map(|i| 0.3 * (i as f32 * 0.05).sin()).collect();
    let wav = rawi::audio::encode_wav(&samples, 24000);
    let send = |stream: &mut S, status: &str, extra: &str, body: &[u8]| {
        let _ = write!(
            stream,
            "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(body);
        let _ = stream.flush();
    };
    if behaviour == Behaviour::SlowWav {
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    // Done with the request before answering: once the client has the answer, it may send
    // the next one, which must not count as overlapping with this one.
    seen.in_flight.fetch_sub(1, Ordering::SeqCst);
    match behaviour {
        Behaviour::Wav => send(&mut stream, "200 OK", "Content-Type: audio/wav\r\n", &wav),
        Behaviour::SlowWav => send(&mut stream, "200 OK", "Content-Type: audio/wav\r\n", &wav),
        Behaviour::Mp3 => {
            let mp3 = rawi::encode::mp3(&samples, 24000, &rawi::encode::Tags::default(), &[], 64)
                .unwrap();
            send(&mut stream, "200 OK", "Content-Type: audio/mpeg\r\n", &mp3)
        }
        Behaviour::RateLimitedOnce if n_request == 0 => send(
            &mut stream,
            "429 Too Many Requests",
            "Retry-After: 1\r\n",
            b"slow down",
        ),
        Behaviour::RateLimitedOnce => send(&mut stream, "200 OK", "", &wav),
        Behaviour::EchoAuth401 => send(
            &mut stream,
            "401 Unauthorized",
            "",
            format!("bad token: {auth}").as_bytes(),
        ),
        Behaviour::ChunkedWav => {
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            );
            for chunk in wav.chunks(1000) {
                let _ = write!(stream, "{:x}\r\n", chunk.len());
                let _ = stream.write_all(chunk);
                let _ = write!(stream, "\r\n");
            }
            let _ = write!(stream, "0\r\n\r\n");
            let _ = stream.flush();
        }
        Behaviour::Error500 => send(
            &mut stream,
            "500 Internal Server Error",
            "",
            b"model not loaded",
        ),
        Behaviour::Hang => std::thread::sleep(std::time::Duration::from_secs(20)),
    }
}

/// Writes a voice file for the test server; `more` goes at the end of the `[http]` table
/// (`ca_file`, `api_key_env`, …) and `top` before it (`output_format`).
fn voice_with(dir: &Path, url: &str, timeout_s: f64, top: &str, more: &str) -> PathBuf {
    let p = dir.join("server.toml");
    std::fs::write(
        &p,
        format!(
            "name = \"server\"\nengine = \"http\"\nsample_rate = 22050\n{top}\n[http]\nurl = \"{url}\"\nmodel = \"tts-1\"\nvoice = \"ar-1\"\n{more}\n[http.extra]\nspeed = 0.9\n[limits]\ntimeout_s = {timeout_s}\nretries = 0\n"
        ),
    )
    .unwrap();
    p
}

fn voice_file(dir: &Path, port: u16, timeout_s: f64) -> PathBuf {
    let url = format!("http://127.0.0.1:{port}/v1/audio/speech");
    voice_with(dir, &url, timeout_s, "", "")
}

fn build(voice: &Path, out: &Path) -> std::process::Output {
    build_env(voice, out, &[])
}

fn build_env(voice: &Path, out: &Path, env: &[(&str, &str)]) -> std::process::Output {
    common::build_cup_final(voice, out, env)
}

fn manifest(out: &Path) -> rawi::bundle::Manifest {
    let bundle = rawi::bundle::Bundle::read_zip(out).unwrap();
    rawi::bundle::Manifest::from_toml(
        std::str::from_utf8(bundle.get("manifest.toml").unwrap()).unwrap(),
    )
    .unwrap()
}

#[test]
fn builds_through_a_speech_server() {
    for behaviour in [Behaviour::Wav, Behaviour::ChunkedWav] {
        let (port, seen) = serve(behaviour, None);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("e.zip");
        let o = build(&voice_file(dir.path(), port, 10.0), &out);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let manifest = manifest(&out);
        assert_eq!(
            manifest.audio.sample_rate, 22050,
            "24 kHz answers resampled to the voice's rate"
        );
        assert_eq!(manifest.voice.engine, "http");
        let bodies = seen.bodies.lock().unwrap();
        assert_eq!(
            bodies.len(),
            manifest.sentences.len(),
            "one request per sentence"
        );
        let first: serde_json::Value = serde_json::from_str(&bodies[0]).unwrap();
        assert_eq!(first["model"], "tts-1");
        assert_eq!(first["voice"], "ar-1");
        assert_eq!(first["response_format"], "wav");
        assert_eq!(first["speed"], 0.9);
        let inputs: Vec<String> = bodies
            .iter()
            .map(|b| {
                serde_json::from_str::<serde_json::Value>(b).unwrap()["input"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
        for s in &manifest.sentences {
            assert!(
                inputs.contains(&s.spoken),
                "the server was sent «{}»",
                s.spoken
            );
        }
    }
}

#[test]
fn https_with_a_test_certificate_authority() {
    let (ca_pem, config) = common::server::tls_material();
    let (port, seen) = serve(Behaviour::Wav, Some(config));
    let dir = tempfile::tempdir().unwrap();
    let url = format!("https://127.0.0.1:{port}/v1/audio/speech");
    // Without the CA the server's certificate is not trusted, and the error says what to do.
    let out = dir.path().join("e.zip");
    let o = build(&voice_with(dir.path(), &url, 10.0, "", ""), &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("TLS") && err.contains("ca_file"), "{err}");
    assert!(!out.exists());
    // With it (a path relative to the voice file), the build goes through.
    std::fs::write(dir.path().join("test-ca.pem"), &ca_pem).unwrap();
    let voice = voice_with(dir.path(), &url, 10.0, "", "ca_file = \"test-ca.pem\"");
    let o = build(&voice, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m = manifest(&out);
    assert_eq!(m.voice.engine, "http");
    assert_eq!(seen.bodies.lock().unwrap().len(), m.sentences.len());
    let v = Command::new(env!("CARGO_BIN_EXE_rawi"))
        .arg("verify")
        .arg(&out)
        .output()
        .unwrap();
    assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
}

/// A self-signed certificate made with the usual `openssl req -x509` one-liner is a CA
/// certificate (CA:TRUE), which rustls refuses as a server's own; named as the voice's
/// `ca_file` it is pinned and the build goes through. So is one made with the command a
/// TLS refusal prints (CA:FALSE), and a certificate the ca_file does not hold is still
/// refused. The certificates are made by the real openssl.
#[test]
fn a_self_signed_openssl_certificate_is_its_own_ca_file() {
    use rustls::pki_types::pem::PemObject;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let openssl = |args: &[&str]| {
        let o = Command::new("openssl")
            .args(args)
            .current_dir(d)
            .output()
            .expect("openssl is installed (see .ci/run)");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let serve_cert = || {
        let cert = rustls::pki_types::CertificateDer::from_pem_file(d.join("cert.pem")).unwrap();
        let key = rustls::pki_types::PrivateKeyDer::from_pem_file(d.join("key.pem")).unwrap();
        serve(
            Behaviour::Wav,
            Some(common::server::server_config(cert, key)),
        )
    };
    let url = |port: u16| format!("https://127.0.0.1:{port}/v1/audio/speech");
    let out = d.join("e.zip");
    let builds = |port: u16, seen: &Seen| {
        let voice = voice_with(d, &url(port), 10.0, "", "ca_file = \"cert.pem\"");
        let o = build(&voice, &out);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert_eq!(
            seen.bodies.lock().unwrap().len(),
            manifest(&out).sentences.len()
        );
    };
    // The usual one-liner: CA:TRUE, pinned.
    let one_liner = "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
                     -keyout key.pem -out cert.pem -days 30 -subj /CN=127.0.0.1";
    let one_liner: Vec<&str> = one_liner.split_whitespace().collect();
    openssl(&one_liner);
    let (port, seen) = serve_cert();
    builds(port, &seen);
    // Another certificate in the ca_file: refused, and the message says what to give.
    std::fs::copy(d.join("cert.pem"), d.join("old.pem")).unwrap();
    openssl(&one_liner);
    let (port, seen) = serve_cert();
    let voice = voice_with(d, &url(port), 10.0, "", "ca_file = \"old.pem\"");
    let o = build(&voice, &out);
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("TLS failed") && err.contains("ca_file"),
        "{err}"
    );
    assert_eq!(seen.requests.load(Ordering::SeqCst), 0);
    // The command a CA:TRUE refusal prints, run as given (README's too): CA:FALSE.
    let command = rawi::synth::http::self_signed_command("127.0.0.1");
    let args: Vec<&str> = command.split_whitespace().skip(1).collect();
    openssl(&args);
    let (port, seen) = serve_cert();
    builds(port, &seen);
}

/// A voice file may describe a GET request with the text in the URL (as some local
/// speech servers take it): no body, the sentence percent-encoded in the query.
#[test]
fn a_get_request_carries_the_text_in_the_url() {
    let texts = Arc::new(Mutex::new(Vec::new()));
    let seen = texts.clone();
    let port = common::server::serve(None, move |req| {
        let text = req.query().strip_prefix("lang=ar&text=").map(|t| {
            percent_encoding::percent_decode_str(t)
                .decode_utf8_lossy()
                .into_owned()
        });
        match text {
            Some(t) if req.method == "GET" && req.body.is_empty() => {
                let samples: Vec<f32> = (0..2000 + 100 * t.chars().count())
                    .map(|i| 0.3 * (i as f32 * 0.05).sin())
                    .collect();
                seen.lock().unwrap().push(t);
                common::server::Reply::new(
                    "200 OK",
                    "audio/wav",
                    rawi::audio::encode_wav(&samples, 22050),
                )
            }
            _ => common::server::Reply::new("400 Bad Request", "text/plain", "bad request"),
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let voice = dir.path().join("get.toml");
    std::fs::write(
        &voice,
        format!(
            "name = \"get\"\nengine = \"http\"\n[http]\nmethod = \"GET\"\nurl = \"http://127.0.0.1:{port}/api/tts?lang=ar&text={{text}}\"\n"
        ),
    )
    .unwrap();
    let out = dir.path().join("e.zip");
    let o = build(&voice, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut got = texts.lock().unwrap().clone();
    let mut want: Vec<String> = manifest(&out)
        .sentences
        .into_iter()
        .map(|s| s.spoken)
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
}

#[test]
fn a_rate_limit_is_waited_out() {
    let (port, seen) = serve(Behaviour::RateLimitedOnce, None);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("e.zip");
    // retries = 0: a 429 is not a failure, and is tried again all the same.
    let o = build(&voice_file(dir.path(), port, 10.0), &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let m = manifest(&out);
    assert_eq!(
        seen.requests.load(Ordering::SeqCst),
        m.sentences.len() + 1,
        "every sentence once, and the refused one once more"
    );
}

#[test]
fn the_token_goes_in_the_header_and_nowhere_else() {
    const TOKEN: &str = "sk-test-0123456789-secret";
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("e.zip");
    let more = "api_key_env = \"RAWI_TEST_TOKEN\"";
    // Accepted: sent as a bearer token, absent from the bundle and from what rawi prints.
    let (port, seen) = serve(Behaviour::Wav, None);
    let url = format!("http://127.0.0.1:{port}/v1/audio/speech");
    let voice = voice_with(dir.path(), &url, 10.0, "", more);
    let o = build_env(&voice, &out, &[("RAWI_TEST_TOKEN", TOKEN)]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(seen
        .auth
        .lock()
        .unwrap()
        .iter()
        .all(|a| a == &format!("Bearer {TOKEN}")));
    let bundle = rawi::bundle::Bundle::read_zip(&out).unwrap();
    for (name, bytes) in &bundle.files {
        assert!(
            !bytes.windows(TOKEN.len()).any(|w| w == TOKEN.as_bytes()),
            "the token is in {name}"
        );
    }
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!printed.contains(TOKEN), "{printed}");
    // Refused by a server that echoes the header back: the error still hides it.
    let (port, _) = serve(Behaviour::EchoAuth401, None);
    let url = format!("http://127.0.0.1:{port}/v1/audio/speech");
    let voice = voice_with(dir.path(), &url, 10.0, "", more);
    let o = build_env(&voice, &out, &[("RAWI_TEST_TOKEN", TOKEN)]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("HTTP 401") && err.contains("RAWI_TEST_TOKEN"),
        "{err}"
    );
    assert!(!err.contains(TOKEN), "{err}");
    // Not set: said before anything is sent.
    let o = build_env(&voice, &out, &[("RAWI_TEST_TOKEN", "")]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("RAWI_TEST_TOKEN"), "{err}");
}

#[test]
fn max_parallel_limits_requests_in_flight() {
    let (port, seen) = serve(Behaviour::SlowWav, None);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("e.zip");
    let url = format!("http://127.0.0.1:{port}/v1/audio/speech");
    let voice = voice_with(dir.path(), &url, 10.0, "", "max_parallel = 1");
    let o = build(&voice, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(seen.most_in_flight.load(Ordering::SeqCst), 1);
}

#[test]
fn an_mp3_answer_is_decoded() {
    let (port, seen) = serve(Behaviour::Mp3, None);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("e.zip");
    let url = format!("http://127.0.0.1:{port}/v1/audio/speech");
    let voice = voice_with(dir.path(), &url, 10.0, "output_format = \"mp3\"", "");
    let o = build(&voice, &out);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let first: serde_json::Value = serde_json::from_str(&seen.bodies.lock().unwrap()[0]).unwrap();
    assert_eq!(first["response_format"], "mp3");
    let m = manifest(&out);
    assert!(m.audio.duration_ms > 1000, "{}", m.audio.duration_ms);
}

#[test]
fn server_errors_and_hangs_fail_cleanly() {
    for (behaviour, expect) in [
        (Behaviour::Error500, "HTTP 500: model not loaded"),
        (Behaviour::Hang, "did not answer within"),
    ] {
        let (port, _) = serve(behaviour, None);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("e.zip");
        let o = build(&voice_file(dir.path(), port, 1.0), &out);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(err.contains(expect), "{err}");
        assert!(!out.exists());
    }
}

#[test]
fn unreachable_server_is_reported_by_voices_and_build() {
    // Bind then drop a listener: the port is free and nothing answers there.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("e.zip");
    let o = build(&voice_file(dir.path(), port, 2.0), &out);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("server not reachable"), "{err}");
}
