//! What the learner has selected, and the memoised view models for it.
//!
//! Each model is rebuilt only when its inputs changed: the store's
//! last meaningful revision (every write but Lease renewals), the trace's
//! length, the virtual second (for ages) or the selection. A frame in which
//! nothing changed hands back the same `Rc`, which Yew compares by pointer.

use std::rc::Rc;

use kubarium_engine::{Millis, Simulation};

use super::cluster::{cluster_model, ClusterModel};
use super::details::{details, Details};
use super::events::{events_model, timeline, EventFilter, EventsModel, Timeline};
use super::flow::{FlowBuilder, FlowStep};
use super::rollout::{stories, DeploymentStory};
use super::verdicts::{verdict_table, VerdictTable};
use super::ObjRef;

/// The metrics API's scrape interval: resource use changes no faster.
const METRICS_MS: Millis = 15_000;

/// Which view is shown; the shell's navigation picks it (the views have no
/// tabs of their own).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Tab {
    /// Control plane, nodes and pods.
    #[default]
    Cluster,
    /// Deployments' rollouts.
    Workloads,
    /// `kubectl get events`.
    Events,
    /// The trace timeline.
    Timeline,
}

/// Something the learner did in the views.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ViewAction {
    /// Open an object's details.
    Select(ObjRef),
    /// Close the details.
    CloseDetails,
    /// Group pods by owner, or not.
    GroupByOwner(bool),
    /// Change the events filter.
    Filter(EventFilter),
    /// Choose a timeline bucket (by its start), or none.
    Bucket(Option<Millis>),
}

/// The details panel's content: the object, and for a pod its creation
/// flow and the scheduler's verdicts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DetailsModel {
    /// YAML, events, owner, children.
    pub details: Details,
    /// For a pod: its steps from the trace.
    pub flow: Option<Rc<Vec<FlowStep>>>,
    /// For a pod: the scheduler's latest verdicts, if kept.
    pub verdicts: Option<VerdictTable>,
}

/// Everything the views draw.
#[derive(Clone, Debug, PartialEq)]
pub struct ViewsModel {
    /// The view shown.
    pub tab: Tab,
    /// The cluster view (always built: it is the landing view).
    pub cluster: Rc<ClusterModel>,
    /// The selected object's details.
    pub details: Option<Rc<DetailsModel>>,
    /// The events table (on the Events tab).
    pub events: Option<Rc<EventsModel>>,
    /// The events filter.
    pub filter: EventFilter,
    /// The timeline (on the Timeline tab).
    pub timeline: Option<Rc<Timeline>>,
    /// Deployments (on the Workloads tab).
    pub stories: Option<Rc<Vec<DeploymentStory>>>,
    /// Whether pods are grouped by owner.
    pub grouped: bool,
}

/// A memoised value and the key it was computed for.
struct Memo<K, V> {
    key: Option<K>,
    value: Option<Rc<V>>,
}

impl<K: PartialEq, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            key: None,
            value: None,
        }
    }
}

impl<K: PartialEq, V> Memo<K, V> {
    fn get(&mut self, key: K, build: impl FnOnce() -> V) -> Rc<V> {
        if self.key.as_ref() != Some(&key) || self.value.is_none() {
            self.value = Some(Rc::new(build()));
            self.key = Some(key);
        }
        self.value.clone().expect("just set")
    }
}

/// The views' state: selection plus caches.
#[derive(Default)]
pub struct ViewsHost {
    selected: Option<ObjRef>,
    grouped: bool,
    filter: EventFilter,
    bucket: Option<Millis>,
    cluster: Memo<(u64, Millis, bool), ClusterModel>,
    details: Memo<(ObjRef, u64, Millis, usize), DetailsModel>,
    flow: Option<FlowBuilder>,
    flow_steps: Option<Rc<Vec<FlowStep>>>,
    events: Memo<(u64, Millis, EventFilter), EventsModel>,
    timeline: Memo<(usize, Millis, Option<Millis>), Timeline>,
    stories: Memo<u64, Vec<DeploymentStory>>,
    /// The last model handed out, per view.
    last: [Option<Rc<ViewsModel>>; 4],
}

