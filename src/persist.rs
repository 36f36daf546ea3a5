//! What the playground keeps in browser storage between visits: the
//! session's input log, the editor's text and the layout. Stored as one
//! versioned JSON value under [`STORAGE_KEY`]; anything unreadable is
//! reported (the app shows a notice and starts fresh), never a panic.

use serde::{Deserialize, Serialize};

use crate::session::{InputLog, ReplayError};

/// The `localStorage` key.
pub const STORAGE_KEY: &str = "kubarium.session.v1";
/// Format version stored in the value.
pub const VERSION: u32 = 1;
/// The largest stored value read back (characters).
pub const MAX_STORED: usize = 4 * 1024 * 1024;

/// The panels the layout can show on the left (views) and right (tools).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Panel {
    /// Nodes and pods.
    #[default]
    Cluster,
    /// The trace timeline. Stored as `flow` before it was named for what
    /// it shows; such layouts still read.
    #[serde(alias = "flow")]
    Timeline,
    /// Events and the trace timeline.
    Events,
    /// Deployments, rollouts.
    Workloads,
    /// Services (networking work).
    Services,
    /// Ingress (networking work).
    Ingress,
    /// Volumes (storage work).
    Volumes,
    /// The kubectl terminal.
    Terminal,
    /// The YAML editor.
    Editor,
}

impl Panel {
    /// Every panel, in navigation order.
    pub const ALL: [Panel; 9] = [
        Panel::Cluster,
        Panel::Timeline,
        Panel::Events,
        Panel::Workloads,
        Panel::Services,
        Panel::Ingress,
        Panel::Volumes,
        Panel::Terminal,
        Panel::Editor,
    ];

    /// Whether this panel is a tool (right column) rather than a view.
    pub fn is_tool(self) -> bool {
        matches!(self, Panel::Terminal | Panel::Editor)
    }

    /// The name used in URLs (`panels=terminal,cluster`) and storage.
    pub fn id(self) -> &'static str {
        match self {
            Panel::Cluster => "cluster",
            Panel::Timeline => "timeline",
            Panel::Events => "events",
            Panel::Workloads => "workloads",
            Panel::Services => "services",
            Panel::Ingress => "ingress",
            Panel::Volumes => "volumes",
            Panel::Terminal => "terminal",
            Panel::Editor => "editor",
        }
    }

    /// The panel named `id`.
    pub fn from_id(id: &str) -> Option<Panel> {
        Panel::ALL.into_iter().find(|p| p.id() == id.trim())
    }
}

/// Which panels are showing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// The view in the left (or only) column.
    pub view: Panel,
    /// The tool in the right column.
    pub tool: Panel,
    /// Which of the two is shown on a narrow screen.
    pub focus: Panel,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            view: Panel::Cluster,
            tool: Panel::Terminal,
            focus: Panel::Terminal,
        }
    }
}

impl Layout {
    /// Shows `panel` in its column and focuses it.
    pub fn select(&mut self, panel: Panel) {
        if panel.is_tool() {
            self.tool = panel;
        } else {
            self.view = panel;
        }
        self.focus = panel;
    }
}

/// Everything kept between visits.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    /// Format version ([`VERSION`]).
    pub version: u32,
    /// The session.
    pub log: InputLog,
    /// The editor's text.
    pub editor: String,
    /// The layout.
    #[serde(default)]
    pub layout: Layout,
}

/// Why stored data was not restored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RestoreError {
    /// Larger than [`MAX_STORED`].
    TooLarge,
    /// Not JSON of the right shape.
    Unreadable(String),
    /// A newer or unknown format.
    Version(u32),
    /// The log is out of bounds.
    Replay(ReplayError),
}

impl std::fmt::Display for RestoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::i18n::{fill, strings};
        let t = &strings().storage_errors;
        match self {
            RestoreError::TooLarge => f.write_str(t.too_large),
            RestoreError::Unreadable(e) => f.write_str(&fill(t.unreadable, &[("why", e)])),
            RestoreError::Version(v) => f.write_str(&fill(t.version, &[("version", v)])),
            RestoreError::Replay(e) => write!(f, "{e}"),
        }
    }
}

/// The stored form.
pub fn to_json(saved: &Saved) -> String {
    serde_json::to_string(saved).expect("a session serializes")
}

/// Reads the stored form back, checking the log's bounds.
pub fn from_json(text: &str) -> Result<Saved, RestoreError> {
    if text.len() > MAX_STORED {
        return Err(RestoreError::TooLarge);
    }
    let saved: Saved =
        serde_json::from_str(text).map_err(|e| RestoreError::Unreadable(e.to_string()))?;
    if saved.version != VERSION {
        return Err(RestoreError::Version(saved.version));
    }
    saved.log.check().map_err(RestoreError::Replay)?;
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Live;

    fn saved() -> Saved {
        let mut live = Live::fresh(3, 2);
        live.input("kubectl run web --image=nginx", None);
        live.advance(2_500);
        Saved {
            version: VERSION,
            log: live.log,
            editor: "apiVersion: v1\nkind: Pod\n# ünïcode ✓\n".into(),
            layout: Layout {
                view: Panel::Events,
                tool: Panel::Editor,
                focus: Panel::Editor,
            },
        }
    }

    #[test]
    fn a_saved_session_round_trips() {
        let s = saved();
        assert_eq!(from_json(&to_json(&s)).unwrap(), s);
    }

    #[test]
    fn corrupt_storage_is_an_error_not_a_panic() {
        for bad in ["", "{", "null", "[]", "{\"version\":1}", "\u{0}garbage"] {
            assert!(
                matches!(from_json(bad), Err(RestoreError::Unreadable(_))),
                "{bad:?}"
            );
        }
        let mut s = saved();
        s.version = 99;
        assert_eq!(from_json(&to_json(&s)), Err(RestoreError::Version(99)));
        let mut s = saved();
        s.log.workers = 500;
        assert!(matches!(
            from_json(&to_json(&s)),
            Err(RestoreError::Replay(_))
        ));
        assert_eq!(
            from_json(&" ".repeat(MAX_STORED + 1)),
            Err(RestoreError::TooLarge)
        );
    }

    #[test]
    fn a_layout_missing_from_old_data_defaults() {
        let s = saved();
        let mut v: serde_json::Value = serde_json::from_str(&to_json(&s)).unwrap();
        v.as_object_mut().unwrap().remove("layout");
        let back = from_json(&v.to_string()).unwrap();
        assert_eq!(back.layout, Layout::default());
    }

    #[test]
    fn a_layout_stored_with_the_old_flow_name_reads_as_the_timeline() {
        let s = saved();
        let text = to_json(&s).replace("\"view\":\"events\"", "\"view\":\"flow\"");
        assert!(text.contains("\"flow\""));
        assert_eq!(from_json(&text).unwrap().layout.view, Panel::Timeline);
    }

    #[test]
    fn panels_have_url_names_and_columns() {
        for p in Panel::ALL {
            assert_eq!(Panel::from_id(p.id()), Some(p));
        }
        assert_eq!(Panel::from_id("nope"), None);
        let mut l = Layout::default();
        l.select(Panel::Editor);
        l.select(Panel::Timeline);
        assert_eq!(
            (l.view, l.tool, l.focus),
            (Panel::Timeline, Panel::Editor, Panel::Timeline)
        );
    }
}
