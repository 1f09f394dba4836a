//! Issue 15, groups 3 and 8 to 11: every read goes through one bounded, regular-file-only
//! door; what reaches the terminal is escaped; a voice file's relative paths are its own;
//! voice output is bounded across workers; exit statuses and messages are plain. Real
//! `rawi` processes, real FIFOs, real devices, real voice programs; no mocks.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{png, png_chunk};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample() -> PathBuf {
    root().join("samples/cup-final.txt")
}

fn crasher(name: &str) -> PathBuf {
    root().join("tests/data/crashers").join(name)
}

/// A `rawi` command isolated from the user's config and cache dirs, run in `home`.
fn rawi(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rawi"));
    c.env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("HOME", home)
        .current_dir(home)
        .stdin(Stdio::null());
    c
}

/// `rawi build ARTICLE --voice VOICE` run from `home`; callers add the rest.
fn build_with_voice(home: &Path, article: impl AsRef<OsStr>, voice: impl AsRef<OsStr>) -> Command {
    let mut c = rawi(home);
    c.arg("build").arg(article).arg("--voice").arg(voice);
    c
}

/// Runs a command; one still running after `limit` is a hang: it is killed and the test
/// fails (a guard against hanging the suite, not a speed test).
fn run_within(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let drain = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return Output {
                status,
                stdout: out.join().unwrap(),
                stderr: err.join().unwrap(),
            };
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "rawi hung (killed after {limit:?}); stderr: {}",
                String::from_utf8_lossy(&err.join().unwrap())
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run(cmd: Command) -> Output {
    run_within(cmd, Duration::from_secs(120))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The command failed with exit 2 and one error line containing `expect`, no panic.
fn assert_refused(o: &Output, expect: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains(expect), "expected «{expect}» in: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let errors: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with("rawi: error"))
        .collect();
    assert_eq!(errors.len(), 1, "one error line: {err}");
    assert!(errors[0].contains(expect), "the error line says it: {err}");
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let st = Command::new("mkfifo").arg(p).status().unwrap();
    assert!(st.success());
}

/// A good WAV (half a second of a tone at 22,050 Hz) for command voices to print.
fn good_wav(dir: &Path) -> PathBuf {
    let samples: Vec<f32> = (0..11_025).map(|i| 0.4 * (i as f32 * 0.06).sin()).collect();
    let p = dir.join("good.wav");
    std::fs::write(&p, rawi::audio::encode_wav(&samples, 22_050)).unwrap();
    p
}

/// A short article of three sentences.
fn short_article(dir: &Path) -> PathBuf {
    let p = dir.join("story.txt");
    std::fs::write(
        &p,
        "السفينة تصل غدا\n\nوصلت السفينة إلى الميناء صباح اليوم. \
         وقال القبطان إن الرحلة كانت هادئة.\n",
    )
    .unwrap();
    p
}

// ---------------------------------------------------------------------------------------
// Group 3: one door for every read.

/// `normalize` and `diacritize` read stdin line by line with a per-line cap: `/dev/zero`
/// (no line end, ever) is refused at once with the line's number, where it used to abort
/// allocating 8 GB.
#[cfg(unix)]
#[test]
fn stdin_without_line_ends_is_refused_by_line() {
    let d = tempfile::tempdir().unwrap();
    for cmd in ["normalize", "diacritize"] {
        let mut c = rawi(d.path());
        c.arg(cmd).stdin(std::fs::File::open("/dev/zero").unwrap());
        let o = run_within(c, Duration::from_secs(60));
        assert_refused(
            &o,
            "<stdin>: line 1 is longer than the 1.0 MiB limit for one line",
        );
    }
}

/// The general case: any line over the cap is refused naming its number, after the lines
/// before it were printed; a long stream of ordinary lines is read whole.
#[test]
fn stdin_lines_are_capped_one_by_one() {
    let d = tempfile::tempdir().unwrap();
    let mut input = b"\xd9\x85\xd8\xb1\xd8\xad\xd8\xa8\xd8\xa7\n".repeat(2);
    input.extend(vec![b'a'; 2 * 1024 * 1024]);
    input.extend(b"\nmore\n");
    let mut c = rawi(d.path());
    c.arg("normalize").stdin(Stdio::piped());
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut sin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let _ = sin.write_all(&input);
    });
    let o = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert_refused(&o, "<stdin>: line 3 is longer than");
    assert_eq!(stdout(&o).lines().count(), 2, "{}", stdout(&o));

    // 200,000 short lines (about 2 MB): far more than one line's cap in all, read whole.
    let mut c = rawi(d.path());
    c.arg("normalize").stdin(Stdio::piped());
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut sin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        for _ in 0..200_000 {
            if sin.write_all("سطر\n".as_bytes()).is_err() {
                break;
            }
        }
    });
    let o = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 200_000);
}

