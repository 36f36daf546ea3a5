use super::*;
use serde_json::json;

/// 2025-03-03T10:00:00Z
const NOW: i64 = 1_740_996_000_000;

fn obj(v: serde_json::Value) -> Object {
    let api = v["apiVersion"].as_str().unwrap().to_string();
    let kind = v["kind"].as_str().unwrap().to_string();
    Object::from_value(&api, &kind, v).unwrap().unwrap()
}

fn opts() -> TableOptions {
    TableOptions {
        now_ms: NOW,
        ..Default::default()
    }
}

fn pod(name: &str, spec: serde_json::Value, status: serde_json::Value) -> Object {
    obj(json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": name, "namespace": "default", "creationTimestamp": "2025-03-03T09:58:51Z", "labels": {"run": name}},
        "spec": spec, "status": status,
    }))
}

fn one_container() -> serde_json::Value {
    json!({"containers": [{"name": "app", "image": "nginx"}], "nodeName": "node-1"})
}

fn status_of(p: &Object) -> String {
    let t = table(&[p], &opts());
    t.rows[0][2].clone()
}

#[test]
fn running_pod_row_and_wide_columns() {
    let p = pod(
        "nginx",
        one_container(),
        json!({"phase": "Running", "podIP": "10.244.0.5", "podIPs": [{"ip": "10.244.0.5"}],
               "conditions": [{"type": "Ready", "status": "True"}],
               "containerStatuses": [{"name": "app", "image": "nginx", "imageID": "", "ready": true, "restartCount": 0,
                                      "state": {"running": {"startedAt": "2025-03-03T09:59:00Z"}}}]}),
    );
    let t = table(&[&p], &opts());
    assert_eq!(
        t.render(),
        "NAME    READY   STATUS    RESTARTS   AGE\nnginx   1/1     Running   0          69s\n"
    );
    let t = table(
        &[&p],
        &TableOptions {
            wide: true,
            ..opts()
        },
    );
    assert_eq!(
        t.render(),
        "NAME    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n\
         nginx   1/1     Running   0          69s   10.244.0.5   node-1   <none>           <none>\n"
    );
    let t = table(
        &[&p],
        &TableOptions {
            with_namespace: true,
            show_labels: true,
            with_kind: true,
            ..opts()
        },
    );
    assert_eq!(
        t.render(),
        "NAMESPACE   NAME        READY   STATUS    RESTARTS   AGE   LABELS\n\
         default     pod/nginx   1/1     Running   0          69s   run=nginx\n"
    );
}

