//! An object's details: its YAML as `kubectl get -o yaml` prints it, its
//! events as `kubectl describe` lists them, its owner and its children.

use kubarium_engine::api::{registry, Object};
use kubarium_engine::Simulation;
use kubarium_kubectl::printers::{get as printers, yaml};

use super::status::{node_status, pod_status};
use super::{ObjRef, Tone};

/// A row of describe's `Events:` table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventLine {
    /// `Normal` or `Warning`.
    pub type_: String,
    /// Reason (`Scheduled`, `Pulled`, `BackOff`, ...).
    pub reason: String,
    /// Age, with `(x3 over 5m)` for repeated events.
    pub age: String,
    /// The reporting component.
    pub from: String,
    /// The message.
    pub message: String,
}

/// What the details panel shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Details {
    /// The object asked for.
    pub obj: ObjRef,
    /// Whether it still exists (the rest is empty when not).
    pub exists: bool,
    /// Status text and tone, for pods and nodes.
    pub status: Option<(String, Tone)>,
    /// `kubectl get -o yaml`.
    pub yaml: String,
    /// Events about it, oldest first.
    pub events: Vec<EventLine>,
    /// Its owners (ownerReferences).
    pub owners: Vec<ObjRef>,
    /// Objects it owns (for a node: the pods on it).
    pub children: Vec<ObjRef>,
}

/// At most this many children are listed.
pub const MAX_CHILDREN: usize = 200;

fn find<'a>(sim: &'a Simulation, r: &ObjRef) -> Option<&'a Object> {
    let res = registry::resolve(&r.kind)?;
    sim.api().get(res, &r.namespace, &r.name)
}

/// Builds the details of `r` from the store.
pub fn details(sim: &Simulation, r: &ObjRef) -> Details {
    let mut d = Details {
        obj: r.clone(),
        exists: false,
        status: None,
        yaml: String::new(),
        events: Vec::new(),
        owners: Vec::new(),
        children: Vec::new(),
    };
    let Some(o) = find(sim, r) else {
        return d;
    };
    d.exists = true;
    d.yaml = yaml::to_yaml(&o.to_value());
    d.status = match o {
        Object::Pod(p) => {
            let s = pod_status(p);
            Some((format!("{} {}", s.text, s.ready), s.tone))
        }
        Object::Node(n) => Some(node_status(n)),
        _ => None,
    };
    let meta = o.meta();
    d.owners = meta
        .owner_references
        .iter()
        .flatten()
        .map(|o| ObjRef::new(&o.kind, &r.namespace, &o.name))
        .collect();
    let api = sim.api();
    if let Object::Node(_) = o {
        let pods = registry::by_kind("v1", "Pod").expect("served");
        d.children = api
            .list(pods, None)
            .filter_map(|obj| match obj {
                Object::Pod(p) if kubarium_engine::api::podutil::node_name(p) == Some(&r.name) => {
                    Some(ObjRef::of(obj))
                }
                _ => None,
            })
            .take(MAX_CHILDREN)
            .collect();
    } else if let Some(uid) = meta.uid.as_deref() {
        let mut kids: Vec<ObjRef> = api
            .dependents_of(uid)
            .iter()
            .map(|o| ObjRef::of(o))
            .collect();
        kids.sort();
        kids.truncate(MAX_CHILDREN);
        d.children = kids;
    }
    // describe's events: by UID, and for nodes also by name (kubelet events
    // name the node), sorted by last timestamp.
    let ev_res = registry::by_kind("v1", "Event").expect("served");
    let is_node = matches!(o, Object::Node(_));
    let scope = if r.namespace.is_empty() {
        None
    } else {
        Some(r.namespace.as_str())
    };
    let mut evs: Vec<&kubarium_engine::api::core::Event> = api
        .list(ev_res, scope)
        .filter_map(|e| match e {
            Object::Event(ev)
                if ev.involved_object.uid == meta.uid
                    || (is_node
                        && ev.involved_object.kind.as_deref() == Some("Node")
                        && ev.involved_object.name.as_deref() == Some(r.name.as_str())) =>
            {
                Some(&**ev)
            }
            _ => None,
        })
        .collect();
    evs.sort_by_key(|e| e.last_timestamp.as_ref().map(|t| t.0));
    let now = sim.clock().datetime(sim.now()).timestamp_millis();
    d.events = evs
        .iter()
        .map(|e| EventLine {
            type_: e.type_.clone().unwrap_or_default(),
            reason: e.reason.clone().unwrap_or_default(),
            age: printers::event_interval(e, now),
            from: e
                .source
                .as_ref()
                .and_then(|s| s.component.clone())
                .filter(|s| !s.is_empty())
                .or_else(|| e.reporting_component.clone())
                .unwrap_or_default(),
            message: e.message.as_deref().unwrap_or("").trim().to_string(),
        })
        .collect();
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::clock::SECOND;
    use kubarium_engine::simulation::ClusterConfig;
    use kubarium_kubectl::Session;

    #[test]
    fn pod_details_show_kubectls_yaml_events_and_owner_chain() {
        let mut s = Session::new(Simulation::new(ClusterConfig::default()));
        s.run(
            "kubectl create deployment web --image=nginx --replicas=1",
            None,
        );
        s.sim.advance(30 * SECOND);
        let pod_name = s
            .run("kubectl get pods -o name", None)
            .stdout
            .trim()
            .trim_start_matches("pod/")
            .to_string();
        let d = details(&s.sim, &ObjRef::new("Pod", "default", &pod_name));
        assert!(d.exists);
        let yaml = s
            .run(&format!("kubectl get pod {pod_name} -o yaml"), None)
            .stdout;
        assert_eq!(d.yaml, yaml, "the YAML is kubectl's");
        assert_eq!(d.status, Some(("Running 1/1".to_string(), Tone::Ok)));
        let reasons: Vec<&str> = d.events.iter().map(|e| e.reason.as_str()).collect();
        assert_eq!(
            reasons,
            ["Scheduled", "Pulling", "Pulled", "Created", "Started"]
        );
        assert_eq!(d.events[0].from, "default-scheduler");
        // The describe Events section has the same rows.
        let describe = s
            .run(&format!("kubectl describe pod {pod_name}"), None)
            .stdout;
        for e in &d.events {
            assert!(
                describe.contains(&e.message),
                "{} not in describe",
                e.message
            );
        }
        // Owner: the ReplicaSet; its owner: the Deployment; its child: the ReplicaSet.
        assert_eq!(d.owners.len(), 1);
        assert_eq!(d.owners[0].kind, "ReplicaSet");
        let rs = details(&s.sim, &d.owners[0]);
        assert!(rs
            .children
            .contains(&ObjRef::new("Pod", "default", &pod_name)));
        assert_eq!(rs.owners, [ObjRef::new("Deployment", "default", "web")]);
        let dep = details(&s.sim, &rs.owners[0]);
        assert_eq!(dep.children, [d.owners[0].clone()]);
    }

    #[test]
    fn node_details_list_its_pods_and_a_missing_object_says_so() {
        let s = Session::new(Simulation::new(ClusterConfig::default()));
        let d = details(&s.sim, &ObjRef::new("Node", "", "control-plane"));
        assert!(d.exists);
        assert!(d.children.iter().any(|c| c.name == "etcd-control-plane"));
        assert!(d.yaml.starts_with("apiVersion: v1\nkind: Node\n"));
        let gone = details(&s.sim, &ObjRef::new("Pod", "default", "nope"));
        assert!(!gone.exists);
        assert!(gone.yaml.is_empty());
    }
}
