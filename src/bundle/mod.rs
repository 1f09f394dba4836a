//! Bundles: the files of an edition, written as a reproducible zip (or a folder).
//!
//! Reproducible means the same input gives byte-identical output: members are written in
//! a fixed order with a fixed timestamp and permissions, and nothing depends on the clock
//! or the machine. Output goes to a temporary file beside the target and is renamed into
//! place, so a failed run never leaves a half bundle under the final name.

pub mod chapters;
pub mod feed;
pub mod manifest;
pub mod page;
pub mod podcast_manifest;
pub mod srt;
pub mod transcript_json;
pub mod verify;
pub mod vtt;

use std::io::Write;
use std::path::Path;

use crate::error::{Error, Result};

pub use manifest::Manifest;

/// The files of a bundle, in the order they are written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bundle {
    /// (path inside the bundle, contents).
    pub files: Vec<(String, Vec<u8>)>,
}

/// A member's contents as it is written: bytes in memory, or an encoded audio file kept
/// in its temporary file (copied into the bundle piece by piece, never read whole).
#[derive(Debug, Clone, Copy)]
pub enum Member<'a> {
    /// Bytes in memory.
    Bytes(&'a [u8]),
    /// An encoded audio file.
    Audio(&'a crate::encode::Encoded),
}

impl Member<'_> {
    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        match self {
            Member::Bytes(b) => b.len() as u64,
            Member::Audio(a) => a.len(),
        }
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Writes it into `w`.
    fn write_to(&self, w: &mut dyn Write) -> std::io::Result<()> {
        match self {
            Member::Bytes(b) => w.write_all(b),
            Member::Audio(a) => a.write_to(w),
        }
    }
}

use crate::limits::{MAX_BUNDLE_BYTES, MAX_MEMBER_BYTES};

/// Members that are already compressed or gain little: stored as they are.
fn is_stored(name: &str) -> bool {
    [".mp3", ".flac", ".png", ".jpg", ".wav"]
        .iter()
        .any(|e| name.ends_with(e))
}

impl Bundle {
    /// Adds a member.
    pub fn add(&mut self, path: impl Into<String>, contents: impl Into<Vec<u8>>) {
        self.files.push((path.into(), contents.into()));
    }

    /// Looks a member up by path.
    pub fn get(&self, path: &str) -> Option<&[u8]> {
        self.files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, c)| c.as_slice())
    }

    /// The members, as they are written.
    fn members(&self) -> Vec<(&str, Member<'_>)> {
        self.files
            .iter()
            .map(|(p, c)| (p.as_str(), Member::Bytes(c)))
            .collect()
    }

    /// The zip archive's bytes.
    pub fn to_zip(&self) -> std::io::Result<Vec<u8>> {
        Ok(zip_into(&self.members(), std::io::Cursor::new(Vec::new()))?.into_inner())
    }

    /// Writes the bundle as a zip at `out`, atomically. The zip is written straight into
    /// the temporary file, so the edition is not held in memory a second time as a zip.
    pub fn write_zip(&self, out: &Path) -> Result<()> {
        write_zip(out, &self.members())
    }

    /// Writes the bundle's files as the folder `out`, atomically (see [`write_dir`]).
    pub fn write_dir(&self, out: &Path) -> Result<()> {
        write_dir(out, &self.members())
    }

    /// Reads a zip bundle back.
    pub fn read_zip(path: &Path) -> Result<Bundle> {
        let file = crate::fsx::open_input(path, crate::limits::MAX_BUNDLE_FILE_BYTES, "bundle")?;
        let mut zip = zip::ZipArchive::new(file)
            .map_err(|e| Error::input(path, format!("is not a zip bundle: {e}")))?;
        let mut bundle = Bundle::default();
        let mut total = 0u64;
        for i in 0..zip.len() {
            let mut f = zip
                .by_index(i)
                .map_err(|e| Error::input(path, format!("damaged member {i}: {e}")))?;
            let name = f
                .name()
                .map_err(|e| Error::input(path, format!("member {i} has a bad name: {e}")))?
                .into_owned();
            // The declared size is not trusted for the allocation: a damaged zip may
            // claim terabytes, and a zip bomb may inflate far beyond what it declares.
            let mut contents = Vec::with_capacity(f.size().min(1 << 24) as usize);
            std::io::Read::read_to_end(
                &mut std::io::Read::take(&mut f, MAX_MEMBER_BYTES + 1),
                &mut contents,
            )
            .map_err(|e| Error::input(path, format!("cannot read {name}: {e}")))?;
            total += contents.len() as u64;
            if contents.len() as u64 > MAX_MEMBER_BYTES || total > MAX_BUNDLE_BYTES {
                return Err(Error::input(
                    path,
                    format!("{name} inflates beyond what a bundle may hold; is it a zip bomb?"),
                ));
            }
            bundle.add(name, contents);
        }
        Ok(bundle)
    }
}

