//! The pod creation flow: the trace entries about one pod, in the order the
//! cluster produced them, each turned into a step a learner can follow —
//! the create request (authn/authz/admission/validation happen inside it),
//! the etcd write, the scheduler's decision, the binding the kubelet's watch
//! picks up, the kubelet's image pull and container start (from the events
//! it recorded and the runtime's state changes), probes and status writes.
//!
//! The trace records a committed write's watch event just before the API
//! request that caused it (the request is logged when it returns); a step
//! joins the two, so it reads "request → etcd write (rv N)".
//!
//! [`FlowBuilder`] scans the trace incrementally: each call reads only the
//! entries appended since the last.

use kubarium_engine::api::{registry, Object};
use kubarium_engine::apiserver::ApiServer;
use kubarium_engine::trace::{TraceEntry, TraceKind};
use kubarium_engine::Millis;

use super::{ObjRef, Tone};
use crate::i18n::strings;

/// What kind of step it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// The create request (authn, authz, admission, validation, storage).
    Create,
    /// A write to etcd seen by watchers, without a request of its own here.
    Store,
    /// The scheduler chose a node.
    Schedule,
    /// The scheduler found no node.
    Unschedulable,
    /// The binding subresource (what the kubelet's watch reacts to).
    Bind,
    /// The kubelet's status write.
    Status,
    /// Another component's status write (the scheduler's PodScheduled=False).
    StatusOther,
    /// An image event (Pulling, Pulled, ErrImagePull, BackOff on pull).
    Image,
    /// A container was created.
    ContainerCreate,
    /// A container was started.
    ContainerStart,
    /// A container changed state in the runtime.
    Container,
    /// A probe result.
    Probe,
    /// Another event about the pod.
    Event,
    /// The pod was deleted.
    Delete,
    /// Another request.
    Request,
}

impl Stage {
    /// What a learner reads as the step's title.
    pub fn label(self) -> &'static str {
        let s = strings();
        match self {
            Stage::Create => s.stage_create,
            Stage::Store => s.stage_store,
            Stage::Schedule => s.stage_schedule,
            Stage::Unschedulable => s.stage_unschedulable,
            Stage::Bind => s.stage_bind,
            Stage::Status => s.stage_status,
            Stage::StatusOther => s.stage_status_other,
            Stage::Image => s.stage_image,
            Stage::ContainerCreate => s.stage_container_create,
            Stage::ContainerStart => s.stage_container_start,
            Stage::Container => s.stage_container,
            Stage::Probe => s.stage_probe,
            Stage::Event => s.stage_event,
            Stage::Delete => s.stage_delete,
            Stage::Request => s.stage_request,
        }
    }

    /// A short CSS-friendly name.
    pub fn class(self) -> &'static str {
        match self {
            Stage::Create | Stage::Request | Stage::Delete | Stage::StatusOther => "stage-api",
            Stage::Store => "stage-etcd",
            Stage::Schedule | Stage::Unschedulable | Stage::Bind => "stage-scheduler",
            Stage::Status | Stage::Probe | Stage::Image => "stage-kubelet",
            Stage::ContainerCreate | Stage::ContainerStart | Stage::Container => "stage-runtime",
            Stage::Event => "stage-event",
        }
    }
}

/// One step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowStep {
    /// Virtual time.
    pub time: Millis,
    /// Which component acted (`kubectl`, `kube-scheduler`, `kubelet/node-1`, ...).
    pub actor: String,
    /// What kind of step.
    pub stage: Stage,
    /// The specifics: node chosen, event message, revision written...
    pub summary: String,
    /// How it reads.
    pub tone: Tone,
    /// The trace entries behind it, as the trace prints them.
    pub trace: Vec<String>,
    /// The revision it wrote, if it wrote one.
    pub revision: Option<u64>,
}

/// The flow of one pod, built incrementally from the trace.
#[derive(Clone, Debug)]
pub struct FlowBuilder {
    pod: ObjRef,
    key: String,
    scanned: usize,
    steps: Vec<FlowStep>,
}

/// At most this many steps are kept (a crash-looping pod keeps writing).
pub const MAX_STEPS: usize = 400;

impl FlowBuilder {
    /// A builder for the pod `r`.
    pub fn new(r: &ObjRef) -> FlowBuilder {
        FlowBuilder {
            pod: r.clone(),
            key: format!("{}/{}", r.namespace, r.name),
            scanned: 0,
            steps: Vec::new(),
        }
    }

