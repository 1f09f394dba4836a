//! The command line documents itself: `--help` lists allowed values and examples, and
//! completion scripts and man pages are generated from the same clap definition.

use std::process::{Command, Output};

fn rawi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rawi"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(args: &[&str]) -> String {
    let out = rawi(args);
    assert!(
        out.status.success(),
        "rawi {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn help_lists_formats_and_examples() {
    let top = stdout(&["--help"]);
    assert!(top.contains("Examples:"), "{top}");
    assert!(top.contains("completions") && top.contains("man"), "{top}");
    for cmd in ["build", "podcast"] {
        let h = stdout(&[cmd, "--help"]);
        assert!(h.contains("[possible values: wav, mp3, flac]"), "{h}");
        assert!(h.contains("Examples:\n  rawi "), "{h}");
    }
}

#[test]
fn an_unknown_format_is_refused_with_the_allowed_ones() {
    let out = rawi(&["build", "x.txt", "--format", "ogg"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wav, mp3, flac"), "{err}");
    // Upper case is still accepted, as before.
    let out = rawi(&["build", "missing.txt", "--format", "MP3"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("invalid value"), "{err}");
}

#[test]
fn completions_cover_every_command_and_option() {
    let bash = stdout(&["completions", "bash"]);
    for word in [
        "podcast",
        "verify",
        "--format",
        "--read-captions",
        "--shard",
        "completions",
    ] {
        assert!(bash.contains(word), "bash completion lacks {word}");
    }
    // The script is valid bash.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rawi.bash");
    std::fs::write(&path, &bash).unwrap();
    let check = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(stdout(&["completions", "zsh"]).starts_with("#compdef rawi"));
    assert!(stdout(&["completions", "fish"]).contains("complete -c rawi"));
    let out = rawi(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn man_pages_for_rawi_and_each_command() {
    let page = stdout(&["man"]);
    assert!(page.contains(".TH rawi 1"), "{page}");
    assert!(page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"));
    assert!(page.contains("podcast"));
    let build = stdout(&["man", "build"]);
    assert!(build.contains(".TH rawi\\-build 1") || build.contains(".TH rawi-build 1"));
    assert!(build.contains("\\fBrawi build\\fR"), "{build}");
    assert!(build.contains("\\-\\-format"));
    let out = rawi(&["man", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("rawi: error: nope: is not a rawi command"),
        "{err}"
    );
}
