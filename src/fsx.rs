//! File-system safety shared by every command: inputs are regular files read through a
//! size cap, outputs are regular files or folders that are not any input, and temporaries
//! left by killed runs are cleaned.
//!
//! Why: a device (`/dev/zero`), a FIFO with no writer or a socket given as an input would
//! hang rawi or fill the memory; an output that is a device node, a FIFO, a symbolic link
//! or one of the inputs would be replaced by the rename that makes writes atomic, losing
//! the file (or, run as root, a system file).

use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::limits;

/// What kind of non-regular file `meta` is, for messages.
fn kind_name(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    if t.is_symlink() {
        return "a symbolic link";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    "not a regular file"
}

/// A size in words a person reads at a glance, exact to the byte below 1 KiB and to a
/// tenth above (`8.0 MiB`, `8.3 MiB`, never "8 MB, larger than 8 MB").
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    // Round down, so a file one byte over a limit never reads as equal to it.
    let tenths = (v * 10.0).floor() / 10.0;
    format!("{tenths:.1} {}", UNITS[unit])
}

/// The error for an input that cannot be opened, by cause.
fn open_error(path: &Path, what: &str, e: &std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::NotFound => Error::input(path, "no such file; check the path"),
        std::io::ErrorKind::PermissionDenied => {
            Error::input(path, "permission denied; check the file's permissions")
        }
        _ => Error::input(path, format!("cannot read the {what}: {e}")),
    }
}

/// Opens an input that must be a regular file of at most `max_bytes`, without blocking
/// (the type is checked before opening, so a FIFO is never opened), and checks it again
/// on the open handle. `what` names the input in messages ("article", "cover"...).
pub fn open_input(path: &Path, max_bytes: u64, what: &str) -> Result<File> {
    let meta = std::fs::metadata(path).map_err(|e| open_error(path, what, &e))?;
    check_regular(path, &meta, max_bytes, what)?;
    // Opened non-blocking: should the path become a FIFO between the look and the open,
    // the open still returns at once (and the handle's check below refuses it). On a
    // regular file the flag changes nothing.
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let file = opts.open(path).map_err(|e| open_error(path, what, &e))?;
    // The path may have changed between the two looks: trust only the open handle.
    let meta = file
        .metadata()
        .map_err(|e| Error::input(path, format!("cannot read the {what}: {e}")))?;
    check_regular(path, &meta, max_bytes, what)?;
    Ok(file)
}

fn check_regular(path: &Path, meta: &Metadata, max_bytes: u64, what: &str) -> Result<()> {
    if !meta.is_file() {
        return Err(Error::input(
            path,
            format!(
                "is {}, not a regular file; give the {what} as a file",
                kind_name(meta)
            ),
        ));
    }
    if meta.len() > max_bytes {
        return Err(too_big(path, meta.len(), max_bytes, what));
    }
    Ok(())
}

fn too_big(path: &Path, len: u64, max_bytes: u64, what: &str) -> Error {
    Error::input(
        path,
        format!(
            "is {} ({len} bytes), larger than the {} limit for {what} files; check it is the right file",
            human_bytes(len),
            human_bytes(max_bytes)
        ),
    )
}

/// Reads a whole input file (see [`open_input`]), never more than `max_bytes`: a file that
/// grows while it is read is cut off and refused, not followed.
pub fn read_input(path: &Path, max_bytes: u64, what: &str) -> Result<Vec<u8>> {
    let file = open_input(path, max_bytes, what)?;
    let expected = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(expected.min(max_bytes) as usize);
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::input(path, format!("cannot read the {what}: {e}")))?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_big(path, bytes.len() as u64, max_bytes, what));
    }
    Ok(bytes)
}

