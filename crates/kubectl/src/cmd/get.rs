//! `kubectl get`, `describe` and `events`.

use super::{list, namespace, now_unix_ms, parse_flags, resolve_type, type_name};
use crate::args::{flag, Kind};
use crate::printers::{describe as d, get as g, table, yaml};
use crate::{Output, Session};
use kubarium_engine::api::registry::{self, ResourceInfo};
use kubarium_engine::api::{selector, Object};

pub(crate) const GET_FLAGS: &[crate::args::FlagSpec] = &[
    flag("output", Some('o'), Kind::Value),
    flag("selector", Some('l'), Kind::Value),
    flag("all-namespaces", Some('A'), Kind::Bool),
    flag("show-labels", None, Kind::Bool),
    flag("watch", Some('w'), Kind::Bool),
    flag("field-selector", None, Kind::Value),
    flag("no-headers", None, Kind::Bool),
    flag("show-kind", None, Kind::Bool),
    flag("filename", Some('f'), Kind::Multi),
];

/// Splits `pods,rs nginx` / `pod/nginx rs/x` into (type, names) requests.
pub(super) fn requests(
    args: &[String],
    out: &mut Output,
) -> Option<Vec<(&'static ResourceInfo, Vec<String>)>> {
    let mut reqs: Vec<(&'static ResourceInfo, Vec<String>)> = Vec::new();
    if args.iter().any(|a| a.contains('/')) {
        for a in args {
            let Some((t, n)) = a.split_once('/') else {
                out.fail(super::MIXED_RESOURCE_FORMS);
                return None;
            };
            let r = resolve_type(t, out)?;
            match reqs.iter_mut().find(|(x, _)| std::ptr::eq(*x, r)) {
                Some((_, names)) => names.push(n.to_string()),
                None => reqs.push((r, vec![n.to_string()])),
            }
        }
        return Some(reqs);
    }
    let (types, names) = args.split_first()?;
    for t in types.split(',') {
        if t == "all" {
            for r in registry::RESOURCES
                .iter()
                .filter(|r| r.categories.contains(&"all"))
            {
                reqs.push((r, names.to_vec()));
            }
            continue;
        }
        reqs.push((resolve_type(t, out)?, names.to_vec()));
    }
    Some(reqs)
}

pub(super) fn get(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("get", words, GET_FLAGS, out) else {
        return;
    };
    if p.args.is_empty() {
        out.out("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n");
        out.fail("error: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples");
        return;
    }
    if p.bool("watch") {
        // A watch streams until interrupted; transcripts and the terminal
        // cannot show that yet, so say so rather than ignore the flag.
        out.fail("error: \"kubectl get --watch\" is not simulated by Kubarium yet; run the command again after a `sleep`");
        return;
    }
    let ns = namespace(s, &p);
    let all_ns = p.bool("all-namespaces");
    let Ok(sel) = super::selector_flag(&p, out) else {
        return;
    };
    let fsel = match p
        .get("field-selector")
        .map(selector::FieldSelector::parse)
        .transpose()
    {
        Ok(f) => f,
        Err(e) => {
            out.fail(format!("Error from server (BadRequest): Unable to find \"\" that match label selector \"\", field selector \"{}\": {e}", p.get("field-selector").unwrap_or("")));
            return;
        }
    };
    let Some(reqs) = requests(&p.args, out) else {
        return;
    };
    let output = p.get("output").unwrap_or("");
    let multi_kind = reqs.len() > 1 || p.args.first().is_some_and(|a| a == "all");
    let mut found: Vec<(&'static ResourceInfo, Vec<Object>)> = Vec::new();
    for (r, names) in &reqs {
        let scope = if all_ns { None } else { Some(ns.as_str()) };
        let mut objs = Vec::new();
        if names.is_empty() {
            for o in list(s, r, scope) {
                if sel
                    .as_ref()
                    .is_none_or(|sel| sel.matches(o.meta().labels.as_ref()))
                    && fsel.as_ref().is_none_or(|f| f.matches(&o.to_value()))
                {
                    objs.push(o);
                }
            }
        } else {
            for n in names {
                match s.sim.api().get(r, &ns, n) {
                    Some(o) => objs.push(o.clone()),
                    None => out.fail(format!(
                        "Error from server (NotFound): {} \"{n}\" not found",
                        r.qualified_plural()
                    )),
                }
            }
        }
        s.sim.with_api(|api| {
            api.trace_request(
                "kubectl",
                if names.is_empty() { "list" } else { "get" },
                r.plural,
                &ns,
                "",
                200,
            )
        });
        found.push((r, objs));
    }
    let total: usize = found.iter().map(|(_, o)| o.len()).sum();
    match output {
        "yaml" | "json" => {
            let values: Vec<serde_json::Value> = found
                .iter()
                .flat_map(|(_, objs)| objs.iter().map(Object::to_value))
                .collect();
            // One named object "implies a single item" (get.go's
            // IntoSingleItemImplied): if it is missing, kubectl prints only
            // the error, not an empty List.
            let single_implied = reqs.len() == 1 && reqs[0].1.len() == 1;
            if single_implied && values.is_empty() {
                return;
            }
            let single = values.len() == 1 && reqs.iter().all(|(_, n)| n.len() == 1);
            let v = if single {
                values.into_iter().next().unwrap()
            } else {
                yaml::list_value(values)
            };
            out.out(if output == "yaml" {
                yaml::to_yaml(&v)
            } else {
                yaml::to_json(&v)
            });
            return;
        }
        "name" => {
            for (r, objs) in &found {
                for o in objs {
                    out.out(format!("{}\n", type_name(r, o.name())));
                }
            }
            return;
        }
        "" | "wide" => {}
        other => {
            out.fail(format!("error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml"));
            return;
        }
    }
    if total == 0 {
        if out.exit_code == 0 {
            let scope = if all_ns { None } else { Some(ns.as_str()) };
            out.err(table::no_resources_message(scope));
        }
        return;
    }
    let now = now_unix_ms(s);
    let mut tables = Vec::new();
    for (r, objs) in &found {
        if objs.is_empty() {
            continue;
        }
        let refs: Vec<&Object> = objs.iter().collect();
        let opts = g::TableOptions {
            now_ms: now,
            wide: output == "wide",
            with_namespace: all_ns,
            show_labels: p.bool("show-labels"),
            with_kind: multi_kind || p.bool("show-kind"),
        };
        let _ = r;
        tables.push(g::table(&refs, &opts));
    }
    let text = if p.bool("no-headers") {
        tables
            .iter()
            .map(|t| t.render_with(false))
            .collect::<Vec<_>>()
            .join("\n")
    } else {
        table::render_tables(&tables)
    };
    out.out(text);
}

pub(crate) const DESCRIBE_FLAGS: &[crate::args::FlagSpec] = &[
    flag("selector", Some('l'), Kind::Value),
    flag("all-namespaces", Some('A'), Kind::Bool),
    flag("show-events", None, Kind::Bool),
    flag("filename", Some('f'), Kind::Multi),
];

pub(super) fn describe(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("describe", words, DESCRIBE_FLAGS, out) else {
        return;
    };
    let Some(reqs) = requests(&p.args, out) else {
        if p.args.is_empty() {
            out.fail("You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.");
        }
        return;
    };
    let ns = namespace(s, &p);
    let now = now_unix_ms(s);
    let mut texts = Vec::new();
    for (r, names) in reqs {
        let candidates = list(s, r, Some(&ns));
        let chosen: Vec<Object> = if names.is_empty() {
            candidates
        } else {
            let mut v = Vec::new();
            for n in &names {
                // Exact name, else every object whose name starts with it (kubectl's prefix match).
                let exact: Vec<Object> = candidates
                    .iter()
                    .filter(|o| o.name() == n)
                    .cloned()
                    .collect();
                let pick = if exact.is_empty() {
                    candidates
                        .iter()
                        .filter(|o| o.name().starts_with(n.as_str()))
                        .cloned()
                        .collect()
                } else {
                    exact
                };
                if pick.is_empty() {
                    out.fail(format!(
                        "Error from server (NotFound): {} \"{n}\" not found",
                        r.qualified_plural()
                    ));
                }
                v.extend(pick);
            }
            v
        };
        for o in chosen {
            match describe_one(s, &o, now) {
                Ok(t) => texts.push(t),
                Err(e) => {
                    out.fail(e);
                    return;
                }
            }
        }
    }
    out.out(d::join_describes(&texts));
}

fn events_for<'a>(all: &[&'a Object], o: &Object) -> Vec<&'a kubarium_engine::api::core::Event> {
    let uid = o.meta().uid.clone();
    let is_node = matches!(o, Object::Node(_));
    let mut v: Vec<&kubarium_engine::api::core::Event> = all
        .iter()
        .filter_map(|e| match e {
            // kubectl finds a node's events by uid and by name (kubelet
            // events name the node as their object).
            Object::Event(ev)
                if ev.involved_object.uid == uid
                    || (is_node
                        && ev.involved_object.kind.as_deref() == Some("Node")
                        && ev.involved_object.name.as_deref() == Some(o.name())) =>
            {
                Some(&**ev)
            }
            _ => None,
        })
        .collect();
    v.sort_by_key(|e| e.last_timestamp.as_ref().map(|t| t.0));
    v
}

