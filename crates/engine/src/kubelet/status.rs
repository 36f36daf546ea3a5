//! The kubelet's status manager: a pure function from the pod worker's
//! runtime state to `PodStatus` (pkg/kubelet/kubelet_pods.go
//! `generateAPIPodStatus`, `getPhase`, and pkg/kubelet/status).

use super::{ContainerRuntime, Kubelet, PodWorker, RunState};
use crate::api::core;
use crate::clock::Clock;
use crate::simulation::Ctx;

/// A spec image and the name `status.image` shows for it (normalized as
/// the runtime reports it; an unparsable name is shown as written).
pub(super) fn image_names(spec_image: &str) -> (String, String) {
    let normalized = crate::runtime::image::parse(spec_image)
        .map(|r| r.normalized())
        .unwrap_or_else(|_| spec_image.to_string());
    (spec_image.to_string(), normalized)
}

fn container_status(
    c: &ContainerRuntime,
    spec_image: &str,
    clock: &Clock,
) -> core::ContainerStatus {
    let state = |s: &RunState| match s {
        RunState::Waiting { reason, message } => core::ContainerState {
            waiting: Some(core::ContainerStateWaiting {
                reason: Some(reason.clone()),
                message: message.clone(),
            }),
            ..Default::default()
        },
        RunState::Running { started_at } => core::ContainerState {
            running: Some(core::ContainerStateRunning {
                started_at: Some(clock.time_at(*started_at)),
            }),
            ..Default::default()
        },
        RunState::Terminated {
            exit_code,
            reason,
            message,
            started_at,
            finished_at,
            container_id,
        } => core::ContainerState {
            terminated: Some(core::ContainerStateTerminated {
                exit_code: *exit_code,
                reason: Some(reason.clone()),
                message: message.clone(),
                started_at: Some(clock.time_at(*started_at)),
                finished_at: Some(clock.time_at(*finished_at)),
                container_id: Some(container_id.clone()),
                signal: None,
            }),
            ..Default::default()
        },
    };
    let running = matches!(c.state, RunState::Running { .. });
    let has_run = !c.container_id.is_empty();
    let image = if c.status_image.0 == spec_image {
        c.status_image.1.clone()
    } else {
        image_names(spec_image).1
    };
    core::ContainerStatus {
        name: c.name.clone(),
        image,
        image_id: c.image_id.clone(),
        container_id: has_run.then(|| c.container_id.clone()),
        ready: running && c.ready,
        started: Some(running && c.started),
        restart_count: c.restart_count,
        state: Some(state(&c.state)),
        last_state: Some(c.last_state.as_ref().map(state).unwrap_or_default()),
        ..Default::default()
    }
}

/// `getPhase` of pkg/kubelet/kubelet_pods.go (v1.32), for regular containers
/// after initialization.
fn phase(w: &PodWorker, restart_policy: &str) -> &'static str {
    let init_pending = w
        .containers
        .iter()
        .filter(|c| c.init)
        .any(|c| !matches!(c.state, RunState::Terminated { exit_code: 0, .. }));
    if init_pending {
        let init_failed = w.containers.iter().filter(|c| c.init).any(|c| {
            matches!(c.state, RunState::Terminated { exit_code, .. } if exit_code != 0)
                || matches!(&c.last_state, Some(RunState::Terminated { exit_code, .. }) if *exit_code != 0) && matches!(c.state, RunState::Waiting { .. })
        });
        return if init_failed && restart_policy == "Never" {
            "Failed"
        } else {
            "Pending"
        };
    }
    let (mut running, mut waiting, mut stopped, mut succeeded) = (0, 0, 0, 0);
    for c in w.containers.iter().filter(|c| !c.init) {
        match &c.state {
            RunState::Running { .. } => running += 1,
            RunState::Terminated { exit_code, .. } => {
                stopped += 1;
                if *exit_code == 0 {
                    succeeded += 1;
                }
            }
            RunState::Waiting { .. } => {
                if let Some(RunState::Terminated { exit_code, .. }) = &c.last_state {
                    stopped += 1;
                    if *exit_code == 0 {
                        succeeded += 1;
                    }
                } else {
                    waiting += 1;
                }
            }
        }
    }
    if waiting > 0 {
        "Pending"
    } else if running > 0 {
        "Running"
    } else if stopped > 0 {
        match restart_policy {
            "Always" => "Running",
            _ if stopped == succeeded => "Succeeded",
            "Never" => "Failed",
            _ => "Running",
        }
    } else {
        "Pending"
    }
}

