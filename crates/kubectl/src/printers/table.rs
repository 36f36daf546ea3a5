//! Column alignment as kubectl does it: Go's `text/tabwriter` algorithm
//! (column blocks, padding, the last cell of a line never padded), with
//! kubectl's settings for `get` (`k8s.io/cli-runtime/pkg/printers/tabwriter.go`:
//! minwidth 6, tabwidth 4, padding 3, pad ' ') and for `describe`
//! (`tabbedString`: minwidth 0, tabwidth 8, padding 2, pad ' ').

/// Go's `text/tabwriter.Writer` with a space pad character and no flags:
/// text goes in with `\t`-terminated cells, aligned text comes out.
#[derive(Clone, Debug)]
pub struct TabWriter {
    minwidth: usize,
    padding: usize,
    buf: String,
}

impl TabWriter {
    /// A writer with Go's `Init(out, minwidth, tabwidth, padding, ' ', 0)`
    /// (tabwidth only matters for tab padding, which kubectl never uses).
    pub fn new(minwidth: usize, padding: usize) -> TabWriter {
        TabWriter {
            minwidth,
            padding,
            buf: String::new(),
        }
    }

    /// kubectl get's writer (`printers.GetNewTabWriter`).
    pub fn for_get() -> TabWriter {
        TabWriter::new(6, 3)
    }

    /// kubectl describe's writer (`tabbedString`).
    pub fn for_describe() -> TabWriter {
        TabWriter::new(0, 2)
    }

    /// Appends text.
    pub fn write(&mut self, s: &str) {
        self.buf.push_str(s);
    }

    /// Aligns everything written so far and returns it.
    pub fn flush(&mut self) -> String {
        let text = std::mem::take(&mut self.buf);
        let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
        let mut out = String::with_capacity(text.len() * 2);
        let mut widths = Vec::new();
        self.format(&lines, 0, lines.len(), &mut widths, &mut out);
        out
    }

    fn format(
        &self,
        lines: &[Vec<&str>],
        line0: usize,
        line1: usize,
        widths: &mut Vec<usize>,
        out: &mut String,
    ) {
        let column = widths.len();
        let mut line0 = line0;
        let mut this = line0;
        while this < line1 {
            if column + 1 >= lines[this].len() {
                this += 1;
                continue;
            }
            // A cell exists in this column: print the lines before the block.
            Self::write_lines(lines, line0, this, widths, out);
            line0 = this;
            let mut width = self.minwidth;
            while this < line1 {
                let line = &lines[this];
                if column + 1 >= line.len() {
                    break;
                }
                width = width.max(line[column].chars().count() + self.padding);
                this += 1;
            }
            widths.push(width);
            self.format(lines, line0, this, widths, out);
            widths.pop();
            line0 = this;
        }
        Self::write_lines(lines, line0, line1, widths, out);
    }

    fn write_lines(
        lines: &[Vec<&str>],
        line0: usize,
        line1: usize,
        widths: &[usize],
        out: &mut String,
    ) {
        for (i, line) in lines.iter().enumerate().take(line1).skip(line0) {
            for (j, cell) in line.iter().enumerate() {
                out.push_str(cell);
                if j + 1 < line.len() && j < widths.len() {
                    let w = cell.chars().count();
                    out.extend(std::iter::repeat_n(' ', widths[j].saturating_sub(w)));
                }
            }
            if i + 1 < lines.len() {
                out.push('\n');
            }
        }
    }
}

/// Aligns `text` as kubectl describe's tab writer does.
pub fn describe_align(text: &str) -> String {
    let mut w = TabWriter::for_describe();
    w.write(text);
    w.flush()
}

