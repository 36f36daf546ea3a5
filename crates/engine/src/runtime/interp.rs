//! The shell's interpreter: scripts are compiled to a flat instruction list
//! with jumps, so a running script is just (frames, program counters,
//! variables) and can stop at any `sleep` and resume later on virtual time.
//!
//! Pipelines and command substitutions run to completion inside one step
//! (their `sleep`s take no time); only top-level commands yield.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::chrono::{DateTime, Utc};

use super::arith;
use super::catalog::{basename, ImageBehavior, Stream};
use super::commands;
use super::fs::{normalize, ContainerFs};
use super::glob;
use super::parse::{self, is_name, AndOr, Node, Part, Redir, Simple, Word};
use super::shell::Network;

/// Everything outside the shell a command can touch.
pub(crate) struct Env<'a> {
    pub fs: &'a mut ContainerFs,
    pub now: DateTime<Utc>,
    pub net: &'a mut dyn Network,
    pub image: Option<&'a ImageBehavior>,
}

/// The result of a builtin command.
#[derive(Default)]
pub(crate) struct Out {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

impl Out {
    pub fn ok(stdout: String) -> Out {
        Out {
            stdout,
            ..Out::default()
        }
    }
    pub fn err(stderr: String, status: i32) -> Out {
        Out {
            stderr,
            status,
            ..Out::default()
        }
    }
}

#[derive(Clone, Debug)]
enum Ins {
    Run {
        cmd: Simple,
        cond: bool,
    },
    Exec {
        cmd: Simple,
    },
    Pipe {
        cmds: Vec<Node>,
        bang: bool,
        cond: bool,
    },
    Not,
    Jz(usize),
    Jnz(usize),
    Jmp(usize),
    ForInit(Option<Vec<Word>>),
    ForNext {
        var: String,
        exit: usize,
    },
    ForPop,
    PushRedir(Vec<Redir>),
    PopRedir,
    /// `( ... )`: runs in its own frame with a copy of the variables, so
    /// `exit` and assignments stay inside.
    Subshell(Vec<Ins>),
    SetStatus(i32),
    /// Jumps to `next` unless the subject matches one of the patterns.
    CaseTest {
        subject: Word,
        patterns: Vec<Word>,
        next: usize,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Target {
    Term(Stream),
    File(String),
    Null,
}

#[derive(Clone, Debug)]
struct Frame {
    code: Vec<Ins>,
    pc: usize,
    fors: Vec<(Vec<String>, usize)>,
    positional: Vec<String>,
    /// A child shell's or subshell's parent variables and `set -e` flag,
    /// restored when it ends.
    scope: Option<(BTreeMap<String, String>, BTreeSet<String>, bool)>,
    redir_depth: usize,
}

/// Why the machine stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Flow {
    /// `sleep` for this many milliseconds.
    Sleep(u64),
    /// The script ended or ran `exit`.
    Exit(i32),
    /// The script became the image's server (`exec nginx`, `nginx -g ...`).
    Serve(Vec<String>),
    /// Blocked forever (`sleep infinity`, `tail -f`).
    Block,
    /// Step budget used up: a busy loop.
    Busy,
}

enum Step {
    Next,
    Flow(Flow),
}

/// How many instructions one `run` executes before yielding [`Flow::Busy`].
pub(crate) const STEP_BUDGET: u64 = 10_000;

/// The interpreter state.
#[derive(Clone, Debug)]
pub(crate) struct Machine {
    frames: Vec<Frame>,
    pub vars: BTreeMap<String, String>,
    pub exported: BTreeSet<String>,
    status: i32,
    redirs: Vec<[Target; 2]>,
    /// Output written to the terminal (container log) since last drained.
    pub term: Vec<(Stream, String)>,
    cwd: String,
    errexit: bool,
    /// Sleeps take no time; blocking ends the run.
    sync: bool,
    stdin: Option<String>,
    /// How much of `stdin` has been read (by `read` and filters).
    stdin_pos: usize,
    /// Input redirected into compound commands (`while read l; do ...; done < f`),
    /// parallel to `redirs`: (contents, read position).
    inputs: Vec<Option<(String, usize)>>,
    subst_status: Option<i32>,
    fatal: Option<i32>,
    /// How many machines (pipes, `$(...)`) this one runs inside.
    nest: u32,
    /// Set once the script is caught in a loop of instructions without any
    /// effect (`while true; do :; done`): it can never leave it, so every
    /// later run is busy at once instead of stepping the same cycle again.
    spinning: bool,
}

/// Limits that keep a hostile script from exhausting the stack or memory.
const MAX_NEST: u32 = 16;
const MAX_FRAMES: usize = 64;
/// The most bytes a command's expanded words may hold (`x=$x$x` in a loop).
const MAX_WORDS_BYTES: usize = 4 << 20;

struct Compiler {
    code: Vec<Ins>,
    loops: Vec<(usize, Vec<usize>, usize)>, // (continue target, break fixups, for-depth)
    for_depth: usize,
}

impl Compiler {
    fn emit(&mut self, i: Ins) -> usize {
        self.code.push(i);
        self.code.len() - 1
    }

    fn patch(&mut self, at: usize, to: usize) {
        match &mut self.code[at] {
            Ins::Jz(t) | Ins::Jnz(t) | Ins::Jmp(t) => *t = to,
            Ins::ForNext { exit, .. } => *exit = to,
            Ins::CaseTest { next, .. } => *next = to,
            _ => {}
        }
    }