/// The pods a controller with `uid` owns (the apiserver's index).
fn owned_pods<'a>(s: &'a Session, uid: Option<&str>) -> Vec<&'a kubarium_engine::api::core::Pod> {
    s.sim
        .api()
        .pods_of_controller(uid.unwrap_or(""))
        .filter_map(|o| match &**o {
            Object::Pod(p) => Some(&**p),
            _ => None,
        })
        .collect()
}

/// Pods in the claim's namespace with a volume naming it (`Used By:`).
fn claim_users(s: &Session, c: &kubarium_engine::api::core::PersistentVolumeClaim) -> Vec<String> {
    let pod_res = registry::by_kind("v1", "Pod").unwrap();
    let name = c.metadata.name.as_deref().unwrap_or("");
    s.sim
        .api()
        .list(pod_res, c.metadata.namespace.as_deref())
        .filter_map(|o| match o {
            Object::Pod(p)
                if p.spec
                    .iter()
                    .flat_map(|s| s.volumes.iter().flatten())
                    .any(|v| {
                        v.persistent_volume_claim
                            .as_ref()
                            .is_some_and(|x| x.claim_name == name)
                    }) =>
            {
                p.metadata.name.clone()
            }
            _ => None,
        })
        .collect()
}

fn describe_one(s: &Session, o: &Object, now: i64) -> Result<String, String> {
    use kubarium_engine::api::core::Pod;
    let ev_res = registry::by_kind("v1", "Event").unwrap();
    let events: Vec<&Object> = s.sim.api().list(ev_res, None).collect();
    let evs = events_for(&events, o);
    let pod_res = registry::by_kind("v1", "Pod").unwrap();
    Ok(match o {
        Object::Pod(p) => d::describe_pod(p, &evs, now),
        Object::Node(n) => {
            // Non-terminated pods on the node.
            let pods: Vec<&Pod> = s
                .sim
                .api()
                .list(pod_res, None)
                .filter_map(|x| match x {
                    Object::Pod(p)
                        if p.spec.as_ref().and_then(|s| s.node_name.as_deref())
                            == n.metadata.name.as_deref()
                            && !matches!(
                                p.status.as_ref().and_then(|s| s.phase.as_deref()),
                                Some("Succeeded" | "Failed")
                            ) =>
                    {
                        Some(&**p)
                    }
                    _ => None,
                })
                .collect();
            let lease_res = registry::by_kind("coordination.k8s.io/v1", "Lease").unwrap();
            let lease = s
                .sim
                .api()
                .get_typed::<kubarium_engine::api::coordination::Lease>(
                    lease_res,
                    "kube-node-lease",
                    n.metadata.name.as_deref().unwrap_or(""),
                );
            d::describe_node(n, &pods, &evs, lease, now)
        }
        Object::ReplicaSet(rs) => {
            let owned: Vec<&Pod> = s
                .sim
                .api()
                .list(pod_res, rs.metadata.namespace.as_deref())
                .filter_map(|x| match x {
                    Object::Pod(p)
                        if p.metadata
                            .owner_references
                            .iter()
                            .flatten()
                            .any(|r| Some(&r.uid) == rs.metadata.uid.as_ref()) =>
                    {
                        Some(&**p)
                    }
                    _ => None,
                })
                .collect();
            d::describe_replica_set(rs, &owned, &evs, now)
        }
        Object::Deployment(dep) => {
            let (old, new) = super::rollout::replica_sets_of(s, dep);
            let old: Vec<_> = old
                .iter()
                .filter(|r| r.spec.as_ref().and_then(|s| s.replicas).unwrap_or(1) != 0)
                .collect();
            d::describe_deployment(dep, &old, new.as_ref(), &evs, now)
        }
        Object::DaemonSet(x) => {
            let owned = owned_pods(s, x.metadata.uid.as_deref());
            d::describe_daemon_set(x, &owned, &evs, now)
        }
        Object::StatefulSet(x) => {
            let owned = owned_pods(s, x.metadata.uid.as_deref());
            d::describe_stateful_set(x, &owned, &evs, now)
        }
        Object::PersistentVolumeClaim(c) => {
            let used_by = claim_users(s, c);
            d::describe_persistent_volume_claim(c, &used_by, &evs, now)
        }
        Object::Namespace(n) => d::describe_namespace(n),
        Object::ConfigMap(c) => d::describe_config_map(c, &evs, now),
        Object::Secret(x) => d::describe_secret(x),
        Object::ServiceAccount(x) => d::describe_service_account(x, &evs, now),
        Object::Job(j) => d::describe_job(j, &evs, now),
        Object::CronJob(cj) => d::describe_cron_job(cj, &evs, now),
        Object::PodDisruptionBudget(x) => d::describe_pod_disruption_budget(x, &evs, now),
        Object::HorizontalPodAutoscaler(x) => d::describe_horizontal_pod_autoscaler(x, &evs, now),
        Object::PriorityClass(x) => d::describe_priority_class(x, &evs, now),
        other => {
            return Err(format!(
                "error: \"kubectl describe {}\" is not simulated by Kubarium yet",
                other.resource().singular
            ))
        }
    })
}

