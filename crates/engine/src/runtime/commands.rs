//! The shell's utilities (busybox behaviour and wording): `echo`, `printf`,
//! `cat`, `date`, `test`, `grep`, `wget`, ... Each takes its arguments and
//! stdin and returns stdout, stderr and a status.

use std::collections::BTreeMap;

use k8s_openapi::chrono::format::{Item, StrftimeItems};

use super::catalog::basename;
use super::fs::{normalize, ContainerFs, FsError};
use super::interp::{Env, Out};
use super::shell::NetError;

/// What a utility can read from the shell.
pub(crate) struct Ctx<'a> {
    pub cwd: &'a str,
    pub environ: BTreeMap<String, String>,
    pub stdin: &'a str,
}

/// The utilities the shell knows (for `which` and `command -v`).
pub(crate) const KNOWN: &[&str] = &[
    "echo", "printf", "true", "false", ":", "cat", "env", "printenv", "date", "hostname", "touch",
    "rm", "mkdir", "ls", "test", "[", "seq", "wc", "head", "tail", "grep", "expr", "basename",
    "dirname", "pwd", "whoami", "id", "uname", "tee", "sort", "uniq", "cp", "mv", "which",
    "nslookup", "wget", "curl", "nc", "sleep", "sh", "exit",
];

/// Runs utility `name`; `None` when there is no such command.
pub(crate) fn run(name: &str, args: &[String], ctx: &Ctx<'_>, env: &mut Env<'_>) -> Option<Out> {
    let path = |p: &str| normalize(ctx.cwd, p);
    Some(match name {
        "true" | ":" => Out::default(),
        "false" => Out::err(String::new(), 1),
        "echo" => echo(args),
        "printf" => match args.split_first() {
            Some((f, rest)) => Out::ok(printf(f, rest)),
            None => Out::err("printf: usage: printf FORMAT [ARGUMENT...]\n".into(), 1),
        },
        "cat" => {
            let mut out = Out::default();
            let files: Vec<&String> = args
                .iter()
                .filter(|a| !a.starts_with('-') || *a == "-")
                .collect();
            if files.is_empty() {
                out.stdout.push_str(ctx.stdin);
            }
            for f in files {
                if f == "-" {
                    out.stdout.push_str(ctx.stdin);
                    continue;
                }
                match env.fs.read(&path(f)) {
                    Ok(c) => out.stdout.push_str(c),
                    Err(FsError::IsADirectory) => {
                        out.stderr.push_str("cat: read error: Is a directory\n");
                        out.status = 1;
                    }
                    Err(e) => {
                        out.stderr
                            .push_str(&format!("cat: can't open '{f}': {}\n", e.message()));
                        out.status = 1;
                    }
                }
            }
            out
        }
        "env" => {
            let mut environ = ctx.environ.clone();
            let mut rest = args.iter();
            for a in rest.by_ref() {
                match a.split_once('=') {
                    Some((k, v)) => {
                        environ.insert(k.into(), v.into());
                    }
                    None if a == "-i" => environ.clear(),
                    None => {
                        return Some(Out::err(
                            format!("env: can't execute '{a}': No such file or directory\n"),
                            127,
                        ))
                    }
                }
            }
            Out::ok(environ.iter().map(|(k, v)| format!("{k}={v}\n")).collect())
        }
        "printenv" => {
            if args.is_empty() {
                Out::ok(
                    ctx.environ
                        .iter()
                        .map(|(k, v)| format!("{k}={v}\n"))
                        .collect(),
                )
            } else {
                let mut out = Out::default();
                for a in args {
                    match ctx.environ.get(a) {
                        Some(v) => out.stdout.push_str(&format!("{v}\n")),
                        None => out.status = 1,
                    }
                }
                out
            }
        }
        "date" => date(args, env),
        "hostname" => {
            let h = ctx
                .environ
                .get("HOSTNAME")
                .cloned()
                .or_else(|| {
                    env.fs
                        .read("/etc/hostname")
                        .ok()
                        .map(|s| s.trim().to_string())
                })
                .unwrap_or_else(|| "localhost".into());
            Out::ok(format!("{h}\n"))
        }
        "touch" => {
            let mut out = Out::default();
            for f in args.iter().filter(|a| !a.starts_with('-')) {
                let p = path(f);
                if env.fs.exists(&p) {
                    continue;
                }
                if let Err(e) = env.fs.write(&p, "") {
                    out.stderr
                        .push_str(&format!("touch: {f}: {}\n", e.message()));
                    out.status = 1;
                }
            }
            out
        }
        "rm" => {
            let flags: String = args
                .iter()
                .filter(|a| a.starts_with('-') && a.len() > 1)
                .map(|a| a[1..].to_string())
                .collect();
            let force = flags.contains('f');
            let rec = flags.contains('r') || flags.contains('R');
            let mut out = Out::default();
            for f in args.iter().filter(|a| !a.starts_with('-') || a.len() == 1) {
                match env.fs.remove(&path(f), rec) {
                    Ok(()) => {}
                    Err(FsError::NotFound) if force => {}
                    Err(FsError::IsADirectory) => {
                        out.stderr.push_str(&format!("rm: '{f}' is a directory\n"));
                        out.status = 1;
                    }
                    Err(e) => {
                        out.stderr
                            .push_str(&format!("rm: can't remove '{f}': {}\n", e.message()));
                        out.status = 1;
                    }
                }
            }
            out
        }
        "mkdir" => {
            let parents = args.iter().any(|a| a.starts_with('-') && a.contains('p'));
            let mut out = Out::default();
            for d in args.iter().filter(|a| !a.starts_with('-')) {
                let p = path(d);
                if parents {
                    if env.fs.is_file(&p) {
                        out.stderr.push_str(&format!(
                            "mkdir: can't create directory '{d}': File exists\n"
                        ));
                        out.status = 1;
                    } else {
                        env.fs.mkdir_p(&p);
                    }
                } else if let Err(e) = env.fs.mkdir(&p) {
                    out.stderr.push_str(&format!(
                        "mkdir: can't create directory '{d}': {}\n",
                        e.message()
                    ));
                    out.status = 1;
                }
            }
            out
        }
        "ls" => ls(args, ctx, env),
        "test" => test_cmd(args, false, env.fs, ctx.cwd),
        "[" => test_cmd(args, true, env.fs, ctx.cwd),
        "seq" => seq(args),
        "wc" => wc(args, ctx, env),
        "head" | "tail" => head_tail(name == "head", args, ctx, env),
        "grep" => grep(args, ctx, env),
        "expr" => expr(args),
        "basename" => match args.first() {
            Some(a) => {
                let t = a.trim_end_matches('/');
                let mut b = basename(if t.is_empty() { "/" } else { t }).to_string();
                if let Some(suffix) = args.get(1) {
                    if b != *suffix {
                        if let Some(s) = b.strip_suffix(suffix.as_str()) {
                            b = s.to_string();
                        }
                    }
                }
                Out::ok(format!("{b}\n"))
            }
            None => Out::err("basename: missing operand\n".into(), 1),
        },
        "dirname" => match args.first() {
            Some(a) => {
                let t = a.trim_end_matches('/');
                let d = match t.rfind('/') {
                    Some(0) => "/".to_string(),
                    Some(i) => t[..i].to_string(),
                    None => ".".to_string(),
                };
                Out::ok(format!("{d}\n"))
            }
            None => Out::err("dirname: missing operand\n".into(), 1),
        },
        "pwd" => Out::ok(format!("{}\n", ctx.cwd)),
        "whoami" => Out::ok("root\n".into()),
        "id" => Out::ok("uid=0(root) gid=0(root) groups=0(root),10(wheel)\n".into()),
        "uname" => {
            let host = ctx.environ.get("HOSTNAME").cloned().unwrap_or_default();
            let s = match args.first().map(String::as_str) {
                Some("-a") => {
                    format!("Linux {host} 6.8.0-1021-gcp #23-Ubuntu SMP x86_64 GNU/Linux")
                }
                Some("-r") => "6.8.0-1021-gcp".into(),
                Some("-m") => "x86_64".into(),
                Some("-n") => host,
                _ => "Linux".into(),
            };
            Out::ok(format!("{s}\n"))
        }
        "tee" => {
            let append = args.iter().any(|a| a == "-a");
            let mut out = Out::ok(ctx.stdin.to_string());
            for f in args.iter().filter(|a| !a.starts_with('-')) {
                let p = path(f);
                let r = if append {
                    env.fs.append(&p, ctx.stdin)
                } else {
                    env.fs.write(&p, ctx.stdin)
                };
                if let Err(e) = r {
                    out.stderr.push_str(&format!("tee: {f}: {}\n", e.message()));
                    out.status = 1;
                }
            }
            out
        }
        "sort" => {
            let input = read_inputs(args, ctx, env, "sort");
            let flags: String = args
                .iter()
                .filter(|a| a.starts_with('-'))
                .cloned()
                .collect();
            let mut lines: Vec<&str> = input.stdout.lines().collect();
            if flags.contains('n') {
                lines.sort_by_key(|l| leading_number(l));
            } else {
                lines.sort();
            }
            if flags.contains('r') {
                lines.reverse();
            }
            if flags.contains('u') {
                lines.dedup();
            }
            Out {
                stdout: lines.iter().map(|l| format!("{l}\n")).collect(),
                stderr: input.stderr,
                status: input.status,
            }
        }
        "uniq" => {
            let input = read_inputs(args, ctx, env, "uniq");
            let mut lines: Vec<&str> = input.stdout.lines().collect();
            lines.dedup();
            Out::ok(lines.iter().map(|l| format!("{l}\n")).collect())
        }
        "cp" | "mv" => {
            let ops: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
            if ops.len() != 2 {
                return Some(Out::err(format!("{name}: missing file operand\n"), 1));
            }
            let src = path(ops[0]);
            let mut dst = path(ops[1]);
            if env.fs.is_dir(&dst) {
                dst = normalize(&dst, basename(&src));
            }
            match env.fs.read(&src).map(str::to_string) {
                Ok(c) => match env.fs.write(&dst, &c) {
                    Ok(()) => {
                        if name == "mv" {
                            let _ = env.fs.remove(&src, false);
                        }
                        Out::default()
                    }
                    Err(e) => Out::err(
                        format!("{name}: can't create '{}': {}\n", ops[1], e.message()),
                        1,
                    ),
                },
                Err(e) => Out::err(
                    format!("{name}: can't stat '{}': {}\n", ops[0], e.message()),
                    1,
                ),
            }
        }
        "which" => {
            let mut out = Out::default();
            for a in args {
                if KNOWN.contains(&a.as_str()) {
                    out.stdout.push_str(&format!("/bin/{a}\n"));
                } else {
                    out.status = 1;
                }
            }
            out
        }
        "nslookup" => nslookup(args, env),
        "wget" => wget(args, ctx, env),
        "curl" => curl(args, env),
        "nc" => nc(args, env),
        "perl"
            if env
                .image
                .is_some_and(|i| i.repository == "docker.io/library/perl") =>
        {
            perl(args)
        }
        _ => return None,
    })
}

