//! An output that cannot be written is refused before the voice says a word: a missing
//! folder, a parent that is a file, a name too long for the folder, a folder that takes
//! no new file. (Each was once found only after every sentence had been synthesized.)

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A command voice that leaves a mark when it is asked to speak, then fails.
fn marking_voice(dir: &Path) -> PathBuf {
    let mark = dir.join("spoke");
    let script = dir.join("voice.sh");
    std::fs::write(
        &script,
        format!("#!/bin/sh\ntouch '{}'\nexit 1\n", mark.display()),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let voice = dir.join("marking.toml");
    std::fs::write(
        &voice,
        format!(
            "name = \"marking\"\nengine = \"command\"\nsample_rate = 22050\n[command]\nprogram = \"{}\"\nargs = []\ninput = \"stdin\"\noutput = \"stdout\"\n",
            script.display()
        ),
    )
    .unwrap();
    voice
}

fn rawi(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rawi"))
        .args(args)
        .current_dir(dir)
        .env("XDG_CACHE_HOME", dir.join("cache"))
        .output()
        .unwrap()
}

#[test]
fn unwritable_outputs_are_refused_before_any_speech() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let voice = marking_voice(d);
    let voice = voice.to_str().unwrap();
    let article = Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/cup-final.txt");
    let article = article.to_str().unwrap();
    std::fs::write(d.join("a-file"), b"x").unwrap();
    let long = format!("{}.zip", "ن".repeat(200));
    let mut cases: Vec<(String, &str)> = vec![
        ("no-such-folder/out.zip".into(), "does not exist"),
        ("a-file/out.zip".into(), "is a file, not a folder"),
        (long.clone(), "give a shorter name"),
    ];
    // A folder that takes no new file: read-only to a user, and /sys to root as well.
    let ro = d.join("read-only");
    std::fs::create_dir(&ro).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    if std::fs::File::create(ro.join("probe")).is_err() {
        cases.push(("read-only/out.zip".into(), "takes no new file"));
    }
    if std::fs::File::create("/sys/rawi-probe").is_err() {
        cases.push(("/sys/out.zip".into(), "takes no new file"));
    }
    for (out, said) in &cases {
        for cmd in [
            vec!["build", article, "--voice", voice, "--no-cache", "-o", out],
            vec![
                "build",
                article,
                "--voice",
                voice,
                "--no-cache",
                "--unpacked",
                "-o",
                out,
            ],
            vec![
                "podcast",
                article,
                "--voice",
                voice,
                "--no-cache",
                "--title",
                "ن",
                "-o",
                out,
            ],
            vec!["say", "--voice", voice, "-o", out, "نص قصير"],
        ] {
            let o = rawi(d, &cmd);
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{cmd:?}: {err}");
            assert!(err.contains(said), "{cmd:?}: {err}");
            assert_eq!(
                err.lines().filter(|l| l.contains("error")).count(),
                1,
                "{err}"
            );
            assert!(!d.join("spoke").exists(), "{cmd:?}: the voice spoke first");
        }
    }
    // The same voice with a good output does get asked (the mark is a real signal).
    let o = rawi(
        d,
        &[
            "build",
            article,
            "--voice",
            voice,
            "--no-cache",
            "-o",
            "ok.zip",
        ],
    );
    assert_ne!(o.status.code(), Some(0));
    assert!(d.join("spoke").exists());
}
