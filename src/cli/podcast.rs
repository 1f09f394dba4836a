//! `rawi podcast`: one bundle with an episode per article and a feed, or the merge of
//! sharded runs.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::make::{exit_code, inputs, select, Done, MakeArgs, Maker};
use crate::article;
use crate::bundle::{feed, verify};
use crate::encode::Format;
use crate::error::{Error, Result};
use crate::fsx::{self, OutputKind};
use crate::podcast::{self, PodcastInfo};

/// The channel options of `rawi podcast`.
#[derive(clap::Args, Debug)]
pub(crate) struct ChannelArgs {
    /// Podcast title (required unless merging).
    #[arg(long)]
    title: Option<String>,
    /// Podcast description (default: the title).
    #[arg(long)]
    description: Option<String>,
    /// Podcast author.
    #[arg(long)]
    author: Option<String>,
    /// Where the bundle will be published; enclosure and image URLs start with it.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Cover image (PNG or JPEG; Apple asks for 1400 to 3000 px square).
    #[arg(long, value_name = "FILE")]
    cover: Option<PathBuf>,
    /// Apple Podcasts category, `Top` or `Top/Sub`.
    #[arg(long, default_value = "News/Daily News")]
    category: String,
    /// Mark the podcast as explicit.
    #[arg(long)]
    explicit: bool,
}

/// The history options of `rawi podcast`: the earlier episodes a run carries on.
#[derive(clap::Args, Debug)]
pub(crate) struct HistoryArgs {
    /// The previous podcast bundle (zip or folder), or its published feed.xml: its
    /// episodes (or feed items) are kept as they are, checked first, and today's are
    /// added after them.
    #[arg(long, value_name = "BUNDLE|FEED")]
    previous: Option<PathBuf>,
    /// Drop earlier episodes dated more than N days before the newest episode.
    #[arg(long, value_name = "N", requires = "previous")]
    keep_days: Option<u32>,
    /// Keep at most N episodes in all, dropping the earliest earlier ones first (today's
    /// are always kept).
    #[arg(long, value_name = "N", requires = "previous", value_parser = clap::value_parser!(u64).range(1..))]
    keep_episodes: Option<u64>,
}

impl HistoryArgs {
    /// Reads the previous bundle or feed, if one was given, once it verifies (a bundle)
    /// or parses (a feed) and is this podcast's: before any speech is made, so a wrong one
    /// costs nothing.
    fn load(&self, info: &PodcastInfo) -> Result<Option<podcast::History>> {
        let Some(path) = &self.previous else {
            return Ok(None);
        };
        if path.is_file() && podcast::is_feed(&head(path)?) {
            let text = fsx::read_input_text(path, crate::limits::MAX_FEED_BYTES, "feed")?;
            return podcast::read_feed(&text, info, path).map(Some);
        }
        let pm = verified_podcast(
            path,
            "the previous podcast as published; give the last bundle (or feed.xml) this podcast published",
        )?;
        podcast::check_previous(info, &pm, path)?;
        let b = verify::read_bundle(path)?;
        let contents = podcast::read_episodes(&b, path)?;
        Ok(Some(podcast::History::of_bundle(contents)))
    }

    /// Joins `today` to what the previous bundle or feed carries, if anything.
    fn join(
        &self,
        info: &PodcastInfo,
        previous: Option<podcast::History>,
        today: Vec<podcast::Episode>,
    ) -> Result<podcast::History> {
        let (Some(path), Some(previous)) = (&self.previous, previous) else {
            return Ok(podcast::History {
                episodes: today,
                ..Default::default()
            });
        };
        let keep = podcast::Keep {
            days: self.keep_days,
            episodes: self
                .keep_episodes
                .map(|n| usize::try_from(n).unwrap_or(usize::MAX)),
        };
        podcast::with_history(info, previous, today, keep, path)
    }
}

