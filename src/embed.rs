//! The page's query string: `?embed=1&panels=terminal,cluster&scenario=NAME&nodes=N`.
//! Embed mode shows only the listed panels with minimal chrome (for an
//! `<iframe>` in a lesson page) and talks to the embedding page with
//! `postMessage` (see README, Embedding).

use crate::persist::Panel;

/// What the query string asks for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageOptions {
    /// `embed=1`: minimal chrome, messages to the parent page.
    pub embed: bool,
    /// `panels=...`: the panels to show in embed mode, in order (unknown
    /// names are skipped; none given: terminal and cluster).
    pub panels: Vec<Panel>,
    /// `scenario=NAME`: a shipped scenario to start from.
    pub scenario: Option<String>,
    /// `nodes=N`: start on a cluster of N workers (as typed; checked by
    /// [`crate::session::parse_workers`]).
    pub nodes: Option<String>,
}

/// The panels an embed shows when `panels` names none.
pub const DEFAULT_EMBED_PANELS: [Panel; 2] = [Panel::Terminal, Panel::Cluster];

/// Parses a query string (without the `?`).
pub fn parse(query: &str) -> PageOptions {
    let mut o = PageOptions::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = decode(value);
        match key {
            "embed" => o.embed = matches!(value.as_str(), "1" | "true" | "yes" | ""),
            "panels" => {
                for id in value.split(',') {
                    if let Some(p) = Panel::from_id(id) {
                        if !o.panels.contains(&p) {
                            o.panels.push(p);
                        }
                    }
                }
            }
            "scenario" if !value.is_empty() => o.scenario = Some(value),
            "nodes" => o.nodes = Some(value),
            _ => {}
        }
    }
    if o.panels.is_empty() {
        o.panels = DEFAULT_EMBED_PANELS.to_vec();
    }
    o
}

/// The query string (without the `?`) with every `key` parameter removed;
/// the others stay as written, in order.
pub fn without(query: &str, key: &str) -> String {
    query
        .split('&')
        .filter(|p| !p.is_empty() && p.split_once('=').map_or(*p, |(k, _)| k) != key)
        .collect::<Vec<_>>()
        .join("&")
}

/// The `targetOrigin` of the messages an embedded playground posts to its
/// parent: the parent's origin when the browser tells it — the frame's
/// first `location.ancestorOrigins` entry (Chromium, Safari), else the
/// origin of `document.referrer` (the page that loaded the frame; its
/// referrer policy may hide it) — so no other page that might be the parent
/// by then (the frame's parent navigated away) reads them. `*` when neither
/// tells (Firefox with a `no-referrer` policy, an opaque `null` origin):
/// the messages carry only the embedded session's progress.
pub fn target_origin(ancestor: Option<&str>, referrer: &str) -> String {
    ancestor
        .and_then(origin_of)
        .or_else(|| origin_of(referrer))
        .unwrap_or_else(|| "*".to_string())
}

/// The origin (`scheme://host[:port]`) of an http(s) URL or origin; `None`
/// for anything else (empty, `null`, `about:`, `file:`, `data:`).
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return None;
    }
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || host.contains('@') || host.contains(char::is_whitespace) {
        return None;
    }
    Some(format!("{}://{}", scheme.to_ascii_lowercase(), host))
}

/// Percent-decoding (`%2C`, `+` as space); bad escapes are kept as typed.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embed_query_names_panels_and_a_scenario() {
        let o = parse("embed=1&panels=terminal,cluster&scenario=deployment&nodes=5");
        assert!(o.embed);
        assert_eq!(o.nodes.as_deref(), Some("5"));
        assert_eq!(o.panels, vec![Panel::Terminal, Panel::Cluster]);
        assert_eq!(o.scenario.as_deref(), Some("deployment"));
    }

    #[test]
    fn defaults_unknown_panels_and_escapes() {
        let o = parse("");
        assert!(!o.embed);
        assert_eq!(o.panels, DEFAULT_EMBED_PANELS.to_vec());
        let o = parse("embed=0&panels=nope%2Ceditor,editor&scenario=node%2Dfailure&x=%zz");
        assert!(!o.embed);
        assert_eq!(o.panels, vec![Panel::Editor]);
        assert_eq!(o.scenario.as_deref(), Some("node-failure"));
        assert_eq!(decode("a%"), "a%");
        assert_eq!(decode("a%4"), "a%4");
        assert_eq!(decode("%e2%9c%93+x"), "✓ x");
    }

    #[test]
    fn messages_go_to_the_parents_origin_when_the_browser_tells_it() {
        let t = |a, r| target_origin(a, r);
        // ancestorOrigins wins: it is the parent's, whatever loaded the frame.
        assert_eq!(
            t(Some("https://lessons.example"), "https://other.example/x"),
            "https://lessons.example"
        );
        // Otherwise the referrer's origin (a full URL or an origin alone).
        assert_eq!(
            t(None, "https://docs.example:8443/k8s/lesson?id=1#top"),
            "https://docs.example:8443"
        );
        assert_eq!(t(None, "http://127.0.0.1:5000"), "http://127.0.0.1:5000");
        assert_eq!(t(Some("null"), "HTTPS://a.example/"), "https://a.example");
        // Nothing known: any origin (as before).
        assert_eq!(t(None, ""), "*");
        assert_eq!(t(Some("null"), "about:srcdoc"), "*");
        assert_eq!(t(None, "file:///home/me/page.html"), "*");
        assert_eq!(t(None, "https://"), "*");
    }

    #[test]
    fn a_parameter_is_removed_and_the_others_kept() {
        assert_eq!(without("scenario=deployment", "scenario"), "");
        assert_eq!(
            without(
                "embed=1&scenario=x&panels=terminal%2Ccluster&scenario",
                "scenario"
            ),
            "embed=1&panels=terminal%2Ccluster"
        );
        assert_eq!(without("scenarios=1&&x", "scenario"), "scenarios=1&x");
    }
}
