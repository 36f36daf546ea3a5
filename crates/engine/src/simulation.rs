//! The simulation: the components and the event loop on the virtual clock.
//!
//! Every piece of work is an [`Event`] on one queue ordered by
//! `(time, sequence)`. Handling an event may write through the API server;
//! each committed write becomes a watch event that is dispatched at once to
//! every component's watch handler, which only enqueues follow-up work. So a
//! run is a pure function of the inputs and the seed.

use crate::api::Object;
use crate::apiserver::ApiServer;
use crate::clock::{Clock, Millis, DEFAULT_EPOCH_UNIX_MS, MINUTE, SECOND};
use crate::controller::{self, ControllerManager};
use crate::kubelet::{self, Kubelet};
use crate::queue::EventQueue;
use crate::scheduler::{self, Scheduler};
use crate::trace::{Trace, TraceKind};
use std::collections::BTreeMap;

pub mod metrics;
mod operator;
pub use metrics::{NodeMetrics, PodMetrics};
pub use operator::OperatorError;

/// A worker node's shape in a [`ClusterConfig`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeConfig {
    /// Node name.
    pub name: String,
    /// CPU capacity (a quantity: `4`).
    pub cpu: String,
    /// Memory capacity (a quantity: `8Gi`).
    pub memory: String,
    /// Maximum pods.
    pub max_pods: u32,
    /// Extra labels.
    pub labels: BTreeMap<String, String>,
}

/// A cluster's topology and the scenario's seed and start date.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// Scenario seed.
    pub seed: u64,
    /// Unix milliseconds of virtual time zero (when the cluster was created).
    pub epoch_unix_ms: i64,
    /// Worker nodes (`node-1` ... by default).
    pub workers: Vec<NodeConfig>,
    /// Virtual time the cluster runs after bootstrap before the user's first
    /// command, so system pods are Running and have an age.
    pub warmup: Millis,
    /// Whether to keep the whole trace (benchmarks of huge clusters keep
    /// only its hash).
    pub keep_trace: bool,
}

/// `n` workers named `node-1` ... `node-n` of 4 CPU, 8 GiB and 110 pods.
pub fn default_workers(n: u32) -> Vec<NodeConfig> {
    (1..=n)
        .map(|i| NodeConfig {
            name: format!("node-{i}"),
            cpu: "4".into(),
            memory: "8Gi".into(),
            max_pods: 110,
            labels: BTreeMap::new(),
        })
        .collect()
}

impl ClusterConfig {
    /// The default topology with `n` workers.
    pub fn with_workers(n: u32) -> ClusterConfig {
        ClusterConfig {
            workers: default_workers(n),
            ..ClusterConfig::default()
        }
    }
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            seed: crate::rng::DEFAULT_SEED,
            epoch_unix_ms: DEFAULT_EPOCH_UNIX_MS,
            workers: default_workers(2),
            warmup: 5 * MINUTE,
            keep_trace: true,
        }
    }
}

/// A unit of work for one component.
#[derive(Clone, Debug)]
pub enum Event {
    /// A controller work item.
    Controller(controller::Work),
    /// Scheduler work.
    Scheduler(scheduler::Work),
    /// Work of the kubelet on a node.
    Kubelet(String, kubelet::Work),
}

/// What a component's handler may touch: the API server and the queue.
pub struct Ctx<'a> {
    /// The API server (reads stand in for informer caches).
    pub api: &'a mut ApiServer,
    queue: &'a mut EventQueue<Event>,
}

impl Ctx<'_> {
    /// Schedules `event` after `delay` of virtual time.
    pub fn after(&mut self, delay: Millis, event: Event) {
        let at = self.api.now() + delay;
        self.queue.push(at, event);
    }

    /// Current virtual time.
    pub fn now(&self) -> Millis {
        self.api.now()
    }

    /// Records a reconcile in the trace.
    pub fn trace_reconcile(&mut self, controller: &str, key: &str) {
        let now = self.api.now();
        self.api.trace.record(
            now,
            "kube-controller-manager",
            TraceKind::Reconcile {
                controller: controller.to_string(),
                key: key.to_string(),
            },
        );
    }
}

/// A simulated cluster.
pub struct Simulation {
    api: ApiServer,
    queue: EventQueue<Event>,
    controllers: ControllerManager,
    scheduler: Scheduler,
    kubelets: BTreeMap<String, Kubelet>,
    config: ClusterConfig,
}

