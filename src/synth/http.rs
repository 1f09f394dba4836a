//! The `http` engine: a speech server reached over plain HTTP/1.1, by default with the
//! OpenAI-compatible request `POST /v1/audio/speech` and a JSON body
//! `{"model", "input", "voice", "response_format": "wav", …}`, answered with a WAV.
//!
//! The client is small and written here on purpose: one request per sentence,
//! `Connection: close`, `Content-Length` or chunked answers, and a deadline on the whole
//! exchange so a server that hangs cannot stall a build.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use crate::audio::{decode_wav, Clip};
use crate::error::{Error, Result};
use crate::voice::{HttpSpec, Voice};

/// Largest answer accepted: several minutes of 48 kHz audio.
const MAX_RESPONSE: usize = 256 * 1024 * 1024;

/// A parsed `http://host:port/path` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// Host name or address.
    pub host: String,
    /// Port (80 when not given).
    pub port: u16,
    /// Path and query, starting with `/`.
    pub path: String,
}

impl Endpoint {
    /// Parses an endpoint URL; only plain `http://` is spoken.
    pub fn parse(url: &str) -> std::result::Result<Endpoint, String> {
        let rest = if let Some(r) = url.strip_prefix("http://") {
            r
        } else if url.starts_with("https://") {
            return Err(format!("{url}: https is not spoken by rawi's client; run a local TLS proxy and give its http:// address"));
        } else {
            return Err(format!("{url}: expected an http://host:port/path address"));
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (
                h,
                p.parse::<u16>().map_err(|_| {
                    format!("{url}: the port «{p}» is not a number from 1 to 65535")
                })?,
            ),
            _ => (authority, 80),
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.is_empty() {
            return Err(format!("{url}: no host"));
        }
        Ok(Endpoint {
            host: host.to_owned(),
            port,
            path: path.to_owned(),
        })
    }

    fn addrs(&self) -> std::result::Result<Vec<SocketAddr>, String> {
        (self.host.as_str(), self.port)
            .to_socket_addrs()
            .map(|a| a.collect())
            .map_err(|e| format!("cannot resolve {}: {e}", self.host))
    }

    fn connect(&self, timeout: Duration) -> std::result::Result<TcpStream, String> {
        let mut last = format!("{} has no address", self.host);
        for addr in self.addrs()? {
            match TcpStream::connect_timeout(&addr, timeout) {
                Ok(s) => return Ok(s),
                Err(e) => last = format!("cannot connect to {addr}: {e}"),
            }
        }
        Err(last)
    }

    /// Whether a connection opens within a second (for `rawi voices`).
    pub fn reachable(&self) -> std::result::Result<(), String> {
        self.connect(Duration::from_secs(1))
            .map(|_| ())
            .map_err(|e| format!("server not reachable: {e}"))
    }
}

/// An `http` voice ready to send requests.
pub struct HttpEngine {
    endpoint: Endpoint,
    spec: HttpSpec,
    token: Option<String>,
    timeout: Duration,
}

impl HttpEngine {
    /// Prepares the engine from a voice with an `[http]` table.
    pub fn new(voice: &Voice) -> Result<HttpEngine> {
        let bad = |reason: String| Error::Voice {
            name: voice.name.clone(),
            reason,
        };
        let spec = voice
            .http
            .clone()
            .ok_or_else(|| bad("no [http] table".into()))?;
        let endpoint = Endpoint::parse(&spec.url).map_err(bad)?;
        let token = spec
            .api_key_env
            .as_ref()
            .and_then(|v| std::env::var(v).ok());
        Ok(HttpEngine {
            endpoint,
            spec,
            token,
            timeout: Duration::from_secs_f64(voice.limits.timeout_s),
        })
    }

