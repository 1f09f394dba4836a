//! Audio kept on disk while an edition is made, so that its memory does not grow with its
//! length: the clips as they arrive, the finished programme, the encoded file.
//!
//! Each is an unnamed temporary file (`tempfile::tempfile`: `O_TMPFILE` on Linux, or a
//! file unlinked as soon as it is made), so nothing is ever left behind: the system frees
//! it when it is dropped, when the build fails, and when the process is killed. Reads are
//! positional, so a file can be read through a shared reference.

use std::fs::File;
use std::io;

/// Samples handed to a reader at a time by [`Signal::each_block`]. The loudness meter and
/// the encoders were always fed in blocks of this size from the programme's start, so
/// results do not depend on how the programme is stored.
pub const BLOCK: usize = 1 << 16;

/// Bytes in an unnamed temporary file, appended to and read back at any offset.
#[derive(Debug)]
pub struct Bytes {
    file: File,
    len: u64,
}

impl Bytes {
    /// An empty file in the system's temporary folder.
    pub fn new() -> io::Result<Bytes> {
        Ok(Bytes {
            file: tempfile::tempfile()?,
            len: 0,
        })
    }

    /// Its length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `bytes`.
    pub fn append(&mut self, bytes: &[u8]) -> io::Result<()> {
        write_at(&self.file, self.len, bytes)?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Overwrites bytes already written, from `offset` (LAME's Info frame goes over the
    /// blank frame it left at the start).
    pub fn overwrite(&mut self, offset: u64, bytes: &[u8]) -> io::Result<()> {
        if offset + bytes.len() as u64 > self.len {
            return Err(io::Error::other(
                "overwrite past the end of a temporary file",
            ));
        }
        write_at(&self.file, offset, bytes)
    }

    /// Fills `out` from `offset`.
    pub fn read(&self, offset: u64, out: &mut [u8]) -> io::Result<()> {
        if offset + out.len() as u64 > self.len {
            return Err(io::Error::other("read past the end of a temporary file"));
        }
        read_at(&self.file, offset, out)
    }

    /// Hands the contents to `f` in pieces of at most 1 MiB, in order.
    pub fn each_chunk(&self, mut f: impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
        let mut buf = vec![0u8; (1 << 20).min(self.len as usize)];
        let mut at = 0u64;
        while at < self.len {
            let n = ((self.len - at) as usize).min(buf.len());
            self.read(at, &mut buf[..n])?;
            f(&buf[..n])?;
            at += n as u64;
        }
        Ok(())
    }
}

#[cfg(unix)]
fn write_at(file: &File, offset: u64, bytes: &[u8]) -> io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_at(file: &File, offset: u64, out: &mut [u8]) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, out, offset)
}

