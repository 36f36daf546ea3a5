//! `kubectl explain`: the documentation of a served kind and its fields, as
//! kubectl 1.32 renders the apiserver's OpenAPI v3 document with its
//! `plaintext` template (`pkg/explain/v2/templates/plaintext.tmpl`).
//!
//! The schema data (descriptions, field types, required fields) is generated
//! from k8s-openapi's JSON schemas by `crates/explain-gen` and embedded here;
//! see that crate for the format and how to regenerate it. This crate does
//! not depend on schemars.

use crate::args::{flag, Kind};
use crate::cmd::parse_flags;
use crate::Output;
use kubarium_engine::api::registry::{self, ResourceInfo};
use std::sync::OnceLock;

const DATA: &str = include_str!("explain/data.txt");

struct Field {
    name: &'static str,
    /// What the template's `typeGuess` prints: `string`, `[]Container`.
    ty: &'static str,
    /// The definition the field's items, values or reference lead to.
    target: Option<usize>,
    required: bool,
    description: String,
}

struct Def {
    description: String,
    fields: Vec<Field>,
}

struct Root {
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    def: usize,
}

struct Data {
    roots: Vec<Root>,
    defs: Vec<Def>,
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn data() -> &'static Data {
    static DATA_CELL: OnceLock<Data> = OnceLock::new();
    DATA_CELL.get_or_init(|| parse(DATA))
}

fn parse(text: &'static str) -> Data {
    let mut data = Data {
        roots: Vec::new(),
        defs: Vec::new(),
    };
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("R ") {
            let parts: Vec<&'static str> = rest.split('\t').collect();
            data.roots.push(Root {
                group: parts[0],
                version: parts[1],
                kind: parts[2],
                def: parts[3].parse().expect("definition index"),
            });
        } else if let Some(rest) = line.strip_prefix("D ") {
            data.defs.push(Def {
                description: unescape(rest),
                fields: Vec::new(),
            });
        } else if let Some(rest) = line.strip_prefix("F ") {
            let parts: Vec<&'static str> = rest.splitn(5, '\t').collect();
            let def = data.defs.last_mut().expect("field after a definition");
            def.fields.push(Field {
                name: parts[0],
                ty: parts[1],
                target: parts[2].parse().ok(),
                required: parts[3] == "r",
                description: unescape(parts[4]),
            });
        }
    }
    data
}

/// `wrap` of kubectl's template functions: go-wordwrap 1.0.1's
/// `WrapString`, which breaks at whitespace and keeps long words whole.
fn wrap(s: &str, lim: usize) -> String {
    let mut buf = String::with_capacity(s.len() + s.len() / lim.max(1));
    let mut current = 0usize;
    let (mut word, mut word_len) = (String::new(), 0usize);
    let (mut space, mut space_len) = (String::new(), 0usize);
    for c in s.chars() {
        if c == '\n' {
            if word.is_empty() {
                if current + space_len <= lim {
                    buf.push_str(&space);
                }
                space.clear();
                space_len = 0;
            } else {
                buf.push_str(&space);
                buf.push_str(&word);
                space.clear();
                word.clear();
                space_len = 0;
                word_len = 0;
            }
            buf.push(c);
            current = 0;
        } else if c.is_whitespace() && c != '\u{a0}' {
            if space.is_empty() || !word.is_empty() {
                current += space_len + word_len;
                buf.push_str(&space);
                buf.push_str(&word);
                space.clear();
                word.clear();
                space_len = 0;
                word_len = 0;
            }
            space.push(c);
            space_len += 1;
        } else {
            word.push(c);
            word_len += 1;
            if current + space_len + word_len > lim && word_len < lim {
                buf.push('\n');
                current = 0;
                space.clear();
                space_len = 0;
            }
        }
    }
    if word.is_empty() {
        if current + space_len <= lim {
            buf.push_str(&space);
        }
    } else {
        buf.push_str(&space);
        buf.push_str(&word);
    }
    buf
}

