//! Hardening against hostile voices, caches and lexicons (issue 10): real `rawi`
//! processes, real voice programs (shell scripts run by the command engine), real files.
//! The hostile inputs live in `tests/data/crashers/` (see its README).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn crasher(name: &str) -> PathBuf {
    root().join("tests/data/crashers").join(name)
}

/// A `rawi` command isolated from the user's config and cache dirs.
fn rawi(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rawi"));
    c.env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_CACHE_HOME", home.join("cache"))
        .env("HOME", home);
    c
}

/// Runs a command; a run that has not ended after `limit` is a hang: it is killed and the
/// test fails. (A guard against hanging forever, not a speed test.)
fn run_within(mut cmd: Command, limit: Duration) -> Output {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "rawi hung (killed after {limit:?}); stderr: {}",
                String::from_utf8_lossy(&out.stderr)
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

/// A short article of three sentences in a temporary folder.
fn setup() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("story.txt");
    std::fs::write(
        &article,
        "السفينة تصل غدا\n\nوصلت السفينة إلى الميناء صباح اليوم. \
         وقال القبطان إن الرحلة كانت هادئة.\n",
    )
    .unwrap();
    (dir, article)
}

/// A good WAV (half a second of a tone at 22,050 Hz) for command voices to print.
fn good_wav(dir: &Path) -> PathBuf {
    let samples: Vec<f32> = (0..11_025).map(|i| 0.4 * (i as f32 * 0.06).sin()).collect();
    let p = dir.join("good.wav");
    std::fs::write(&p, rawi::audio::encode_wav(&samples, 22_050)).unwrap();
    p
}

fn build(home: &Path, article: &Path, out: &Path, extra: &[&str]) -> Command {
    let mut c = rawi(home);
    c.arg("build").arg(article).arg("-o").arg(out).args(extra);
    c
}

/// (synthesized, cached) from a build's summary line.
fn counts(o: &Output) -> (usize, usize) {
    let e = stderr(o);
    let n = |label: &str| -> usize {
        let at = e
            .find(label)
            .unwrap_or_else(|| panic!("no `{label}` in {e}"));
        e[at + label.len()..]
            .trim_start()
            .split(|c: char| !c.is_ascii_digit())
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    (n("synthesized"), n("cached"))
}

fn clip_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(subs) = std::fs::read_dir(dir) else {
        return out;
    };
    for s in subs.flatten() {
        if let Ok(files) = std::fs::read_dir(s.path()) {
            out.extend(
                files
                    .flatten()
                    .map(|f| f.path())
                    .filter(|p| p.extension().is_some_and(|e| e == "clip")),
            );
        }
    }
    out.sort();
    out
}

#[test]
fn voice_numbers_are_range_checked() {
    let (dir, article) = setup();
    let home = dir.path();
    for (file, field) in [
        ("voice-timeout-1e20.toml", "timeout_s"),
        ("voice-pause-4e9.toml", "paragraph_ms"),
        ("voice-lead-tail-overflow.toml", "lead_ms"),
        ("voice-retries-max.toml", "retries"),
    ] {
        let path = crasher(file);
        let o = run(build(
            home,
            &article,
            &home.join("out.zip"),
            &["--no-cache", "--voice", path.to_str().unwrap()],
        ));
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{file}: {e}");
        assert!(e.contains(file) && e.contains(field), "{file}: {e}");
        assert_eq!(e.trim().lines().count(), 1, "{file}: {e}");
        assert!(!home.join("out.zip").exists());
        // `rawi voices` calls such a file not usable, naming the field.
        let voices = home.join("v").join("voices");
        std::fs::create_dir_all(&voices).unwrap();
        std::fs::copy(&path, voices.join(file)).unwrap();
        let mut c = rawi(home);
        c.arg("voices").current_dir(home.join("v"));
        let o = run(c);
        let listing = String::from_utf8_lossy(&o.stdout).into_owned();
        let line = listing
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} not listed: {listing}"));
        assert!(
            line.contains("not usable") && line.contains(field),
            "{line}"
        );
        std::fs::remove_file(voices.join(file)).unwrap();
    }
}