/// `--voice` naming a device or a FIFO is refused before it is opened (it read 4.2 GB
/// of `/dev/zero`); so are an oversized voice file and a FIFO lexicon for `diacritize`.
#[cfg(unix)]
#[test]
fn voice_files_go_through_the_door() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    let fifo = home.join("fifo.toml");
    mkfifo(&fifo);
    for bad in [Path::new("/dev/zero"), fifo.as_path()] {
        let mut c = build_with_voice(home, &art, bad);
        c.arg("-o").arg("x.zip");
        let o = run_within(c, Duration::from_secs(60));
        assert_refused(&o, "not a regular file");
        let mut c = rawi(home);
        c.arg("diacritize").arg("--lexicon").arg(bad);
        let o = run_within(c, Duration::from_secs(60));
        assert_refused(&o, "not a regular file");
    }
    let big = home.join("big.toml");
    let mut text = b"name = \"big\"\nengine = \"bundled\"\n".to_vec();
    text.extend(std::iter::repeat_n(b'#', 2 * 1024 * 1024));
    std::fs::write(&big, text).unwrap();
    let mut c = build_with_voice(home, &art, &big);
    c.arg("-o").arg("x.zip");
    assert_refused(&run(c), "larger than the 1.0 MiB limit for voice files");
    assert!(!home.join("x.zip").exists());
}

/// A FIFO among the voice files of the config folder or `./voices/` is listed as not
/// usable, never opened: `rawi voices` used to hang on it, and so did any build.
#[cfg(unix)]
#[test]
fn fifo_among_voice_files_never_hangs() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let config = home.join("config/rawi/voices");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::create_dir_all(home.join("voices")).unwrap();
    mkfifo(&config.join("piped.toml"));
    mkfifo(&home.join("voices/local-pipe.toml"));
    let o = run_within(
        {
            let mut c = rawi(home);
            c.arg("voices");
            c
        },
        Duration::from_secs(60),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for name in ["piped.toml", "local-pipe.toml"] {
        let line = out
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not listed: {out}"));
        assert!(
            line.contains("not usable") && line.contains("FIFO"),
            "{line}"
        );
    }
    assert!(out.contains("rawi-ar-low"), "{out}");
    // A build naming the FIFO voice is refused at once; one with another voice runs.
    let art = short_article(home);
    let mut c = rawi(home);
    c.arg("build")
        .arg(&art)
        .args(["--voice", "piped", "-o", "x.zip"]);
    assert_refused(&run_within(c, Duration::from_secs(60)), "FIFO");
    let mut c = rawi(home);
    c.arg("build").arg(&art).args(["--no-cache", "-o", "y.zip"]);
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// `ca_file = /dev/zero` read 4.2 GB and a FIFO as `ca_file` hung the build: both are
/// refused before they are opened, naming the ca_file.
#[cfg(unix)]
#[test]
fn ca_file_goes_through_the_door() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    mkfifo(&home.join("ca.pem"));
    // A listening socket, so the voice is reachable and the ca_file is what is read next.
    let server = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = server.local_addr().unwrap().port();
    for ca in ["/dev/zero", "ca.pem"] {
        let voice = home.join("http.toml");
        std::fs::write(
            &voice,
            format!(
                "name = \"h\"\nengine = \"http\"\n[http]\nurl = \"https://127.0.0.1:{port}/v1/audio/speech\"\nca_file = \"{ca}\"\n"
            ),
        )
        .unwrap();
        let mut c = build_with_voice(home, &art, &voice);
        c.args(["-o", "x.zip"]);
        let o = run_within(c, Duration::from_secs(60));
        assert_refused(&o, "not a regular file");
        assert!(stderr(&o).contains("ca_file"), "{}", stderr(&o));
    }
}

/// A bundled voice's `[bundled] lexicon` that is a FIFO is refused, not waited on.
#[cfg(unix)]
#[test]
fn voice_lexicon_goes_through_the_door() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    mkfifo(&home.join("lex.txt"));
    let voice = home.join("lexed.toml");
    std::fs::write(
        &voice,
        format!(
            "name = \"lexed\"\nengine = \"bundled\"\n[bundled]\nlexicon = \"{}\"\n",
            home.join("lex.txt").display()
        ),
    )
    .unwrap();
    let mut c = build_with_voice(home, &art, &voice);
    c.args(["-o", "x.zip"]);
    assert_refused(
        &run_within(c, Duration::from_secs(60)),
        "not a regular file",
    );
}

