//! Plain logic of loading: typed load errors with the advice the page shows, byte ranges for
//! parallel downloads, size and sha256 checks of downloaded parts, names of GGUF file types.

use sha2::{Digest, Sha256};

use crate::protocol::ErrorKind;

/// Why loading a model failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The request could not be sent or the connection broke.
    #[error("downloading {url} failed: {reason}. Check the connection and try again.")]
    Network {
        /// What was fetched.
        url: String,
        /// The browser's message.
        reason: String,
    },
    /// The server answered with an error status.
    #[error("the server answered {status} for {url}")]
    Http {
        /// What was fetched.
        url: String,
        /// HTTP status.
        status: u16,
    },
    /// A part had the wrong size.
    #[error("{what} has {got} bytes, expected {expected}: the download is incomplete or the file changed")]
    Size {
        /// What was checked.
        what: String,
        /// Bytes expected.
        expected: u64,
        /// Bytes received.
        got: u64,
    },
    /// A part's sha256 sum did not match.
    #[error("{what} is corrupted: its sha256 is {got}, expected {expected}")]
    Checksum {
        /// What was checked.
        what: String,
        /// Expected hex digest.
        expected: String,
        /// Actual hex digest.
        got: String,
    },
    /// The browser's storage is full.
    #[error("the browser has no room left to cache the model ({0}). Free some disk space or clear this site's data, then reload; the model still runs for this visit.")]
    Quota(String),
    /// The bytes are not a usable model.
    #[error("{0}")]
    Invalid(String),
    /// The visitor cancelled.
    #[error("loading was cancelled")]
    Cancelled,
    /// A browser API failed.
    #[error("{0}")]
    Browser(String),
}

impl LoadError {
    /// The protocol's kind for this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::Network { .. } | Self::Http { .. } => ErrorKind::Network,
            Self::Size { .. } | Self::Checksum { .. } => ErrorKind::Integrity,
            Self::Quota(_) => ErrorKind::Quota,
            Self::Invalid(_) => ErrorKind::InvalidModel,
            Self::Cancelled => ErrorKind::Cancelled,
            Self::Browser(_) => ErrorKind::Internal,
        }
    }
}

/// Splits `0..total` into at most `n` contiguous ranges (`start..end`) of at least `min` bytes
/// each (the last one takes the rest).
pub fn ranges(total: u64, n: usize, min: u64) -> Vec<(u64, u64)> {
    if total == 0 {
        return Vec::new();
    }
    let n = (n.max(1) as u64).min(total.div_ceil(min.max(1))).max(1);
    let step = total.div_ceil(n);
    (0..n)
        .map(|i| (i * step, ((i + 1) * step).min(total)))
        .filter(|(a, b)| a < b)
        .collect()
}

/// The total size from a `Content-Range: bytes a-b/TOTAL` header.
pub fn content_range_total(header: &str) -> Option<u64> {
    let (_, total) = header.trim().rsplit_once('/')?;
    total.trim().parse().ok()
}

/// Checks one downloaded part as its bytes arrive.
#[derive(Debug, Clone)]
pub struct PartCheck {
    what: String,
    expected_size: Option<u64>,
    expected_sha256: Option<String>,
    hasher: Option<Sha256>,
    seen: u64,
}

impl PartCheck {
    /// A check of `what` (for messages) against an optional size and sha256 (hex).
    pub fn new(what: &str, expected_size: Option<u64>, expected_sha256: Option<&str>) -> Self {
        Self {
            what: what.to_string(),
            expected_size,
            expected_sha256: expected_sha256.map(str::to_ascii_lowercase),
            hasher: expected_sha256.map(|_| Sha256::new()),
            seen: 0,
        }
    }

    /// Feeds the next bytes; fails early when more bytes arrive than expected.
    pub fn update(&mut self, bytes: &[u8]) -> Result<(), LoadError> {
        self.seen += bytes.len() as u64;
        if let Some(want) = self.expected_size {
            if self.seen > want {
                return Err(LoadError::Size {
                    what: self.what.clone(),
                    expected: want,
                    got: self.seen,
                });
            }
        }
        if let Some(h) = &mut self.hasher {
            h.update(bytes);
        }
        Ok(())
    }

