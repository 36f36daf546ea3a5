//! Lexer and parser of the small shell: POSIX `sh` grammar minus
//! here-documents and functions. Errors use busybox ash's wording.

/// One piece of a word.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Literal text; `quoted` text is never field-split.
    Lit {
        /// The text.
        text: String,
        /// Whether it came from quotes or a backslash escape.
        quoted: bool,
    },
    /// `$name`, `${name}`, `${name:-word}` and friends.
    Param {
        /// The parameter name (`HOME`, `?`, `1`, `@`).
        name: String,
        /// A modifier: (operator such as `:-`, `-`, `:=`, `:+`, `#`(length), word).
        modifier: Option<(String, Vec<Part>)>,
        /// Inside double quotes.
        quoted: bool,
    },
    /// `$(...)` or backticks (source text, parsed when expanded).
    CmdSub {
        /// The script.
        src: String,
        /// Inside double quotes.
        quoted: bool,
    },
    /// `$((...))` (expression text).
    Arith {
        /// The expression.
        src: String,
        /// Inside double quotes.
        quoted: bool,
    },
}

/// A shell word: parts concatenated.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Word {
    /// The parts.
    pub parts: Vec<Part>,
}

impl Word {
    /// The word's text when it is entirely unquoted literal text.
    pub fn plain(&self) -> Option<String> {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Part::Lit {
                    text,
                    quoted: false,
                } => s.push_str(text),
                _ => return None,
            }
        }
        Some(s)
    }

    /// A word that is the literal `s` (quoted: never split or expanded).
    pub fn literal(s: &str) -> Word {
        Word {
            parts: vec![Part::Lit {
                text: s.to_string(),
                quoted: true,
            }],
        }
    }
}

/// A redirection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redir {
    /// The file descriptor redirected (0, 1, 2).
    pub fd: u32,
    /// `>`, `>>`, `<`, `>&`, `<&`.
    pub op: String,
    /// The file (or fd number for `>&`).
    pub target: Word,
}

/// A simple command.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Simple {
    /// `NAME=value` prefixes.
    pub assigns: Vec<(String, Word)>,
    /// The command words.
    pub words: Vec<Word>,
    /// Redirections.
    pub redirs: Vec<Redir>,
}

/// `&&` or `||`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AndOr {
    /// `&&`
    And,
    /// `||`
    Or,
}

/// A parsed command tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A simple command.
    Simple(Simple),
    /// `[!] a | b | c`.
    Pipeline {
        /// Leading `!`.
        bang: bool,
        /// The commands (one or more).
        cmds: Vec<Node>,
    },
    /// `a && b || c`.
    AndOr {
        /// The first pipeline.
        first: Box<Node>,
        /// The rest.
        rest: Vec<(AndOr, Node)>,
    },
    /// `a; b; c`.
    List(Vec<Node>),
    /// `if c; then b; elif c; then b; else b; fi`.
    If {
        /// (condition, body) pairs.
        branches: Vec<(Node, Node)>,
        /// The else body.
        otherwise: Option<Box<Node>>,
    },
    /// `while`/`until c; do b; done`.
    Loop {
        /// `until` rather than `while`.
        until: bool,
        /// The condition.
        cond: Box<Node>,
        /// The body.
        body: Box<Node>,
    },
    /// `for v in words; do b; done`.
    For {
        /// The variable.
        var: String,
        /// The words (`None`: positional parameters).
        words: Option<Vec<Word>>,
        /// The body.
        body: Box<Node>,
    },
    /// `{ ...; }` or `( ... )` with redirections.
    Group {
        /// The body.
        body: Box<Node>,
        /// `( ... )` (variable changes do not leak out).
        subshell: bool,
        /// Redirections applied to the whole group.
        redirs: Vec<Redir>,
    },
    /// `case word in pat|pat) list ;; ... esac`.
    Case {
        /// The subject.
        word: Word,
        /// (patterns, body) arms.
        arms: Vec<(Vec<Word>, Node)>,
    },
    /// A compound command with redirections (`while ...; done > f`).
    Redirected {
        /// The command.
        body: Box<Node>,
        /// The redirections.
        redirs: Vec<Redir>,
    },
}

