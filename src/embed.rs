//! The page's query string: `?embed=1&panels=terminal,cluster&scenario=NAME`.
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
        let o = parse("embed=1&panels=terminal,cluster&scenario=deployment");
        assert!(o.embed);
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