/// A cached clip replaced by a FIFO is a miss, never opened (the build neither hangs nor
/// fails), and a voice's `{out}` file that is a FIFO is refused.
#[cfg(unix)]
#[test]
fn cache_and_voice_output_files_go_through_the_door() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    let wav = good_wav(home);
    // A voice whose {out} file is replaced by a FIFO before rawi reads it.
    let voice = home.join("fifo-out.toml");
    std::fs::write(
        &voice,
        "name = \"fifo-out\"\nengine = \"command\"\n[command]\nprogram = \"/bin/sh\"\n\
         args = [\"-c\", \"rm -f \\\"$1\\\" && mkfifo \\\"$1\\\"\", \"sh\", \"{out}\"]\n\
         output = \"file\"\n[limits]\nretries = 0\n",
    )
    .unwrap();
    let mut c = build_with_voice(home, &art, &voice);
    c.args(["--no-cache", "-o", "x.zip"]);
    let o = run_within(c, Duration::from_secs(60));
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not a regular file"), "{}", stderr(&o));

    // Cache: build once, replace every clip by a FIFO, build again.
    let cat = home.join("cat.toml");
    std::fs::write(
        &cat,
        format!(
            "name = \"cat\"\nengine = \"command\"\n[command]\nprogram = \"/bin/cat\"\nargs = [\"{}\"]\n",
            wav.display()
        ),
    )
    .unwrap();
    let mut c = build_with_voice(home, &art, &cat);
    c.args(["-o", "a.zip"]);
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut replaced = 0;
    for sub in std::fs::read_dir(home.join("cache/rawi/clips"))
        .unwrap()
        .flatten()
    {
        for f in std::fs::read_dir(sub.path()).unwrap().flatten() {
            std::fs::remove_file(f.path()).unwrap();
            mkfifo(&f.path());
            replaced += 1;
        }
    }
    assert!(replaced > 0);
    let mut c = build_with_voice(home, &art, &cat);
    c.args(["-o", "b.zip"]);
    let o = run_within(c, Duration::from_secs(60));
    assert!(o.status.success(), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------
// Group 10: memory across workers.

/// Runs `cmd` to its end and returns its output with its peak resident memory in KiB
/// (`wait4` on that one child, so other tests' processes do not count).
#[cfg(target_os = "linux")]
// The child is reaped by `wait4` (for its resource usage), which clippy cannot see.
#[allow(clippy::zombie_processes)]
fn run_measured(mut cmd: Command) -> (Output, u64) {
    use std::io::Read;
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter; wait4 reaps our own child, which
    // std's Child is never asked to wait for afterwards.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t);
    let stderr = reader.join().unwrap();
    use std::os::unix::process::ExitStatusExt;
    (
        Output {
            status: std::process::ExitStatus::from_raw(status),
            stdout: Vec::new(),
            stderr,
        },
        usage.ru_maxrss as u64,
    )
}

/// A runaway voice (endless output) at `-j 8` and `-j 16` reached 3.1 GB (2.4 GB here)
/// and aborted at `-j 16` under a 6 GB limit: each worker held up to 460 MB. Now each
/// answer stops at 128 MiB and all answers together hold at most 512 MiB.
#[cfg(target_os = "linux")]
#[test]
fn runaway_voice_memory_is_bounded_across_workers() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let wav = good_wav(home);
    for jobs in ["8", "16"] {
        let mut c = build_with_voice(home, sample(), crasher("voice-writes-forever.toml"));
        c.args(["--no-cache", "-j", jobs, "-o", "x.zip"])
            .env("RAWI_TEST_WAV", &wav);
        let (o, peak_kib) = run_measured(c);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{e}");
        assert!(
            e.contains("wrote too much (more than 128.0 MiB of output"),
            "{e}"
        );
        assert!(
            peak_kib < 700 * 1024,
            "-j {jobs}: peak {} MiB, more than the budget allows",
            peak_kib / 1024
        );
    }
}

/// The general case: answers larger than a worker's small share (here 19 MB each, 50 s
/// of 96 kHz stereo) still all go through, in turn, at any `-j`.
#[test]
fn large_answers_take_turns() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let rate = 96_000u32;
    let frames = rate as usize * 50;
    let mut wav = Vec::with_capacity(44 + frames * 4);
    let data_len = (frames * 4) as u32;
    wav.extend(b"RIFF");
    wav.extend((36 + data_len).to_le_bytes());
    wav.extend(b"WAVEfmt ");
    wav.extend(16u32.to_le_bytes());
    wav.extend(1u16.to_le_bytes());
    wav.extend(2u16.to_le_bytes());
    wav.extend(rate.to_le_bytes());
    wav.extend((rate * 4).to_le_bytes());
    wav.extend(4u16.to_le_bytes());
    wav.extend(16u16.to_le_bytes());
    wav.extend(b"data");
    wav.extend(data_len.to_le_bytes());
    for i in 0..frames {
        let s = ((i as f32 * 0.05).sin() * 12_000.0) as i16;
        wav.extend(s.to_le_bytes());
        wav.extend(s.to_le_bytes());
    }
    assert!(wav.len() > 16 * 1024 * 1024);
    std::fs::write(home.join("big.wav"), &wav).unwrap();
    let voice = home.join("big.toml");
    std::fs::write(
        &voice,
        "name = \"big\"\nengine = \"command\"\n[command]\nprogram = \"/bin/cat\"\nargs = [\"big.wav\"]\n",
    )
    .unwrap();
    let art = home.join("long.txt");
    let sentence = "وقال المتحدث باسم الوزارة إن الخطة الجديدة ستشمل كل المدن والقرى في البلاد خلال الأعوام المقبلة";
    std::fs::write(&art, format!("{sentence}.\n\n{sentence}.\n\n{sentence}.\n")).unwrap();
    let mut c = build_with_voice(home, &art, &voice);
    c.args(["--no-cache", "--no-loudness", "-j", "4", "-o", "x.zip"]);
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------
// Group 9: the voice file decides, not the current folder.

