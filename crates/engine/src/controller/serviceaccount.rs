//! The serviceaccount controller and the root-ca-cert-publisher: every
//! active namespace gets a `default` ServiceAccount and the
//! `kube-root-ca.crt` ConfigMap shortly after it is created (and again if
//! they are deleted).

use super::{ControllerName, WorkQueue, QUEUE_LATENCY};
use crate::api::{core, meta, registry, Object};
use crate::simulation::Ctx;
use crate::store::{EventType, WatchEvent};
use std::collections::BTreeMap;

/// The PEM the simulated cluster's CA publishes (not a real key: a learner
/// cannot do anything with it, which is the point).
pub const ROOT_CA_PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIDBTCCAe2gAwIBAgIIKubarium0wDQYJKoZIhvcNAQELBQAwFTETMBEGA1UEAxMK\na3ViZXJuZXRlczAeFw0yNTAzMDMwODU1MDBaFw0zNTAzMDEwOTAwMDBaMBUxEzAR\nBgNVBAMTCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIB\n-----END CERTIFICATE-----\n";

/// Enqueues the namespace whenever it, its default ServiceAccount or its
/// root CA ConfigMap changes.
pub fn on_watch(q: &mut WorkQueue, ev: &WatchEvent, ctx: &mut Ctx) {
    let ns = match &*ev.object {
        Object::Namespace(n) => n.metadata.name.clone().unwrap_or_default(),
        Object::ServiceAccount(sa)
            if ev.event_type == EventType::Deleted
                && sa.metadata.name.as_deref() == Some("default") =>
        {
            sa.metadata.namespace.clone().unwrap_or_default()
        }
        Object::ConfigMap(cm)
            if ev.event_type == EventType::Deleted
                && cm.metadata.name.as_deref() == Some("kube-root-ca.crt") =>
        {
            cm.metadata.namespace.clone().unwrap_or_default()
        }
        _ => return,
    };
    q.add(ControllerName::ServiceAccount, ns, ctx, QUEUE_LATENCY);
}

/// Ensures the namespace's default ServiceAccount and root CA ConfigMap.
pub fn sync(ns: &str, ctx: &mut Ctx) -> Option<u64> {
    let ns_res = registry::by_kind("v1", "Namespace").unwrap();
    let active = ctx
        .api
        .get_typed::<core::Namespace>(ns_res, "", ns)
        .is_some_and(|n| n.metadata.deletion_timestamp.is_none());
    if !active {
        return None;
    }
    let sa_res = registry::by_kind("v1", "ServiceAccount").unwrap();
    if ctx.api.get(sa_res, ns, "default").is_none() {
        let sa = core::ServiceAccount {
            metadata: meta::ObjectMeta {
                name: Some("default".into()),
                namespace: Some(ns.into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let _ = ctx.api.create(
            "system:serviceaccount:kube-system:service-account-controller",
            Object::ServiceAccount(Box::new(sa)),
        );
    }
    let cm_res = registry::by_kind("v1", "ConfigMap").unwrap();
    if ctx.api.get(cm_res, ns, "kube-root-ca.crt").is_none() {
        let cm = core::ConfigMap {
            metadata: meta::ObjectMeta {
                name: Some("kube-root-ca.crt".into()),
                namespace: Some(ns.into()),
                annotations: Some(BTreeMap::from([(
                    "kubernetes.io/description".to_string(),
                    "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.".to_string(),
                )])),
                ..Default::default()
            },
            data: Some(BTreeMap::from([("ca.crt".to_string(), ROOT_CA_PEM.to_string())])),
            ..Default::default()
        };
        let _ = ctx.api.create(
            "system:serviceaccount:kube-system:root-ca-cert-publisher",
            Object::ConfigMap(Box::new(cm)),
        );
    }
    None
}
