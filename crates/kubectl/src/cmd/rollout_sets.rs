//! What `kubectl rollout status|history|undo|restart` and `kubectl scale` do
//! for DaemonSets and StatefulSets (k8s.io/kubectl/pkg/polymorphichelpers:
//! `DaemonSetStatusViewer`, `StatefulSetStatusViewer`,
//! `DaemonSetHistoryViewer`, `StatefulSetHistoryViewer`,
//! `DaemonSetRollbacker`, `StatefulSetRollbacker`, `defaultObjectRestarter`;
//! k8s.io/kubectl/pkg/scale).
//!
//! The `rollout` command itself (flag parsing, waiting on virtual time)
//! lives with the Deployment variants in `cmd/rollout.rs`, which calls these
//! functions for `ds`/`sts`; `kubectl scale statefulset` is the generic
//! scale in `cmd/scale.rs`. Each returns what kubectl prints on stdout, or
//! its error text.

use crate::Session;
use kubarium_engine::api::{apps, core, registry, Object};
use kubarium_engine::apiserver::ApiError;
use kubarium_engine::controller::history;

const USER: &str = "kubectl";
const CHANGE_CAUSE: &str = "kubernetes.io/change-cause";
const RESTARTED_AT: &str = "kubectl.kubernetes.io/restartedAt";

fn get_ds(s: &Session, ns: &str, name: &str) -> Result<apps::DaemonSet, String> {
    let r = registry::by_kind("apps/v1", "DaemonSet").unwrap();
    s.sim
        .api()
        .get_typed::<apps::DaemonSet>(r, ns, name)
        .cloned()
        .ok_or_else(|| {
            format!("Error from server (NotFound): daemonsets.apps \"{name}\" not found")
        })
}

fn get_sts(s: &Session, ns: &str, name: &str) -> Result<apps::StatefulSet, String> {
    let r = registry::by_kind("apps/v1", "StatefulSet").unwrap();
    s.sim
        .api()
        .get_typed::<apps::StatefulSet>(r, ns, name)
        .cloned()
        .ok_or_else(|| {
            format!("Error from server (NotFound): statefulsets.apps \"{name}\" not found")
        })
}

fn api_err(e: ApiError) -> String {
    format!("Error from server ({}): {}", e.reason.as_str(), e.message)
}