/// `program = "./tts.sh"` ran the `tts.sh` of the folder rawi was run from; it is the one
/// beside the voice file. A bare name still goes through `PATH`, and a relative `[bundled]
/// lexicon` is the voice file's too.
#[cfg(unix)]
#[test]
fn voice_file_paths_are_relative_to_the_voice_file() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    let wav = good_wav(home);
    let vdir = home.join("voicedir");
    let elsewhere = home.join("elsewhere");
    std::fs::create_dir_all(&vdir).unwrap();
    std::fs::create_dir_all(&elsewhere).unwrap();
    let script = |dir: &Path, body: String| {
        let p = dir.join("tts.sh");
        std::fs::write(&p, body).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    script(&vdir, format!("#!/bin/sh\ncat '{}'\n", wav.display()));
    let marker = home.join("wrong-program-ran");
    script(
        &elsewhere,
        format!("#!/bin/sh\ntouch '{}'\nexit 1\n", marker.display()),
    );
    let voice = vdir.join("mine.toml");
    std::fs::write(
        &voice,
        "name = \"mine\"\nengine = \"command\"\n[command]\nprogram = \"./tts.sh\"\n",
    )
    .unwrap();
    let mut c = rawi(home);
    c.current_dir(&elsewhere)
        .arg("build")
        .arg(&art)
        .arg("--voice")
        .arg(&voice)
        .args(["--no-cache", "-o"])
        .arg(home.join("x.zip"));
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!marker.exists(), "the current folder's tts.sh ran");

    // A bare program name is looked up on PATH, not beside the voice file.
    std::fs::write(
        &voice,
        format!(
            "name = \"mine\"\nengine = \"command\"\n[command]\nprogram = \"cat\"\nargs = [\"{}\"]\n",
            wav.display()
        ),
    )
    .unwrap();
    let mut c = rawi(home);
    c.current_dir(&elsewhere)
        .arg("build")
        .arg(&art)
        .arg("--voice")
        .arg(&voice)
        .args(["--no-cache", "-o"])
        .arg(home.join("y.zip"));
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));

    // `[bundled] lexicon = "lex.txt"` is the file beside the voice.
    std::fs::write(vdir.join("lex.txt"), "السَّفِينَة\n").unwrap();
    let lexed = vdir.join("lexed.toml");
    std::fs::write(
        &lexed,
        "name = \"lexed\"\nengine = \"bundled\"\n[bundled]\nlexicon = \"lex.txt\"\n",
    )
    .unwrap();
    let mut c = rawi(home);
    c.current_dir(&elsewhere)
        .arg("build")
        .arg(&art)
        .arg("--voice")
        .arg(&lexed)
        .args(["--no-cache", "-o"])
        .arg(home.join("z.zip"));
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------------------
// Group 8: what reaches the terminal.

/// Control characters raw in a text, which a terminal would obey.
fn has_raw_controls(s: &str) -> bool {
    s.chars().any(|c| c.is_control() && c != '\n' && c != '\t')
}