/// The pod's status as the kubelet reports it.
pub(super) fn compute(k: &Kubelet, w: &PodWorker, pod: &core::Pod, ctx: &Ctx) -> core::PodStatus {
    let clock = &ctx.api.clock;
    let now_t = clock.time();
    let no_spec = core::PodSpec::default();
    let spec = pod.spec.as_ref().unwrap_or(&no_spec);
    let policy = spec.restart_policy.as_deref().unwrap_or("Always");
    let no_status = core::PodStatus::default();
    let old = pod.status.as_ref().unwrap_or(&no_status);
    let sandbox_ready =
        w.sandbox_ready_at.is_some_and(|t| t <= ctx.now()) && w.terminating_since.is_none();
    let mut phase = phase(w, policy);
    // A pod whose sandbox is not ready has no containers yet.
    if w.sandbox_ready_at.is_none_or(|t| t > ctx.now()) && w.terminating_since.is_none() {
        phase = "Pending";
    }

    let image_of = |c: &ContainerRuntime| {
        let list = if c.init {
            spec.init_containers.as_deref().unwrap_or_default()
        } else {
            &spec.containers
        };
        list.iter()
            .find(|x| x.name == c.name)
            .and_then(|x| x.image.as_deref())
            .unwrap_or_default()
    };
    let statuses: Vec<core::ContainerStatus> = w
        .containers
        .iter()
        .filter(|c| !c.init)
        .map(|c| container_status(c, image_of(c), clock))
        .collect();
    let init_statuses: Vec<core::ContainerStatus> = w
        .containers
        .iter()
        .filter(|c| c.init)
        .map(|c| container_status(c, image_of(c), clock))
        .collect();

    let initialized = w
        .containers
        .iter()
        .filter(|c| c.init)
        .all(|c| matches!(c.state, RunState::Terminated { exit_code: 0, .. }));
    let unready: Vec<String> = w
        .containers
        .iter()
        .filter(|c| !(c.init || c.ready && matches!(c.state, RunState::Running { .. })))
        .map(|c| c.name.clone())
        .collect();
    let uninit: Vec<String> = w
        .containers
        .iter()
        .filter(|c| c.init && !matches!(c.state, RunState::Terminated { exit_code: 0, .. }))
        .map(|c| c.name.clone())
        .collect();

    let mut status = core::PodStatus {
        phase: Some(phase.to_string()),
        qos_class: old.qos_class.clone(),
        conditions: old.conditions.clone(),
        host_ip: Some(k.node_ip.clone()),
        host_ips: Some(vec![core::HostIP {
            ip: k.node_ip.clone(),
        }]),
        start_time: Some(clock.time_at(w.start_time)),
        ..Default::default()
    };
    if w.sandbox_ready_at.is_some_and(|t| t <= ctx.now()) {
        status.pod_ip = Some(w.ip.clone());
        status.pod_ips = Some(vec![core::PodIP { ip: w.ip.clone() }]);
    }
    if !statuses.is_empty() {
        status.container_statuses = Some(statuses);
    }
    if !init_statuses.is_empty() {
        status.init_container_statuses = Some(init_statuses);
    }
    let set =
        |st: &mut core::PodStatus, t: &str, v: bool, reason: Option<&str>, msg: Option<String>| {
            crate::apiserver::set_condition(
                st,
                t,
                if v { "True" } else { "False" },
                reason,
                msg.as_deref(),
                &now_t,
            );
        };
    let completed = phase == "Succeeded" || phase == "Failed";
    set(
        &mut status,
        "PodReadyToStartContainers",
        sandbox_ready || completed && w.sandbox_ready_at.is_some(),
        None,
        None,
    );
    if initialized {
        set(&mut status, "Initialized", true, None, None);
    } else {
        set(
            &mut status,
            "Initialized",
            false,
            Some("ContainersNotInitialized"),
            Some(format!(
                "containers with incomplete status: [{}]",
                uninit.join(" ")
            )),
        );
    }
    let ready = unready.is_empty() && !completed;
    let (reason, msg) = if completed {
        (Some("PodCompleted"), None)
    } else if ready {
        (None, None)
    } else {
        (
            Some("ContainersNotReady"),
            Some(format!(
                "containers with unready status: [{}]",
                unready.join(" ")
            )),
        )
    };
    set(&mut status, "Ready", ready, reason, msg.clone());
    set(&mut status, "ContainersReady", ready, reason, msg);
    // Upstream's order: PodReadyToStartContainers, Initialized, Ready,
    // ContainersReady, PodScheduled.
    let order = [
        "PodReadyToStartContainers",
        "Initialized",
        "Ready",
        "ContainersReady",
        "PodScheduled",
    ];
    if let Some(c) = status.conditions.as_mut() {
        c.sort_by_key(|x| {
            order
                .iter()
                .position(|o| *o == x.type_)
                .unwrap_or(order.len())
        });
    }
    status
}
