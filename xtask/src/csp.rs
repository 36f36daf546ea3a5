//! Keeps the page's Content-Security-Policy strict. Trunk injects an inline
//! `<script type="module">` that loads the app; rather than allowing inline
//! scripts, this Trunk post_build hook adds each inline script's SHA-256 to
//! the `script-src` of the `<meta http-equiv="Content-Security-Policy">` tag.

use std::path::PathBuf;

use crate::run::{fail, Error};
use crate::sha256::{base64, sha256};

/// Rewrites `index` (default: `$TRUNK_STAGING_DIR/index.html`) in place.
pub fn hook(index: Option<PathBuf>) -> Result<(), Error> {
    let path = match index {
        Some(p) => p,
        None => std::env::var_os("TRUNK_STAGING_DIR")
            .map(|d| PathBuf::from(d).join("index.html"))
            .ok_or_else(|| fail("csp: give the index.html path, or run as a Trunk hook"))?,
    };
    let html = std::fs::read_to_string(&path)
        .map_err(|e| fail(format!("csp: cannot read {}: {e}", path.display())))?;
    let (out, hashes) = add_script_hashes(&html)?;
    std::fs::write(&path, out)
        .map_err(|e| fail(format!("csp: cannot write {}: {e}", path.display())))?;
    println!(
        "xtask csp: {} inline script hash(es) added to script-src",
        hashes
    );
    Ok(())
}

/// Returns `html` with the hashes of its inline scripts in the CSP's
/// `script-src` (replacing any hashes there), and how many it added.
pub fn add_script_hashes(html: &str) -> Result<(String, usize), Error> {
    let hashes: Vec<String> = inline_scripts(html)
        .iter()
        .map(|s| format!("'sha256-{}'", base64(&sha256(s.as_bytes()))))
        .collect();

    let meta_at = html
        .find("http-equiv=\"Content-Security-Policy\"")
        .ok_or_else(|| {
            fail("csp: index.html has no <meta http-equiv=\"Content-Security-Policy\">")
        })?;
    let tag_start = html[..meta_at].rfind('<').unwrap_or(0);
    let tag_end = tag_start
        + html[tag_start..]
            .find('>')
            .unwrap_or(html.len() - tag_start);
    let tag = &html[tag_start..tag_end];
    let content_at = tag
        .find("content=\"")
        .ok_or_else(|| fail("csp: the CSP meta tag has no content=\"...\""))?
        + "content=\"".len();
    let content_end = content_at + tag[content_at..].find('"').unwrap_or(0);
    let policy = &tag[content_at..content_end];

    let mut found = false;
    let directives: Vec<String> = policy
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let mut words: Vec<&str> = d.split_whitespace().collect();
            if words.first() == Some(&"script-src") {
                found = true;
                words.retain(|w| !w.starts_with("'sha256-"));
                let mut d = words.join(" ");
                for h in &hashes {
                    d.push(' ');
                    d.push_str(h);
                }
                d
            } else {
                words.join(" ")
            }
        })
        .collect();
    if !found {
        return Err(fail("csp: the policy has no script-src directive"));
    }
    let new_policy = directives.join("; ");
    let abs_start = tag_start + content_at;
    let abs_end = tag_start + content_end;
    let out = format!("{}{}{}", &html[..abs_start], new_policy, &html[abs_end..]);
    Ok((out, hashes.len()))
}

/// The text of every `<script>` element without a `src` attribute.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(open) = rest.find("<script") {
        let after = &rest[open..];
        let Some(gt) = after.find('>') else { break };
        let attrs = &after[..gt];
        let body_start = gt + 1;
        let Some(close) = after[body_start..].find("</script>") else {
            break;
        };
        if !attrs.contains(" src=") && !attrs.contains(" src ") {
            out.push(&after[body_start..body_start + close]);
        }
        rest = &after[body_start + close + "</script>".len()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<html><head>\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-old='\">\
<script src=\"/x.js\"></script>\
<script type=\"module\">alert(1)</script>\
</head></html>";

    #[test]
    fn inline_script_hashes_replace_old_ones_in_script_src() {
        let (out, n) = add_script_hashes(PAGE).unwrap();
        assert_eq!(n, 1);
        let want = format!(
            "script-src 'self' 'wasm-unsafe-eval' 'sha256-{}'\"",
            base64(&sha256(b"alert(1)"))
        );
        assert!(out.contains(&want), "{out}");
        assert!(!out.contains("sha256-old"));
        // Idempotent.
        assert_eq!(add_script_hashes(&out).unwrap().0, out);
    }

    #[test]
    fn a_page_without_a_policy_is_an_error() {
        assert!(add_script_hashes("<html><script>x</script></html>").is_err());
    }
}
