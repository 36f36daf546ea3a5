//! Seeded, reproducible randomness.
//!
//! One scenario seed; every subsystem draws from its own ChaCha8 stream derived
//! from `(seed, name)`, so adding a random draw in one place never reshuffles
//! another. ChaCha8 has documented, platform-independent output, and all draws
//! are `u64`-based (never `usize`: wasm32 is 32-bit).

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// The default scenario seed.
pub const DEFAULT_SEED: u64 = 1;

/// A named, reproducible random stream.
#[derive(Clone, Debug)]
pub struct Rng(ChaCha8Rng);

/// FNV-1a 64-bit: a tiny, stable hash used to derive stream seeds and trace
/// hashes (stable across platforms and Rust versions, unlike `DefaultHasher`).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// FNV-1a 32-bit (Go's `hash/fnv.New32a`), the hash behind
/// `controller.ComputeHash` and `history.HashControllerRevision`.
pub fn fnv32a(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Kubernetes' random-string alphabet (k8s.io/apimachinery/pkg/util/rand):
/// no vowels, no look-alikes.
pub const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// `rand.SafeEncodeString`: each byte mapped into [`ALPHANUMS`].
pub fn safe_encode_string(s: &str) -> String {
    s.bytes()
        .map(|b| ALPHANUMS[b as usize % ALPHANUMS.len()] as char)
        .collect()
}

impl Rng {
    /// The stream named `name` of scenario `seed`.
    pub fn stream(seed: u64, name: &str) -> Rng {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&fnv1a(name.as_bytes()).to_le_bytes());
        key[16..24].copy_from_slice(&(name.len() as u64).to_le_bytes());
        key[24..32].copy_from_slice(&fnv1a(&seed.to_be_bytes()).to_le_bytes());
        Rng(ChaCha8Rng::from_seed(key))
    }

    /// A uniformly random `u64`.
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// A uniform integer in `0..n` (`n > 0`), without modulo bias.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0, "Rng::below(0)");
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let v = self.next_u64();
            if v < zone {
                return v % n;
            }
        }
    }

    /// A uniform integer in `lo..=hi`.
    pub fn between(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        lo + self.below(hi - lo + 1)
    }

    /// `n` characters from Kubernetes' random-string alphabet
    /// (`bcdfghjklmnpqrstvwxz2456789`, k8s.io/apimachinery/pkg/util/rand),
    /// as used for generateName suffixes.
    pub fn k8s_suffix(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| ALPHANUMS[self.below(ALPHANUMS.len() as u64) as usize] as char)
            .collect()
    }

    /// A random UUID (version 4 layout), for `metadata.uid`.
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&a.to_be_bytes());
        bytes[8..].copy_from_slice(&b.to_be_bytes());
        bytes[6] = (bytes[6] & 0x0f) | 0x40;
        bytes[8] = (bytes[8] & 0x3f) | 0x80;
        // 8-4-4-4-12 lowercase hex, written directly (this runs for every
        // object and event created).
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(36);
        for (i, b) in bytes.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out.push('-');
            }
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 0xf)] as char);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv32a_matches_the_reference_vectors() {
        // FNV-1a test vectors (draft-eastlake-fnv): "" and "a", "foobar".
        assert_eq!(fnv32a(b""), 0x811c_9dc5);
        assert_eq!(fnv32a(b"a"), 0xe40c_292c);
        assert_eq!(fnv32a(b"foobar"), 0xbf9c_f968);
    }

    #[test]
    fn safe_encode_maps_decimal_digits_as_upstream() {
        // '0' is 48: 48 % 27 = 21 → '4'; '9' is 57 % 27 = 3 → 'f'.
        assert_eq!(safe_encode_string("0123456789"), "456789bcdf");
        assert_eq!(safe_encode_string("4294967295").len(), 10);
    }

    #[test]
    fn same_seed_and_name_give_the_same_stream() {
        let mut a = Rng::stream(7, "scheduler");
        let mut b = Rng::stream(7, "scheduler");
        assert_eq!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn different_names_give_different_streams() {
        let mut a = Rng::stream(7, "scheduler");
        let mut b = Rng::stream(7, "kubelet");
        assert_ne!(a.next_u64(), b.next_u64());
    }

    #[test]
    fn suffix_uses_kubernetes_alphabet() {
        let s = Rng::stream(1, "names").k8s_suffix(5);
        assert_eq!(s.len(), 5);
        assert!(s.chars().all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
    }

    #[test]
    fn uuid_has_version_4_layout() {
        let u = Rng::stream(1, "uid").uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
    }
}
