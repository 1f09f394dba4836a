//! rawi's Signature Version 4 (`rawi::synth::sigv4`, used for Amazon Polly) against the
//! examples AWS publishes: `tests/data/sigv4/vectors.toml`.

use rawi::synth::sigv4::{self, Credentials, Request, Scope};

#[derive(serde::Deserialize)]
struct Vectors {
    secret: String,
    signing_key: SigningKey,
    request: Vec<Vector>,
}

#[derive(serde::Deserialize)]
struct SigningKey {
    date: String,
    region: String,
    service: String,
    hex: String,
}

#[derive(serde::Deserialize)]
struct Vector {
    name: String,
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    region: String,
    service: String,
    canonical_sha256: Option<String>,
    signature: String,
}

fn vectors() -> Vectors {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/sigv4/vectors.toml");
    toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn the_signing_key_is_aws_example() {
    let v = vectors();
    let k = &v.signing_key;
    let key = sigv4::signing_key(
        &v.secret,
        &k.date,
        Scope {
            region: &k.region,
            service: &k.service,
        },
    );
    let hex: String = key.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, k.hex);
}

#[test]
fn signatures_match_the_published_test_suite() {
    let v = vectors();
    assert!(v.request.len() >= 5);
    for r in &v.request {
        let req = Request {
            method: &r.method,
            path: &r.path,
            query: &r.query,
            headers: &r.headers,
            body: b"",
        };
        let scope = Scope {
            region: &r.region,
            service: &r.service,
        };
        if let Some(want) = &r.canonical_sha256 {
            let (canonical, signed) = sigv4::canonical_request(&req);
            assert_eq!(
                &rawi::digest::sha256_hex(canonical.as_bytes()),
                want,
                "{}",
                r.name
            );
            assert_eq!(signed, "host;x-amz-date", "{}", r.name);
        }
        let date = &r.headers.iter().find(|(n, _)| n == "X-Amz-Date").unwrap().1;
        assert_eq!(
            sigv4::signature(&v.secret, date, scope, &req),
            r.signature,
            "{}",
            r.name
        );
        // The whole header, as AWS's examples print it.
        let creds = Credentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: v.secret.clone(),
            session_token: None,
        };
        let auth = sigv4::authorization(&creds, date, scope, &req);
        assert!(
            auth.starts_with(&format!(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/{}/{}/aws4_request, SignedHeaders=",
                r.region, r.service
            )) && auth.ends_with(&format!(", Signature={}", r.signature)),
            "{}: {auth}",
            r.name
        );
    }
}

#[test]
fn a_changed_request_changes_the_signature() {
    let v = vectors();
    let r = &v.request[0];
    let sign = |body: &[u8], path: &str| {
        sigv4::signature(
            &v.secret,
            "20150830T123600Z",
            Scope {
                region: "us-east-1",
                service: "service",
            },
            &Request {
                method: "GET",
                path,
                query: "",
                headers: &r.headers,
                body,
            },
        )
    };
    assert_eq!(sign(b"", "/"), r.signature);
    assert_ne!(sign(b"x", "/"), r.signature);
    assert_ne!(sign(b"", "/x"), r.signature);
}
