//! rawi's own bundles must pass rawi's own `verify`, whatever their length and format.
//!
//! Each format is checked on an edition of several minutes (an earlier verify read only a
//! FLAC's first MiB, about 52 s, and refused every longer FLAC edition), as a single
//! edition and as a podcast, with and without a cover, and with titles that carry control
//! characters (a NUL in a title once made the MP3's ID3 chapters differ from the
//! manifest's).

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;

fn rawi(args: &[&str], dir: &Path) -> Output {
    common::rawi_in(dir, args)
}

fn ok(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what}: exit {:?}\nstdout: {}\nstderr: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

fn samples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// One long article: every sample's text after a front matter whose title and first
/// heading hold a NUL and an escape character.
fn long_article(dir: &Path) -> PathBuf {
    let mut text = String::from(
        "+++\ntitle = \"نشرة\\u0000 الأخبار \\u001b[2Jالطويلة\"\ndate = 2024-05-01\n+++\n\n",
    );
    let mut names: Vec<_> = std::fs::read_dir(samples())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for (i, p) in names.iter().enumerate() {
        let body = std::fs::read_to_string(p).unwrap();
        // Front matter of the Markdown samples is left out; their text stays.
        let body = match body.strip_prefix("+++\n") {
            Some(rest) => rest.split_once("+++\n").map_or(rest, |(_, b)| b).to_owned(),
            None => body,
        };
        let heading = if i == 0 {
            "## قسم\u{1b}[2J أول".to_owned()
        } else {
            format!("## القسم {}", i + 1)
        };
        text.push_str(&format!("{heading}\n\n{}\n\n", body.replace("\n# ", "\n")));
    }
    let path = dir.join("long.md");
    std::fs::write(&path, text).unwrap();
    path
}

/// A small valid PNG cover (1×1), from the tests' shared maker.
fn cover(dir: &Path) -> PathBuf {
    let path = dir.join("cover.png");
    std::fs::write(&path, common::png(1)).unwrap();
    path
}

/// Milliseconds of audio the manifest of the edition `bundle` says.
fn duration_ms(bundle: &Path) -> u64 {
    let text = rawi::bundle::verify::read_member_text(bundle, "manifest.toml").unwrap();
    let m: rawi::bundle::manifest::Manifest = toml::from_str(&text).unwrap();
    m.audio.duration_ms
}

#[test]
fn long_editions_verify_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let article = long_article(dir.path());
    let cover = cover(dir.path());
    for format in ["wav", "mp3", "flac"] {
        for with_cover in [false, true] {
            if with_cover && format == "wav" {
                continue;
            }
            let out = dir.path().join(format!("long-{format}-{with_cover}.zip"));
            let mut args = vec![
                "build",
                article.to_str().unwrap(),
                "-o",
                out.to_str().unwrap(),
                "--format",
                format,
            ];
            if with_cover {
                args.extend(["--cover", cover.to_str().unwrap()]);
            }
            ok(&rawi(&args, dir.path()), &format!("build {format}"));
            let ms = duration_ms(&out);
            assert!(ms > 5 * 60 * 1000, "{format}: only {ms} ms of audio");
            let v = rawi(&["verify", out.to_str().unwrap()], dir.path());
            ok(&v, &format!("verify {format} (cover: {with_cover})"));
        }
    }
}

#[test]
fn podcasts_verify_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let long = long_article(dir.path());
    let mut articles: Vec<String> = std::fs::read_dir(samples())
        .unwrap()
        .map(|e| e.unwrap().path().to_str().unwrap().to_owned())
        .collect();
    articles.sort();
    articles.push(long.to_str().unwrap().to_owned());
    let cover = cover(dir.path());
    for format in ["wav", "mp3", "flac"] {
        let out = dir.path().join(format!("daily-{format}.zip"));
        let mut args = vec!["podcast"];
        args.extend(articles.iter().map(String::as_str));
        args.extend([
            "-o",
            out.to_str().unwrap(),
            "--title",
            "النشرة\u{1b}]0;x\u{7} اليومية",
            "--format",
            format,
            "--cover",
            cover.to_str().unwrap(),
        ]);
        ok(&rawi(&args, dir.path()), &format!("podcast {format}"));
        let v = rawi(&["verify", out.to_str().unwrap()], dir.path());
        ok(&v, &format!("verify podcast {format}"));
    }
}