    fn node(&mut self, n: &Node, cond: bool) {
        match n {
            Node::Simple(s) => {
                let first = s.words.first().and_then(Word::plain);
                match first.as_deref() {
                    Some("break") | Some("continue") if !self.loops.is_empty() => {
                        let levels = s
                            .words
                            .get(1)
                            .and_then(Word::plain)
                            .and_then(|n| n.parse::<usize>().ok())
                            .unwrap_or(1)
                            .clamp(1, self.loops.len());
                        let idx = self.loops.len() - levels;
                        let is_break = first.as_deref() == Some("break");
                        // Pop the states of the for-loops nested inside the
                        // target; a for target's own state is popped by its
                        // end label (break) or kept (continue).
                        let pops = self.for_depth.saturating_sub(self.loops[idx].2);
                        for _ in 0..pops {
                            self.emit(Ins::ForPop);
                        }
                        if is_break {
                            let j = self.emit(Ins::Jmp(0));
                            self.loops[idx].1.push(j);
                        } else {
                            let t = self.loops[idx].0;
                            self.emit(Ins::Jmp(t));
                        }
                    }
                    Some("exec") if s.words.len() > 1 => {
                        let mut c = s.clone();
                        c.words.remove(0);
                        self.emit(Ins::Exec { cmd: c });
                    }
                    _ => {
                        self.emit(Ins::Run {
                            cmd: s.clone(),
                            cond,
                        });
                    }
                }
            }
            Node::Pipeline { bang, cmds } => {
                if cmds.len() == 1 {
                    self.node(&cmds[0], true);
                    if *bang {
                        self.emit(Ins::Not);
                    }
                } else {
                    self.emit(Ins::Pipe {
                        cmds: cmds.clone(),
                        bang: *bang,
                        cond: cond || *bang,
                    });
                }
            }
            Node::AndOr { first, rest } => {
                self.node(first, true);
                for (k, (op, p)) in rest.iter().enumerate() {
                    let j = match op {
                        AndOr::And => self.emit(Ins::Jnz(0)),
                        AndOr::Or => self.emit(Ins::Jz(0)),
                    };
                    self.node(p, cond || k + 1 < rest.len());
                    let end = self.code.len();
                    self.patch(j, end);
                }
            }
            Node::List(items) => {
                for it in items {
                    self.node(it, cond);
                }
            }
            Node::If {
                branches,
                otherwise,
            } => {
                let mut ends = Vec::new();
                for (c, body) in branches {
                    self.node(c, true);
                    let j = self.emit(Ins::Jnz(0));
                    self.node(body, cond);
                    ends.push(self.emit(Ins::Jmp(0)));
                    let next = self.code.len();
                    self.patch(j, next);
                }
                match otherwise {
                    Some(b) => self.node(b, cond),
                    None => {
                        self.emit(Ins::SetStatus(0));
                    }
                }
                let end = self.code.len();
                for e in ends {
                    self.patch(e, end);
                }
            }
            Node::Loop {
                until,
                cond: c,
                body,
            } => {
                let top = self.code.len();
                self.node(c, true);
                let j = if *until {
                    self.emit(Ins::Jz(0))
                } else {
                    self.emit(Ins::Jnz(0))
                };
                self.loops.push((top, vec![], self.for_depth));
                self.node(body, cond);
                self.emit(Ins::Jmp(top));
                let (_, breaks, _) = self.loops.pop().unwrap_or_default();
                let end = self.code.len();
                self.patch(j, end);
                for b in breaks {
                    self.patch(b, end);
                }
                self.emit(Ins::SetStatus(0));
            }
            Node::For { var, words, body } => {
                self.emit(Ins::ForInit(words.clone()));
                self.for_depth += 1;
                let top = self.emit(Ins::ForNext {
                    var: var.clone(),
                    exit: 0,
                });
                // `break` out of this loop lands on ForPop (after popping
                // inner for-loops); depth below counts this loop's state
                // as kept so the end label pops it.
                self.loops.push((top, vec![], self.for_depth));
                self.node(body, cond);
                self.emit(Ins::Jmp(top));
                let (_, breaks, _) = self.loops.pop().unwrap_or_default();
                self.for_depth -= 1;
                let end = self.emit(Ins::ForPop);
                self.patch(top, end);
                for b in breaks {
                    self.patch(b, end);
                }
                self.emit(Ins::SetStatus(0));
            }
            Node::Group {
                body,
                subshell,
                redirs,
            } => {
                if !redirs.is_empty() {
                    self.emit(Ins::PushRedir(redirs.clone()));
                }
                if *subshell {
                    self.emit(Ins::Subshell(compile(body)));
                } else {
                    self.node(body, cond);
                }
                if !redirs.is_empty() {
                    self.emit(Ins::PopRedir);
                }
            }
            Node::Case { word, arms } => {
                let mut ends = Vec::new();
                self.emit(Ins::SetStatus(0));
                for (patterns, body) in arms {
                    let t = self.emit(Ins::CaseTest {
                        subject: word.clone(),
                        patterns: patterns.clone(),
                        next: 0,
                    });
                    self.node(body, cond);
                    ends.push(self.emit(Ins::Jmp(0)));
                    let next = self.code.len();
                    self.patch(t, next);
                }
                let end = self.code.len();
                for e in ends {
                    self.patch(e, end);
                }
            }
            Node::Redirected { body, redirs } => {
                self.emit(Ins::PushRedir(redirs.clone()));
                self.node(body, cond);
                self.emit(Ins::PopRedir);
            }
        }
    }
}

fn compile(n: &Node) -> Vec<Ins> {
    let mut c = Compiler {
        code: vec![],
        loops: vec![],
        for_depth: 0,
    };
    c.node(n, false);
    c.code
}

/// The directories whose programs are found by basename.
const BIN_DIRS: &[&str] = &[
    "/bin",
    "/sbin",
    "/usr/bin",
    "/usr/sbin",
    "/usr/local/bin",
    "/usr/local/sbin",
];

/// Whether an instruction has no effect but on the pc and the exit status:
/// jumps, `!`, constant statuses, and the no-op commands `:`, `true` and
/// `false` without assignments or redirections (`false` not where `set -e`
/// would end the shell).
fn is_pure(ins: &Ins, errexit: bool) -> bool {
    match ins {
        Ins::Jz(_) | Ins::Jnz(_) | Ins::Jmp(_) | Ins::Not | Ins::SetStatus(_) => true,
        Ins::Run { cmd, cond } => {
            cmd.assigns.is_empty()
                && cmd.redirs.is_empty()
                && cmd.words.len() == 1
                && match cmd.words[0].plain().as_deref() {
                    Some(":" | "true") => true,
                    Some("false") => *cond || !errexit,
                    _ => false,
                }
        }
        _ => false,
    }
}

impl Machine {
    /// A machine that will run `argv` as one command (the container's
    /// process: `["/bin/sh", "-c", "..."]`, `["sleep", "3600"]`).
    pub fn for_argv(argv: &[String], vars: BTreeMap<String, String>, sync: bool) -> Machine {
        let cmd = Simple {
            assigns: vec![],
            words: argv.iter().map(|a| Word::literal(a)).collect(),
            redirs: vec![],
        };
        let exported = vars.keys().cloned().collect();
        Machine {
            frames: vec![Frame {
                code: vec![Ins::Run { cmd, cond: false }],
                pc: 0,
                fors: vec![],
                positional: vec!["sh".into()],
                scope: None,
                redir_depth: 1,
            }],
            vars,
            exported,
            status: 0,
            redirs: vec![[Target::Term(Stream::Stdout), Target::Term(Stream::Stderr)]],
            term: vec![],
            cwd: "/".into(),
            errexit: false,
            sync,
            stdin: None,
            stdin_pos: 0,
            inputs: vec![None],
            subst_status: None,
            fatal: None,
            nest: 0,
            spinning: false,
        }
    }