/// A syntax error; `Display` gives busybox's text after `sh: `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError(pub String);

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "syntax error: {}", self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(Word),
    Op(&'static str),
    Redir(u32, &'static str),
    Newline,
}

fn is_meta(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\n' | ';' | '&' | '|' | '(' | ')' | '<' | '>'
    )
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Whether `s` is a valid variable name.
pub fn is_name(s: &str) -> bool {
    let mut cs = s.chars();
    cs.next().is_some_and(is_name_start) && cs.all(is_name_char)
}

fn unterminated() -> SyntaxError {
    SyntaxError("unterminated quoted string".into())
}

/// How deeply constructs may nest (guards the stack, which is small in WASM).
const MAX_DEPTH: usize = 100;

fn too_deep() -> SyntaxError {
    SyntaxError("too deeply nested".into())
}

struct Lexer {
    cs: Vec<char>,
    i: usize,
    depth: usize,
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.cs.get(self.i).copied()
    }
    fn peek_at(&self, k: usize) -> Option<char> {
        self.cs.get(self.i + k).copied()
    }

    fn tokens(mut self) -> Result<Vec<Tok>, SyntaxError> {
        let mut out = Vec::new();
        loop {
            while let Some(c) = self.peek() {
                if c == ' ' || c == '\t' || c == '\r' {
                    self.i += 1;
                } else if c == '\\' && self.peek_at(1) == Some('\n') {
                    self.i += 2;
                } else if c == '#' {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.i += 1;
                    }
                } else {
                    break;
                }
            }
            let Some(c) = self.peek() else { break };
            let two: String = self.cs[self.i..(self.i + 2).min(self.cs.len())]
                .iter()
                .collect();
            let op: Option<(&'static str, usize)> = match two.as_str() {
                "&&" => Some(("&&", 2)),
                "||" => Some(("||", 2)),
                ";;" => Some((";;", 2)),
                _ => match c {
                    ';' => Some((";", 1)),
                    '&' => Some(("&", 1)),
                    '|' => Some(("|", 1)),
                    '(' => Some(("(", 1)),
                    ')' => Some((")", 1)),
                    _ => None,
                },
            };
            if c == '\n' {
                self.i += 1;
                out.push(Tok::Newline);
                continue;
            }
            if let Some((op, n)) = op {
                self.i += n;
                out.push(Tok::Op(op));
                continue;
            }
            if c == '<' || c == '>' {
                let fd = if c == '<' { 0 } else { 1 };
                out.push(self.redir(fd)?);
                continue;
            }
            // An all-digit word directly followed by a redirection is an fd.
            let mut j = self.i;
            while self.cs.get(j).is_some_and(|c| c.is_ascii_digit()) {
                j += 1;
            }
            if j > self.i && matches!(self.cs.get(j), Some('<' | '>')) {
                let fd: u32 = self.cs[self.i..j]
                    .iter()
                    .collect::<String>()
                    .parse()
                    .unwrap_or(1);
                self.i = j;
                out.push(self.redir(fd)?);
                continue;
            }
            out.push(Tok::Word(self.word()?));
        }
        Ok(out)
    }

    fn redir(&mut self, fd: u32) -> Result<Tok, SyntaxError> {
        let c = self.peek().unwrap_or('>');
        self.i += 1;
        let next = self.peek();
        let op = match (c, next) {
            ('>', Some('>')) => {
                self.i += 1;
                ">>"
            }
            ('>', Some('&')) => {
                self.i += 1;
                ">&"
            }
            ('>', Some('|')) => {
                self.i += 1;
                ">"
            }
            ('<', Some('&')) => {
                self.i += 1;
                "<&"
            }
            ('<', Some('<')) => {
                return Err(SyntaxError("here-documents are not supported".into()));
            }
            ('>', _) => ">",
            _ => "<",
        };
        Ok(Tok::Redir(fd, op))
    }

    fn word(&mut self) -> Result<Word, SyntaxError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        let flush = |lit: &mut String, parts: &mut Vec<Part>| {
            if !lit.is_empty() {
                parts.push(Part::Lit {
                    text: std::mem::take(lit),
                    quoted: false,
                });
            }
        };
        while let Some(c) = self.peek() {
            if is_meta(c) {
                break;
            }
            match c {
                '\'' => {
                    flush(&mut lit, &mut parts);
                    self.i += 1;
                    let mut s = String::new();
                    loop {
                        match self.peek() {
                            None => return Err(unterminated()),
                            Some('\'') => break,
                            Some(c) => s.push(c),
                        }
                        self.i += 1;
                    }
                    self.i += 1;
                    parts.push(Part::Lit {
                        text: s,
                        quoted: true,
                    });
                }
                '"' => {
                    flush(&mut lit, &mut parts);
                    self.i += 1;
                    self.double_quoted(&mut parts)?;
                }
                '\\' => {
                    flush(&mut lit, &mut parts);
                    self.i += 1;
                    match self.peek() {
                        Some('\n') => self.i += 1,
                        Some(c) => {
                            self.i += 1;
                            parts.push(Part::Lit {
                                text: c.to_string(),
                                quoted: true,
                            });
                        }
                        None => {}
                    }
                }
                '$' => {
                    flush(&mut lit, &mut parts);
                    self.dollar(&mut parts, false)?;
                }
                '`' => {
                    flush(&mut lit, &mut parts);
                    let src = self.backtick()?;
                    parts.push(Part::CmdSub { src, quoted: false });
                }
                c => {
                    lit.push(c);
                    self.i += 1;
                }
            }
        }
        flush(&mut lit, &mut parts);
        Ok(Word { parts })
    }

    fn double_quoted(&mut self, parts: &mut Vec<Part>) -> Result<(), SyntaxError> {
        let mut lit = String::new();
        let start = parts.len();
        let push_lit = |lit: &mut String, parts: &mut Vec<Part>| {
            if !lit.is_empty() {
                parts.push(Part::Lit {
                    text: std::mem::take(lit),
                    quoted: true,
                });
            }
        };
        loop {
            match self.peek() {
                None => return Err(unterminated()),
                Some('"') => {
                    self.i += 1;
                    push_lit(&mut lit, parts);
                    // An empty "" still yields a (quoted, empty) field.
                    if parts.len() == start {
                        parts.push(Part::Lit {
                            text: String::new(),
                            quoted: true,
                        });
                    }
                    return Ok(());
                }
                Some('\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(c @ ('$' | '`' | '"' | '\\')) => {
                            lit.push(c);
                            self.i += 1;
                        }
                        Some('\n') => self.i += 1,
                        _ => lit.push('\\'),
                    }
                }
                Some('$') => {
                    push_lit(&mut lit, parts);
                    self.dollar(parts, true)?;
                }
                Some('`') => {
                    push_lit(&mut lit, parts);
                    let src = self.backtick()?;
                    parts.push(Part::CmdSub { src, quoted: true });
                }
                Some(c) => {
                    lit.push(c);
                    self.i += 1;
                }
            }
        }
    }

    fn backtick(&mut self) -> Result<String, SyntaxError> {
        self.i += 1;
        let mut s = String::new();
        loop {
            match self.peek() {
                None => return Err(unterminated()),
                Some('`') => {
                    self.i += 1;
                    return Ok(s);
                }
                Some('\\') if matches!(self.peek_at(1), Some('`' | '\\' | '$')) => {
                    s.push(self.peek_at(1).unwrap_or('\\'));
                    self.i += 2;
                }
                Some(c) => {
                    s.push(c);
                    self.i += 1;
                }
            }
        }
    }

    /// Text up to the `)` matching an already-consumed `(`, skipping quotes.
    fn balanced(&mut self) -> Result<String, SyntaxError> {
        let mut depth = 1;
        let start = self.i;
        while let Some(c) = self.peek() {
            match c {
                '\'' => {
                    self.i += 1;
                    while self.peek().is_some_and(|c| c != '\'') {
                        self.i += 1;
                    }
                }
                '"' => {
                    self.i += 1;
                    while let Some(c) = self.peek() {
                        if c == '\\' {
                            self.i += 1;
                        } else if c == '"' {
                            break;
                        }
                        self.i += 1;
                    }
                }
                '\\' => self.i += 1,
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        let s: String = self.cs[start..self.i].iter().collect();
                        self.i += 1;
                        return Ok(s);
                    }
                }
                _ => {}
            }
            self.i += 1;
        }
        Err(SyntaxError(
            "unexpected end of file (expecting \")\")".into(),
        ))
    }

    fn dollar(&mut self, parts: &mut Vec<Part>, quoted: bool) -> Result<(), SyntaxError> {
        self.i += 1; // '$'
        match self.peek() {
            Some('(') if self.peek_at(1) == Some('(') => {
                self.i += 2;
                let src = self.balanced()?;
                if self.peek() == Some(')') {
                    self.i += 1;
                }
                parts.push(Part::Arith { src, quoted });
            }
            Some('(') => {
                self.i += 1;
                let src = self.balanced()?;
                parts.push(Part::CmdSub { src, quoted });
            }
            Some('{') => {
                self.i += 1;
                let mut name = String::new();
                let mut length = false;
                if self.peek() == Some('#') && self.peek_at(1).is_some_and(|c| c != '}') {
                    length = true;
                    self.i += 1;
                }
                while let Some(c) = self.peek() {
                    if is_name_char(c) || (name.is_empty() && "?#$!@*-".contains(c)) {
                        name.push(c);
                        self.i += 1;
                        if !is_name_char(c) {
                            break;
                        }
                    } else {
                        break;
                    }
                }
                if name.is_empty() {
                    return Err(SyntaxError("bad substitution".into()));
                }
                let mut modifier = None;
                if length {
                    modifier = Some(("#".to_string(), vec![]));
                } else if self.peek() != Some('}') {
                    let mut op = String::new();
                    if self.peek() == Some(':') {
                        op.push(':');
                        self.i += 1;
                    }
                    match self.peek() {
                        Some(c @ ('-' | '=' | '+' | '?')) => {
                            op.push(c);
                            self.i += 1;
                        }
                        _ => return Err(SyntaxError("bad substitution".into())),
                    }
                    // The word runs to the matching '}'.
                    let mut depth = 1;
                    let start = self.i;
                    while let Some(c) = self.peek() {
                        if c == '{' {
                            depth += 1;
                        } else if c == '}' {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                        }
                        self.i += 1;
                    }
                    let text: String = self.cs[start..self.i].iter().collect();
                    if self.depth >= MAX_DEPTH {
                        return Err(too_deep());
                    }
                    let mut sub = Lexer {
                        cs: text.chars().collect(),
                        i: 0,
                        depth: self.depth + 1,
                    };
                    let mut wparts = Vec::new();
                    if quoted {
                        sub.cs.push('"');
                        sub.double_quoted(&mut wparts)?;
                    } else {
                        // Spaces are literal inside ${x:-a b}.
                        let w = sub.word_with_spaces()?;
                        wparts = w.parts;
                    }
                    modifier = Some((op, wparts));
                }
                if self.peek() != Some('}') {
                    return Err(SyntaxError("bad substitution".into()));
                }
                self.i += 1;
                parts.push(Part::Param {
                    name,
                    modifier,
                    quoted,
                });
            }
            Some(c) if is_name_start(c) => {
                let mut name = String::new();
                while let Some(c) = self.peek().filter(|c| is_name_char(*c)) {
                    name.push(c);
                    self.i += 1;
                }
                parts.push(Part::Param {
                    name,
                    modifier: None,
                    quoted,
                });
            }
            Some(c) if c.is_ascii_digit() || "?#$!@*-".contains(c) => {
                self.i += 1;
                parts.push(Part::Param {
                    name: c.to_string(),
                    modifier: None,
                    quoted,
                });
            }
            _ => parts.push(Part::Lit {
                text: "$".into(),
                quoted,
            }),
        }
        Ok(())
    }

    fn word_with_spaces(&mut self) -> Result<Word, SyntaxError> {
        let mut parts = Vec::new();
        while self.peek().is_some() {
            if let Some(c) = self.peek().filter(|c| is_meta(*c)) {
                parts.push(Part::Lit {
                    text: c.to_string(),
                    quoted: false,
                });
                self.i += 1;
                continue;
            }
            parts.extend(self.word()?.parts);
        }
        Ok(Word { parts })
    }
}

