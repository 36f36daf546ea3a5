//! `cargo xtask size`: what costs what in the web bundle.
//!
//! Reads a wasm module that still has its `name` section (Trunk leaves the
//! wasm-bindgen output, before wasm-opt, in `target/wasm-bindgen/release/`),
//! sorts every function body into an area by its (demangled) name, and
//! prints each area's raw size and the size of its bodies gzipped together
//! (`gzip -9`), plus the data segments with the `kubectl explain` text on
//! its own line. The areas are estimates: generic code is named after the
//! crate that defines it (a `BTreeMap` of engine objects counts as
//! `BTreeMap`), LTO inlines callees into callers, and wasm-opt shrinks the
//! final file by a further ~10 % raw. Areas compress a little better
//! together than apart.

use std::path::Path;

use crate::run::{fail, Error};

/// The gzipped wasm + js size the web playground aims for (issue 4).
pub const BUDGET_KIB: f64 = 400.0;

/// Areas by name pattern, first match wins: `all` of the substrings.
const AREAS: &[(&str, &[&[&str]])] = &[
    (
        "k8s-openapi: Deserialize impls (typed decoding)",
        &[
            &["k8s_openapi", "Deserialize"],
            &["k8s_openapi", "de::Visitor"],
        ],
    ),
    (
        "k8s-openapi: Serialize impls",
        &[&["k8s_openapi", "Serialize"]],
    ),
    ("k8s-openapi: Clone/PartialEq/Drop", &[&["k8s_openapi"]]),
    (
        "engine: strict decoder (api/decode.rs)",
        &[&["kubarium_engine::api::decode"]],
    ),
    (
        "engine: runtime shell (parse, interp, commands)",
        &[
            &["kubarium_engine::runtime::shell"],
            &["kubarium_engine::runtime::parse"],
            &["kubarium_engine::runtime::interp"],
            &["kubarium_engine::runtime::commands"],
            &["kubarium_engine::runtime::arith"],
            &["kubarium_engine::runtime::fs"],
        ],
    ),
    (
        "engine: runtime (images, catalog)",
        &[&["kubarium_engine::runtime"]],
    ),
    (
        "engine: validation",
        &[&["kubarium_engine::apiserver::validation"]],
    ),
    (
        "engine: apiserver, admission",
        &[&["kubarium_engine::apiserver"]],
    ),
    ("engine: kubelet", &[&["kubarium_engine::kubelet"]]),
    ("engine: scheduler", &[&["kubarium_engine::scheduler"]]),
    ("engine: controllers", &[&["kubarium_engine::controller"]]),
    (
        "engine: store, cluster, simulation, api",
        &[&["kubarium_engine"]],
    ),
    ("kubectl: explain", &[&["kubarium_kubectl::explain"]]),
    ("kubectl: printers", &[&["kubarium_kubectl::printers"]]),
    ("kubectl: commands, args", &[&["kubarium_kubectl"]]),
    (
        "YAML: serde_yaml_ng + unsafe-libyaml",
        &[&["unsafe_libyaml"], &["serde_yaml_ng"]],
    ),
    ("serde_json", &[&["serde_json"]]),
    (
        "share links: miniz_oxide deflate/inflate, base64",
        &[&["miniz_oxide"], &["base64::"], &["base64["]],
    ),
    ("web app (src/)", &[&["kubarium_web"]]),
    (
        "yew, gloo",
        &[
            &["yew::"],
            &["yew["],
            &["implicit_clone"],
            &["prokio"],
            &["gloo"],
            &["futures"],
        ],
    ),
    (
        "wasm-bindgen, web-sys glue",
        &[
            &["wasm_bindgen"],
            &["js_sys"],
            &["web_sys"],
            &["__wbg"],
            &["__wbindgen"],
            &["console_error_panic_hook"],
        ],
    ),
    ("chrono (k8s-openapi timestamps)", &[&["chrono"]]),
    (
        "BTreeMap/BTreeSet (per key/value type)",
        &[&["alloc::collections::btree"], &["BTreeMap"], &["BTreeSet"]],
    ),
    (
        "slice sorting (per element type)",
        &[&["core::slice::sort"]],
    ),
    (
        "allocator",
        &[
            &["dlmalloc"],
            &["__rust_alloc"],
            &["__rust_dealloc"],
            &["__rust_realloc"],
            &["__rdl_"],
            &["alloc::raw_vec"],
        ],
    ),
    ("core::fmt", &[&["core::fmt"], &["alloc::fmt"]]),
];
const REST: &str = "std/core/alloc, other";

