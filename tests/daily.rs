//! A daily podcast: `--previous` carries the earlier episodes on, byte for byte, over
//! three "days"; `--keep-days` / `--keep-episodes` drop the oldest; a damaged or foreign
//! previous bundle is refused before any speech is made.

use std::io::Read;
use std::path::Path;
use std::process::Output;

mod common;

const DAY1: &str = "+++
title = \"الحكومة تعلن خطة جديدة للنقل العام\"
date = 2024-05-01
url = \"https://news.example.org/a/1\"
+++

أعلنت الحكومة اليوم عن خطة جديدة لتطوير النقل العام. وتشمل الخطة شراء حافلات كهربائية.
";

const DAY2: &str = "ارتفاع أسعار القمح في الأسواق العالمية

القاهرة – ارتفعت أسعار القمح هذا الأسبوع بسبب الجفاف.
";

/// Day 3 has an article of the same file name as day 2's (`story.txt`), and no URL:
/// it must get a folder and a GUID of its own.
const DAY3_SAME_NAME: &str = "افتتاح معرض الكتاب

افتتح المعرض أبوابه صباح اليوم بمشاركة واسعة.
";

const DAY3: &str = "+++
title = \"أمطار غزيرة في الشمال\"
date = 2024-06-02
+++

هطلت أمطار غزيرة على المدن الشمالية.
";

fn rawi(d: &Path, args: &[&str]) -> Output {
    common::rawi_in(d, args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every member of a zip or folder bundle, sorted by name.
fn members(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    if path.is_dir() {
        let mut stack = vec![path.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let name = p.strip_prefix(path).unwrap().to_string_lossy().into_owned();
                    out.push((name, std::fs::read(&p).unwrap()));
                }
            }
        }
    } else {
        let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
        for i in 0..z.len() {
            let mut f = z.by_index(i).unwrap();
            let mut c = Vec::new();
            f.read_to_end(&mut c).unwrap();
            out.push((f.name().unwrap().into_owned(), c));
        }
    }
    out.sort();
    out
}

fn member<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a [u8] {
    &files.iter().find(|(n, _)| n == name).unwrap().1
}

fn episodes(files: &[(String, Vec<u8>)]) -> Vec<toml::Value> {
    let m: toml::Table =
        toml::from_str(std::str::from_utf8(member(files, "manifest.toml")).unwrap()).unwrap();
    m["episode"].as_array().cloned().unwrap_or_default()
}