    /// The pod it follows.
    pub fn pod(&self) -> &ObjRef {
        &self.pod
    }

    /// Steps so far.
    pub fn steps(&self) -> &[FlowStep] {
        &self.steps
    }

    /// How many trace entries it has read.
    pub fn scanned(&self) -> usize {
        self.scanned
    }

    /// Reads the trace entries appended since the last call. Returns whether
    /// steps were added.
    pub fn feed(&mut self, entries: &[TraceEntry], api: &ApiServer) -> bool {
        let start = self.scanned.min(entries.len());
        let before = self.steps.len();
        for e in &entries[start..] {
            self.entry(e, api);
        }
        self.scanned = entries.len();
        if self.steps.len() > MAX_STEPS {
            let excess = self.steps.len() - MAX_STEPS;
            self.steps.drain(..excess);
        }
        self.steps.len() != before
    }

    /// Whether `(resource, namespace, name)` of a request or watch event is
    /// about the pod: the pod, its subresources, or an event about it.
    fn about(&self, resource: &str, namespace: &str, name: &str) -> Option<Target> {
        if namespace != self.pod.namespace {
            return None;
        }
        match resource {
            "pods" => {
                if name == self.pod.name {
                    Some(Target::Pod(None))
                } else {
                    let sub = name
                        .strip_prefix(self.pod.name.as_str())?
                        .strip_prefix('/')?;
                    Some(Target::Pod(Some(sub.to_string())))
                }
            }
            // Events are named `<object>.<hex>`.
            "events" => {
                let (obj, _) = name.rsplit_once('.')?;
                (obj == self.pod.name).then(|| Target::Event(name.to_string()))
            }
            _ => None,
        }
    }

