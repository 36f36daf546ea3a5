//! A small static file server for `dist/` on 127.0.0.1: what `cargo xtask
//! serve` shows is exactly the release build that ships.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};

use crate::run::{fail, Error};

/// Serves `dist` under `public_url` on 127.0.0.1:`port` until interrupted.
pub fn serve(dist: &Path, public_url: &str, port: u16) -> Result<(), Error> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| fail(format!("cannot listen on 127.0.0.1:{port}: {e}")))?;
    let base = base_path(public_url);
    println!(
        "xtask: serving {} at http://127.0.0.1:{port}{base} (Ctrl-C to stop)",
        dist.display()
    );
    for stream in listener.incoming().flatten() {
        let dist = dist.to_path_buf();
        let base = base.clone();
        std::thread::spawn(move || {
            let _ = handle(stream, &dist, &base);
        });
    }
    Ok(())
}

/// The path part of a public URL, with slashes on both ends.
fn base_path(public_url: &str) -> String {
    let path = match public_url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None if public_url.starts_with('/') => public_url,
        None => "/", // relative (`./`): served from the root
    };
    let mut p = path.trim_end_matches('/').to_string();
    p.push('/');
    p
}

fn handle(mut stream: TcpStream, dist: &Path, base: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // Drain the headers.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = request.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "text/plain",
            b"method not allowed\n",
            false,
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    match resolve(dist, base, path) {
        Some(file) => {
            let body = std::fs::read(&file)?;
            respond(&mut stream, "200 OK", mime(&file), &body, head_only)
        }
        None => respond(
            &mut stream,
            "404 Not Found",
            "text/plain",
            b"not found\n",
            head_only,
        ),
    }
}

/// The file for URL `path`: exact files, `index.html` for directories, and
/// `index.html` for extension-less paths (the app's client-side routes).
fn resolve(dist: &Path, base: &str, path: &str) -> Option<PathBuf> {
    let rel = path
        .strip_prefix(base)
        .or_else(|| (path.to_string() + "/" == base).then_some(""))?;
    let rel = percent_decode(rel);
    let rel = Path::new(&rel);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let file = dist.join(rel);
    if file.is_file() {
        return Some(file);
    }
    let index = dist.join("index.html");
    if file.is_dir() || rel.extension().is_none() {
        return index.is_file().then_some(index);
    }
    None
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
            if let Some(b) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn mime(file: &Path) -> &'static str {
    match file.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "json" => "application/json",
        "txt" | "md" => "text/plain; charset=utf-8",
        "yaml" | "yml" => "text/yaml; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

fn respond(
    s: &mut TcpStream,
    status: &str,
    mime: &str,
    body: &[u8],
    head_only: bool,
) -> std::io::Result<()> {
    write!(
        s,
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\nCache-Control: no-cache\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if !head_only {
        s.write_all(body)?;
    }
    s.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_path_of_public_urls() {
        assert_eq!(base_path("/"), "/");
        assert_eq!(base_path("/kubarium"), "/kubarium/");
        assert_eq!(base_path("https://example.org/k/"), "/k/");
        assert_eq!(base_path("./"), "/");
    }

    #[test]
    fn paths_outside_dist_are_refused() {
        let dist = std::env::temp_dir();
        assert_eq!(resolve(&dist, "/", "/../etc/passwd"), None);
        assert_eq!(resolve(&dist, "/", "/%2e%2e/etc/passwd"), None);
        assert_eq!(resolve(&dist, "/k/", "/other/x.js"), None);
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(percent_decode("100%"), "100%");
    }
}