impl ViewsHost {
    /// Applies a learner's action.
    pub fn apply(&mut self, a: ViewAction) {
        match a {
            ViewAction::Select(r) => {
                if self.flow.as_ref().map(|f| f.pod()) != Some(&r) {
                    self.flow = (r.kind == "Pod").then(|| FlowBuilder::new(&r));
                    self.flow_steps = None;
                }
                self.selected = Some(r);
            }
            ViewAction::CloseDetails => {
                self.selected = None;
                self.flow = None;
                self.flow_steps = None;
            }
            ViewAction::GroupByOwner(g) => self.grouped = g,
            ViewAction::Filter(f) => self.filter = f,
            ViewAction::Bucket(b) => self.bucket = b,
        }
    }

    /// Forgets every cache (the selection, grouping and filters stay): the
    /// cluster was replaced (rewind, reset), so revisions and trace
    /// positions no longer describe the same history.
    pub fn cluster_replaced(&mut self) {
        let (selected, grouped, filter) = (self.selected.take(), self.grouped, self.filter.clone());
        *self = ViewsHost {
            grouped,
            filter,
            ..ViewsHost::default()
        };
        if let Some(r) = selected {
            self.apply(ViewAction::Select(r));
        }
    }

    /// The selected object, if any.
    pub fn selected(&self) -> Option<&ObjRef> {
        self.selected.as_ref()
    }

    /// The models for view `tab` of the current state of `sim`; the same
    /// `Rc` as last time when nothing the view shows has changed.
    pub fn model(&mut self, sim: &Simulation, tab: Tab) -> Rc<ViewsModel> {
        let rev = sim.api().last_meaningful_revision();
        let now = sim.now();
        let second = now / 1000;
        let trace_len = sim.trace().entries().len();

        let grouped = self.grouped;
        let cluster = self.cluster.get((rev, now / METRICS_MS, grouped), || {
            cluster_model(sim, grouped)
        });

        // The flow reads only the trace entries appended since last time.
        if let Some(f) = &mut self.flow {
            if f.feed(sim.trace().entries(), sim.api()) || self.flow_steps.is_none() {
                self.flow_steps = Some(Rc::new(f.steps().to_vec()));
            }
        }
        let details = self.selected.clone().map(|r| {
            let steps = self.flow_steps.clone();
            let steps_len = steps.as_ref().map_or(0, |s| s.len());
            self.details.get((r.clone(), rev, second, steps_len), || {
                let verdicts = (r.kind == "Pod")
                    .then(|| sim.scheduling_record(&r.namespace, &r.name))
                    .flatten()
                    .map(|rec| verdict_table(&rec));
                DetailsModel {
                    details: details(sim, &r),
                    flow: steps,
                    verdicts,
                }
            })
        });
        let events = (tab == Tab::Events).then(|| {
            let filter = self.filter.clone();
            self.events
                .get((rev, second, filter.clone()), || events_model(sim, &filter))
        });
        let timeline = (tab == Tab::Timeline).then(|| {
            let bucket = self.bucket;
            self.timeline
                .get((trace_len, now / super::events::BUCKET_MS, bucket), || {
                    timeline(sim.trace().entries(), sim.clock(), now, bucket)
                })
        });
        let stories = (tab == Tab::Workloads).then(|| self.stories.get(rev, || stories(sim)));

        let model = ViewsModel {
            tab,
            cluster,
            details,
            events,
            filter: self.filter.clone(),
            timeline,
            stories,
            grouped,
        };
        let last = &mut self.last[tab as usize];
        match last {
            Some(l) if same(l, &model) => l.clone(),
            _ => {
                let m = Rc::new(model);
                *last = Some(m.clone());
                m
            }
        }
    }
}