impl Simulation {
    /// A new cluster of the given topology, bootstrapped as kubeadm would,
    /// then run for `config.warmup`.
    pub fn new(config: ClusterConfig) -> Simulation {
        let clock = Clock::new(config.epoch_unix_ms);
        let mut api = ApiServer::new(clock, config.seed);
        api.trace.retain = config.keep_trace;
        let mut sim = Simulation {
            api,
            queue: EventQueue::default(),
            controllers: ControllerManager::default(),
            scheduler: Scheduler::new(config.seed),
            kubelets: BTreeMap::new(),
            config: config.clone(),
        };
        crate::cluster::bootstrap(&mut sim);
        let warmup = config.warmup;
        sim.advance(warmup);
        sim
    }

    /// The configuration the cluster was built from.
    pub fn config(&self) -> &ClusterConfig {
        &self.config
    }

    /// Current virtual time.
    pub fn now(&self) -> Millis {
        self.api.now()
    }

    /// The virtual clock.
    pub fn clock(&self) -> &Clock {
        &self.api.clock
    }

    /// The API server (read-only: reads are not traced).
    pub fn api(&self) -> &ApiServer {
        &self.api
    }

    /// Runs `f` against the API server as a client outside the cluster
    /// (kubectl, the UI) and dispatches the watch events its writes caused.
    pub fn with_api<R>(&mut self, f: impl FnOnce(&mut ApiServer) -> R) -> R {
        let r = f(&mut self.api);
        self.dispatch();
        r
    }

    /// Runs `f` with a component's context (unit tests of queues).
    #[cfg(test)]
    pub(crate) fn with_ctx<R>(&mut self, f: impl FnOnce(&mut Ctx) -> R) -> R {
        let mut ctx = Ctx {
            api: &mut self.api,
            queue: &mut self.queue,
        };
        f(&mut ctx)
    }

    /// Starts a kubelet for `node` (the node object is its registration).
    pub(crate) fn add_kubelet(&mut self, node: &str) {
        let kubelet = Kubelet::new(node, self.config.seed);
        self.kubelets.insert(node.to_string(), kubelet);
        let mut ctx = Ctx {
            api: &mut self.api,
            queue: &mut self.queue,
        };
        self.kubelets.get_mut(node).unwrap().start(&mut ctx);
        self.dispatch();
    }

    fn dispatch(&mut self) {
        loop {
            let events = self.api.take_notifications();
            if events.is_empty() {
                return;
            }
            for ev in &events {
                let mut ctx = Ctx {
                    api: &mut self.api,
                    queue: &mut self.queue,
                };
                self.controllers.on_watch(ev, &mut ctx);
                self.scheduler.on_watch(ev, &mut ctx);
                // A kubelet watches only its own node and the pods bound to it.
                let node = match &*ev.object {
                    Object::Pod(p) => crate::api::podutil::node_name(p),
                    Object::Node(n) => n.metadata.name.as_deref(),
                    _ => None,
                };
                if let Some(k) = node.and_then(|n| self.kubelets.get_mut(n)) {
                    k.on_watch(ev, &mut ctx);
                }
            }
        }
    }

    fn handle(&mut self, event: Event) {
        let mut ctx = Ctx {
            api: &mut self.api,
            queue: &mut self.queue,
        };
        match event {
            Event::Controller(w) => {
                let metrics = metrics::MetricsApi::new(&self.kubelets);
                self.controllers.handle(w, &mut ctx, &metrics)
            }
            Event::Scheduler(w) => self.scheduler.handle(w, &mut ctx),
            Event::Kubelet(node, w) => {
                if let Some(k) = self.kubelets.get_mut(&node) {
                    k.handle(w, &mut ctx);
                }
            }
        }
        self.dispatch();
    }

    /// Runs every event due in the next `d` milliseconds, in order, and
    /// leaves the clock at now + `d`.
    pub fn advance(&mut self, d: Millis) {
        let until = self.api.now() + d;
        while let Some((t, ev)) = self.queue.pop_due(until) {
            self.api.clock.advance_to(t);
            self.handle(ev);
        }
        self.api.clock.advance_to(until);
    }

    /// Advances until the cluster is quiet — no writes other than node
    /// heartbeats for 10 s of virtual time — or `limit` has passed.
    /// Returns the virtual time spent.
    pub fn run_until_settled(&mut self, limit: Millis) -> Millis {
        let start = self.api.now();
        let mut quiet_since = start;
        let mut last_rev = self.meaningful_revision();
        while self.api.now() - start < limit {
            self.advance(SECOND);
            let rev = self.meaningful_revision();
            if rev != last_rev {
                last_rev = rev;
                quiet_since = self.api.now();
            } else if self.api.now() - quiet_since >= 10 * SECOND {
                break;
            }
        }
        self.api.now() - start
    }