#[test]
fn local_voice_file_never_shadows_a_builtin() {
    let (dir, article) = setup();
    let home = dir.path();
    let wav = good_wav(home);
    let work = home.join("work");
    std::fs::create_dir_all(work.join("voices")).unwrap();
    std::fs::copy(
        crasher("voice-shadow-rawi-ar-low.toml"),
        work.join("voices/rawi-ar-low.toml"),
    )
    .unwrap();
    // A plain build speaks with the built-in default, not the file beside it.
    let mut c = build(home, &article, &work.join("a.zip"), &["--no-cache"]);
    c.current_dir(&work).env("RAWI_TEST_WAV", &wav);
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!work.join("SHADOW-VOICE-RAN").exists());
    assert!(
        !stderr(&o).contains("voice rawi-ar-low from"),
        "{}",
        stderr(&o)
    );
    // `rawi voices` says the file is hidden.
    let mut c = rawi(home);
    c.arg("voices").current_dir(&work);
    let listing = String::from_utf8_lossy(&run(c).stdout).into_owned();
    let line = listing
        .lines()
        .find(|l| l.contains("voices/rawi-ar-low.toml"))
        .unwrap_or_else(|| panic!("{listing}"));
    assert!(
        line.contains("not usable") && line.contains("hidden"),
        "{line}"
    );
    // Named as a path, the file is used, and said to be.
    let mut c = build(
        home,
        &article,
        &work.join("b.zip"),
        &["--no-cache", "--voice", "voices/rawi-ar-low.toml"],
    );
    c.current_dir(&work).env("RAWI_TEST_WAV", &wav);
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(work.join("SHADOW-VOICE-RAN").exists());
    assert!(
        stderr(&o).contains("voice rawi-ar-low from voices/rawi-ar-low.toml"),
        "{}",
        stderr(&o)
    );
    // In the user's config dir it is the user's choice: used, and announced.
    std::fs::remove_file(work.join("SHADOW-VOICE-RAN")).unwrap();
    let config = home.join("config/rawi/voices");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::copy(
        crasher("voice-shadow-rawi-ar-low.toml"),
        config.join("rawi-ar-low.toml"),
    )
    .unwrap();
    let mut c = build(home, &article, &work.join("c.zip"), &["--no-cache"]);
    c.current_dir(&work).env("RAWI_TEST_WAV", &wav);
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(work.join("SHADOW-VOICE-RAN").exists());
    assert!(stderr(&o).contains("config/rawi/voices/rawi-ar-low.toml"));
}

#[test]
fn bad_clips_are_errors_and_never_cached() {
    let (dir, article) = setup();
    let home = dir.path();
    let cache = home.join("clips");
    let voice = crasher("voice-cat-wav.toml");
    let args = [
        "--cache",
        cache.to_str().unwrap(),
        "--voice",
        voice.to_str().unwrap(),
    ];
    for (wav, why) in [
        ("voice-empty.wav", "empty"),
        ("voice-silent.wav", "silence"),
        ("voice-nan.wav", "silence"),
        ("voice-65535ch.wav", "channel"),
        ("voice-4ghz.wav", "Hz"),
    ] {
        let mut c = build(home, &article, &home.join("out.zip"), &args);
        c.env("RAWI_TEST_WAV", crasher(wav));
        let o = run(c);
        let e = stderr(&o);
        assert!(!o.status.success(), "{wav}: {e}");
        assert!(e.contains(why) && e.contains("sentence"), "{wav}: {e}");
        assert!(!home.join("out.zip").exists(), "{wav}");
        assert!(clip_files(&cache).is_empty(), "{wav} was cached");
    }
    // Once the voice is fixed, every sentence is spoken afresh.
    let mut c = build(home, &article, &home.join("out.zip"), &args);
    c.env("RAWI_TEST_WAV", good_wav(home));
    let o = run(c);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(counts(&o).1, 0);
}

#[test]
fn background_child_holding_stdout_does_not_hang() {
    let (dir, article) = setup();
    let home = dir.path();
    let voice = crasher("voice-background-holder.toml");
    let mut c = build(
        home,
        &article,
        &home.join("out.zip"),
        &["--no-cache", "--voice", voice.to_str().unwrap()],
    );
    c.env("RAWI_TEST_WAV", good_wav(home));
    let o = run_within(c, Duration::from_secs(60));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(home.join("out.zip").is_file());
}

#[test]
fn endless_output_is_stopped() {
    let (dir, article) = setup();
    let home = dir.path();
    let voice = crasher("voice-writes-forever.toml");
    let mut c = build(
        home,
        &article,
        &home.join("out.zip"),
        &["--no-cache", "-j", "1", "--voice", voice.to_str().unwrap()],
    );
    c.env("RAWI_TEST_WAV", good_wav(home));
    let o = run_within(c, Duration::from_secs(60));
    let e = stderr(&o);
    assert!(!o.status.success());
    assert!(e.contains("wrote too much"), "{e}");
}

