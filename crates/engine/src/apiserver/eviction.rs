//! The `pods/eviction` subresource (pkg/registry/core/pod/storage/eviction.go):
//! a delete that asks permission first. Pods that are not running anyway
//! (Pending, Succeeded, Failed, already terminating) are deleted at once;
//! a running pod is marked with the `DisruptionTarget` condition
//! (`EvictionByEvictionAPI`) and deleted with the given options.

use super::{set_condition, ApiError, ApiServer, DeleteOptions, Reason, User};
use crate::api::policy::PodDisruptionBudget;
use crate::api::{core, registry, Object};
use std::sync::Arc;

impl ApiServer {
    /// Evicts pod `namespace/name` (POST `pods/{name}/eviction`).
    pub fn evict(
        &mut self,
        user: User,
        namespace: &str,
        name: &str,
        opts: DeleteOptions,
    ) -> Result<Arc<Object>, ApiError> {
        let r = self.do_evict(namespace, name, opts);
        let res = registry::by_kind("v1", "Pod").expect("pods");
        let code = match &r {
            Ok(_) => 201,
            Err(e) => e.reason.code(),
        };
        self.trace_request(
            user,
            "create",
            res.plural,
            namespace,
            &format!("{name}/eviction"),
            code,
        );
        r
    }

    fn do_evict(
        &mut self,
        namespace: &str,
        name: &str,
        opts: DeleteOptions,
    ) -> Result<Arc<Object>, ApiError> {
        let res = registry::by_kind("v1", "Pod").expect("pods");
        let pod = self
            .get_typed::<core::Pod>(res, namespace, name)
            .cloned()
            .ok_or_else(|| ApiError::not_found(res, name))?;
        let phase = crate::api::podutil::phase(&pod).to_string();
        // canIgnorePDB: pods that are not running need no budget.
        let ignore_budget = matches!(phase.as_str(), "Succeeded" | "Failed" | "Pending")
            || pod.metadata.deletion_timestamp.is_some();
        if !ignore_budget {
            self.check_disruption_budget(&pod)?;
            if let Some(mut status) = pod.status.clone() {
                let now = self.clock.time();
                set_condition(
                    &mut status,
                    "DisruptionTarget",
                    "True",
                    Some("EvictionByEvictionAPI"),
                    Some("Eviction API: evicting"),
                    &now,
                );
                let _ = self.update_pod_status(
                    "system:serviceaccount:kube-system:eviction",
                    namespace,
                    name,
                    status,
                );
            }
        }
        self.do_delete(res, namespace, name, opts)
    }
}

impl ApiServer {
    /// The budget check of the eviction REST handler: at most one budget
    /// may select the pod; a budget whose status is stale or allows no
    /// disruption answers 429; otherwise one disruption is taken (the
    /// budget's `disruptionsAllowed` goes down and the pod is recorded in
    /// `disruptedPods`, both written before the pod is deleted). Unready
    /// pods may go while the budget is met (`IfHealthyBudget`, the
    /// default) or always (`AlwaysAllow`).
    fn check_disruption_budget(&mut self, pod: &core::Pod) -> Result<(), ApiError> {
        let ns = pod.metadata.namespace.clone().unwrap_or_default();
        let budgets: Vec<PodDisruptionBudget> =
            crate::controller::disruption::pdbs_for_pod(self, &ns, pod.metadata.labels.as_ref())
                .into_iter()
                .cloned()
                .collect();
        let pdb = match budgets.as_slice() {
            [] => return Ok(()),
            [one] => one.clone(),
            _ => {
                return Err(ApiError::new(
                    Reason::InternalError,
                    "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.",
                ))
            }
        };
        let status = pdb.status.clone().unwrap_or_default();
        let spec = pdb.spec.clone().unwrap_or_default();
        let too_many = || {
            ApiError::new(
                Reason::TooManyRequests,
                "Cannot evict pod as it would violate the pod's disruption budget.",
            )
        };
        if !crate::api::podutil::is_ready(pod) {
            let policy = spec
                .unhealthy_pod_eviction_policy
                .as_deref()
                .unwrap_or("IfHealthyBudget");
            let budget_met =
                status.current_healthy >= status.desired_healthy && status.desired_healthy > 0;
            if policy == "AlwaysAllow" || budget_met {
                return Ok(());
            }
        }
        if status.observed_generation.unwrap_or(0) < pdb.metadata.generation.unwrap_or(0) {
            return Err(too_many());
        }
        if status.disruptions_allowed < 0 {
            return Err(ApiError::new(
                Reason::Forbidden,
                "pdb disruptions allowed is negative",
            ));
        }
        let disrupted = status.disrupted_pods.clone().unwrap_or_default();
        if disrupted.len() > MAX_DISRUPTED_POD_SIZE {
            return Err(ApiError::new(
                Reason::Forbidden,
                "DisruptedPods map too big - too many evictions not confirmed by PDB controller",
            ));
        }
        if status.disruptions_allowed == 0 {
            return Err(too_many());
        }
        let mut next = pdb.clone();
        let st = next.status.get_or_insert_with(Default::default);
        st.disruptions_allowed -= 1;
        let name = pod.metadata.name.clone().unwrap_or_default();
        st.disrupted_pods
            .get_or_insert_with(Default::default)
            .insert(name, self.clock.time());
        let res = crate::controller::disruption::pdb_res();
        let pdb_name = pdb.metadata.name.clone().unwrap_or_default();
        let r = self.do_update(Object::PodDisruptionBudget(Box::new(next)), true);
        self.traced(
            "system:serviceaccount:kube-system:eviction",
            "update",
            res,
            &ns,
            &format!("{pdb_name}/status"),
            r,
        )
        .map(|_| ())
    }
}

/// Upstream's `MaxDisruptedPodSize`.
const MAX_DISRUPTED_POD_SIZE: usize = 2000;