fn leading_number(l: &str) -> i64 {
    let t = l.trim_start();
    let end = t
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && *c == '-')))
        .map_or(t.len(), |(i, _)| i);
    t[..end].parse().unwrap_or(0)
}

fn read_inputs(args: &[String], ctx: &Ctx<'_>, env: &mut Env<'_>, cmd: &str) -> Out {
    let files: Vec<&String> = args
        .iter()
        .filter(|a| !a.starts_with('-') || a.as_str() == "-")
        .collect();
    let mut out = Out::default();
    if files.is_empty() {
        out.stdout = ctx.stdin.to_string();
    }
    for f in files {
        if f == "-" {
            out.stdout.push_str(ctx.stdin);
            continue;
        }
        match env.fs.read(&normalize(ctx.cwd, f)) {
            Ok(c) => out.stdout.push_str(c),
            Err(e) => {
                out.stderr
                    .push_str(&format!("{cmd}: {f}: {}\n", e.message()));
                out.status = 1;
            }
        }
    }
    out
}

fn unescape(s: &str, stop: &mut bool) -> String {
    let mut out = String::new();
    let mut cs = s.chars().peekable();
    while let Some(c) = cs.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match cs.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('f') => out.push('\x0c'),
            Some('v') => out.push('\x0b'),
            Some('e') => out.push('\x1b'),
            Some('\\') => out.push('\\'),
            Some('c') => {
                *stop = true;
                break;
            }
            Some('0') => {
                let mut n = 0u32;
                for _ in 0..3 {
                    match cs.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            n = n * 8 + d;
                            cs.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(n).unwrap_or('\0'));
            }
            Some(o) => {
                out.push('\\');
                out.push(o);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn echo(args: &[String]) -> Out {
    let mut newline = true;
    let mut escapes = false;
    let mut i = 0;
    while let Some(a) = args.get(i) {
        let Some(flags) = a.strip_prefix('-') else {
            break;
        };
        if flags.is_empty() || !flags.chars().all(|c| "neE".contains(c)) {
            break;
        }
        for c in flags.chars() {
            match c {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        i += 1;
    }
    let text = args[i..].join(" ");
    let mut stop = false;
    let mut s = if escapes {
        unescape(&text, &mut stop)
    } else {
        text
    };
    if newline && !stop {
        s.push('\n');
    }
    Out::ok(s)
}

/// `printf FORMAT ARGS...`, reusing the format while arguments remain.
pub(crate) fn printf(format: &str, args: &[String]) -> String {
    let mut out = String::new();
    let mut ai = 0;
    loop {
        let consumed_before = ai;
        let cs: Vec<char> = format.chars().collect();
        let mut i = 0;
        while i < cs.len() {
            let c = cs[i];
            if c == '\\' {
                let mut stop = false;
                let end = (i + 2).min(cs.len());
                out.push_str(&unescape(&cs[i..end].iter().collect::<String>(), &mut stop));
                i = end;
                if stop {
                    return out;
                }
                continue;
            }
            if c != '%' {
                out.push(c);
                i += 1;
                continue;
            }
            i += 1;
            if cs.get(i) == Some(&'%') {
                out.push('%');
                i += 1;
                continue;
            }
            let mut flags = String::new();
            while let Some(f) = cs.get(i).filter(|c| "-+ 0#".contains(**c)) {
                flags.push(*f);
                i += 1;
            }
            let mut width = String::new();
            while let Some(d) = cs.get(i).filter(|c| c.is_ascii_digit()) {
                width.push(*d);
                i += 1;
            }
            let mut prec: Option<usize> = None;
            if cs.get(i) == Some(&'.') {
                i += 1;
                let mut p = String::new();
                while let Some(d) = cs.get(i).filter(|c| c.is_ascii_digit()) {
                    p.push(*d);
                    i += 1;
                }
                prec = Some(p.parse::<usize>().unwrap_or(0).min(100));
            }
            let Some(conv) = cs.get(i).copied() else {
                break;
            };
            i += 1;
            let arg = args.get(ai).cloned();
            if arg.is_some() {
                ai += 1;
            }
            let arg = arg.unwrap_or_default();
            let num = || -> i64 {
                let a = arg.trim();
                a.parse::<i64>()
                    .ok()
                    .or_else(|| {
                        a.strip_prefix('\'')
                            .and_then(|c| c.chars().next())
                            .map(|c| c as i64)
                    })
                    .unwrap_or(0)
            };
            let body = match conv {
                's' => match prec {
                    Some(p) => arg.chars().take(p).collect(),
                    None => arg.clone(),
                },
                'b' => {
                    let mut stop = false;
                    unescape(&arg, &mut stop)
                }
                'c' => arg.chars().next().map(String::from).unwrap_or_default(),
                'd' | 'i' | 'u' => {
                    let n = num();
                    if flags.contains('+') && n >= 0 {
                        format!("+{n}")
                    } else {
                        n.to_string()
                    }
                }
                'x' => format!("{:x}", num()),
                'X' => format!("{:X}", num()),
                'o' => format!("{:o}", num()),
                'f' | 'g' | 'e' => {
                    let v: f64 = arg.trim().parse().unwrap_or(0.0);
                    format!("{:.*}", prec.unwrap_or(6), v)
                }
                other => format!("%{other}"),
            };
            let w: usize = width.parse::<usize>().unwrap_or(0).min(10_000);
            let len = body.chars().count();
            if len < w {
                let pad = w - len;
                if flags.contains('-') {
                    out.push_str(&body);
                    out.push_str(&" ".repeat(pad));
                } else if flags.contains('0') && "diuxXof".contains(conv) {
                    let (sign, digits) = match body.strip_prefix('-') {
                        Some(d) => ("-", d.to_string()),
                        None => ("", body.clone()),
                    };
                    out.push_str(sign);
                    out.push_str(&"0".repeat(pad));
                    out.push_str(&digits);
                } else {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(&body);
                }
            } else {
                out.push_str(&body);
            }
        }
        if ai >= args.len() || ai == consumed_before {
            break;
        }
    }
    out
}

fn date(args: &[String], env: &Env<'_>) -> Out {
    let mut fmt = "%a %b %e %H:%M:%S UTC %Y".to_string();
    for a in args {
        if let Some(f) = a.strip_prefix('+') {
            fmt = f.to_string();
        } else if a == "-I" || a == "--iso-8601" {
            fmt = "%Y-%m-%d".into();
        } else if a == "-R" || a == "--rfc-2822" {
            fmt = "%a, %d %b %Y %H:%M:%S +0000".into();
        } else if a == "-u" || a == "--utc" {
        } else {
            return Out::err(format!("date: invalid date '{a}'\n"), 1);
        }
    }
    // chrono's %N is %f in GNU date.
    let fmt = fmt.replace("%N", "%9f");
    if StrftimeItems::new(&fmt).any(|i| matches!(i, Item::Error)) {
        return Out::ok(format!("{fmt}\n"));
    }
    Out::ok(format!("{}\n", env.now.format(&fmt)))
}

fn ls(args: &[String], ctx: &Ctx<'_>, env: &Env<'_>) -> Out {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-') && a.len() > 1)
        .map(|a| a[1..].to_string())
        .collect();
    let long = flags.contains('l');
    let all = flags.contains('a');
    let mut targets: Vec<String> = args
        .iter()
        .filter(|a| !a.starts_with('-') || a.len() == 1)
        .cloned()
        .collect();
    if targets.is_empty() {
        targets.push(".".into());
    }
    let stamp = env.now.format("%b %e %H:%M").to_string();
    let line = |name: &str, full: &str| -> String {
        if !long {
            return format!("{name}\n");
        }
        if env.fs.is_dir(full) {
            format!("drwxr-xr-x    2 root     root          4096 {stamp} {name}\n")
        } else {
            let size = env.fs.read(full).map(str::len).unwrap_or(0);
            format!("-rw-r--r--    1 root     root      {size:>8} {stamp} {name}\n")
        }
    };
    let mut out = Out::default();
    let many = targets.len() > 1;
    for (k, t) in targets.iter().enumerate() {
        let p = normalize(ctx.cwd, t);
        if env.fs.is_file(&p) {
            out.stdout.push_str(&line(t, &p));
            continue;
        }
        match env.fs.list_dir(&p) {
            Ok(names) => {
                if many {
                    if k > 0 {
                        out.stdout.push('\n');
                    }
                    out.stdout.push_str(&format!("{t}:\n"));
                }
                if long {
                    out.stdout.push_str(&format!("total {}\n", names.len() * 4));
                }
                if all {
                    out.stdout.push_str(&line(".", &p));
                    out.stdout.push_str(&line("..", &p));
                }
                for n in names {
                    if n.starts_with('.') && !all {
                        continue;
                    }
                    out.stdout.push_str(&line(&n, &normalize(&p, &n)));
                }
            }
            Err(e) => {
                out.stderr.push_str(&format!("ls: {t}: {}\n", e.message()));
                out.status = 1;
            }
        }
    }
    out
}

fn test_cmd(args: &[String], bracket: bool, fs: &ContainerFs, cwd: &str) -> Out {
    let args = if bracket {
        match args.split_last() {
            Some((last, rest)) if last == "]" => rest,
            _ => return Out::err("sh: [: missing ]\n".into(), 2),
        }
    } else {
        args
    };
    let mut t = Test {
        args,
        i: 0,
        err: None,
        fs,
        cwd,
    };
    if args.is_empty() {
        return Out::err(String::new(), 1);
    }
    let v = t.or();
    if let Some(e) = t.err {
        return Out::err(format!("sh: {e}\n"), 2);
    }
    if t.i < args.len() {
        return Out::err(format!("sh: {}: unknown operand\n", args[t.i]), 2);
    }
    Out::err(String::new(), i32::from(!v))
}

struct Test<'a> {
    args: &'a [String],
    i: usize,
    err: Option<String>,
    fs: &'a ContainerFs,
    cwd: &'a str,
}

const BINARY: &[&str] = &[
    "=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge", "<", ">",
];
const UNARY: &[&str] = &[
    "-e", "-f", "-d", "-z", "-n", "-s", "-r", "-w", "-x", "-L", "-h", "-p", "-S", "-b", "-c", "-t",
];

impl Test<'_> {
    fn peek(&self) -> Option<&str> {
        self.args.get(self.i).map(String::as_str)
    }
    fn or(&mut self) -> bool {
        let mut v = self.and();
        while self.peek() == Some("-o") {
            self.i += 1;
            let r = self.and();
            v = v || r;
        }
        v
    }
    fn and(&mut self) -> bool {
        let mut v = self.not();
        while self.peek() == Some("-a") {
            self.i += 1;
            let r = self.not();
            v = v && r;
        }
        v
    }
    fn not(&mut self) -> bool {
        let mut negate = false;
        while self.peek() == Some("!") && self.args.len() - self.i > 1 {
            self.i += 1;
            negate = !negate;
        }
        self.primary() != negate
    }
    fn int(&mut self, s: &str) -> i64 {
        match s.trim().parse() {
            Ok(v) => v,
            Err(_) => {
                self.err.get_or_insert(format!("invalid number '{s}'"));
                0
            }
        }
    }
    fn primary(&mut self) -> bool {
        let Some(a) = self.peek().map(str::to_string) else {
            self.err.get_or_insert("argument expected".into());
            return false;
        };
        // Binary operator?
        if let Some(op) = self.args.get(self.i + 1).map(String::as_str) {
            if BINARY.contains(&op) && self.i + 2 < self.args.len() {
                let b = self.args[self.i + 2].clone();
                self.i += 3;
                return match op {
                    "=" | "==" => a == b,
                    "!=" => a != b,
                    "<" => a < b,
                    ">" => a > b,
                    _ => {
                        let (x, y) = (self.int(&a), self.int(&b));
                        match op {
                            "-eq" => x == y,
                            "-ne" => x != y,
                            "-lt" => x < y,
                            "-le" => x <= y,
                            "-gt" => x > y,
                            _ => x >= y,
                        }
                    }
                };
            }
        }
        if a == "(" {
            self.i += 1;
            let v = self.or();
            if self.peek() == Some(")") {
                self.i += 1;
            } else {
                self.err.get_or_insert("missing )".into());
            }
            return v;
        }
        if UNARY.contains(&a.as_str()) && self.i + 1 < self.args.len() {
            let x = self.args[self.i + 1].clone();
            self.i += 2;
            return match a.as_str() {
                "-z" => x.is_empty(),
                "-n" => !x.is_empty(),
                op => {
                    let full = normalize(self.cwd, &x);
                    let fs = self.fs;
                    match op {
                        "-e" | "-r" | "-w" => fs.exists(&full),
                        "-f" => fs.is_file(&full),
                        "-d" => fs.is_dir(&full),
                        "-s" => fs.read(&full).is_ok_and(|c| !c.is_empty()) || fs.is_dir(&full),
                        "-x" => fs.is_dir(&full),
                        _ => false,
                    }
                }
            };
        }
        self.i += 1;
        !a.is_empty()
    }
}

fn seq(args: &[String]) -> Out {
    let nums: Result<Vec<i64>, &String> = args.iter().map(|a| a.parse().map_err(|_| a)).collect();
    let nums = match nums {
        Ok(n) => n,
        Err(a) => return Out::err(format!("seq: invalid number '{a}'\n"), 1),
    };
    let (first, step, last) = match nums.as_slice() {
        [l] => (1, 1, *l),
        [f, l] => (*f, 1, *l),
        [f, s, l] => (*f, *s, *l),
        _ => return Out::err("seq: missing operand\n".into(), 1),
    };
    let mut out = String::new();
    if step == 0 {
        return Out::ok(out);
    }
    let mut v = first;
    let mut n = 0;
    while (step > 0 && v <= last) || (step < 0 && v >= last) {
        out.push_str(&format!("{v}\n"));
        n += 1;
        match v.checked_add(step) {
            Some(next) if n < 100_000 => v = next,
            _ => break,
        }
    }
    Out::ok(out)
}

fn wc(args: &[String], ctx: &Ctx<'_>, env: &mut Env<'_>) -> Out {
    let flags: String = args
        .iter()
        .filter(|a| a.starts_with('-'))
        .cloned()
        .collect();
    let files: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let count = |s: &str| -> String {
        let l = s.matches('\n').count();
        let w = s.split_whitespace().count();
        let c = s.len();
        let mut parts = vec![];
        if flags.is_empty() || flags.contains('l') {
            parts.push(l);
        }
        if flags.is_empty() || flags.contains('w') {
            parts.push(w);
        }
        if flags.is_empty() || flags.contains('c') || flags.contains('m') {
            parts.push(c);
        }
        if parts.len() == 1 {
            parts[0].to_string()
        } else {
            parts
                .iter()
                .map(|n| format!("{n:>7}"))
                .collect::<Vec<_>>()
                .join(" ")
        }
    };
    if files.is_empty() {
        return Out::ok(format!("{}\n", count(ctx.stdin)));
    }
    let mut out = Out::default();
    for f in files {
        match env.fs.read(&normalize(ctx.cwd, f)) {
            Ok(c) => out.stdout.push_str(&format!("{} {f}\n", count(c))),
            Err(e) => {
                out.stderr.push_str(&format!("wc: {f}: {}\n", e.message()));
                out.status = 1;
            }
        }
    }
    out
}

fn head_tail(head: bool, args: &[String], ctx: &Ctx<'_>, env: &mut Env<'_>) -> Out {
    let mut n: i64 = 10;
    let mut from_start = false;
    let mut files = vec![];
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if a == "-n" {
            i += 1;
            let v = args.get(i).cloned().unwrap_or_default();
            from_start = v.starts_with('+');
            n = v.trim_start_matches('+').parse().unwrap_or(10);
        } else if let Some(v) = a.strip_prefix("-n") {
            from_start = v.starts_with('+');
            n = v.trim_start_matches('+').parse().unwrap_or(10);
        } else if a.len() > 1 && a.starts_with('-') && a[1..].chars().all(|c| c.is_ascii_digit()) {
            n = a[1..].parse().unwrap_or(10);
        } else if !a.starts_with('-') || a == "-" {
            files.push(a.clone());
        }
        i += 1;
    }
    let name = if head { "head" } else { "tail" };
    let input = read_inputs(&files, ctx, env, name);
    let lines: Vec<&str> = input.stdout.split_inclusive('\n').collect();
    let n = n.max(0) as usize;
    let sel: Vec<&str> = if head {
        lines.iter().take(n).copied().collect()
    } else if from_start {
        lines.iter().skip(n.saturating_sub(1)).copied().collect()
    } else {
        lines
            .iter()
            .skip(lines.len().saturating_sub(n))
            .copied()
            .collect()
    };
    Out {
        stdout: sel.concat(),
        stderr: input.stderr,
        status: input.status,
    }
}

/// A small regular expression matcher: literals, `.`, `*`, `^`, `$`,
/// `[...]` classes; `|` alternation with `-E`.
fn re_match(re: &str, text: &str) -> bool {
    let re: Vec<char> = re.chars().collect();
    let text: Vec<char> = text.chars().collect();
    if re.first() == Some(&'^') {
        return match_here(&re[1..], &text);
    }
    (0..=text.len()).any(|i| match_here(&re, &text[i..]))
}

/// One regex atom: its length in the pattern and whether it matches `c`.
fn atom(re: &[char], c: Option<char>) -> (usize, bool) {
    match re[0] {
        '[' => {
            let end = re
                .iter()
                .skip(2)
                .position(|x| *x == ']')
                .map_or(re.len(), |p| p + 2);
            let class = &re[1..end.min(re.len())];
            let (neg, class) = match class.first() {
                Some('^') => (true, &class[1..]),
                _ => (false, class),
            };
            let Some(c) = c else {
                return (end + 1, false);
            };
            let mut hit = false;
            let mut k = 0;
            while k < class.len() {
                if k + 2 < class.len() && class[k + 1] == '-' {
                    hit |= class[k] <= c && c <= class[k + 2];
                    k += 3;
                } else {
                    hit |= class[k] == c;
                    k += 1;
                }
            }
            (end + 1, hit != neg)
        }
        '\\' if re.len() > 1 => (2, c == Some(re[1])),
        '.' => (1, c.is_some()),
        x => (1, c == Some(x)),
    }
}

fn match_here(re: &[char], text: &[char]) -> bool {
    if re.is_empty() {
        return true;
    }
    if re == ['$'] {
        return text.is_empty();
    }
    let (len, _) = atom(re, None);
    let len = len.min(re.len());
    if re.get(len) == Some(&'*') {
        let rest = &re[len + 1..];
        let mut i = 0;
        loop {
            if match_here(rest, &text[i..]) {
                return true;
            }
            if i < text.len() && atom(re, Some(text[i])).1 {
                i += 1;
            } else {
                return false;
            }
        }
    }
    match text.first() {
        Some(c) if atom(re, Some(*c)).1 => match_here(&re[len..], &text[1..]),
        _ => false,
    }
}

fn grep(args: &[String], ctx: &Ctx<'_>, env: &mut Env<'_>) -> Out {
    let mut flags = String::new();
    let mut rest = vec![];
    for a in args {
        if a.starts_with('-') && a.len() > 1 && rest.is_empty() {
            flags.push_str(&a[1..]);
        } else {
            rest.push(a.clone());
        }
    }
    let Some((pattern, files)) = rest.split_first() else {
        return Out::err(
            "Usage: grep [-HhnlLoqvsrRiwFE] PATTERN [FILE]...\n".into(),
            2,
        );
    };
    let icase = flags.contains('i');
    let fixed = flags.contains('F');
    let ext = flags.contains('E');
    let pat = if icase {
        pattern.to_lowercase()
    } else {
        pattern.clone()
    };
    let alts: Vec<String> = if ext {
        pat.split('|').map(str::to_string).collect()
    } else {
        vec![pat.replace("\\|", "|")]
    };
    let matches = |line: &str| -> bool {
        let l = if icase {
            line.to_lowercase()
        } else {
            line.to_string()
        };
        let hit = alts.iter().any(|a| {
            if fixed {
                l.contains(a.as_str())
            } else {
                re_match(a, &l)
            }
        });
        hit != flags.contains('v')
    };
    let mut out = Out::default();
    let mut found = 0;
    let mut sources: Vec<(Option<String>, String)> = vec![];
    if files.is_empty() {
        sources.push((None, ctx.stdin.to_string()));
    }
    for f in files {
        match env.fs.read(&normalize(ctx.cwd, f)) {
            Ok(c) => sources.push((Some(f.clone()), c.to_string())),
            Err(e) => {
                if !flags.contains('s') {
                    out.stderr
                        .push_str(&format!("grep: {f}: {}\n", e.message()));
                }
                out.status = 2;
            }
        }
    }
    let multi = files.len() > 1;
    for (name, text) in sources {
        let mut n_here = 0;
        for (k, line) in text.lines().enumerate() {
            if matches(line) {
                found += 1;
                n_here += 1;
                if flags.contains('q') || flags.contains('c') || flags.contains('l') {
                    continue;
                }
                if multi {
                    out.stdout
                        .push_str(&format!("{}:", name.as_deref().unwrap_or("")));
                }
                if flags.contains('n') {
                    out.stdout.push_str(&format!("{}:", k + 1));
                }
                out.stdout.push_str(line);
                out.stdout.push('\n');
            }
        }
        if flags.contains('c') {
            match (&name, multi) {
                (Some(n), true) => out.stdout.push_str(&format!("{n}:{n_here}\n")),
                _ => out.stdout.push_str(&format!("{n_here}\n")),
            }
        } else if flags.contains('l') && n_here > 0 {
            out.stdout.push_str(&format!(
                "{}\n",
                name.as_deref().unwrap_or("(standard input)")
            ));
        }
    }
    if flags.contains('q') {
        out.stdout.clear();
    }
    if out.status != 2 || found > 0 {
        out.status = if found > 0 { 0 } else { 1 };
    }
    out
}

fn expr(args: &[String]) -> Out {
    let mut e = Expr { a: args, i: 0 };
    let v = match e.or() {
        Ok(v) if e.i == args.len() => v,
        Ok(_) => return Out::err("expr: syntax error\n".into(), 2),
        Err(m) => return Out::err(format!("expr: {m}\n"), 2),
    };
    let status = i32::from(v.is_empty() || v == "0");
    Out {
        stdout: format!("{v}\n"),
        stderr: String::new(),
        status,
    }
}

struct Expr<'a> {
    a: &'a [String],
    i: usize,
}