/// The first bytes of a file, to tell a feed from a zip.
fn head(path: &Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let mut head = Vec::new();
    fsx::open_input(path, u64::MAX, "previous podcast")?
        .take(64)
        .read_to_end(&mut head)
        .map_err(|e| Error::input(path, format!("cannot be read: {e}")))?;
    Ok(head)
}

/// Verifies a podcast bundle given as an input (a shard, the previous podcast) by
/// streaming it, and reads its manifest: a bundle that does not verify is refused, naming
/// its first problem, before anything of it is used.
fn verified_podcast(path: &Path, what: &str) -> Result<podcast::PodcastManifest> {
    let problems = verify::verify(path)?;
    if let Some(p) = problems.first() {
        return Err(Error::input(
            path,
            format!("does not verify ({p}); it must be {what}"),
        ));
    }
    let manifest = verify::read_member_text(path, "manifest.toml")?;
    podcast::PodcastManifest::from_toml(&manifest).map_err(|e| {
        Error::input(
            path,
            format!("is not a podcast bundle (manifest.toml: {e})"),
        )
    })
}

impl ChannelArgs {
    /// The podcast info, from these options over `base` (a shard's, when merging).
    fn info(&self, base: Option<&PodcastInfo>) -> Result<PodcastInfo> {
        let title = self
            .title
            .clone()
            .or_else(|| base.map(|b| b.title.clone()))
            .filter(|t| !t.trim().is_empty())
            .ok_or_else(|| Error::input("--title", "is required: name the podcast with --title"))?;
        let base_url = self
            .base_url
            .clone()
            .or_else(|| base.and_then(|b| b.base_url.clone()))
            .map(|u| u.trim_end_matches('/').to_owned());
        if let Some(u) = &base_url {
            check_base_url(u).map_err(|why| {
                Error::input(
                    "--base-url",
                    format!("`{}` {why}", crate::error::redacted_url(u)),
                )
            })?;
        }
        let category = if self.category != "News/Daily News" || base.is_none() {
            self.category.clone()
        } else {
            base.map(|b| b.category.clone()).unwrap_or_default()
        };
        feed::check_category(&category)
            .map_err(|why| Error::input("--category", format!("`{category}` {why}")))?;
        let guid = match &base_url {
            Some(u) => feed::podcast_guid(&podcast::feed_url(Some(u))).to_string(),
            None => uuid::Uuid::new_v5(&feed::PODCAST_GUID_NAMESPACE, title.as_bytes()).to_string(),
        };
        let explicit = self.explicit || base.is_some_and(|b| b.explicit);
        Ok(PodcastInfo {
            description: self
                .description
                .clone()
                .or_else(|| base.map(|b| b.description.clone()))
                .unwrap_or_else(|| title.clone()),
            author: self
                .author
                .clone()
                .or_else(|| base.and_then(|b| b.author.clone())),
            category,
            explicit,
            guid,
            cover: base.and_then(|b| b.cover.clone()),
            // A merged podcast, or a whole one, is no shard; a sharded run sets it.
            shard: None,
            run: None,
            base_url,
            title,
        })
    }

    /// The cover member (name, bytes), if `--cover` was given.
    fn cover(&self) -> Result<Option<(String, Vec<u8>)>> {
        let Some(path) = &self.cover else {
            return Ok(None);
        };
        let cover = super::make::read_cover(path)?;
        let name = if cover.mime == "image/png" {
            "cover.png"
        } else {
            "cover.jpg"
        };
        Ok(Some((name.to_owned(), cover.data)))
    }
}

