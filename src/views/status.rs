//! A pod's and a node's status exactly as `kubectl get` prints it (the
//! kubectl emulator's `printPod` port), plus the colour it is drawn in.

use kubarium_engine::api::core::{Node, Pod};
use kubarium_kubectl::printers::get as printers;

use super::Tone;

/// What a pod looks like in the views: the STATUS and READY columns of
/// `kubectl get pods`, and a tone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodStatus {
    /// The STATUS column (`Running`, `CrashLoopBackOff`, `Init:0/1`, ...).
    pub text: String,
    /// The READY column (`1/1`).
    pub ready: String,
    /// Whether every container is ready.
    pub all_ready: bool,
    /// How it reads.
    pub tone: Tone,
}

/// The pod's status as `kubectl get pods` shows it.
pub fn pod_status(pod: &Pod) -> PodStatus {
    let s = printers::pod_summary(pod);
    let all_ready = s.total > 0 && s.ready == s.total;
    PodStatus {
        tone: tone_of(&s.reason, all_ready),
        ready: format!("{}/{}", s.ready, s.total),
        all_ready,
        text: s.reason,
    }
}

/// The tone of a STATUS cell. `Running` is only good when every container
/// is ready (a running pod at 0/1 is still on its way).
pub fn tone_of(status: &str, all_ready: bool) -> Tone {
    match status {
        "Running" if all_ready => Tone::Ok,
        "Running" | "NotReady" | "Pending" | "ContainerCreating" | "PodInitializing"
        | "SchedulingGated" => Tone::Wait,
        "Completed" | "Succeeded" => Tone::Done,
        "Terminating" => Tone::Gone,
        s if s.starts_with("Init:") => {
            // `Init:0/1` is progress; `Init:Error`, `Init:CrashLoopBackOff` are not.
            let rest = &s["Init:".len()..];
            if rest.split_once('/').is_some_and(|(a, b)| {
                a.chars().all(|c| c.is_ascii_digit()) && b.chars().all(|c| c.is_ascii_digit())
            }) {
                Tone::Wait
            } else {
                Tone::Bad
            }
        }
        _ => Tone::Bad,
    }
}