/// Reads a whole input file as UTF-8 text (see [`read_input`]); text that is not UTF-8 is
/// an error naming the file.
pub fn read_input_text(path: &Path, max_bytes: u64, what: &str) -> Result<String> {
    let bytes = read_input(path, max_bytes, what)?;
    String::from_utf8(bytes).map_err(|e| {
        Error::input(
            path,
            format!(
                "is not UTF-8 text (byte {} is not); give the {what} as UTF-8 text",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// What [`read_lines`] hands over for each line of a stream.
#[derive(Debug, PartialEq, Eq)]
pub struct Line {
    /// Its number, from 1.
    pub number: usize,
    /// Its bytes, without the line end (`\n`, or `\r\n`).
    pub bytes: Vec<u8>,
}

/// Reads `input` line by line, giving each line to `each`, never holding more than
/// `max_line_bytes` of one line: a longer line (or a stream with no line end at all, such
/// as `/dev/zero`) is an error naming `name` and the line's number, found after reading at
/// most `max_line_bytes + 1` bytes of it. `each` returns `false` to stop early.
pub fn read_lines(
    input: &mut dyn std::io::BufRead,
    name: &str,
    max_line_bytes: usize,
    mut each: impl FnMut(Line) -> Result<bool>,
) -> Result<()> {
    let mut number = 0usize;
    loop {
        number += 1;
        let mut line = Vec::new();
        let mut ended = false;
        loop {
            let buf = match input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    return Err(Error::input(
                        name,
                        format!("line {number}: cannot read: {e}"),
                    ))
                }
            };
            if buf.is_empty() {
                break;
            }
            let (take, found) = match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i, true),
                None => (buf.len(), false),
            };
            if line.len() + take > max_line_bytes {
                return Err(Error::input(
                    name,
                    format!(
                        "line {number} is longer than the {} limit for one line; \
                         break the text into lines (one paragraph a line)",
                        human_bytes(max_line_bytes as u64)
                    ),
                ));
            }
            line.extend_from_slice(&buf[..take]);
            input.consume(take + usize::from(found));
            if found {
                ended = true;
                break;
            }
        }
        if !ended && line.is_empty() {
            return Ok(());
        }
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if !each(Line {
            number,
            bytes: line,
        })? || !ended
        {
            return Ok(());
        }
    }
}

/// The process's file mode creation mask, read once. Linux shows it in
/// `/proc/self/status` (read without changing it); elsewhere it is read by setting it
/// and putting it back at once.
#[cfg(unix)]
fn umask() -> u32 {
    static MASK: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *MASK.get_or_init(|| {
        let from_proc = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix("Umask:"))
                    .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
            });
        from_proc.unwrap_or_else(|| {
            // SAFETY: umask only swaps the process's mask; it is put back at once.
            unsafe {
                let old = libc::umask(0o022);
                libc::umask(old);
                old as u32
            }
        })
    })
}

/// `mode` as the user's umask allows it: what a file or folder created with `mode` gets
/// (`0o644` becomes `0o600` under `umask 077`). Outputs are written as private
/// temporaries (0600, 0700) and given this mode when they are finished.
#[cfg(unix)]
pub fn masked_mode(mode: u32) -> u32 {
    mode & !umask() & 0o7777
}

/// `true` when `a` and `b` are the same file on disk (same device and inode; through any
/// links or `..`).
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        a.dev() == b.dev() && a.ino() == b.ino()
    }
    #[cfg(not(unix))]
    {
        let _ = (a, b);
        false
    }
}

/// What an output path must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    /// A file (zip, WAV) replaced by rename: absent or an existing regular file.
    File,
    /// A bundle folder replaced by rename: absent, empty, or a rawi bundle folder.
    BundleDir,
    /// A folder that outputs are written into: absent or a folder (a link to one is fine,
    /// nothing replaces it).
    Container,
}

/// Checks an output path before any work is done: it must not be a device, FIFO, socket
/// or symbolic link (the rename that writes it would replace that node), nor the wrong kind
/// for `kind`, nor the same file as any of `inputs`.
pub fn check_output(out: &Path, kind: OutputKind, inputs: &[&Path]) -> Result<()> {
    let refuse = |reason: String| Err(Error::output(out, reason));
    if kind != OutputKind::Container {
        probe_parent(out)?;
    }
    let Ok(link_meta) = std::fs::symlink_metadata(out) else {
        // Absent: nothing to lose.
        return Ok(());
    };
    let meta = match std::fs::metadata(out) {
        Ok(m) => m,
        Err(_) => {
            return refuse(
                "is a dangling symbolic link; give a plain file name for the output".into(),
            )
        }
    };
    for input in inputs {
        if let Ok(im) = std::fs::metadata(input) {
            if same_file(&meta, &im) {
                return refuse(format!(
                    "is the input {}; give a different output, or the input would be lost",
                    input.display()
                ));
            }
        }
    }
    if kind == OutputKind::Container {
        if meta.is_dir() {
            return Ok(());
        }
        return refuse(format!(
            "is {}, not a folder; give a folder for the outputs of several articles",
            kind_name(&meta)
        ));
    }
    if link_meta.file_type().is_symlink() {
        return refuse(
            "is a symbolic link; rawi replaces its output by renaming, which would replace the link: give the path it points to".into(),
        );
    }
    match kind {
        OutputKind::File if meta.is_file() => Ok(()),
        OutputKind::File if meta.is_dir() => {
            refuse("is a directory; give a file name for the output".into())
        }
        OutputKind::BundleDir if meta.is_dir() => {
            if is_replaceable_dir(out) {
                Ok(())
            } else {
                refuse("is a folder that is neither empty nor a rawi bundle; give a new or empty folder, so nothing in it is lost".into())
            }
        }
        OutputKind::BundleDir if meta.is_file() => {
            refuse("is a file, and --unpacked writes a folder; give a folder name".into())
        }
        _ => refuse(format!(
            "is {}; give the name of a regular file or folder to write",
            kind_name(&meta)
        )),
    }
}