impl Expr<'_> {
    fn peek(&self) -> Option<&str> {
        self.a.get(self.i).map(String::as_str)
    }
    fn or(&mut self) -> Result<String, String> {
        let mut l = self.and()?;
        while self.peek() == Some("|") {
            self.i += 1;
            let r = self.and()?;
            if l.is_empty() || l == "0" {
                l = if r.is_empty() { "0".into() } else { r };
            }
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<String, String> {
        let mut l = self.cmp()?;
        while self.peek() == Some("&") {
            self.i += 1;
            let r = self.cmp()?;
            let f = |s: &str| s.is_empty() || s == "0";
            if f(&l) || f(&r) {
                l = "0".into();
            }
        }
        Ok(l)
    }
    fn cmp(&mut self) -> Result<String, String> {
        let mut l = self.add()?;
        while let Some(op) = self
            .peek()
            .filter(|o| ["=", "!=", "<", ">", "<=", ">="].contains(o))
        {
            let op = op.to_string();
            self.i += 1;
            let r = self.add()?;
            let ord = match (l.parse::<i64>(), r.parse::<i64>()) {
                (Ok(a), Ok(b)) => a.cmp(&b),
                _ => l.cmp(&r),
            };
            let v = match op.as_str() {
                "=" => ord.is_eq(),
                "!=" => ord.is_ne(),
                "<" => ord.is_lt(),
                ">" => ord.is_gt(),
                "<=" => ord.is_le(),
                _ => ord.is_ge(),
            };
            l = i32::from(v).to_string();
        }
        Ok(l)
    }
    fn num(s: &str) -> Result<i64, String> {
        s.parse().map_err(|_| "non-numeric argument".to_string())
    }
    fn add(&mut self) -> Result<String, String> {
        let mut l = self.mul()?;
        while let Some(op) = self.peek().filter(|o| *o == "+" || *o == "-") {
            let plus = op == "+";
            self.i += 1;
            let r = self.mul()?;
            let (a, b) = (Self::num(&l)?, Self::num(&r)?);
            l = if plus {
                a.wrapping_add(b)
            } else {
                a.wrapping_sub(b)
            }
            .to_string();
        }
        Ok(l)
    }
    fn mul(&mut self) -> Result<String, String> {
        let mut l = self.primary()?;
        while let Some(op) = self.peek().filter(|o| ["*", "/", "%"].contains(o)) {
            let op = op.to_string();
            self.i += 1;
            let r = self.primary()?;
            let (a, b) = (Self::num(&l)?, Self::num(&r)?);
            if op != "*" && b == 0 {
                return Err("division by zero".into());
            }
            l = match op.as_str() {
                "*" => a.wrapping_mul(b),
                "/" => a.wrapping_div(b),
                _ => a.wrapping_rem(b),
            }
            .to_string();
        }
        Ok(l)
    }
    fn primary(&mut self) -> Result<String, String> {
        let Some(t) = self.peek().map(str::to_string) else {
            return Err("syntax error".into());
        };
        self.i += 1;
        match t.as_str() {
            "(" => {
                let v = self.or()?;
                if self.peek() != Some(")") {
                    return Err("syntax error".into());
                }
                self.i += 1;
                Ok(v)
            }
            "length" => {
                let s = self.primary()?;
                Ok(s.chars().count().to_string())
            }
            _ => Ok(t),
        }
    }
}

/// The Job example's `perl -Mbignum=bpi -wle 'print bpi(N)'`, and
/// `perl -e 'print "text"'`; anything else is reported as unsupported.
fn perl(args: &[String]) -> Out {
    let script = args
        .iter()
        .rev()
        .find(|a| !a.starts_with('-'))
        .cloned()
        .unwrap_or_default();
    let newline = args.iter().any(|a| a.starts_with('-') && a.contains('l'));
    let nl = if newline { "\n" } else { "" };
    if let Some(rest) = script.split("bpi(").nth(1) {
        let n: usize = rest
            .split(')')
            .next()
            .and_then(|d| d.trim().parse().ok())
            .unwrap_or(0);
        return Out::ok(format!("{}{nl}", pi_digits(n.clamp(1, 5_000))));
    }
    if let Some(text) = script.trim().strip_prefix("print").map(str::trim) {
        let text = text.trim_end_matches(';').trim();
        if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
            let mut stop = false;
            return Out::ok(format!("{}{nl}", unescape(inner, &mut stop)));
        }
    }
    Out::err(
        "perl: this simulated perl only runs print and bpi(N)\n".into(),
        255,
    )
}

