//! `rawi podcast`: many articles, one bundle with an episode per article and a feed.
//!
//! Layout of a podcast bundle:
//!
//! ```text
//! manifest.toml                 the podcast, its episodes, and every member's hash
//! feed.xml                      RSS with Apple and Podcasting 2.0 tags
//! index.html                    links to each episode's read-along page
//! cover.png|jpg                 if --cover was given
//! episodes/<slug>/...           one edition bundle per article (manifest, audio,
//!                               transcripts, chapters, article, read-along page)
//! ```
//!
//! Episodes have a stable position (`index`: the article's place among all articles,
//! sorted by path), so shards built apart (`--shard K/N`) merge back in the same order.

use crate::bundle::manifest::{FileEntry, Manifest, SCHEMA_VERSION};
pub use crate::bundle::podcast_manifest::{
    is_cover_member, EarlierItem, EpisodeEntry, PodcastInfo, PodcastManifest, RunIdentity,
};
use crate::bundle::{feed, page, Bundle};
use crate::edition::Edition;
use crate::error::{Error, Result};
use crate::meta::{is_valid_date, is_web_url};

/// Fallback publication date when an article has no usable date, no `--date` was given and
/// no other article of the batch has one.
pub const FALLBACK_DATE: &str = "2000-01-01";

/// The first difference between two shards' podcasts, in words, if any: the podcast's own
/// settings, then the run's article list and audio options.
fn shard_difference(a: &PodcastInfo, b: &PodcastInfo) -> Option<String> {
    let fields: [(&str, String, String); 7] = [
        ("title", a.title.clone(), b.title.clone()),
        ("description", a.description.clone(), b.description.clone()),
        (
            "author",
            format!("{:?}", a.author),
            format!("{:?}", b.author),
        ),
        (
            "base URL",
            format!("{:?}", a.base_url),
            format!("{:?}", b.base_url),
        ),
        ("category", a.category.clone(), b.category.clone()),
        ("explicit", a.explicit.to_string(), b.explicit.to_string()),
        ("guid", a.guid.clone(), b.guid.clone()),
    ];
    for (what, x, y) in fields {
        if x != y {
            return Some(format!("its podcast {what} is {y:?}, not {x:?}"));
        }
    }
    let (x, y) = (a.run.as_ref()?, b.run.as_ref()?);
    if x.articles != y.articles || x.articles_sha256 != y.articles_sha256 {
        return Some(format!(
            "was cut from another article list ({} articles, digest {}…, not {} articles, digest {}…)",
            y.articles,
            &y.articles_sha256[..y.articles_sha256.len().min(12)],
            x.articles,
            &x.articles_sha256[..x.articles_sha256.len().min(12)],
        ));
    }
    if x.audio != y.audio {
        return Some(format!(
            "was built with other audio options ({}, not {})",
            y.audio, x.audio
        ));
    }
    if x.audio_sha256 != y.audio_sha256 {
        return Some(format!(
            "was built with another voice file, lexicon or cover ({}…, not {}…)",
            &y.audio_sha256[..y.audio_sha256.len().min(12)],
            &x.audio_sha256[..x.audio_sha256.len().min(12)],
        ));
    }
    None
}

/// Checks that the shards given to `--merge` come from one run: the same podcast, the
/// same article list, the same audio options, and that each shard holds every article of
/// its slice (an article that failed in a shard would otherwise vanish from the feed).
/// The error names the shard and the difference.
pub fn check_shard_run(shards: &[(std::path::PathBuf, PodcastManifest)]) -> Result<()> {
    let Some((first_path, first)) = shards.first() else {
        return Ok(());
    };
    for (path, pm) in shards {
        let info = &pm.podcast;
        if info.shard.is_some() && info.run.is_none() {
            return Err(Error::input(
                path,
                "is a shard from an older rawi that does not record its run; rebuild it",
            ));
        }
        if let Some(diff) = shard_difference(&first.podcast, info) {
            return Err(Error::input(
                path,
                format!(
                    "{diff} as in {}; merge shards of one run only",
                    first_path.display()
                ),
            ));
        }
        let (Some(run), Some(shard)) = (&info.run, info.shard.as_deref()) else {
            continue;
        };
        let Ok(shard) = shard.parse::<Shard>() else {
            continue; // check_shard_set names a damaged field.
        };
        let have: std::collections::BTreeSet<usize> = pm.episodes.iter().map(|e| e.index).collect();
        if let Some(stray) = have
            .iter()
            .find(|&&i| i >= run.articles || !shard.contains(i))
        {
            return Err(Error::input(
                path,
                format!(
                    "holds article {} of {}, which is not in shard {shard}",
                    stray + 1,
                    run.articles
                ),
            ));
        }
        let missing: Vec<String> = (0..run.articles)
            .filter(|&i| shard.contains(i) && !have.contains(&i))
            .map(|i| (i + 1).to_string())
            .collect();
        if !missing.is_empty() {
            return Err(Error::input(
                path,
                format!(
                    "is shard {shard} but lacks article{} {} of {} (it failed to build there); rebuild that shard",
                    if missing.len() > 1 { "s" } else { "" },
                    missing.join(", "),
                    run.articles
                ),
            ));
        }
    }
    Ok(())
}

/// One finished episode: its entry and its edition bundle's files (paths relative to
/// its folder).
#[derive(Debug, Clone)]
pub struct Episode {
    /// The entry (audio size and path are filled in from the files).
    pub entry: EpisodeEntry,
    /// The episode's manifest.
    pub manifest: Manifest,
    /// The edition's files.
    pub files: Vec<(String, Vec<u8>)>,
}

