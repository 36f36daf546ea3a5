//! Command-line handling as a shell and kubectl's cobra/pflag do it:
//! splitting a line into words (quotes, backslashes), then flags
//! (`--flag=value`, `--flag value`, `-n value`, `-nvalue`, bool flags,
//! repeated flags, `--` ending flags) with pflag's error wording.

use std::collections::BTreeMap;

/// Splits a command line into words as a POSIX shell would (without
/// expansion): single quotes, double quotes, backslash escapes.
pub fn split_words(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("unexpected EOF while looking for matching `''".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\' | '$' | '`')) => cur.push(x),
                            Some(x) => {
                                cur.push('\\');
                                cur.push(x);
                            }
                            None => {
                                return Err("unexpected EOF while looking for matching `\"'".into())
                            }
                        },
                        Some(x) => cur.push(x),
                        None => return Err("unexpected EOF while looking for matching `\"'".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(x) = chars.next() {
                    if x != '\n' {
                        cur.push(x);
                    }
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

/// How a flag takes its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `--all`, `--all=false`.
    Bool,
    /// `--output yaml`, `-o yaml`, `-oyaml`.
    Value,
    /// Like Value, may repeat (`-f a -f b`, `--from-literal`).
    Multi,
}

/// A flag a command accepts.
#[derive(Clone, Copy, Debug)]
pub struct FlagSpec {
    /// Long name (`namespace`).
    pub long: &'static str,
    /// Shorthand (`n`).
    pub short: Option<char>,
    /// How it takes a value.
    pub kind: Kind,
}

/// Shorthand constructor for flag tables.
pub const fn flag(long: &'static str, short: Option<char>, kind: Kind) -> FlagSpec {
    FlagSpec { long, short, kind }
}

/// Global flags every kubectl command accepts.
pub const GLOBAL_FLAGS: &[FlagSpec] = &[
    flag("namespace", Some('n'), Kind::Value),
    flag("context", None, Kind::Value),
    flag("cluster", None, Kind::Value),
    flag("user", None, Kind::Value),
    flag("kubeconfig", None, Kind::Value),
    flag("request-timeout", None, Kind::Value),
    flag("v", Some('v'), Kind::Value),
    flag("help", Some('h'), Kind::Bool),
];

/// Parsed arguments: positionals, flag values, and words after `--`.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    /// Positional arguments in order.
    pub args: Vec<String>,
    /// Flag values by long name (bool flags hold "true"/"false").
    pub flags: BTreeMap<String, Vec<String>>,
    /// Words after `--` (for `exec` and `run`).
    pub after_dash: Option<Vec<String>>,
}

impl Parsed {
    /// The last value of a flag.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.flags
            .get(name)
            .and_then(|v| v.last())
            .map(String::as_str)
    }

    /// All values of a repeatable flag (comma-separated values split for `-f`? no: kept).
    pub fn all(&self, name: &str) -> Vec<String> {
        self.flags.get(name).cloned().unwrap_or_default()
    }

    /// A bool flag's value.
    pub fn bool(&self, name: &str) -> bool {
        self.get(name).is_some_and(|v| v == "true")
    }

    /// Whether the flag was given at all.
    pub fn has(&self, name: &str) -> bool {
        self.flags.contains_key(name)
    }
}

/// Parses `words` against `specs` (plus the global flags). Errors are
/// pflag's: `unknown flag: --foo`, `unknown shorthand flag: 'z' in -z`,
/// `flag needs an argument: --output`.
pub fn parse(words: &[String], specs: &[FlagSpec]) -> Result<Parsed, String> {
    let mut p = Parsed::default();
    let all: Vec<&FlagSpec> = specs.iter().chain(GLOBAL_FLAGS.iter()).collect();
    let find_long = |n: &str| all.iter().find(|f| f.long == n).copied();
    let find_short = |c: char| all.iter().find(|f| f.short == Some(c)).copied();
    let mut i = 0;
    while i < words.len() {
        let w = &words[i];
        if w == "--" {
            p.after_dash = Some(words[i + 1..].to_vec());
            break;
        }
        if let Some(long) = w.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let spec = find_long(name).ok_or_else(|| format!("unknown flag: --{name}"))?;
            let value = match (spec.kind, inline) {
                (Kind::Bool, Some(v)) => v,
                (Kind::Bool, None) => "true".into(),
                (_, Some(v)) => v,
                (_, None) => {
                    i += 1;
                    words
                        .get(i)
                        .cloned()
                        .ok_or_else(|| format!("flag needs an argument: --{name}"))?
                }
            };
            p.flags
                .entry(spec.long.to_string())
                .or_default()
                .push(value);
        } else if w.len() > 1
            && w.starts_with('-')
            && !w[1..].starts_with(|c: char| c.is_ascii_digit())
        {
            let shorts: Vec<char> = w[1..].chars().collect();
            let mut j = 0;
            while j < shorts.len() {
                let c = shorts[j];
                let spec =
                    find_short(c).ok_or_else(|| format!("unknown shorthand flag: '{c}' in {w}"))?;
                if spec.kind == Kind::Bool {
                    p.flags
                        .entry(spec.long.to_string())
                        .or_default()
                        .push("true".into());
                    j += 1;
                    continue;
                }
                let rest: String = shorts[j + 1..].iter().collect();
                let value = if !rest.is_empty() {
                    rest.strip_prefix('=').map(str::to_string).unwrap_or(rest)
                } else {
                    i += 1;
                    words
                        .get(i)
                        .cloned()
                        .ok_or_else(|| format!("flag needs an argument: '{c}' in -{c}"))?
                };
                p.flags
                    .entry(spec.long.to_string())
                    .or_default()
                    .push(value);
                break;
            }
        } else {
            p.args.push(w.clone());
        }
        i += 1;
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        split_words(s).unwrap()
    }

    #[test]
    fn words_honour_quotes_and_escapes() {
        assert_eq!(
            w(r#"a 'b c' "d \"e\"" f\ g"#),
            vec!["a", "b c", "d \"e\"", "f g"]
        );
        assert_eq!(w(r#"sh -c "echo $HOME""#), vec!["sh", "-c", "echo $HOME"]);
    }

    #[test]
    fn flags_in_every_pflag_form() {
        let specs = [
            flag("output", Some('o'), Kind::Value),
            flag("all-namespaces", Some('A'), Kind::Bool),
        ];
        let p = parse(
            &w("get pods -oyaml -A --namespace=kube-system -n x"),
            &specs,
        )
        .unwrap();
        assert_eq!(p.args, vec!["get", "pods"]);
        assert_eq!(p.get("output"), Some("yaml"));
        assert!(p.bool("all-namespaces"));
        assert_eq!(p.get("namespace"), Some("x"));
    }

    #[test]
    fn unknown_flags_are_worded_as_pflag() {
        assert_eq!(parse(&w("--foo"), &[]).unwrap_err(), "unknown flag: --foo");
        assert_eq!(
            parse(&w("-z"), &[]).unwrap_err(),
            "unknown shorthand flag: 'z' in -z"
        );
    }

    #[test]
    fn double_dash_ends_flags() {
        let p = parse(&w("exec pod -- ls -l"), &[]).unwrap();
        assert_eq!(p.after_dash, Some(vec!["ls".to_string(), "-l".to_string()]));
    }
}
