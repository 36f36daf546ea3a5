//! The workloads story: each Deployment with its ReplicaSets side by side
//! (desired/current/ready), the rolling update's surge/unavailable budget,
//! and the revision history from `deployment.kubernetes.io/revision`.

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubarium_engine::api::{apps, registry, Object};
use kubarium_engine::controller::deployment::util;
use kubarium_engine::Simulation;

use super::ObjRef;

/// The revision annotation the deployment controller writes.
pub const REVISION: &str = "deployment.kubernetes.io/revision";
/// The change-cause annotation `rollout history` prints.
pub const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";

/// One ReplicaSet of a Deployment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RsCard {
    /// The ReplicaSet.
    pub obj: ObjRef,
    /// Its revision.
    pub revision: i64,
    /// `spec.replicas`.
    pub desired: i32,
    /// `status.replicas`.
    pub current: i32,
    /// `status.readyReplicas`.
    pub ready: i32,
    /// `status.availableReplicas`.
    pub available: i32,
    /// Container images of its template.
    pub images: String,
    /// Whether it is the Deployment's new ReplicaSet (the highest revision).
    pub is_new: bool,
    /// `kubernetes.io/change-cause`, if set.
    pub change_cause: String,
}

/// One Deployment's rollout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeploymentStory {
    /// The Deployment.
    pub obj: ObjRef,
    /// `RollingUpdate` or `Recreate`.
    pub strategy: String,
    /// `spec.replicas`.
    pub desired: i32,
    /// `status.replicas` (pods of every ReplicaSet).
    pub current: i32,
    /// `status.updatedReplicas`.
    pub updated: i32,
    /// `status.readyReplicas`.
    pub ready: i32,
    /// `status.availableReplicas`.
    pub available: i32,
    /// maxSurge resolved to a count (rounded up, as upstream).
    pub max_surge: i32,
    /// maxUnavailable resolved to a count (rounded down, as upstream).
    pub max_unavailable: i32,
    /// The spec text of maxSurge/maxUnavailable (`25%`).
    pub surge_text: String,
    /// The spec text of maxUnavailable.
    pub unavailable_text: String,
    /// ReplicaSets with pods or wanted pods, newest first: the rollout's actors.
    pub active: Vec<RsCard>,
    /// Every ReplicaSet, newest revision first: the history.
    pub history: Vec<RsCard>,
}

impl DeploymentStory {
    /// The most pods the rollout may run at once (desired + surge).
    pub fn max_pods(&self) -> i32 {
        self.desired + self.max_surge
    }

    /// The fewest available pods the rollout keeps (desired − unavailable).
    pub fn min_available(&self) -> i32 {
        (self.desired - self.max_unavailable).max(0)
    }
}

/// The spec text of maxSurge or maxUnavailable (`25%`, `1`), with the API
/// server's default when unset.
fn budget_text(v: Option<&IntOrString>) -> String {
    match v {
        Some(IntOrString::Int(i)) => i.to_string(),
        Some(IntOrString::String(s)) => s.clone(),
        None => "25%".into(),
    }
}

