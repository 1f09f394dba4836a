//! Cover art: `--cover` is embedded as an ID3 `APIC` frame in MP3 and a `PICTURE` block in
//! FLAC, and ffprobe (the real one; CI installs ffmpeg) sees it as an attached picture, in
//! `rawi build` editions and in `rawi podcast` episodes. Rebuilds stay byte-identical.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ARTICLE: &str = "+++
title = \"افتتاح مكتبة عامة في الحي القديم\"
source = \"راوي للأنباء\"
date = 2024-05-01
+++

افتتحت البلدية مكتبة عامة جديدة في الحي القديم.

## المجموعات

تضم المكتبة كتبا للأطفال والكبار.
";

mod common;

fn tool(name: &str) -> PathBuf {
    common::program(name, "ffmpeg")
}

fn rawi(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rawi"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The streams ffprobe finds: (codec type, attached_pic disposition, codec name).
fn streams(audio: &Path) -> Vec<(String, i64, String)> {
    let p = Command::new(tool("ffprobe"))
        .args(["-v", "error", "-show_streams", "-of", "json"])
        .arg(audio)
        .output()
        .unwrap();
    ok(&p);
    let j: serde_json::Value = serde_json::from_slice(&p.stdout).unwrap();
    j["streams"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["codec_type"].as_str().unwrap_or("").to_owned(),
                s["disposition"]["attached_pic"].as_i64().unwrap_or(0),
                s["codec_name"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.md"), ARTICLE).unwrap();
    // A real 32×32 PNG, made by ffmpeg itself.
    let o = Command::new(tool("ffmpeg"))
        .args([
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "color=c=teal:s=32x32",
            "-frames:v",
            "1",
        ])
        .arg(d.join("cover.png"))
        .output()
        .unwrap();
    ok(&o);
    dir
}

fn assert_cover(audio: &Path) {
    let s = streams(audio);
    assert!(
        s.iter()
            .any(|(t, pic, codec)| t == "video" && *pic == 1 && codec == "png"),
        "{}: no attached picture in {s:?}",
        audio.display()
    );
    assert!(
        s.iter().any(|(t, pic, _)| t == "audio" && *pic == 0),
        "{s:?}"
    );
}

#[test]
fn build_embeds_the_cover_in_mp3_and_flac() {
    let dir = setup();
    let d = dir.path();
    for format in ["mp3", "flac"] {
        let mut bytes = Vec::new();
        for run in ["1", "2"] {
            let out = format!("{format}-{run}");
            let args = ["build", "a.md", "-o", &out, "--unpacked", "--no-cache"];
            ok(&rawi(
                &[&args[..], &["--format", format, "--cover", "cover.png"]].concat(),
                d,
            ));
            let audio = d.join(&out).join(format!("audio/edition.{format}"));
            assert_cover(&audio);
            bytes.push(std::fs::read(&audio).unwrap());
            ok(&rawi(&["verify", &out], d));
        }
        assert!(bytes[0] == bytes[1], "{format}: rebuild is byte-identical");
    }
    // Without --cover there is no picture.
    ok(&rawi(
        &[
            "build",
            "a.md",
            "-o",
            "plain",
            "--unpacked",
            "--format",
            "mp3",
            "--no-cache",
        ],
        d,
    ));
    let s = streams(&d.join("plain/audio/edition.mp3"));
    assert!(s.iter().all(|(t, _, _)| t == "audio"), "{s:?}");
}

#[test]
fn podcast_episodes_carry_the_cover() {
    let dir = setup();
    let d = dir.path();
    for format in ["mp3", "flac"] {
        let out = format!("pod-{format}");
        ok(&rawi(
            &[
                "podcast",
                "a.md",
                "-o",
                &out,
                "--unpacked",
                "--title",
                "النشرة",
                "--cover",
                "cover.png",
                "--format",
                format,
                "--no-cache",
            ],
            d,
        ));
        let episodes: Vec<PathBuf> = std::fs::read_dir(d.join(&out).join("episodes"))
            .unwrap()
            .map(|e| e.unwrap().path().join(format!("audio/edition.{format}")))
            .collect();
        assert_eq!(episodes.len(), 1);
        assert_cover(&episodes[0]);
        ok(&rawi(&["verify", &out], d));
    }
}

#[test]
fn a_cover_that_is_not_an_image_is_refused() {
    let dir = setup();
    let d = dir.path();
    std::fs::write(d.join("cover.gif"), b"GIF89a....").unwrap();
    let o = rawi(
        &["build", "a.md", "--format", "mp3", "--cover", "cover.gif"],
        d,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cover.gif: is not a PNG or JPEG image"),
        "{err}"
    );
}