/// Longest file name the folder `dir` takes, in bytes (`NAME_MAX`, 255 on common file
/// systems).
fn name_max(dir: &Path) -> usize {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        if let Ok(c) = std::ffi::CString::new(dir.as_os_str().as_bytes()) {
            // SAFETY: a valid NUL-terminated path; pathconf only reads it.
            let n = unsafe { libc::pathconf(c.as_ptr(), libc::_PC_NAME_MAX) };
            if n > 0 {
                return n as usize;
            }
        }
    }
    255
}

/// Checks, before any speech is made, that an output could be written where it is to go:
/// its name is not too long for the folder, and the folder exists, is a folder, and takes
/// a new file (a temporary like the one the write will use is created and removed). Found
/// only at the end, any of these would throw away every sentence synthesized.
fn probe_parent(out: &Path) -> Result<()> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name_len = out.file_name().map_or(0, |n| n.len());
    if name_len == 0 {
        return Err(Error::output(
            out,
            "names no file; give a file name for the output",
        ));
    }
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::output(
                out,
                format!(
                    "cannot be written: the folder {} does not exist; create it first",
                    dir.display()
                ),
            ))
        }
        Ok(m) if !m.is_dir() => {
            let what = if m.is_file() { "a file" } else { kind_name(&m) };
            return Err(Error::output(
                out,
                format!(
                    "cannot be written: {} is {what}, not a folder",
                    dir.display()
                ),
            ));
        }
        _ => {}
    }
    let max = name_max(dir);
    if name_len > max {
        return Err(Error::output(
            out,
            format!("has a name of {name_len} bytes; this folder takes at most {max}: give a shorter name"),
        ));
    }
    temp_file(dir, ".probe").map(|(probe, guard)| {
        // Removed here, or by the signal handler if a signal comes first.
        drop(probe);
        drop(guard);
    })
        .map_err(|e| {
            // The OS's own words, without tempfile's note of the random name.
            let why = match e.raw_os_error() {
                Some(code) => std::io::Error::from_raw_os_error(code).to_string(),
                None => e.kind().to_string(),
            };
            Error::output(
                out,
                format!(
                    "cannot be written: the folder {} takes no new file ({why}); give a folder you can write in",
                    dir.display()
                ),
            )
        })
}

/// `true` for an empty folder or one rawi wrote: it holds a `manifest.toml` that names rawi
/// as its generator.
pub fn is_replaceable_dir(dir: &Path) -> bool {
    let Ok(mut entries) = std::fs::read_dir(dir) else {
        return false;
    };
    if entries.next().is_none() {
        return true;
    }
    let manifest = dir.join("manifest.toml");
    match std::fs::symlink_metadata(&manifest) {
        Ok(m) if m.is_file() && m.len() < 64 * 1024 * 1024 => {}
        _ => return false,
    }
    read_input(&manifest, 64 * 1024 * 1024, "manifest")
        .map(|b| {
            let text = String::from_utf8_lossy(&b);
            text.lines()
                .any(|l| l.starts_with("generator = \"rawi ") || l.starts_with("schema_version"))
        })
        .unwrap_or(false)
}

