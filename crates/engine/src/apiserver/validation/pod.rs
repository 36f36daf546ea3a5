//! Pod spec validation (pkg/apis/core/validation/validation.go:
//! `ValidatePodSpec`, `ValidateVolumes`, `validateContainers`,
//! `validateInitContainers`, `validateContainerCommon`, `validateProbe`,
//! `ValidateResourceRequirements`, `ValidateTolerations`, `ValidatePodUpdate`).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::field::{
    child, duplicate, forbidden, inclusive_range_error, index, invalid, is_config_map_key,
    is_dns1123_label, is_dns1123_subdomain, is_env_var_name, is_qualified_name,
    is_valid_label_value, is_valid_port_name, is_valid_port_num, key, not_found, not_supported, q,
    required, FieldError,
};
use super::validate_labels;
use crate::api::core::{Container, PodSpec, Probe, ResourceRequirements, Toleration, Volume};
use crate::api::quantity;

/// The fields a pod update may change, as `ValidatePodUpdate` lists them
/// (v1.32, InPlacePodVerticalScaling off).
pub const POD_UPDATABLE_FIELDS: &str = "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// `ValidatePodSpec`. `is_pod` is false for pod templates.
pub(super) fn validate_pod_spec(spec: &PodSpec, path: &str, _is_pod: bool) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let volumes = validate_volumes(
        spec.volumes.as_deref().unwrap_or(&[]),
        &child(path, "volumes"),
        &mut errs,
    );
    let restart = spec.restart_policy.as_deref().unwrap_or("");
    errs.extend(validate_containers(
        &spec.containers,
        &volumes,
        &child(path, "containers"),
    ));
    errs.extend(validate_init_containers(
        spec.init_containers.as_deref().unwrap_or(&[]),
        &spec.containers,
        &volumes,
        &child(path, "initContainers"),
    ));
    // validateRestartPolicy
    let rp = child(path, "restartPolicy");
    match restart {
        "Always" | "OnFailure" | "Never" => {}
        "" => errs.push(required(rp, "")),
        other => errs.push(not_supported(
            rp,
            q(other),
            &["Always", "OnFailure", "Never"],
        )),
    }
    // validateDNSPolicy
    let dp = child(path, "dnsPolicy");
    match spec.dns_policy.as_deref().unwrap_or("") {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" => {}
        "None" => {
            if spec.dns_config.is_none() {
                errs.push(required(
                    child(path, "dnsConfig"),
                    "must provide `dnsConfig` when `dnsPolicy` is None",
                ));
            }
        }
        "" => errs.push(required(dp, "")),
        other => errs.push(not_supported(
            dp,
            q(other),
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )),
    }
    errs.extend(validate_labels(
        spec.node_selector.as_ref(),
        &child(path, "nodeSelector"),
    ));
    let sa = spec.service_account_name.as_deref().unwrap_or("");
    if !sa.is_empty() {
        for m in is_dns1123_subdomain(sa) {
            errs.push(invalid(child(path, "serviceAccountName"), q(sa), m));
        }
    }
    let node = spec.node_name.as_deref().unwrap_or("");
    if !node.is_empty() {
        for m in is_dns1123_subdomain(node) {
            errs.push(invalid(child(path, "nodeName"), q(node), m));
        }
    }
    if let Some(a) = spec.active_deadline_seconds {
        if !(1..=i64::from(i32::MAX)).contains(&a) {
            errs.push(invalid(
                child(path, "activeDeadlineSeconds"),
                a.to_string(),
                inclusive_range_error(1, i64::from(i32::MAX)),
            ));
        }
    }
    for (field, v) in [("hostname", &spec.hostname), ("subdomain", &spec.subdomain)] {
        let v = v.as_deref().unwrap_or("");
        if !v.is_empty() {
            for m in is_dns1123_label(v) {
                errs.push(invalid(child(path, field), q(v), m));
            }
        }
    }
    if let Some(t) = &spec.tolerations {
        errs.extend(validate_tolerations(t, &child(path, "tolerations")));
    }
    if let Some(g) = spec.termination_grace_period_seconds {
        // ValidatePodSpec (v1.32): negative values are kept for old clients;
        // only the pod update rule below cares about them.
        let _ = g;
    }
    errs
}

