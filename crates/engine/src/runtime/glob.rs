//! Shell pattern matching (`*`, `?`, `[...]`, `[!...]`, `\x`) for `case` and
//! pathname expansion.

use super::fs::{normalize, ContainerFs};

/// Whether `pattern` matches all of `text`.
pub fn matches(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative matching with backtracking to the last `*`.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    star = Some((pi, ti));
                    pi += 1;
                    continue;
                }
                '?' => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                '[' => {
                    if let Some((len, hit)) = class(&p[pi..], t[ti]) {
                        if hit {
                            pi += len;
                            ti += 1;
                            continue;
                        }
                    } else if t[ti] == '[' {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
                '\\' if pi + 1 < p.len() => {
                    if p[pi + 1] == t[ti] {
                        pi += 2;
                        ti += 1;
                        continue;
                    }
                }
                c => {
                    if c == t[ti] {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
            }
        }
        match star {
            Some((sp, st)) => {
                pi = sp + 1;
                ti = st + 1;
                star = Some((sp, st + 1));
            }
            None => return false,
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// A bracket expression at the start of `p`: its length and whether `c` is in it.
fn class(p: &[char], c: char) -> Option<(usize, bool)> {
    let mut i = 1;
    let negate = matches!(p.get(1), Some('!' | '^'));
    if negate {
        i += 1;
    }
    let start = i;
    let mut hit = false;
    while i < p.len() {
        if p[i] == ']' && i > start {
            return Some((i + 1, hit != negate));
        }
        if i + 2 < p.len() && p[i + 1] == '-' && p[i + 2] != ']' {
            hit |= p[i] <= c && c <= p[i + 2];
            i += 3;
        } else {
            hit |= p[i] == c;
            i += 1;
        }
    }
    None
}

/// Whether a word has unquoted pattern characters.
pub fn has_pattern(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// Pathname expansion: the sorted paths matching `pattern` (relative to
/// `cwd` when relative), or empty when none match (the caller then keeps
/// the word as is, as POSIX shells do). Hidden names need an explicit `.`.
pub fn expand(pattern: &str, cwd: &str, fs: &ContainerFs) -> Vec<String> {
    let absolute = pattern.starts_with('/');
    let parts: Vec<&str> = pattern.split('/').filter(|p| !p.is_empty()).collect();
    // (shown path, real path)
    let mut cur: Vec<(String, String)> = vec![(
        if absolute { "/".into() } else { String::new() },
        if absolute {
            "/".into()
        } else {
            cwd.to_string()
        },
    )];
    for (k, part) in parts.iter().enumerate() {
        let last = k + 1 == parts.len();
        let mut next = Vec::new();
        for (shown, real) in &cur {
            let join = |name: &str| -> String {
                if shown.is_empty() {
                    name.to_string()
                } else if shown.ends_with('/') {
                    format!("{shown}{name}")
                } else {
                    format!("{shown}/{name}")
                }
            };
            if has_pattern(part) {
                for name in fs.list_dir(real).unwrap_or_default() {
                    if name.starts_with('.') && !part.starts_with('.') {
                        continue;
                    }
                    if matches(part, &name) {
                        let r = normalize(real, &name);
                        if last || fs.is_dir(&r) {
                            next.push((join(&name), r));
                        }
                    }
                }
            } else {
                let r = normalize(real, part);
                if fs.exists(&r) {
                    next.push((join(part), r));
                }
            }
        }
        cur = next;
    }
    let mut out: Vec<String> = cur.into_iter().map(|(s, _)| s).collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_fnmatch() {
        assert!(matches("*.log", "app.log"));
        assert!(!matches("*.log", "app.txt"));
        assert!(matches("a?c", "abc"));
        assert!(matches("[a-c]x", "bx"));
        assert!(!matches("[!a-c]x", "bx"));
        assert!(matches("*", ""));
        assert!(matches("a*b*c", "aXXbYYc"));
        assert!(!matches("a*b*c", "aXXbYY"));
    }

    #[test]
    fn pathname_expansion_lists_matching_files_sorted() {
        let mut fs = ContainerFs::new();
        fs.mount_file("/etc/config/b.properties", "");
        fs.mount_file("/etc/config/a.properties", "");
        fs.mount_file("/etc/config/.hidden", "");
        assert_eq!(
            expand("/etc/config/*", "/", &fs),
            vec!["/etc/config/a.properties", "/etc/config/b.properties"]
        );
        assert_eq!(
            expand("config/a*", "/etc", &fs),
            vec!["config/a.properties"]
        );
        assert!(expand("/nope/*", "/", &fs).is_empty());
    }
}