/// The feed without its `lastBuildDate` (the newest episode's date, which a new day
/// moves on) and without the items whose GUIDs are in `drop`.
fn feed_without(feed: &str, drop: &[&str]) -> String {
    let mut out = String::new();
    let mut item = String::new();
    let mut in_item = false;
    for line in feed.lines() {
        if line.starts_with("<lastBuildDate>") {
            continue;
        }
        if line == "<item>" {
            in_item = true;
        }
        if in_item {
            item.push_str(line);
            item.push('\n');
            if line == "</item>" {
                in_item = false;
                if !drop.iter().any(|g| item.contains(&format!(">{g}</guid>"))) {
                    out.push_str(&item);
                }
                item.clear();
            }
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// How many items a podcast bundle carries on from a published feed.
fn earlier(files: &[(String, Vec<u8>)]) -> usize {
    let m: toml::Table =
        toml::from_str(std::str::from_utf8(member(files, "manifest.toml")).unwrap()).unwrap();
    m.get("earlier")
        .and_then(|e| e.as_array())
        .map_or(0, Vec::len)
}

/// The feed parses as XML and has one item per episode, each with its GUID, and the
/// `carried` items of an earlier feed.
fn check_feed(feed: &str, eps: &[toml::Value], carried: usize) {
    let mut reader = quick_xml::Reader::from_str(feed);
    let mut items = 0;
    loop {
        match reader.read_event().expect("feed.xml is well-formed XML") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == "item" => items += 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(items, eps.len() + carried, "one item per episode");
    for e in eps {
        let guid = e["guid"].as_str().unwrap();
        assert!(
            feed.contains(&format!(">{guid}</guid>")),
            "{guid} not in feed"
        );
    }
}

/// What one day adds to the previous bundle: everything of the earlier episodes is the
/// same (files, entries, feed items); the feed only gains items (and a newer
/// lastBuildDate). Returns the new episodes' folders.
fn check_day(d: &Path, before: &str, after: &str) -> Vec<String> {
    let v = rawi(d, &["verify", after]);
    assert!(v.status.success(), "{after}: {}", stderr(&v));
    let (old, new) = (members(&d.join(before)), members(&d.join(after)));
    for (name, bytes) in old.iter().filter(|(n, _)| n.starts_with("episodes/")) {
        assert!(
            member(&new, name) == &bytes[..],
            "{after}: {name} changed from {before}"
        );
    }
    let (old_eps, new_eps) = (episodes(&old), episodes(&new));
    assert_eq!(
        &new_eps[..old_eps.len()],
        &old_eps[..],
        "earlier entries kept"
    );
    let added: Vec<&str> = new_eps[old_eps.len()..]
        .iter()
        .map(|e| e["guid"].as_str().unwrap())
        .collect();
    assert!(!added.is_empty());
    let old_feed = std::str::from_utf8(member(&old, "feed.xml")).unwrap();
    let new_feed = std::str::from_utf8(member(&new, "feed.xml")).unwrap();
    check_feed(new_feed, &new_eps, earlier(&new));
    assert_eq!(
        feed_without(new_feed, &added),
        feed_without(old_feed, &[]),
        "{after}: the feed gains items and changes nothing else"
    );
    new_eps[old_eps.len()..]
        .iter()
        .map(|e| e["dir"].as_str().unwrap().to_owned())
        .collect()
}

/// The channel options every day of these podcasts shares.
const CHANNEL: [&str; 6] = [
    "--title",
    "النشرة",
    "--base-url",
    "https://example.org/daily",
    "--cache",
    "clips",
];

/// Writes each day's articles, `(folder, name, text)`, under `d`.
fn write_days(d: &Path, days: &[(&str, &str, &str)]) {
    for (folder, name, text) in days {
        std::fs::create_dir_all(d.join(folder)).unwrap();
        std::fs::write(d.join(folder).join(name), text).unwrap();
    }
}

/// One day's `rawi podcast` run with the shared channel options; it must succeed.
fn day(d: &Path, args: &[&str]) {
    let o = rawi(d, &[&["podcast"], args, &CHANNEL[..]].concat());
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
}

#[test]
fn three_days_keep_their_history() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_days(
        d,
        &[
            ("day1", "story.md", DAY1),
            ("day2", "story.txt", DAY2),
            ("day3", "story.txt", DAY3_SAME_NAME),
            ("day3", "rain.md", DAY3),
        ],
    );
    let day = |args: &[&str]| day(d, args);
    let common = CHANNEL;
    day(&["day1/story.md", "-o", "day1.zip"]);
    day(&[
        "day2/story.txt",
        "--date",
        "2024-05-02",
        "--previous",
        "day1.zip",
        "-o",
        "day2.zip",
    ]);
    assert_eq!(check_day(d, "day1.zip", "day2.zip"), ["episodes/story-2"]);
    // Day 3 is written as a folder, and read back as one on day 4.
    day(&[
        "day3/story.txt",
        "day3/rain.md",
        "--date",
        "2024-05-03",
        "--previous",
        "day2.zip",
        "-o",
        "day3-out",
        "--unpacked",
    ]);
    assert_eq!(
        check_day(d, "day2.zip", "day3-out"),
        ["episodes/rain", "episodes/story-3"]
    );
    let all = episodes(&members(&d.join("day3-out")));
    let guids: std::collections::HashSet<&str> =
        all.iter().map(|e| e["guid"].as_str().unwrap()).collect();
    assert_eq!(guids.len(), 4, "every episode has a GUID of its own");

    // The same URL published again would give two items one GUID: refused.
    let o = rawi(
        d,
        &[
            &[
                "podcast",
                "day1/story.md",
                "--previous",
                "day3-out",
                "-o",
                "again.zip",
            ],
            &common[..],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("GUID of the earlier episode episodes/story"),
        "{}",
        stderr(&o)
    );
    assert!(!d.join("again.zip").exists());

    // Keeping: at most three episodes in all drops the first; ten days before the newest
    // (2 June) leaves only June's.
    std::fs::create_dir_all(d.join("day4")).unwrap();
    std::fs::write(d.join("day4/late.txt"), DAY2.replace("القمح", "الذرة")).unwrap();
    for (keep, n, left) in [
        (
            "--keep-episodes",
            "3",
            ["episodes/rain", "episodes/story-3", "episodes/late"].as_slice(),
        ),
        (
            "--keep-days",
            "10",
            ["episodes/rain", "episodes/late"].as_slice(),
        ),
    ] {
        let out = format!("day4{keep}.zip");
        day(&[
            "day4/late.txt",
            "--date",
            "2024-05-04",
            "--previous",
            "day3-out",
            keep,
            n,
            "-o",
            &out,
        ]);
        let v = rawi(d, &["verify", &out]);
        assert!(v.status.success(), "{out}: {}", stderr(&v));
        let files = members(&d.join(&out));
        let dirs: Vec<String> = episodes(&files)
            .iter()
            .map(|e| e["dir"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(dirs, left, "{keep} {n}");
        assert!(!files.iter().any(|(f, _)| f.starts_with("episodes/story/")));
        check_feed(
            std::str::from_utf8(member(&files, "feed.xml")).unwrap(),
            &episodes(&files),
            0,
        );
    }
    // The dropped folders are retired: on day 5 a new story.txt (no URL, so its GUID
    // comes from its folder) takes none of them, and so no GUID any earlier episode had.
    let kept = members(&d.join("day4--keep-days.zip"));
    let m: toml::Table =
        toml::from_str(std::str::from_utf8(member(&kept, "manifest.toml")).unwrap()).unwrap();
    let retired: Vec<&str> = m["retired"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        retired,
        ["episodes/story", "episodes/story-2", "episodes/story-3"]
    );
    std::fs::create_dir_all(d.join("day5")).unwrap();
    std::fs::write(
        d.join("day5/story.txt"),
        DAY3_SAME_NAME.replace("المعرض", "السوق"),
    )
    .unwrap();
    day(&[
        "day5/story.txt",
        "--date",
        "2024-06-03",
        "--previous",
        "day4--keep-days.zip",
        "-o",
        "day5.zip",
    ]);
    let eps5 = episodes(&members(&d.join("day5.zip")));
    let new = eps5.last().unwrap();
    assert_eq!(new["dir"].as_str(), Some("episodes/story-4"));
    assert!(!guids.contains(new["guid"].as_str().unwrap()));
    let v = rawi(d, &["verify", "day5.zip"]);
    assert!(v.status.success(), "{}", stderr(&v));
}

#[test]
fn a_previous_bundle_is_checked_before_use() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a.md"), DAY1).unwrap();
    std::fs::write(d.join("b.txt"), DAY2).unwrap();
    let base = ["--title", "النشرة", "--cache", "clips"];
    let here = ["--base-url", "https://example.org/daily"];
    let o = rawi(
        d,
        &[
            &["podcast", "a.md", "-o", "prev", "--unpacked"],
            &base[..],
            &here[..],
        ]
        .concat(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let run = |extra: &[&str]| {
        let mut args = [&["podcast", "b.txt", "-o", "next.zip"], extra, &base[..]].concat();
        if !extra.contains(&"--base-url") {
            args.extend(here);
        }
        let o = rawi(d, &args);
        assert_eq!(o.status.code(), Some(2), "{extra:?}: {}", stderr(&o));
        assert!(!d.join("next.zip").exists());
        // Refused before any speech: the run never got to synthesize.
        assert!(!stderr(&o).contains("synthesized"), "{}", stderr(&o));
        stderr(&o)
    };
    // Another podcast (another address): its items' URLs would all change.
    let e = run(&[
        "--previous",
        "prev",
        "--base-url",
        "https://example.org/other",
    ]);
    assert!(e.contains("prev: is another podcast"), "{e}");
    // A shard cannot carry history: the merge does.
    let e = run(&["--previous", "prev", "--shard", "1/2"]);
    assert!(e.contains("--merge"), "{e}");
    // Keeping needs something to keep.
    let o = rawi(
        d,
        &[
            &["podcast", "b.txt", "-o", "next.zip", "--keep-days", "3"],
            &base[..],
            &here[..],
        ]
        .concat(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    // A damaged earlier episode is named, not carried on.
    let audio = d.join("prev/episodes/a/audio/edition.mp3");
    let mut bytes = std::fs::read(&audio).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x55;
    std::fs::write(&audio, bytes).unwrap();
    let e = run(&["--previous", "prev"]);
    assert!(
        e.contains("prev: does not verify") && e.contains("episodes/a/audio/edition.mp3"),
        "{e}"
    );
}

/// The variables of the job runners `--shard auto` reads, which a test's own runs must
/// not inherit (CI may itself run under one).
const RUNNER_VARS: [&str; 8] = [
    "PARALLEL_SEQ",
    "PARALLEL_JOBSLOTS",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_STEP",
    "JOB_COMPLETION_INDEX",
];

/// A command in `dir` with the clip cache under it and no runner's variables but `env`.
fn command(program: &Path, dir: &Path, env: &[(&str, &str)]) -> std::process::Command {
    let mut c = std::process::Command::new(program);
    c.current_dir(dir)
        .env("XDG_CACHE_HOME", dir.join("xdg-cache"));
    for v in RUNNER_VARS {
        c.env_remove(v);
    }
    c.envs(env.iter().copied());
    c
}

/// `--shard auto` under real GNU parallel: three jobs take their slices from
/// `PARALLEL_SEQ`, and their merge is byte-identical to one run. Slurm's and Kubernetes'
/// variables give the slices their arithmetic says; none, or a count that does not fit,
/// is refused.
#[test]
fn shard_auto_under_gnu_parallel_merges_to_one_run() {
    let parallel = common::program("parallel", "parallel");
    let rawi_bin = Path::new(env!("CARGO_BIN_EXE_rawi"));
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let articles = ["a.md", "b.txt", "c.md", "d.txt"];
    for (name, text) in articles.iter().zip([DAY1, DAY2, DAY3, DAY3_SAME_NAME]) {
        std::fs::write(d.join(name), text).unwrap();
    }
    let podcast = |extra: &[&str]| -> Vec<String> {
        let mut a: Vec<String> = ["podcast", "--title", "النشرة", "--cache", "clips"]
            .iter()
            .chain(&articles)
            .map(|s| s.to_string())
            .collect();
        a.extend(extra.iter().map(|s| s.to_string()));
        a
    };
    let one = command(rawi_bin, d, &[])
        .args(podcast(&["-o", "one.zip"]))
        .output()
        .unwrap();
    assert!(one.status.success(), "{}", stderr(&one));
    // -N0: each job takes one of the three inputs and puts none on its command line.
    let p = command(&parallel, d, &[])
        .args(["--will-cite", "--halt", "now,fail=1", "-j2", "-N0"])
        .arg(rawi_bin)
        .args(podcast(&["--shard", "auto/3", "-o", "shard-{#}.zip"]))
        .args([":::", "x", "y", "z"])
        .output()
        .unwrap();
    assert!(p.status.success(), "parallel: {}", stderr(&p));
    for k in 1..=3 {
        let files = members(&d.join(format!("shard-{k}.zip")));
        let m = std::str::from_utf8(member(&files, "manifest.toml")).unwrap();
        assert!(m.contains(&format!("shard = \"{k}/3\"")), "shard {k}: {m}");
    }
    let merged = command(rawi_bin, d, &[])
        .args([
            "podcast",
            "--merge",
            "shard-3.zip",
            "shard-1.zip",
            "shard-2.zip",
        ])
        .args(["-o", "merged.zip"])
        .output()
        .unwrap();
    assert!(merged.status.success(), "{}", stderr(&merged));
    assert_eq!(
        std::fs::read(d.join("merged.zip")).unwrap(),
        std::fs::read(d.join("one.zip")).unwrap(),
        "the shards of GNU parallel merge into the very bytes of one run"
    );

    // Slurm (--array=4-5: the second task) and Kubernetes (index 0 of 2), by their own
    // variables, through the real binary.
    let slice_of = |env: &[(&str, &str)], shard: &str| {
        let o = command(rawi_bin, d, env)
            .args(podcast(&["--shard", shard, "-o", "slice.zip"]))
            .output()
            .unwrap();
        let _ = std::fs::remove_file(d.join("slice.zip"));
        o
    };
    let slurm = [
        ("SLURM_ARRAY_TASK_ID", "5"),
        ("SLURM_ARRAY_TASK_MIN", "4"),
        ("SLURM_ARRAY_TASK_MAX", "5"),
        ("SLURM_ARRAY_TASK_COUNT", "2"),
    ];
    let o = slice_of(&slurm, "auto");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("b.txt") && stderr(&o).contains("d.txt"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("a.md"), "{}", stderr(&o));
    let o = slice_of(&[("JOB_COMPLETION_INDEX", "0")], "auto/2");
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("a.md") && stderr(&o).contains("c.md"),
        "{}",
        stderr(&o)
    );
    // No runner, a Kubernetes index without the count, an index past it: refused.
    for (env, shard, said) in [
        (&[][..], "auto", "found no job runner"),
        (&[("JOB_COMPLETION_INDEX", "0")][..], "auto", "completions"),
        (
            &[("JOB_COMPLETION_INDEX", "2")][..],
            "auto/2",
            "slice 3 of 2",
        ),
    ] {
        let o = slice_of(env, shard);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(said), "{said}: {}", stderr(&o));
        assert!(!d.join("slice.zip").exists());
    }
}

/// `--previous feed.xml`: the published feed alone (its audio stays on the server). Its
/// items are carried on byte for byte, a new episode keeps out of their folders, and the
/// next day's bundle carries them on again.
#[test]
fn a_published_feed_carries_its_items_on() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_days(
        d,
        &[
            ("day1", "story.md", DAY1),
            ("day2", "story.txt", DAY2),
            ("day3", "rain.md", DAY3),
        ],
    );
    let day = |args: &[&str]| day(d, args);
    let common = CHANNEL;
    day(&["day1/story.md", "-o", "day1.zip"]);
    let published = members(&d.join("day1.zip"));
    let feed1 = std::str::from_utf8(member(&published, "feed.xml")).unwrap();
    std::fs::write(d.join("feed.xml"), feed1).unwrap();
    day(&[
        "day2/story.txt",
        "--date",
        "2024-05-02",
        "--previous",
        "feed.xml",
        "-o",
        "day2.zip",
    ]);
    let v = rawi(d, &["verify", "day2.zip"]);
    assert!(v.status.success(), "{}", stderr(&v));
    let files = members(&d.join("day2.zip"));
    let eps = episodes(&files);
    // The item's folder on the server is taken: the new story gets its own.
    assert_eq!(eps.len(), 1);
    assert_eq!(eps[0]["dir"].as_str(), Some("episodes/story-2"));
    assert!(!files.iter().any(|(n, _)| n.starts_with("episodes/story/")));
    let feed2 = std::str::from_utf8(member(&files, "feed.xml")).unwrap();
    let added = eps[0]["guid"].as_str().unwrap();
    assert_eq!(
        feed_without(feed2, &[added]),
        feed_without(feed1, &[]),
        "the feed gains today's item and changes nothing else"
    );
    // The next day carries both on from the bundle.
    day(&["day3/rain.md", "--previous", "day2.zip", "-o", "day3.zip"]);
    assert_eq!(check_day(d, "day2.zip", "day3.zip"), ["episodes/rain"]);
    let feed3 =
        String::from_utf8(member(&members(&d.join("day3.zip")), "feed.xml").to_vec()).unwrap();
    assert_eq!(feed3.matches("<item>").count(), 3);
    // A feed that is not this podcast's, or not XML at all, is refused before speech.
    std::fs::write(
        d.join("other.xml"),
        feed1.replace("<podcast:guid>", "<podcast:guid>0"),
    )
    .unwrap();
    std::fs::write(d.join("broken.xml"), &feed1[..feed1.len() / 2]).unwrap();
    for (file, said) in [
        ("other.xml", "is another podcast's feed"),
        ("broken.xml", "ends inside"),
    ] {
        let o = rawi(
            d,
            &[
                &["podcast", "day3/rain.md", "--previous", file, "-o", "x.zip"],
                &common[..],
            ]
            .concat(),
        );
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(
            stderr(&o).contains(file) && stderr(&o).contains(said),
            "{}",
            stderr(&o)
        );
        assert!(!stderr(&o).contains("synthesized"));
    }
}