/// `indent` of kubectl's template functions.
fn indent(s: &str, n: usize) -> String {
    let pad = " ".repeat(n);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

/// The template's `fieldList`: each field, and with `--recursive` the fields
/// of what it leads to, stopping at a definition already on the path.
fn field_list(
    d: &Data,
    def: usize,
    level: usize,
    recursive: bool,
    path: &mut Vec<usize>,
    out: &mut String,
) {
    let pad = level * 2;
    for f in &d.defs[def].fields {
        out.push_str(&" ".repeat(pad));
        out.push_str(f.name);
        out.push_str("\t<");
        out.push_str(f.ty);
        out.push('>');
        if f.required {
            out.push_str(" -required-");
        }
        out.push('\n');
        if recursive {
            if let Some(t) = f.target {
                referenced_fields(d, t, level + 1, recursive, path, out);
            }
        } else {
            let desc = if f.description.is_empty() {
                "<no description>"
            } else {
                &f.description
            };
            out.push_str(&indent(&wrap(desc, 78 - pad), pad + 2));
            out.push_str("\n\n");
        }
    }
}

/// `fieldList` entered through a `$ref`: skipped if the reference is already
/// on the path (a cycle).
fn referenced_fields(
    d: &Data,
    def: usize,
    level: usize,
    recursive: bool,
    path: &mut Vec<usize>,
    out: &mut String,
) {
    if path.contains(&def) {
        return;
    }
    path.push(def);
    field_list(d, def, level, recursive, path, out);
    path.pop();
}

/// The template's `DESCRIPTION:` section over the given descriptions (the
/// field's own, then its type's).
fn description_section(parts: &[&str], out: &mut String) {
    let mut text = String::new();
    for p in parts.iter().filter(|p| !p.is_empty()) {
        text.push_str(p);
        text.push('\n');
    }
    if text.is_empty() {
        text.push_str("<empty>");
    }
    out.push_str("DESCRIPTION:\n");
    out.push_str(&indent(&wrap(&text, 76), 4));
    out.push('\n');
}

/// `group/version` as `schema.ParseGroupVersion` splits it.
fn parse_group_version(s: &str) -> Result<(&str, &str), String> {
    if s.is_empty() || s == "/" {
        return Ok(("", ""));
    }
    match s.split('/').count() {
        1 => Ok(("", s)),
        2 => Ok(s.split_once('/').unwrap_or(("", s))),
        _ => Err(format!("unexpected GroupVersion string: {s}")),
    }
}

/// Resolves the resource part of `kubectl explain`'s argument: the longest
/// dotted prefix that names a served resource (`pods`, `replicasets.apps`,
/// `leases.coordination.k8s.io`), and the field path after it.
fn split_resource(arg: &str, qualified: bool) -> Option<(&'static ResourceInfo, Vec<String>)> {
    let parts: Vec<&str> = arg.split('.').collect();
    let longest = if qualified { parts.len() } else { 1 };
    (1..=longest).rev().find_map(|i| {
        let name = parts[..i].join(".");
        let r = if i == 1 {
            registry::resolve(&name)?
        } else {
            // kubectl's mapper accepts `<plural>.<group>` here, not
            // singular or short names.
            let (base, group) = name.split_once('.')?;
            registry::RESOURCES.iter().find(|r| {
                r.plural == base.to_ascii_lowercase()
                    && (group == r.group || group == format!("{}.{}", r.version, r.group))
            })?
        };
        Some((r, parts[i..].iter().map(|s| s.to_string()).collect()))
    })
}

/// `kubectl explain TYPE[.FIELD...] [--recursive] [--api-version=G/V]`.
pub(crate) fn explain(words: &[String], out: &mut Output) {
    let specs = [
        flag("recursive", None, Kind::Bool),
        flag("api-version", None, Kind::Value),
        flag("output", None, Kind::Value),
    ];
    let Some(p) = parse_flags("explain", words, &specs, out) else {
        return;
    };
    match p.get("output") {
        None | Some("plaintext") => {}
        Some("plaintext-openapiv2") => {
            out.fail("error: --output=plaintext-openapiv2 is not simulated by Kubarium yet");
            return;
        }
        Some(other) => {
            out.fail(format!("error: unrecognized format: {other}"));
            return;
        }
    }
    let arg = match p.args.as_slice() {
        [] => {
            out.fail("error: You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n");
            return;
        }
        [one] => one,
        _ => {
            out.fail("error: We accept only this format: explain RESOURCE\n");
            return;
        }
    };
    let api_version = p.get("api-version").filter(|v| !v.is_empty());
    let Some((resource, path)) = split_resource(arg, api_version.is_none()) else {
        let first = arg.split('.').next().unwrap_or(arg);
        out.fail(format!(
            "the server doesn't have a resource type \"{first}\""
        ));
        return;
    };
    let (group, version) = match api_version {
        None => (resource.group, resource.version),
        Some(v) => match parse_group_version(v) {
            Ok(gv) => gv,
            Err(e) => {
                out.fail(format!("error: {e}"));
                return;
            }
        },
    };
    let d = data();
    if !d
        .roots
        .iter()
        .any(|r| r.group == group && r.version == version)
    {
        out.fail(format!(
            "error: couldn't find resource for \"{group}/{version}, Resource={}\"",
            resource.plural
        ));
        return;
    }
    let Some(root) = d
        .roots
        .iter()
        .find(|r| r.group == group && r.version == version && r.kind == resource.kind)
    else {
        out.fail(format!(
            "error: GVR ({group}/{version}, Resource={}) not found in OpenAPI schema",
            resource.plural
        ));
        return;
    };
    let mut text = String::new();
    if !root.group.is_empty() {
        text.push_str(&format!("GROUP:      {}\n", root.group));
    }
    text.push_str(&format!(
        "KIND:       {}\nVERSION:    {}\n\n",
        root.kind, root.version
    ));
    let recursive = p.bool("recursive");
    let mut history = Vec::new();
    if path.is_empty() {
        let def = &d.defs[root.def];
        description_section(&[&def.description], &mut text);
        let mut fields = String::new();
        field_list(d, root.def, 1, recursive, &mut history, &mut fields);
        if !fields.is_empty() {
            text.push_str("FIELDS:\n");
            text.push_str(&fields);
        }
        text.push('\n');
        out.out(text);
        return;
    }
    let mut def = Some(root.def);
    let mut found = None;
    for (i, name) in path.iter().enumerate() {
        let Some(f) = def.and_then(|x| d.defs[x].fields.iter().find(|f| f.name == name)) else {
            found = None;
            break;
        };
        if i + 1 == path.len() {
            found = Some(f);
        }
        def = f.target;
    }
    let Some(field) = found else {
        out.out(text);
        out.fail(format!(
            "error: field \"{}\" does not exist",
            path.last().map(String::as_str).unwrap_or_default()
        ));
        return;
    };
    text.push_str(&format!("FIELD: {} <{}>\n\n\n", field.name, field.ty));
    let target_desc = field
        .target
        .map(|t| d.defs[t].description.as_str())
        .unwrap_or("");
    description_section(&[&field.description, target_desc], &mut text);
    if let Some(t) = field.target {
        let mut fields = String::new();
        referenced_fields(d, t, 1, recursive, &mut history, &mut fields);
        if !fields.is_empty() {
            text.push_str("FIELDS:\n");
            text.push_str(&fields);
        }
    }
    text.push('\n');
    out.out(text);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_matches_go_wordwrap() {
        assert_eq!(wrap("aaa bbb ccc", 7), "aaa bbb\nccc");
        assert_eq!(wrap("aaaaaaaaaa b", 5), "aaaaaaaaaa\nb");
        assert_eq!(wrap("a\n\nb\n", 5), "a\n\nb\n");
    }

    #[test]
    fn data_parses_and_every_kind_is_served() {
        let d = data();
        assert_eq!(d.roots.len(), registry::RESOURCES.len());
        for r in registry::RESOURCES {
            assert!(
                d.roots
                    .iter()
                    .any(|x| x.kind == r.kind && x.group == r.group && x.version == r.version),
                "{}",
                r.kind
            );
        }
    }
}