#[test]
fn crash_looping_pod_shows_restarts_with_last_restart_age() {
    let p = pod(
        "echo-lp",
        one_container(),
        json!({"phase": "Running",
               "containerStatuses": [{"name": "app", "image": "nginx", "imageID": "", "ready": false, "restartCount": 4,
                   "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                   "lastState": {"terminated": {"exitCode": 2, "reason": "Error", "finishedAt": "2025-03-03T09:59:36Z"}}}]}),
    );
    assert_eq!(
        table(&[&p], &opts()).render(),
        "NAME      READY   STATUS             RESTARTS      AGE\necho-lp   0/1     CrashLoopBackOff   4 (24s ago)   69s\n"
    );
}

#[test]
fn pod_status_reasons_follow_print_pod() {
    let waiting = |r: &str| {
        pod(
            "p",
            one_container(),
            json!({"phase": "Pending", "containerStatuses": [{"name": "app", "image": "", "imageID": "",
            "ready": false, "restartCount": 0, "state": {"waiting": {"reason": r}}}]}),
        )
    };
    for r in [
        "ContainerCreating",
        "ErrImagePull",
        "ImagePullBackOff",
        "CreateContainerConfigError",
    ] {
        assert_eq!(status_of(&waiting(r)), r);
    }
    let terminated = |reason: Option<&str>, code: i32, signal: Option<i32>| {
        let mut t = json!({"exitCode": code});
        if let Some(r) = reason {
            t["reason"] = json!(r);
        }
        if let Some(s) = signal {
            t["signal"] = json!(s);
        }
        pod(
            "p",
            one_container(),
            json!({"phase": "Failed", "containerStatuses": [{"name": "app", "image": "", "imageID": "",
            "ready": false, "restartCount": 0, "state": {"terminated": t}}]}),
        )
    };
    assert_eq!(
        status_of(&terminated(Some("Completed"), 0, None)),
        "Completed"
    );
    assert_eq!(status_of(&terminated(Some("Error"), 1, None)), "Error");
    assert_eq!(
        status_of(&terminated(Some("OOMKilled"), 137, None)),
        "OOMKilled"
    );
    assert_eq!(status_of(&terminated(None, 3, None)), "ExitCode:3");
    assert_eq!(status_of(&terminated(None, 0, Some(9))), "Signal:9");

    let pending = pod("p", one_container(), json!({"phase": "Pending"}));
    assert_eq!(status_of(&pending), "Pending");
    let gated = pod(
        "p",
        one_container(),
        json!({"phase": "Pending",
        "conditions": [{"type": "PodScheduled", "status": "False", "reason": "SchedulingGated"}]}),
    );
    assert_eq!(status_of(&gated), "SchedulingGated");
    let evicted = pod(
        "p",
        one_container(),
        json!({"phase": "Failed", "reason": "Evicted"}),
    );
    assert_eq!(status_of(&evicted), "Evicted");
}

#[test]
fn terminating_and_node_lost_pods() {
    let mut p = pod("p", one_container(), json!({"phase": "Running"}));
    p.meta_mut().deletion_timestamp =
        Some(meta::Time(DateTime::from_timestamp_millis(NOW).unwrap()));
    assert_eq!(status_of(&p), "Terminating");
    let mut p = pod(
        "p",
        one_container(),
        json!({"phase": "Running", "reason": "NodeLost"}),
    );
    p.meta_mut().deletion_timestamp =
        Some(meta::Time(DateTime::from_timestamp_millis(NOW).unwrap()));
    assert_eq!(status_of(&p), "Unknown");
    let mut p = pod("p", one_container(), json!({"phase": "Succeeded"}));
    p.meta_mut().deletion_timestamp =
        Some(meta::Time(DateTime::from_timestamp_millis(NOW).unwrap()));
    assert_eq!(status_of(&p), "Succeeded");
}

#[test]
fn init_containers_show_progress_and_failures() {
    let spec = json!({"initContainers": [{"name": "i1", "image": "busybox"}, {"name": "i2", "image": "busybox"}],
                      "containers": [{"name": "app", "image": "nginx"}]});
    let cs = |s: serde_json::Value| json!({"name": "x", "image": "", "imageID": "", "ready": false, "restartCount": 0, "state": s});
    let with = |i1: serde_json::Value, i2: serde_json::Value| {
        let mut a = cs(i1);
        a["name"] = json!("i1");
        let mut b = cs(i2);
        b["name"] = json!("i2");
        pod(
            "p",
            spec.clone(),
            json!({"phase": "Pending", "initContainerStatuses": [a, b],
            "containerStatuses": [{"name": "app", "image": "", "imageID": "", "ready": false, "restartCount": 0,
                                   "state": {"waiting": {"reason": "PodInitializing"}}}]}),
        )
    };
    let p = with(
        json!({"running": {}}),
        json!({"waiting": {"reason": "PodInitializing"}}),
    );
    assert_eq!(status_of(&p), "Init:0/2");
    let p = with(
        json!({"terminated": {"exitCode": 0, "reason": "Completed"}}),
        json!({"running": {}}),
    );
    assert_eq!(status_of(&p), "Init:1/2");
    let p = with(
        json!({"terminated": {"exitCode": 1, "reason": "Error"}}),
        json!({"waiting": {"reason": "PodInitializing"}}),
    );
    assert_eq!(status_of(&p), "Init:Error");
    let p = with(json!({"terminated": {"exitCode": 2}}), json!({}));
    assert_eq!(status_of(&p), "Init:ExitCode:2");
    let p = with(
        json!({"waiting": {"reason": "CrashLoopBackOff"}}),
        json!({}),
    );
    assert_eq!(status_of(&p), "Init:CrashLoopBackOff");
    let p = with(
        json!({"terminated": {"exitCode": 0, "reason": "Completed"}}),
        json!({"terminated": {"exitCode": 0, "reason": "Completed"}}),
    );
    assert_eq!(status_of(&p), "PodInitializing");
}

#[test]
fn restartable_init_containers_count_as_containers() {
    let spec = json!({"initContainers": [{"name": "sidecar", "image": "envoy", "restartPolicy": "Always"}],
                      "containers": [{"name": "app", "image": "nginx"}]});
    let p = pod(
        "p",
        spec,
        json!({"phase": "Running",
        "conditions": [{"type": "Initialized", "status": "True"}, {"type": "Ready", "status": "True"}],
        "initContainerStatuses": [{"name": "sidecar", "image": "", "imageID": "", "ready": true, "started": true, "restartCount": 2,
            "state": {"running": {}}, "lastState": {"terminated": {"exitCode": 1, "finishedAt": "2025-03-03T09:55:00Z"}}}],
        "containerStatuses": [{"name": "app", "image": "", "imageID": "", "ready": true, "restartCount": 0, "state": {"running": {}}}]}),
    );
    let t = table(&[&p], &opts());
    assert_eq!(
        t.rows[0][1..4],
        ["2/2".to_string(), "Running".into(), "2 (5m ago)".into()]
    );
}

#[test]
fn completed_with_a_running_container_is_running_or_not_ready() {
    let spec = json!({"containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}]});
    let st = |ready_cond: &str| {
        json!({"phase": "Running", "conditions": [{"type": "Ready", "status": ready_cond}], "containerStatuses": [
            {"name": "a", "image": "", "imageID": "", "ready": true, "restartCount": 0, "state": {"running": {}}},
            {"name": "b", "image": "", "imageID": "", "ready": false, "restartCount": 0, "state": {"terminated": {"exitCode": 0, "reason": "Completed"}}}]})
    };
    assert_eq!(status_of(&pod("p", spec.clone(), st("True"))), "Running");
    assert_eq!(status_of(&pod("p", spec, st("False"))), "NotReady");
}

fn node(name: &str, labels: serde_json::Value, ready: &str, unschedulable: bool) -> Object {
    obj(json!({
        "apiVersion": "v1", "kind": "Node",
        "metadata": {"name": name, "creationTimestamp": "2025-03-01T08:00:00Z", "labels": labels},
        "spec": {"unschedulable": unschedulable},
        "status": {
            "conditions": [{"type": "MemoryPressure", "status": "False"}, {"type": "Ready", "status": ready}],
            "addresses": [{"type": "InternalIP", "address": "172.18.0.2"}, {"type": "Hostname", "address": name}],
            "nodeInfo": {"kubeletVersion": "v1.32.0", "osImage": "Debian GNU/Linux 12 (bookworm)", "kernelVersion": "6.8.0-1017-gcp",
                         "containerRuntimeVersion": "containerd://1.7.24", "architecture": "amd64", "bootID": "", "kubeProxyVersion": "",
                         "machineID": "", "operatingSystem": "linux", "systemUUID": ""}
        }
    }))
}

#[test]
fn node_rows_show_status_roles_and_wide_system_info() {
    let cp = node(
        "kind-control-plane",
        json!({"node-role.kubernetes.io/control-plane": ""}),
        "True",
        false,
    );
    let w = node("kind-worker", json!({}), "True", true);
    let nr = node(
        "kind-worker2",
        json!({"kubernetes.io/role": "infra", "node-role.kubernetes.io/gpu": ""}),
        "Unknown",
        false,
    );
    assert_eq!(
        table(&[&cp, &w, &nr], &opts()).render(),
        "NAME                 STATUS                     ROLES           AGE    VERSION\n\
         kind-control-plane   Ready                      control-plane   2d2h   v1.32.0\n\
         kind-worker          Ready,SchedulingDisabled   <none>          2d2h   v1.32.0\n\
         kind-worker2         NotReady                   gpu,infra       2d2h   v1.32.0\n"
    );
    assert_eq!(
        table(&[&cp], &TableOptions { wide: true, ..opts() }).render(),
        "NAME                 STATUS   ROLES           AGE    VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION   CONTAINER-RUNTIME\n\
         kind-control-plane   Ready    control-plane   2d2h   v1.32.0   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-1017-gcp   containerd://1.7.24\n"
    );
}

#[test]
fn simple_kinds() {
    let ns = obj(
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default", "creationTimestamp": "2025-03-03T09:00:00Z"}, "status": {"phase": "Active"}}),
    );
    assert_eq!(
        table(&[&ns], &opts()).render(),
        "NAME      STATUS   AGE\ndefault   Active   60m\n"
    );
    let cm = obj(
        json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "kube-root-ca.crt", "namespace": "default", "creationTimestamp": "2025-03-03T09:00:00Z"}, "data": {"ca.crt": "x"}}),
    );
    assert_eq!(
        table(&[&cm], &opts()).render(),
        "NAME               DATA   AGE\nkube-root-ca.crt   1      60m\n"
    );
    let s = obj(
        json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "creds", "namespace": "default", "creationTimestamp": "2025-03-03T09:59:00Z"}, "type": "Opaque", "data": {"a": "eA==", "b": "eA=="}}),
    );
    assert_eq!(
        table(&[&s], &opts()).render(),
        "NAME    TYPE     DATA   AGE\ncreds   Opaque   2      60s\n"
    );
    let sa = obj(
        json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "default", "creationTimestamp": "2025-03-03T09:00:00Z"}}),
    );
    assert_eq!(
        table(&[&sa], &opts()).render(),
        "NAME      SECRETS   AGE\ndefault   0         60m\n"
    );
    let l = obj(
        json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": {"name": "node-1", "namespace": "kube-node-lease", "creationTimestamp": "2025-03-03T09:00:00Z"}, "spec": {"holderIdentity": "node-1"}}),
    );
    assert_eq!(
        table(&[&l], &opts()).render(),
        "NAME     HOLDER   AGE\nnode-1   node-1   60m\n"
    );
    assert_eq!(
        table(
            &[&l],
            &TableOptions {
                with_kind: true,
                ..opts()
            }
        )
        .rows[0][0],
        "lease.coordination.k8s.io/node-1"
    );
}