    fn entry(&mut self, e: &TraceEntry, api: &ApiServer) {
        // Formatting is the costly part: only entries about the pod are formatted.
        let line = || e.to_string();
        match &e.kind {
            TraceKind::WatchEvent {
                event_type,
                resource,
                namespace,
                name,
                revision,
            } => {
                let Some(target) = self.about(resource, namespace, name) else {
                    return;
                };
                if matches!(target, Target::Event(_)) && *event_type == "DELETED" {
                    return;
                }
                let stage = if *event_type == "DELETED" {
                    Stage::Delete
                } else {
                    Stage::Store
                };
                let summary = format!("{event_type} rv={revision}");
                self.push(FlowStep {
                    time: e.time,
                    actor: e.component.clone(),
                    stage,
                    summary,
                    tone: Tone::Ok,
                    trace: vec![line()],
                    revision: Some(*revision),
                });
            }
            TraceKind::ApiRequest {
                user,
                verb,
                resource,
                namespace,
                name,
                code,
            } => {
                let Some(target) = self.about(resource, namespace, name) else {
                    return;
                };
                // Join with the watch event this request committed.
                let mut trace = Vec::new();
                let mut revision = None;
                if let Some(last) = self.steps.last() {
                    if last.time == e.time
                        && last.stage == Stage::Store
                        && last.trace.len() == 1
                        && same_object(&last.trace[0], resource, namespace, name)
                    {
                        let last = self.steps.pop().expect("checked");
                        revision = last.revision;
                        trace = last.trace;
                    }
                }
                trace.insert(0, line());
                let ok = (200..300).contains(code);
                let written = revision
                    .map(|r| format!(" → etcd rv={r}"))
                    .unwrap_or_default();
                let (stage, summary, tone) = match (&target, verb.as_str()) {
                    (Target::Pod(None), "create") => (
                        Stage::Create,
                        format!("{verb} pod by {user} → {code}{written}"),
                        if ok { Tone::Ok } else { Tone::Bad },
                    ),
                    (Target::Pod(Some(sub)), _) if sub == "binding" => {
                        let node = bound_node(api, &self.pod).unwrap_or_default();
                        (
                            Stage::Bind,
                            format!("{user} → {node}{written}"),
                            if ok { Tone::Ok } else { Tone::Bad },
                        )
                    }
                    (Target::Pod(Some(sub)), _) if sub == "status" => (
                        if user.starts_with("system:node:") {
                            Stage::Status
                        } else {
                            Stage::StatusOther
                        },
                        format!("{user}{written}"),
                        if ok { Tone::Ok } else { Tone::Bad },
                    ),
                    (Target::Pod(_), "delete") => (
                        Stage::Delete,
                        format!("{verb} by {user} → {code}{written}"),
                        Tone::Gone,
                    ),
                    (Target::Pod(_), _) => (
                        Stage::Request,
                        format!("{verb} {name} by {user} → {code}{written}"),
                        if ok { Tone::Ok } else { Tone::Bad },
                    ),
                    (Target::Event(ev), _) => {
                        if verb != "create" && verb != "update" && verb != "patch" {
                            return;
                        }
                        let (reason, message, warning) = event_text(api, namespace, ev);
                        let stage = match reason.as_str() {
                            "Pulling" | "Pulled" | "Failed" if message.contains("mage") => {
                                Stage::Image
                            }
                            "ErrImagePull" | "ImagePullBackOff" => Stage::Image,
                            "BackOff" if message.contains("pulling image") => Stage::Image,
                            "Created" => Stage::ContainerCreate,
                            "Started" => Stage::ContainerStart,
                            "Unhealthy" => Stage::Probe,
                            _ => Stage::Event,
                        };
                        (
                            stage,
                            if reason.is_empty() {
                                message
                            } else {
                                format!("{reason}: {message}")
                            },
                            if warning { Tone::Bad } else { Tone::Ok },
                        )
                    }
                };
                let actor = user.clone();
                self.push(FlowStep {
                    time: e.time,
                    actor,
                    stage,
                    summary,
                    tone,
                    trace,
                    revision,
                });
            }
            TraceKind::Scheduling { pod, node, message } if *pod == self.key => {
                let (stage, summary, tone) = match node {
                    Some(n) => (Stage::Schedule, format!("→ {n}: {message}"), Tone::Ok),
                    None => (Stage::Unschedulable, message.clone(), Tone::Bad),
                };
                self.push(FlowStep {
                    time: e.time,
                    actor: e.component.clone(),
                    stage,
                    summary,
                    tone,
                    trace: vec![line()],
                    revision: None,
                });
            }
            TraceKind::ContainerState {
                pod,
                container,
                state,
                ..
            } if *pod == self.key => {
                let tone = if state.starts_with("running") {
                    Tone::Ok
                } else if state.contains("exit 0") || state.contains("Completed") {
                    Tone::Done
                } else {
                    Tone::Wait
                };
                self.push(FlowStep {
                    time: e.time,
                    actor: e.component.clone(),
                    stage: Stage::Container,
                    summary: format!("{container}: {state}"),
                    tone,
                    trace: vec![line()],
                    revision: None,
                });
            }
            TraceKind::ProbeResult {
                pod,
                container,
                probe,
                result,
            } if *pod == self.key => {
                self.push(FlowStep {
                    time: e.time,
                    actor: e.component.clone(),
                    stage: Stage::Probe,
                    summary: format!("{probe} {container}: {result}"),
                    tone: if result == "success" {
                        Tone::Ok
                    } else {
                        Tone::Bad
                    },
                    trace: vec![line()],
                    revision: None,
                });
            }
            _ => {}
        }
    }

    fn push(&mut self, step: FlowStep) {
        self.steps.push(step);
    }
}

/// What a trace entry is about.
enum Target {
    /// The pod, or one of its subresources (`binding`, `status`).
    Pod(Option<String>),
    /// An event about the pod (its name).
    Event(String),
}

/// Whether a trace line names `resource namespace/name` (the pod part of a
/// subresource request).
fn same_object(line: &str, resource: &str, namespace: &str, name: &str) -> bool {
    let object = name.split('/').next().unwrap_or(name);
    line.contains(&format!(" {resource} {namespace}/{object} "))
}

fn bound_node(api: &ApiServer, pod: &ObjRef) -> Option<String> {
    let res = registry::by_kind("v1", "Pod")?;
    match api.get(res, &pod.namespace, &pod.name)? {
        Object::Pod(p) => kubarium_engine::api::podutil::node_name(p).map(str::to_string),
        _ => None,
    }
}

/// An event's reason, message and whether it is a Warning, from the store
/// (empty if it has been deleted since).
fn event_text(api: &ApiServer, namespace: &str, name: &str) -> (String, String, bool) {
    let Some(res) = registry::by_kind("v1", "Event") else {
        return Default::default();
    };
    match api.get(res, namespace, name) {
        Some(Object::Event(e)) => (
            e.reason.clone().unwrap_or_default(),
            e.message.clone().unwrap_or_default(),
            e.type_.as_deref() == Some("Warning"),
        ),
        _ => (String::new(), name.to_string(), false),
    }
}