/// Whether a process has ended (gone, or a zombie waiting for its reaper).
fn dead(pid: &str) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

/// Waits up to 20 s for every pid to end.
fn all_dead(pids: &[String]) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        if pids.iter().all(|p| dead(p)) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn pids(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap_or_default()
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[test]
fn timeout_kills_the_whole_group() {
    let (dir, article) = setup();
    let home = dir.path();
    let pidfile = home.join("pids");
    let voice = crasher("voice-grandchild.toml");
    let mut c = build(
        home,
        &article,
        &home.join("out.zip"),
        &["--no-cache", "-j", "1", "--voice", voice.to_str().unwrap()],
    );
    c.env("RAWI_TEST_PIDS", &pidfile);
    let o = run_within(c, Duration::from_secs(60));
    let e = stderr(&o);
    assert!(!o.status.success());
    assert!(e.contains("timeout"), "{e}");
    let p = pids(&pidfile);
    assert!(p.len() >= 2, "{p:?}");
    assert!(all_dead(&p), "voice processes outlived the timeout: {p:?}");
}

#[test]
fn voice_dies_with_rawi() {
    let (dir, article) = setup();
    let home = dir.path();
    let pidfile = home.join("pids");
    let voice = crasher("voice-sleeper.toml");
    let mut c = build(
        home,
        &article,
        &home.join("out.zip"),
        &["--no-cache", "-j", "1", "--voice", voice.to_str().unwrap()],
    );
    c.env("RAWI_TEST_PIDS", &pidfile)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = c.spawn().unwrap();
    let started = Instant::now();
    while pids(&pidfile).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the voice never started"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL: rawi gets no chance to clean up
    child.wait().unwrap();
    let p = pids(&pidfile);
    assert!(all_dead(&p), "the voice outlived rawi: {p:?}");
}

#[test]
fn damaged_or_special_cache_files_are_misses() {
    let (dir, article) = setup();
    let home = dir.path();
    let cache = home.join("clips");
    let args = ["--cache", cache.to_str().unwrap()];
    let first = run(build(home, &article, &home.join("a.zip"), &args));
    assert!(first.status.success(), "{}", stderr(&first));
    let clips = clip_files(&cache);
    let n = clips.len();
    assert!(n >= 3, "{clips:?}");
    // Same-length damage: samples changed, size and header intact.
    let mut bytes = std::fs::read(&clips[0]).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    bytes[last - 4] ^= 0x55;
    std::fs::write(&clips[0], &bytes).unwrap();
    let second = run(build(home, &article, &home.join("b.zip"), &args));
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stderr(&second).contains("damaged clip"),
        "{}",
        stderr(&second)
    );
    assert_eq!(counts(&second), (1, n - 1));
    assert_eq!(
        std::fs::read(home.join("a.zip")).unwrap(),
        std::fs::read(home.join("b.zip")).unwrap()
    );
    // The entry was rewritten: the next run finds everything whole.
    let third = run(build(home, &article, &home.join("c.zip"), &args));
    assert_eq!(counts(&third), (0, n));
    assert!(!stderr(&third).contains("damaged"));
    // A FIFO in a clip's place is a miss, never a wait.
    std::fs::remove_file(&clips[1]).unwrap();
    let made = Command::new("mkfifo").arg(&clips[1]).status().unwrap();
    assert!(made.success());
    let fourth = run_within(
        build(home, &article, &home.join("d.zip"), &args),
        Duration::from_secs(60),
    );
    assert!(fourth.status.success(), "{}", stderr(&fourth));
    assert_eq!(counts(&fourth), (1, n - 1));
}

#[test]
fn lexicon_edit_respeaks_only_its_sentences() {
    let (dir, article) = setup();
    let home = dir.path();
    let cache = home.join("clips");
    let lexicon = home.join("lexicon.txt");
    // القبطان is in one sentence only; السفينة in two (the headline and the first).
    std::fs::write(&lexicon, "القبطان\tالقُبْطَان\nالسفينة\tالسَّفِينَة\n").unwrap();
    let args = [
        "--cache",
        cache.to_str().unwrap(),
        "--lexicon",
        lexicon.to_str().unwrap(),
    ];
    let first = run(build(home, &article, &home.join("a.zip"), &args));
    assert!(first.status.success(), "{}", stderr(&first));
    let (spoken, _) = counts(&first);
    assert_eq!(spoken, 3);
    std::fs::write(&lexicon, "القبطان\tالقِبْطَان\nالسفينة\tالسَّفِينَة\n").unwrap();
    let second = run(build(home, &article, &home.join("b.zip"), &args));
    assert!(second.status.success(), "{}", stderr(&second));
    assert_eq!(counts(&second), (1, 2));
}