#[test]
fn replica_set_rows_with_wide_columns_and_kind_prefix() {
    let rs = obj(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
        "metadata": {"name": "echo-deploy-77dbb94b69", "namespace": "default", "creationTimestamp": "2025-03-03T09:58:49Z"},
        "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "echo", "pod-template-hash": "77dbb94b69"},
                 "matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "app"]}]},
                 "template": {"spec": {"containers": [{"name": "echo", "image": "ghcr.io/subicura/echo:v1"}, {"name": "side", "image": "busybox"}]}}},
        "status": {"replicas": 4, "readyReplicas": 4}}));
    assert_eq!(
        table(
            &[&rs],
            &TableOptions {
                with_kind: true,
                ..opts()
            }
        )
        .render(),
        "NAME                                     DESIRED   CURRENT   READY   AGE\n\
         replicaset.apps/echo-deploy-77dbb94b69   4         4         4       71s\n"
    );
    assert_eq!(
        table(
            &[&rs],
            &TableOptions {
                wide: true,
                ..opts()
            }
        )
        .rows[0][5..],
        [
            "echo,side".to_string(),
            "ghcr.io/subicura/echo:v1,busybox".into(),
            "app=echo,pod-template-hash=77dbb94b69,tier in (app,web)".into()
        ]
    );
}