/// Checks a `--base-url`: every enclosure and image URL of the feed is this plus a
/// member's path, so it must be an absolute http(s) address of a folder, parsed as one
/// (`http::Uri`, the type ureq sends requests with), with nothing a path cannot follow:
/// no space or control character, no `?query` or `#fragment`, no credentials. The reason
/// when it is not.
fn check_base_url(u: &str) -> std::result::Result<(), String> {
    if u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(
            "has a space or a control character; percent-encode it (a space is %20)".into(),
        );
    }
    if u.contains(['?', '#']) {
        return Err(
            "has a query or a fragment (?… or #…), which the feed's file names would follow; give the folder's address alone, e.g. https://example.org/daily".into(),
        );
    }
    let uri: ureq::http::Uri = u
        .parse()
        .map_err(|e| format!("is not a URL ({e}); give where the bundle will be published"))?;
    if !matches!(uri.scheme_str(), Some("http" | "https")) {
        return Err("is not an http(s) URL; give where the bundle will be published".into());
    }
    let Some(authority) = uri.authority() else {
        return Err("has no host; give where the bundle will be published".into());
    };
    if authority.as_str().contains('@') {
        return Err("has credentials in it; a feed is public, give the address alone".into());
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err("has no host; give where the bundle will be published".into());
    }
    Ok(())
}

/// Checks the podcast's output path before any work (see [`fsx::check_output`]).
fn check_output(out: &Path, unpacked: bool, inputs: &[&Path]) -> Result<()> {
    let kind = if unpacked {
        OutputKind::BundleDir
    } else {
        OutputKind::File
    };
    fsx::check_output(out, kind, inputs)
}

fn write_bundle(bundle: &crate::bundle::Bundle, out: &Path, unpacked: bool) -> Result<()> {
    if unpacked {
        bundle.write_dir(out)
    } else {
        bundle.write_zip(out)
    }
}

/// Builds the podcast bundle from articles; returns the exit code.
pub(crate) fn podcast(
    articles: &[PathBuf],
    output: &Path,
    channel: &ChannelArgs,
    date: Option<&str>,
    format: Format,
    make: &MakeArgs,
    history: &HistoryArgs,
) -> Result<i32> {
    if make.estimate {
        let chosen: Vec<&PathBuf> = select(articles, make.shard)
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        return super::estimate::estimate(&chosen, make);
    }
    let mut info = channel.info(None)?;
    info.shard = make.shard.map(|s| s.to_string());
    if make.shard.is_some() && history.previous.is_some() {
        return Err(Error::input(
            "--previous",
            "goes with the whole podcast, not a shard; give it to `rawi podcast --merge`",
        ));
    }
    if let Some(d) = date {
        if !crate::meta::is_valid_date(d) {
            return Err(Error::input(
                "--date",
                format!("`{d}` is not a date like 2024-05-01 (or 2024-05-01T09:30:00+01:00)"),
            ));
        }
    }
    let mut inputs = inputs(articles, make);
    inputs.extend(channel.cover.as_deref());
    inputs.extend(history.previous.as_deref());
    check_output(output, make.unpacked, &inputs)?;
    let cover = channel.cover()?;
    info.cover = cover.as_ref().map(|(n, _)| n.clone());
    let previous = history.load(&info)?;
    let embedded = cover
        .as_ref()
        .and_then(|(_, bytes)| crate::encode::Cover::from_bytes(bytes.clone()))
        .map(std::sync::Arc::new);
    let maker = Maker::new(make, format, Some(info.title.clone()), embedded)?;
    if info.base_url.is_none() {
        crate::error::report(format_args!("rawi: warning: no --base-url: the feed's links are relative, and podcast apps need absolute ones"));
    }
    if info.cover.is_none() {
        crate::error::report(format_args!(
            "rawi: warning: no --cover: Apple Podcasts asks for a square cover image"
        ));
    }
    let all = select(articles, None);
    let names: Vec<String> = all.iter().map(|(_, p)| p.display().to_string()).collect();
    let slugs = podcast::slugs(&names);
    // Undated articles get --date, else the newest date of the whole batch (all shards
    // see the same list, so they agree), else a fixed date: never the clock.
    let fallback = date.map(str::to_owned).unwrap_or_else(|| {
        all.iter()
            .filter_map(|(_, p)| article::read(p).ok()?.meta.date)
            .filter(|d| crate::meta::is_valid_date(d))
            .map(|d| d.chars().take(10).collect::<String>())
            .max()
            .unwrap_or_else(|| podcast::FALLBACK_DATE.to_owned())
    });
    if make.shard.is_some() {
        info.run = Some(maker.run_identity(&all, make, &fallback, cover.as_ref()));
    }
    let chosen: Vec<(usize, &PathBuf)> = select(articles, make.shard);
    maker.plan(&chosen.iter().map(|(_, p)| *p).collect::<Vec<_>>());
    let results: Vec<Result<(Done, podcast::Episode)>> = maker.pool.install(|| {
        chosen
            .par_iter()
            .map(|(index, path)| {
                let ed = maker.build(path)?;
                let ep = podcast::episode(&ed, *index, &slugs[*index], &info.guid, &fallback)?;
                // Only the summary and the encoded files outlive this: the programme's
                // samples are dropped here, so a long batch does not hold them all.
                Ok((Done::of(&ed, ep.entry.dir.clone()), ep))
            })
            .collect()
    });
    let mut episodes = Vec::new();
    let mut failed = 0;
    for ((_, path), result) in chosen.iter().zip(results) {
        match result {
            Ok((done, ep)) => {
                maker.say(done.line(path));
                episodes.push(ep);
            }
            Err(e) => {
                maker.say(format!("rawi: error: {e}"));
                failed += 1;
            }
        }
    }
    if episodes.is_empty() && failed > 0 {
        maker.finish("podcast", 0, failed);
        return Ok(2);
    }
    let done = episodes.len();
    let podcast = history.join(&info, previous, episodes)?;
    let bundle = podcast::assemble(&info, cover, podcast)?;
    write_bundle(&bundle, output, make.unpacked)?;
    maker.finish(&format!("podcast {}", output.display()), done, failed);
    Ok(exit_code(failed, chosen.len()))
}