/// ESC sequences in an article (retitle the terminal, erase the line) are dropped by the
/// clean-up, so neither `split` nor any message prints them; a file name carrying them
/// (and a newline that would forge a line) is escaped in the error.
#[test]
fn article_controls_never_reach_the_terminal() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = home.join("esc.txt");
    let mut text = std::fs::read_to_string(crasher("esc-sequences.txt")).unwrap();
    text.push_str("\nقال\u{0b}إن الرقم هو 12345678901234567890123456789012345678901234567890123456789012345678901234567890.\n");
    std::fs::write(&art, text).unwrap();
    let mut c = rawi(home);
    c.arg("split").arg(&art).arg("--kinds");
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(!has_raw_controls(&out), "{out:?}");
    assert!(
        out.contains("وصل ]0;pwned الوزير [2K إلى 31m المدينة."),
        "{out}"
    );
    // The sentence quoted in an error (a digit run too long to read) is clean too.
    let mut c = rawi(home);
    c.arg("build").arg(&art).args(["-o", "x.zip"]);
    let o = run(c);
    assert_refused(&o, "digits");
    assert!(!has_raw_controls(&stderr(&o)), "{:?}", stderr(&o));

    // A file name with a newline and an ESC sequence: shown escaped, on one line.
    let name = home.join("bad\nrawi: x.zip: ok\u{1b}]0;t\u{7}.txt");
    std::fs::write(&name, "").unwrap();
    let mut c = rawi(home);
    c.arg("split").arg(&name);
    let o = run(c);
    assert_refused(&o, "bad\\nrawi: x.zip: ok\\u{1b}]0;t\\u{7}.txt");
    assert!(!has_raw_controls(&stderr(&o)), "{:?}", stderr(&o));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
}

/// A zip member named with a newline forged a `rawi: x.zip: ok` line in `verify`'s
/// problems; names are escaped in every problem line.
#[test]
fn zip_member_names_are_escaped() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    let zip_path = home.join("x.zip");
    let mut c = rawi(home);
    c.arg("build").arg(&art).args(["--no-cache", "-o", "x.zip"]);
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&zip_path)
        .unwrap();
    let mut zip = zip::ZipWriter::new_append(file).unwrap();
    zip.start_file(
        "extra\nrawi: x.zip: ok\u{1b}[2K",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    zip.write_all(b"forged").unwrap();
    zip.finish().unwrap();
    let mut c = rawi(home);
    c.arg("verify").arg(&zip_path);
    let o = run(c);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("extra\\nrawi: x.zip: ok\\u{1b}[2K"), "{err}");
    assert!(!has_raw_controls(&err), "{err:?}");
    assert!(
        !err.lines().any(|l| l.starts_with("rawi: x.zip: ok")),
        "a forged line: {err}"
    );
    assert!(stdout(&o).is_empty(), "{}", stdout(&o));
}

// ---------------------------------------------------------------------------------------
// Group 11: exit status and messages.

/// `split`, `check`, `voices`, `verify`, `normalize` and `completions` exited 0 (or
/// panicked) when standard output could not be written: `/dev/full` and a closed standard
/// output are one-line errors with exit 2.
#[cfg(target_os = "linux")]
#[test]
fn unwritable_stdout_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    let review = home.join("review.txt");
    std::fs::write(
        &review,
        "عنوان الخبر\n\nأطلقت شركة Pullmantur رحلة جديدة.\n",
    )
    .unwrap();
    let mut c = rawi(home);
    c.arg("build")
        .arg(&art)
        .args(["--no-cache", "-o", "ok.zip"]);
    assert!(run(c).status.success());
    let commands: Vec<Vec<&std::ffi::OsStr>> = vec![
        vec!["split".as_ref(), art.as_os_str()],
        vec!["check".as_ref(), review.as_os_str()],
        vec!["voices".as_ref()],
        vec!["verify".as_ref(), "ok.zip".as_ref()],
        vec!["completions".as_ref(), "bash".as_ref()],
    ];
    for args in &commands {
        let mut c = rawi(home);
        c.args(args).stdout(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        );
        let o = c.stderr(Stdio::piped()).output().unwrap();
        assert_refused(
            &o,
            "<stdout>: cannot write the output (No space left on device",
        );

        // Closed: the shell closes fd 1 before rawi starts.
        let mut sh = Command::new("/bin/sh");
        sh.arg("-c")
            .arg("exec \"$0\" \"$@\" >&-")
            .arg(env!("CARGO_BIN_EXE_rawi"))
            .args(args)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .current_dir(home);
        let o = sh.output().unwrap();
        assert_refused(&o, "<stdout>: is closed");
    }
    let mut c = rawi(home);
    c.arg("normalize")
        .stdin(std::fs::File::open(&review).unwrap())
        .stdout(
            std::fs::OpenOptions::new()
                .write(true)
                .open("/dev/full")
                .unwrap(),
        );
    let o = c.stderr(Stdio::piped()).output().unwrap();
    assert_refused(&o, "No space left on device");
}

