//! A small HTTP/1.1 server on loopback for the speech-service tests, over plain TCP or
//! TLS (rustls, with a certificate authority and a server certificate made by rcgen):
//! each connection is one request, handed whole to the test's handler.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

/// One request as the server read it off the wire.
#[derive(Debug, Clone)]
pub struct Req {
    /// `POST`, `GET`…
    pub method: String,
    /// The path and query as sent.
    pub target: String,
    /// Headers in the order sent, names as sent.
    pub headers: Vec<(String, String)>,
    /// The body (Content-Length bytes).
    pub body: Vec<u8>,
}

impl Req {
    /// The first header of that name (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or("")
    }

    /// The query, without `?` (empty when there is none).
    pub fn query(&self) -> &str {
        self.target.split_once('?').map_or("", |(_, q)| q)
    }
}

/// An answer: status line, extra headers and body.
pub struct Reply {
    /// `200 OK`, `429 Too Many Requests`…
    pub status: &'static str,
    /// Headers besides Content-Length and Connection.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Reply {
    /// A reply with a content type.
    pub fn new(status: &'static str, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type", content_type.to_owned())],
            body: body.into(),
        }
    }
}

/// Reads one request: the head, then exactly Content-Length bytes of body.
pub fn read_request<S: Read + ?Sized>(stream: &mut S) -> Option<Req> {
    let mut req = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let n = stream.read(&mut buf).unwrap_or(0);
        if n == 0 {
            return None;
        }
        req.extend_from_slice(&buf[..n]);
        let Some(end) = req.windows(4).position(|w| w == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&req[..end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut first = lines.next()?.split(' ');
        let method = first.next()?.to_owned();
        let target = first.next()?.to_owned();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let len: usize = headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        while req.len() < end + 4 + len {
            let n = stream.read(&mut buf).unwrap_or(0);
            if n == 0 {
                break;
            }
            req.extend_from_slice(&buf[..n]);
        }
        return Some(Req {
            method,
            target,
            headers,
            body: req[end + 4..].to_vec(),
        });
    }
}

/// Writes a reply and closes the exchange.
pub fn write_reply<S: Write + ?Sized>(stream: &mut S, reply: &Reply) {
    let mut head = format!("HTTP/1.1 {}\r\n", reply.status);
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        reply.body.len()
    ));
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(&reply.body);
    let _ = stream.flush();
}

/// A certificate authority and a server certificate for 127.0.0.1 signed by it: (CA PEM,
/// server TLS config).
pub fn tls_material() -> (String, Arc<rustls::ServerConfig>) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "rawi test CA");
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf_params =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    (ca_cert.pem(), server_config(leaf.der().clone(), key))
}

/// A rustls server configuration presenting one certificate (DER) with its key.
pub fn server_config(
    cert: rustls::pki_types::CertificateDer<'static>,
    key: rustls::pki_types::PrivateKeyDer<'static>,
) -> Arc<rustls::ServerConfig> {
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![cert], key)
    .unwrap();
    Arc::new(config)
}

/// A connection, plain or TLS.
pub trait Stream: Read + Write {}

impl<S: Read + Write> Stream for S {}

/// Starts a server on 127.0.0.1 (over TLS when `tls` is given) that answers every
/// request with `handler`; returns its port. It serves until the test process ends.
pub fn serve<H>(tls: Option<Arc<rustls::ServerConfig>>, handler: H) -> u16
where
    H: Fn(&Req) -> Reply + Send + Sync + 'static,
{
    serve_raw(tls, move |stream: &mut dyn Stream| {
        if let Some(req) = read_request(stream) {
            write_reply(stream, &handler(&req));
        }
    })
}

/// Starts a server on 127.0.0.1 (over TLS when `tls` is given) that hands each
/// connection to `handler`, for answers [`Reply`] cannot give (chunked bodies, silence);
/// returns its port.
pub fn serve_raw<H>(tls: Option<Arc<rustls::ServerConfig>>, handler: H) -> u16
where
    H: Fn(&mut dyn Stream) + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handler = Arc::new(handler);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let handler = handler.clone();
            let tls = tls.clone();
            std::thread::spawn(move || match tls {
                Some(config) => {
                    let Ok(conn) = rustls::ServerConnection::new(config) else {
                        return;
                    };
                    handler(&mut rustls::StreamOwned::new(conn, stream));
                }
                None => handler(&mut stream),
            });
        }
    });
    port
}
