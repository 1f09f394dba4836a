//! Sound identity: `--intro`, `--outro` and `--bed` made by the real ffmpeg in three
//! formats (MP3, FLAC, Ogg/Vorbis) at three rates, put around a real edition. The edition
//! verifies, every time in the manifest and the transcripts is moved by the intro's
//! length and still falls on the same speech (the audio is compared sample by sample with
//! the same edition built bare), the jingles are where the manifest says, the bed plays
//! under the headline and not after it, and ffmpeg measures the finished programme at
//! −16 ±0.5 LUFS.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

fn tool(name: &str) -> PathBuf {
    common::program(name, "ffmpeg")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A test tone made by ffmpeg: `hz`, `seconds` long, at `rate`, with `extra` output
/// options (codec, channels), written to `out`.
fn tone(d: &Path, out: &str, hz: u32, seconds: f32, rate: u32, extra: &[&str]) {
    let o = Command::new(tool("ffmpeg"))
        .current_dir(d)
        .args(["-v", "error", "-y", "-f", "lavfi", "-i"])
        .arg(format!(
            "sine=frequency={hz}:duration={seconds}:sample_rate={rate}"
        ))
        .args(extra)
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "ffmpeg: {}", stderr(&o));
}

/// An edition's audio decoded by ffmpeg: mono float samples.
fn samples(audio: &Path) -> Vec<f32> {
    let o = Command::new(tool("ffmpeg"))
        .args(["-v", "error", "-i"])
        .arg(audio)
        .args(["-f", "f32le", "-ac", "1", "-"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    o.stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect()
}

fn manifest(dir: &Path) -> toml::Table {
    toml::from_str(&std::fs::read_to_string(dir.join("manifest.toml")).unwrap()).unwrap()
}

fn int(v: &toml::Value, key: &str) -> i64 {
    v[key].as_integer().unwrap()
}

/// Normalized correlation of two windows of equal length.
fn correlation(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let norm = |v: &[f32]| v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    dot / (norm(a) * norm(b)).max(1e-12)
}

fn rms(v: &[f32]) -> f64 {
    (v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>() / v.len().max(1) as f64).sqrt()
}

/// Upward zero crossings a second in `v` at `rate`: a tone's frequency.
fn frequency(v: &[f32], rate: usize) -> f64 {
    let ups = v.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
    ups as f64 * rate as f64 / v.len() as f64
}

#[test]
fn intro_outro_and_bed_keep_every_time_on_its_words() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let article = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/cup-final.txt");
    std::fs::copy(&article, d.join("cup.txt")).unwrap();
    tone(
        d,
        "intro.mp3",
        440,
        2.0,
        44_100,
        &["-ac", "2", "-c:a", "libmp3lame"],
    );
    tone(d, "outro.flac", 660, 1.5, 48_000, &[]);
    tone(d, "bed.ogg", 3000, 3.0, 32_000, &["-c:a", "libvorbis"]);
    let build = |out: &str, extra: &[&str]| {
        let args = [
            &[
                "build",
                "cup.txt",
                "-o",
                out,
                "--unpacked",
                "--format",
                "flac",
            ][..],
            &["--cache", "clips"],
            extra,
        ]
        .concat();
        let o = common::rawi_in(d, &args);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    build("bare", &[]);
    build(
        "dressed",
        &[
            "--intro",
            "intro.mp3",
            "--outro",
            "outro.flac",
            "--bed",
            "bed.ogg",
        ],
    );
    let v = common::rawi_in(d, &["verify", "dressed"]);
    assert!(v.status.success(), "{}", stderr(&v));

    let (bare, dressed) = (manifest(&d.join("bare")), manifest(&d.join("dressed")));
    let sound = &dressed["sound"];
    assert_eq!(sound["intro"].as_str(), Some("intro.mp3"));
    assert_eq!(sound["bed_under"].as_str(), Some("headline"));
    let (intro_ms, outro_ms) = (int(sound, "intro_ms"), int(sound, "outro_ms"));
    assert!((1990..=2010).contains(&intro_ms), "{intro_ms}");
    // The bed alone for 2 s before the voice comes in.
    let lead_ms = int(sound, "bed_lead_ms");
    assert_eq!(lead_ms, 2000);
    assert!((1490..=1510).contains(&outro_ms), "{outro_ms}");
    let rate = int(&dressed["audio"], "sample_rate") as usize;
    let intro = (intro_ms as usize * rate).div_ceil(1000);

    // Every sentence and chapter moved by the intro, to the millisecond.
    let (bs, ds) = (
        bare["sentence"].as_array().unwrap(),
        dressed["sentence"].as_array().unwrap(),
    );
    assert_eq!(bs.len(), ds.len());
    for (b, s) in bs.iter().zip(ds) {
        for key in ["start_ms", "end_ms"] {
            let shift = int(s, key) - int(b, key);
            assert!(
                (shift - intro_ms - lead_ms).abs() <= 1,
                "{key}: moved {shift} ms"
            );
        }
    }
    let (bc, dc) = (
        bare["chapter"].as_array().unwrap(),
        dressed["chapter"].as_array().unwrap(),
    );
    assert_eq!(int(&dc[0], "start_ms"), 0);
    for (b, c) in bc.iter().zip(dc).skip(1) {
        assert!((int(c, "start_ms") - int(b, "start_ms") - intro_ms - lead_ms).abs() <= 1);
    }
    let duration = int(&dressed["audio"], "duration_ms");
    assert!(
        (duration - int(&bare["audio"], "duration_ms") - intro_ms - lead_ms - outro_ms).abs() <= 3,
        "{duration}"
    );
    // The transcripts say the manifest's times: the first cue starts after the intro.
    let vtt = std::fs::read_to_string(d.join("dressed/transcript.vtt")).unwrap();
    let first = int(&ds[0], "start_ms");
    let stamp = format!("00:00:{:02}.{:03} --> ", first / 1000, first % 1000);
    assert!(vtt.contains(&stamp), "{stamp} not in {vtt}");

    // The audio: the speech is the same speech, at the manifest's times. After the bed has
    // faded, each sentence's samples match the bare edition's (up to the loudness gain);
    // 20 ms off they do not.
    let a = samples(&d.join("bare/audio/edition.flac"));
    let b = samples(&d.join("dressed/audio/edition.flac"));
    assert_eq!(b.len() as i64, int(&dressed["audio"], "samples"));
    let at = |ms: i64| (ms as usize * rate) / 1000;
    for (bare_s, dressed_s) in bs.iter().zip(ds).skip(bs.len() - 3) {
        let (s0, e0) = (at(int(bare_s, "start_ms")), at(int(bare_s, "end_ms")));
        let s1 = at(int(dressed_s, "start_ms"));
        let n = e0 - s0;
        let c = correlation(&a[s0..e0], &b[s1..s1 + n]);
        assert!(
            c > 0.99,
            "sentence {}: correlation {c}",
            int(dressed_s, "id")
        );
        let off = rate / 50;
        let c_off = correlation(&a[s0..e0], &b[s1 + off..s1 + off + n]);
        assert!(c_off < 0.9, "20 ms off still correlates {c_off}");
    }
    // The intro is the 440 Hz jingle and the outro the 660 Hz one, where the manifest
    // puts them.
    let f = frequency(&b[rate / 10..intro - rate / 10], rate);
    assert!((f - 440.0).abs() < 5.0, "intro at {f} Hz");
    let outro = b.len() - (outro_ms as usize * rate) / 1000;
    let f = frequency(&b[outro + rate / 10..b.len() - rate / 10], rate);
    assert!((f - 660.0).abs() < 5.0, "outro at {f} Hz");
    // The bed plays alone after the intro, at 3 kHz, and is gone by the pause before the
    // last sentence.
    let lead = (intro + rate * 6 / 10)..(intro + rate * 16 / 10);
    assert!(
        rms(&b[lead.clone()]) > 0.01,
        "no bed: {}",
        rms(&b[lead.clone()])
    );
    let f = frequency(&b[lead], rate);
    assert!((f - 3000.0).abs() < 30.0, "bed at {f} Hz");
    let gap = at(int(&ds[ds.len() - 2], "end_ms")) + rate / 50
        ..at(int(&ds[ds.len() - 1], "start_ms")) - rate / 50;
    assert!(
        rms(&b[gap.clone()]) < 1e-3,
        "bed after the headline: {}",
        rms(&b[gap])
    );

    // Loudness of the finished programme, as ffmpeg measures it.
    let (i, _) = common::ffmpeg_loudness(&d.join("dressed/audio/edition.flac"));
    assert!((i + 16.0).abs() <= 0.5, "ffmpeg measured {i} LUFS");
}

#[test]
fn a_sound_that_is_not_one_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let article = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/cup-final.txt");
    std::fs::copy(&article, d.join("cup.txt")).unwrap();
    tone(d, "quiet.wav", 440, 0.5, 8000, &["-af", "volume=0"]);
    for (flag, file, said) in [
        (
            "--intro",
            "cup.txt",
            "is not a WAV, MP3, FLAC or Ogg/Vorbis file",
        ),
        ("--outro", "quiet.wav", "is silent"),
        ("--bed", "missing.ogg", "missing.ogg"),
    ] {
        let o = common::rawi_in(d, &["build", "cup.txt", "-o", "x.zip", flag, file]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(file) && stderr(&o).contains(said),
            "{}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("synthesized"), "refused before speech");
        assert!(!d.join("x.zip").exists());
    }
    // --bed-under without a bed is a usage error.
    let o = common::rawi_in(
        d,
        &["build", "cup.txt", "-o", "x.zip", "--bed-under", "all"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}