/// Pi rounded to `n` significant digits (`3.14...`), by the
/// Rabinowitz–Wagon spigot.
fn pi_digits(n: usize) -> String {
    let want = n + 10;
    let len = want * 10 / 3 + 1;
    let mut a = vec![2u64; len];
    let mut digits: Vec<u8> = Vec::with_capacity(want);
    let mut nines = 0usize;
    let mut predigit = 0u8;
    for j in 0..want {
        let mut q = 0u64;
        for i in (1..len).rev() {
            let x = 10 * a[i] + q * (i as u64 + 1);
            a[i] = x % (2 * i as u64 + 1);
            q = x / (2 * i as u64 + 1);
        }
        let x = 10 * a[0] + q;
        a[0] = x % 10;
        let q = (x / 10) as u8;
        match q {
            9 => nines += 1,
            10 => {
                digits.push(predigit + 1);
                digits.extend(std::iter::repeat_n(0, nines));
                predigit = 0;
                nines = 0;
            }
            _ => {
                if j > 0 {
                    digits.push(predigit);
                }
                predigit = q;
                digits.extend(std::iter::repeat_n(9, nines));
                nines = 0;
            }
        }
    }
    digits.push(predigit);
    // Round to n significant digits.
    let mut d: Vec<u8> = digits[..n].to_vec();
    if digits.get(n).copied().unwrap_or(0) >= 5 {
        let mut k = n;
        while k > 0 {
            k -= 1;
            if d[k] == 9 {
                d[k] = 0;
            } else {
                d[k] += 1;
                break;
            }
        }
    }
    let mut s = String::with_capacity(n + 1);
    for (k, x) in d.iter().enumerate() {
        s.push((b'0' + x) as char);
        if k == 0 && n > 1 {
            s.push('.');
        }
    }
    s
}

