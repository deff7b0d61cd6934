//! Random-access byte sources, read lazily.
//!
//! preflight never needs a whole file to answer header questions. Every parser reads through a
//! [`Reader`], which asks its [`ByteSource`] for aligned blocks only when a parser touches them
//! (exifr's lesson: read the head, grow only when a segment says so). In the browser the source is
//! a `Blob` read with `FileReaderSync` in a worker; natively it is a file read with `pread`.
//!
//! # Allocations
//! A `Reader` keeps at most [`Reader::MAX_CACHED_BLOCKS`] blocks: the 64 KiB head and 8 KiB
//! chunks. `read_vec` allocates exactly what it returns and refuses more than the
//! caller's limit before allocating.

use std::fmt;

/// Something that can hand out bytes at an offset: a file, a `Blob`, a slice.
pub trait ByteSource {
    /// Total length in bytes.
    fn len(&self) -> u64;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Fills `buf` from `offset`; returns how many bytes were read (short only at the end).
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, String>;

    /// Reads several ranges. Sources with a high fixed cost per read (a browser `Blob` read
    /// through `FileReaderSync` costs ~0.7 ms per call, whatever the size) override this to fetch
    /// them all in one call; the default reads them one by one.
    fn read_ranges(&mut self, ranges: &mut [(u64, &mut [u8])]) -> Result<Vec<usize>, String> {
        ranges.iter_mut().map(|(offset, buf)| self.read_at(*offset, buf)).collect()
    }
}

/// An in-memory source (tests, embedded segments such as a JPEG's APP1 payload).
pub struct SliceSource<'a>(pub &'a [u8]);

impl ByteSource for SliceSource<'_> {
    fn len(&self) -> u64 {
        self.0.len() as u64
    }
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, String> {
        let len = self.0.len() as u64;
        if offset >= len {
            return Ok(0);
        }
        let start = offset as usize;
        let n = buf.len().min(self.0.len() - start);
        buf[..n].copy_from_slice(&self.0[start..start + n]);
        Ok(n)
    }
}

/// A native file, read with positioned reads (no seeking state, no whole-file reads).
#[cfg(not(target_arch = "wasm32"))]
pub struct FileSource {
    file: std::fs::File,
    len: u64,
}

#[cfg(not(target_arch = "wasm32"))]
impl FileSource {
    pub fn open(path: &std::path::Path) -> std::io::Result<Self> {
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        Ok(FileSource { file, len })
    }
}

#[cfg(not(target_arch = "wasm32"))]
impl ByteSource for FileSource {
    fn len(&self) -> u64 {
        self.len
    }
    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<usize, String> {
        #[cfg(unix)]
        use std::os::unix::fs::FileExt;
        #[cfg(windows)]
        use std::os::windows::fs::FileExt;
        let mut done = 0;
        while done < buf.len() {
            #[cfg(unix)]
            let r = self.file.read_at(&mut buf[done..], offset + done as u64);
            #[cfg(windows)]
            let r = self.file.seek_read(&mut buf[done..], offset + done as u64);
            match r {
                Ok(0) => break,
                Ok(n) => done += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e.to_string()),
            }
        }
        Ok(done)
    }
}

/// Why bytes could not be had.
#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    /// The structure points past the end of the file: the file is cut off (or the pointer is bad).
    Truncated { wanted_end: u64, file_len: u64 },
    /// The file is too short to be any image (0 or 1 byte).
    TooShort { file_len: u64 },
    /// A length field asks for more than the caller allows.
    TooLarge { what: &'static str, len: u64, limit: u64 },
    /// The source itself failed (I/O error, permission, a revoked Blob).
    Io(String),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Truncated { wanted_end, file_len } => write!(
                f,
                "the file ends after {} but its structure needs {}: it looks cut off",
                human_bytes(*file_len),
                human_bytes(*wanted_end)
            ),
            ReadError::TooShort { file_len: 0 } => write!(f, "the file is empty (0 bytes)"),
            ReadError::TooShort { file_len } => {
                write!(f, "the file is only {}, too short to be an image", human_bytes(*file_len))
            }
            ReadError::TooLarge { what, len, limit } => {
                write!(f, "{what} declares {} (limit {}), refused", human_bytes(*len), human_bytes(*limit))
            }
            ReadError::Io(e) => write!(f, "could not read the file: {e}"),
        }
    }
}

/// `1.2 MB`, `812 KB`, `37 bytes` — decimal units, as file managers show them.
pub fn human_bytes(n: u64) -> String {
    if n >= 1_000_000_000_000 {
        format!("{:.1} TB", n as f64 / 1e12)
    } else if n >= 1_000_000_000 {
        format!("{:.2} GB", n as f64 / 1e9)
    } else if n >= 1_000_000 {
        format!("{:.1} MB", n as f64 / 1e6)
    } else if n >= 1_000 {
        format!("{:.0} KB", n as f64 / 1e3)
    } else if n == 1 {
        "1 byte".to_string()
    } else {
        format!("{n} bytes")
    }
}