/// Areas of `wasm` with their function count, raw and gzipped bytes,
/// biggest gzipped first.
pub fn areas(wasm: &[u8], explain: &[u8]) -> Result<Vec<(String, usize, u64, u64)>, Error> {
    let module = parse(wasm).map_err(|e| fail(format!("not a wasm module I can read: {e}")))?;
    if module.names.is_empty() {
        return Err(fail(
            "the module has no function names (use the wasm-bindgen output, before wasm-opt)",
        ));
    }
    let mut groups: Vec<(String, usize, Vec<u8>)> = AREAS
        .iter()
        .map(|(n, _)| (n.to_string(), 0, Vec::new()))
        .collect();
    groups.push((REST.to_string(), 0, Vec::new()));
    for (i, body) in module.bodies.iter().enumerate() {
        let name = module
            .names
            .get(&(module.imported_funcs + i as u32))
            .map_or("", String::as_str);
        let area = AREAS
            .iter()
            .position(|(_, pats)| pats.iter().any(|all| all.iter().all(|p| name.contains(p))))
            .unwrap_or(AREAS.len());
        groups[area].1 += 1;
        groups[area].2.extend_from_slice(body);
    }
    let mut rows = Vec::new();
    for (name, n, bytes) in groups {
        if n > 0 {
            rows.push((name, n, bytes.len() as u64, gzip_len(&bytes)?));
        }
    }
    let mut data = module.data;
    if let Some(at) = find(&data, explain).filter(|_| !explain.is_empty()) {
        data.drain(at..at + explain.len());
        rows.push((
            "data: kubectl explain text".into(),
            0,
            explain.len() as u64,
            gzip_len(explain)?,
        ));
    }
    rows.push((
        "data: other strings and tables".into(),
        0,
        data.len() as u64,
        gzip_len(&data)?,
    ));
    rows.sort_by(|a, b| b.3.cmp(&a.3).then(a.0.cmp(&b.0)));
    Ok(rows)
}

/// Prints the table for `wasm_path`.
pub fn report(wasm_path: &Path, explain_path: &Path) -> Result<(), Error> {
    let wasm = std::fs::read(wasm_path)
        .map_err(|e| fail(format!("cannot read {}: {e}", wasm_path.display())))?;
    let explain = std::fs::read(explain_path).unwrap_or_default();
    let rows = areas(&wasm, &explain)?;
    println!("xtask: what costs what in {}", wasm_path.display());
    println!("| area | functions | raw KiB | gzip KiB |");
    println!("|---|---:|---:|---:|");
    let (mut raw, mut gz) = (0, 0);
    for (name, n, r, g) in &rows {
        raw += r;
        gz += g;
        let n = if *n == 0 {
            String::new()
        } else {
            n.to_string()
        };
        println!("| {name} | {n} | {:.1} | {:.1} |", kib(*r), kib(*g));
    }
    println!(
        "| sum of the parts (before wasm-opt) | | {:.1} | {:.1} |",
        kib(raw),
        kib(gz)
    );
    Ok(())
}

fn kib(n: u64) -> f64 {
    n as f64 / 1024.0
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return None;
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// `gzip -9` size of some bytes.
fn gzip_len(bytes: &[u8]) -> Result<u64, Error> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new("gzip")
        .args(["-9", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| fail(format!("cannot run gzip: {e}")))?;
    let mut stdin = child.stdin.take().ok_or_else(|| fail("gzip: no stdin"))?;
    let input = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child
        .wait_with_output()
        .map_err(|e| fail(format!("gzip: {e}")))?;
    let _ = writer.join();
    if !out.status.success() {
        return Err(fail("gzip failed"));
    }
    Ok(out.stdout.len() as u64)
}

/// The parts of a module this report needs.
#[derive(Default)]
struct Module {
    imported_funcs: u32,
    bodies: Vec<Vec<u8>>,
    data: Vec<u8>,
    names: std::collections::BTreeMap<u32, String>,
}

struct Reader<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, String> {
        let x = *self.b.get(self.i).ok_or("unexpected end")?;
        self.i += 1;
        Ok(x)
    }

    fn leb(&mut self) -> Result<u32, String> {
        let (mut r, mut shift) = (0u64, 0);
        loop {
            let x = self.byte()?;
            r |= u64::from(x & 0x7f) << shift;
            if x < 0x80 {
                return u32::try_from(r).map_err(|_| "LEB128 out of range".to_string());
            }
            shift += 7;
            if shift > 35 {
                return Err("LEB128 too long".into());
            }
        }
    }

    fn bytes(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self.i.checked_add(n).filter(|e| *e <= self.b.len());
        let end = end.ok_or("unexpected end")?;
        let s = &self.b[self.i..end];
        self.i = end;
        Ok(s)
    }

    fn name(&mut self) -> Result<String, String> {
        let n = self.leb()? as usize;
        Ok(String::from_utf8_lossy(self.bytes(n)?).into_owned())
    }

    fn limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Ok(())
    }
}