fn images(rs: &apps::ReplicaSet) -> String {
    rs.spec
        .as_ref()
        .and_then(|s| s.template.as_ref())
        .and_then(|t| t.spec.as_ref())
        .map(|s| {
            s.containers
                .iter()
                .map(|c| c.image.clone().unwrap_or_default())
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default()
}

/// Builds the story of every Deployment, by namespace and name.
pub fn stories(sim: &Simulation) -> Vec<DeploymentStory> {
    let api = sim.api();
    let dep_res = registry::by_kind("apps/v1", "Deployment").expect("served");
    let mut out = Vec::new();
    for o in api.list(dep_res, None) {
        let Object::Deployment(d) = o else { continue };
        let Some(uid) = d.metadata.uid.as_deref() else {
            continue;
        };
        let spec = d.spec.as_ref();
        let status = d.status.as_ref();
        let desired = spec.and_then(|s| s.replicas).unwrap_or(1);
        let strategy = spec.and_then(|s| s.strategy.as_ref());
        let kind = strategy
            .and_then(|s| s.type_.clone())
            .unwrap_or_else(|| "RollingUpdate".into());
        let ru = strategy.and_then(|s| s.rolling_update.as_ref());
        let surge_text = budget_text(ru.and_then(|r| r.max_surge.as_ref()));
        let unavailable_text = budget_text(ru.and_then(|r| r.max_unavailable.as_ref()));
        // The controller's own budget (ResolveFenceposts); Recreate stops
        // every old pod before it starts a new one.
        let surge = util::max_surge(d);
        let unavailable = if kind == "Recreate" {
            desired
        } else {
            util::max_unavailable(d)
        };
        let mut cards: Vec<RsCard> = api
            .dependents_of(uid)
            .iter()
            .filter_map(|o| match &**o {
                Object::ReplicaSet(rs) => Some(rs.clone()),
                _ => None,
            })
            .map(|rs| {
                let ann = rs.metadata.annotations.as_ref();
                let st = rs.status.as_ref();
                RsCard {
                    obj: ObjRef::new(
                        "ReplicaSet",
                        rs.metadata.namespace.as_deref().unwrap_or(""),
                        rs.metadata.name.as_deref().unwrap_or(""),
                    ),
                    revision: ann
                        .and_then(|a| a.get(REVISION))
                        .and_then(|r| r.parse().ok())
                        .unwrap_or(0),
                    desired: rs.spec.as_ref().and_then(|s| s.replicas).unwrap_or(0),
                    current: st.map(|s| s.replicas).unwrap_or(0),
                    ready: st.and_then(|s| s.ready_replicas).unwrap_or(0),
                    available: st.and_then(|s| s.available_replicas).unwrap_or(0),
                    images: images(&rs),
                    is_new: false,
                    change_cause: ann
                        .and_then(|a| a.get(CHANGE_CAUSE))
                        .cloned()
                        .unwrap_or_default(),
                }
            })
            .collect();
        cards.sort_by(|a, b| b.revision.cmp(&a.revision).then(a.obj.cmp(&b.obj)));
        if let Some(first) = cards.first_mut() {
            first.is_new = true;
        }
        let active = cards
            .iter()
            .filter(|c| c.is_new || c.desired > 0 || c.current > 0)
            .cloned()
            .collect();
        out.push(DeploymentStory {
            obj: ObjRef::of(o),
            strategy: kind,
            desired,
            current: status.and_then(|s| s.replicas).unwrap_or(0),
            updated: status.and_then(|s| s.updated_replicas).unwrap_or(0),
            ready: status.and_then(|s| s.ready_replicas).unwrap_or(0),
            available: status.and_then(|s| s.available_replicas).unwrap_or(0),
            max_surge: surge,
            max_unavailable: unavailable,
            surge_text,
            unavailable_text,
            active,
            history: cards,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::clock::SECOND;
    use kubarium_engine::simulation::ClusterConfig;
    use kubarium_kubectl::Session;

    #[test]
    fn rollout_shows_old_and_new_replicasets_with_budget_and_history() {
        let mut s = Session::new(Simulation::new(ClusterConfig::default()));
        s.run(
            "kubectl create deployment web --image=nginx:1.26 --replicas=4",
            None,
        );
        s.sim.advance(30 * SECOND);
        let out = s.run("kubectl set image deployment/web nginx=nginx:1.27", None);
        assert_eq!(out.exit_code, 0, "{out:?}");
        // Mid-rollout: both ReplicaSets have pods.
        s.sim.advance(SECOND);
        let st = stories(&s.sim);
        assert_eq!(st.len(), 2, "coredns and web");
        assert_eq!(st[0].obj.name, "web", "default sorts before kube-system");
        let web = &st[0];
        assert_eq!(web.obj, ObjRef::new("Deployment", "default", "web"));
        assert_eq!((web.desired, web.max_surge, web.max_unavailable), (4, 1, 1));
        assert_eq!((web.max_pods(), web.min_available()), (5, 3));
        assert_eq!(web.active.len(), 2, "{:?}", web.active);
        assert!(web.active[0].is_new && web.active[0].images == "nginx:1.27");
        assert_eq!(web.active[0].revision, 2);
        assert_eq!(web.active[1].images, "nginx:1.26");
        assert!(web.active.iter().map(|c| c.current).sum::<i32>() <= web.max_pods());
        // Settled: the old one is scaled to zero but stays in the history.
        s.sim.advance(60 * SECOND);
        let web = &stories(&s.sim)[0];
        assert_eq!(web.active.len(), 1, "{:?}", web.active);
        assert_eq!(web.history.len(), 2);
        assert_eq!(web.history[1].desired, 0);
        assert_eq!(
            web.history.iter().map(|c| c.revision).collect::<Vec<_>>(),
            [2, 1]
        );
        assert_eq!(web.ready, 4);
        // Rolling back makes revision 1's template revision 3.
        s.run("kubectl rollout undo deployment/web", None);
        s.sim.advance(60 * SECOND);
        let web = &stories(&s.sim)[0];
        assert_eq!(web.history[0].revision, 3);
        assert_eq!(web.history[0].images, "nginx:1.26");
    }
}