pub(crate) const EVENTS_FLAGS: &[crate::args::FlagSpec] = &[
    flag("all-namespaces", Some('A'), Kind::Bool),
    flag("for", None, Kind::Value),
    flag("types", None, Kind::Value),
    flag("output", Some('o'), Kind::Value),
];

pub(super) fn events(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("events", words, EVENTS_FLAGS, out) else {
        return;
    };
    let ns = namespace(s, &p);
    let ev_res = registry::by_kind("v1", "Event").unwrap();
    let scope = if p.bool("all-namespaces") {
        None
    } else {
        Some(ns.as_str())
    };
    let mut evs: Vec<Object> = list(s, ev_res, scope);
    if let Some(f) = p.get("for") {
        let (kind, name) = f.split_once('/').unwrap_or(("", f));
        evs.retain(|e| match e {
            Object::Event(ev) => {
                ev.involved_object.name.as_deref() == Some(name)
                    && (kind.is_empty()
                        || registry::resolve(kind)
                            .is_some_and(|r| Some(r.kind) == ev.involved_object.kind.as_deref()))
            }
            _ => false,
        });
    }
    if evs.is_empty() {
        out.err(table::no_resources_message(scope.map(|_| ns.as_str())));
        return;
    }
    let refs: Vec<&kubarium_engine::api::core::Event> = evs
        .iter()
        .filter_map(|o| match o {
            Object::Event(e) => Some(&**e),
            _ => None,
        })
        .collect();
    out.out(g::events_table(&refs, now_unix_ms(s), p.bool("all-namespaces")).render());
}