/// A block-caching reader over any [`ByteSource`], counting what it really read.
///
/// The first touch anywhere in the head fetches [`Reader::HEAD`] bytes from offset 0 (where
/// almost every format keeps its header and metadata); a touch further in fetches only a
/// [`Reader::CHUNK`]-sized aligned chunk, so hopping from segment header to segment header
/// (a JPEG's many APP segments, a PNG's chunk list, scattered IFDs) reads kilobytes, not the file.
pub struct Reader<'a> {
    src: &'a mut dyn ByteSource,
    len: u64,
    /// (start offset, bytes), most recently used last.
    blocks: Vec<(u64, Vec<u8>)>,
    /// Bytes fetched from the source so far (the number that proves "head only").
    pub bytes_read: u64,
    /// Calls made to the source so far.
    pub read_calls: u32,
}

impl<'a> Reader<'a> {
    /// Bytes fetched on the first touch of the head (exifr reads 64 KB too).
    pub const HEAD: u64 = 64 * 1024;
    /// Bytes fetched (aligned) on a touch past the head.
    pub const CHUNK: u64 = 8 * 1024;
    pub const MAX_CACHED_BLOCKS: usize = 8;

    pub fn new(src: &'a mut dyn ByteSource) -> Self {
        let len = src.len();
        Reader { src, len, blocks: Vec::new(), bytes_read: 0, read_calls: 0 }
    }

    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Fetches the head and the last [`Reader::CHUNK`] bytes in one source call, since nearly
    /// every probe reads both (the header up front, an end-of-image marker at the tail).
    pub fn prefetch_head_and_tail(&mut self) -> Result<(), ReadError> {
        if !self.blocks.is_empty() || self.len == 0 {
            return Ok(());
        }
        if self.len <= Self::HEAD + Self::CHUNK {
            self.block_at(0)?;
            if self.len > Self::HEAD {
                self.block_at(Self::HEAD)?;
            }
            return Ok(());
        }
        let tail_start = self.len - Self::CHUNK;
        let mut head = vec![0u8; Self::HEAD as usize];
        let mut tail = vec![0u8; Self::CHUNK as usize];
        let got = {
            let mut ranges = [(0u64, head.as_mut_slice()), (tail_start, tail.as_mut_slice())];
            self.src.read_ranges(&mut ranges).map_err(ReadError::Io)?
        };
        self.read_calls += 1;
        head.truncate(got.first().copied().unwrap_or(0));
        tail.truncate(got.get(1).copied().unwrap_or(0));
        self.bytes_read += (head.len() + tail.len()) as u64;
        self.blocks.push((tail_start, tail));
        self.blocks.push((0, head));
        Ok(())
    }

    /// The cached block holding `pos` (fetching it if needed), and `pos`'s index within it.
    fn block_at(&mut self, pos: u64) -> Result<(&[u8], usize), ReadError> {
        if let Some(i) = self.blocks.iter().position(|(start, b)| *start <= pos && pos < start + b.len() as u64) {
            let b = self.blocks.remove(i);
            self.blocks.push(b);
        } else {
            let (start, size) = if pos < Self::HEAD { (0, Self::HEAD) } else { (pos - pos % Self::CHUNK, Self::CHUNK) };
            let size = size.min(self.len.saturating_sub(start)) as usize;
            let mut buf = vec![0u8; size];
            let n = self.src.read_at(start, &mut buf).map_err(ReadError::Io)?;
            buf.truncate(n);
            self.bytes_read += n as u64;
            self.read_calls += 1;
            if self.blocks.len() >= Self::MAX_CACHED_BLOCKS {
                self.blocks.remove(0);
            }
            self.blocks.push((start, buf));
        }
        let (start, b) = self.blocks.last().expect("just pushed");
        Ok((b.as_slice(), (pos - start) as usize))
    }

    /// Copies exactly `buf.len()` bytes from `offset`, or says the file is too short.
    pub fn read_exact(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), ReadError> {
        let end = offset
            .checked_add(buf.len() as u64)
            .ok_or(ReadError::Truncated { wanted_end: u64::MAX, file_len: self.len })?;
        if end > self.len {
            return Err(ReadError::Truncated { wanted_end: end, file_len: self.len });
        }
        // Large reads bypass the cache so a big segment does not evict the head.
        if buf.len() as u64 > Self::HEAD {
            let n = self.src.read_at(offset, buf).map_err(ReadError::Io)?;
            self.bytes_read += n as u64;
            self.read_calls += 1;
            if n < buf.len() {
                return Err(ReadError::Truncated { wanted_end: end, file_len: offset + n as u64 });
            }
            return Ok(());
        }
        let mut done = 0usize;
        while done < buf.len() {
            let pos = offset + done as u64;
            let (block, within) = self.block_at(pos)?;
            if within >= block.len() {
                return Err(ReadError::Truncated { wanted_end: end, file_len: pos });
            }
            let n = (block.len() - within).min(buf.len() - done);
            buf[done..done + n].copy_from_slice(&block[within..within + n]);
            done += n;
        }
        Ok(())
    }