/// The sources a volume sets, by their JSON names in the order the API
/// serializes them (alphabetical): `validateVolumeSource` allows one.
fn volume_sources(v: &Volume) -> Vec<&'static str> {
    [
        (v.aws_elastic_block_store.is_some(), "awsElasticBlockStore"),
        (v.azure_disk.is_some(), "azureDisk"),
        (v.azure_file.is_some(), "azureFile"),
        (v.cephfs.is_some(), "cephfs"),
        (v.cinder.is_some(), "cinder"),
        (v.config_map.is_some(), "configMap"),
        (v.csi.is_some(), "csi"),
        (v.downward_api.is_some(), "downwardAPI"),
        (v.empty_dir.is_some(), "emptyDir"),
        (v.ephemeral.is_some(), "ephemeral"),
        (v.fc.is_some(), "fc"),
        (v.flex_volume.is_some(), "flexVolume"),
        (v.flocker.is_some(), "flocker"),
        (v.gce_persistent_disk.is_some(), "gcePersistentDisk"),
        (v.git_repo.is_some(), "gitRepo"),
        (v.glusterfs.is_some(), "glusterfs"),
        (v.host_path.is_some(), "hostPath"),
        (v.image.is_some(), "image"),
        (v.iscsi.is_some(), "iscsi"),
        (v.nfs.is_some(), "nfs"),
        (v.persistent_volume_claim.is_some(), "persistentVolumeClaim"),
        (v.photon_persistent_disk.is_some(), "photonPersistentDisk"),
        (v.portworx_volume.is_some(), "portworxVolume"),
        (v.projected.is_some(), "projected"),
        (v.quobyte.is_some(), "quobyte"),
        (v.rbd.is_some(), "rbd"),
        (v.scale_io.is_some(), "scaleIO"),
        (v.secret.is_some(), "secret"),
        (v.storageos.is_some(), "storageos"),
        (v.vsphere_volume.is_some(), "vsphereVolume"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect()
}

/// `ValidateVolumes`: returns the names of the valid volumes.
fn validate_volumes(vols: &[Volume], path: &str, errs: &mut Vec<FieldError>) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for (i, v) in vols.iter().enumerate() {
        let p = index(path, i);
        let mut el = Vec::new();
        // validateVolumeSource: exactly one source.
        let sources = volume_sources(v);
        if sources.is_empty() {
            el.push(required(p.clone(), "must specify a volume type"));
        } else {
            for s in &sources[1..] {
                el.push(forbidden(
                    child(&p, s),
                    "may not specify more than 1 volume type",
                ));
            }
        }
        if let Some(cm) = &v.config_map {
            if cm.name.is_empty() {
                el.push(required(child(&child(&p, "configMap"), "name"), ""));
            }
        }
        if let Some(s) = &v.secret {
            if s.secret_name.as_deref().unwrap_or("").is_empty() {
                el.push(required(child(&child(&p, "secret"), "secretName"), ""));
            }
        }
        let np = child(&p, "name");
        if v.name.is_empty() {
            el.push(required(np.clone(), ""));
        } else {
            el.extend(
                is_dns1123_label(&v.name)
                    .into_iter()
                    .map(|m| invalid(np.clone(), q(&v.name), m)),
            );
        }
        if names.contains(&v.name) {
            el.push(duplicate(np, q(&v.name)));
        }
        if el.is_empty() {
            names.insert(v.name.clone());
        } else {
            errs.extend(el);
        }
    }
    names
}