/// A `--shard K/N` selection: the K-th (1-based) of N slices.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which slice, 1..=N.
    pub k: usize,
    /// How many slices.
    pub n: usize,
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// Checks that the shards given to `--merge` are a whole set: every one says which slice
/// it is, all of the same N, each slice once. The error names what is missing. Bundles
/// that carry no slice at all (whole podcasts, or shards from an older rawi) are merged
/// as given.
pub fn check_shard_set(shards: &[(std::path::PathBuf, Option<String>)]) -> Result<()> {
    if shards.iter().all(|(_, s)| s.is_none()) {
        return Ok(());
    }
    let mut n_seen: Option<(usize, &std::path::Path)> = None;
    let mut have = std::collections::BTreeMap::new();
    for (path, s) in shards {
        let Some(s) = s else {
            return Err(Error::input(
                path,
                "is not a shard (built without --shard) but the others are; merge shards of one run only",
            ));
        };
        let shard: Shard = s.parse().map_err(|_| {
            Error::input(
                path,
                format!("has a damaged shard field `{s}` in its manifest"),
            )
        })?;
        match n_seen {
            Some((n, first)) if n != shard.n => {
                return Err(Error::input(
                    path,
                    format!(
                        "is shard {shard}, but {} is one of {n}; merge shards of one run only",
                        first.display()
                    ),
                ))
            }
            _ => n_seen = Some((shard.n, path)),
        }
        if let Some(other) = have.insert(shard.k, path) {
            return Err(Error::input(
                path,
                format!("is shard {shard}, and so is {}", other.display()),
            ));
        }
    }
    let n = n_seen.map_or(0, |(n, _)| n);
    let missing: Vec<String> = (1..=n)
        .filter(|k| !have.contains_key(k))
        .map(|k| format!("{k}/{n}"))
        .collect();
    if !missing.is_empty() {
        let first = &shards[0].0;
        return Err(Error::input(
            first,
            format!(
                "the shard set is incomplete: missing shard{} {}; build {} and merge all {n}",
                if missing.len() > 1 { "s" } else { "" },
                missing.join(", "),
                if missing.len() > 1 { "them" } else { "it" },
            ),
        ));
    }
    Ok(())
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("--shard takes K/N with 1 <= K <= N (e.g. 2/8), not `{s}`");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

/// Reads a `--shard` value: `K/N`, or `auto` / `auto/N` for the slice the job runner's
/// variables give (see [`Shard::from_runner`]), read from this process's environment.
pub fn parse_shard_arg(s: &str) -> std::result::Result<Shard, String> {
    let Some(rest) = s.trim().strip_prefix("auto") else {
        return s.parse();
    };
    let count = match rest.strip_prefix('/') {
        None if rest.is_empty() => None,
        Some(n) => Some(
            n.trim()
                .parse::<usize>()
                .ok()
                .filter(|&n| n > 0)
                .ok_or_else(|| format!("--shard auto/N takes a count N of 1 or more, not `{s}`"))?,
        ),
        None => return s.parse(),
    };
    Shard::from_runner(count, &|name| std::env::var(name).ok())
}

/// The job runners `--shard auto` reads its slice from, and the variable that tells each
/// one is running.
const RUNNERS: [(&str, &str); 3] = [
    ("GNU parallel", "PARALLEL_SEQ"),
    ("a Slurm job array", "SLURM_ARRAY_TASK_ID"),
    ("a Kubernetes indexed Job", "JOB_COMPLETION_INDEX"),
];

impl Shard {
    /// The slice of `--shard auto` (or `auto/N`, `count` being N) from the job runner's
    /// own variables, looked up with `var`: GNU parallel's `PARALLEL_SEQ` (from 1) with
    /// N given or its `PARALLEL_JOBSLOTS`; a Slurm array's `SLURM_ARRAY_TASK_ID` less
    /// `SLURM_ARRAY_TASK_MIN`, of `SLURM_ARRAY_TASK_COUNT` (a contiguous array, step 1);
    /// a Kubernetes indexed Job's `JOB_COMPLETION_INDEX` (from 0) with N given. Exactly
    /// one runner's variables must be set; the reason, in words, when they are not or do
    /// not make a slice.
    pub fn from_runner(
        count: Option<usize>,
        var: &dyn Fn(&str) -> Option<String>,
    ) -> std::result::Result<Shard, String> {
        let set: Vec<(&str, &str)> = RUNNERS
            .iter()
            .copied()
            .filter(|(_, v)| var(v).is_some_and(|x| !x.trim().is_empty()))
            .collect();
        let (runner, _) = match set.as_slice() {
            [one] => *one,
            [] => {
                return Err(format!(
                    "--shard auto found no job runner: none of {} is set; run it under one, or give --shard K/N",
                    RUNNERS.map(|(_, v)| v).join(", ")
                ))
            }
            many => {
                return Err(format!(
                    "--shard auto found more than one job runner ({}); give --shard K/N",
                    many.iter()
                        .map(|(r, v)| format!("{v} of {r}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        };
        let number = |name: &str| -> std::result::Result<Option<i64>, String> {
            match var(name) {
                None => Ok(None),
                Some(v) => v
                    .trim()
                    .parse::<i64>()
                    .map(Some)
                    .map_err(|_| format!("--shard auto: {name} is `{v}`, not a whole number")),
            }
        };
        let required = |name: &str, why: &str| -> std::result::Result<i64, String> {
            number(name)?.ok_or_else(|| format!("--shard auto: {runner} sets no {name}; {why}"))
        };
        let (k, n) = match runner {
            "GNU parallel" => {
                let k = required("PARALLEL_SEQ", "")?;
                let n = match (count, number("PARALLEL_JOBSLOTS")?) {
                    (Some(n), _) => n as i64,
                    (None, Some(slots)) => slots,
                    (None, None) => {
                        return Err(
                            "--shard auto: GNU parallel gives the job's number (PARALLEL_SEQ) but not how many jobs there are; give --shard auto/N, or --shard {#}/{##}".into(),
                        )
                    }
                };
                (k, n)
            }
            "a Slurm job array" => {
                let why = "give --shard K/N";
                let id = required("SLURM_ARRAY_TASK_ID", why)?;
                let min = required("SLURM_ARRAY_TASK_MIN", why)?;
                let max = required("SLURM_ARRAY_TASK_MAX", why)?;
                let tasks = required("SLURM_ARRAY_TASK_COUNT", why)?;
                let step = number("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1);
                if step != 1 || max - min + 1 != tasks {
                    return Err(format!(
                        "--shard auto: the Slurm array runs {tasks} tasks from {min} to {max} (step {step}), not one task per index; use --array=1-N (or give --shard K/N)"
                    ));
                }
                if let Some(n) = count.filter(|&n| n as i64 != tasks) {
                    return Err(format!(
                        "--shard auto/{n}: the Slurm array has {tasks} tasks; give --shard auto"
                    ));
                }
                (id - min + 1, tasks)
            }
            _ => {
                let index = required("JOB_COMPLETION_INDEX", "")?;
                let Some(n) = count else {
                    return Err(
                        "--shard auto: a Kubernetes indexed Job gives the index (JOB_COMPLETION_INDEX) but not the count; give --shard auto/N with N the Job's completions".into(),
                    );
                };
                (index + 1, n as i64)
            }
        };
        if k < 1 || n < 1 || k > n {
            return Err(format!(
                "--shard auto: {runner} makes this slice {k} of {n}, which is none; check the runner's job count"
            ));
        }
        Ok(Shard {
            k: k as usize,
            n: n as usize,
        })
    }
}

impl Shard {
    /// Whether the article at `index` (in path order) belongs to this shard: index
    /// modulo N, so slices stay balanced and stable whatever the machine.
    pub fn contains(&self, index: usize) -> bool {
        index % self.n == self.k - 1
    }
}

/// A file-name-safe, URL-safe folder name for each path, unique, in the given order:
/// ASCII letters, digits, `-`, `_` and `.` of the file stem, others become `-`; a name
/// with no ASCII letter or digit becomes `episode-<hash of the name>`. Clashes get `-2`,
/// `-3`… in path order.
pub fn slugs(names: &[String]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names
        .iter()
        .map(|name| {
            let stem = std::path::Path::new(name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut slug: String = stem
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                        c.to_ascii_lowercase()
                    } else {
                        '-'
                    }
                })
                .collect();
            slug = slug.trim_matches(['-', '.']).to_owned();
            if !slug.chars().any(|c| c.is_ascii_alphanumeric()) {
                // An Arabic name: a short hash keeps the folder (and its URL) the same
                // whatever other articles the run has.
                let hash = crate::digest::sha256_hex(stem.as_bytes());
                slug = format!("episode-{}", &hash[..10]);
            }
            let mut candidate = slug.clone();
            let mut n = 2;
            while !seen.insert(candidate.clone()) {
                candidate = format!("{slug}-{n}");
                n += 1;
            }
            candidate
        })
        .collect()
}

/// The podcast's `podcast:guid` and feed URL from its base URL (or title, without one).
pub fn feed_url(base_url: Option<&str>) -> String {
    match base_url {
        Some(b) => format!("{}/feed.xml", b.trim_end_matches('/')),
        None => "feed.xml".into(),
    }
}

/// The guid of an episode: UUIDv5 of the article's URL, else of its episode folder name
/// (from its file name, unique in the run), in the podcast's own namespace — so it
/// survives edits to the text and rebuilds.
pub fn episode_guid(podcast_guid: &str, url: Option<&str>, slug: &str) -> String {
    let ns = uuid::Uuid::parse_str(podcast_guid).unwrap_or(feed::PODCAST_GUID_NAMESPACE);
    let name = match url {
        Some(u) => u.to_owned(),
        None => format!("episode:{slug}"),
    };
    uuid::Uuid::new_v5(&ns, name.as_bytes()).to_string()
}

/// Makes an episode of a built edition: `index` is the article's place among all the
/// run's articles, `slug` its folder name, `fallback_date` (ISO) the date used when the
/// article has none.
pub fn episode(
    ed: &Edition,
    index: usize,
    slug: &str,
    podcast_guid: &str,
    fallback_date: &str,
) -> Result<Episode> {
    let mut bundle = ed.bundle()?;
    let m = &ed.manifest;
    let (pub_date, date_from) = match m
        .article
        .date
        .as_deref()
        .filter(|d| is_valid_date(d))
        .and_then(feed::rfc2822)
    {
        Some(d) => (d, "article"),
        None => (
            feed::rfc2822(fallback_date)
                .or_else(|| feed::rfc2822(FALLBACK_DATE))
                .unwrap_or_default(),
            "fallback",
        ),
    };
    // The manifest as written (with its [[file]] list), which is bundle.files[0].
    let manifest = bundle
        .get("manifest.toml")
        .and_then(|c| Manifest::from_toml(&String::from_utf8_lossy(c)).ok())
        .unwrap_or_else(|| m.clone());
    bundle.files.shrink_to_fit();
    Ok(Episode {
        entry: EpisodeEntry {
            index,
            dir: format!("episodes/{slug}"),
            title: m.article.title.clone(),
            guid: episode_guid(podcast_guid, m.article.url.as_deref(), slug),
            pub_date,
            date_from: date_from.into(),
            audio: String::new(),
            audio_bytes: 0,
            audio_type: ed.format.mime().into(),
            duration_ms: m.audio.duration_ms,
            source_file: m.article.file.clone(),
        },
        manifest,
        files: bundle.files,
    })
}

/// Assembles the podcast bundle from episodes (any order; sorted by index here). A cover
/// is `(member name, bytes)`.
pub fn assemble(info: &PodcastInfo, cover: Option<Cover>, podcast: History) -> Result<Bundle> {
    let History {
        mut episodes,
        earlier,
        retired,
        ..
    } = podcast;
    episodes.sort_by_key(|e| e.entry.index);
    refuse_duplicates(&episodes)?;
    let generator = format!("rawi {}", env!("CARGO_PKG_VERSION"));
    let base = info.base_url.as_deref().map(|b| b.trim_end_matches('/'));
    let mut b = Bundle::default();
    let mut entries = Vec::new();
    for ep in &mut episodes {
        let audio = ep.manifest.audio.path.clone();
        let bytes = ep
            .files
            .iter()
            .find(|(p, _)| *p == audio)
            .map_or(0, |(_, c)| c.len() as u64);
        ep.entry.audio = format!("{}/{audio}", ep.entry.dir);
        ep.entry.audio_bytes = bytes;
        entries.push(ep.entry.clone());
    }
    b.add(
        "feed.xml",
        feed_xml(info, base, &episodes, &earlier, &generator),
    );
    let links: Vec<page::EpisodeLink> = episodes
        .iter()
        .map(|e| page::EpisodeLink {
            title: &e.entry.title,
            dir: &e.entry.dir,
            duration_ms: e.entry.duration_ms,
        })
        .collect();
    b.add(
        "index.html",
        page::podcast(&info.title, &info.description, &links),
    );
    if let Some((name, bytes)) = cover {
        b.add(name, bytes);
    }
    for ep in episodes {
        for (p, c) in ep.files {
            b.add(format!("{}/{p}", ep.entry.dir), c);
        }
    }
    let manifest = PodcastManifest {
        schema_version: SCHEMA_VERSION,
        generator,
        retired,
        podcast: info.clone(),
        episodes: entries,
        earlier,
        files: b.files.iter().map(|(p, c)| FileEntry::of(p, c)).collect(),
    };
    b.files
        .insert(0, ("manifest.toml".into(), manifest.to_toml().into_bytes()));
    Ok(b)
}

/// Refuses episodes (sorted by index) where two share a folder or an index: the same
/// shard's outputs given twice would otherwise publish an episode twice.
fn refuse_duplicates(episodes: &[Episode]) -> Result<()> {
    for w in episodes.windows(2) {
        if w[0].entry.dir == w[1].entry.dir || w[0].entry.index == w[1].entry.index {
            return Err(Error::output(
                &w[1].entry.dir,
                "appears twice (were the same shard's outputs given twice?)",
            ));
        }
    }
    Ok(())
}

/// The RSS feed: the channel from `info`, an item per episode, newest first, and the
/// earlier runs' items carried as they were. Members are addressed under `base`, when
/// the podcast has one.
fn feed_xml(
    info: &PodcastInfo,
    base: Option<&str>,
    episodes: &[Episode],
    earlier: &[EarlierItem],
    generator: &str,
) -> String {
    let url = |member: &str| match base {
        Some(b) => format!("{b}/{member}"),
        None => member.to_owned(),
    };
    let descriptions: Vec<String> = episodes.iter().map(|e| describe(&e.manifest)).collect();
    let items: Vec<feed::Item> = episodes
        .iter()
        .zip(&descriptions)
        .rev() // newest first is what apps expect; index order is oldest first
        .map(|(ep, d)| feed::Item {
            title: &ep.entry.title,
            description: d,
            // Only a web address may become a link: a shard's manifest is not trusted to
            // hold only what rawi wrote (a `javascript:` URL must never reach a reader).
            link: ep.manifest.article.url.as_deref().filter(|u| is_web_url(u)),
            guid: &ep.entry.guid,
            pub_date: &ep.entry.pub_date,
            enclosure_url: url(&ep.entry.audio),
            enclosure_length: ep.entry.audio_bytes,
            enclosure_type: &ep.entry.audio_type,
            duration_s: (ep.entry.duration_ms + 500) / 1000,
            dir_url: url(&format!("{}/", ep.entry.dir)),
        })
        .collect();
    let last_build = newest(
        episodes
            .iter()
            .map(|e| e.entry.pub_date.as_str())
            .chain(earlier.iter().map(|e| e.pub_date.as_str())),
    );
    let (top, sub) = match info.category.split_once('/') {
        Some((t, s)) => (t.trim(), Some(s.trim())),
        None => (info.category.trim(), None),
    };
    let image = info.cover.as_deref().map(url);
    let feed_url = feed_url(base);
    let channel = feed::Channel {
        title: &info.title,
        description: &info.description,
        author: info.author.as_deref(),
        link: base.unwrap_or(""),
        feed_url: &feed_url,
        image: image.as_deref(),
        category: (top, sub),
        explicit: info.explicit,
        guid: info.guid.clone(),
        last_build: last_build.as_deref(),
        generator,
    };
    let carried: Vec<&str> = earlier.iter().map(|e| e.xml.as_str()).collect();
    feed::write(&channel, &items, &carried)
}

/// An item description: the story's first sentences (dateline, paragraphs and quotes;
/// no headings), up to about 300 chars, the dateline set off with a dash as in print.
fn describe(m: &Manifest) -> String {
    let mut out = String::new();
    let mut after_dateline = false;
    let body = m
        .sentences
        .iter()
        .filter(|s| matches!(s.kind.as_str(), "dateline" | "paragraph" | "quote"));
    for s in body {
        if out.chars().count() > 300 {
            break;
        }
        if after_dateline {
            out.push_str(" – ");
        } else if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(s.text.trim());
        after_dateline = s.kind == "dateline";
    }
    if out.is_empty() {
        out = m.article.title.clone();
    }
    out
}

/// The newest of RFC 2822 dates, compared as instants (offsets counted).
fn newest<'a>(dates: impl Iterator<Item = &'a str>) -> Option<String> {
    dates
        .filter_map(|d| Some((jiff::fmt::rfc2822::parse(d).ok()?.timestamp(), d.to_owned())))
        .max()
        .map(|(_, d)| d)
}

/// How much of the earlier episodes a podcast with history keeps (`--keep-days`,
/// `--keep-episodes`); today's episodes are always kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Keep {
    /// Earlier episodes dated more than this many days before the newest episode are
    /// dropped.
    pub days: Option<u32>,
    /// At most this many episodes in all: the earliest earlier ones are dropped first.
    pub episodes: Option<usize>,
}

/// Checks that a previous bundle (read from `origin`) may carry its episodes into the
/// podcast `info`: a whole podcast (not one shard), and the same podcast (the same
/// `podcast:guid`, so the earlier items' enclosure URLs stay what listeners have).
pub fn check_previous(
    info: &PodcastInfo,
    previous: &PodcastManifest,
    origin: &std::path::Path,
) -> Result<()> {
    let before = &previous.podcast;
    if before.shard.is_some() {
        return Err(Error::input(
            origin,
            "is one shard of a run, not a whole podcast; give the merged podcast as --previous",
        ));
    }
    if before.guid != info.guid || before.base_url != info.base_url {
        return Err(Error::input(
            origin,
            format!(
                "is another podcast (podcast:guid {}, this one is {}); give the same --base-url (or, without one, the same --title) as the previous run",
                before.guid, info.guid
            ),
        ));
    }
    Ok(())
}

/// What a podcast carries on from its previous bundle or feed: its episodes (with their
/// files) and the items whose audio is only on the server.
#[derive(Debug, Clone, Default)]
pub struct History {
    /// Earlier episodes, whole.
    pub episodes: Vec<Episode>,
    /// Earlier feed items without their audio, newest first.
    pub earlier: Vec<EarlierItem>,
    /// Where a carried feed item's audio lives: `episodes/<name>` folders its enclosure
    /// URLs point into, which no new episode may take.
    pub folders: std::collections::HashSet<String>,
    /// Folders of episodes and items dropped before, which no new episode may take.
    pub retired: Vec<String>,
}

/// Joins today's episodes to what the previous bundle or feed carries (`previous`, read
/// from `origin`, verified and checked by [`check_previous`]). The earlier episodes and
/// items are kept as they were — files, folders, GUIDs, dates, places, item XML — except
/// those `keep` drops; today's come after them (their places follow the previous
/// bundle's last), and one whose folder an earlier episode or item holds takes the next
/// free name (`story-2`), with the GUID that name gives. An article whose GUID an earlier
/// one already has (the same URL published again) is refused: two items with one GUID
/// make podcast apps drop one.
pub fn with_history(
    info: &PodcastInfo,
    previous: History,
    mut today: Vec<Episode>,
    keep: Keep,
    origin: &std::path::Path,
) -> Result<History> {
    let History {
        episodes: mut history,
        earlier,
        folders,
        retired,
    } = previous;
    history.sort_by_key(|e| e.entry.index);
    let next_index = history.last().map_or(0, |e| e.entry.index + 1);
    today.sort_by_key(|e| e.entry.index);
    // Every folder the podcast has used, kept or dropped, is taken for good.
    let mut taken = folders;
    taken.extend(retired);
    taken.extend(history.iter().map(|e| e.entry.dir.clone()));
    let (history, earlier) = drop_old(history, earlier, today.len(), keep);
    let mut kept = item_folders(&earlier, info.base_url.as_deref());
    kept.extend(history.iter().map(|e| e.entry.dir.clone()));
    let mut retired: Vec<String> = taken.difference(&kept).cloned().collect();
    retired.sort();
    let mut used = taken.clone();
    used.extend(today.iter().map(|e| e.entry.dir.clone()));
    let guids: std::collections::HashMap<&str, String> = history
        .iter()
        .map(|h| {
            (
                h.entry.guid.as_str(),
                format!("{} («{}»)", h.entry.dir, h.entry.title),
            )
        })
        .chain(
            earlier
                .iter()
                .map(|e| (e.guid.as_str(), format!("item «{}»", e.title))),
        )
        .collect();
    for ep in &mut today {
        ep.entry.index += next_index;
        if taken.contains(&ep.entry.dir) {
            let stem = ep.entry.dir.trim_start_matches("episodes/").to_owned();
            let mut n = 2;
            while used.contains(&format!("episodes/{stem}-{n}")) {
                n += 1;
            }
            let slug = format!("{stem}-{n}");
            ep.entry.dir = format!("episodes/{slug}");
            ep.entry.guid = episode_guid(&info.guid, ep.manifest.article.url.as_deref(), &slug);
            used.insert(ep.entry.dir.clone());
        }
        if let Some(old) = guids.get(ep.entry.guid.as_str()) {
            return Err(Error::input(
                &ep.entry.source_file,
                format!(
                    "has the GUID of the earlier episode {old} of {} (the same URL again); give it another url, or leave it out",
                    origin.display()
                ),
            ));
        }
    }
    let mut episodes = history;
    episodes.extend(today);
    Ok(History {
        episodes,
        earlier,
        folders: std::collections::HashSet::new(),
        retired,
    })
}

impl History {
    /// What a previous podcast bundle carries on: its episodes and the items it carries
    /// itself, with their folders kept from new episodes.
    pub fn of_bundle(contents: Contents) -> History {
        let base = contents.manifest.podcast.base_url.clone();
        let earlier = contents.manifest.earlier;
        History {
            folders: item_folders(&earlier, base.as_deref()),
            episodes: contents.episodes,
            earlier,
            retired: contents.manifest.retired,
        }
    }
}

/// The `episodes/<name>` folders that carried items' enclosure URLs point into (under
/// `base`, the podcast's address).
fn item_folders(items: &[EarlierItem], base: Option<&str>) -> std::collections::HashSet<String> {
    let prefix = match base {
        Some(b) => format!("{}/episodes/", b.trim_end_matches('/')),
        None => "episodes/".to_owned(),
    };
    items
        .iter()
        .filter_map(|e| e.enclosure_url.strip_prefix(&prefix))
        .filter_map(|rest| rest.split('/').next())
        .filter(|name| !name.is_empty())
        .map(|name| format!("episodes/{name}"))
        .collect()
}

/// Whether a previous podcast given as a file is a published feed (XML) rather than a
/// bundle.
pub fn is_feed(head: &[u8]) -> bool {
    let text = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    text[start..].starts_with(b"<?xml") || text[start..].starts_with(b"<rss")
}

/// Reads a published feed (`origin`) as the history of the podcast `info`: well-formed
/// XML whose `podcast:guid` is this podcast's, every item with a GUID of its own, a
/// `pubDate` and an enclosure (URL and length). Each item is kept as the bytes it was
/// published as. Their audio is not in hand: it stays where the feed says it is.
pub fn read_feed(text: &str, info: &PodcastInfo, origin: &std::path::Path) -> Result<History> {
    let bad = |why: String| {
        Error::input(
            origin,
            format!("{why}; give the feed this podcast published"),
        )
    };
    let parsed = parse_feed(text).map_err(bad)?;
    if parsed.guid.as_deref() != Some(info.guid.as_str()) {
        return Err(Error::input(
            origin,
            format!(
                "is another podcast's feed (podcast:guid {}, this one is {}); give the same --base-url (or, without one, the same --title) as the run that published it",
                parsed.guid.as_deref().unwrap_or("none"),
                info.guid
            ),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for item in &parsed.items {
        if !seen.insert(item.guid.as_str()) {
            return Err(bad(format!("has two items with the GUID {}", item.guid)));
        }
    }
    Ok(History {
        folders: item_folders(&parsed.items, info.base_url.as_deref()),
        episodes: Vec::new(),
        earlier: parsed.items,
        retired: Vec::new(),
    })
}

/// A feed, parsed: the channel's `podcast:guid` and its items.
struct ParsedFeed {
    guid: Option<String>,
    items: Vec<EarlierItem>,
}

/// Parses a feed with quick-xml; the reason, in words, when it is not one rawi can carry
/// on.
fn parse_feed(text: &str) -> std::result::Result<ParsedFeed, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut path: Vec<String> = Vec::new();
    let mut feed = ParsedFeed {
        guid: None,
        items: Vec::new(),
    };
    // The item being read: where it starts, and its fields so far.
    let mut item: Option<(usize, std::collections::HashMap<String, String>)> = None;
    let mut text_of = String::new();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader
            .read_event()
            .map_err(|e| format!("is not well-formed XML ({e})"))?;
        match event {
            Event::Start(e) => {
                let name = e.name().as_ref().to_owned();
                path.push(name);
                text_of.clear();
                if path == ["rss", "channel", "item"] {
                    item = Some((before, std::collections::HashMap::new()));
                }
                if let (Some((_, fields)), true) =
                    (&mut item, path.last().is_some_and(|n| n == "enclosure"))
                {
                    enclosure_fields(&e, fields)?;
                }
            }
            Event::Empty(e) => {
                if let (Some((_, fields)), true) = (&mut item, e.name().as_ref() == "enclosure") {
                    enclosure_fields(&e, fields)?;
                }
            }
            Event::Text(t) => text_of.push_str(&t.xml10_content()),
            Event::CData(t) => text_of.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name: String = r.as_ref().to_owned();
                let c = match name.as_str() {
                    "amp" => "&".to_owned(),
                    "lt" => "<".to_owned(),
                    "gt" => ">".to_owned(),
                    "quot" => "\"".to_owned(),
                    "apos" => "'".to_owned(),
                    other => r
                        .resolve_char_ref()
                        .ok()
                        .flatten()
                        .map(String::from)
                        .ok_or_else(|| format!("uses the unknown entity &{other};"))?,
                };
                text_of.push_str(&c);
            }
            Event::End(_) => {
                let here = path.join("/");
                if here == "rss/channel/podcast:guid" {
                    feed.guid = Some(text_of.trim().to_owned());
                }
                if let Some((_, fields)) = &mut item {
                    if let Some(field) = here.strip_prefix("rss/channel/item/") {
                        if matches!(field, "guid" | "pubDate" | "title") {
                            fields.insert(field.to_owned(), text_of.trim().to_owned());
                        }
                    }
                }
                if here == "rss/channel/item" {
                    let end = reader.buffer_position() as usize;
                    if let Some((start, fields)) = item.take() {
                        let xml = text.get(start..end).unwrap_or_default().to_owned();
                        feed.items.push(earlier_item(fields, xml)?);
                    }
                }
                path.pop();
                text_of.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !path.is_empty() {
        return Err(format!("ends inside <{}>", path.join("/")));
    }
    Ok(feed)
}

/// An enclosure's `url` and `length`, into an item's fields.
#[allow(deprecated)] // unescape_value: its replacement's signature is still settling
fn enclosure_fields(
    e: &quick_xml::events::BytesStart,
    fields: &mut std::collections::HashMap<String, String>,
) -> std::result::Result<(), String> {
    for a in e.attributes() {
        let a = a.map_err(|e| format!("has a bad enclosure attribute ({e})"))?;
        let key: String = a.key.as_ref().to_owned();
        if matches!(key.as_str(), "url" | "length") {
            let v = a
                .unescape_value()
                .map_err(|e| format!("has a bad enclosure {key} ({e})"))?;
            fields.insert(format!("enclosure {key}"), v.into_owned());
        }
    }
    Ok(())
}

/// An item of a published feed, once it has what a feed item needs.
fn earlier_item(
    mut fields: std::collections::HashMap<String, String>,
    xml: String,
) -> std::result::Result<EarlierItem, String> {
    let title = fields.remove("title").unwrap_or_default();
    let mut need = |key: &str| {
        fields
            .remove(key)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| format!("has an item («{title}») without {key}"))
    };
    let guid = need("guid")?;
    let pub_date = need("pubDate")?;
    let enclosure_url = need("enclosure url")?;
    let length = need("enclosure length")?;
    if jiff::fmt::rfc2822::parse(&pub_date).is_err() {
        return Err(format!(
            "has an item («{title}») whose pubDate `{pub_date}` is not an RFC 2822 date"
        ));
    }
    let enclosure_length = length.parse().map_err(|_| {
        format!("has an item («{title}») whose enclosure length `{length}` is not a number")
    })?;
    Ok(EarlierItem {
        guid,
        title,
        pub_date,
        enclosure_url,
        enclosure_length,
        xml,
    })
}

/// The instant of an episode's publication date, if it parses.
fn instant(e: &Episode) -> Option<jiff::Timestamp> {
    jiff::fmt::rfc2822::parse(&e.entry.pub_date)
        .ok()
        .map(|z| z.timestamp())
}

/// The earlier episodes (in place order) and items (newest first) that `keep` leaves
/// beside `today` new episodes: those dated within `keep.days` of the newest of them all,
/// then the newest so that at most `keep.episodes` remain in all (on equal dates, an
/// item only in the feed goes before an episode, an earlier place before a later one).
fn drop_old(
    history: Vec<Episode>,
    earlier: Vec<EarlierItem>,
    today: usize,
    keep: Keep,
) -> (Vec<Episode>, Vec<EarlierItem>) {
    let item_time = |e: &EarlierItem| {
        jiff::fmt::rfc2822::parse(&e.pub_date)
            .ok()
            .map(|z| z.timestamp())
    };
    // (date, 0 for an item and 1 for an episode, place) of everything carried; the
    // oldest first.
    let mut order: Vec<(Option<jiff::Timestamp>, usize, usize)> = earlier
        .iter()
        .enumerate()
        .map(|(i, e)| (item_time(e), 0, earlier.len() - i))
        .chain(history.iter().map(|e| (instant(e), 1, e.entry.index)))
        .collect();
    order.sort();
    let newest = order.iter().filter_map(|o| o.0).max();
    let mut dropped = std::collections::HashSet::new();
    if let (Some(days), Some(newest)) = (keep.days, newest) {
        let span = jiff::SignedDuration::from_hours(24 * i64::from(days));
        let oldest = newest.checked_sub(span).unwrap_or(jiff::Timestamp::MIN);
        dropped.extend(
            order
                .iter()
                .filter(|o| o.0.is_none_or(|t| t < oldest))
                .map(|o| (o.1, o.2)),
        );
    }
    if let Some(n) = keep.episodes {
        let room = n.saturating_sub(today);
        let left: Vec<(usize, usize)> = order
            .iter()
            .map(|o| (o.1, o.2))
            .filter(|k| !dropped.contains(k))
            .collect();
        dropped.extend(left.iter().take(left.len().saturating_sub(room)).copied());
    }
    let n = earlier.len();
    (
        history
            .into_iter()
            .filter(|e| !dropped.contains(&(1, e.entry.index)))
            .collect(),
        earlier
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !dropped.contains(&(0, n - i)))
            .map(|(_, e)| e)
            .collect(),
    )
}

/// A cover image: (member name, bytes).
pub type Cover = (String, Vec<u8>);

/// What a podcast bundle holds, read back for `--merge`.
#[derive(Debug, Clone)]
pub struct Contents {
    /// Its manifest.
    pub manifest: PodcastManifest,
    /// Its cover, if any.
    pub cover: Option<Cover>,
    /// Its episodes.
    pub episodes: Vec<Episode>,
}

/// Reads the episodes of a podcast bundle (a shard's output), for `--merge`.
pub fn read_episodes(bundle: &Bundle, origin: &std::path::Path) -> Result<Contents> {
    let text = bundle.get("manifest.toml").ok_or_else(|| {
        Error::input(origin, "has no manifest.toml; is it a rawi podcast bundle?")
    })?;
    let pm = PodcastManifest::from_toml(&String::from_utf8_lossy(text)).map_err(|e| {
        Error::input(
            origin,
            format!("is not a podcast bundle (manifest.toml: {e})"),
        )
    })?;
    let cover = match &pm.podcast.cover {
        Some(c) if !is_cover_member(c) => {
            return Err(Error::input(
                origin,
                format!("names `{c}` as its cover; a cover is cover.png or cover.jpg"),
            ))
        }
        Some(c) => bundle.get(c).map(|bytes| (c.clone(), bytes.to_vec())),
        None => None,
    };
    let mut episodes = Vec::new();
    for entry in &pm.episodes {
        let slug = entry.dir.strip_prefix("episodes/").unwrap_or("");
        let slug_ok = !slug.is_empty()
            && slug
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && slug != "."
            && slug != "..";
        if !slug_ok {
            return Err(Error::input(
                origin,
                format!("episode folder `{}` is not episodes/<name>", entry.dir),
            ));
        }
        let prefix = format!("{}/", entry.dir);
        let files: Vec<(String, Vec<u8>)> = bundle
            .files
            .iter()
            .filter_map(|(p, c)| p.strip_prefix(&prefix).map(|r| (r.to_owned(), c.clone())))
            .collect();
        let mtext = files
            .iter()
            .find(|(p, _)| p == "manifest.toml")
            .ok_or_else(|| Error::input(origin, format!("{prefix}manifest.toml is missing")))?;
        let manifest = Manifest::from_toml(&String::from_utf8_lossy(&mtext.1))
            .map_err(|e| Error::input(origin, format!("{prefix}manifest.toml: {e}")))?;
        episodes.push(Episode {
            entry: entry.clone(),
            manifest,
            files,
        });
    }
    Ok(Contents {
        manifest: pm,
        cover,
        episodes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition() {
        let s: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
        for i in 0..10 {
            assert_eq!(s.iter().filter(|x| x.contains(i)).count(), 1);
        }
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
        assert_eq!(s[1].to_string(), "2/3");
    }

    #[test]
    fn runners_give_the_slice() {
        let run = |count: Option<usize>, vars: &[(&str, &str)]| {
            let vars: std::collections::HashMap<String, String> = vars
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            Shard::from_runner(count, &|name| vars.get(name).cloned()).map(|s| s.to_string())
        };
        assert_eq!(run(Some(4), &[("PARALLEL_SEQ", "3")]).unwrap(), "3/4");
        assert_eq!(
            run(None, &[("PARALLEL_SEQ", "2"), ("PARALLEL_JOBSLOTS", "2")]).unwrap(),
            "2/2"
        );
        assert!(run(None, &[("PARALLEL_SEQ", "3")])
            .unwrap_err()
            .contains("auto/N"));
        assert!(run(Some(2), &[("PARALLEL_SEQ", "3")])
            .unwrap_err()
            .contains("3 of 2"));
        // Slurm numbers tasks from its array's first index (--array=4-6 is 3 tasks).
        let slurm = |id: &str, step: &str| {
            [
                ("SLURM_ARRAY_TASK_ID", id.to_owned()),
                ("SLURM_ARRAY_TASK_MIN", "4".into()),
                ("SLURM_ARRAY_TASK_MAX", "6".into()),
                ("SLURM_ARRAY_TASK_COUNT", "3".into()),
                ("SLURM_ARRAY_TASK_STEP", step.to_owned()),
            ]
        };
        let with = |v: Vec<(&str, String)>, count| {
            let pairs: Vec<(&str, &str)> = v.iter().map(|(k, x)| (*k, x.as_str())).collect();
            run(count, &pairs)
        };
        assert_eq!(with(slurm("4", "1").to_vec(), None).unwrap(), "1/3");
        assert_eq!(with(slurm("6", "1").to_vec(), Some(3)).unwrap(), "3/3");
        assert!(with(slurm("6", "2").to_vec(), None)
            .unwrap_err()
            .contains("step 2"));
        assert!(with(slurm("5", "1").to_vec(), Some(8))
            .unwrap_err()
            .contains("3 tasks"));
        assert!(run(None, &[("SLURM_ARRAY_TASK_ID", "1")])
            .unwrap_err()
            .contains("SLURM_ARRAY_TASK_MIN"));
        // Kubernetes counts from 0 and needs the count.
        assert_eq!(
            run(Some(8), &[("JOB_COMPLETION_INDEX", "0")]).unwrap(),
            "1/8"
        );
        assert_eq!(
            run(Some(8), &[("JOB_COMPLETION_INDEX", "7")]).unwrap(),
            "8/8"
        );
        assert!(run(Some(8), &[("JOB_COMPLETION_INDEX", "8")]).is_err());
        assert!(run(None, &[("JOB_COMPLETION_INDEX", "0")])
            .unwrap_err()
            .contains("completions"));
        assert!(run(Some(8), &[("JOB_COMPLETION_INDEX", "x")])
            .unwrap_err()
            .contains("not a whole number"));
        // None, or two at once, is refused, naming the variables.
        assert!(run(Some(2), &[])
            .unwrap_err()
            .contains("PARALLEL_SEQ, SLURM_ARRAY_TASK_ID"));
        assert!(run(
            Some(2),
            &[("PARALLEL_SEQ", "1"), ("JOB_COMPLETION_INDEX", "0")]
        )
        .unwrap_err()
        .contains("more than one"));
    }

    #[test]
    fn shard_sets_must_be_whole() {
        let set = |v: &[Option<&str>]| -> Vec<(std::path::PathBuf, Option<String>)> {
            v.iter()
                .enumerate()
                .map(|(i, s)| (format!("s{i}.zip").into(), s.map(str::to_owned)))
                .collect()
        };
        assert!(check_shard_set(&set(&[Some("1/2"), Some("2/2")])).is_ok());
        assert!(check_shard_set(&set(&[None, None])).is_ok());
        let e = check_shard_set(&set(&[Some("1/3")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing shards 2/3, 3/3"), "{e}");
        assert!(check_shard_set(&set(&[Some("1/2"), Some("1/2")])).is_err());
        assert!(check_shard_set(&set(&[Some("1/2"), Some("2/3")])).is_err());
        assert!(check_shard_set(&set(&[Some("1/2"), None])).is_err());
    }

    #[test]
    fn slugs_are_unique_and_safe() {
        let names: Vec<String> = ["a/Gaza News.md", "b/gaza-news.txt", "خبر.txt", "x.y.txt"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let s = slugs(&names);
        assert_eq!(&s[..2], ["gaza-news", "gaza-news-2"]);
        assert!(s[2].starts_with("episode-") && s[2].len() == 18, "{}", s[2]);
        assert_eq!(s[3], "x.y");
        // The same Arabic name gives the same folder whatever comes before it.
        assert_eq!(slugs(&names[2..3])[0], s[2]);
    }

    #[test]
    fn newest_date() {
        let d = newest(
            [
                "Wed, 01 May 2024 00:00:00 +0000",
                "Sat, 01 Jun 2024 00:00:00 +0000",
            ]
            .into_iter(),
        );
        assert_eq!(d.unwrap(), "Sat, 01 Jun 2024 00:00:00 +0000");
    }
}