    fn body(&self, text: &str) -> String {
        let mut body = serde_json::Map::new();
        for (k, v) in &self.spec.extra {
            if let Ok(j) = serde_json::to_value(v) {
                body.insert(k.clone(), j);
            }
        }
        body.insert("model".into(), self.spec.model.clone().into());
        body.insert("voice".into(), self.spec.voice.clone().into());
        body.insert("input".into(), text.into());
        body.insert("response_format".into(), "wav".into());
        serde_json::Value::Object(body).to_string()
    }
}

impl super::Synthesizer for HttpEngine {
    fn synthesize(&self, text: &str) -> std::result::Result<Clip, String> {
        let deadline = Instant::now() + self.timeout;
        let ep = &self.endpoint;
        let mut stream = ep.connect(self.timeout)?;
        let body = self.body(text);
        let mut req = format!(
            "POST {} HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: rawi/{}\r\nContent-Type: application/json\r\nAccept: audio/wav\r\nContent-Length: {}\r\nConnection: close\r\n",
            ep.path,
            ep.host,
            ep.port,
            env!("CARGO_PKG_VERSION"),
            body.len()
        );
        if let Some(t) = &self.token {
            req.push_str(&format!("Authorization: Bearer {t}\r\n"));
        }
        req.push_str("\r\n");
        req.push_str(&body);
        let _ = stream.set_write_timeout(Some(self.timeout));
        stream
            .write_all(req.as_bytes())
            .map_err(|e| format!("cannot send the request to {}:{}: {e}", ep.host, ep.port))?;
        let raw = read_until_deadline(&mut stream, deadline)?;
        let (status, payload) = parse_response(&raw)?;
        if !(200..300).contains(&status) {
            let snippet: String = String::from_utf8_lossy(&payload)
                .trim()
                .chars()
                .take(200)
                .collect();
            return Err(format!("server answered HTTP {status}: {snippet}"));
        }
        decode_wav(&payload).map_err(|e| format!("server {e}"))
    }
}

/// Reads the whole answer (the server closes the connection), within the deadline.
fn read_until_deadline(
    stream: &mut TcpStream,
    deadline: Instant,
) -> std::result::Result<Vec<u8>, String> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err("the server did not answer within the voice's timeout".into());
        }
        let _ = stream.set_read_timeout(Some(left));
        match stream.read(&mut buf) {
            Ok(0) => return Ok(raw),
            Ok(n) => {
                raw.extend_from_slice(&buf[..n]);
                if raw.len() > MAX_RESPONSE {
                    return Err("the server's answer is larger than 256 MB".into());
                }
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return Err("the server did not answer within the voice's timeout".into())
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("reading the answer failed: {e}")),
        }
    }
}

/// Splits an HTTP/1.1 answer into its status and body (de-chunked).
fn parse_response(raw: &[u8]) -> std::result::Result<(u16, Vec<u8>), String> {
    let head_end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("the server's answer is not HTTP (no header end)")?;
    let head = String::from_utf8_lossy(&raw[..head_end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("the server's answer has a bad status line «{status_line}»"))?;
    let mut chunked = false;
    let mut length: Option<usize> = None;
    for line in lines {
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
            if k == "transfer-encoding" && v.to_ascii_lowercase().contains("chunked") {
                chunked = true;
            } else if k == "content-length" {
                length = v.parse().ok();
            }
        }
    }
    let body = &raw[head_end + 4..];
    if chunked {
        return dechunk(body).map(|b| (status, b));
    }
    match length {
        Some(n) if n <= body.len() => Ok((status, body[..n].to_vec())),
        Some(n) => Err(format!(
            "the server's answer was cut short ({} of {n} bytes)",
            body.len()
        )),
        None => Ok((status, body.to_vec())),
    }
}

/// Decodes a chunked transfer-encoded body.
fn dechunk(mut body: &[u8]) -> std::result::Result<Vec<u8>, String> {
    let mut out = Vec::new();
    loop {
        let line_end = body
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("a chunked answer was cut short")?;
        let size_text = String::from_utf8_lossy(&body[..line_end]);
        let size_hex = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_hex, 16)
            .map_err(|_| format!("bad chunk size «{size_hex}»"))?;
        body = &body[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if body.len() < size {
            return Err("a chunked answer was cut short".into());
        }
        out.extend_from_slice(&body[..size]);
        body = body.get(size + 2..).unwrap_or(&[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let e = Endpoint::parse("http://127.0.0.1:8880/v1/audio/speech").unwrap();
        assert_eq!(
            (e.host.as_str(), e.port, e.path.as_str()),
            ("127.0.0.1", 8880, "/v1/audio/speech")
        );
        assert_eq!(Endpoint::parse("http://tts.local").unwrap().port, 80);
        assert_eq!(Endpoint::parse("http://[::1]:9000/x").unwrap().host, "::1");
        assert!(Endpoint::parse("https://api.example/v1")
            .unwrap_err()
            .contains("TLS proxy"));
        assert!(Endpoint::parse("ftp://x").is_err());
        assert!(Endpoint::parse("http://h:notaport/").is_err());
    }

    #[test]
    fn responses() {
        let (s, b) = parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdef").unwrap();
        assert_eq!((s, b.as_slice()), (200, &b"abc"[..]));
        let (s, b) = parse_response(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n").unwrap();
        assert_eq!((s, b.as_slice()), (200, &b"abcde"[..]));
        assert!(
            parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
                .unwrap_err()
                .contains("cut short")
        );
        assert!(parse_response(b"garbage").is_err());
        assert!(parse_response(b"HTTP/1.1 2x0 OK\r\n\r\n").is_err());
    }
}