struct Parser {
    toks: Vec<Tok>,
    i: usize,
    depth: usize,
}

const RESERVED: &[&str] = &[
    "if", "then", "elif", "else", "fi", "while", "until", "do", "done", "for", "in", "{", "}", "!",
    "case", "esac",
];

fn describe(t: Option<&Tok>) -> String {
    match t {
        None => "end of file".into(),
        Some(Tok::Newline) => "newline".into(),
        Some(Tok::Op(o)) => format!("\"{o}\""),
        Some(Tok::Redir(_, o)) => format!("\"{o}\""),
        Some(Tok::Word(w)) => format!("\"{}\"", w.plain().unwrap_or_default()),
    }
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i)
    }

    fn reserved(&self) -> Option<String> {
        match self.peek() {
            Some(Tok::Word(w)) => w.plain().filter(|p| RESERVED.contains(&p.as_str())),
            _ => None,
        }
    }

    fn unexpected(&self, expecting: Option<&str>) -> SyntaxError {
        match (self.peek(), expecting) {
            (None, Some(e)) => SyntaxError(format!("unexpected end of file (expecting \"{e}\")")),
            (t, _) => SyntaxError(format!("unexpected {}", describe(t))),
        }
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Newline) {
            self.i += 1;
        }
    }

    fn expect_word(&mut self, w: &str) -> Result<(), SyntaxError> {
        self.skip_newlines();
        if self.reserved().as_deref() == Some(w) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.unexpected(Some(w)))
        }
    }

    /// A list up to EOF, `)` or one of `stops` at command position.
    fn list(&mut self, stops: &[&str], expecting: Option<&str>) -> Result<Node, SyntaxError> {
        let mut items = Vec::new();
        loop {
            self.skip_newlines();
            match self.peek() {
                None => break,
                Some(Tok::Op(")" | ";;")) => break,
                _ => {}
            }
            if let Some(r) = self.reserved() {
                if stops.contains(&r.as_str()) {
                    break;
                }
            }
            items.push(self.and_or(expecting)?);
            match self.peek() {
                Some(Tok::Op(";" | "&")) | Some(Tok::Newline) => self.i += 1,
                None | Some(Tok::Op(")" | ";;")) => {}
                _ => {
                    if let Some(r) = self.reserved() {
                        if stops.contains(&r.as_str()) {
                            continue;
                        }
                    }
                    return Err(self.unexpected(expecting));
                }
            }
        }
        Ok(Node::List(items))
    }

    fn nonempty(&mut self, stops: &[&str], expecting: Option<&str>) -> Result<Node, SyntaxError> {
        let n = self.list(stops, expecting)?;
        if matches!(&n, Node::List(v) if v.is_empty()) {
            return Err(self.unexpected(expecting));
        }
        Ok(n)
    }

    fn and_or(&mut self, expecting: Option<&str>) -> Result<Node, SyntaxError> {
        let first = self.pipeline(expecting)?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Some(Tok::Op("&&")) => AndOr::And,
                Some(Tok::Op("||")) => AndOr::Or,
                _ => break,
            };
            self.i += 1;
            self.skip_newlines();
            rest.push((op, self.pipeline(expecting)?));
        }
        if rest.is_empty() {
            Ok(first)
        } else {
            Ok(Node::AndOr {
                first: Box::new(first),
                rest,
            })
        }
    }

    fn pipeline(&mut self, expecting: Option<&str>) -> Result<Node, SyntaxError> {
        let mut bang = false;
        if self.reserved().as_deref() == Some("!") {
            bang = true;
            self.i += 1;
        }
        let mut cmds = vec![self.command(expecting)?];
        while self.peek() == Some(&Tok::Op("|")) {
            self.i += 1;
            self.skip_newlines();
            cmds.push(self.command(expecting)?);
        }
        if !bang && cmds.len() == 1 {
            return Ok(cmds.pop().unwrap_or(Node::List(vec![])));
        }
        Ok(Node::Pipeline { bang, cmds })
    }

    fn redirs(&mut self) -> Result<Vec<Redir>, SyntaxError> {
        let mut v = Vec::new();
        while let Some(Tok::Redir(fd, op)) = self.peek().cloned() {
            self.i += 1;
            match self.peek().cloned() {
                Some(Tok::Word(w)) => {
                    self.i += 1;
                    v.push(Redir {
                        fd,
                        op: op.to_string(),
                        target: w,
                    });
                }
                _ => return Err(self.unexpected(None)),
            }
        }
        Ok(v)
    }

    fn wrap(&mut self, node: Node) -> Result<Node, SyntaxError> {
        let redirs = self.redirs()?;
        if redirs.is_empty() {
            Ok(node)
        } else {
            Ok(Node::Redirected {
                body: Box::new(node),
                redirs,
            })
        }
    }

    fn command(&mut self, expecting: Option<&str>) -> Result<Node, SyntaxError> {
        if self.depth >= MAX_DEPTH {
            return Err(too_deep());
        }
        self.depth += 1;
        let r = self.command_inner(expecting);
        self.depth -= 1;
        r
    }

    fn command_inner(&mut self, expecting: Option<&str>) -> Result<Node, SyntaxError> {
        if let Some(r) = self.reserved() {
            match r.as_str() {
                "if" => {
                    self.i += 1;
                    let mut branches = Vec::new();
                    let mut otherwise = None;
                    loop {
                        let cond = self.nonempty(&["then"], Some("then"))?;
                        self.expect_word("then")?;
                        let body = self.nonempty(&["elif", "else", "fi"], Some("fi"))?;
                        branches.push((cond, body));
                        match self.reserved().as_deref() {
                            Some("elif") => {
                                self.i += 1;
                            }
                            Some("else") => {
                                self.i += 1;
                                otherwise = Some(Box::new(self.nonempty(&["fi"], Some("fi"))?));
                                self.expect_word("fi")?;
                                break;
                            }
                            _ => {
                                self.expect_word("fi")?;
                                break;
                            }
                        }
                    }
                    let n = Node::If {
                        branches,
                        otherwise,
                    };
                    return self.wrap(n);
                }
                "while" | "until" => {
                    self.i += 1;
                    let cond = self.nonempty(&["do"], Some("do"))?;
                    self.expect_word("do")?;
                    let body = self.nonempty(&["done"], Some("done"))?;
                    self.expect_word("done")?;
                    let n = Node::Loop {
                        until: r == "until",
                        cond: Box::new(cond),
                        body: Box::new(body),
                    };
                    return self.wrap(n);
                }
                "for" => {
                    self.i += 1;
                    let var = match self.peek() {
                        Some(Tok::Word(w)) => w.plain().filter(|s| is_name(s)),
                        _ => None,
                    };
                    let Some(var) = var else {
                        return Err(SyntaxError("bad for loop variable".into()));
                    };
                    self.i += 1;
                    self.skip_newlines();
                    let mut words = None;
                    if self.reserved().as_deref() == Some("in") {
                        self.i += 1;
                        let mut ws = Vec::new();
                        while let Some(Tok::Word(w)) = self.peek().cloned() {
                            self.i += 1;
                            ws.push(w);
                        }
                        match self.peek() {
                            Some(Tok::Op(";")) | Some(Tok::Newline) => self.i += 1,
                            _ => return Err(self.unexpected(Some("do"))),
                        }
                        words = Some(ws);
                    } else if self.peek() == Some(&Tok::Op(";")) {
                        self.i += 1;
                    }
                    self.expect_word("do")?;
                    let body = self.nonempty(&["done"], Some("done"))?;
                    self.expect_word("done")?;
                    let n = Node::For {
                        var,
                        words,
                        body: Box::new(body),
                    };
                    return self.wrap(n);
                }
                "{" => {
                    self.i += 1;
                    let body = self.nonempty(&["}"], Some("}"))?;
                    self.expect_word("}")?;
                    let redirs = self.redirs()?;
                    return Ok(Node::Group {
                        body: Box::new(body),
                        subshell: false,
                        redirs,
                    });
                }
                "case" => {
                    self.i += 1;
                    let Some(Tok::Word(word)) = self.peek().cloned() else {
                        return Err(self.unexpected(Some("in")));
                    };
                    self.i += 1;
                    self.expect_word("in")?;
                    let mut arms = Vec::new();
                    loop {
                        self.skip_newlines();
                        if self.reserved().as_deref() == Some("esac") {
                            self.i += 1;
                            break;
                        }
                        if self.peek() == Some(&Tok::Op("(")) {
                            self.i += 1;
                        }
                        let mut patterns = Vec::new();
                        loop {
                            match self.peek().cloned() {
                                Some(Tok::Word(w)) => {
                                    self.i += 1;
                                    patterns.push(w);
                                }
                                _ => return Err(self.unexpected(Some("esac"))),
                            }
                            match self.peek() {
                                Some(Tok::Op("|")) => self.i += 1,
                                Some(Tok::Op(")")) => {
                                    self.i += 1;
                                    break;
                                }
                                _ => return Err(self.unexpected(Some(")"))),
                            }
                        }
                        let body = self.list(&["esac"], Some("esac"))?;
                        arms.push((patterns, body));
                        match self.peek() {
                            Some(Tok::Op(";;")) => self.i += 1,
                            _ => {
                                self.skip_newlines();
                                if self.reserved().as_deref() != Some("esac") {
                                    return Err(self.unexpected(Some("esac")));
                                }
                            }
                        }
                    }
                    let n = Node::Case { word, arms };
                    return self.wrap(n);
                }
                _ => return Err(self.unexpected(expecting)),
            }
        }
        if self.peek() == Some(&Tok::Op("(")) {
            self.i += 1;
            let body = self.nonempty(&[], Some(")"))?;
            if self.peek() != Some(&Tok::Op(")")) {
                return Err(self.unexpected(Some(")")));
            }
            self.i += 1;
            let redirs = self.redirs()?;
            return Ok(Node::Group {
                body: Box::new(body),
                subshell: true,
                redirs,
            });
        }
        let mut s = Simple::default();
        loop {
            match self.peek().cloned() {
                Some(Tok::Redir(..)) => s.redirs.extend(self.redirs()?),
                Some(Tok::Word(w)) => {
                    if s.words.is_empty() {
                        if let Some((name, value)) = split_assignment(&w) {
                            s.assigns.push((name, value));
                            self.i += 1;
                            continue;
                        }
                    }
                    self.i += 1;
                    s.words.push(w);
                }
                Some(Tok::Op("(")) if s.words.len() == 1 => {
                    return Err(SyntaxError("functions are not supported".into()));
                }
                _ => break,
            }
        }
        if s.words.is_empty() && s.assigns.is_empty() && s.redirs.is_empty() {
            return Err(self.unexpected(expecting));
        }
        Ok(Node::Simple(s))
    }
}

