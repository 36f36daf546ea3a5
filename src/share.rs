//! Share links: an [`InputLog`] as JSON, deflated, in URL-safe base64, in
//! the URL fragment (`#s=1.<data>`). The fragment never reaches a server.
//! Decoding is bounded: the fragment's length and the inflated size are
//! capped before and while decoding, so a crafted link cannot exhaust
//! memory (no decompression bomb), and the log is checked
//! ([`InputLog::check`]) before it is replayed.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use crate::session::{InputLog, ReplayError};

/// The fragment key of a share link.
pub const KEY: &str = "s=";
/// Format version, the first field of the payload.
pub const VERSION: &str = "1";
/// The longest fragment decoded (characters). Browsers accept far longer
/// URLs; a session this large is better kept than shared.
pub const MAX_FRAGMENT: usize = 64 * 1024;
/// The most bytes the payload may inflate to.
pub const MAX_INFLATED: usize = 1024 * 1024;

/// Why a link cannot be opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShareError {
    /// The fragment is longer than [`MAX_FRAGMENT`].
    TooLong(usize),
    /// Not a `s=VERSION.DATA` fragment, or an unknown version.
    NotALink,
    /// The data is not base64.
    Base64,
    /// The data does not inflate, or inflates past [`MAX_INFLATED`].
    Inflate,
    /// The inflated data is not a session.
    Json(String),
    /// The session is out of bounds.
    Replay(ReplayError),
}

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::i18n::{fill, strings};
        let t = &strings().link_errors;
        match self {
            ShareError::TooLong(n) => {
                f.write_str(&fill(t.too_long, &[("n", n), ("max", &MAX_FRAGMENT)]))
            }
            ShareError::NotALink => f.write_str(t.not_a_link),
            ShareError::Base64 => f.write_str(t.base64),
            ShareError::Inflate => f.write_str(t.inflate),
            ShareError::Json(e) => f.write_str(&fill(t.json, &[("why", e)])),
            ShareError::Replay(e) => write!(f, "{e}"),
        }
    }
}

/// Encodes a log as a fragment (without the `#`).
pub fn encode(log: &InputLog) -> String {
    let json = serde_json::to_vec(log).expect("a log serializes");
    let packed = miniz_oxide::deflate::compress_to_vec(&json, 9);
    format!("{KEY}{VERSION}.{}", URL_SAFE_NO_PAD.encode(packed))
}

/// Whether a fragment (without the `#`) is meant as a share link.
pub fn is_link(fragment: &str) -> bool {
    fragment.starts_with(KEY)
}

/// Decodes a fragment (without the `#`) into a log, within the caps.
pub fn decode(fragment: &str) -> Result<InputLog, ShareError> {
    if fragment.len() > MAX_FRAGMENT {
        return Err(ShareError::TooLong(fragment.len()));
    }
    let body = fragment.strip_prefix(KEY).ok_or(ShareError::NotALink)?;
    let (version, data) = body.split_once('.').ok_or(ShareError::NotALink)?;
    if version != VERSION {
        return Err(ShareError::NotALink);
    }
    let packed = URL_SAFE_NO_PAD
        .decode(data.trim_end_matches('='))
        .map_err(|_| ShareError::Base64)?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED)
        .map_err(|_| ShareError::Inflate)?;
    let log: InputLog =
        serde_json::from_slice(&json).map_err(|e| ShareError::Json(e.to_string()))?;
    log.check().map_err(ShareError::Replay)?;
    Ok(log)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{Entry, Live};

    fn sample() -> InputLog {
        let mut live = Live::fresh(42, 2);
        live.input(
            "kubectl create deployment web --image=nginx --replicas=3",
            None,
        );
        live.advance(12_345);
        live.input(
            "kubectl apply -f -",
            Some("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n"),
        );
        live.input("kubarium node stop node-2", None);
        live.advance(3_000);
        live.log
    }

    #[test]
    fn a_link_round_trips_and_replays_to_the_same_cluster() {
        let log = sample();
        let link = encode(&log);
        assert!(is_link(&link));
        assert!(link
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.=".contains(&b)));
        let back = decode(&link).unwrap();
        assert_eq!(back, log);
        let a = log.replay().unwrap();
        let b = back.replay().unwrap();
        assert_eq!(
            format!("{:?}", a.kube.sim.snapshot()),
            format!("{:?}", b.kube.sim.snapshot())
        );
    }

    #[test]
    fn links_are_compact() {
        let link = encode(&sample());
        assert!(link.len() < 400, "{} characters: {link}", link.len());
    }

    #[test]
    fn damaged_links_give_a_clear_error() {
        let link = encode(&sample());
        assert_eq!(decode("x=1.abc"), Err(ShareError::NotALink));
        assert_eq!(decode("s=9.abc"), Err(ShareError::NotALink));
        assert_eq!(decode("s=1"), Err(ShareError::NotALink));
        assert_eq!(decode("s=1.%%%"), Err(ShareError::Base64));
        assert_eq!(decode("s=1.AAAA"), Err(ShareError::Inflate));
        // Truncated in transit.
        assert!(decode(&link[..link.len() - 10]).is_err());
        // Valid deflate of something that is not a session.
        let not_json = format!(
            "s=1.{}",
            URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(b"hello", 9))
        );
        assert!(matches!(decode(&not_json), Err(ShareError::Json(_))));
        assert!(!ShareError::Inflate.to_string().is_empty());
    }

    #[test]
    fn an_oversize_fragment_is_refused_before_decoding() {
        let long = format!("s=1.{}", "A".repeat(MAX_FRAGMENT));
        assert_eq!(decode(&long), Err(ShareError::TooLong(long.len())));
    }

    #[test]
    fn a_decompression_bomb_is_stopped_at_the_cap() {
        // 64 MiB of zeros deflates to ~64 KiB; even a 16 MiB bomb fits in
        // the fragment cap — it must still be refused while inflating.
        let bomb = vec![b' '; 16 * 1024 * 1024];
        let packed = miniz_oxide::deflate::compress_to_vec(&bomb, 10);
        let link = format!("s=1.{}", URL_SAFE_NO_PAD.encode(&packed));
        assert!(link.len() <= MAX_FRAGMENT, "{}", link.len());
        assert_eq!(decode(&link), Err(ShareError::Inflate));
    }

    #[test]
    fn a_log_out_of_bounds_is_refused_before_replay() {
        let mut log = sample();
        log.entries.insert(
            0,
            Entry {
                at: log.end + 1,
                line: "kubectl get pods".into(),
                stdin: None,
            },
        );
        assert!(matches!(
            decode(&encode(&log)),
            Err(ShareError::Replay(ReplayError::OutOfOrder { .. }))
        ));
    }
}
