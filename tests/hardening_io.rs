//! Issue 10, inputs and outputs: no input can hang rawi or fill the memory, no output can
//! replace a device, a link or an input, and limits fail fast with a clear error. Each test
//! names the row of the issue it covers. The default voice (bundled, pure Rust) keeps them
//! quick and independent of installed programs.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use rawi::bundle::{Bundle, Manifest};
use wait_timeout::ChildExt;

fn rawi() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rawi"))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> PathBuf {
    root().join("samples/cup-final.txt")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs rawi with a deadline far beyond what the command needs, so a hang fails the test
/// instead of hanging the suite (this measures nothing: it only stops a stuck process).
fn run(args: &[&std::ffi::OsStr], cwd: Option<&Path>) -> Output {
    let mut cmd = rawi();
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    let mut child = cmd.spawn().unwrap();
    // The pipes are drained while the child runs, so a long output cannot block it.
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    match child.wait_timeout(Duration::from_secs(120)).unwrap() {
        Some(status) => Output {
            status,
            stdout: out.join().unwrap(),
            stderr: err.join().unwrap(),
        },
        None => {
            let _ = child.kill();
            let _ = child.wait();
            panic!("rawi {args:?} hung");
        }
    }
}

macro_rules! args {
    ($($a:expr),* $(,)?) => { &[$(std::ffi::OsStr::new($a)),*] };
}

/// The command failed with exit 2 and a one-line error containing `expect`.
fn assert_refused(o: &Output, expect: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(expect), "expected «{expect}» in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Files in `dir` (names), sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let ok = Command::new("mkfifo").arg(p).status().unwrap().success();
    assert!(ok, "mkfifo");
}

/// Row 1: an output that is a FIFO, or a link to a device, is refused and left as it is
/// (`build`, `podcast` and `say`).
#[cfg(unix)]
#[test]
fn row1_special_outputs_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("fifo");
    mkfifo(&fifo);
    let link = d.path().join("null");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let art = sample();
    for out in [&fifo, &link] {
        let o = run(args!("build", &art, "-o", out), None);
        assert_refused(&o, &out.display().to_string());
        let o = run(
            args!("podcast", &art, "-o", out, "--title", "T", "--format", "wav"),
            None,
        );
        assert_refused(&o, &out.display().to_string());
        let o = run(args!("say", "مرحبا", "-o", out), None);
        assert_refused(&o, &out.display().to_string());
    }
    let meta = std::fs::symlink_metadata(&fifo).unwrap();
    assert!(std::os::unix::fs::FileTypeExt::is_fifo(&meta.file_type()));
    assert_eq!(std::fs::read_link(&link).unwrap(), Path::new("/dev/null"));
    assert_eq!(names(d.path()), vec!["fifo", "null"], "no temporary left");
}

/// Row 2: an output that is an input (the same path, another path to it, a hard link) is
/// refused and the input is intact.
#[test]
fn row2_output_that_is_an_input_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.txt");
    std::fs::copy(sample(), &a).unwrap();
    let before = std::fs::read(&a).unwrap();
    let hard = d.path().join("hard.zip");
    std::fs::hard_link(&a, &hard).unwrap();
    let sub = d.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let dotted = sub.join("../a.txt");
    for out in [&a, &hard, &dotted] {
        let o = run(args!("build", &a, "-o", out), None);
        assert_refused(&o, "is the input");
        let o = run(args!("podcast", &a, "-o", out, "--title", "T"), None);
        assert_refused(&o, "is the input");
    }
    let lex = d.path().join("lex.txt");
    std::fs::write(&lex, "مرحبا\tمَرْحَبًا\n").unwrap();
    let o = run(args!("say", "مرحبا", "--lexicon", &lex, "-o", &lex), None);
    assert_refused(&o, "is the input");
    assert_eq!(std::fs::read(&a).unwrap(), before);
    assert_eq!(std::fs::read(&lex).unwrap(), "مرحبا\tمَرْحَبًا\n".as_bytes());
}

