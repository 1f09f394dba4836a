//! SIGINT, SIGTERM and SIGHUP during a build: rawi exits with 128 + the signal, the
//! previous output is untouched, and no temporary is left (once it exited 0 and left
//! `.rawi-*.part` files behind).

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A long article: every sample six times over (several minutes of speech).
fn long_article(dir: &Path) -> PathBuf {
    let samples = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
    let mut text = String::new();
    for _ in 0..6 {
        for name in ["cup-final.txt", "oil-prices-riyadh.txt"] {
            text.push_str(&std::fs::read_to_string(samples.join(name)).unwrap());
            text.push_str("\n\n");
        }
    }
    let p = dir.join("long.txt");
    std::fs::write(&p, text).unwrap();
    p
}

fn start(dir: &Path, article: &Path, out: &str, extra: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rawi"))
        .arg("build")
        .arg(article)
        .args(["--no-cache", "-j", "1", "-o", out])
        .args(extra)
        .current_dir(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn signal(child: &Child, sig: i32) {
    // SAFETY: a plain kill(2) to our own child's pid.
    unsafe {
        libc::kill(child.id() as i32, sig);
    }
}

fn temporaries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".rawi-"))
        .collect()
}

fn wait_stderr(child: Child) -> (Option<i32>, String) {
    let o = child.wait_with_output().unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_signal_during_synthesis_exits_128_plus_it_and_keeps_the_old_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let article = long_article(d);
    for (sig, name) in [
        (libc::SIGTERM, "SIGTERM"),
        (libc::SIGINT, "SIGINT"),
        (libc::SIGHUP, "SIGHUP"),
    ] {
        std::fs::write(d.join("out.zip"), b"the previous edition").unwrap();
        let child = start(d, &article, "out.zip", &[]);
        std::thread::sleep(Duration::from_millis(400));
        signal(&child, sig);
        let (code, err) = wait_stderr(child);
        assert_eq!(code, Some(128 + sig), "{name}: {err}");
        assert!(err.contains(name), "{name}: {err}");
        assert_eq!(
            std::fs::read(d.join("out.zip")).unwrap(),
            b"the previous edition"
        );
        assert!(temporaries(d).is_empty(), "{:?}", temporaries(d));
    }
}

/// A signal while the output is being written: caught mid-write, the temporary is
/// removed and the old output stays; if the write won the race, the new output is whole.
#[test]
fn a_signal_while_writing_leaves_the_old_output_or_the_whole_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let article = long_article(d);
    for unpacked in [false, true] {
        let out = if unpacked { "out" } else { "out.wav.zip" };
        let mut extra = vec!["--format", "wav", "--no-loudness"];
        if unpacked {
            extra.push("--unpacked");
        }
        // The previous output, made by rawi itself.
        let first = start(d, &article, out, &extra);
        let (code, err) = wait_stderr(first);
        assert_eq!(code, Some(0), "{err}");
        let before = snapshot(&d.join(out));
        std::fs::write(
            d.join("long.txt"),
            std::fs::read_to_string(&article).unwrap() + "\nجملة أخرى في الخبر.\n",
        )
        .unwrap();
        let child = start(d, &article, out, &extra);
        let t0 = Instant::now();
        // The write's own temporary (`.part`), not the probe made before synthesis.
        let writing = || temporaries(d).iter().any(|n| n.ends_with(".part"));
        while !writing() && t0.elapsed() < Duration::from_secs(60) {
            std::thread::sleep(Duration::from_micros(200));
        }
        signal(&child, libc::SIGTERM);
        let (code, err) = wait_stderr(child);
        let after = snapshot(&d.join(out));
        eprintln!("unpacked {unpacked}: exit {code:?}");
        match code {
            Some(143) => assert_eq!(after, before, "the old output is untouched"),
            Some(0) => assert_ne!(after, before, "a finished write is the new output"),
            other => panic!("exit {other:?}: {err}"),
        }
        assert!(temporaries(d).is_empty(), "{:?}", temporaries(d));
        let v = Command::new(env!("CARGO_BIN_EXE_rawi"))
            .args(["verify", out])
            .current_dir(d)
            .output()
            .unwrap();
        assert!(v.status.success(), "{}", String::from_utf8_lossy(&v.stderr));
    }
}

/// The bytes of a file, or of every file in a folder, by name.
fn snapshot(p: &Path) -> Vec<(String, Vec<u8>)> {
    if p.is_file() {
        return vec![(String::new(), std::fs::read(p).unwrap())];
    }
    let mut v = Vec::new();
    let mut stack = vec![p.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                v.push((
                    e.path().display().to_string(),
                    std::fs::read(e.path()).unwrap(),
                ));
            }
        }
    }
    v.sort();
    v
}