fn is_ip(s: &str) -> bool {
    s.split('.').count() == 4 && s.split('.').all(|p| p.parse::<u8>().is_ok())
}

fn nslookup(args: &[String], env: &mut Env<'_>) -> Out {
    let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
        return Out::err(
            "Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n".into(),
            1,
        );
    };
    let Some(server) = env.net.nameserver() else {
        return Out {
            stdout: ";; connection timed out; no servers could be reached\n\n".into(),
            stderr: String::new(),
            status: 1,
        };
    };
    let header = format!("Server:\t\t{server}\nAddress:\t{server}:53\n\n");
    match env.net.resolve(name) {
        Ok((fqdn, addrs)) => {
            let mut s = header;
            for a in addrs {
                s.push_str(&format!("Name:\t{fqdn}\nAddress: {a}\n"));
            }
            s.push('\n');
            Out::ok(s)
        }
        Err(NetError::NoServers) | Err(NetError::Timeout) => Out {
            stdout: ";; connection timed out; no servers could be reached\n\n".into(),
            stderr: String::new(),
            status: 1,
        },
        Err(e) => {
            let fqdn = match e {
                NetError::NoSuchHost(f) => f,
                _ => name.clone(),
            };
            Out {
                stdout: format!("{header}** server can't find {fqdn}: NXDOMAIN\n\n"),
                stderr: String::new(),
                status: 1,
            }
        }
    }
}