    fn child(&self, node: &Node, stdin: Option<String>) -> Machine {
        Machine {
            frames: vec![Frame {
                code: compile(node),
                pc: 0,
                fors: vec![],
                positional: self
                    .frames
                    .last()
                    .map(|f| f.positional.clone())
                    .unwrap_or_default(),
                scope: None,
                redir_depth: 1,
            }],
            vars: self.vars.clone(),
            exported: self.exported.clone(),
            status: self.status,
            redirs: vec![[Target::Term(Stream::Stdout), Target::Term(Stream::Stderr)]],
            term: vec![],
            cwd: self.cwd.clone(),
            errexit: false,
            sync: true,
            stdin,
            stdin_pos: 0,
            inputs: vec![None],
            subst_status: None,
            fatal: None,
            nest: self.nest + 1,
            spinning: false,
        }
    }

    /// Runs to completion with sleeps taking no time. Returns the status and
    /// whether it had to be cut off (blocked forever or too many steps).
    pub fn run_sync(&mut self, env: &mut Env<'_>) -> (i32, bool) {
        for _ in 0..20 {
            match self.run(env) {
                Flow::Exit(c) => return (c, false),
                Flow::Sleep(_) => {}
                Flow::Busy => {}
                Flow::Serve(_) | Flow::Block => return (137, true),
            }
        }
        (137, true)
    }

    fn write(&mut self, target: &Target, text: &str, env: &mut Env<'_>) {
        if text.is_empty() {
            return;
        }
        match target {
            Target::Term(s) => self.term.push((*s, text.to_string())),
            Target::File(p) => {
                let _ = env.fs.append(p, text);
            }
            Target::Null => {}
        }
    }

    fn emit_out(&mut self, fds: &[Target; 2], out: &Out, env: &mut Env<'_>) {
        self.write(&fds[0].clone(), &out.stdout, env);
        self.write(&fds[1].clone(), &out.stderr, env);
    }

    fn top_fds(&self) -> [Target; 2] {
        self.redirs
            .last()
            .cloned()
            .unwrap_or([Target::Term(Stream::Stdout), Target::Term(Stream::Stderr)])
    }

    /// Applies redirections to the current fds; returns the fds, stdin from
    /// `<`, or an error message (busybox wording).
    fn apply_redirs(
        &mut self,
        redirs: &[Redir],
        env: &mut Env<'_>,
    ) -> Result<([Target; 2], Option<String>), String> {
        let mut fds = self.top_fds();
        let mut stdin = None;
        for r in redirs {
            let target = self.expand_word(&r.target, env).join(" ");
            let path = normalize(&self.cwd, &target);
            match r.op.as_str() {
                ">" | ">>" => {
                    let res = if r.op == ">" {
                        env.fs.write(&path, "")
                    } else {
                        env.fs.append(&path, "")
                    };
                    if let Err(e) = res {
                        let why = match e {
                            super::fs::FsError::NotFound => "nonexistent directory".to_string(),
                            e => e.message().to_string(),
                        };
                        return Err(format!("sh: can't create {target}: {why}\n"));
                    }
                    let t = if path == "/dev/null" {
                        Target::Null
                    } else if path == "/dev/stdout" {
                        fds[0].clone()
                    } else if path == "/dev/stderr" {
                        fds[1].clone()
                    } else {
                        Target::File(path)
                    };
                    if r.fd == 1 || r.fd == 2 {
                        fds[(r.fd - 1) as usize] = t;
                    }
                }
                ">&" => {
                    let t = match target.as_str() {
                        "1" => fds[0].clone(),
                        "2" => fds[1].clone(),
                        "-" => Target::Null,
                        _ => return Err(format!("sh: {target}: bad file descriptor\n")),
                    };
                    if r.fd == 1 || r.fd == 2 {
                        fds[(r.fd - 1) as usize] = t;
                    }
                }
                "<" => match env.fs.read(&path) {
                    Ok(c) => stdin = Some(c.to_string()),
                    Err(e) => return Err(format!("sh: can't open '{target}': {}\n", e.message())),
                },
                _ => {}
            }
        }
        Ok((fds, stdin))
    }

    fn param(&self, name: &str) -> Option<String> {
        let frame = self.frames.last();
        let pos = frame.map(|f| f.positional.as_slice()).unwrap_or(&[]);
        match name {
            "?" => Some(self.status.to_string()),
            "$" => Some("1".into()),
            "!" | "-" => Some(String::new()),
            "#" => Some(pos.len().saturating_sub(1).to_string()),
            "@" | "*" => Some(pos.iter().skip(1).cloned().collect::<Vec<_>>().join(" ")),
            n if n.chars().all(|c| c.is_ascii_digit()) => {
                pos.get(n.parse::<usize>().unwrap_or(usize::MAX)).cloned()
            }
            n => self.vars.get(n).cloned(),
        }
    }