/// `verify x.zip | head -0` panicked ("failed printing to stdout: Broken pipe"): a
/// reader that went away ends the printing quietly, and the status still tells the
/// bundles' result; so for every command that prints.
#[cfg(target_os = "linux")]
#[test]
fn closed_pipe_is_quiet() {
    use std::os::fd::FromRawFd;
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    let mut c = rawi(home);
    c.arg("build")
        .arg(&art)
        .args(["--no-cache", "-o", "ok.zip"]);
    assert!(run(c).status.success());
    let cases: Vec<(Vec<&std::ffi::OsStr>, i32)> = vec![
        (vec!["verify".as_ref(), "ok.zip".as_ref()], 0),
        (
            vec!["verify".as_ref(), "ok.zip".as_ref(), "nothere.zip".as_ref()],
            1,
        ),
        (vec!["split".as_ref(), art.as_os_str()], 0),
        (vec!["voices".as_ref()], 0),
    ];
    for (args, code) in cases {
        let mut fds = [0; 2];
        // SAFETY: pipe fills two descriptors we then own; the read end is closed at once.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        unsafe { libc::close(fds[0]) };
        let write_end = unsafe { std::os::fd::OwnedFd::from_raw_fd(fds[1]) };
        let mut c = rawi(home);
        c.args(&args).stdout(Stdio::from(write_end));
        let o = c.stderr(Stdio::piped()).output().unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(code), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(!err.contains("Broken pipe"), "{err}");
    }
}

/// `--bitrate 0`, `8` or `4294967295` silently became another rate: values the MP3
/// encoder does not take are a usage error listing the ones it does.
#[test]
fn bitrate_must_be_one_the_encoder_takes() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    for bad in ["0", "8", "4294967295", "33", "64k"] {
        let mut c = rawi(home);
        c.arg("build")
            .arg(&art)
            .args(["--format", "mp3", "--bitrate", bad, "-o", "x.zip"]);
        let o = run(c);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{bad}: {err}");
        assert!(err.contains("32, 48, 64, 96, 128, 160"), "{bad}: {err}");
        assert!(!home.join("x.zip").exists());
    }
    let mut c = rawi(home);
    c.arg("build").arg(&art).args([
        "--no-cache",
        "--format",
        "mp3",
        "--bitrate",
        "128",
        "-o",
        "x.zip",
    ]);
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A password in a voice's URL was printed in the error: it is shown as `***`.
#[test]
fn passwords_in_urls_are_redacted() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    for url in [
        "https://user:hunter2@127.0.0.1:1/v1/audio/speech",
        "gopher://user:hunter2@example.org/",
    ] {
        let voice = home.join("v.toml");
        std::fs::write(
            &voice,
            format!("name = \"v\"\nengine = \"http\"\n[http]\nurl = \"{url}\"\n"),
        )
        .unwrap();
        for cmd in ["build", "say"] {
            let mut c = rawi(home);
            c.arg(cmd)
                .arg(&art)
                .arg("--voice")
                .arg(&voice)
                .args(["-o", "x.out"]);
            let o = run(c);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{err}");
            assert!(!err.contains("hunter2"), "{err}");
            assert!(err.contains("***@"), "{err}");
        }
    }
    let mut c = rawi(home);
    c.arg("podcast").arg(&art).args([
        "--title",
        "T",
        "-o",
        "p.zip",
        "--base-url",
        "https://u:hunter2@example.org/d",
    ]);
    let o = run(c);
    assert_refused(
        &o,
        "--base-url: `https://***@example.org/d` has credentials",
    );
    assert!(!stderr(&o).contains("hunter2"));
}

/// `--base-url` with a space or a `?query#fragment` made broken feed URLs: such values are
/// refused, saying why; a percent-encoded one is fine.
#[test]
fn base_url_is_checked_as_a_url() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    for (bad, why) in [
        ("https://example.org/my podcast", "percent-encode it"),
        ("https://example.org/daily?utm=x#top", "query or a fragment"),
        ("https://example.org/daily#top", "query or a fragment"),
        ("ftp://example.org/daily", "not an http(s) URL"),
        ("https://exa mple.org", "percent-encode"),
        ("https:///daily", "is not a URL"),
    ] {
        let mut c = rawi(home);
        c.arg("podcast")
            .arg(&art)
            .args(["--title", "T", "-o", "p.zip", "--base-url", bad]);
        let o = run(c);
        assert_refused(&o, why);
        assert!(!home.join("p.zip").exists());
    }
    let mut c = rawi(home);
    c.arg("podcast").arg(&art).args([
        "--no-cache",
        "--title",
        "T",
        "-o",
        "p.zip",
        "--base-url",
        "https://example.org/my%20podcast/",
    ]);
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A `--cover` that is a PNG signature followed by garbage was embedded: the image's
/// structure is checked (PNG chunks and CRCs, IHDR size; JPEG SOI, SOF, SOS, EOI).
#[test]
fn covers_are_checked_whole() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    let garbage = std::fs::read(crasher("cover-png-garbage.png")).unwrap();
    let mut huge = png(1400);
    // IHDR says 100 000 × 100 000 (its CRC made right): a decompression bomb's header.
    huge = {
        let mut p = huge[..8].to_vec();
        let mut ihdr = 100_000u32.to_be_bytes().to_vec();
        ihdr.extend(100_000u32.to_be_bytes());
        ihdr.extend([8, 2, 0, 0, 0]);
        p.extend(png_chunk(b"IHDR", &ihdr));
        p.extend(&huge[33..]);
        p
    };
    let jpeg_soi_only = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 0x4A, 0x46, 0x49, 0x46, 0, 1];
    for (name, bytes, why) in [
        ("garbage.png", garbage, "is a damaged PNG"),
        ("huge.png", huge, "100000×100000"),
        ("cut.jpg", jpeg_soi_only, "is a damaged JPEG"),
    ] {
        std::fs::write(home.join(name), bytes).unwrap();
        let mut c = rawi(home);
        c.arg("build")
            .arg(&art)
            .args(["--format", "mp3", "--cover", name, "-o", "x.zip"]);
        assert_refused(&run(c), why);
        let mut c = rawi(home);
        c.arg("podcast")
            .arg(&art)
            .args(["--title", "T", "--cover", name, "-o", "p.zip"]);
        assert_refused(&run(c), why);
    }
    assert!(!home.join("x.zip").exists() && !home.join("p.zip").exists());
    std::fs::write(home.join("good.png"), png(1400)).unwrap();
    let mut c = rawi(home);
    c.arg("build").arg(&art).args([
        "--no-cache",
        "--format",
        "mp3",
        "--cover",
        "good.png",
        "-o",
        "x.zip",
    ]);
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
}

