//! AWS Signature Version 4, for Amazon Polly: the one part of a speech request that a
//! voice-file template cannot describe, since the `Authorization` header is an HMAC over
//! the request itself.
//!
//! The steps follow AWS's public description: a canonical request (method, the path with
//! each segment URI-encoded, the query sorted, the signed headers lower-cased, sorted and
//! trimmed, the SHA-256 of the body), a string to sign naming the date, region and service
//! (the credential scope), a signing key derived from the secret by a chain of HMACs, and
//! the signature as hex. `tests/data/sigv4/` holds AWS's published test vectors, which
//! `tests/sigv4.rs` checks, and the test Polly server recomputes each signature from the
//! request it received.

use hmac::{Hmac, KeyInit, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::Sha256;

use crate::digest::{hex, sha256_hex};

/// The characters SigV4 leaves as they are when it URI-encodes: letters, digits and
/// `-_.~`; everything else becomes `%XY` with upper-case hex.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The algorithm named in the string to sign and the `Authorization` header.
const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// AWS credentials, from the standard environment variables.
#[derive(Clone)]
pub struct Credentials {
    /// `AWS_ACCESS_KEY_ID`: names the key; it is sent in the clear.
    pub access_key_id: String,
    /// `AWS_SECRET_ACCESS_KEY`: only ever used as an HMAC key, never sent.
    pub secret_access_key: String,
    /// `AWS_SESSION_TOKEN`, for temporary credentials: sent as `X-Amz-Security-Token`.
    pub session_token: Option<String>,
}

impl Credentials {
    /// Reads the credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
    /// (optionally) `AWS_SESSION_TOKEN`; the error names what is missing.
    pub fn from_env() -> Result<Credentials, String> {
        let var = |name: &str| {
            std::env::var(name)
                .ok()
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let missing: Vec<&str> = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]
            .into_iter()
            .filter(|n| var(n).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the AWS credential variable{} {} {} not set; export {} before running rawi",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(" and "),
                if missing.len() > 1 { "are" } else { "is" },
                if missing.len() > 1 { "them" } else { "it" },
            ));
        }
        Ok(Credentials {
            access_key_id: var("AWS_ACCESS_KEY_ID").unwrap_or_default(),
            secret_access_key: var("AWS_SECRET_ACCESS_KEY").unwrap_or_default(),
            session_token: var("AWS_SESSION_TOKEN"),
        })
    }
}

/// What a request is signed for: the region and the service (`polly`).
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// The AWS region, e.g. `eu-central-1`.
    pub region: &'a str,
    /// The signing name of the service, e.g. `polly`.
    pub service: &'a str,
}

/// One request as it goes on the wire, for signing (or for checking a signature).
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// `GET`, `POST`…
    pub method: &'a str,
    /// The path as sent (already percent-encoded where it needed to be).
    pub path: &'a str,
    /// The query as sent, without `?`; empty when there is none.
    pub query: &'a str,
    /// The headers to sign, as (name, value), names in any case.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

/// Lower-case hex of `bytes`.
fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length: the error case does not happen, and would give an
    // empty signature that the service refuses, never a panic.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(key) else {
        return Vec::new();
    };
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// The signing key for a day (`YYYYMMDD`), region and service: HMACs chained from
/// `"AWS4" + secret`.
pub fn signing_key(secret: &str, date: &str, scope: Scope<'_>) -> Vec<u8> {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, scope.region.as_bytes());
    let k_service = hmac(&k_region, scope.service.as_bytes());
    hmac(&k_service, b"aws4_request")
}

/// The canonical URI: each segment of the path as sent URI-encoded once more (AWS's rule
/// for every service but S3).
fn canonical_uri(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    path.split('/')
        .map(|seg| utf8_percent_encode(seg, UNRESERVED).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// The canonical query: each name and value decoded and encoded again, sorted by name,
/// then value.
fn canonical_query(query: &str) -> String {
    let enc = |s: &str| {
        let decoded = percent_decode_str(s).decode_utf8_lossy();
        utf8_percent_encode(&decoded, UNRESERVED).to_string()
    };
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (enc(k), enc(v)),
            None => (enc(p), String::new()),
        })
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The canonical request and the list of signed header names (`host;x-amz-date`).
pub fn canonical_request(req: &Request<'_>) -> (String, String) {
    let mut headers: Vec<(String, String)> = Vec::new();
    for (name, value) in req.headers {
        let name = name.trim().to_ascii_lowercase();
        // Sequential spaces inside a value count as one; the ends are trimmed.
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        match headers.iter_mut().find(|(n, _)| *n == name) {
            Some((_, v)) => {
                v.push(',');
                v.push_str(&value);
            }
            None => headers.push((name, value)),
        }
    }
    headers.sort_by(|a, b| a.0.cmp(&b.0));
    let signed = headers
        .iter()
        .map(|(n, _)| n.as_str())
        .collect::<Vec<_>>()
        .join(";");
    let listed: String = headers.iter().map(|(n, v)| format!("{n}:{v}\n")).collect();
    let canonical = format!(
        "{}\n{}\n{}\n{listed}\n{signed}\n{}",
        req.method,
        canonical_uri(req.path),
        canonical_query(req.query),
        sha256_hex(req.body)
    );
    (canonical, signed)
}

/// The signature (hex) of a request made at `amz_date` (`YYYYMMDDTHHMMSSZ`).
pub fn signature(secret: &str, amz_date: &str, scope: Scope<'_>, req: &Request<'_>) -> String {
    let (canonical, _) = canonical_request(req);
    let date = amz_date.get(..8).unwrap_or(amz_date);
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{date}/{}/{}/aws4_request\n{}",
        scope.region,
        scope.service,
        sha256_hex(canonical.as_bytes())
    );
    hex(&hmac(
        &signing_key(secret, date, scope),
        string_to_sign.as_bytes(),
    ))
}

/// The `Authorization` header for a request whose headers already hold `x-amz-date`
/// (`amz_date`) and, for temporary credentials, `x-amz-security-token`.
pub fn authorization(
    creds: &Credentials,
    amz_date: &str,
    scope: Scope<'_>,
    req: &Request<'_>,
) -> String {
    let (_, signed) = canonical_request(req);
    let date = amz_date.get(..8).unwrap_or(amz_date);
    format!(
        "{ALGORITHM} Credential={}/{date}/{}/{}/aws4_request, SignedHeaders={signed}, Signature={}",
        creds.access_key_id,
        scope.region,
        scope.service,
        signature(&creds.secret_access_key, amz_date, scope, req)
    )
}

/// The `x-amz-date` value of a moment: `YYYYMMDDTHHMMSSZ` in UTC.
pub fn amz_date(at: jiff::Timestamp) -> String {
    at.strftime("%Y%m%dT%H%M%SZ").to_string()
}