    /// Expands a word into fields.
    pub fn expand_word(&mut self, w: &Word, env: &mut Env<'_>) -> Vec<String> {
        let mut fields: Vec<String> = Vec::new();
        let mut cur = String::new();
        let mut have = false;
        for (k, part) in w.parts.iter().enumerate() {
            if let (
                0,
                Part::Lit {
                    text,
                    quoted: false,
                },
            ) = (k, part)
            {
                if text == "~" || text.starts_with("~/") {
                    let home = self.vars.get("HOME").cloned().unwrap_or_default();
                    cur.push_str(&home);
                    cur.push_str(&text[1..]);
                    have = true;
                    continue;
                }
            }
            let (text, quoted) = match part {
                Part::Lit { text, quoted } => (text.clone(), *quoted),
                Part::Param {
                    name,
                    modifier,
                    quoted,
                } => {
                    if name == "@" && *quoted && modifier.is_none() {
                        let pos: Vec<String> = self
                            .frames
                            .last()
                            .map(|f| f.positional.iter().skip(1).cloned().collect())
                            .unwrap_or_default();
                        for (k, p) in pos.iter().enumerate() {
                            if k > 0 {
                                fields.push(std::mem::take(&mut cur));
                            }
                            cur.push_str(p);
                            have = true;
                        }
                        continue;
                    }
                    let v = self.param(name);
                    let text = match modifier {
                        None => v.unwrap_or_default(),
                        Some((op, word)) => {
                            let set = v.is_some();
                            let nonempty = v.as_deref().is_some_and(|s| !s.is_empty());
                            let use_word = |colon: bool| if colon { !nonempty } else { !set };
                            let w = Word {
                                parts: word.clone(),
                            };
                            match op.as_str() {
                                "#" => v.unwrap_or_default().chars().count().to_string(),
                                ":-" | "-" => {
                                    if use_word(op.starts_with(':')) {
                                        self.expand_word(&w, env).join(" ")
                                    } else {
                                        v.unwrap_or_default()
                                    }
                                }
                                ":=" | "=" => {
                                    if use_word(op.starts_with(':')) {
                                        let val = self.expand_word(&w, env).join(" ");
                                        self.vars.insert(name.clone(), val.clone());
                                        val
                                    } else {
                                        v.unwrap_or_default()
                                    }
                                }
                                ":+" | "+" => {
                                    if use_word(op.starts_with(':')) {
                                        String::new()
                                    } else {
                                        self.expand_word(&w, env).join(" ")
                                    }
                                }
                                _ => {
                                    if use_word(op.starts_with(':')) {
                                        let msg = self.expand_word(&w, env).join(" ");
                                        let msg = if msg.is_empty() {
                                            "parameter not set".to_string()
                                        } else {
                                            msg
                                        };
                                        let fds = self.top_fds();
                                        self.write(&fds[1], &format!("sh: {name}: {msg}\n"), env);
                                        String::new()
                                    } else {
                                        v.unwrap_or_default()
                                    }
                                }
                            }
                        }
                    };
                    (text, *quoted)
                }
                Part::CmdSub { src, quoted } => (self.command_substitution(src, env), *quoted),
                Part::Arith { src, quoted } => {
                    // Expand $(...) and ${...} inside first, then evaluate.
                    let inner = match parse_expr_word(src) {
                        Some(w) => self.expand_word(&w, env).join(" "),
                        None => src.clone(),
                    };
                    match arith::eval(&inner, &self.vars) {
                        Ok(v) => (v.to_string(), *quoted),
                        Err(e) => {
                            // An arithmetic error is fatal to the shell.
                            let fds = self.top_fds();
                            self.write(&fds[1], &format!("sh: {e}\n"), env);
                            self.fatal = Some(2);
                            (String::new(), *quoted)
                        }
                    }
                }
            };
            if quoted {
                cur.push_str(&text);
                have = true;
            } else {
                // Field splitting on whitespace.
                let pieces: Vec<&str> = text.split_whitespace().collect();
                let starts_ws = text.starts_with(char::is_whitespace);
                let ends_ws = text.ends_with(char::is_whitespace);
                if pieces.is_empty() {
                    if starts_ws && (have || !cur.is_empty()) {
                        fields.push(std::mem::take(&mut cur));
                        have = false;
                    }
                    continue;
                }
                if starts_ws && (have || !cur.is_empty()) {
                    fields.push(std::mem::take(&mut cur));
                }
                for (i, p) in pieces.iter().enumerate() {
                    if i > 0 {
                        fields.push(std::mem::take(&mut cur));
                    }
                    cur.push_str(p);
                }
                have = true;
                if ends_ws {
                    fields.push(std::mem::take(&mut cur));
                    have = false;
                }
            }
        }
        if have || !cur.is_empty() {
            fields.push(cur);
        }
        fields
    }

    /// A `case` pattern: quoted parts match literally.
    fn expand_pattern(&mut self, w: &Word, env: &mut Env<'_>) -> String {
        let mut out = String::new();
        for part in &w.parts {
            let single = Word {
                parts: vec![part.clone()],
            };
            let text = self.expand_word(&single, env).join(" ");
            let quoted = match part {
                Part::Lit { quoted, .. }
                | Part::Param { quoted, .. }
                | Part::CmdSub { quoted, .. }
                | Part::Arith { quoted, .. } => *quoted,
            };
            if quoted {
                for c in text.chars() {
                    if "*?[\\".contains(c) {
                        out.push('\\');
                    }
                    out.push(c);
                }
            } else {
                out.push_str(&text);
            }
        }
        out
    }

    /// Expands command words: field splitting, then pathname expansion of
    /// fields with unquoted `*`, `?` or `[` that match files.
    fn expand_argv(&mut self, w: &Word, env: &mut Env<'_>) -> Vec<String> {
        let fields = self.expand_word(w, env);
        let unquoted_pattern = w.parts.iter().any(|p| match p {
            Part::Lit {
                text,
                quoted: false,
            } => glob::has_pattern(text),
            Part::Param { quoted: false, .. } | Part::CmdSub { quoted: false, .. } => true,
            _ => false,
        });
        if !unquoted_pattern {
            return fields;
        }
        let mut out = Vec::new();
        for f in fields {
            if glob::has_pattern(&f) {
                let m = glob::expand(&f, &self.cwd, env.fs);
                if !m.is_empty() {
                    out.extend(m);
                    continue;
                }
            }
            out.push(f);
        }
        out
    }

