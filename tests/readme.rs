//! The README's console examples (fenced as `console`: `$ command` lines, each followed by
//! its expected output) are run here, in a scratch folder holding the samples, voices
//! and test pages, with a fresh cache and config, so the README cannot drift from what
//! rawi prints. Elapsed times (`in 0.6 s`) are masked, and `…` in an expected line
//! stands for any text.

use std::path::{Path, PathBuf};
use std::process::Command;

/// One `$ command` and the lines it should print.
struct Example {
    command: String,
    expected: Vec<String>,
}

fn examples(readme: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_console = false;
    let mut continued = false;
    for line in readme.lines() {
        if let Some(info) = line.strip_prefix("```") {
            in_console = !in_console && info.trim() == "console";
            continue;
        }
        if !in_console {
            continue;
        }
        if let Some(cmd) = line.strip_prefix("$ ") {
            out.push(Example {
                command: cmd.trim_end_matches('\\').to_owned(),
                expected: Vec::new(),
            });
            continued = line.ends_with('\\');
        } else if let Some(ex) = out.last_mut() {
            if continued {
                ex.command.push(' ');
                ex.command.push_str(line.trim().trim_end_matches('\\'));
                continued = line.ends_with('\\');
            } else {
                ex.expected.push(line.to_owned());
            }
        }
    }
    out
}

/// Replaces every elapsed time `in 1.5 s` by `in [time]`.
fn mask(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("in ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let num = after
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(after.len());
        let unit = after[num..]
            .strip_prefix(" s")
            .is_some_and(|r| r.chars().next().is_none_or(|c| !c.is_alphanumeric()));
        if num > 0 && unit {
            out.push_str("in [time]");
            rest = &after[num + 2..];
        } else {
            out.push_str("in ");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// `true` when `actual` matches `expected`, where each `…` in `expected` matches any text.
fn matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split('…').collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let Some(rest) = actual.strip_prefix(parts[0]) else {
        return false;
    };
    let last = parts[parts.len() - 1];
    let mut rest = rest;
    for p in &parts[1..parts.len() - 1] {
        match rest.find(p) {
            Some(at) => rest = &rest[at + p.len()..],
            None => return false,
        }
    }
    rest.ends_with(last)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

#[test]
fn readme_console_examples_print_what_they_show() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let examples = examples(&readme);
    assert!(
        examples.len() >= 5,
        "the README's console examples were found"
    );
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for sub in ["samples", "voices", "tests/data/html"] {
        copy_dir(&root.join(sub), &d.join(sub));
    }
    let bin_dir: PathBuf = Path::new(env!("CARGO_BIN_EXE_rawi"))
        .parent()
        .unwrap()
        .to_owned();
    let path = std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let mut failures = Vec::new();
    for ex in &examples {
        let out = Command::new("sh")
            .arg("-c")
            .arg(format!("{} 2>&1", ex.command))
            .current_dir(d)
            .env("PATH", &path)
            .env("HOME", d)
            .env("XDG_CACHE_HOME", d.join("cache"))
            .env("XDG_CONFIG_HOME", d.join("config"))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let actual: Vec<String> = text.lines().map(mask).collect();
        let expected: Vec<String> = ex.expected.iter().map(|l| mask(l)).collect();
        let same = out.status.success()
            && actual.len() == expected.len()
            && expected.iter().zip(&actual).all(|(e, a)| matches(e, a));
        if !same {
            failures.push(format!(
                "$ {}\n--- README shows:\n{}\n--- rawi printed ({}):\n{}",
                ex.command,
                ex.expected.join("\n"),
                out.status,
                text.trim_end()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "README examples drifted:\n\n{}",
        failures.join("\n\n")
    );
}

#[test]
fn masking_and_wildcards() {
    assert_eq!(
        mask("built in 0.6 s: synthesized 12"),
        "built in [time]: synthesized 12"
    );
    assert_eq!(mask("in 12 sentences"), "in 12 sentences");
    assert!(matches("a …", "a b c"));
    assert!(matches("a … c", "a b c"));
    assert!(!matches("a … d", "a b c"));
    assert!(!matches("a b", "a b c"));
}