/// Whether two models are the same by their parts' pointers (cheap).
fn same(a: &ViewsModel, b: &ViewsModel) -> bool {
    fn ptr<T>(a: &Option<Rc<T>>, b: &Option<Rc<T>>) -> bool {
        match (a, b) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            (None, None) => true,
            _ => false,
        }
    }
    a.tab == b.tab
        && a.grouped == b.grouped
        && a.filter == b.filter
        && Rc::ptr_eq(&a.cluster, &b.cluster)
        && ptr(&a.details, &b.details)
        && ptr(&a.events, &b.events)
        && ptr(&a.timeline, &b.timeline)
        && ptr(&a.stories, &b.stories)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::clock::SECOND;
    use kubarium_engine::simulation::ClusterConfig;
    use kubarium_kubectl::Session;

    #[test]
    fn nothing_changed_gives_the_same_model_without_rebuilding() {
        let mut s = Session::new(Simulation::new(ClusterConfig::default()));
        let mut h = ViewsHost::default();
        let a = h.model(&s.sim, Tab::Cluster);
        let e = h.model(&s.sim, Tab::Events);
        let b = h.model(&s.sim, Tab::Cluster);
        assert!(
            Rc::ptr_eq(&a, &b),
            "another view in between keeps this one's model"
        );
        assert!(Rc::ptr_eq(&e, &h.model(&s.sim, Tab::Events)));
        s.run("kubectl run web --image=nginx", None);
        let c = h.model(&s.sim, Tab::Cluster);
        assert!(!Rc::ptr_eq(&a, &c), "a new pod is a new model");
        assert!(!Rc::ptr_eq(&a.cluster, &c.cluster));
    }

    #[test]
    fn selecting_a_pod_builds_its_details_flow_and_verdicts() {
        let mut s = Session::new(Simulation::new(ClusterConfig::default()));
        s.run("kubectl run web --image=nginx", None);
        s.sim.advance(10 * SECOND);
        let mut h = ViewsHost::default();
        h.apply(ViewAction::Select(ObjRef::new("Pod", "default", "web")));
        let m = h.model(&s.sim, Tab::Cluster);
        let d = m.details.as_ref().expect("details");
        assert!(d.details.exists);
        assert!(!d.flow.as_ref().expect("a pod has a flow").is_empty());
        assert!(d.verdicts.is_some());
        let m = h.model(&s.sim, Tab::Events);
        assert!(m.tab == Tab::Events && m.details.is_some());
        assert!(m.events.is_some() && m.timeline.is_none() && m.stories.is_none());
        h.apply(ViewAction::CloseDetails);
        assert!(h.model(&s.sim, Tab::Events).details.is_none());
    }

    #[test]
    fn a_replaced_cluster_rebuilds_the_flow_from_its_own_trace() {
        let pod = ObjRef::new("Pod", "default", "web");
        let run = |extra: bool| {
            let mut s = Session::new(Simulation::new(ClusterConfig::default()));
            s.run("kubectl run web --image=nginx", None);
            s.sim.advance(10 * SECOND);
            if extra {
                s.run("kubectl delete pod web", None);
                s.run("kubectl run web --image=nginx:1.27", None);
                s.sim.advance(10 * SECOND);
            }
            s
        };
        let flow = |h: &mut ViewsHost, s: &Session| {
            h.model(&s.sim, Tab::Cluster)
                .details
                .as_ref()
                .and_then(|d| d.flow.clone())
                .expect("a flow")
        };
        // The learner watched a longer history, then rewound to an earlier one.
        let (long, short) = (run(true), run(false));
        let mut h = ViewsHost::default();
        h.apply(ViewAction::Select(pod.clone()));
        let before = flow(&mut h, &long);
        h.cluster_replaced();
        let after = flow(&mut h, &short);
        let mut fresh = ViewsHost::default();
        fresh.apply(ViewAction::Select(pod));
        assert_eq!(after, flow(&mut fresh, &short));
        assert_ne!(before, after);
        assert_eq!(h.selected().map(|r| r.name.as_str()), Some("web"));
    }
}
