//! The `http` engine against a real speech server on loopback: a small server in the test
//! that reads each JSON request and answers with a WAV (plain or chunked), an error, or
//! nothing at all.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

/// How the test server answers.
#[derive(Clone, Copy)]
enum Behaviour {
    Wav,
    ChunkedWav,
    Error500,
    Hang,
}

/// Starts a server on 127.0.0.1; returns its port and the request bodies it has seen.
fn serve(behaviour: Behaviour) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(200) {
            let Ok(mut stream) = stream else { continue };
            let seen = seen2.clone();
            std::thread::spawn(move || {
                let mut req = Vec::new();
                let mut buf = [0u8; 4096];
                // Read headers, then exactly Content-Length bytes of body.
                let body = loop {
                    let n = stream.read(&mut buf).unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    req.extend_from_slice(&buf[..n]);
                    if let Some(end) = req.windows(4).position(|w| w == b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&req[..end]).to_ascii_lowercase();
                        let len: usize = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse().ok())
                            .unwrap_or(0);
                        while req.len() < end + 4 + len {
                            let n = stream.read(&mut buf).unwrap_or(0);
                            if n == 0 {
                                break;
                            }
                            req.extend_from_slice(&buf[..n]);
                        }
                        break String::from_utf8_lossy(&req[end + 4..]).into_owned();
                    }
                };
                seen.lock().unwrap().push(body.clone());
                let json: serde_json::Value = serde_json::from_str(&body).expect("a JSON body");
                let text = json["input"].as_str().unwrap_or("").to_owned();
                // A tone whose length follows the text, so clips differ per sentence.
                let n = 2000 + 100 * text.chars().count();
                let samples: Vec<f32> = (0..n).map(|i| 0.3 * (i as f32 * 0.05).sin()).collect();
                let wav = rawi::audio::encode_wav(&samples, 24000);
                match behaviour {
                    Behaviour::Wav => {
                        let _ = write!(stream, "HTTP/1.1 200 OK\r\nContent-Type: audio/wav\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", wav.len());
                        let _ = stream.write_all(&wav);
                    }
                    Behaviour::ChunkedWav => {
                        let _ = write!(
                            stream,
                            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        );
                        for chunk in wav.chunks(1000) {
                            let _ = write!(stream, "{:x}\r\n", chunk.len());
                            let _ = stream.write_all(chunk);
                            let _ = write!(stream, "\r\n");
                        }
                        let _ = write!(stream, "0\r\n\r\n");
                    }
                    Behaviour::Error500 => {
                        let msg = "model not loaded";
                        let _ = write!(
                            stream,
                            "HTTP/1.1 500 Internal Server Error\r\nContent-Length: {}\r\n\r\n{msg}",
                            msg.len()
                        );
                    }
                    Behaviour::Hang => std::thread::sleep(std::time::Duration::from_secs(20)),
                }
            });
        }
    });
    (port, seen)
}

fn voice_file(dir: &Path, port: u16, timeout_s: f64) -> PathBuf {
    let p = dir.join("server.toml");
    std::fs::write(
        &p,
        format!(
            "name = \"server\"\nengine = \"http\"\nsample_rate = 22050\n[http]\nurl = \"http://127.0.0.1:{port}/v1/audio/speech\"\nmodel = \"tts-1\"\nvoice = \"ar-1\"\n[http.extra]\nspeed = 0.9\n[limits]\ntimeout_s = {timeout_s}\nretries = 0\n"
        ),
    )
    .unwrap();
    p
}

fn build(voice: &Path, out: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rawi"))
        .arg("build")
        .arg(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples/cup-final.txt"))
        .arg("-o")
        .arg(out)
        .arg("--voice")
        .arg(voice)
        .output()
        .unwrap()
}

#[test]
fn builds_through_a_speech_server() {
    for behaviour in [Behaviour::Wav, Behaviour::ChunkedWav] {
        let (port, seen) = serve(behaviour);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("e.zip");
        let o = build(&voice_file(dir.path(), port, 10.0), &out);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let bundle = rawi::bundle::Bundle::read_zip(&out).unwrap();
        let manifest = rawi::bundle::Manifest::from_toml(
            std::str::from_utf8(bundle.get("manifest.toml").unwrap()).unwrap(),
        )
        .unwrap();
        assert_eq!(
            manifest.audio.sample_rate, 22050,
            "24 kHz answers resampled to the voice's rate"
        );
        assert_eq!(manifest.voice.engine, "http");
        let bodies = seen.lock().unwrap();
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
fn server_errors_and_hangs_fail_cleanly() {
    for (behaviour, expect) in [
        (Behaviour::Error500, "HTTP 500: model not loaded"),
        (Behaviour::Hang, "did not answer within"),
    ] {
        let (port, _) = serve(behaviour);
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
