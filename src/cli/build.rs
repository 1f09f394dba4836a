//! `rawi build`: one bundle per article.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::make::{exit_code, inputs, outputs, select, Done, MakeArgs, Maker};
use crate::encode::Format;
use crate::error::{Error, Result};
use crate::fsx::{self, OutputKind};

/// Builds each article into its own bundle; returns the exit code.
pub(crate) fn build(
    articles: &[PathBuf],
    output: Option<&Path>,
    format: Format,
    cover: Option<&Path>,
    make: &MakeArgs,
) -> Result<i32> {
    // The same file named twice is built once.
    let mut seen = std::collections::HashSet::new();
    let chosen: Vec<&PathBuf> = if make.shard.is_some() {
        select(articles, make.shard)
            .into_iter()
            .map(|(_, p)| p)
            .collect()
    } else {
        articles.iter().filter(|p| seen.insert(*p)).collect()
    };
    if make.estimate {
        return super::estimate::estimate(&chosen, make);
    }
    let many = articles.len() > 1 || make.shard.is_some();
    let outs = outputs(&chosen, articles, output, many, make.unpacked);
    // Every output is checked before any synthesis: a bad `-o` fails in a moment, not
    // after minutes of speech, and never replaces a device, a link or an input.
    let mut inputs = inputs(articles, make);
    inputs.extend(cover);
    let kind = if make.unpacked {
        OutputKind::BundleDir
    } else {
        OutputKind::File
    };
    if many {
        if let Some(dir) = output {
            fsx::check_output(dir, OutputKind::Container, &inputs)?;
            std::fs::create_dir_all(dir)
                .map_err(|e| Error::output(dir, format!("cannot create the output folder: {e}")))?;
        }
    }
    for out in &outs {
        fsx::check_output(out, kind, &inputs)?;
    }
    let cover = cover
        .map(super::make::read_cover)
        .transpose()?
        .map(std::sync::Arc::new);
    if cover.is_some() && format == Format::Wav {
        crate::error::report(format_args!(
            "rawi: warning: --cover is embedded in MP3 and FLAC only; WAV editions carry none"
        ));
    }
    let maker = Maker::new(make, format, None, cover)?;
    maker.plan(&chosen);
    // Articles are built side by side (their sentences too, on the same pool), and
    // reported in order once all are done.
    let results: Vec<Result<Done>> = maker.pool.install(|| {
        chosen
            .par_iter()
            .zip(outs.par_iter())
            .map(|(path, out)| {
                let ed = maker.build(path)?;
                let done = Done::of(&ed, out.display().to_string());
                // The audio is encoded as it is written, from its temporary file.
                ed.write(out, make.unpacked)?;
                Ok(done)
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