/// Row 3: articles that share a stem each get their own bundle, named in sorted path order,
/// and the summary counts only what exists.
#[test]
fn row3_same_stem_articles_get_unique_bundles() {
    let d = tempfile::tempdir().unwrap();
    let (a, b) = (d.path().join("a"), d.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    let texts = [
        (b.join("story.txt"), "خبر باء\n\nنص الخبر الثاني هنا."),
        (a.join("story.txt"), "خبر ألف\n\nنص الخبر الأول هنا."),
        (a.join("story.md"), "# خبر جيم\n\nنص الخبر الثالث هنا."),
    ];
    for (p, t) in &texts {
        std::fs::write(p, t).unwrap();
    }
    let out = d.path().join("out");
    let o = run(
        args!(
            "build",
            &texts[0].0,
            &texts[1].0,
            &texts[2].0,
            "-o",
            &out,
            "--no-cache"
        ),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("3 built"), "{}", stderr(&o));
    assert_eq!(names(&out), vec!["story-2.zip", "story-3.zip", "story.zip"]);
    // Sorted paths: a/story.md, a/story.txt, b/story.txt.
    for (zip, title) in [
        ("story.zip", "خبر جيم"),
        ("story-2.zip", "خبر ألف"),
        ("story-3.zip", "خبر باء"),
    ] {
        let bundle = Bundle::read_zip(&out.join(zip)).unwrap();
        let m = Manifest::from_toml(&String::from_utf8_lossy(
            bundle.get("manifest.toml").unwrap(),
        ))
        .unwrap();
        assert_eq!(m.article.title, title, "{zip}");
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Row 4: a 100 KB and a 10 KB run of digits, and a 4.5 MB line with no punctuation, are
/// refused before any synthesis with an error naming the file and the sentence (before the
/// fix they grew to 24 GB, made 104 minutes of audio, and aborted).
#[test]
fn row4_absurd_speech_is_refused_before_synthesis() {
    let d = tempfile::tempdir().unwrap();
    for n in [100_000, 10_000] {
        let p = write(
            d.path(),
            &format!("digits-{n}.txt"),
            &format!("عنوان\n\nبلغ العدد {} شخصا.\n", "7".repeat(n)),
        );
        let o = run(args!("build", &p, "--no-cache"), Some(d.path()));
        assert_refused(&o, &format!("digits-{n}.txt: sentence "));
        assert!(stderr(&o).contains("digits"), "{}", stderr(&o));
    }
    let p = write(
        d.path(),
        "long-line.txt",
        &format!("عنوان\n\n{}\n", "كلمة ".repeat(500_000)),
    );
    let o = run(args!("build", &p, "--no-cache"), Some(d.path()));
    assert_refused(&o, "of audio");
    assert!(stderr(&o).contains("long-line.txt"), "{}", stderr(&o));
    let o = run(
        args!("say", "العدد", &"7".repeat(5000), "-o", "x.wav"),
        Some(d.path()),
    );
    assert_refused(&o, "digits");
    assert!(!d.path().join("x.wav").exists());
}

/// Row 16: `--unpacked` over an earlier bundle leaves exactly the new one (no stale
/// `edition.wav` beside `edition.mp3`), verifies, and leaves no temporary; a folder that is
/// not a rawi bundle is refused and kept.
#[test]
fn row16_unpacked_replaces_whole_and_refuses_foreign_folders() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("ed");
    let art = sample();
    for format in ["wav", "mp3"] {
        let o = run(
            args!("build", &art, "--unpacked", "-o", &out, "--format", format),
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    assert_eq!(names(&out.join("audio")), vec!["edition.mp3"]);
    let o = run(args!("verify", &out), None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(names(d.path()), vec!["ed"], "no temporary left beside it");

    let mine = d.path().join("mine");
    std::fs::create_dir(&mine).unwrap();
    std::fs::write(mine.join("thesis.txt"), "keep me").unwrap();
    let o = run(args!("build", &art, "--unpacked", "-o", &mine), None);
    assert_refused(&o, "neither empty nor a rawi bundle");
    assert_eq!(names(&mine), vec!["thesis.txt"]);
}

/// Row 17: devices and FIFOs given as article, cover, lexicon or bundle are refused at
/// once (no hang, no endless read), and an oversized article's size is said exactly.
#[cfg(unix)]
#[test]
fn row17_non_regular_inputs_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("fifo");
    mkfifo(&fifo);
    let art = sample();
    let out = d.path().join("x.zip");
    for bad in [Path::new("/dev/zero"), fifo.as_path()] {
        let o = run(args!("split", bad), None);
        assert_refused(&o, "not a regular file");
        let o = run(args!("build", bad, "-o", &out), None);
        assert_refused(&o, "not a regular file");
        let o = run(args!("build", &art, "--lexicon", bad, "-o", &out), None);
        assert_refused(&o, "not a regular file");
        let o = run(
            args!("podcast", &art, "--cover", bad, "--title", "T", "-o", &out),
            None,
        );
        assert_refused(&o, "not a regular file");
        let o = run(args!("verify", bad), None);
        assert!(!o.status.success());
        assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));
    }
    assert!(!out.exists());
    let big = d.path().join("big.txt");
    std::fs::write(&big, vec![b'a'; 8 * 1024 * 1024 + 1]).unwrap();
    let o = run(args!("split", &big), None);
    assert_refused(&o, "(8388609 bytes), larger than the 8.0 MiB limit");
}

/// Row 21: `-j` is bounded.
#[test]
fn row21_jobs_are_bounded() {
    for j in ["0", "100000"] {
        let o = run(args!("build", &sample(), "-j", j, "-o", "never.zip"), None);
        assert_refused(&o, "give between 1 and 256");
    }
}

/// Row 23: a run cleans rawi's own stale temporaries next to its output (older than an
/// hour), and nothing else.
#[test]
fn row23_stale_temporaries_are_cleaned() {
    let d = tempfile::tempdir().unwrap();
    let old = std::time::SystemTime::now() - Duration::from_secs(2 * 3600);
    let touch = |name: &str, aged: bool| {
        let p = d.path().join(name);
        std::fs::write(&p, "x").unwrap();
        if aged {
            let f = std::fs::File::options().write(true).open(&p).unwrap();
            f.set_modified(old).unwrap();
        }
    };
    touch(".rawi-Ab12Cd.part", true);
    touch(".rawi-Zz99Yy.part", false);
    touch(".rawi-notes.txt", true);
    touch("mine.part", true);
    let stale_dir = d.path().join(".rawi-Qq11Ww.old");
    std::fs::create_dir(&stale_dir).unwrap();
    std::fs::write(stale_dir.join("manifest.toml"), "x").unwrap();
    std::fs::File::options()
        .write(true)
        .open(stale_dir.join("manifest.toml"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    // The folder's own time is what counts; make it old too.
    std::fs::File::open(&stale_dir)
        .unwrap()
        .set_modified(old)
        .unwrap();
    let o = run(
        args!("build", &sample(), "-o", &d.path().join("x.zip")),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        names(d.path()),
        vec![".rawi-Zz99Yy.part", ".rawi-notes.txt", "mine.part", "x.zip"]
    );
}

/// Row 24: `say` with nothing to say is an error and writes nothing; bad `--date` values
/// are refused before synthesis; a front-matter date that is no real date and a `url` that
/// is not http(s) are dropped with a warning and never reach the manifest or the feed; an
/// `-o` that is a directory fails before the voice runs.
#[test]
fn row24_small_ones() {
    let d = tempfile::tempdir().unwrap();
    let wav = d.path().join("s.wav");
    for text in ["", "   ", "؟!…"] {
        let o = run(args!("say", text, "-o", &wav), None);
        assert_refused(&o, "<text>");
        assert!(!wav.exists());
    }
    let art = sample();
    for date in [
        "2024-05-01T10:00:00+99:99",
        "2024-02-30",
        "2024-13-01",
        "tomorrow",
    ] {
        let o = run(
            args!(
                "podcast",
                &art,
                "--title",
                "T",
                "--date",
                date,
                "-o",
                &d.path().join("p.zip")
            ),
            None,
        );
        assert_refused(&o, "--date");
    }
    let md = write(
        d.path(),
        "hostile.md",
        "+++\ntitle = \"خبر\"\ndate = \"2024-02-30\"\nurl = \"javascript:alert(1)\"\n+++\n\nنص الخبر هنا.\n",
    );
    let p = d.path().join("p.zip");
    let o = run(
        args!(
            "podcast",
            &md,
            "--title",
            "T",
            "--format",
            "wav",
            "-o",
            &p,
            "--no-cache"
        ),
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("2024-02-30"), "{}", stderr(&o));
    assert!(stderr(&o).contains("javascript:"), "{}", stderr(&o));
    let b = Bundle::read_zip(&p).unwrap();
    for (name, contents) in &b.files {
        // article.txt keeps the source as written; what is published must not carry it.
        if !(name.ends_with("manifest.toml") || name.ends_with("feed.xml")) {
            continue;
        }
        let text = String::from_utf8_lossy(contents);
        assert!(!text.contains("javascript:"), "{name}");
        assert!(!text.contains("2024-02-30"), "{name}");
    }

    // The voice must not run when the output is a directory: a voice that leaves a mark.
    let mark = d.path().join("voice-ran");
    let script = write(
        d.path(),
        "voice.sh",
        &format!("#!/bin/sh\ntouch '{}'\nexit 1\n", mark.display()),
    );
    let voice = write(
        d.path(),
        "v.toml",
        &format!(
            "name = \"v\"\nengine = \"command\"\n[command]\nprogram = \"/bin/sh\"\nargs = [{:?}]\n",
            script.display().to_string()
        ),
    );
    let o = run(
        args!(
            "build",
            &art,
            "-o",
            d.path(),
            "--voice",
            &voice,
            "--no-cache"
        ),
        None,
    );
    assert_refused(&o, "is a directory");
    assert!(
        !mark.exists(),
        "the voice ran before the output was checked"
    );
}

/// Every input that ever broke rawi (tests/data/crashers) is read, split and checked
/// without a panic, and each is either an article or a clear error.
#[test]
fn crashers_replay() {
    let dir = root().join("tests/data/crashers");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().is_some_and(|f| f == "README.md") {
            continue;
        }
        n += 1;
        let o = run(args!("split", &p), None);
        let err = stderr(&o);
        assert!(
            matches!(o.status.code(), Some(0 | 2)),
            "{}: {err}",
            p.display()
        );
        assert!(!err.contains("panicked"), "{}: {err}", p.display());
        if let Ok(a) = rawi::article::read(&p) {
            let opts = rawi::edition::Options::default();
            let (s, sp) = rawi::edition::prepare(&a, &opts, 400);
            let _ = rawi::edition::check_speech(&p, &s, &sp);
        }
    }
    assert!(n > 0, "no crashers found");
}