/// Merges the bundles of sharded runs into one podcast; returns the exit code.
pub(crate) fn podcast_merge(
    shards: &[PathBuf],
    output: &Path,
    channel: &ChannelArgs,
    unpacked: bool,
    history: &HistoryArgs,
) -> Result<i32> {
    let mut inputs: Vec<&Path> = shards.iter().map(PathBuf::as_path).collect();
    inputs.extend(channel.cover.as_deref());
    inputs.extend(history.previous.as_deref());
    check_output(output, unpacked, &inputs)?;
    let mut first: Option<PodcastInfo> = None;
    let mut cover = None;
    let mut episodes = Vec::new();
    let mut set = Vec::new();
    // First verify every shard by streaming (nothing unlisted or oversized is read), and
    // check that the shards are a whole set, before unpacking any of them.
    for path in shards {
        let pm = verified_podcast(path, "a whole shard; rebuild that shard")?;
        set.push((path.clone(), pm));
    }
    let slices: Vec<(PathBuf, Option<String>)> = set
        .iter()
        .map(|(p, pm)| (p.clone(), pm.podcast.shard.clone()))
        .collect();
    podcast::check_shard_set(&slices)?;
    podcast::check_shard_run(&set)?;
    for path in shards {
        let b = verify::read_bundle(path)?;
        let contents = podcast::read_episodes(&b, path)?;
        if first.is_none() {
            first = Some(contents.manifest.podcast.clone());
        }
        if cover.is_none() {
            cover = contents.cover;
        }
        episodes.extend(contents.episodes);
    }
    let mut info = channel.info(first.as_ref())?;
    if let Some(c) = channel.cover()? {
        cover = Some(c);
    }
    info.cover = cover.as_ref().map(|(n, _)| n.clone());
    let n = episodes.len();
    let previous = history.load(&info)?;
    let podcast = history.join(&info, previous, episodes)?;
    let bundle = podcast::assemble(&info, cover, podcast)?;
    write_bundle(&bundle, output, unpacked)?;
    crate::error::report(format_args!(
        "rawi: podcast {}: merged {n} episodes from {} shards",
        output.display(),
        shards.len()
    ));
    Ok(0)
}
