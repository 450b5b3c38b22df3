//! Byte sources for GGUF parsing: one contiguous slice, or several parts read in order.

use std::borrow::Cow;

use super::GgufError;

/// Random access to the bytes of a GGUF file.
///
/// Implemented for a single slice (`[u8]`, `Vec<u8>`) and for [`MultiSlice`], which presents
/// several parts (e.g. the chunks a model is shipped in) as one file.
pub trait Source {
    /// Total length in bytes.
    fn len(&self) -> u64;

    /// Whether the source holds no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes `offset .. offset + len`: borrowed when they sit in one part, copied otherwise.
    fn bytes(&self, offset: u64, len: usize) -> Result<Cow<'_, [u8]>, GgufError>;
}

fn out_of_bounds(offset: u64, len: usize, size: u64) -> GgufError {
    GgufError::OutOfBounds {
        offset,
        len: len as u64,
        size,
    }
}

impl Source for [u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn bytes(&self, offset: u64, len: usize) -> Result<Cow<'_, [u8]>, GgufError> {
        let size = Source::len(self);
        let end = offset
            .checked_add(len as u64)
            .filter(|&e| e <= size)
            .ok_or_else(|| out_of_bounds(offset, len, size))?;
        // Both bounds are <= the slice length, which fits in usize.
        Ok(Cow::Borrowed(&self[offset as usize..end as usize]))
    }
}

impl Source for Vec<u8> {
    fn len(&self) -> u64 {
        self.as_slice().len() as u64
    }

    fn bytes(&self, offset: u64, len: usize) -> Result<Cow<'_, [u8]>, GgufError> {
        Source::bytes(self.as_slice(), offset, len)
    }
}

/// Several byte buffers presented, in order, as one file.
///
/// A read that falls inside one part borrows it; a read that crosses a boundary is copied
/// into a fresh buffer (so a tensor split across two parts still reads correctly).
#[derive(Debug, Clone)]
pub struct MultiSlice<P> {
    parts: Vec<P>,
    /// `starts[i]` is the file offset of `parts[i]`; one extra entry holds the total length.
    starts: Vec<u64>,
}

impl<P: AsRef<[u8]>> MultiSlice<P> {
    /// Joins `parts` in order. Empty parts are allowed.
    pub fn new(parts: Vec<P>) -> Self {
        let mut starts = Vec::with_capacity(parts.len() + 1);
        let mut at = 0u64;
        for p in &parts {
            starts.push(at);
            at += p.as_ref().len() as u64;
        }
        starts.push(at);
        Self { parts, starts }
    }

    /// The parts, in order.
    pub fn parts(&self) -> &[P] {
        &self.parts
    }

    /// Index of the part containing file offset `offset` (`offset < len`).
    fn part_of(&self, offset: u64) -> usize {
        // Last start <= offset, skipping empty parts.
        let n = self.parts.len();
        let idx = self.starts[..n].partition_point(|&s| s <= offset);
        idx.saturating_sub(1)
    }
}

impl<P: AsRef<[u8]>> Source for MultiSlice<P> {
    fn len(&self) -> u64 {
        self.starts.last().copied().unwrap_or(0)
    }

    fn bytes(&self, offset: u64, len: usize) -> Result<Cow<'_, [u8]>, GgufError> {
        let size = Source::len(self);
        let end = offset
            .checked_add(len as u64)
            .filter(|&e| e <= size)
            .ok_or_else(|| out_of_bounds(offset, len, size))?;
        if len == 0 {
            return Ok(Cow::Borrowed(&[]));
        }
        let mut i = self.part_of(offset);
        let first = self.parts[i].as_ref();
        let local = (offset - self.starts[i]) as usize;
        if end <= self.starts[i + 1] {
            return Ok(Cow::Borrowed(&first[local..local + len]));
        }
        let mut out = Vec::with_capacity(len);
        out.extend_from_slice(&first[local..]);
        while out.len() < len {
            i += 1;
            let part = self.parts[i].as_ref();
            let want = (len - out.len()).min(part.len());
            out.extend_from_slice(&part[..want]);
        }
        Ok(Cow::Owned(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_slice_reads_across_boundaries() {
        let whole: Vec<u8> = (0..=255u8).collect();
        let parts = vec![
            whole[..10].to_vec(),
            Vec::new(),
            whole[10..11].to_vec(),
            whole[11..200].to_vec(),
            whole[200..].to_vec(),
        ];
        let ms = MultiSlice::new(parts);
        assert_eq!(Source::len(&ms), 256);
        for off in 0..=256u64 {
            for len in [0usize, 1, 2, 9, 50, 190, 256] {
                let want = Source::bytes(whole.as_slice(), off, len);
                let got = ms.bytes(off, len);
                match (want, got) {
                    (Ok(w), Ok(g)) => assert_eq!(w, g, "offset {off} len {len}"),
                    (Err(_), Err(_)) => {}
                    (w, g) => panic!("offset {off} len {len}: {w:?} vs {g:?}"),
                }
            }
        }
        assert!(matches!(ms.bytes(5, 3), Ok(Cow::Borrowed(_))));
        assert!(matches!(ms.bytes(9, 3), Ok(Cow::Owned(_))));
        assert!(ms.bytes(u64::MAX, 2).is_err());
        let empty: MultiSlice<Vec<u8>> = MultiSlice::new(Vec::new());
        assert!(empty.is_empty());
        assert!(empty.bytes(0, 1).is_err());
        assert!(empty.bytes(0, 0).is_ok());
    }
}
