//! `--estimate` for `rawi build` and `rawi podcast`: what a run would send to its voice,
//! printed without opening the voice (no key needed, nothing sent). Hosted voices charge
//! by the character, so the figures come before the speech.

use std::path::PathBuf;

use rayon::prelude::*;

use super::make::{cache, load_voice, pool, MakeArgs};
use super::out::Out;
use crate::edition::{self, Estimate, Options};
use crate::error::{escaped, Result};
use crate::synth::ClipKeys;

/// Prints, for the voice, one tab-separated line per article and a total: sentences,
/// requests, characters to send, characters the cache already holds. Articles that
/// cannot be read are reported and counted out (exit 1, as a build would).
pub(crate) fn estimate(articles: &[&PathBuf], make: &MakeArgs) -> Result<i32> {
    let voice = load_voice(&make.voice, make.lexicon.as_deref())?;
    let keys = ClipKeys::of(&voice)?;
    let cache = cache(make);
    let opts = Options {
        read_captions: make.read_captions,
        ..Options::default()
    };
    let results: Vec<Result<Estimate>> = pool(make.jobs)?.install(|| {
        articles
            .par_iter()
            .map(|path| edition::estimate(path, &opts, &voice, &keys, cache.as_ref()))
            .collect()
    });
    let mut out = Out::open()?;
    out.line("voice\tarticle\tsentences\trequests\tcharacters\tcached_characters")?;
    let name = escaped(&voice.name);
    let row = |what: &str, e: &Estimate| {
        format!(
            "{name}\t{what}\t{}\t{}\t{}\t{}",
            e.sentences, e.requests, e.characters, e.cached_characters
        )
    };
    let (mut total, mut failed) = (Estimate::default(), 0);
    for (path, result) in articles.iter().zip(results) {
        match result {
            Ok(e) => {
                out.line(row(&escaped(&path.display().to_string()), &e))?;
                total += e;
            }
            Err(e) => {
                crate::error::report(format_args!("rawi: error: {e}"));
                failed += 1;
            }
        }
    }
    out.line(row("total", &total))?;
    out.finish()?;
    crate::error::report(format_args!(
        "rawi: estimate: voice {name} ({}) would get {} requests carrying {} characters; {} characters are in the cache already; nothing was sent",
        voice.engine.as_str(),
        total.requests,
        total.characters,
        total.cached_characters
    ));
    Ok(super::make::exit_code(failed, articles.len()))
}