/// Writes the zip archive into `sink` (a file, or memory) and returns it. A write that
/// fails (a full disk) is the error, as the system said it.
fn zip_into<W: Write + std::io::Seek>(members: &[(&str, Member)], sink: W) -> std::io::Result<W> {
    let failure = std::rc::Rc::new(std::cell::RefCell::new(None));
    let mut zip = zip::ZipWriter::new(Quiet {
        inner: sink,
        pos: 0,
        end: 0,
        failure: failure.clone(),
    });
    let written = zip_members(members, &mut zip);
    if let Err(e) = written {
        // The writer swallows everything after the first failure, so that the zip
        // crate's drop, which finishes the archive, prints nothing of its own
        // ("ZipWriter::drop: failed to finalize archive: Io(Os {…})").
        drop(zip);
        return Err(failure.borrow_mut().take().unwrap_or(e));
    }
    let finished = zip.finish();
    if let Some(e) = failure.borrow_mut().take() {
        return Err(e);
    }
    finished
        .map(|quiet| quiet.inner)
        .map_err(std::io::Error::other)
}

/// Adds every member to `zip`.
fn zip_members<W: Write + std::io::Seek>(
    members: &[(&str, Member)],
    zip: &mut zip::ZipWriter<Quiet<W>>,
) -> std::io::Result<()> {
    for (name, contents) in members {
        let method = if is_stored(name) {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(zip::DateTime::default())
            .unix_permissions(0o644)
            .large_file(contents.len() >= u32::MAX as u64);
        zip.start_file(*name, options)
            .map_err(std::io::Error::other)?;
        contents.write_to(zip)?;
    }
    Ok(())
}

/// Writes `members` as a zip at `out`, atomically. The zip is written straight into the
/// temporary file, so the edition is not held in memory a second time as a zip.
pub fn write_zip(out: &Path, members: &[(&str, Member)]) -> Result<()> {
    write_atomic_with(out, |file| {
        let mut w = std::io::BufWriter::new(file);
        zip_into(members, &mut w)?;
        w.flush()
    })
}

/// Writes the bundle's files as the folder `out`, atomically: into a temporary folder
/// beside it, then renamed into place. An existing rawi bundle folder (or an empty
/// folder) at `out` is replaced whole, so no file of an earlier build survives; any
/// other existing folder is refused, so nothing of the user's is lost.
pub fn write_dir(out: &Path, members: &[(&str, Member)]) -> Result<()> {
    for (name, _) in members {
        if !is_safe_member(name) {
            return Err(Error::output(
                out,
                format!("refusing to write member `{name}`: it would land outside the folder"),
            ));
        }
    }
    crate::fsx::check_output(out, crate::fsx::OutputKind::BundleDir, &[])?;
    let parent = parent_dir(out);
    crate::fsx::clean_stale_temps(parent);
    let (tmp, _undo_tmp) = crate::fsx::temp_dir(parent, ".part")
        .map_err(|e| Error::output(out, format!("cannot write in {}: {e}", parent.display())))?;
    for (name, contents) in members {
        let target = tmp.path().join(name);
        crate::fsx::create_dirs_within(tmp.path(), Path::new(name))
            .map_err(|e| Error::output(out, format!("cannot create {name}'s folder: {e}")))?;
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&target)?;
            contents.write_to(&mut f)?;
            f.sync_all()
        };
        write().map_err(|e| Error::output(out, format!("cannot write {name}: {e}")))?;
    }
    // Temporary folders are private (0700); a finished bundle is an ordinary folder,
    // as the user's umask has it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = crate::fsx::masked_mode(0o755);
        let _ = std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(mode));
    }
    // An existing bundle is moved aside, the new one moved in, and only then is the old
    // one removed: a kill between the renames leaves the old bundle whole under a
    // `.rawi-*.old` name (cleaned by a later run), never a mix of the two.
    let mut undo_aside = None;
    let aside = if std::fs::symlink_metadata(out).is_ok() {
        let old = crate::fsx::temp_builder(".old")
            .tempdir_in(parent)
            .map_err(|e| Error::output(out, format!("cannot write in {}: {e}", parent.display())))?
            .keep();
        undo_aside = Some(crate::interrupt::restore_on_interrupt(&old, out));
        std::fs::rename(out, &old).map_err(|e| {
            let _ = std::fs::remove_dir(&old);
            Error::output(out, format!("cannot move the old bundle aside: {e}"))
        })?;
        Some(old)
    } else {
        None
    };
    let tmp_path = tmp.keep();
    if let Err(e) = std::fs::rename(&tmp_path, out) {
        // Put the old bundle back; drop the new one.
        if let Some(old) = &aside {
            let _ = std::fs::rename(old, out);
        }
        let _ = std::fs::remove_dir_all(&tmp_path);
        return Err(Error::output(
            out,
            format!("cannot move the finished folder into place: {e}"),
        ));
    }
    // The new bundle is in place: an interruption from here on keeps it.
    drop(undo_aside);
    if let Some(old) = aside {
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(())
}