fn event(v: serde_json::Value) -> Object {
    let mut base = json!({"apiVersion": "v1", "kind": "Event",
        "metadata": {"name": "nginx.1829", "namespace": "default"},
        "involvedObject": {"kind": "Pod", "name": "nginx", "namespace": "default"},
        "source": {"component": "kubelet", "host": "node-1"}});
    for (k, x) in v.as_object().unwrap() {
        base[k] = x.clone();
    }
    obj(base)
}

#[test]
fn get_events_and_kubectl_events_layouts() {
    let e1 = event(
        json!({"type": "Normal", "reason": "Scheduled", "message": "Successfully assigned default/nginx to node-1",
        "firstTimestamp": "2025-03-03T09:58:24Z", "lastTimestamp": "2025-03-03T09:58:24Z", "count": 1,
        "source": {"component": "default-scheduler"}}),
    );
    let e2 = event(
        json!({"type": "Warning", "reason": "BackOff", "message": "Back-off restarting failed container app in pod nginx_default(uid)\n",
        "firstTimestamp": "2025-03-03T09:58:44Z", "lastTimestamp": "2025-03-03T09:59:50Z", "count": 5,
        "involvedObject": {"kind": "Pod", "name": "nginx", "fieldPath": "spec.containers{app}"}}),
    );
    assert_eq!(
        table(&[&e1, &e2], &opts()).render(),
        "LAST SEEN   TYPE      REASON      OBJECT      MESSAGE\n\
         96s         Normal    Scheduled   pod/nginx   Successfully assigned default/nginx to node-1\n\
         10s         Warning   BackOff     pod/nginx   Back-off restarting failed container app in pod nginx_default(uid)\n"
    );
    assert_eq!(
        table(
            &[&e2],
            &TableOptions {
                wide: true,
                with_kind: true,
                ..opts()
            }
        )
        .rows[0],
        [
            "10s",
            "Warning",
            "BackOff",
            "pod/nginx",
            "spec.containers{app}",
            "kubelet, node-1",
            "Back-off restarting failed container app in pod nginx_default(uid)",
            "76s",
            "5",
            "event/nginx.1829"
        ]
    );
    let evs: Vec<&core::Event> = [&e2, &e1]
        .into_iter()
        .map(|o| <&core::Event>::try_from(o).unwrap())
        .collect();
    assert_eq!(
        events_table(&evs, NOW, false).render(),
        "LAST SEEN           TYPE      REASON      OBJECT      MESSAGE\n\
         96s                 Normal    Scheduled   Pod/nginx   Successfully assigned default/nginx to node-1\n\
         10s (x5 over 76s)   Warning   BackOff     Pod/nginx   Back-off restarting failed container app in pod nginx_default(uid)\n"
    );
}

#[test]
fn empty_input_gives_an_empty_table() {
    assert!(table(&[], &opts()).is_empty());
}

#[test]
fn deployment_rows_show_ready_of_desired_and_wide_columns() {
    let d = obj(json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default", "creationTimestamp": "2025-03-03T09:58:51Z"},
        "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}, {"name": "log", "image": "busybox"}]}}},
        "status": {"replicas": 4, "updatedReplicas": 1, "readyReplicas": 2, "availableReplicas": 2}
    }));
    assert_eq!(
        table(&[&d], &opts()).render(),
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    2/3     1            2           69s\n"
    );
    let t = table(
        &[&d],
        &TableOptions {
            wide: true,
            ..opts()
        },
    );
    assert_eq!(
        t.render(),
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES               SELECTOR\nweb    2/3     1            2           69s   nginx,log    nginx:1.27,busybox   app=web\n"
    );
}