    /// Reads `len` bytes at `offset` into a new vector, refusing `len > limit` before allocating.
    pub fn read_vec(&mut self, offset: u64, len: u64, limit: u64, what: &'static str) -> Result<Vec<u8>, ReadError> {
        if len > limit {
            return Err(ReadError::TooLarge { what, len, limit });
        }
        let end = offset.saturating_add(len);
        if end > self.len {
            return Err(ReadError::Truncated { wanted_end: end, file_len: self.len });
        }
        let mut v = vec![0u8; len as usize];
        self.read_exact(offset, &mut v)?;
        Ok(v)
    }

    /// Reads up to `len` bytes at `offset` (fewer at the end of the file).
    pub fn read_up_to(&mut self, offset: u64, len: usize) -> Result<Vec<u8>, ReadError> {
        let avail = self.len.saturating_sub(offset).min(len as u64) as usize;
        let mut v = vec![0u8; avail];
        self.read_exact(offset, &mut v)?;
        Ok(v)
    }

    pub fn u8_at(&mut self, offset: u64) -> Result<u8, ReadError> {
        let mut b = [0u8; 1];
        self.read_exact(offset, &mut b)?;
        Ok(b[0])
    }

    pub fn u16_at(&mut self, offset: u64, big_endian: bool) -> Result<u16, ReadError> {
        let mut b = [0u8; 2];
        self.read_exact(offset, &mut b)?;
        Ok(if big_endian { u16::from_be_bytes(b) } else { u16::from_le_bytes(b) })
    }

    pub fn u32_at(&mut self, offset: u64, big_endian: bool) -> Result<u32, ReadError> {
        let mut b = [0u8; 4];
        self.read_exact(offset, &mut b)?;
        Ok(if big_endian { u32::from_be_bytes(b) } else { u32::from_le_bytes(b) })
    }

    pub fn u64_at(&mut self, offset: u64, big_endian: bool) -> Result<u64, ReadError> {
        let mut b = [0u8; 8];
        self.read_exact(offset, &mut b)?;
        Ok(if big_endian { u64::from_be_bytes(b) } else { u64::from_le_bytes(b) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_across_blocks_and_counts_bytes() {
        let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let mut src = SliceSource(&data);
        let mut r = Reader::new(&mut src);
        let mut buf = [0u8; 10];
        r.read_exact(65_530, &mut buf).unwrap();
        assert_eq!(&buf[..], &data[65_530..65_540]);
        assert_eq!(r.read_calls, 2); // the head, then one chunk
        assert_eq!(r.bytes_read, Reader::HEAD + Reader::CHUNK);
        r.read_exact(65_531, &mut buf[..3]).unwrap(); // cached
        assert_eq!(r.read_calls, 2);
        r.read_exact(150_000, &mut buf).unwrap(); // far in: one small chunk
        assert_eq!(&buf[..], &data[150_000..150_010]);
        assert_eq!(r.bytes_read, Reader::HEAD + 2 * Reader::CHUNK);
    }

    #[test]
    fn head_and_tail_come_in_one_call() {
        let data: Vec<u8> = (0..500_000u32).map(|i| (i % 253) as u8).collect();
        let mut src = SliceSource(&data);
        let mut r = Reader::new(&mut src);
        r.prefetch_head_and_tail().unwrap();
        assert_eq!(r.read_calls, 1);
        let mut buf = [0u8; 16];
        r.read_exact(100, &mut buf).unwrap();
        assert_eq!(&buf[..], &data[100..116]);
        r.read_exact(499_990, &mut buf[..10]).unwrap();
        assert_eq!(&buf[..10], &data[499_990..]);
        assert_eq!(r.read_calls, 1, "both served from the prefetch");
        assert_eq!(r.bytes_read, Reader::HEAD + Reader::CHUNK);
        // A small file: one block.
        let small = [9u8; 1000];
        let mut src = SliceSource(&small);
        let mut r = Reader::new(&mut src);
        r.prefetch_head_and_tail().unwrap();
        assert_eq!((r.read_calls, r.bytes_read), (1, 1000));
    }

    #[test]
    fn past_the_end_is_truncated_not_a_panic() {
        let data = [1u8; 100];
        let mut src = SliceSource(&data);
        let mut r = Reader::new(&mut src);
        let mut buf = [0u8; 8];
        assert_eq!(r.read_exact(96, &mut buf), Err(ReadError::Truncated { wanted_end: 104, file_len: 100 }));
        assert!(r.read_exact(u64::MAX - 2, &mut buf).is_err());
        assert!(matches!(r.read_vec(0, 1 << 40, 1 << 20, "segment"), Err(ReadError::TooLarge { .. })));
    }
}