fn parse(b: &[u8]) -> Result<Module, String> {
    if b.len() < 8 || &b[..4] != b"\0asm" {
        return Err("no wasm magic".into());
    }
    let mut m = Module::default();
    let mut r = Reader { b, i: 8 };
    while r.i < b.len() {
        let id = r.byte()?;
        let size = r.leb()? as usize;
        let mut s = Reader {
            b: r.bytes(size)?,
            i: 0,
        };
        match id {
            2 => {
                for _ in 0..s.leb()? {
                    s.name()?;
                    s.name()?;
                    match s.byte()? {
                        0 => {
                            s.leb()?;
                            m.imported_funcs += 1;
                        }
                        1 => {
                            s.byte()?;
                            s.limits()?;
                        }
                        2 => s.limits()?,
                        3 => {
                            s.byte()?;
                            s.byte()?;
                        }
                        4 => {
                            s.byte()?;
                            s.leb()?;
                        }
                        k => return Err(format!("unknown import kind {k}")),
                    }
                }
            }
            10 => {
                for _ in 0..s.leb()? {
                    let n = s.leb()? as usize;
                    m.bodies.push(s.bytes(n)?.to_vec());
                }
            }
            11 => m.data = s.b.to_vec(),
            0 if s.name()? == "name" => {
                while s.i < s.b.len() {
                    let sub = s.byte()?;
                    let n = s.leb()? as usize;
                    let mut ss = Reader {
                        b: s.bytes(n)?,
                        i: 0,
                    };
                    if sub == 1 {
                        for _ in 0..ss.leb()? {
                            let idx = ss.leb()?;
                            m.names.insert(idx, ss.name()?);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with one imported and two defined functions, names for
    /// both defined ones, and a data segment holding `explain`.
    fn module() -> Vec<u8> {
        fn sec(id: u8, body: &[u8]) -> Vec<u8> {
            let mut v = vec![id, body.len() as u8];
            v.extend_from_slice(body);
            v
        }
        let mut w = b"\0asm\x01\0\0\0".to_vec();
        // import "m" "f" func type 0
        w.extend(sec(2, &[1, 1, b'm', 1, b'f', 0, 0]));
        // two bodies: 3 and 2 bytes
        w.extend(sec(10, &[2, 3, 0, 0x01, 0x0b, 2, 0, 0x0b]));
        w.extend(sec(11, b"..EXPLAIN.."));
        let a = b"kubarium_engine::kubelet::Kubelet::sync_pod";
        let c = b"serde_json::de::from_str";
        let mut names = vec![2, 1, a.len() as u8];
        names.extend_from_slice(a);
        names.extend([2, c.len() as u8]);
        names.extend_from_slice(c);
        let mut sub = vec![1, names.len() as u8];
        sub.extend(names);
        let mut custom = vec![4];
        custom.extend_from_slice(b"name");
        custom.extend(sub);
        w.extend(sec(0, &custom));
        w
    }

    #[test]
    fn functions_are_sorted_into_areas_by_name() {
        let rows = areas(&module(), b"EXPLAIN").unwrap();
        let get = |n: &str| rows.iter().find(|r| r.0 == n).map(|r| (r.1, r.2));
        assert_eq!(get("engine: kubelet"), Some((1, 3)));
        assert_eq!(get("serde_json"), Some((1, 2)));
        assert_eq!(get("data: kubectl explain text"), Some((0, 7)));
        assert_eq!(get("data: other strings and tables"), Some((0, 4)));
    }

    #[test]
    fn a_module_without_names_is_refused() {
        let mut w = module();
        let at = find(&w, b"\x04name").unwrap() - 2;
        w.truncate(at);
        assert!(areas(&w, b"").is_err());
    }
}