/// A second short article, for podcasts of two episodes.
fn second_article(dir: &Path) -> PathBuf {
    let p = dir.join("weather.txt");
    std::fs::write(
        &p,
        "أمطار غزيرة في الشمال\n\nهطلت أمطار غزيرة على المدن الشمالية أمس.\n",
    )
    .unwrap();
    p
}

fn podcast(home: &Path, articles: &[&Path], out: &Path, extra: &[&str]) -> Output {
    let mut c = rawi(home);
    c.arg("podcast")
        .args(articles)
        .arg("-o")
        .arg(out)
        .args(["--title", "نشرة", "--no-cache", "--date", "2024-05-01"])
        .args(extra);
    run(c)
}

fn verify(home: &Path, bundle: &Path) -> Output {
    let mut c = rawi(home);
    c.arg("verify").arg(bundle);
    run(c)
}

#[test]
fn low_bitrate_mp3_verifies_and_merges() {
    let (dir, article) = setup();
    let home = dir.path();
    let second = second_article(home);
    for kbps in ["32", "48"] {
        let out = home.join(format!("m{kbps}.zip"));
        let o = run(build(
            home,
            &article,
            &out,
            &["--no-cache", "--format", "mp3", "--bitrate", kbps],
        ));
        assert!(o.status.success(), "{}", stderr(&o));
        let v = verify(home, &out);
        assert!(v.status.success(), "{kbps} kbit/s: {}", stderr(&v));
        // What a decoder makes of it is what the manifest says, sample for sample.
        let b = rawi::bundle::Bundle::read_zip(&out).unwrap();
        let m = rawi::bundle::Manifest::from_toml(&String::from_utf8_lossy(
            b.get("manifest.toml").unwrap(),
        ))
        .unwrap();
        let mp3 = home.join(format!("m{kbps}.mp3"));
        std::fs::write(&mp3, b.get("audio/edition.mp3").unwrap()).unwrap();
        if let Ok(d) = Command::new("ffmpeg")
            .args(["-v", "error", "-i"])
            .arg(&mp3)
            .args(["-f", "s16le", "-"])
            .output()
        {
            assert!(d.status.success());
            assert_eq!(d.stdout.len() as u64 / 2, m.audio.samples, "{kbps} kbit/s");
        } else {
            eprintln!("note: ffmpeg is absent; decoded length not checked");
        }
        // Shards at this bit rate merge.
        let s1 = home.join(format!("s1-{kbps}.zip"));
        let s2 = home.join(format!("s2-{kbps}.zip"));
        for (shard, out) in [("1/2", &s1), ("2/2", &s2)] {
            let o = podcast(
                home,
                &[&article, &second],
                out,
                &["--bitrate", kbps, "--shard", shard],
            );
            assert!(o.status.success(), "{}", stderr(&o));
        }
        let merged = home.join(format!("merged-{kbps}.zip"));
        let mut c = rawi(home);
        c.arg("podcast")
            .arg("--merge")
            .arg(&s1)
            .arg(&s2)
            .arg("-o")
            .arg(&merged);
        let o = run(c);
        assert!(o.status.success(), "{kbps} kbit/s: {}", stderr(&o));
        assert!(verify(home, &merged).status.success());
    }
}

