//! Ages as kubectl prints them: `k8s.io/apimachinery/pkg/util/duration`.

use k8s_openapi::chrono::{DateTime, Utc};

/// `duration.HumanDuration`: the AGE column and describe's event ages
/// (`0s`, `69s`, `3m10s`, `2d4h`, `<invalid>` beyond 1s in the future).
pub fn human_duration(d_ms: i64) -> String {
    // Go: int(d.Seconds()) truncates toward zero.
    let seconds = d_ms / 1000;
    if seconds < -1 {
        return "<invalid>".into();
    } else if seconds < 0 {
        return "0s".into();
    } else if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = d_ms / 60_000;
    if minutes < 10 {
        let s = seconds % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    } else if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = d_ms / 3_600_000;
    if hours < 8 {
        let m = minutes % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        return format!("{hours}h{m}m");
    } else if hours < 48 {
        return format!("{hours}h");
    } else if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        return format!("{}d{}h", hours / 24, h);
    } else if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    } else if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        return format!("{}y{}d", hours / 24 / 365, dy);
    }
    format!("{}y", hours / 24 / 365)
}

/// `duration.ShortHumanDuration` (one unit: `59s`, `5m`, `3h`, `2d`, `1y`).
pub fn short_human_duration(d_ms: i64) -> String {
    let seconds = d_ms / 1000;
    if seconds < -1 {
        "<invalid>".into()
    } else if seconds < 0 {
        "0s".into()
    } else if seconds < 60 {
        format!("{seconds}s")
    } else if d_ms / 60_000 < 60 {
        format!("{}m", d_ms / 60_000)
    } else if d_ms / 3_600_000 < 24 {
        format!("{}h", d_ms / 3_600_000)
    } else if d_ms / 3_600_000 < 24 * 365 {
        format!("{}d", d_ms / 3_600_000 / 24)
    } else {
        format!("{}y", d_ms / 3_600_000 / 24 / 365)
    }
}

/// `translateTimestampSince`: `<unknown>` for an unset timestamp, else the
/// human duration from `t` to `now_ms`.
pub fn since(t: Option<&DateTime<Utc>>, now_ms: i64) -> String {
    match t {
        None => "<unknown>".into(),
        Some(t) => human_duration(now_ms - t.timestamp_millis()),
    }
}

/// Go's `time.RFC1123Z` layout (`Mon, 03 Mar 2025 09:00:00 +0000`), in UTC
/// (the simulated terminal's time zone).
pub fn rfc1123z(t: &DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S %z").to_string()
}

/// [`rfc1123z`] of Go's zero time, what describe prints for an unset time.
pub const ZERO_RFC1123Z: &str = "Mon, 01 Jan 0001 00:00:00 +0000";

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1000;
    const M: i64 = 60 * S;
    const H: i64 = 60 * M;
    const D: i64 = 24 * H;
    const Y: i64 = 365 * D;

    #[test]
    fn human_duration_matches_apimachinery_at_every_boundary() {
        let cases: &[(i64, &str)] = &[
            (-2 * S, "<invalid>"),
            (-1999, "0s"),
            (-S, "0s"),
            (-1, "0s"),
            (0, "0s"),
            (999, "0s"),
            (S, "1s"),
            (69 * S, "69s"),
            (2 * M - 1, "119s"),
            (2 * M, "2m"),
            (2 * M + S, "2m1s"),
            (3 * M + 10 * S, "3m10s"),
            (10 * M - 1, "9m59s"),
            (10 * M, "10m"),
            (10 * M + 59 * S, "10m"),
            (3 * H - 1, "179m"),
            (3 * H, "3h"),
            (3 * H + 5 * M, "3h5m"),
            (8 * H - 1, "7h59m"),
            (8 * H, "8h"),
            (48 * H - 1, "47h"),
            (48 * H, "2d"),
            (2 * D + 4 * H, "2d4h"),
            (8 * D - 1, "7d23h"),
            (8 * D, "8d"),
            (2 * Y - 1, "729d"),
            (2 * Y, "2y"),
            (2 * Y + D, "2y1d"),
            (8 * Y - 1, "7y364d"),
            (8 * Y, "8y"),
            (10 * Y + 100 * D, "10y"),
        ];
        for (d, want) in cases {
            assert_eq!(human_duration(*d), *want, "d = {d}ms");
        }
    }

    #[test]
    fn short_human_duration_matches_apimachinery_at_every_boundary() {
        let cases: &[(i64, &str)] = &[
            (-2 * S, "<invalid>"),
            (-S, "0s"),
            (0, "0s"),
            (59 * S, "59s"),
            (M, "1m"),
            (H - 1, "59m"),
            (H, "1h"),
            (D - 1, "23h"),
            (D, "1d"),
            (Y - 1, "364d"),
            (Y, "1y"),
            (3 * Y + D, "3y"),
        ];
        for (d, want) in cases {
            assert_eq!(short_human_duration(*d), *want, "d = {d}ms");
        }
    }

    #[test]
    fn rfc1123z_reads_like_go() {
        let t = DateTime::from_timestamp_millis(1_740_992_400_000).unwrap();
        assert_eq!(rfc1123z(&t), "Mon, 03 Mar 2025 09:00:00 +0000");
        assert_eq!(since(Some(&t), 1_740_992_400_000 + 69_000), "69s");
        assert_eq!(since(None, 0), "<unknown>");
    }
}