/// A node's STATUS column (`Ready`, `NotReady,SchedulingDisabled`, ...) and tone.
pub fn node_status(node: &Node) -> (String, Tone) {
    let text = printers::node_status(node);
    let tone = if text.starts_with("Ready") {
        if text.contains("SchedulingDisabled") {
            Tone::Wait
        } else {
            Tone::Ok
        }
    } else {
        Tone::Bad
    };
    (text, tone)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubarium_engine::api::Object;
    use kubarium_kubectl::printers::get::{table, TableOptions};

    fn pod(spec: serde_json::Value, status: serde_json::Value, deleting: bool) -> Pod {
        let mut meta = serde_json::json!({"name": "p", "namespace": "default"});
        if deleting {
            meta["deletionTimestamp"] = "2025-03-03T09:00:00Z".into();
        }
        serde_json::from_value(serde_json::json!({
            "apiVersion": "v1", "kind": "Pod",
            "metadata": meta, "spec": spec, "status": status,
        }))
        .unwrap()
    }

    fn one() -> serde_json::Value {
        serde_json::json!({"containers": [{"name": "c", "image": "nginx"}]})
    }

    /// The STATUS and READY cells of `kubectl get pods` for the pod.
    fn kubectl_columns(p: &Pod) -> (String, String) {
        let o = Object::Pod(Box::new(p.clone()));
        let t = table(&[&o], &TableOptions::default());
        let col = |h: &str| t.headers.iter().position(|x| x == h).unwrap();
        (
            t.rows[0][col("STATUS")].clone(),
            t.rows[0][col("READY")].clone(),
        )
    }

    fn cs(state: serde_json::Value, ready: bool) -> serde_json::Value {
        serde_json::json!({"name": "c", "image": "nginx", "imageID": "", "restartCount": 0,
            "ready": ready, "state": state})
    }

    #[test]
    fn pod_status_equals_the_kubectl_status_column_in_every_case() {
        let waiting = |r: &str| serde_json::json!({"waiting": {"reason": r}});
        let running = serde_json::json!({"running": {"startedAt": "2025-03-03T09:00:00Z"}});
        let terminated =
            |r: &str, code: i32| serde_json::json!({"terminated": {"reason": r, "exitCode": code}});
        let init_spec = serde_json::json!({
            "initContainers": [{"name": "i", "image": "busybox"}],
            "containers": [{"name": "c", "image": "nginx"}]});
        let cases: Vec<(Pod, &str, &str, Tone)> = vec![
            (
                pod(one(), serde_json::json!({"phase": "Pending"}), false),
                "Pending",
                "0/1",
                Tone::Wait,
            ),
            (
                pod(
                    one(),
                    serde_json::json!({"phase": "Pending", "containerStatuses": [cs(waiting("ContainerCreating"), false)]}),
                    false,
                ),
                "ContainerCreating",
                "0/1",
                Tone::Wait,
            ),
            (
                pod(
                    one(),
                    serde_json::json!({"phase": "Running", "containerStatuses": [cs(running.clone(), true)]}),
                    false,
                ),
                "Running",
                "1/1",
                Tone::Ok,
            ),
            (
                pod(
                    one(),
                    serde_json::json!({"phase": "Running", "containerStatuses": [cs(running.clone(), false)]}),
                    false,
                ),
                "Running",
                "0/1",
                Tone::Wait,
            ),
            (
                pod(
                    one(),
                    serde_json::json!({"phase": "Running", "containerStatuses": [cs(waiting("CrashLoopBackOff"), false)]}),
                    false,
                ),
                "CrashLoopBackOff",
                "0/1",
                Tone::Bad,
            ),
            (
                pod(
                    one(),
                    serde_json::json!({"phase": "Pending", "containerStatuses": [cs(waiting("ImagePullBackOff"), false)]}),
                    false,
                ),
                "ImagePullBackOff",
                "0/1",
                Tone::Bad,
            ),
            (
                pod(
                    one(),
                    serde_json::json!({"phase": "Running", "containerStatuses": [cs(running.clone(), true)]}),
                    true,
                ),
                "Terminating",
                "1/1",
                Tone::Gone,
            ),
            (
                pod(
                    one(),
                    serde_json::json!({"phase": "Succeeded", "containerStatuses": [cs(terminated("Completed", 0), false)]}),
                    false,
                ),
                "Completed",
                "0/1",
                Tone::Done,
            ),
            (
                pod(
                    one(),
                    serde_json::json!({"phase": "Failed", "containerStatuses": [cs(terminated("Error", 1), false)]}),
                    false,
                ),
                "Error",
                "0/1",
                Tone::Bad,
            ),
            (
                pod(
                    init_spec.clone(),
                    serde_json::json!({"phase": "Pending",
                "initContainerStatuses": [{"name": "i", "image": "busybox", "imageID": "", "restartCount": 0, "ready": false, "state": running.clone()}],
                "containerStatuses": [cs(waiting("PodInitializing"), false)]}),
                    false,
                ),
                "Init:0/1",
                "0/1",
                Tone::Wait,
            ),
            (
                pod(
                    init_spec,
                    serde_json::json!({"phase": "Pending",
                "initContainerStatuses": [{"name": "i", "image": "busybox", "imageID": "", "restartCount": 2, "ready": false, "state": waiting("CrashLoopBackOff")}]}),
                    false,
                ),
                "Init:CrashLoopBackOff",
                "0/1",
                Tone::Bad,
            ),
        ];
        for (p, status, ready, tone) in cases {
            let v = pod_status(&p);
            let (kstatus, kready) = kubectl_columns(&p);
            assert_eq!(v.text, kstatus, "STATUS differs from kubectl's");
            assert_eq!(v.ready, kready, "READY differs from kubectl's");
            assert_eq!(v.text, status);
            assert_eq!(v.ready, ready);
            assert_eq!(v.tone, tone, "tone of {status} {ready}");
        }
    }
}