    fn meaningful_revision(&self) -> u64 {
        self.api.last_meaningful_revision()
    }

    /// Every stored object, ordered by resource, namespace and name.
    pub fn snapshot(&self) -> Vec<Object> {
        self.api.store_objects().cloned().collect()
    }

    /// The trace.
    pub fn trace(&self) -> &Trace {
        &self.api.trace
    }

    /// Why the scheduler put `namespace/pod` where it did, or nowhere: its
    /// latest attempt, per node and per plugin (filter verdicts with reasons,
    /// raw and normalized scores, the choice). Kept for the most recent
    /// attempts and for pods still Pending; `None` otherwise.
    pub fn scheduling_record(
        &self,
        namespace: &str,
        pod: &str,
    ) -> Option<crate::scheduler::SchedulingRecord> {
        self.scheduler
            .scheduling_record(&format!("{namespace}/{pod}"))
    }

    fn pod_node(&self, ns: &str, pod: &str) -> Result<String, String> {
        let res = crate::api::registry::by_kind("v1", "Pod").unwrap();
        let p = self
            .api
            .get_typed::<crate::api::core::Pod>(res, ns, pod)
            .ok_or_else(|| format!("pods \"{pod}\" not found"))?;
        crate::api::podutil::node_name(p)
            .map(str::to_string)
            .ok_or_else(|| {
                format!(
                    "container \"{}\" in pod \"{pod}\" is waiting to start: ContainerCreating",
                    p.spec
                        .as_ref()
                        .and_then(|s| s.containers.first())
                        .map(|c| c.name.as_str())
                        .unwrap_or("")
                )
            })
    }

    /// The log lines of a container (the previous instance's with
    /// `previous`), or the API server's error text.
    pub fn container_logs(
        &self,
        ns: &str,
        pod: &str,
        container: &str,
        previous: bool,
    ) -> Result<Vec<kubelet::LogEntry>, String> {
        let node = self.pod_node(ns, pod)?;
        let key = crate::api::key(ns, pod);
        let c = self
            .kubelets
            .get(&node)
            .and_then(|k| k.worker(&key))
            .and_then(|w| w.containers.iter().find(|c| c.name == container));
        let Some(c) = c else {
            return Err(format!(
                "container \"{container}\" in pod \"{pod}\" is waiting to start: ContainerCreating"
            ));
        };
        if previous {
            if c.restart_count == 0 {
                return Err(format!(
                    "previous terminated container \"{container}\" in pod \"{pod}\" not found"
                ));
            }
            return Ok(c.previous_logs.clone());
        }
        if c.container_id.is_empty() {
            let reason = match &c.state {
                kubelet::RunState::Waiting { reason, .. } => reason.clone(),
                _ => "ContainerCreating".into(),
            };
            return Err(format!(
                "container \"{container}\" in pod \"{pod}\" is waiting to start: {reason}"
            ));
        }
        Ok(c.logs.clone())
    }

    /// Runs a command in a running container (`kubectl exec`).
    pub fn exec(
        &mut self,
        ns: &str,
        pod: &str,
        container: &str,
        argv: &[String],
    ) -> Result<crate::runtime::shell::ExecResult, String> {
        let node = self.pod_node(ns, pod)?;
        let key = crate::api::key(ns, pod);
        let now = self.api.clock.datetime(self.api.now());
        let c = self
            .kubelets
            .get_mut(&node)
            .and_then(|k| k.worker_mut(&key))
            .and_then(|w| w.containers.iter_mut().find(|c| c.name == container))
            .ok_or_else(|| {
                format!("unable to upgrade connection: container not found (\"{container}\")")
            })?;
        if !matches!(c.state, kubelet::RunState::Running { .. }) {
            return Err(format!(
                "cannot exec into a container in a completed pod; current phase is {}",
                "Succeeded"
            ));
        }
        Ok(crate::runtime::shell::exec_with(
            argv,
            &c.env,
            &mut c.fs,
            now,
            c.behavior.as_deref(),
            &mut crate::runtime::shell::NoNetwork,
        ))
    }

    /// Virtual time of the next pending event, if any (the web playground's
    /// "step to the next event").
    pub fn next_event_at(&self) -> Option<Millis> {
        self.queue.peek_time()
    }

    /// Number of pending events (for tests and benchmarks).
    pub fn pending_events(&self) -> usize {
        self.queue.len()
    }
}