/// Whether a member name stays inside the bundle's folder: relative, no `..`, no empty or
/// `.` parts, no backslashes (a zip made elsewhere may hold any name).
pub fn is_safe_member(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && !name.contains('\\')
        && !name.contains(':')
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
}

/// The folder `out` is written in (`.` for a bare file name).
fn parent_dir(out: &Path) -> &Path {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Writes `bytes` to a temporary file beside `out`, then renames it into place.
pub fn write_atomic(out: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(out, |f| f.write_all(bytes))
}

/// A writer that, once a write failed, keeps that error and takes (and drops) everything
/// after it: the zip crate finishes an unfinished archive when it is dropped and prints
/// its own debug text when that fails; after a failure there is nothing left to save.
struct Quiet<W> {
    inner: W,
    /// Where the stream stands, and its end, as the zip crate sees them (kept after a
    /// failure, so that its offsets stay consistent and it finishes without a word).
    pos: u64,
    end: u64,
    /// The first failure, shared with the code that made the writer (the zip crate
    /// keeps the writer).
    failure: std::rc::Rc<std::cell::RefCell<Option<std::io::Error>>>,
}

impl<W> Quiet<W> {
    fn failed(&self) -> bool {
        self.failure.borrow().is_some()
    }

    fn fail<T>(&mut self, e: std::io::Error) -> std::io::Result<T> {
        let again = std::io::Error::new(e.kind(), e.to_string());
        self.failure.borrow_mut().get_or_insert(e);
        Err(again)
    }
}

impl<W: Write> Write for Quiet<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = if self.failed() {
            buf.len()
        } else {
            match self.inner.write(buf) {
                Ok(n) => n,
                Err(e) => return self.fail(e),
            }
        };
        self.pos += n as u64;
        self.end = self.end.max(self.pos);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.failed() {
            return Ok(());
        }
        match self.inner.flush() {
            Ok(()) => Ok(()),
            Err(e) => self.fail(e),
        }
    }
}

