//! `rawi build`: one bundle per article.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::make::{exit_code, output_for, select, Done, MakeArgs, Maker};
use crate::encode::Format;
use crate::error::{Error, Result};

/// Builds each article into its own bundle; returns the exit code.
pub(crate) fn build(
    articles: &[PathBuf],
    output: Option<&Path>,
    format: Format,
    cover: Option<&Path>,
    make: &MakeArgs,
) -> Result<i32> {
    let cover = cover
        .map(super::make::read_cover)
        .transpose()?
        .map(std::sync::Arc::new);
    if cover.is_some() && format == Format::Wav {
        eprintln!(
            "rawi: warning: --cover is embedded in MP3 and FLAC only; WAV editions carry none"
        );
    }
    let maker = Maker::new(make, format, None, cover)?;
    let chosen: Vec<&PathBuf> = if make.shard.is_some() {
        select(articles, make.shard)
            .into_iter()
            .map(|(_, p)| p)
            .collect()
    } else {
        articles.iter().collect()
    };
    let many = articles.len() > 1 || make.shard.is_some();
    if many {
        if let Some(dir) = output {
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::output(dir, format!("cannot create the output folder: {e}")))?;
        }
    }
    maker.plan(&chosen);
    // Articles are built side by side (their sentences too, on the same pool), and
    // reported in order once all are done.
    let results: Vec<Result<Done>> = maker.pool.install(|| {
        chosen
            .par_iter()
            .map(|path| {
                let out = output_for(path, output, many, make.unpacked);
                let ed = maker.build(path)?;
                let bundle = ed.bundle()?;
                if make.unpacked {
                    bundle.write_dir(&out)?;
                } else {
                    bundle.write_zip(&out)?;
                }
                Ok(Done::of(&ed, out.display().to_string()))
            })
            .collect()
    });
    let mut failed = 0;
    for (path, result) in chosen.iter().zip(results) {
        match result {
            Ok(done) => maker.say(done.line(path)),
            Err(e) => {
                maker.say(format!("rawi: error: {e}"));
                failed += 1;
            }
        }
    }
    maker.finish("build", chosen.len() - failed, failed);
    Ok(exit_code(failed, chosen.len()))
}