// Elsewhere the file's own cursor is moved: a `Bytes` is used by one thread at a time
// (writers hold it mutably, and an edition's readers take turns).
#[cfg(not(unix))]
fn write_at(mut file: &File, offset: u64, bytes: &[u8]) -> io::Result<()> {
    use std::io::{Seek, Write};
    file.seek(io::SeekFrom::Start(offset))?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn read_at(mut file: &File, offset: u64, out: &mut [u8]) -> io::Result<()> {
    use std::io::{Read, Seek};
    file.seek(io::SeekFrom::Start(offset))?;
    file.read_exact(out)
}

/// Mono samples (`f32`, as the programme holds them, so they come back bit for bit) in
/// an unnamed temporary file.
#[derive(Debug)]
pub struct Samples {
    bytes: Bytes,
    /// Conversion buffer for appends, kept between calls.
    scratch: Vec<u8>,
}

impl Samples {
    /// An empty file.
    pub fn new() -> io::Result<Samples> {
        Ok(Samples {
            bytes: Bytes::new()?,
            scratch: Vec::new(),
        })
    }

    /// How many samples it holds.
    pub fn len(&self) -> usize {
        (self.bytes.len() / 4) as usize
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Appends `samples`; returns where the first of them is.
    pub fn push(&mut self, samples: &[f32]) -> io::Result<usize> {
        let at = self.len();
        for chunk in samples.chunks(BLOCK) {
            self.scratch.clear();
            self.scratch
                .extend(chunk.iter().flat_map(|s| s.to_le_bytes()));
            self.bytes.append(&self.scratch)?;
        }
        Ok(at)
    }

    /// Fills `out` with the samples from `start`, reading through `scratch`.
    pub fn read(&self, start: usize, out: &mut [f32], scratch: &mut Vec<u8>) -> io::Result<()> {
        scratch.resize(out.len() * 4, 0);
        self.bytes.read(start as u64 * 4, scratch)?;
        for (s, b) in out.iter_mut().zip(scratch.chunks_exact(4)) {
            *s = f32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        Ok(())
    }
}

/// A programme read from its start in blocks of [`BLOCK`] samples (the last one shorter),
/// wherever it is kept: in memory, on disk, or made as it is read.
pub trait Signal {
    /// How many samples it has.
    fn len(&self) -> usize;

    /// Whether it has none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Hands every block to `f`, in order; stops at the first error.
    fn each_block(&self, f: &mut dyn FnMut(&[f32]) -> Result<(), String>) -> Result<(), String>;
}

impl Signal for &[f32] {
    fn len(&self) -> usize {
        <[f32]>::len(self)
    }

    fn each_block(&self, f: &mut dyn FnMut(&[f32]) -> Result<(), String>) -> Result<(), String> {
        self.chunks(BLOCK).try_for_each(f)
    }
}

impl Signal for Samples {
    fn len(&self) -> usize {
        Samples::len(self)
    }

    fn each_block(&self, f: &mut dyn FnMut(&[f32]) -> Result<(), String>) -> Result<(), String> {
        let n = self.len();
        let mut block = vec![0f32; BLOCK.min(n)];
        let mut scratch = Vec::new();
        let mut at = 0;
        while at < n {
            let len = (n - at).min(BLOCK);
            self.read(at, &mut block[..len], &mut scratch)
                .map_err(|e| {
                    format!("cannot read the programme back from its temporary file: {e}")
                })?;
            f(&block[..len])?;
            at += len;
        }
        Ok(())
    }
}

/// Collects any signal's samples in memory (tests and short programmes).
pub fn to_vec(signal: &dyn Signal) -> Result<Vec<f32>, String> {
    let mut out = Vec::with_capacity(signal.len());
    signal.each_block(&mut |b| {
        out.extend_from_slice(b);
        Ok(())
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_come_back_bit_for_bit_in_blocks() {
        let x: Vec<f32> = (0..BLOCK * 2 + 17)
            .map(|i| (i as f32 * 0.001).sin() * 0.7)
            .collect();
        let mut s = Samples::new().unwrap();
        assert_eq!(s.push(&x[..100]).unwrap(), 0);
        assert_eq!(s.push(&x[100..]).unwrap(), 100);
        assert_eq!(Signal::len(&s), x.len());
        let mut sizes = Vec::new();
        let mut back = Vec::new();
        s.each_block(&mut |b| {
            sizes.push(b.len());
            back.extend_from_slice(b);
            Ok(())
        })
        .unwrap();
        assert_eq!(sizes, [BLOCK, BLOCK, 17]);
        assert!(back.iter().zip(&x).all(|(a, b)| a.to_bits() == b.to_bits()));
        assert_eq!(back.len(), x.len());
    }

    #[test]
    fn bytes_overwrite_and_refuse_reads_past_the_end() {
        let mut b = Bytes::new().unwrap();
        b.append(b"hello world").unwrap();
        b.overwrite(0, b"J").unwrap();
        let mut out = [0u8; 5];
        b.read(0, &mut out).unwrap();
        assert_eq!(&out, b"Jello");
        assert!(b.read(8, &mut out).is_err());
        assert!(b.overwrite(10, b"xx").is_err());
        let mut all = Vec::new();
        b.each_chunk(|c| {
            all.extend_from_slice(c);
            Ok(())
        })
        .unwrap();
        assert_eq!(all, b"Jello world");
    }
}