/// `DaemonSetStatusViewer.Status`: the line kubectl prints and whether the
/// rollout is done.
pub fn status_daemonset(s: &Session, ns: &str, name: &str) -> Result<(String, bool), String> {
    let ds = get_ds(s, ns, name)?;
    let spec = ds.spec.clone().unwrap_or_default();
    let strategy = spec
        .update_strategy
        .and_then(|u| u.type_)
        .unwrap_or_default();
    if strategy != "RollingUpdate" {
        return Err(
            "error: rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    let st = ds.status.clone().unwrap_or_default();
    if ds.metadata.generation.unwrap_or(0) <= st.observed_generation.unwrap_or(0) {
        let updated = st.updated_number_scheduled.unwrap_or(0);
        let available = st.number_available.unwrap_or(0);
        if updated < st.desired_number_scheduled {
            return Ok((
                format!(
                    "Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {} new pods have been updated...\n",
                    st.desired_number_scheduled
                ),
                false,
            ));
        }
        if available < st.desired_number_scheduled {
            return Ok((
                format!(
                    "Waiting for daemon set \"{name}\" rollout to finish: {available} of {} updated pods are available...\n",
                    st.desired_number_scheduled
                ),
                false,
            ));
        }
        return Ok((
            format!("daemon set \"{name}\" successfully rolled out\n"),
            true,
        ));
    }
    Ok((
        "Waiting for daemon set spec update to be observed...\n".into(),
        false,
    ))
}

/// `StatefulSetStatusViewer.Status`.
pub fn status_statefulset(s: &Session, ns: &str, name: &str) -> Result<(String, bool), String> {
    let sts = get_sts(s, ns, name)?;
    let spec = sts.spec.clone().unwrap_or_default();
    let strategy = spec.update_strategy.clone().unwrap_or_default();
    if strategy.type_.as_deref() != Some("RollingUpdate") {
        return Err(
            "error: rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    let st = sts.status.clone().unwrap_or_default();
    let observed = st.observed_generation.unwrap_or(0);
    if observed == 0 || sts.metadata.generation.unwrap_or(0) > observed {
        return Ok((
            "Waiting for statefulset spec update to be observed...\n".into(),
            false,
        ));
    }
    let replicas = spec.replicas.unwrap_or(1);
    let ready = st.ready_replicas.unwrap_or(0);
    if ready < replicas {
        return Ok((
            format!("Waiting for {} pods to be ready...\n", replicas - ready),
            false,
        ));
    }
    let updated = st.updated_replicas.unwrap_or(0);
    if let Some(partition) = strategy.rolling_update.as_ref().and_then(|r| r.partition) {
        if updated < replicas - partition {
            return Ok((
                format!(
                    "Waiting for partitioned roll out to finish: {updated} out of {} new pods have been updated...\n",
                    replicas - partition
                ),
                false,
            ));
        }
        return Ok((
            format!("partitioned roll out complete: {updated} new pods have been updated...\n"),
            true,
        ));
    }
    let (cur, upd) = (
        st.current_revision.unwrap_or_default(),
        st.update_revision.unwrap_or_default(),
    );
    if cur != upd {
        return Ok((
            format!("waiting for statefulset rolling update to complete {updated} pods at revision {upd}...\n"),
            false,
        ));
    }
    Ok((
        format!(
            "statefulset rolling update complete {} pods at revision {cur}...\n",
            st.current_replicas.unwrap_or(0)
        ),
        true,
    ))
}

fn revisions(s: &Session, ns: &str, uid: Option<&str>) -> Vec<apps::ControllerRevision> {
    history::revisions_of(s.sim.api(), ns, uid.unwrap_or(""))
}

/// `printHistory`: the REVISION / CHANGE-CAUSE table (the command prints
/// the `daemonset.apps/NAME ` header line before it).
fn history_table(revs: &[apps::ControllerRevision]) -> String {
    let rows: Vec<(String, String)> = revs
        .iter()
        .map(|r| {
            let cause = r
                .metadata
                .annotations
                .as_ref()
                .and_then(|a| a.get(CHANGE_CAUSE))
                .filter(|c| !c.is_empty())
                .cloned()
                .unwrap_or_else(|| "<none>".into());
            (r.revision.to_string(), cause)
        })
        .collect();
    let width = rows
        .iter()
        .map(|r| r.0.len())
        .chain(std::iter::once("REVISION".len()))
        .max()
        .unwrap_or(8)
        + 2;
    let mut out = format!("{:<width$}CHANGE-CAUSE\n", "REVISION");
    for (rev, cause) in rows {
        out.push_str(&format!("{rev:<width$}{cause}\n"));
    }
    out
}

/// `DaemonSetHistoryViewer.ViewHistory` without `--revision`.
pub fn history_daemonset(s: &Session, ns: &str, name: &str) -> Result<String, String> {
    let ds = get_ds(s, ns, name)?;
    Ok(history_table(&revisions(s, ns, ds.metadata.uid.as_deref())))
}

/// `StatefulSetHistoryViewer.ViewHistory` without `--revision`.
pub fn history_statefulset(s: &Session, ns: &str, name: &str) -> Result<String, String> {
    let sts = get_sts(s, ns, name)?;
    Ok(history_table(&revisions(
        s,
        ns,
        sts.metadata.uid.as_deref(),
    )))
}

/// The revision `rollout undo` goes back to: `to_revision`, or with 0 the
/// newest one before the current (`findHistory`).
fn find_revision(
    revs: &[apps::ControllerRevision],
    to_revision: i64,
) -> Result<apps::ControllerRevision, String> {
    if to_revision == 0 {
        if revs.len() <= 1 {
            return Err("error: no last revision to roll back to".into());
        }
        return Ok(revs[revs.len() - 2].clone());
    }
    revs.iter()
        .find(|r| r.revision == to_revision)
        .cloned()
        .ok_or_else(|| format!("error: unable to find specified revision {to_revision} in history"))
}

/// `DaemonSetRollbacker.Rollback`: `daemonset.apps/NAME rolled back`, or
/// `skipped rollback (...)` when the template already matches.
pub fn undo_daemonset(
    s: &mut Session,
    ns: &str,
    name: &str,
    to_revision: i64,
) -> Result<String, String> {
    let mut ds = get_ds(s, ns, name)?;
    let target = find_revision(&revisions(s, ns, ds.metadata.uid.as_deref()), to_revision)?;
    let template = history::template_of(&target).unwrap_or_default();
    let spec = ds.spec.get_or_insert_with(Default::default);
    if spec.template == template {
        return Ok(format!(
            "daemonset.apps/{name} skipped rollback (current template already matches revision {})\n",
            target.revision
        ));
    }
    spec.template = template;
    ds.metadata.resource_version = None;
    s.sim
        .with_api(|api| api.update(USER, Object::DaemonSet(Box::new(ds))))
        .map_err(api_err)?;
    Ok(format!("daemonset.apps/{name} rolled back\n"))
}

/// `StatefulSetRollbacker.Rollback`.
pub fn undo_statefulset(
    s: &mut Session,
    ns: &str,
    name: &str,
    to_revision: i64,
) -> Result<String, String> {
    let mut sts = get_sts(s, ns, name)?;
    let target = find_revision(&revisions(s, ns, sts.metadata.uid.as_deref()), to_revision)?;
    let template = history::template_of(&target).unwrap_or_default();
    let spec = sts.spec.get_or_insert_with(Default::default);
    if spec.template == template {
        return Ok(format!(
            "statefulset.apps/{name} skipped rollback (current template already matches revision {})\n",
            target.revision
        ));
    }
    spec.template = template;
    sts.metadata.resource_version = None;
    s.sim
        .with_api(|api| api.update(USER, Object::StatefulSet(Box::new(sts))))
        .map_err(api_err)?;
    Ok(format!("statefulset.apps/{name} rolled back\n"))
}

fn restarted_at(s: &Session) -> String {
    let now = s.sim.clock().datetime(s.sim.now());
    now.to_rfc3339_opts(k8s_openapi::chrono::SecondsFormat::Secs, true)
}

fn stamp(template: &mut core::PodTemplateSpec, at: String) {
    template
        .metadata
        .get_or_insert_with(Default::default)
        .annotations
        .get_or_insert_with(Default::default)
        .insert(RESTARTED_AT.into(), at);
}

/// `rollout restart`: the template gets `kubectl.kubernetes.io/restartedAt`.
pub fn restart_daemonset(s: &mut Session, ns: &str, name: &str) -> Result<String, String> {
    let mut ds = get_ds(s, ns, name)?;
    let at = restarted_at(s);
    stamp(
        &mut ds.spec.get_or_insert_with(Default::default).template,
        at,
    );
    ds.metadata.resource_version = None;
    s.sim
        .with_api(|api| api.update(USER, Object::DaemonSet(Box::new(ds))))
        .map_err(api_err)?;
    Ok(format!("daemonset.apps/{name} restarted\n"))
}

/// `rollout restart` of a StatefulSet.
pub fn restart_statefulset(s: &mut Session, ns: &str, name: &str) -> Result<String, String> {
    let mut sts = get_sts(s, ns, name)?;
    let at = restarted_at(s);
    stamp(
        &mut sts.spec.get_or_insert_with(Default::default).template,
        at,
    );
    sts.metadata.resource_version = None;
    s.sim
        .with_api(|api| api.update(USER, Object::StatefulSet(Box::new(sts))))
        .map_err(api_err)?;
    Ok(format!("statefulset.apps/{name} restarted\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::clock::SECOND;
    use kubarium_engine::simulation::ClusterConfig;
    use kubarium_engine::Simulation;

    const DS: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: agent
        image: IMAGE
";

    const STS: &str = "apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: IMAGE
";

    fn session() -> Session {
        Session::new(Simulation::new(ClusterConfig::default()))
    }

    fn apply(s: &mut Session, doc: &str, image: &str) {
        let o = s.run("kubectl apply -f -", Some(&doc.replace("IMAGE", image)));
        assert_eq!(o.exit_code, 0, "{}", o.stderr);
    }

    #[test]
    fn daemonset_status_history_undo_and_restart() {
        let mut s = session();
        apply(&mut s, DS, "nginx:1.27");
        let (msg, done) = status_daemonset(&s, "default", "agent").unwrap();
        assert!(!done, "{msg}");
        s.sim.advance(20 * SECOND);
        assert_eq!(
            status_daemonset(&s, "default", "agent").unwrap(),
            (
                "daemon set \"agent\" successfully rolled out\n".to_string(),
                true
            )
        );
        apply(&mut s, DS, "nginx:1.28");
        s.sim.advance(SECOND);
        let (msg, done) = status_daemonset(&s, "default", "agent").unwrap();
        assert!(!done);
        assert!(
            msg.starts_with("Waiting for daemon set \"agent\" rollout to finish: "),
            "{msg}"
        );
        s.sim.advance(60 * SECOND);
        assert_eq!(
            history_daemonset(&s, "default", "agent").unwrap(),
            "REVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n"
        );
        assert_eq!(
            undo_daemonset(&mut s, "default", "agent", 0).unwrap(),
            "daemonset.apps/agent rolled back\n"
        );
        s.sim.advance(SECOND);
        // Rolling back to revision 1 renumbers it as 3.
        assert_eq!(
            history_daemonset(&s, "default", "agent").unwrap(),
            "REVISION  CHANGE-CAUSE\n2         <none>\n3         <none>\n"
        );
        assert_eq!(
            undo_daemonset(&mut s, "default", "agent", 3).unwrap(),
            "daemonset.apps/agent skipped rollback (current template already matches revision 3)\n"
        );
        assert_eq!(
            undo_daemonset(&mut s, "default", "agent", 9).unwrap_err(),
            "error: unable to find specified revision 9 in history"
        );
        assert_eq!(
            restart_daemonset(&mut s, "default", "agent").unwrap(),
            "daemonset.apps/agent restarted\n"
        );
        assert!(get_ds(&s, "default", "agent")
            .unwrap()
            .spec
            .unwrap()
            .template
            .metadata
            .unwrap()
            .annotations
            .unwrap()
            .contains_key(RESTARTED_AT));
        assert!(status_daemonset(&s, "default", "nope").is_err());
    }

    #[test]
    fn statefulset_scale_status_and_partition() {
        let mut s = session();
        apply(&mut s, STS, "nginx:1.27");
        s.sim.advance(SECOND);
        let (msg, done) = status_statefulset(&s, "default", "web").unwrap();
        assert!(!done);
        assert!(msg.starts_with("Waiting for "), "{msg}");
        s.sim.advance(30 * SECOND);
        let (msg, done) = status_statefulset(&s, "default", "web").unwrap();
        assert!(done, "{msg}");
        assert_eq!(
            msg,
            "partitioned roll out complete: 2 new pods have been updated...\n"
        );
        assert_eq!(
            s.run("kubectl scale statefulset web --replicas=1", None)
                .stdout,
            "statefulset.apps/web scaled\n"
        );
        s.sim.advance(40 * SECOND);
        assert_eq!(
            get_sts(&s, "default", "web")
                .unwrap()
                .status
                .unwrap()
                .replicas,
            1
        );
        assert_eq!(
            history_statefulset(&s, "default", "web").unwrap(),
            "REVISION  CHANGE-CAUSE\n1         <none>\n"
        );
        assert_eq!(
            undo_statefulset(&mut s, "default", "web", 0).unwrap_err(),
            "error: no last revision to roll back to"
        );
        assert_eq!(
            restart_statefulset(&mut s, "default", "web").unwrap(),
            "statefulset.apps/web restarted\n"
        );
        s.sim.advance(SECOND);
        assert_eq!(
            history_statefulset(&s, "default", "web").unwrap(),
            "REVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n"
        );
    }
}