    fn command_substitution(&mut self, src: &str, env: &mut Env<'_>) -> String {
        let node = match parse::parse(src) {
            Ok(n) => n,
            Err(e) => {
                let fds = self.top_fds();
                self.write(&fds[1], &format!("sh: {e}\n"), env);
                self.status = 2;
                return String::new();
            }
        };
        if self.nest >= MAX_NEST {
            let fds = self.top_fds();
            self.write(
                &fds[1],
                "sh: can't fork: Resource temporarily unavailable\n",
                env,
            );
            self.subst_status = Some(2);
            return String::new();
        }
        let mut m = self.child(&node, None);
        let (status, _) = m.run_sync(env);
        self.subst_status = Some(status);
        let mut out = String::new();
        let fds = self.top_fds();
        for (s, t) in std::mem::take(&mut m.term) {
            match s {
                Stream::Stdout => out.push_str(&t),
                Stream::Stderr => self.write(&fds[1], &t, env),
            }
        }
        while out.ends_with('\n') {
            out.pop();
        }
        out
    }

    /// Runs until the script sleeps, exits, blocks, becomes a server or uses
    /// up [`STEP_BUDGET`].
    pub fn run(&mut self, env: &mut Env<'_>) -> Flow {
        if self.spinning {
            return Flow::Busy;
        }
        let mut steps = 0u64;
        // Consecutive effect-free instructions run in the current frame.
        let mut pure_steps = 0usize;
        loop {
            steps += 1;
            if steps > STEP_BUDGET {
                return Flow::Busy;
            }
            let Some(frame) = self.frames.last_mut() else {
                return Flow::Exit(self.status);
            };
            if frame.pc >= frame.code.len() {
                pure_steps = 0;
                if let Some(f) = self.end_frame() {
                    return f;
                }
                continue;
            }
            let ins = frame.code[frame.pc].clone();
            frame.pc += 1;
            if is_pure(&ins, self.errexit) {
                pure_steps += 1;
                // Effect-free instructions only move the pc and the exit
                // status, which takes few values (0, 1, the constants set,
                // the one on entry): past that many states one repeats, and
                // the frame cycles forever.
                let constants = frame
                    .code
                    .iter()
                    .filter(|i| matches!(i, Ins::SetStatus(_)))
                    .count();
                if pure_steps > frame.code.len() * (constants + 3) {
                    self.spinning = true;
                    return Flow::Busy;
                }
            } else {
                pure_steps = 0;
            }
            match self.step(ins, env) {
                Step::Next => {}
                Step::Flow(Flow::Exit(code)) => {
                    self.status = code;
                    // `exit` ends the innermost shell.
                    if let Some(f) = self.end_frame() {
                        return f;
                    }
                }
                Step::Flow(f) => {
                    if let (true, Flow::Sleep(_)) = (self.sync, &f) {
                        continue;
                    }
                    return f;
                }
            }
        }
    }

    /// Pops the current frame; `Some` when the whole machine is done.
    fn end_frame(&mut self) -> Option<Flow> {
        let f = self.frames.pop()?;
        self.redirs.truncate(f.redir_depth.max(1));
        self.inputs.truncate(f.redir_depth.max(1));
        if let Some((vars, exported, errexit)) = f.scope {
            self.vars = vars;
            self.exported = exported;
            self.errexit = errexit;
        }
        if self.frames.is_empty() {
            Some(Flow::Exit(self.status))
        } else {
            None
        }
    }

    fn step(&mut self, ins: Ins, env: &mut Env<'_>) -> Step {
        match ins {
            Ins::Run { cmd, cond } => {
                let r = self.simple(&cmd, None, env);
                if let Step::Next = r {
                    if self.errexit && !cond && self.status != 0 {
                        return Step::Flow(Flow::Exit(self.status));
                    }
                }
                r
            }
            Ins::Exec { cmd } => {
                let depth = self.frames.len();
                match self.simple(&cmd, None, env) {
                    Step::Next if self.frames.len() > depth => {
                        // `exec sh -c ...`: the new shell replaces this one.
                        if let Some(f) = self.frames.get_mut(depth - 1) {
                            f.pc = f.code.len();
                        }
                        Step::Next
                    }
                    Step::Next => Step::Flow(Flow::Exit(self.status)),
                    Step::Flow(Flow::Sleep(ms)) => {
                        // `exec sleep N`: sleep, then the shell is gone.
                        self.frames_truncate_after_exec();
                        Step::Flow(Flow::Sleep(ms))
                    }
                    other => other,
                }
            }
            Ins::Pipe { cmds, bang, cond } => {
                let mut input: Option<String> = None;
                let fds = self.top_fds();
                let n = cmds.len();
                let mut status = 0;
                if self.nest >= MAX_NEST {
                    let fds = self.top_fds();
                    self.write(
                        &fds[1],
                        "sh: can't fork: Resource temporarily unavailable\n",
                        env,
                    );
                    self.status = 2;
                    return Step::Next;
                }
                for (k, c) in cmds.iter().enumerate() {
                    let mut m = self.child(c, Some(input.take().unwrap_or_default()));
                    let (st, _) = m.run_sync(env);
                    status = st;
                    let mut out = String::new();
                    for (s, t) in std::mem::take(&mut m.term) {
                        match s {
                            Stream::Stdout if k + 1 < n => out.push_str(&t),
                            Stream::Stdout => self.write(&fds[0], &t, env),
                            Stream::Stderr => self.write(&fds[1], &t, env),
                        }
                    }
                    input = Some(out);
                }
                self.status = if bang { i32::from(status == 0) } else { status };
                if self.errexit && !cond && self.status != 0 {
                    return Step::Flow(Flow::Exit(self.status));
                }
                Step::Next
            }
            Ins::Not => {
                self.status = i32::from(self.status == 0);
                Step::Next
            }
            Ins::Jz(t) => {
                if self.status == 0 {
                    self.jump(t);
                }
                Step::Next
            }
            Ins::Jnz(t) => {
                if self.status != 0 {
                    self.jump(t);
                }
                Step::Next
            }
            Ins::Jmp(t) => {
                self.jump(t);
                Step::Next
            }
            Ins::ForInit(words) => {
                let items = match words {
                    Some(ws) => {
                        let mut v = Vec::new();
                        for w in &ws {
                            v.extend(self.expand_argv(w, env));
                        }
                        v
                    }
                    None => self
                        .frames
                        .last()
                        .map(|f| f.positional.iter().skip(1).cloned().collect())
                        .unwrap_or_default(),
                };
                if let Some(f) = self.frames.last_mut() {
                    f.fors.push((items, 0));
                }
                Step::Next
            }
            Ins::ForNext { var, exit } => {
                let next = self.frames.last_mut().and_then(|f| {
                    let (items, i) = f.fors.last_mut()?;
                    let v = items.get(*i).cloned();
                    *i += 1;
                    v
                });
                match next {
                    Some(v) => {
                        self.vars.insert(var, v);
                    }
                    None => self.jump(exit),
                }
                Step::Next
            }
            Ins::ForPop => {
                if let Some(f) = self.frames.last_mut() {
                    f.fors.pop();
                }
                Step::Next
            }
            Ins::PushRedir(rs) => {
                match self.apply_redirs(&rs, env) {
                    Ok((fds, input)) => {
                        self.redirs.push(fds);
                        self.inputs.push(input.map(|c| (c, 0)));
                    }
                    Err(e) => {
                        let fds = self.top_fds();
                        self.write(&fds[1], &e, env);
                        self.redirs.push(fds);
                        self.inputs.push(Some((String::new(), 0)));
                    }
                }
                Step::Next
            }
            Ins::PopRedir => {
                if self.redirs.len() > 1 {
                    self.redirs.pop();
                    self.inputs.pop();
                }
                Step::Next
            }
            Ins::Subshell(code) => {
                let positional = self
                    .frames
                    .last()
                    .map(|f| f.positional.clone())
                    .unwrap_or_default();
                self.frames.push(Frame {
                    code,
                    pc: 0,
                    fors: vec![],
                    positional,
                    scope: Some((self.vars.clone(), self.exported.clone(), self.errexit)),
                    redir_depth: self.redirs.len(),
                });
                Step::Next
            }
            Ins::CaseTest {
                subject,
                patterns,
                next,
            } => {
                let subject = self.expand_word(&subject, env).join(" ");
                let mut hit = false;
                for p in &patterns {
                    let pat = self.expand_pattern(p, env);
                    if glob::matches(&pat, &subject) {
                        hit = true;
                        break;
                    }
                }
                if !hit {
                    self.jump(next);
                }
                Step::Next
            }
            Ins::SetStatus(s) => {
                self.status = s;
                Step::Next
            }
        }
    }