fn split_assignment(w: &Word) -> Option<(String, Word)> {
    let Some(Part::Lit {
        text,
        quoted: false,
    }) = w.parts.first()
    else {
        return None;
    };
    let (name, rest) = text.split_once('=')?;
    if !is_name(name) {
        return None;
    }
    let mut parts = Vec::new();
    if !rest.is_empty() {
        parts.push(Part::Lit {
            text: rest.to_string(),
            quoted: false,
        });
    }
    parts.extend(w.parts[1..].iter().cloned());
    Some((name.to_string(), Word { parts }))
}

/// Parses a script.
pub fn parse(src: &str) -> Result<Node, SyntaxError> {
    let toks = Lexer {
        cs: src.chars().collect(),
        i: 0,
        depth: 0,
    }
    .tokens()?;
    let mut p = Parser {
        toks,
        i: 0,
        depth: 0,
    };
    let node = p.list(&[], None)?;
    if p.i < p.toks.len() {
        return Err(p.unexpected(None));
    }
    Ok(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unterminated_loop_expects_done() {
        assert_eq!(
            parse("while true; do echo").unwrap_err().to_string(),
            "syntax error: unexpected end of file (expecting \"done\")"
        );
    }

    #[test]
    fn deep_nesting_is_a_syntax_error_not_a_stack_overflow() {
        let src = format!("{}true{}", "( ".repeat(5000), " )".repeat(5000));
        assert_eq!(parse(&src).unwrap_err().0, "too deeply nested");
        let src = format!("echo {}x{}", "${a:-".repeat(5000), "}".repeat(5000));
        assert!(parse(&src).is_err());
    }

    #[test]
    fn case_arms_parse_with_alternatives() {
        let n = parse("case $x in a|b) echo ab;; *) echo other;; esac").unwrap();
        let Node::List(v) = n else { panic!() };
        let Node::Case { arms, .. } = &v[0] else {
            panic!()
        };
        assert_eq!(arms.len(), 2);
        assert_eq!(arms[0].0.len(), 2);
    }

    #[test]
    fn stray_fi_is_unexpected() {
        assert_eq!(
            parse("fi").unwrap_err().to_string(),
            "syntax error: unexpected \"fi\""
        );
        assert_eq!(
            parse("echo 'abc").unwrap_err().to_string(),
            "syntax error: unterminated quoted string"
        );
    }

    #[test]
    fn reserved_words_are_plain_arguments_after_the_command_name() {
        let n = parse("echo done fi").unwrap();
        let Node::List(v) = n else { panic!() };
        let Node::Simple(s) = &v[0] else { panic!() };
        assert_eq!(s.words.len(), 3);
    }

    #[test]
    fn redirection_with_fd_duplication_parses() {
        let n = parse("echo hi > /tmp/x 2>&1").unwrap();
        let Node::List(v) = n else { panic!() };
        let Node::Simple(s) = &v[0] else { panic!() };
        assert_eq!(s.redirs.len(), 2);
        assert_eq!(s.redirs[1].fd, 2);
        assert_eq!(s.redirs[1].op, ">&");
    }
}
