//! Expected texts follow real `kubectl describe` output (v1.29–1.32, e.g.
//! minikube/kind clusters), reviewed against describe.go's writes.

use super::*;
use serde_json::json;

/// 2025-03-03T09:01:00Z
const NOW: i64 = 1_740_992_460_000;

fn de<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).unwrap()
}

fn nginx_pod() -> core::Pod {
    de(json!({
        "metadata": {"name": "nginx", "namespace": "default", "labels": {"run": "nginx"}, "creationTimestamp": "2025-03-03T09:00:00Z"},
        "spec": {
            "containers": [{"name": "nginx", "image": "nginx", "volumeMounts": [{"name": "kube-api-access-abcde", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": true}]}],
            "nodeName": "minikube", "priority": 0, "serviceAccountName": "default",
            "tolerations": [
                {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
                {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}
            ],
            "volumes": [{"name": "kube-api-access-abcde", "projected": {"sources": [
                {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
                {"downwardAPI": {"items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}}
            ]}}]
        },
        "status": {
            "phase": "Running", "hostIP": "192.168.49.2", "podIP": "10.244.0.3", "podIPs": [{"ip": "10.244.0.3"}],
            "startTime": "2025-03-03T09:00:00Z", "qosClass": "BestEffort",
            "conditions": [
                {"type": "PodReadyToStartContainers", "status": "True"}, {"type": "Initialized", "status": "True"},
                {"type": "Ready", "status": "True"}, {"type": "ContainersReady", "status": "True"}, {"type": "PodScheduled", "status": "True"}
            ],
            "containerStatuses": [{"name": "nginx", "image": "nginx:latest", "imageID": "docker-pullable://nginx@sha256:abc",
                "containerID": "docker://0123", "ready": true, "restartCount": 0, "started": true,
                "state": {"running": {"startedAt": "2025-03-03T09:00:05Z"}}}]
        }
    }))
}

#[test]
fn describe_pod_reads_like_kubectl() {
    let ev: core::Event = de(
        json!({"metadata": {"name": "nginx.1"}, "involvedObject": {"kind": "Pod", "name": "nginx"},
        "type": "Normal", "reason": "Scheduled", "message": "Successfully assigned default/nginx to minikube",
        "source": {"component": "default-scheduler"}, "firstTimestamp": "2025-03-03T09:00:50Z", "lastTimestamp": "2025-03-03T09:00:50Z", "count": 1}),
    );
    let want = "\
Name:             nginx
Namespace:        default
Priority:         0
Service Account:  default
Node:             minikube/192.168.49.2
Start Time:       Mon, 03 Mar 2025 09:00:00 +0000
Labels:           run=nginx
Annotations:      <none>
Status:           Running
IP:               10.244.0.3
IPs:
  IP:  10.244.0.3
Containers:
  nginx:
    Container ID:   docker://0123
    Image:          nginx
    Image ID:       docker-pullable://nginx@sha256:abc
    Port:           <none>
    Host Port:      <none>
    State:          Running
      Started:      Mon, 03 Mar 2025 09:00:05 +0000
    Ready:          True
    Restart Count:  0
    Environment:    <none>
    Mounts:
      /var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-abcde (ro)
Conditions:
  Type                        Status
  PodReadyToStartContainers   True 
  Initialized                 True 
  Ready                       True 
  ContainersReady             True 
  PodScheduled                True 
Volumes:
  kube-api-access-abcde:
    Type:                    Projected (a volume that contains injected data from multiple sources)
    TokenExpirationSeconds:  3607
    ConfigMapName:           kube-root-ca.crt
    ConfigMapOptional:       <nil>
    DownwardAPI:             true
QoS Class:                   BestEffort
Node-Selectors:              <none>
Tolerations:                 node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:
  Type    Reason     Age   From               Message
  ----    ------     ----  ----               -------
  Normal  Scheduled  10s   default-scheduler  Successfully assigned default/nginx to minikube
";
    assert_eq!(describe_pod(&nginx_pod(), &[&ev], NOW), want);
    let no_events = describe_pod(&nginx_pod(), &[], NOW);
    assert!(no_events.ends_with(
        "                             node.kubernetes.io/unreachable:NoExecute op=Exists for 300s\nEvents:                      <none>\n"
    ));
}

#[test]
fn describe_pod_shows_probes_env_last_state_and_repeated_events() {
    let pod: core::Pod = de(json!({
        "metadata": {"name": "echo-lp", "namespace": "default", "creationTimestamp": "2025-03-03T09:00:00Z",
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "echo-rs", "uid": "u", "controller": true}]},
        "spec": {"containers": [{"name": "app", "image": "ghcr.io/subicura/echo:v1",
            "ports": [{"containerPort": 8080, "protocol": "TCP"}],
            "livenessProbe": {"httpGet": {"path": "/does/not/exist", "port": 8080, "scheme": "HTTP"}, "initialDelaySeconds": 5,
                              "timeoutSeconds": 2, "periodSeconds": 5, "successThreshold": 1, "failureThreshold": 1},
            "readinessProbe": {"exec": {"command": ["cat", "/tmp/healthy"]}, "periodSeconds": 3},
            "env": [{"name": "REDIS_HOST", "value": "localhost"},
                    {"name": "POD_NAME", "valueFrom": {"fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.name"}}},
                    {"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "password"}}}],
            "resources": {"limits": {"memory": "128Mi"}, "requests": {"cpu": "100m", "memory": "64Mi"}}}],
            "nodeName": "minikube"},
        "status": {"phase": "Running", "hostIP": "192.168.49.2",
            "containerStatuses": [{"name": "app", "image": "", "imageID": "", "ready": false, "restartCount": 4,
                "state": {"waiting": {"reason": "CrashLoopBackOff"}},
                "lastState": {"terminated": {"exitCode": 2, "reason": "Error", "startedAt": "2025-03-03T09:00:30Z", "finishedAt": "2025-03-03T09:00:36Z"}}}]}
    }));
    let back_off: core::Event = de(
        json!({"metadata": {"name": "e2"}, "involvedObject": {"kind": "Pod", "name": "echo-lp"},
        "type": "Warning", "reason": "BackOff", "message": "Back-off restarting failed container",
        "source": {"component": "kubelet"}, "firstTimestamp": "2025-03-03T09:00:05Z", "lastTimestamp": "2025-03-03T09:00:05Z", "count": 2}),
    );
    let pulled: core::Event = de(
        json!({"metadata": {"name": "e1"}, "involvedObject": {"kind": "Pod", "name": "echo-lp"},
        "type": "Normal", "reason": "Pulled", "message": "Container image \"ghcr.io/subicura/echo:v1\" already present on machine",
        "reportingComponent": "kubelet", "firstTimestamp": "2025-03-03T08:59:25Z", "lastTimestamp": "2025-03-03T09:00:25Z", "count": 5}),
    );
    let out = describe_pod(&pod, &[&pulled, &back_off], NOW);
    let want_containers = "\
Containers:
  app:
    Container ID:   
    Image:          ghcr.io/subicura/echo:v1
    Image ID:       
    Port:           8080/TCP
    Host Port:      0/TCP
    State:          Waiting
      Reason:       CrashLoopBackOff
    Last State:     Terminated
      Reason:       Error
      Exit Code:    2
      Started:      Mon, 03 Mar 2025 09:00:30 +0000
      Finished:     Mon, 03 Mar 2025 09:00:36 +0000
    Ready:          False
    Restart Count:  4
    Limits:
      memory:  128Mi
    Requests:
      cpu:      100m
      memory:   64Mi
    Liveness:   http-get http://:8080/does/not/exist delay=5s timeout=2s period=5s #success=1 #failure=1
    Readiness:  exec [cat /tmp/healthy] delay=0s timeout=1s period=3s #success=1 #failure=3
    Environment:
      REDIS_HOST:  localhost
      POD_NAME:    echo-lp (v1:metadata.name)
      PASSWORD:    <set to the key 'password' in secret 'creds'>  Optional: false
    Mounts:        <none>
";
    assert!(out.contains(want_containers), "{out}");
    assert!(
        out.contains("Controlled By:  ReplicaSet/echo-rs\n"),
        "{out}"
    );
    assert!(out.contains("IPs:            <none>\n"), "{out}");
    assert!(out.contains("QoS Class:         Burstable\n"), "{out}");
    assert!(out.ends_with(
        "Events:\n\
         \x20 Type     Reason   Age                From     Message\n\
         \x20 ----     ------   ----               ----     -------\n\
         \x20 Warning  BackOff  55s (x2 over 55s)  kubelet  Back-off restarting failed container\n\
         \x20 Normal   Pulled   35s (x5 over 95s)  kubelet  Container image \"ghcr.io/subicura/echo:v1\" already present on machine\n"
    ), "{out}");
}

#[test]
fn describe_node_reads_like_kubectl() {
    let node: core::Node = de(json!({
        "metadata": {"name": "minikube", "creationTimestamp": "2025-03-03T08:00:00Z",
            "labels": {"kubernetes.io/hostname": "minikube", "node-role.kubernetes.io/control-plane": ""},
            "annotations": {"node.alpha.kubernetes.io/ttl": "0"}},
        "spec": {"podCIDR": "10.244.0.0/24", "podCIDRs": ["10.244.0.0/24"]},
        "status": {
            "capacity": {"cpu": "2", "memory": "4Gi", "pods": "110", "ephemeral-storage": "100Gi"},
            "allocatable": {"cpu": "2", "memory": "4Gi", "pods": "110", "ephemeral-storage": "100Gi"},
            "conditions": [{"type": "Ready", "status": "True", "lastHeartbeatTime": "2025-03-03T09:00:00Z",
                "lastTransitionTime": "2025-03-03T08:00:10Z", "reason": "KubeletReady", "message": "kubelet is posting ready status"}],
            "addresses": [{"type": "InternalIP", "address": "192.168.49.2"}, {"type": "Hostname", "address": "minikube"}],
            "nodeInfo": {"machineID": "m", "systemUUID": "s", "bootID": "b", "kernelVersion": "6.8.0", "osImage": "Ubuntu 22.04.5 LTS",
                "operatingSystem": "linux", "architecture": "amd64", "containerRuntimeVersion": "docker://27.4.1",
                "kubeletVersion": "v1.32.0", "kubeProxyVersion": "v1.32.0"}
        }
    }));
    let lease: coordination::Lease = de(
        json!({"metadata": {"name": "minikube"}, "spec": {"holderIdentity": "minikube",
        "acquireTime": "2025-03-03T08:00:05.000000Z", "renewTime": "2025-03-03T09:00:55.123456Z"}}),
    );
    let mut p = nginx_pod();
    p.spec.as_mut().unwrap().containers[0].resources = Some(de(
        json!({"requests": {"cpu": "250m", "memory": "64Mi"}, "limits": {"memory": "128Mi"}}),
    ));
    let want = "\
Name:               minikube
Roles:              control-plane
Labels:             kubernetes.io/hostname=minikube
                    node-role.kubernetes.io/control-plane=
Annotations:        node.alpha.kubernetes.io/ttl: 0
CreationTimestamp:  Mon, 03 Mar 2025 08:00:00 +0000
Taints:             <none>
Unschedulable:      false
Lease:
  HolderIdentity:  minikube
  AcquireTime:     Mon, 03 Mar 2025 08:00:05 +0000
  RenewTime:       Mon, 03 Mar 2025 09:00:55 +0000
Conditions:
  Type    Status  LastHeartbeatTime                 LastTransitionTime                Reason         Message
  ----    ------  -----------------                 ------------------                ------         -------
  Ready   True    Mon, 03 Mar 2025 09:00:00 +0000   Mon, 03 Mar 2025 08:00:10 +0000   KubeletReady   kubelet is posting ready status
Addresses:
  InternalIP:  192.168.49.2
  Hostname:    minikube
Capacity:
  cpu:                2
  ephemeral-storage:  100Gi
  memory:             4Gi
  pods:               110
Allocatable:
  cpu:                2
  ephemeral-storage:  100Gi
  memory:             4Gi
  pods:               110
System Info:
  Machine ID:                 m
  System UUID:                s
  Boot ID:                    b
  Kernel Version:             6.8.0
  OS Image:                   Ubuntu 22.04.5 LTS
  Operating System:           linux
  Architecture:               amd64
  Container Runtime Version:  docker://27.4.1
  Kubelet Version:            v1.32.0
  Kube-Proxy Version:         v1.32.0
PodCIDR:                      10.244.0.0/24
PodCIDRs:                     10.244.0.0/24
Non-terminated Pods:          (1 in total)
  Namespace                   Name     CPU Requests  CPU Limits  Memory Requests  Memory Limits  Age
  ---------                   ----     ------------  ----------  ---------------  -------------  ---
  default                     nginx    250m (12%)    0 (0%)      64Mi (1%)        128Mi (3%)     60s
Allocated resources:
  (Total limits may be over 100 percent, i.e., overcommitted.)
  Resource           Requests    Limits
  --------           --------    ------
  cpu                250m (12%)  0 (0%)
  memory             64Mi (1%)   128Mi (3%)
  ephemeral-storage  0 (0%)      0 (0%)
Events:              <none>
";
    assert_eq!(describe_node(&node, &[&p], &[], Some(&lease), NOW), want);
}

#[test]
fn describe_replica_set_prints_the_pod_template() {
    let rs: apps::ReplicaSet = de(json!({
        "metadata": {"name": "echo-rs", "namespace": "default", "labels": {"app": "echo"}},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "echo", "tier": "app"}},
            "template": {"metadata": {"labels": {"app": "echo", "tier": "app"}},
                "spec": {"containers": [{"name": "echo", "image": "ghcr.io/subicura/echo:v1"}]}}},
        "status": {"replicas": 1}
    }));
    let p = nginx_pod();
    let want = "\
Name:         echo-rs
Namespace:    default
Selector:     app=echo,tier=app
Labels:       app=echo
Annotations:  <none>
Replicas:     1 current / 1 desired
Pods Status:  1 Running / 0 Waiting / 0 Succeeded / 0 Failed
Pod Template:
  Labels:  app=echo
           tier=app
  Containers:
   echo:
    Image:         ghcr.io/subicura/echo:v1
    Port:          <none>
    Host Port:     <none>
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Events:            <none>
";
    assert_eq!(describe_replica_set(&rs, &[&p], &[], NOW), want);
}

#[test]
fn describe_small_kinds() {
    let ns: core::Namespace = de(
        json!({"metadata": {"name": "default", "labels": {"kubernetes.io/metadata.name": "default"}}, "status": {"phase": "Active"}}),
    );
    assert_eq!(
        describe_namespace(&ns),
        "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n"
    );
    let cm: core::ConfigMap = de(
        json!({"metadata": {"name": "my-config", "namespace": "default"}, "data": {"key1": "config1", "key2": "config2"}}),
    );
    assert_eq!(
        describe_config_map(&cm, &[], NOW),
        "Name:         my-config\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nData\n====\nkey1:\n----\nconfig1\n\nkey2:\n----\nconfig2\n\n\nBinaryData\n====\n\nEvents:  <none>\n"
    );
    let s: core::Secret = de(
        json!({"metadata": {"name": "creds", "namespace": "default"}, "type": "Opaque", "data": {"password": "czNjcjN0", "username": "YWRtaW4="}}),
    );
    assert_eq!(
        describe_secret(&s),
        "Name:         creds\nNamespace:    default\nLabels:       <none>\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\npassword:  6 bytes\nusername:  5 bytes\n"
    );
    let sa: core::ServiceAccount =
        de(json!({"metadata": {"name": "default", "namespace": "default"}}));
    assert_eq!(
        describe_service_account(&sa, &[], NOW),
        "Name:                default\nNamespace:           default\nLabels:              <none>\nAnnotations:         <none>\nImage pull secrets:  <none>\nMountable secrets:   <none>\nTokens:              <none>\nEvents:              <none>\n"
    );
}

#[test]
fn long_and_multi_line_annotations_are_split() {
    let mut w = W::default();
    let mut a = BTreeMap::new();
    a.insert("b".to_string(), "x\ny\n".to_string());
    a.insert("a".to_string(), "short".to_string());
    a.insert(LAST_APPLIED.to_string(), "{}".to_string());
    annotations_multiline(&mut w, "", "Annotations", Some(&a), true);
    assert_eq!(
        w.finish(),
        "Annotations:  a: short\n              b:\n                x\n                y\n"
    );
}

#[test]
fn describe_node_without_a_lease_says_so() {
    let node: core::Node = de(
        json!({"metadata": {"name": "worker", "creationTimestamp": "2025-03-03T08:00:00Z"},
        "spec": {"unschedulable": true, "taints": [
            {"key": "node.kubernetes.io/unschedulable", "effect": "NoSchedule"},
            {"key": "dedicated", "value": "gpu", "effect": "NoExecute"}]}}),
    );
    let out = describe_node(&node, &[], &[], None, NOW);
    assert!(
        out.starts_with(
            "Name:               worker\n\
             Roles:              <none>\n\
             Labels:             <none>\n\
             Annotations:        <none>\n\
             CreationTimestamp:  Mon, 03 Mar 2025 08:00:00 +0000\n\
             Taints:             dedicated=gpu:NoExecute\n\
             \x20                   node.kubernetes.io/unschedulable:NoSchedule\n\
             Unschedulable:      true\n\
             Lease:              Failed to get lease: leases.coordination.k8s.io \"worker\" not found\n\
             Addresses:\n"
        ),
        "{out}"
    );
}

#[test]
fn terminal_escapes_are_neutralised() {
    let mut w = W::default();
    w.w(0, "Message:\tbad\x1b[31m\r\n");
    assert_eq!(w.finish(), "Message:  bad^[[31m\\r\n");
}

#[test]
fn describe_deployment_mid_rollout_lists_old_and_new_replicasets() {
    let d: apps::Deployment = de(json!({
        "metadata": {"name": "web", "namespace": "default", "labels": {"app": "web"},
            "creationTimestamp": "2025-03-03T09:00:00Z",
            "annotations": {"deployment.kubernetes.io/revision": "2"}},
        "spec": {"replicas": 4, "selector": {"matchLabels": {"app": "web"}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 1}},
            "template": {"metadata": {"labels": {"app": "web"}},
                "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}},
        "status": {"replicas": 5, "updatedReplicas": 2, "readyReplicas": 3, "availableReplicas": 3,
            "unavailableReplicas": 2, "conditions": [
                {"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable"},
                {"type": "Progressing", "status": "True", "reason": "ReplicaSetUpdated"}]}
    }));
    let rs = |name: &str, n: i32| -> apps::ReplicaSet {
        de(
            json!({"metadata": {"name": name}, "spec": {"replicas": n, "selector": {}}, "status": {"replicas": n}}),
        )
    };
    let (old, new) = (rs("web-865f4cf4d9", 3), rs("web-766486c5b6", 2));
    let want = "\
Name:                   web
Namespace:              default
CreationTimestamp:      Mon, 03 Mar 2025 09:00:00 +0000
Labels:                 app=web
Annotations:            deployment.kubernetes.io/revision: 2
Selector:               app=web
Replicas:               4 desired | 2 updated | 5 total | 3 available | 2 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  1 max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
  Containers:
   nginx:
    Image:         nginx:1.27
    Port:          <none>
    Host Port:     <none>
    Environment:   <none>
    Mounts:        <none>
  Volumes:         <none>
  Node-Selectors:  <none>
  Tolerations:     <none>
Conditions:
  Type           Status  Reason
  ----           ------  ------
  Available      True    MinimumReplicasAvailable
  Progressing    True    ReplicaSetUpdated
OldReplicaSets:  web-865f4cf4d9 (3/3 replicas created)
NewReplicaSet:   web-766486c5b6 (2/2 replicas created)
Events:          <none>
";
    assert_eq!(describe_deployment(&d, &[&old], Some(&new), &[], NOW), want);
}