/// `(host, port, path)` of a URL; `http://` assumed.
fn split_url(url: &str) -> (String, u16, String) {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s, r),
        None => ("http", url),
    };
    let (hostport, path) = match rest.find('/') {
        Some(i) => (&rest[..i], rest[i..].to_string()),
        None => (rest, "/".to_string()),
    };
    let default = if scheme == "https" { 443 } else { 80 };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().unwrap_or(default)),
        None => (hostport, default),
    };
    (host.to_string(), port, path)
}

fn wget(args: &[String], ctx: &Ctx<'_>, env: &mut Env<'_>) -> Out {
    let mut quiet = false;
    let mut output: Option<String> = None;
    let mut spider = false;
    let mut url = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        match a.as_str() {
            "-q" => quiet = true,
            "-O" => {
                i += 1;
                output = args.get(i).cloned();
            }
            "--spider" => spider = true,
            "-qO-" | "-qO" | "-q0-" => {
                quiet = true;
                output = Some(if a == "-qO" {
                    i += 1;
                    args.get(i).cloned().unwrap_or_default()
                } else {
                    "-".into()
                });
            }
            "-T" | "--timeout" | "-U" => i += 1,
            s if s.starts_with("-O") => output = Some(s[2..].to_string()),
            s if s.starts_with("--timeout=") || s.starts_with("--tries=") => {}
            s if s.starts_with('-') => {}
            s => url = Some(s.to_string()),
        }
        i += 1;
    }
    let Some(url) = url else {
        return Out::err("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...\n".into(), 1);
    };
    let (host, port, path) = split_url(&url);
    let mut out = Out::default();
    let ip = if is_ip(&host) {
        host.clone()
    } else {
        match env.net.resolve(&host) {
            Ok((_, a)) if !a.is_empty() => a[0].clone(),
            _ => return Out::err(format!("wget: bad address '{host}'\n"), 1),
        }
    };
    if !quiet {
        out.stderr
            .push_str(&format!("Connecting to {host}:{port} ({ip}:{port})\n"));
    }
    match env.net.http_get(&host, port, &path) {
        Ok(resp) if resp.status < 400 => {
            if spider {
                if !quiet {
                    out.stderr.push_str("remote file exists\n");
                }
                return out;
            }
            let dest = output.unwrap_or_else(|| {
                let b = basename(&path);
                if b.is_empty() {
                    "index.html".into()
                } else {
                    b.to_string()
                }
            });
            if dest == "-" {
                if !quiet {
                    out.stderr.push_str("writing to stdout\n");
                }
                out.stdout.push_str(&resp.body);
                if !quiet {
                    out.stderr.push_str("written to stdout\n");
                }
            } else {
                if !quiet {
                    out.stderr.push_str(&format!("saving to '{dest}'\n"));
                }
                let _ = env.fs.write(&normalize(ctx.cwd, &dest), &resp.body);
                if !quiet {
                    out.stderr.push_str(&format!("'{dest}' saved\n"));
                }
            }
            out
        }
        Ok(resp) => {
            out.stderr.push_str(&format!(
                "wget: server returned error: HTTP/1.1 {} {}\n",
                resp.status,
                reason_phrase(resp.status)
            ));
            out.status = 1;
            out
        }
        Err(NetError::ConnectionRefused) => {
            out.stderr.push_str(&format!(
                "wget: can't connect to remote host ({ip}): Connection refused\n"
            ));
            out.status = 1;
            out
        }
        Err(NetError::NoSuchHost(_)) | Err(NetError::NoServers) => {
            Out::err(format!("wget: bad address '{host}'\n"), 1)
        }
        Err(NetError::Timeout) => {
            out.stderr.push_str("wget: download timed out\n");
            out.status = 1;
            out
        }
    }
}

