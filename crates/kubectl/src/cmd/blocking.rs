//! How kubectl's blocking commands (`wait`, `rollout status`, `drain`,
//! `delete` waiting for the objects to go) wait: real kubectl polls or
//! watches until a condition holds or its timeout's context is done; here
//! virtual time is advanced in steps instead. One place applies
//! [`Session::block_limit`] (the playground's bound on how far one command
//! may run the clock), so no command can forget it.

use crate::Session;
use kubarium_engine::clock::Millis;

/// One blocking wait: started now, for at most `limit` of virtual time.
pub(crate) struct Wait {
    start: Millis,
    /// The command's timeout, capped by the session's block limit.
    pub limit: Millis,
    step: Millis,
}

impl Wait {
    /// A wait of `timeout` (capped by `s.block_limit`) polling every `step`.
    pub fn new(s: &Session, timeout: Millis, step: Millis) -> Wait {
        Wait {
            start: s.sim.now(),
            limit: timeout.min(s.block_limit),
            step,
        }
    }

    /// Virtual time since the wait began.
    pub fn elapsed(&self, s: &Session) -> Millis {
        s.sim.now().saturating_sub(self.start)
    }

    /// Whether the limit has been reached.
    pub fn expired(&self, s: &Session) -> bool {
        self.elapsed(s) >= self.limit
    }

    /// Lets one step of virtual time pass; the last step before the limit
    /// stops at the limit, as a timeout's context would end there.
    pub fn sleep(&self, s: &mut Session) {
        let left = self.limit.saturating_sub(self.elapsed(s));
        let d = if left == 0 {
            self.step
        } else {
            self.step.min(left)
        };
        s.sim.advance(d);
    }

    /// Polls `ready` now and after each step until it answers `Some`
    /// (returned) or the limit has passed (`None`, kubectl's "timed out
    /// waiting for the condition"). The poll at the limit still counts.
    pub fn until<T>(
        &self,
        s: &mut Session,
        mut ready: impl FnMut(&mut Session) -> Option<T>,
    ) -> Option<T> {
        loop {
            if let Some(t) = ready(s) {
                return Some(t);
            }
            if self.expired(s) {
                return None;
            }
            self.sleep(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::Simulation;

    fn session() -> Session {
        Session::new(Simulation::new(Default::default()))
    }

    #[test]
    fn a_wait_polls_every_step_and_stops_at_its_limit() {
        let mut s = session();
        let t0 = s.sim.now();
        let mut polls = Vec::new();
        let r: Option<()> = Wait::new(&s, 250, 100).until(&mut s, |s| {
            polls.push(s.sim.now() - t0);
            None
        });
        assert_eq!(r, None);
        assert_eq!(polls, vec![0, 100, 200, 250]);
    }

    #[test]
    fn the_session_block_limit_caps_every_wait() {
        let mut s = session();
        s.block_limit = 300;
        let t0 = s.sim.now();
        let w = Wait::new(&s, 3_600_000, 100);
        assert_eq!(w.limit, 300);
        assert_eq!(w.until(&mut s, |_| None::<()>), None);
        assert_eq!(s.sim.now() - t0, 300);
    }

    #[test]
    fn a_wait_returns_what_the_poll_found() {
        let mut s = session();
        let t0 = s.sim.now();
        let r =
            Wait::new(&s, 10_000, 100).until(&mut s, |s| (s.sim.now() - t0 >= 500).then_some(7));
        assert_eq!(r, Some(7));
        assert_eq!(s.sim.now() - t0, 500);
    }
}