    fn frames_truncate_after_exec(&mut self) {
        if let Some(f) = self.frames.last_mut() {
            f.pc = f.code.len();
        }
    }

    fn jump(&mut self, t: usize) {
        if let Some(f) = self.frames.last_mut() {
            f.pc = t;
        }
    }

    /// Runs one simple command.
    fn simple(&mut self, cmd: &Simple, stdin: Option<String>, env: &mut Env<'_>) -> Step {
        // `$?` in the words is the previous status; a command substitution
        // sets the status of an assignment-only command.
        self.subst_status = None;
        let mut assigns = Vec::new();
        for (name, w) in &cmd.assigns {
            let v = self.expand_word(w, env).join(" ");
            assigns.push((name.clone(), v));
        }
        let mut argv = Vec::new();
        for w in &cmd.words {
            argv.extend(self.expand_argv(w, env));
        }
        if let Some(code) = self.fatal.take() {
            return Step::Flow(Flow::Exit(code));
        }
        let size: usize = argv.iter().map(String::len).sum::<usize>()
            + assigns.iter().map(|(_, v)| v.len()).sum::<usize>();
        if size > MAX_WORDS_BYTES {
            let fds = self.top_fds();
            self.write(&fds[1], "sh: out of memory\n", env);
            return Step::Flow(Flow::Exit(2));
        }
        let (fds, redir_in) = match self.apply_redirs(&cmd.redirs, env) {
            Ok(x) => x,
            Err(e) => {
                let fds = self.top_fds();
                self.write(&fds[1], &e, env);
                self.status = 1;
                return Step::Next;
            }
        };
        if argv.is_empty() {
            for (k, v) in assigns {
                self.vars.insert(k, v);
            }
            self.status = self.subst_status.unwrap_or(0);
            return Step::Next;
        }
        self.status = 0;
        let stdin = match redir_in.or(stdin) {
            Some(s) => Some(s),
            None if reads_stdin(&argv) => self.read_input(true),
            None => None,
        };
        // Prefix assignments apply to this command only.
        let saved: Vec<(String, Option<String>, bool)> = assigns
            .iter()
            .map(|(k, _)| {
                (
                    k.clone(),
                    self.vars.get(k).cloned(),
                    self.exported.contains(k),
                )
            })
            .collect();
        for (k, v) in &assigns {
            self.vars.insert(k.clone(), v.clone());
            self.exported.insert(k.clone());
        }
        let depth = self.frames.len();
        let r = self.command(&argv, &fds, stdin, env);
        let persistent = matches!(argv[0].as_str(), "export" | "unset" | "set" | ":" | "cd");
        if !persistent {
            // If the command started a child shell, our variables are now
            // saved in its frame's scope.
            let grew = self.frames.len() > depth;
            let (vars, exported) = match self.frames.last_mut().and_then(|f| f.scope.as_mut()) {
                Some((v, e, _)) if grew => (v, e),
                _ => (&mut self.vars, &mut self.exported),
            };
            for (k, old, exp) in saved {
                match old {
                    Some(v) => {
                        vars.insert(k.clone(), v);
                    }
                    None => {
                        vars.remove(&k);
                    }
                }
                if !exp {
                    exported.remove(&k);
                }
            }
        }
        r
    }

