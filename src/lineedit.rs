//! The terminal's line discipline, apart from the browser: lines typed (or
//! pasted) one at a time become commands, with bash-style here-documents
//! (`kubectl apply -f - <<EOF` ... `EOF`) gathered into the command's stdin
//! and `clear` handled by the terminal itself.

/// What a line fed to the terminal amounts to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fed {
    /// Nothing to run (a blank line or a comment).
    Nothing,
    /// The line opened or continued a here-document; more lines are wanted.
    More,
    /// A command to run, with its here-document text if it had one.
    Run {
        /// The command line (without the `<<EOF`).
        line: String,
        /// The here-document's text, each line ending in `\n`.
        stdin: Option<String>,
    },
    /// `clear`: empty the screen.
    Clear,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Heredoc {
    line: String,
    marker: String,
    body: String,
}

/// The line buffer: remembers an open here-document between lines.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineBuffer {
    open: Option<Heredoc>,
}

impl LineBuffer {
    /// Feeds one line (without its newline).
    pub fn feed(&mut self, raw: &str) -> Fed {
        if let Some(doc) = &mut self.open {
            if raw.trim() == doc.marker {
                let doc = self.open.take().expect("open");
                return Fed::Run {
                    line: doc.line,
                    stdin: Some(doc.body),
                };
            }
            doc.body.push_str(raw);
            doc.body.push('\n');
            return Fed::More;
        }
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            return Fed::Nothing;
        }
        if line == "clear" {
            return Fed::Clear;
        }
        if let Some((cmd, marker)) = kubarium_kubectl::transcript::heredoc_start(line) {
            if !marker.is_empty() {
                self.open = Some(Heredoc {
                    line: cmd.to_string(),
                    marker: marker.to_string(),
                    body: String::new(),
                });
                return Fed::More;
            }
        }
        Fed::Run {
            line: line.to_string(),
            stdin: None,
        }
    }

    /// Whether a here-document is open (the prompt shows `>`).
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// The lines gathered so far (the command line, then the body), to show
    /// while a here-document is open.
    pub fn pending(&self) -> Option<String> {
        self.open
            .as_ref()
            .map(|d| format!("{} <<{}\n{}", d.line, d.marker, d.body))
    }

    /// Ctrl-C: drops an open here-document.
    pub fn abort(&mut self) {
        self.open = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heredoc_becomes_the_commands_stdin() {
        let mut b = LineBuffer::default();
        assert_eq!(b.feed("kubectl apply -f - <<EOF"), Fed::More);
        assert!(b.is_open());
        assert_eq!(b.feed("apiVersion: v1"), Fed::More);
        assert_eq!(b.feed("  kind: Pod"), Fed::More);
        assert_eq!(
            b.pending().unwrap(),
            "kubectl apply -f - <<EOF\napiVersion: v1\n  kind: Pod\n"
        );
        assert_eq!(
            b.feed("EOF"),
            Fed::Run {
                line: "kubectl apply -f -".into(),
                stdin: Some("apiVersion: v1\n  kind: Pod\n".into())
            }
        );
        assert!(!b.is_open());
    }

    #[test]
    fn quoted_and_dashed_markers_work_and_blank_lines_stay_in_the_body() {
        let mut b = LineBuffer::default();
        b.feed("kubectl apply -f - <<'END'");
        b.feed("");
        assert_eq!(
            b.feed("END"),
            Fed::Run {
                line: "kubectl apply -f -".into(),
                stdin: Some("\n".into())
            }
        );
        b.feed("cat <<-X");
        assert!(b.is_open());
    }

    #[test]
    fn plain_lines_clear_and_blank_lines() {
        let mut b = LineBuffer::default();
        assert_eq!(b.feed("   "), Fed::Nothing);
        assert_eq!(b.feed("# note"), Fed::Nothing);
        assert_eq!(b.feed(" clear "), Fed::Clear);
        assert_eq!(
            b.feed(" kubectl get pods "),
            Fed::Run {
                line: "kubectl get pods".into(),
                stdin: None
            }
        );
        // `<<` without a marker is not a heredoc.
        assert!(matches!(b.feed("echo a <<"), Fed::Run { .. }));
    }

    #[test]
    fn ctrl_c_drops_an_open_heredoc() {
        let mut b = LineBuffer::default();
        b.feed("kubectl apply -f - <<EOF");
        b.feed("a: 1");
        b.abort();
        assert!(!b.is_open());
        assert_eq!(
            b.feed("EOF"),
            Fed::Run {
                line: "EOF".into(),
                stdin: None
            }
        );
    }
}