/// The standard reason phrase of an HTTP status.
pub(crate) fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "",
    }
}

fn curl(args: &[String], env: &mut Env<'_>) -> Out {
    let fail = args.iter().any(|a| {
        a == "-f"
            || a == "--fail"
            || (a.starts_with('-') && !a.starts_with("--") && a.contains('f'))
    });
    let head_only = args.iter().any(|a| a == "-I" || a == "--head");
    let mut skip = false;
    let mut url = None;
    for a in args {
        if skip {
            skip = false;
            continue;
        }
        if [
            "-o",
            "-H",
            "-X",
            "-d",
            "-m",
            "--max-time",
            "--connect-timeout",
            "-w",
        ]
        .contains(&a.as_str())
        {
            skip = true;
        } else if !a.starts_with('-') {
            url = Some(a.clone());
        }
    }
    let Some(url) = url else {
        return Out::err(
            "curl: try 'curl --help' or 'curl --manual' for more information\n".into(),
            2,
        );
    };
    let (host, port, path) = split_url(&url);
    match env.net.http_get(&host, port, &path) {
        Ok(resp) => {
            if fail && resp.status >= 400 {
                return Out::err(
                    format!("curl: (22) The requested URL returned error: {}\n", resp.status),
                    22,
                );
            }
            if head_only {
                return Out::ok(format!(
                    "HTTP/1.1 {} {}\r\nContent-Length: {}\r\n\r\n",
                    resp.status,
                    reason_phrase(resp.status),
                    resp.body.len()
                ));
            }
            Out::ok(resp.body)
        }
        Err(NetError::NoSuchHost(_)) | Err(NetError::NoServers) => {
            Out::err(format!("curl: (6) Could not resolve host: {host}\n"), 6)
        }
        Err(NetError::ConnectionRefused) => Out::err(
            format!("curl: (7) Failed to connect to {host} port {port} after 0 ms: Couldn't connect to server\n"),
            7,
        ),
        Err(NetError::Timeout) => Out::err(
            format!("curl: (28) Failed to connect to {host} port {port} after 130000 ms: Connection timed out\n"),
            28,
        ),
    }
}