    /// The next line (or, with `all`, everything left) of the current input:
    /// the innermost `<` redirection of a compound command, else the
    /// machine's stdin (a pipe). `None` at end of input.
    fn read_input(&mut self, all: bool) -> Option<String> {
        let (text, pos) = match self.inputs.iter_mut().rev().find_map(|i| i.as_mut()) {
            Some((t, p)) => (t.as_str(), p),
            None => (self.stdin.as_deref()?, &mut self.stdin_pos),
        };
        let rest = &text[(*pos).min(text.len())..];
        if rest.is_empty() {
            return None;
        }
        let take = if all {
            rest.len()
        } else {
            rest.find('\n').map_or(rest.len(), |i| i + 1)
        };
        let out = rest[..take].to_string();
        *pos += take;
        Some(out)
    }

    /// The environment a child process sees.
    pub fn environ(&self) -> BTreeMap<String, String> {
        self.exported
            .iter()
            .filter_map(|k| self.vars.get(k).map(|v| (k.clone(), v.clone())))
            .collect()
    }

    fn command(
        &mut self,
        argv: &[String],
        fds: &[Target; 2],
        stdin: Option<String>,
        env: &mut Env<'_>,
    ) -> Step {
        let raw = argv[0].as_str();
        let name = if raw.contains('/') {
            let dir = raw.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            if BIN_DIRS.contains(&dir) || dir.is_empty() {
                basename(raw)
            } else {
                raw
            }
        } else {
            raw
        };
        let args = &argv[1..];
        // The image's own server programs.
        if let Some(img) = env.image {
            if img.is_server_binary(raw) || (img.is_wrapper(raw) && args.is_empty()) {
                return Step::Flow(Flow::Serve(argv.to_vec()));
            }
            if img.is_wrapper(raw) {
                if args[0].starts_with('-') {
                    let mut v = vec![img.server_binaries.first().cloned().unwrap_or_default()];
                    v.extend(args.iter().cloned());
                    return Step::Flow(Flow::Serve(v));
                }
                return self.command(args, fds, stdin, env);
            }
        }
        match name {
            "sleep" => {
                let mut total: u64 = 0;
                if args.is_empty() {
                    self.emit_out(fds, &Out::err("sleep: missing operand\n".into(), 1), env);
                    self.status = 1;
                    return Step::Next;
                }
                for a in args {
                    if a == "infinity" || a == "inf" {
                        return Step::Flow(Flow::Block);
                    }
                    match parse_duration_ms(a) {
                        Some(ms) => total = total.saturating_add(ms),
                        None => {
                            self.emit_out(
                                fds,
                                &Out::err(format!("sleep: invalid number '{a}'\n"), 1),
                                env,
                            );
                            self.status = 1;
                            return Step::Next;
                        }
                    }
                }
                self.status = 0;
                if total == 0 {
                    Step::Next
                } else {
                    Step::Flow(Flow::Sleep(total))
                }
            }
            "exit" => {
                let code = match args.first() {
                    None => self.status,
                    Some(a) => match a.parse::<i64>() {
                        Ok(n) => (n & 0xff) as i32,
                        Err(_) => {
                            self.write(&fds[1], &format!("sh: exit: Illegal number: {a}\n"), env);
                            2
                        }
                    },
                };
                Step::Flow(Flow::Exit(code))
            }
            "tail" if args.iter().any(|a| a == "-f" || a == "-F") => Step::Flow(Flow::Block),
            "read" => {
                let names: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
                let line = self.read_input(false);
                self.status = match &line {
                    Some(l) if l.ends_with('\n') => 0,
                    _ => 1,
                };
                let line = line.unwrap_or_default();
                let line = line.trim_end_matches('\n');
                let default = "REPLY".to_string();
                let names = if names.is_empty() {
                    vec![&default]
                } else {
                    names
                };
                let mut rest = line.trim_start();
                for (k, n) in names.iter().enumerate() {
                    let value = if k + 1 == names.len() {
                        let v = rest.trim_end().to_string();
                        rest = "";
                        v
                    } else {
                        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                        let v = rest[..end].to_string();
                        rest = rest[end..].trim_start();
                        v
                    };
                    self.vars.insert((*n).clone(), value);
                }
                Step::Next
            }
            "sh" | "bash" | "ash" | "dash" => self.shell(args, fds, stdin, env),
            "set" => {
                if let Some(k) = args
                    .iter()
                    .position(|a| a == "--" || !a.starts_with(['-', '+']))
                {
                    let start = if args[k] == "--" { k + 1 } else { k };
                    let new: Vec<String> = args[start..].to_vec();
                    if let Some(f) = self.frames.last_mut() {
                        f.positional.truncate(1);
                        f.positional.extend(new);
                    }
                }
                for a in args.iter().take_while(|a| *a != "--") {
                    if let Some(flags) = a.strip_prefix('-') {
                        if flags.contains('e') {
                            self.errexit = true;
                        }
                    } else if let Some(flags) = a.strip_prefix('+') {
                        if flags.contains('e') {
                            self.errexit = false;
                        }
                    }
                }
                Step::Next
            }
            "export" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    let (k, v) = match a.split_once('=') {
                        Some((k, v)) => (k, Some(v)),
                        None => (a.as_str(), None),
                    };
                    if !is_name(k) {
                        self.write(&fds[1], "sh: export: bad variable name\n", env);
                        self.status = 1;
                        continue;
                    }
                    if let Some(v) = v {
                        self.vars.insert(k.to_string(), v.to_string());
                    }
                    self.exported.insert(k.to_string());
                }
                Step::Next
            }
            "unset" => {
                for a in args.iter().filter(|a| !a.starts_with('-')) {
                    self.vars.remove(a);
                    self.exported.remove(a);
                }
                Step::Next
            }
            "cd" => {
                let target = args
                    .first()
                    .cloned()
                    .unwrap_or_else(|| self.vars.get("HOME").cloned().unwrap_or("/".into()));
                let p = normalize(&self.cwd, &target);
                if env.fs.is_dir(&p) {
                    self.cwd = p.clone();
                    self.vars.insert("PWD".into(), p);
                } else {
                    self.write(
                        &fds[1],
                        &format!("sh: cd: can't cd to {target}: No such file or directory\n"),
                        env,
                    );
                    self.status = 2;
                }
                Step::Next
            }
            "shift" => {
                let n = args
                    .first()
                    .and_then(|a| a.parse::<usize>().ok())
                    .unwrap_or(1);
                if let Some(f) = self.frames.last_mut() {
                    for _ in 0..n.min(f.positional.len().saturating_sub(1)) {
                        f.positional.remove(1);
                    }
                }
                Step::Next
            }
            "break" | "continue" | "trap" | "wait" | "ulimit" | "umask" | "kill" | "sync"
            | "chmod" | "chown" | "ln" | "return" => Step::Next,
            _ => {
                let ctx = commands::Ctx {
                    cwd: &self.cwd,
                    environ: self.environ(),
                    stdin: stdin.as_deref().unwrap_or(""),
                };
                match commands::run(name, args, &ctx, env) {
                    Some(out) => {
                        self.status = out.status;
                        self.emit_out(fds, &out, env);
                        Step::Next
                    }
                    None => {
                        // A script file in the container?
                        let p = normalize(&self.cwd, raw);
                        if raw.contains('/') && env.fs.is_file(&p) {
                            let mut a = vec![p];
                            a.extend(args.iter().cloned());
                            return self.shell(&a, fds, stdin, env);
                        }
                        self.write(&fds[1], &format!("sh: {raw}: not found\n"), env);
                        self.status = 127;
                        Step::Next
                    }
                }
            }
        }
    }

