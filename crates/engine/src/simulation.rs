//! The simulation: the event loop on the virtual clock. (Skeleton; filled in
//! by the engine-core work.)

use crate::clock::{Clock, Millis};
use crate::trace::Trace;

/// A cluster's topology and the scenario's seed and start date.
#[derive(Clone, Debug)]
pub struct ClusterConfig {
    /// Number of worker nodes (`node-1` ... `node-N`).
    pub workers: u32,
    /// Scenario seed.
    pub seed: u64,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig { workers: 2, seed: crate::rng::DEFAULT_SEED }
    }
}

/// A simulated cluster.
pub struct Simulation {
    clock: Clock,
    trace: Trace,
}

impl Simulation {
    /// A new cluster of the given topology, bootstrapped as kubeadm would.
    pub fn new(_config: ClusterConfig) -> Simulation {
        Simulation { clock: Clock::default(), trace: Trace::new() }
    }

    /// Current virtual time.
    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// The virtual clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Runs every event due in the next `d` milliseconds.
    pub fn advance(&mut self, d: Millis) {
        let t = self.clock.now() + d;
        self.clock.advance_to(t);
    }

    /// Every stored object, ordered by resource, namespace and name.
    pub fn snapshot(&self) -> Vec<crate::api::Object> {
        Vec::new()
    }

    /// The trace.
    pub fn trace(&self) -> &Trace {
        &self.trace
    }
}