impl<W: std::io::Seek> std::io::Seek for Quiet<W> {
    fn seek(&mut self, pos: std::io::SeekFrom) -> std::io::Result<u64> {
        use std::io::SeekFrom;
        if !self.failed() {
            return match self.inner.seek(pos) {
                Ok(n) => {
                    self.pos = n;
                    self.end = self.end.max(n);
                    Ok(n)
                }
                Err(e) => self.fail(e),
            };
        }
        let base = match pos {
            SeekFrom::Start(n) => {
                self.pos = n;
                return Ok(n);
            }
            SeekFrom::Current(d) => (self.pos, d),
            SeekFrom::End(d) => (self.end, d),
        };
        self.pos = base.0.saturating_add_signed(base.1);
        Ok(self.pos)
    }
}

/// A failed write, in words that say what to do.
fn write_failure(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded => format!(
            "cannot write: the disk is full ({e}); free some space or write elsewhere with -o"
        ),
        std::io::ErrorKind::FileTooLarge => format!(
            "cannot write: the file is larger than this system lets rawi write ({e}); raise the limit (ulimit -f) or write elsewhere with -o"
        ),
        _ => format!("cannot write: {e}"),
    }
}

/// Lets `fill` write a temporary file beside `out`, then renames it into place. `out` must
/// be absent or a regular file (never a device, FIFO or link: the rename would replace
/// it). Stale temporaries of killed runs in that folder are cleaned first.
pub fn write_atomic_with(
    out: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
    let dir = parent_dir(out);
    crate::fsx::check_output(out, crate::fsx::OutputKind::File, &[])?;
    crate::fsx::clean_stale_temps(dir);
    let (mut tmp, _undo) = crate::fsx::temp_file(dir, ".part")
        .map_err(|e| Error::output(out, format!("cannot write in {}: {e}", dir.display())))?;
    fill(tmp.as_file_mut())
        .and_then(|_| tmp.as_file().sync_all())
        .map_err(|e| Error::output(out, write_failure(&e)))?;
    // Temporary files are private (0600); a finished bundle is an ordinary file, as the
    // user's umask has it (never wider: `umask 077` keeps it 0600).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = tmp
            .as_file()
            .set_permissions(std::fs::Permissions::from_mode(crate::fsx::masked_mode(
                0o644,
            )));
    }
    tmp.persist(out).map_err(|e| {
        Error::output(
            out,
            format!("cannot move the finished file into place: {}", e.error),
        )
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_is_reproducible_and_readable() {
        let mut b = Bundle::default();
        b.add("manifest.toml", "schema_version = 1\n");
        b.add("audio/edition.wav", vec![1u8, 2, 3]);
        let z1 = b.to_zip().unwrap();
        let z2 = b.to_zip().unwrap();
        assert_eq!(z1, z2);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.zip");
        b.write_zip(&p).unwrap();
        let back = Bundle::read_zip(&p).unwrap();
        assert_eq!(back, b);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o777,
                crate::fsx::masked_mode(0o644),
                "readable by a web server, as far as the umask allows"
            );
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
    }

    #[test]
    fn unsafe_member_names_are_refused() {
        for bad in ["../x", "/etc/passwd", "a/../../b", "a//b", "c:\\x", ""] {
            assert!(!is_safe_member(bad), "{bad}");
        }
        assert!(is_safe_member("episodes/a-1/audio/edition.mp3"));
        let mut b = Bundle::default();
        b.add("../escape.txt", "x");
        let dir = tempfile::tempdir().unwrap();
        assert!(b.write_dir(&dir.path().join("out")).is_err());
        assert!(!dir.path().join("escape.txt").exists());
    }
}