    /// `sh [-e] [-c script [arg0 args...]] | sh file [args]`.
    fn shell(
        &mut self,
        args: &[String],
        fds: &[Target; 2],
        stdin: Option<String>,
        env: &mut Env<'_>,
    ) -> Step {
        let mut i = 0;
        let mut dash_c = false;
        let mut errexit = false;
        while let Some(a) = args.get(i) {
            if a == "--" {
                i += 1;
                break;
            }
            if a.len() > 1 && (a.starts_with('-') || a.starts_with('+')) {
                if a.starts_with('-') {
                    dash_c |= a.contains('c');
                    errexit |= a.contains('e');
                }
                i += 1;
            } else {
                break;
            }
        }
        let (src, positional) = if dash_c {
            let Some(script) = args.get(i) else {
                self.write(&fds[1], "sh: -c requires an argument\n", env);
                self.status = 2;
                return Step::Next;
            };
            let mut pos: Vec<String> = args[i + 1..].to_vec();
            if pos.is_empty() {
                pos.push("sh".into());
            }
            (script.clone(), pos)
        } else if let Some(file) = args.get(i) {
            let p = normalize(&self.cwd, file);
            match env.fs.read(&p) {
                Ok(c) => (c.to_string(), args[i..].to_vec()),
                Err(e) => {
                    self.write(
                        &fds[1],
                        &format!("sh: can't open '{file}': {}\n", e.message()),
                        env,
                    );
                    self.status = 2;
                    return Step::Next;
                }
            }
        } else {
            // Reads its script from stdin: a container's stdin is closed.
            (stdin.clone().unwrap_or_default(), vec!["sh".into()])
        };
        let node = match parse::parse(&src) {
            Ok(n) => n,
            Err(e) => {
                self.write(&fds[1], &format!("sh: {e}\n"), env);
                self.status = 2;
                return Step::Next;
            }
        };
        if self.frames.len() >= MAX_FRAMES {
            self.write(
                &fds[1],
                "sh: can't fork: Resource temporarily unavailable\n",
                env,
            );
            self.status = 2;
            return Step::Next;
        }
        let env_vars = self.environ();
        let exported: BTreeSet<String> = env_vars.keys().cloned().collect();
        let scope = (
            std::mem::replace(&mut self.vars, env_vars),
            std::mem::replace(&mut self.exported, exported),
        );
        self.redirs.push(fds.clone());
        self.inputs.push(None);
        let depth = self.redirs.len() - 1;
        let scope = (scope.0, scope.1, self.errexit);
        self.errexit = errexit;
        self.frames.push(Frame {
            code: compile(&node),
            pc: 0,
            fors: vec![],
            positional,
            scope: Some(scope),
            redir_depth: depth,
        });
        self.status = 0;
        Step::Next
    }
}

/// Whether a command reads its standard input (so it consumes the input of
/// an enclosing `while read` loop).
fn reads_stdin(argv: &[String]) -> bool {
    let mut operands = 0;
    let mut skip = false;
    for a in &argv[1..] {
        if skip {
            skip = false;
        } else if ["-n", "-c", "-e", "-m", "-A", "-B", "-C"].contains(&a.as_str()) {
            skip = true;
        } else if !a.starts_with('-') || a == "-" {
            operands += 1;
        }
    }
    match basename(&argv[0]) {
        "cat" | "wc" | "head" | "tail" | "sort" | "uniq" => operands == 0,
        "grep" => operands <= 1,
        "tee" => true,
        "sh" | "bash" | "ash" | "dash" => operands == 0 && !argv.iter().any(|a| a == "-c"),
        _ => false,
    }
}

/// Parses `$((...))` text as a double-quoted word so `$(...)` and `${...}`
/// inside are expanded first.
fn parse_expr_word(src: &str) -> Option<Word> {
    if !src.contains('$') && !src.contains('`') {
        return None;
    }
    let quoted = format!("\"{}\"", src.replace('"', ""));
    match parse::parse(&format!("x {quoted}")).ok()? {
        Node::List(mut v) if v.len() == 1 => match v.pop()? {
            Node::Simple(mut s) if s.words.len() == 2 => s.words.pop(),
            _ => None,
        },
        _ => None,
    }
}

/// `sleep`'s argument: `N`, `N.N`, with optional `s`, `m`, `h`, `d` suffix.
pub(crate) fn parse_duration_ms(a: &str) -> Option<u64> {
    let (num, mult) = match a.chars().last()? {
        's' => (&a[..a.len() - 1], 1000.0),
        'm' => (&a[..a.len() - 1], 60_000.0),
        'h' => (&a[..a.len() - 1], 3_600_000.0),
        'd' => (&a[..a.len() - 1], 86_400_000.0),
        _ => (a, 1000.0),
    };
    let v: f64 = num.parse().ok()?;
    if v.is_nan() || v < 0.0 || !v.is_finite() {
        return None;
    }
    Some((v * mult).round() as u64)
}