#[test]
fn incomplete_shard_set_is_refused() {
    let (dir, article) = setup();
    let home = dir.path();
    let second = second_article(home);
    let s1 = home.join("s1.zip");
    let o = podcast(home, &[&article, &second], &s1, &["--shard", "1/2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut c = rawi(home);
    c.arg("podcast")
        .arg("--merge")
        .arg(&s1)
        .arg("-o")
        .arg(home.join("m.zip"))
        .args(["--title", "T"]);
    let o = run(c);
    let e = stderr(&o);
    assert!(!o.status.success(), "{e}");
    assert!(e.contains("missing shard 2/2"), "{e}");
    assert!(!home.join("m.zip").exists());
}

/// Rewrites a zip bundle's `manifest.toml` with `edit`.
fn edit_manifest(zip: &Path, out: &Path, edit: impl Fn(&str) -> String) {
    let mut b = rawi::bundle::Bundle::read_zip(zip).unwrap();
    for (name, contents) in &mut b.files {
        if name == "manifest.toml" {
            *contents = edit(&String::from_utf8_lossy(contents)).into_bytes();
        }
    }
    b.write_zip(out).unwrap();
}

#[test]
fn reserved_member_as_cover_is_refused() {
    let (dir, article) = setup();
    let home = dir.path();
    let second = second_article(home);
    let s1 = home.join("s1.zip");
    let o = podcast(home, &[&article, &second], &s1, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    for cover in ["feed.xml", "manifest.toml", "episodes/story/manifest.toml"] {
        let hostile = home.join("hostile.zip");
        edit_manifest(&s1, &hostile, |m| {
            m.replacen(
                "[podcast]\n",
                &format!("[podcast]\ncover = \"{cover}\"\n"),
                1,
            )
        });
        let v = verify(home, &hostile);
        assert!(!v.status.success(), "{cover}");
        assert!(stderr(&v).contains("cover"), "{}", stderr(&v));
        let mut c = rawi(home);
        c.arg("podcast")
            .arg("--merge")
            .arg(&hostile)
            .arg("-o")
            .arg(home.join("m"))
            .arg("--unpacked");
        let o = run(c);
        assert!(!o.status.success(), "{cover}: {}", stderr(&o));
        assert!(!home.join("m").exists());
    }
}

#[test]
fn duplicate_member_names_are_refused() {
    let (dir, article) = setup();
    let home = dir.path();
    let good = home.join("good.zip");
    let o = run(build(home, &article, &good, &["--no-cache"]));
    assert!(o.status.success(), "{}", stderr(&o));
    // A second `audio/edition.wav` with other contents: written under a name of the same
    // length, then renamed in the zip's bytes (zip writers refuse duplicates).
    let mut b = rawi::bundle::Bundle::read_zip(&good).unwrap();
    let wav = rawi::audio::encode_wav(&vec![0.25; 8000], 22_050);
    b.add("audio/edition.wax", wav);
    let mut bytes = b.to_zip().unwrap();
    let (from, to) = (b"audio/edition.wax", b"audio/edition.wav");
    let mut i = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + to.len()].copy_from_slice(to);
        }
        i += 1;
    }
    let dup = home.join("dup.zip");
    std::fs::write(&dup, bytes).unwrap();
    let v = verify(home, &dup);
    assert!(!v.status.success());
    assert!(
        stderr(&v).contains("audio/edition.wav: appears more than once"),
        "{}",
        stderr(&v)
    );
}

#[test]
fn unlisted_huge_members_are_never_read() {
    use std::io::Write;
    let (dir, article) = setup();
    let home = dir.path();
    let good = home.join("good.zip");
    let o = run(build(home, &article, &good, &["--no-cache"]));
    assert!(o.status.success(), "{}", stderr(&o));
    // Two unlisted members of 384 MiB of zeros each (a few hundred KB deflated).
    let b = rawi::bundle::Bundle::read_zip(&good).unwrap();
    let hostile = home.join("hostile.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&hostile).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(false);
    for (name, contents) in &b.files {
        zip.start_file(name.as_str(), opts).unwrap();
        zip.write_all(contents).unwrap();
    }
    let zeros = vec![0u8; 1 << 20];
    for name in ["junk/a.bin", "junk/b.bin"] {
        zip.start_file(name, opts).unwrap();
        for _ in 0..384 {
            zip.write_all(&zeros).unwrap();
        }
    }
    zip.finish().unwrap();
    // verify runs with 256 MiB of data memory: reading either member whole would fail.
    let mut c = rawi(home);
    c.arg("verify").arg(&hostile);
    limit_data(&mut c, 256 << 20);
    let v = run(c);
    let e = stderr(&v);
    assert_eq!(v.status.code(), Some(1), "{e}");
    assert!(
        e.contains("junk/a.bin: not listed") && e.contains("junk/b.bin: not listed"),
        "{e}"
    );
}

/// Caps a child's data segment (heap and anonymous mappings) at `bytes`.
fn limit_data(c: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit is async-signal-safe.
    unsafe {
        c.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: bytes as libc::rlim_t,
                rlim_max: bytes as libc::rlim_t,
            };
            if libc::setrlimit(libc::RLIMIT_DATA, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}
