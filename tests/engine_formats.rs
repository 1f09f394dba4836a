//! Command voices that answer MP3 or FLAC (real files made with rawi's own encoders, printed
//! by `cat`), and the lengths `rawi verify` reads from MP3 and FLAC checked against ffmpeg.

mod common;

use common::build_cup_final;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tone(n: usize, rate: u32) -> Vec<f32> {
    (0..n)
        .map(|i| 0.3 * (2.0 * std::f32::consts::PI * 330.0 * i as f32 / rate as f32).sin())
        .collect()
}

/// A command voice whose program prints `file` whatever the text.
fn cat_voice(dir: &Path, file: &Path, format: &str) -> PathBuf {
    let p = dir.join(format!("cat-{format}.toml"));
    std::fs::write(
        &p,
        format!(
            "name = \"cat-{format}\"\nengine = \"command\"\nsample_rate = 22050\noutput_format = \"{format}\"\n[command]\nprogram = \"cat\"\nargs = [{:?}]\n",
            file.display().to_string()
        ),
    )
    .unwrap();
    p
}

#[test]
fn command_voices_may_answer_mp3_or_flac() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let rate = 24_000;
    let samples = tone(rate as usize, rate);
    let tags = rawi::encode::Tags::default();
    for (format, bytes) in [
        (
            "mp3",
            rawi::encode::mp3(&samples, rate, &tags, &[], 64).unwrap(),
        ),
        (
            "flac",
            rawi::encode::flac(&samples, rate, &tags, &[]).unwrap(),
        ),
    ] {
        let audio = d.join(format!("answer.{format}"));
        std::fs::write(&audio, &bytes).unwrap();
        let out = d.join(format!("e-{format}.zip"));
        let o = build_cup_final(&cat_voice(d, &audio, format), &out, &[]);
        assert!(
            o.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let bundle = rawi::bundle::Bundle::read_zip(&out).unwrap();
        let m = rawi::bundle::Manifest::from_toml(
            std::str::from_utf8(bundle.get("manifest.toml").unwrap()).unwrap(),
        )
        .unwrap();
        // Each sentence is the one-second tone (trimmed edges aside), so the programme
        // is at least a second per sentence.
        assert!(
            m.audio.duration_ms >= 900 * m.sentences.len() as u64,
            "{format}: {} ms for {} sentences",
            m.audio.duration_ms,
            m.sentences.len()
        );
    }
    // A program that prints something else than it promised is a clear error.
    let out = d.join("e-bad.zip");
    let voice = cat_voice(d, &d.join("cat-mp3.toml"), "flac");
    let o = build_cup_final(&voice, &out, &[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("`cat`") && err.contains("FLAC"), "{err}");
}

fn ffmpeg() -> PathBuf {
    let found = std::env::var_os("PATH").and_then(|p| {
        std::env::split_paths(&p)
            .map(|d| d.join("ffmpeg"))
            .find(|c| c.is_file())
    });
    found.unwrap_or_else(|| panic!("ffmpeg is needed for this test: run the tests with tools/test.sh, which installs it (or apt-get install -y ffmpeg)"))
}

/// Samples ffmpeg decodes from a file (it honours LAME's delay and padding note).
fn ffmpeg_samples(file: &Path) -> u64 {
    let o = Command::new(ffmpeg())
        .args(["-v", "error", "-i"])
        .arg(file)
        .args(["-f", "s16le", "-ac", "1", "-"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout.len() as u64 / 2
}

#[test]
fn verify_lengths_agree_with_ffmpeg() {
    let dir = tempfile::tempdir().unwrap();
    let tags = rawi::encode::Tags::default();
    for (rate, n) in [(22_050u32, 30_001usize), (24_000, 48_000), (44_100, 12_345)] {
        let samples = tone(n, rate);
        for (ext, bytes) in [
            (
                "mp3",
                rawi::encode::mp3(&samples, rate, &tags, &[], 64).unwrap(),
            ),
            (
                "flac",
                rawi::encode::flac(&samples, rate, &tags, &[]).unwrap(),
            ),
        ] {
            let f = dir.path().join(format!("a.{ext}"));
            std::fs::write(&f, &bytes).unwrap();
            let (r, ours) =
                rawi::bundle::verify::audio_length(&format!("a.{ext}"), bytes.clone()).unwrap();
            assert_eq!(r, rate);
            assert_eq!(
                ours, n as u64,
                "{ext} at {rate} Hz: the encoder's own count"
            );
            assert_eq!(
                ours,
                ffmpeg_samples(&f),
                "{ext} at {rate} Hz: ffmpeg's count"
            );
        }
    }
}