fn nc(args: &[String], env: &mut Env<'_>) -> Out {
    let ops: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let (Some(host), Some(port)) = (ops.first(), ops.get(1).and_then(|p| p.parse::<u16>().ok()))
    else {
        return Out::err("Usage: nc [OPTIONS] HOST PORT\n".into(), 1);
    };
    match env.net.connect(host, port) {
        Ok(()) => Out::default(),
        Err(NetError::NoSuchHost(_)) | Err(NetError::NoServers) => {
            Out::err(format!("nc: bad address '{host}'\n"), 1)
        }
        Err(NetError::ConnectionRefused) => Out::err(String::new(), 1),
        Err(NetError::Timeout) => Out::err("nc: timed out\n".into(), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn pi_spigot_rounds_to_the_requested_digits() {
        assert_eq!(
            pi_digits(50),
            "3.1415926535897932384626433832795028841971693993751"
        );
        assert_eq!(pi_digits(6), "3.14159");
        assert_eq!(pi_digits(7), "3.141593");
        assert_eq!(pi_digits(2000).len(), 2001);
    }

    #[test]
    fn printf_reuses_its_format_and_pads() {
        assert_eq!(printf("%s\\n", &s(&["a", "b"])), "a\nb\n");
        assert_eq!(
            printf("%5s|%-3d|%03d\\n", &s(&["x", "7", "5"])),
            "    x|7  |005\n"
        );
        assert_eq!(printf("100%%\\n", &[]), "100%\n");
    }

    #[test]
    fn tiny_regex_supports_anchors_dots_and_stars() {
        assert!(re_match("^ab*c$", "abbbc"));
        assert!(re_match("b.d", "abcde"));
        assert!(!re_match("^b", "abc"));
        assert!(re_match("[0-9][0-9]*", "x42"));
        assert!(!re_match("[^a-z]", "abc"));
    }

    #[test]
    fn expr_does_integer_arithmetic_and_comparisons() {
        assert_eq!(expr(&s(&["1", "+", "2", "*", "3"])).stdout, "7\n");
        let zero = expr(&s(&["5", "-", "5"]));
        assert_eq!((zero.stdout.as_str(), zero.status), ("0\n", 1));
        assert_eq!(
            expr(&s(&["a", "+", "1"])).stderr,
            "expr: non-numeric argument\n"
        );
        assert_eq!(expr(&s(&["3", ">", "10"])).stdout, "0\n");
    }
}