    /// Checks the size and the sum once every byte arrived.
    pub fn finish(self) -> Result<(), LoadError> {
        if let Some(want) = self.expected_size {
            if self.seen != want {
                return Err(LoadError::Size {
                    what: self.what,
                    expected: want,
                    got: self.seen,
                });
            }
        }
        if let (Some(h), Some(want)) = (self.hasher, self.expected_sha256) {
            let got = hex(&h.finalize());
            if got != want {
                return Err(LoadError::Checksum {
                    what: self.what,
                    expected: want,
                    got,
                });
            }
        }
        Ok(())
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// llama.cpp's name for a `general.file_type` value (the quantization "mix" of a file).
pub fn file_type_name(ft: u64) -> Option<&'static str> {
    Some(match ft {
        0 => "F32",
        1 => "F16",
        2 => "Q4_0",
        3 => "Q4_1",
        7 => "Q8_0",
        8 => "Q5_0",
        9 => "Q5_1",
        10 => "Q2_K",
        11 => "Q3_K_S",
        12 => "Q3_K_M",
        13 => "Q3_K_L",
        14 => "Q4_K_S",
        15 => "Q4_K_M",
        16 => "Q5_K_S",
        17 => "Q5_K_M",
        18 => "Q6_K",
        32 => "BF16",
        _ => return None,
    })
}

/// The last path segment of a URL, for display.
pub fn url_file_name(url: &str) -> &str {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.rsplit('/').find(|s| !s.is_empty()).unwrap_or(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_everything_once() {
        for total in [1u64, 7, 100, 253_113_024] {
            for n in [1usize, 3, 4, 8] {
                let r = ranges(total, n, 16);
                assert!(r.len() <= n && !r.is_empty());
                assert_eq!(r[0].0, 0);
                assert_eq!(r.last().unwrap().1, total);
                for w in r.windows(2) {
                    assert_eq!(w[0].1, w[1].0);
                }
            }
        }
        assert!(ranges(0, 4, 1).is_empty());
        // Small files are not split below `min`.
        assert_eq!(ranges(10, 4, 8).len(), 2);
    }

    #[test]
    fn content_range_totals() {
        assert_eq!(
            content_range_total("bytes 0-0/253113024"),
            Some(253_113_024)
        );
        assert_eq!(content_range_total("bytes 0-0/*"), None);
        assert_eq!(content_range_total("nonsense"), None);
    }

    #[test]
    fn part_checks_catch_size_and_sum() {
        // sha256("abc")
        let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
        let mut ok = PartCheck::new("part", Some(3), Some(abc));
        ok.update(b"a").unwrap();
        ok.update(b"bc").unwrap();
        ok.finish().unwrap();

        let mut bad = PartCheck::new("part", Some(3), Some(abc));
        bad.update(b"abd").unwrap();
        let e = bad.finish().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Integrity);
        assert!(e.to_string().contains("corrupted"), "{e}");

        let mut short = PartCheck::new("part", Some(3), None);
        short.update(b"ab").unwrap();
        assert!(matches!(
            short.finish(),
            Err(LoadError::Size { got: 2, .. })
        ));

        let mut long = PartCheck::new("part", Some(3), None);
        assert!(long.update(b"abcd").is_err());

        let mut free = PartCheck::new("part", None, None);
        free.update(b"anything").unwrap();
        free.finish().unwrap();
    }

    #[test]
    fn names() {
        assert_eq!(file_type_name(15), Some("Q4_K_M"));
        assert_eq!(file_type_name(999), None);
        assert_eq!(
            url_file_name("https://h/x/resolve/main/m.gguf?download=true"),
            "m.gguf"
        );
        assert_eq!(LoadError::Quota("x".into()).kind(), ErrorKind::Quota);
        assert!(LoadError::Quota("x".into())
            .to_string()
            .contains("clear this site's data"));
    }
}