/// `true` for a name rawi gives its temporaries: `.rawi-` then six letters or digits
/// (tempfile's random part), then `.part` (or `.old`, an unpacked bundle being replaced, or
/// `.probe`, the check that a folder takes a new file).
pub fn is_rawi_temp_name(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(".rawi-") else {
        return false;
    };
    let Some(mid) = rest
        .strip_suffix(".part")
        .or_else(|| rest.strip_suffix(".old"))
        .or_else(|| rest.strip_suffix(".probe"))
    else {
        return false;
    };
    mid.len() == 6 && mid.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A `.rawi-*SUFFIX` temporary file in `dir`, removed by the signal handler if the run
/// is interrupted while the guard lives (made and filed in one step: see
/// [`crate::interrupt::make_removed_on_interrupt`]). The name is one stale-temporary
/// cleaning recognises.
pub fn temp_file(
    dir: &Path,
    suffix: &str,
) -> std::io::Result<(tempfile::NamedTempFile, crate::interrupt::Guard)> {
    crate::interrupt::make_removed_on_interrupt(
        || temp_builder(suffix).tempfile_in(dir),
        |f| f.path().to_path_buf(),
    )
}

/// A `.rawi-*SUFFIX` temporary folder in `dir`, removed by the signal handler if the run
/// is interrupted while the guard lives.
pub fn temp_dir(
    dir: &Path,
    suffix: &str,
) -> std::io::Result<(tempfile::TempDir, crate::interrupt::Guard)> {
    crate::interrupt::make_removed_on_interrupt(
        || temp_builder(suffix).tempdir_in(dir),
        |d| d.path().to_path_buf(),
    )
}

/// Creates the folders of the relative path `member` inside `root` (not its last part,
/// the file), but never `root` itself: `create_dir_all` would make a temporary folder
/// again after the signal handler removed it, and it stayed behind when the run exited.
pub fn create_dirs_within(root: &Path, member: &Path) -> std::io::Result<()> {
    let mut dir = root.to_path_buf();
    for part in member.parent().into_iter().flat_map(Path::components) {
        dir.push(part);
        match std::fs::create_dir(&dir) {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => {}
            other => other?,
        }
    }
    Ok(())
}

/// The builder of rawi's temporaries' names: `.rawi-`, tempfile's random part, `suffix`
/// (the names [`clean_stale_temps`] recognises).
pub fn temp_builder(suffix: &str) -> tempfile::Builder<'_, '_> {
    let mut b = tempfile::Builder::new();
    b.prefix(".rawi-").suffix(suffix);
    b
}

/// Removes rawi's own temporaries in `dir` older than [`limits::STALE_TEMP_AGE_S`]: left
/// by runs killed between writing and renaming. Nothing else is touched; failures are
/// ignored (another run may be removing the same file). Returns what was removed.
pub fn clean_stale_temps(dir: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return removed;
    };
    let now = std::time::SystemTime::now();
    for e in entries.flatten() {
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if !is_rawi_temp_name(name) {
            continue;
        }
        let Ok(meta) = e.metadata() else { continue };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age.as_secs() > limits::STALE_TEMP_AGE_S);
        if !old {
            continue;
        }
        let p = e.path();
        let gone = if meta.is_dir() {
            std::fs::remove_dir_all(&p).is_ok()
        } else if meta.is_file() {
            std::fs::remove_file(&p).is_ok()
        } else {
            false
        };
        if gone {
            removed.push(p);
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_folders_are_made_inside_an_existing_root_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join(".rawi-a1B2c3.part");
        std::fs::create_dir(&root).unwrap();
        create_dirs_within(&root, Path::new("audio/deep/x.wav")).unwrap();
        assert!(root.join("audio/deep").is_dir());
        assert!(!root.join("audio/deep/x.wav").exists());
        create_dirs_within(&root, Path::new("audio/y.wav")).unwrap();
        // The root removed (by the signal handler): an error, and the root stays gone.
        std::fs::remove_dir_all(&root).unwrap();
        assert!(create_dirs_within(&root, Path::new("audio/z.wav")).is_err());
        assert!(!root.exists());
    }

    #[test]
    fn sizes_read_exactly() {
        assert_eq!(human_bytes(12), "12 bytes");
        assert_eq!(human_bytes(8 * 1024 * 1024), "8.0 MiB");
        assert_eq!(human_bytes(8 * 1024 * 1024 + 1), "8.0 MiB");
        assert_eq!(human_bytes(8 * 1024 * 1024 + 200_000), "8.1 MiB");
    }

    #[test]
    fn temp_names() {
        assert!(is_rawi_temp_name(".rawi-a1B2c3.part"));
        assert!(is_rawi_temp_name(".rawi-a1B2c3.old"));
        assert!(is_rawi_temp_name(".rawi-a1B2c3.probe"));
        assert!(!is_rawi_temp_name(".rawi-a1B2c3.zip"));
        assert!(!is_rawi_temp_name(".rawi-toolong1.part"));
        assert!(!is_rawi_temp_name("rawi-a1B2c3.part"));
        assert!(!is_rawi_temp_name(".rawi-a/b2c3.part"));
    }

    #[test]
    fn inputs_must_be_regular_and_small() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("a.txt");
        std::fs::write(&f, "abc").unwrap();
        assert_eq!(read_input(&f, 3, "article").unwrap(), b"abc");
        let e = read_input(&f, 2, "article").unwrap_err().to_string();
        assert!(
            e.contains("(3 bytes), larger than the 2 bytes limit"),
            "{e}"
        );
        let e = read_input(d.path(), 10, "article").unwrap_err().to_string();
        assert!(e.contains("is a directory"), "{e}");
        #[cfg(unix)]
        {
            let e = read_input(Path::new("/dev/zero"), 10, "article")
                .unwrap_err()
                .to_string();
            assert!(e.contains("is a device"), "{e}");
        }
    }
}