/// `validateContainers`.
fn validate_containers(
    containers: &[Container],
    volumes: &BTreeSet<String>,
    path: &str,
) -> Vec<FieldError> {
    if containers.is_empty() {
        return vec![required(path, "")];
    }
    let mut errs = Vec::new();
    let mut names = BTreeSet::new();
    for (i, c) in containers.iter().enumerate() {
        let p = index(path, i);
        errs.extend(validate_container_common(c, volumes, &p));
        if !names.insert(c.name.clone()) {
            errs.push(duplicate(child(&p, "name"), q(&c.name)));
        }
        errs.extend(validate_probes(c, &p));
        if c.restart_policy.is_some() {
            errs.push(forbidden(
                child(&p, "restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    errs
}

/// `validateInitContainers`: names are unique across init and regular
/// containers; only sidecars (`restartPolicy: Always`) may have probes.
fn validate_init_containers(
    inits: &[Container],
    regular: &[Container],
    volumes: &BTreeSet<String>,
    path: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut names: BTreeSet<String> = regular.iter().map(|c| c.name.clone()).collect();
    for (i, c) in inits.iter().enumerate() {
        let p = index(path, i);
        errs.extend(validate_container_common(c, volumes, &p));
        if !names.insert(c.name.clone()) {
            errs.push(duplicate(child(&p, "name"), q(&c.name)));
        }
        let sidecar = match c.restart_policy.as_deref() {
            None => false,
            Some("Always") => true,
            Some(other) => {
                errs.push(not_supported(
                    child(&p, "restartPolicy"),
                    q(other),
                    &["Always"],
                ));
                false
            }
        };
        if sidecar {
            errs.extend(validate_probes(c, &p));
        } else {
            if c.lifecycle.is_some() {
                errs.push(forbidden(
                    child(&p, "lifecycle"),
                    "may not be set for init containers without restartPolicy=Always",
                ));
            }
            for (f, probe) in [
                ("livenessProbe", &c.liveness_probe),
                ("readinessProbe", &c.readiness_probe),
                ("startupProbe", &c.startup_probe),
            ] {
                if probe.is_some() {
                    errs.push(forbidden(
                        child(&p, f),
                        "may not be set for init containers without restartPolicy=Always",
                    ));
                }
            }
        }
    }
    errs
}

/// `validateContainerCommon`.
fn validate_container_common(
    c: &Container,
    volumes: &BTreeSet<String>,
    p: &str,
) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let np = child(p, "name");
    if c.name.is_empty() {
        errs.push(required(np, ""));
    } else {
        errs.extend(
            is_dns1123_label(&c.name)
                .into_iter()
                .map(|m| invalid(np.clone(), q(&c.name), m)),
        );
    }
    if c.image.as_deref().unwrap_or("").is_empty() {
        errs.push(required(child(p, "image"), ""));
    }
    let tmp = child(p, "terminationMessagePolicy");
    match c.termination_message_policy.as_deref().unwrap_or("") {
        "File" | "FallbackToLogsOnError" => {}
        "" => errs.push(required(tmp, "")),
        other => errs.push(not_supported(
            tmp,
            q(other),
            &["File", "FallbackToLogsOnError"],
        )),
    }
    // validateContainerPorts
    let mut port_names = BTreeSet::new();
    for (i, port) in c.ports.iter().flatten().enumerate() {
        let pp = index(&child(p, "ports"), i);
        if let Some(n) = port.name.as_deref().filter(|n| !n.is_empty()) {
            let msgs = is_valid_port_name(n);
            if !msgs.is_empty() {
                errs.extend(
                    msgs.into_iter()
                        .map(|m| invalid(child(&pp, "name"), q(n), m)),
                );
            } else if !port_names.insert(n.to_string()) {
                errs.push(duplicate(child(&pp, "name"), q(n)));
            }
        }
        if port.container_port == 0 {
            errs.push(required(child(&pp, "containerPort"), ""));
        } else {
            errs.extend(
                is_valid_port_num(i64::from(port.container_port))
                    .into_iter()
                    .map(|m| {
                        invalid(
                            child(&pp, "containerPort"),
                            port.container_port.to_string(),
                            m,
                        )
                    }),
            );
        }
        if let Some(h) = port.host_port.filter(|h| *h != 0) {
            errs.extend(
                is_valid_port_num(i64::from(h))
                    .into_iter()
                    .map(|m| invalid(child(&pp, "hostPort"), h.to_string(), m)),
            );
        }
        match port.protocol.as_deref().unwrap_or("") {
            "TCP" | "UDP" | "SCTP" => {}
            "" => errs.push(required(child(&pp, "protocol"), "")),
            other => errs.push(not_supported(
                child(&pp, "protocol"),
                q(other),
                &["SCTP", "TCP", "UDP"],
            )),
        }
    }
    // ValidateEnv
    for (i, e) in c.env.iter().flatten().enumerate() {
        let ep = index(&child(p, "env"), i);
        if e.name.is_empty() {
            errs.push(required(child(&ep, "name"), ""));
        } else {
            errs.extend(
                is_env_var_name(&e.name)
                    .into_iter()
                    .map(|m| invalid(child(&ep, "name"), q(&e.name), m)),
            );
        }
        if let Some(vf) = &e.value_from {
            let vfp = child(&ep, "valueFrom");
            let n = [
                vf.field_ref.is_some(),
                vf.resource_field_ref.is_some(),
                vf.config_map_key_ref.is_some(),
                vf.secret_key_ref.is_some(),
            ]
            .iter()
            .filter(|b| **b)
            .count();
            if n == 0 {
                errs.push(invalid(vfp.clone(), "\"\"", "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
            } else if n > 1 {
                errs.push(invalid(
                    vfp.clone(),
                    "\"\"",
                    "may not have more than one field specified at a time",
                ));
            }
            if e.value.as_deref().is_some_and(|v| !v.is_empty()) {
                errs.push(invalid(
                    vfp.clone(),
                    "\"\"",
                    "may not be specified when `value` is not empty",
                ));
            }
            if let Some(r) = &vf.config_map_key_ref {
                errs.extend(key_ref(&r.name, &r.key, &child(&vfp, "configMapKeyRef")));
            }
            if let Some(r) = &vf.secret_key_ref {
                errs.extend(key_ref(&r.name, &r.key, &child(&vfp, "secretKeyRef")));
            }
        }
    }
    // ValidateVolumeMounts
    let mut mount_points = BTreeSet::new();
    for (i, m) in c.volume_mounts.iter().flatten().enumerate() {
        let mp = index(&child(p, "volumeMounts"), i);
        if m.name.is_empty() {
            errs.push(required(child(&mp, "name"), ""));
        }
        if !volumes.contains(&m.name) {
            errs.push(not_found(child(&mp, "name"), q(&m.name)));
        }
        if m.mount_path.is_empty() {
            errs.push(required(child(&mp, "mountPath"), ""));
        }
        if !mount_points.insert(m.mount_path.clone()) {
            errs.push(invalid(
                child(&mp, "mountPath"),
                q(&m.mount_path),
                "must be unique",
            ));
        }
    }
    // validatePullPolicy
    let pp = child(p, "imagePullPolicy");
    match c.image_pull_policy.as_deref().unwrap_or("") {
        "Always" | "IfNotPresent" | "Never" => {}
        "" => errs.push(required(pp, "")),
        other => errs.push(not_supported(
            pp,
            q(other),
            &["Always", "IfNotPresent", "Never"],
        )),
    }
    if let Some(r) = &c.resources {
        errs.extend(validate_resources(r, &child(p, "resources")));
    }
    errs
}

fn key_ref(name: &str, k: &str, p: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if k.is_empty() {
        errs.push(required(child(p, "key"), ""));
    } else {
        errs.extend(
            is_config_map_key(k)
                .into_iter()
                .map(|m| invalid(child(p, "key"), q(k), m)),
        );
    }
    if name.is_empty() {
        errs.push(required(child(p, "name"), ""));
    } else {
        errs.extend(
            is_dns1123_subdomain(name)
                .into_iter()
                .map(|m| invalid(child(p, "name"), q(name), m)),
        );
    }
    errs
}

fn is_standard_container_resource(name: &str) -> bool {
    matches!(name, "cpu" | "memory" | "ephemeral-storage") || name.starts_with("hugepages-")
}

/// `ValidateResourceRequirements` (resource names, non-negative values,
/// requests ≤ limits).
fn validate_resources(r: &ResourceRequirements, p: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let lim_path = child(p, "limits");
    let req_path = child(p, "requests");
    let empty = BTreeMap::new();
    let limits = r.limits.as_ref().unwrap_or(&empty);
    let requests = r.requests.as_ref().unwrap_or(&empty);
    let check_name = |name: &str, fp: &str, errs: &mut Vec<FieldError>| {
        if !name.contains('/') {
            if !is_standard_container_resource(name) {
                errs.push(invalid(
                    fp,
                    q(name),
                    "must be a standard resource for containers",
                ));
            }
        } else {
            errs.extend(
                is_qualified_name(name)
                    .into_iter()
                    .map(|m| invalid(fp, q(name), m)),
            );
        }
    };
    for (name, qty) in limits {
        let fp = key(&lim_path, name);
        check_name(name, &fp, &mut errs);
        if quantity::parse(&qty.0).is_ok_and(|m| m.milli() < 0) {
            errs.push(invalid(fp, q(&qty.0), "must be greater than or equal to 0"));
        }
    }
    for (name, qty) in requests {
        let fp = key(&req_path, name);
        check_name(name, &fp, &mut errs);
        let req = quantity::parse(&qty.0).map(|m| m.milli()).unwrap_or(0);
        if req < 0 {
            errs.push(invalid(
                fp.clone(),
                q(&qty.0),
                "must be greater than or equal to 0",
            ));
        }
        if let Some(lim) = limits.get(name) {
            let l = quantity::parse(&lim.0).map(|m| m.milli()).unwrap_or(0);
            let overcommit = !name.starts_with("hugepages-") && !name.contains('/');
            if req != l && !overcommit {
                errs.push(invalid(
                    req_path.clone(),
                    q(&qty.0),
                    format!("must be equal to {name} limit of {}", lim.0),
                ));
            } else if req > l {
                errs.push(invalid(
                    req_path.clone(),
                    q(&qty.0),
                    format!("must be less than or equal to {name} limit of {}", lim.0),
                ));
            }
        } else if name.starts_with("hugepages-") || name.contains('/') {
            errs.push(required(
                lim_path.clone(),
                "Limit must be set for non overcommitable resources",
            ));
        }
    }
    errs
}

/// `validateProbe` (+ `validateLivenessProbe`/`validateStartupProbe` when
/// `success_must_be_one`).
fn validate_probe(probe: Option<&Probe>, p: &str, success_must_be_one: bool) -> Vec<FieldError> {
    let Some(probe) = probe else { return vec![] };
    let mut errs = Vec::new();
    // validateHandler: exactly one handler type.
    let mut n = 0;
    let mut one = |present: bool, name: &str, errs: &mut Vec<FieldError>| -> bool {
        if !present {
            return false;
        }
        if n > 0 {
            errs.push(forbidden(
                child(p, name),
                "may not specify more than 1 handler type",
            ));
            false
        } else {
            n += 1;
            true
        }
    };
    if one(probe.exec.is_some(), "exec", &mut errs)
        && probe
            .exec
            .as_ref()
            .is_some_and(|e| e.command.as_ref().is_none_or(Vec::is_empty))
    {
        errs.push(required(child(&child(p, "exec"), "command"), ""));
    }
    if one(probe.http_get.is_some(), "httpGet", &mut errs) {
        let g = probe.http_get.as_ref().expect("checked");
        let gp = child(p, "httpGet");
        if g.path.as_deref().unwrap_or("").is_empty() {
            errs.push(required(child(&gp, "path"), ""));
        }
        errs.extend(validate_port_num_or_name(&g.port, &child(&gp, "port")));
        match g.scheme.as_deref().unwrap_or("") {
            "HTTP" | "HTTPS" => {}
            other => errs.push(not_supported(
                child(&gp, "scheme"),
                q(other),
                &["HTTP", "HTTPS"],
            )),
        }
    }
    if one(probe.tcp_socket.is_some(), "tcpSocket", &mut errs) {
        let t = probe.tcp_socket.as_ref().expect("checked");
        errs.extend(validate_port_num_or_name(
            &t.port,
            &child(&child(p, "tcpSocket"), "port"),
        ));
    }
    if one(probe.grpc.is_some(), "grpc", &mut errs) {
        let g = probe.grpc.as_ref().expect("checked");
        errs.extend(
            is_valid_port_num(i64::from(g.port))
                .into_iter()
                .map(|m| invalid(child(&child(p, "grpc"), "port"), g.port.to_string(), m)),
        );
    }
    if n == 0 {
        errs.push(required(p, "must specify a handler type"));
    }
    for (f, v) in [
        ("initialDelaySeconds", probe.initial_delay_seconds),
        ("timeoutSeconds", probe.timeout_seconds),
        ("periodSeconds", probe.period_seconds),
        ("successThreshold", probe.success_threshold),
        ("failureThreshold", probe.failure_threshold),
    ] {
        let v = v.unwrap_or(0);
        if v < 0 {
            errs.push(invalid(
                child(p, f),
                v.to_string(),
                "must be greater than or equal to 0",
            ));
        }
    }
    if let Some(t) = probe.termination_grace_period_seconds {
        if t <= 0 {
            errs.push(invalid(
                child(p, "terminationGracePeriodSeconds"),
                t.to_string(),
                "must be greater than 0",
            ));
        }
    }
    if success_must_be_one {
        let s = probe.success_threshold.unwrap_or(0);
        if s != 1 {
            errs.push(invalid(
                child(p, "successThreshold"),
                s.to_string(),
                "must be 1",
            ));
        }
    }
    errs
}

/// `ValidatePortNumOrName`.
fn validate_port_num_or_name(port: &IntOrString, p: &str) -> Vec<FieldError> {
    match port {
        IntOrString::Int(n) => is_valid_port_num(i64::from(*n))
            .into_iter()
            .map(|m| invalid(p, n.to_string(), m))
            .collect(),
        IntOrString::String(s) => {
            if s.is_empty() {
                vec![required(p, "")]
            } else {
                is_valid_port_name(s)
                    .into_iter()
                    .map(|m| invalid(p, q(s), m))
                    .collect()
            }
        }
    }
}

/// `ValidateTolerations`.
fn validate_tolerations(tols: &[Toleration], path: &str) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (i, t) in tols.iter().enumerate() {
        let p = index(path, i);
        let k = t.key.as_deref().unwrap_or("");
        let op = t.operator.as_deref().unwrap_or("");
        let effect = t.effect.as_deref().unwrap_or("");
        let value = t.value.as_deref().unwrap_or("");
        if !k.is_empty() {
            errs.extend(
                is_qualified_name(k)
                    .into_iter()
                    .map(|m| invalid(child(&p, "key"), q(k), m)),
            );
        }
        if k.is_empty() && op != "Exists" {
            errs.push(invalid(
                child(&p, "operator"),
                q(op),
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        if t.toleration_seconds.is_some() && effect != "NoExecute" {
            errs.push(invalid(
                child(&p, "effect"),
                q(effect),
                "effect must be 'NoExecute' when `tolerationSeconds` is set",
            ));
        }
        match op {
            "Equal" | "" => {
                let msgs = is_valid_label_value(value);
                if !msgs.is_empty() {
                    errs.push(invalid(child(&p, "operator"), q(value), msgs.join(";")));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    errs.push(invalid(
                        child(&p, "operator"),
                        q(value),
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            other => errs.push(not_supported(
                child(&p, "operator"),
                q(other),
                &["Equal", "Exists"],
            )),
        }
        if !effect.is_empty() {
            errs.extend(super::validate_taint_effect(
                effect,
                true,
                &child(&p, "effect"),
            ));
        }
    }
    errs
}

/// The spec part of `ValidatePodUpdate`.
pub(super) fn validate_pod_update(new: &PodSpec, old: &PodSpec) -> Vec<FieldError> {
    let mut errs = Vec::new();
    for (path, n, o) in [
        (
            "spec.containers",
            new.containers.as_slice(),
            old.containers.as_slice(),
        ),
        (
            "spec.initContainers",
            new.init_containers.as_deref().unwrap_or(&[]),
            old.init_containers.as_deref().unwrap_or(&[]),
        ),
    ] {
        if n.len() != o.len() {
            errs.push(forbidden(
                path,
                "pod updates may not add or remove containers",
            ));
            return errs;
        }
        for (i, c) in n.iter().enumerate() {
            let image = c.image.as_deref().unwrap_or("");
            if image.is_empty() {
                errs.push(required(child(&index(path, i), "image"), ""));
            }
            if image.trim() != image {
                errs.push(invalid(
                    child(&index(path, i), "image"),
                    q(image),
                    "must not have leading or trailing whitespace",
                ));
            }
        }
    }
    match (new.active_deadline_seconds, old.active_deadline_seconds) {
        (Some(n), o) => {
            if !(0..=i64::from(i32::MAX)).contains(&n) {
                errs.push(invalid(
                    "spec.activeDeadlineSeconds",
                    n.to_string(),
                    inclusive_range_error(0, i64::from(i32::MAX)),
                ));
                return errs;
            }
            if o.is_some_and(|o| o < n) {
                errs.push(invalid(
                    "spec.activeDeadlineSeconds",
                    n.to_string(),
                    "must be less than or equal to previous value",
                ));
                return errs;
            }
        }
        (None, Some(_)) => {
            errs.push(invalid(
                "spec.activeDeadlineSeconds",
                "null",
                "must not update from a positive integer to nil value",
            ));
        }
        (None, None) => {}
    }
    // validateOnlyAddedTolerations
    let new_tols = new.tolerations.as_deref().unwrap_or(&[]);
    for o in old.tolerations.iter().flatten() {
        let found = new_tols.iter().any(|n| {
            let mut c = o.clone();
            c.toleration_seconds = n.toleration_seconds;
            &c == n
        });
        if !found {
            errs.push(forbidden(
                "spec.tolerations",
                "existing toleration can not be modified except its tolerationSeconds",
            ));
            break;
        }
    }
    if !new_tols.is_empty() && errs.iter().all(|e| e.field != "spec.tolerations") {
        errs.extend(validate_tolerations(new_tols, "spec.tolerations"));
    }
    // Munge the updatable fields and compare the rest.
    let mut munged = new.clone();
    for (m, o) in munged.containers.iter_mut().zip(&old.containers) {
        m.image = o.image.clone();
    }
    for (m, o) in munged
        .init_containers
        .iter_mut()
        .flatten()
        .zip(old.init_containers.iter().flatten())
    {
        m.image = o.image.clone();
    }
    munged.active_deadline_seconds = old.active_deadline_seconds;
    munged.scheduling_gates = old.scheduling_gates.clone();
    munged.tolerations = old.tolerations.clone();
    if old.termination_grace_period_seconds.is_some_and(|g| g < 0)
        && munged.termination_grace_period_seconds == Some(1)
    {
        munged.termination_grace_period_seconds = old.termination_grace_period_seconds;
    }
    if normalized(&munged) != normalized(old) {
        // Upstream appends "\n" and a cmp.Diff of the internal Go structs;
        // we stop after the list of updatable fields.
        errs.push(forbidden(
            "spec",
            format!("pod updates may not change fields other than {POD_UPDATABLE_FIELDS}"),
        ));
    }
    errs
}

/// A pod spec as JSON with empty lists dropped (Semantic.DeepEqual treats
/// nil and empty slices alike).
fn normalized(spec: &PodSpec) -> serde_json::Value {
    fn strip(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => serde_json::Value::Object(
                m.into_iter()
                    .filter(|(_, v)| !matches!(v, serde_json::Value::Array(a) if a.is_empty()))
                    .map(|(k, v)| (k, strip(v)))
                    .collect(),
            ),
            serde_json::Value::Array(a) => {
                serde_json::Value::Array(a.into_iter().map(strip).collect())
            }
            other => other,
        }
    }
    strip(serde_json::to_value(spec).unwrap_or_default())
}

/// The liveness, readiness and startup probes of a container.
fn validate_probes(c: &Container, p: &str) -> Vec<FieldError> {
    let mut errs = validate_probe(c.liveness_probe.as_ref(), &child(p, "livenessProbe"), true);
    errs.extend(validate_probe(
        c.readiness_probe.as_ref(),
        &child(p, "readinessProbe"),
        false,
    ));
    errs.extend(validate_probe(
        c.startup_probe.as_ref(),
        &child(p, "startupProbe"),
        true,
    ));
    errs
}