/// A `--category` outside Apple's list was published; it is refused, naming the right
/// spelling or the choices; Apple's own names (spaces around `/` allowed) pass.
#[test]
fn category_must_be_apples() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    for (bad, why) in [
        ("Cooking", "give one of Arts, Business"),
        ("News/Gossip", "under News give one of: Business News"),
        ("news/daily news", "give `News/Daily News`"),
        ("", "is not one of Apple Podcasts' categories"),
    ] {
        let mut c = rawi(home);
        c.arg("podcast")
            .arg(&art)
            .args(["--title", "T", "--category", bad, "-o", "p.zip"]);
        assert_refused(&run(c), why);
    }
    for good in ["TV & Film", "Religion & Spirituality / Islam"] {
        let mut c = rawi(home);
        c.arg("podcast")
            .arg(&art)
            .args(["--title", "T", "--category", good, "-o", "p.zip"]);
        let o = run(c);
        assert!(o.status.success(), "{good}: {}", stderr(&o));
        let b = rawi::bundle::Bundle::read_zip(&home.join("p.zip")).unwrap();
        let feed = String::from_utf8_lossy(b.get("feed.xml").unwrap()).into_owned();
        assert!(feed.contains("<itunes:category text=\""), "{feed}");
    }
}

/// Files were created 0644 under `umask 077` (a private temporary chmod'ed to 0644):
/// rawi's outputs, zips and unpacked bundles, take the user's umask.
#[cfg(unix)]
#[test]
fn outputs_honour_the_umask() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    for (umask, file_mode, dir_mode) in [
        ("077", 0o600, 0o700),
        ("022", 0o644, 0o755),
        ("027", 0o640, 0o750),
    ] {
        let out = home.join(format!("u{umask}.zip"));
        let dir = home.join(format!("u{umask}"));
        let wav = home.join(format!("u{umask}.wav"));
        let script = format!(
            "umask {umask} && \"$0\" build \"$1\" --no-cache -o \"$2\" && \"$0\" build \"$1\" --no-cache --unpacked -o \"$3\" && \"$0\" say -o \"$4\" مرحبا"
        );
        let o = Command::new("/bin/sh")
            .arg("-c")
            .arg(script)
            .arg(env!("CARGO_BIN_EXE_rawi"))
            .arg(&art)
            .arg(&out)
            .arg(&dir)
            .arg(&wav)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .current_dir(home)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(mode(&out), file_mode, "zip under umask {umask}");
        assert_eq!(mode(&wav), file_mode, "say's WAV under umask {umask}");
        assert_eq!(mode(&dir), dir_mode, "bundle folder under umask {umask}");
        assert_eq!(
            mode(&dir.join("manifest.toml")),
            file_mode,
            "member under umask {umask}"
        );
    }
}

/// A mono 16-bit WAV of `seconds` of a tone at 8 kHz.
fn tone_wav(path: &Path, seconds: u32) {
    let samples: Vec<f32> = (0..8_000 * seconds as usize)
        .map(|i| 0.3 * (i as f32 * 0.07).sin())
        .collect();
    std::fs::write(path, rawi::audio::encode_wav(&samples, 8_000)).unwrap();
}