/// `+1.234 s` after `start`.
pub fn offset_text(time: Millis, start: Millis) -> String {
    let d = time.saturating_sub(start);
    format!("+{}.{:03} s", d / 1000, d % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::clock::SECOND;
    use kubarium_engine::simulation::ClusterConfig;
    use kubarium_engine::Simulation;
    use kubarium_kubectl::Session;

    #[test]
    fn kubectl_run_nginx_gives_the_creation_flow_in_order_with_virtual_times() {
        let mut s = Session::new(Simulation::new(ClusterConfig::default()));
        let t0 = s.sim.now();
        assert_eq!(s.run("kubectl run nginx --image=nginx", None).exit_code, 0);
        s.sim.advance(30 * SECOND);
        let mut f = FlowBuilder::new(&ObjRef::new("Pod", "default", "nginx"));
        assert!(f.feed(s.sim.trace().entries(), s.sim.api()));
        let stages: Vec<Stage> = f.steps().iter().map(|s| s.stage).collect();
        // The order a learner should see, each stage at its first appearance.
        let order = [
            Stage::Create,
            Stage::Schedule,
            Stage::Bind,
            Stage::Status,
            Stage::Image,
            Stage::ContainerCreate,
            Stage::ContainerStart,
            Stage::Container,
        ];
        let firsts: Vec<usize> = order
            .iter()
            .map(|st| {
                stages
                    .iter()
                    .position(|x| x == st)
                    .unwrap_or_else(|| panic!("no {st:?} step in {stages:?}"))
            })
            .collect();
        assert!(firsts.windows(2).all(|w| w[0] < w[1]), "{stages:?}");
        let create = &f.steps()[0];
        assert_eq!(create.stage, Stage::Create);
        assert_eq!(create.actor, "kubectl");
        assert!(
            create.revision.is_some(),
            "the create carries its etcd write"
        );
        assert!(create.time >= t0 && create.time < t0 + SECOND);
        assert_eq!(create.trace.len(), 2);
        assert!(create.trace[0].contains("api create pods default/nginx by kubectl -> 201"));
        let sched = &f.steps()[firsts[1]];
        assert_eq!(sched.actor, "kube-scheduler");
        assert!(sched.summary.starts_with("→ node-"), "{}", sched.summary);
        let bind = &f.steps()[firsts[2]];
        assert_eq!(bind.actor, "system:kube-scheduler");
        // Virtual times never go back, and the pulls take seconds.
        assert!(f.steps().windows(2).all(|w| w[0].time <= w[1].time));
        let started = &f.steps()[firsts[6]];
        assert!(
            started.time - create.time >= SECOND,
            "image pull takes seconds"
        );
        assert!(f.steps().iter().all(|s| s.time < t0 + 30 * SECOND));
        // Nothing new: nothing added.
        let n = f.steps().len();
        assert!(!f.feed(s.sim.trace().entries(), s.sim.api()));
        assert_eq!(f.steps().len(), n);
        // Another pod's steps are not mixed in.
        assert!(f
            .steps()
            .iter()
            .all(|s| s.trace.iter().all(|l| l.contains("nginx"))));
    }

    #[test]
    fn flow_is_built_incrementally_as_the_trace_grows() {
        let mut s = Session::new(Simulation::new(ClusterConfig::default()));
        s.run("kubectl run web --image=nginx", None);
        let mut f = FlowBuilder::new(&ObjRef::new("Pod", "default", "web"));
        f.feed(s.sim.trace().entries(), s.sim.api());
        let early = f.steps().len();
        let scanned = f.scanned();
        s.sim.advance(30 * SECOND);
        assert!(f.feed(s.sim.trace().entries(), s.sim.api()));
        assert!(f.steps().len() > early);
        assert!(f.scanned() > scanned);
        let mut whole = FlowBuilder::new(&ObjRef::new("Pod", "default", "web"));
        whole.feed(s.sim.trace().entries(), s.sim.api());
        assert_eq!(whole.steps(), f.steps(), "incremental equals from scratch");
    }

    #[test]
    fn offsets_read_in_seconds() {
        assert_eq!(offset_text(1500, 1000), "+0.500 s");
        assert_eq!(offset_text(13_042, 1000), "+12.042 s");
    }
}