/// A table as `kubectl get` prints it: upper-case headers, one row per
/// object, cells aligned by [`TabWriter::for_get`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column headers, already upper-case (`NAME`, `READY`, ...).
    pub headers: Vec<String>,
    /// Rows of cells, one cell per header.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// True when the table has no rows (kubectl then prints nothing on
    /// stdout and [`no_resources_message`] on stderr).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table's text, header included, each line ending in `\n`.
    pub fn render(&self) -> String {
        self.render_with(true)
    }

    /// The table's text; `headers: false` is `--no-headers`.
    pub fn render_with(&self, headers: bool) -> String {
        let mut text = String::new();
        if headers {
            text.push_str(&self.headers.join("\t"));
            text.push('\n');
        }
        for row in &self.rows {
            let cells: Vec<String> = row.iter().map(|c| cell_text(c)).collect();
            text.push_str(&cells.join("\t"));
            text.push('\n');
        }
        let mut w = TabWriter::for_get();
        w.write(&text);
        w.flush()
    }
}

/// kubectl's table printer truncates a cell at its first line break
/// (`\n`, `\r`, `\f`), appends `...`, and escapes ESC as `^[`
/// (`printers.WriteEscaped`). A tab in a cell is kept, as kubectl keeps it.
fn cell_text(c: &str) -> String {
    match c.find(['\n', '\r', '\x0c']) {
        Some(i) => format!("{}...", c[..i].replace('\x1b', "^[")),
        None => c.replace('\x1b', "^["),
    }
}

/// Renders several tables as one `kubectl get a,b` prints them: one blank
/// line between tables, empty tables skipped.
pub fn render_tables(tables: &[Table]) -> String {
    let mut out = String::new();
    for t in tables.iter().filter(|t| !t.is_empty()) {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&t.render());
    }
    out
}

/// What kubectl prints on **stderr** when `get` finds nothing:
/// `No resources found in <ns> namespace.` when every requested resource is
/// namespaced and `-A` is not set, else `No resources found`.
/// `namespace` is `None` for `-A` or when a cluster-scoped kind was asked for.
pub fn no_resources_message(namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!("No resources found in {ns} namespace.\n"),
        None => "No resources found\n".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_table_pads_columns_by_three_with_minimum_six() {
        let t = Table {
            headers: vec![
                "NAME".into(),
                "READY".into(),
                "STATUS".into(),
                "RESTARTS".into(),
                "AGE".into(),
            ],
            rows: vec![vec![
                "echo-lp".into(),
                "0/1".into(),
                "CrashLoopBackOff".into(),
                "4 (24s ago)".into(),
                "69s".into(),
            ]],
        };
        assert_eq!(
            t.render(),
            "NAME      READY   STATUS             RESTARTS      AGE\n\
             echo-lp   0/1     CrashLoopBackOff   4 (24s ago)   69s\n"
        );
    }

    #[test]
    fn short_columns_get_the_minimum_width() {
        let t = Table {
            headers: vec!["A".into(), "B".into()],
            rows: vec![vec!["x".into(), "y".into()]],
        };
        assert_eq!(t.render(), "A     B\nx     y\n");
    }

    #[test]
    fn multi_line_cells_are_cut_with_an_ellipsis() {
        assert_eq!(cell_text("a\nb"), "a...");
    }

    #[test]
    fn lines_without_tabs_end_a_column_block() {
        let text = "Name:\tnginx\nNamespace:\tdefault\nIPs:\n  IP:\t10.0.0.1\nEvents:\t<none>\n";
        assert_eq!(
            describe_align(text),
            "Name:       nginx\nNamespace:  default\nIPs:\n  IP:    10.0.0.1\nEvents:  <none>\n"
        );
    }

    #[test]
    fn empty_cells_are_padded_too() {
        let text = "Labels:\ta=b\n\tc=d\nStatus:\tRunning\n";
        assert_eq!(
            describe_align(text),
            "Labels:  a=b\n         c=d\nStatus:  Running\n"
        );
    }

    #[test]
    fn messages_for_nothing_found() {
        assert_eq!(
            no_resources_message(Some("default")),
            "No resources found in default namespace.\n"
        );
        assert_eq!(no_resources_message(None), "No resources found\n");
    }
}