/// An article whose 400-character clause of symbols made three minutes of speech was
/// blamed on the voice ("check the voice"): when the clip is no longer than honest speech
/// of the text, the article's sentence is blamed, by number; a voice slower than any
/// speech is still the voice's fault.
#[test]
fn too_long_speech_blames_the_sentence_or_the_voice() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    tone_wav(&home.join("long.wav"), 200);
    let voice = home.join("slow.toml");
    std::fs::write(
        &voice,
        "name = \"slow\"\nengine = \"command\"\nsample_rate = 8000\n[command]\nprogram = \"/bin/cat\"\nargs = [\"long.wav\"]\n[limits]\nmax_chars = 5000\nretries = 0\n",
    )
    .unwrap();
    // The reproducer: a clause of 400 symbols, each read by name.
    let symbols = crasher("symbols-clause.txt");
    // The general case on the other side: 250 letters of words cannot honestly take 200 s.
    let words = home.join("words.txt");
    std::fs::write(&words, format!("{}.\n", "قال الوزير ".repeat(25))).unwrap();
    for (art, blame, not) in [
        (&symbols, "sentence 1 («قال إن $€@#", "check the voice"),
        (&words, "check the voice", "shorten it"),
    ] {
        for cmd in ["build", "say"] {
            let mut c = rawi(home);
            if cmd == "build" {
                c.arg("build").arg(art).args(["--no-cache", "-o", "x.zip"]);
            } else {
                c.arg("say")
                    .arg(std::fs::read_to_string(art).unwrap())
                    .args(["-o", "x.wav"]);
            }
            c.arg("--voice").arg(&voice);
            let o = run(c);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(2), "{err}");
            assert!(err.contains(blame), "{cmd} {}: {err}", art.display());
            assert!(!err.contains(not), "{cmd} {}: {err}", art.display());
        }
    }
}

/// `ZipWriter::drop: failed to finalize archive: Io(Os {…})` reached users when the zip
/// could not be written: a file-size limit (`ulimit -f`, the same failure as a full disk)
/// now gives one plain line that says what to do, and no half file. (The edition's audio
/// is kept in temporary files while it is made, larger than the zip: they meet the limit
/// first, and say so the same way.)
#[cfg(unix)]
#[test]
fn a_zip_that_cannot_be_written_is_one_plain_line() {
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    for blocks in ["8", "200"] {
        let o = Command::new("/bin/sh")
            .arg("-c")
            .arg(format!(
                "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" build \"$1\" --no-cache -o out.zip"
            ))
            .arg(env!("CARGO_BIN_EXE_rawi"))
            .arg(&art)
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            .current_dir(home)
            .output()
            .unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{err}");
        assert!(!err.contains("ZipWriter") && !err.contains("Os {"), "{err}");
        assert_refused(
            &o,
            "in a temporary file: the file is larger than this system lets rawi write",
        );
        assert!(!home.join("out.zip").exists());
        let left: Vec<_> = std::fs::read_dir(home)
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(".rawi-"))
            .collect();
        assert!(left.is_empty(), "temporaries left: {left:?}");
    }
}

/// rustls' `Other(OtherError(CaUsedAsEndEntity))` reached users as debug text when a
/// server presented a CA certificate as its own: the message now says what that is and
/// how to make a proper server certificate. (A ca_file holding the server's own
/// certificate pins it, CA or not; here the ca_file is the authority that signed it.)
#[test]
fn ca_used_as_server_certificate_is_explained() {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    use std::sync::Arc;
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()]).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let cert = params.signed_by(&key, &issuer).unwrap();
    let der_key = rustls::pki_types::PrivateKeyDer::Pkcs8(
        rustls::pki_types::PrivatePkcs8KeyDer::from(key.serialize_der()),
    );
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], der_key)
        .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50).flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                use std::io::Read;
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut buf = [0u8; 1024];
                let _ = tls.read(&mut buf);
            });
        }
    });
    let d = tempfile::tempdir().unwrap();
    let home = d.path();
    let art = short_article(home);
    std::fs::write(home.join("ca.pem"), ca.pem()).unwrap();
    let voice = home.join("tls.toml");
    std::fs::write(
        &voice,
        format!(
            "name = \"tls\"\nengine = \"http\"\n[http]\nurl = \"https://127.0.0.1:{port}/v1/audio/speech\"\nca_file = \"ca.pem\"\n[limits]\nretries = 0\n"
        ),
    )
    .unwrap();
    let mut c = build_with_voice(home, &art, &voice);
    c.args(["--no-cache", "-o", "x.zip"]);
    let o = run(c);
    let err = stderr(&o);
    assert_refused(&o, "presents a CA certificate (basicConstraints CA:TRUE");
    assert!(
        err.contains("CA:FALSE") && err.contains("subjectAltName"),
        "{err}"
    );
    assert!(
        !err.contains("OtherError") && !err.contains("CaUsedAsEndEntity"),
        "{err}"
    );
}
