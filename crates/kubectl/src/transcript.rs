//! Transcripts: what a learner would type into a terminal — `kubectl ...`
//! lines, heredocs (`-f - <<EOF`), `sleep N` (s/m/h) advancing virtual time,
//! comments — run against a simulated cluster, printing each command as
//! `$ <command>` and then exactly what the terminal would show. The
//! `kubarium` CLI runs them from files; the web playground runs its shipped
//! scenarios and its terminal lines through the same [`run_step`].

use crate::{Output, Session};
use kubarium_engine::clock::SECOND;

/// Virtual time one command takes in a terminal (process start, discovery,
/// the requests): controllers and kubelets get to react between two
/// commands typed back to back, as they do on a real cluster.
pub const COMMAND_MS: u64 = 100;

/// One step of a transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A command line and the heredoc text fed to its stdin.
    Command { line: String, stdin: Option<String> },
}

/// Parses a transcript. Errors (an unterminated heredoc) name the line.
pub fn parse(text: &str) -> Result<Vec<Step>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let raw = lines[i];
        let line = raw.trim();
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((cmd, marker)) = heredoc_start(line) {
            if marker.is_empty() {
                return Err(format!("line {i}: heredoc without a delimiter"));
            }
            let cmd = cmd.to_string();
            let start = i;
            let mut body = String::new();
            loop {
                if i >= lines.len() {
                    return Err(format!(
                        "line {start}: here-document delimited by end-of-file (wanted `{marker}')"
                    ));
                }
                let l = lines[i];
                i += 1;
                if l.trim() == marker {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            steps.push(Step::Command {
                line: cmd,
                stdin: Some(body),
            });
        } else {
            steps.push(Step::Command {
                line: line.to_string(),
                stdin: None,
            });
        }
    }
    Ok(steps)
}

/// A line that opens a here-document (`kubectl apply -f - <<EOF`): the
/// command before `<<` and the delimiter, the word after it without `<<-`'s
/// dash or quotes, as a shell reads it. `None` without `<<`; an empty
/// delimiter when none follows. The CLI's transcripts and the web
/// terminal's line editor both use it.
pub fn heredoc_start(line: &str) -> Option<(&str, &str)> {
    let pos = line.find("<<")?;
    let marker = line[pos + 2..]
        .trim_start()
        .trim_start_matches('-')
        .split_whitespace()
        .next()
        .unwrap_or("")
        .trim_matches(|c| c == '\'' || c == '"');
    Some((line[..pos].trim_end(), marker))
}

/// Parses `30`, `30s`, `2m`, `1h`, `0.5` as `sleep` does.
pub fn parse_sleep(arg: &str) -> Option<u64> {
    let (num, mult) = match arg.chars().last()? {
        's' => (&arg[..arg.len() - 1], 1.0),
        'm' => (&arg[..arg.len() - 1], 60.0),
        'h' => (&arg[..arg.len() - 1], 3600.0),
        'd' => (&arg[..arg.len() - 1], 86400.0),
        _ => (arg, 1.0),
    };
    let v: f64 = num.parse().ok()?;
    (v >= 0.0).then(|| (v * mult * SECOND as f64).round() as u64)
}

/// Runs one step and returns what it printed: `sleep` advances virtual
/// time, `kubarium ...` is an operator action ([`crate::operator`]), `echo`
/// prints its words, anything else goes to kubectl. Every step but `sleep`
/// then takes [`COMMAND_MS`] of virtual time. The CLI's transcript runner
/// and the web playground's input log both run steps through here, so a
/// transcript means the same in both.
pub fn run_step(session: &mut Session, line: &str, stdin: Option<&str>) -> Output {
    let mut out = Output::default();
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.first().copied() {
        Some("sleep") => match words.get(1).and_then(|a| parse_sleep(a)) {
            Some(ms) => session.sim.advance(ms),
            None => out.fail(format!(
                "sleep: invalid time interval '{}'",
                words.get(1).unwrap_or(&"")
            )),
        },
        Some("kubarium") => {
            let printed = crate::operator::run(&mut session.sim, &words[1..]);
            if printed.starts_with("error: ") || printed == crate::operator::USAGE {
                out.fail(printed);
            } else {
                out.out(printed);
            }
            session.sim.advance(COMMAND_MS);
        }
        Some("echo") => {
            out.out(words[1..].join(" "));
            out.out("\n");
        }
        _ => {
            out = session.run(line, stdin);
            session.sim.advance(COMMAND_MS);
        }
    }
    out
}

/// Runs the steps, returning what the terminal shows.
pub fn run(session: &mut Session, steps: &[Step]) -> String {
    let mut out = String::new();
    for Step::Command { line, stdin } in steps {
        out.push_str(&format!("$ {line}\n"));
        let o = run_step(session, line, stdin.as_deref());
        out.push_str(&o.stdout);
        out.push_str(&o.stderr);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heredoc_delimiter_is_the_word_after_the_arrows() {
        let h = heredoc_start;
        assert_eq!(
            h("kubectl apply -f - <<EOF"),
            Some(("kubectl apply -f -", "EOF"))
        );
        assert_eq!(
            h("kubectl apply -f - << 'END'"),
            Some(("kubectl apply -f -", "END"))
        );
        assert_eq!(h("cat <<-\"X\" > f"), Some(("cat", "X")));
        assert_eq!(h("kubectl apply -f - <<"), Some(("kubectl apply -f -", "")));
        assert_eq!(h("kubectl get pods"), None);
    }

    #[test]
    fn heredocs_become_stdin() {
        let steps = parse("# c\nkubectl apply -f - <<EOF\na: 1\nEOF\nsleep 5\n").unwrap();
        assert_eq!(
            steps,
            vec![
                Step::Command {
                    line: "kubectl apply -f -".into(),
                    stdin: Some("a: 1\n".into())
                },
                Step::Command {
                    line: "sleep 5".into(),
                    stdin: None
                },
            ]
        );
    }

    #[test]
    fn unterminated_heredoc_is_an_error() {
        assert!(parse("kubectl apply -f - <<EOF\na: 1\n").is_err());
    }

    #[test]
    fn sleep_units() {
        assert_eq!(parse_sleep("30"), Some(30_000));
        assert_eq!(parse_sleep("2m"), Some(120_000));
        assert_eq!(parse_sleep("0.5s"), Some(500));
        assert_eq!(parse_sleep("x"), None);
    }
}
