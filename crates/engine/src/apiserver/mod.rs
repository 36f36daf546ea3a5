//! kube-apiserver: every read and write of cluster state goes through here.
//!
//! A write runs the same pipeline as upstream's: resolve the resource →
//! admission (namespace lifecycle, ServiceAccount, defaulting) → validation →
//! store (etcd) → watch notification. Components read through the same
//! object (standing in for their informer caches: see the README's
//! "Simplifications") and write through it, so every write is traced.

pub mod admission;
mod eviction;
#[cfg(test)]
mod tests;
pub mod validation;

use crate::api::registry::{self, ResourceInfo};
use crate::api::{self, core, meta, scheduling, Object};
use crate::clock::{Clock, Millis, SECOND};
use crate::rng::Rng;
use crate::store::{Key, Store, StoreError, WatchEvent};
use crate::trace::Trace;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

/// `metav1.StatusReason` values the engine answers with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// 404.
    NotFound,
    /// 409 on create.
    AlreadyExists,
    /// 409 on a stale write.
    Conflict,
    /// 422.
    Invalid,
    /// 400.
    BadRequest,
    /// 403.
    Forbidden,
    /// 405.
    MethodNotAllowed,
    /// 410.
    Gone,
    /// 500.
    InternalError,
    /// 429 (an eviction a disruption budget does not allow).
    TooManyRequests,
}

impl Reason {
    /// The reason as kubectl prints it in `Error from server (NotFound)`.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotFound => "NotFound",
            Reason::AlreadyExists => "AlreadyExists",
            Reason::Conflict => "Conflict",
            Reason::Invalid => "Invalid",
            Reason::BadRequest => "BadRequest",
            Reason::Forbidden => "Forbidden",
            Reason::MethodNotAllowed => "MethodNotAllowed",
            Reason::Gone => "Gone",
            Reason::InternalError => "InternalError",
            Reason::TooManyRequests => "TooManyRequests",
        }
    }

    /// The HTTP status code.
    pub fn code(self) -> u16 {
        match self {
            Reason::NotFound => 404,
            Reason::AlreadyExists | Reason::Conflict => 409,
            Reason::Invalid => 422,
            Reason::BadRequest => 400,
            Reason::Forbidden => 403,
            Reason::MethodNotAllowed => 405,
            Reason::Gone => 410,
            Reason::InternalError => 500,
            Reason::TooManyRequests => 429,
        }
    }
}

/// A failed request: a `metav1.Status` with its reason and message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// Why.
    pub reason: Reason,
    /// The message, in Kubernetes' words.
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    /// Builds an error.
    pub fn new(reason: Reason, message: impl Into<String>) -> ApiError {
        ApiError {
            reason,
            message: message.into(),
        }
    }

    /// `pods "x" not found`.
    pub fn not_found(res: &ResourceInfo, name: &str) -> ApiError {
        ApiError::new(
            Reason::NotFound,
            format!("{} \"{name}\" not found", res.qualified_plural()),
        )
    }

    /// `pods "x" already exists`.
    pub fn already_exists(res: &ResourceInfo, name: &str) -> ApiError {
        ApiError::new(
            Reason::AlreadyExists,
            format!("{} \"{name}\" already exists", res.qualified_plural()),
        )
    }

    /// The optimistic-concurrency failure, worded as the registry words it.
    pub fn conflict(res: &ResourceInfo, name: &str) -> ApiError {
        ApiError::new(
            Reason::Conflict,
            format!(
                "Operation cannot be fulfilled on {} \"{name}\": the object has been modified; please apply your changes to the latest version and try again",
                res.qualified_plural()
            ),
        )
    }

    /// `pods "x" is forbidden: <why>`.
    pub fn forbidden(res: &ResourceInfo, name: &str, why: &str) -> ApiError {
        ApiError::new(
            Reason::Forbidden,
            format!("{} \"{name}\" is forbidden: {why}", res.qualified_plural()),
        )
    }

    fn from_store(e: StoreError, res: &ResourceInfo, name: &str) -> ApiError {
        match e {
            StoreError::AlreadyExists => ApiError::already_exists(res, name),
            StoreError::NotFound => ApiError::not_found(res, name),
            StoreError::Conflict => ApiError::conflict(res, name),
            StoreError::Compacted { oldest } => {
                ApiError::new(Reason::Gone, format!("too old resource version: {oldest}"))
            }
        }
    }
}

/// How dependents of a deleted object are treated (`--cascade`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Propagation {
    /// Delete the owner now; the garbage collector deletes dependents.
    #[default]
    Background,
    /// Dependents first (those with `blockOwnerDeletion`), then the owner.
    Foreground,
    /// Keep the dependents, removing their ownerReferences.
    Orphan,
}

/// The finalizer of an owner in foreground cascading deletion.
pub const FOREGROUND_DELETION: &str = "foregroundDeletion";

/// `DeleteOptions` as the engine honours them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// Seconds of graceful termination; `None` uses the object's default
    /// (a pod's terminationGracePeriodSeconds).
    pub grace_period_seconds: Option<i64>,
    /// Dependent handling.
    pub propagation: Propagation,
}

/// Who is asking, for the trace (`kubectl`, `system:kube-scheduler`, ...).
pub type User<'a> = &'a str;

/// The API server with its store.
pub struct ApiServer {
    /// etcd.
    pub store: Store,
    /// The virtual clock (the simulation advances it).
    pub clock: Clock,
    /// The trace every component records into.
    pub trace: Trace,
    /// Random streams, one per use, so that more objects of one kind (say
    /// Events, which take UIDs) never reshuffle the names of another.
    uid_rng: Rng,
    name_rng: Rng,
    token_rng: Rng,
    notifications: Vec<WatchEvent>,
    event_seq: u64,
    meaningful_revision: u64,
    /// Fingerprint of an event's aggregation key → the event's
    /// (namespace, name) (the recorder's cache), and back, so that a deleted
    /// event leaves the cache in O(log n).
    event_index: BTreeMap<u64, (String, String)>,
    event_fingerprints: BTreeMap<(String, String), u64>,
    /// Pods by their controller's UID, and pods without a controller: the
    /// informer indexes controllers use to find their pods.
    pods_by_controller: BTreeMap<String, BTreeMap<(String, String), Arc<Object>>>,
    pod_controller: BTreeMap<(String, String), String>,
    orphan_pods: BTreeMap<(String, String), Arc<Object>>,
    /// ReplicaSets without a controller (the Deployment controller adopts
    /// matching ones), by (namespace, name).
    orphan_replica_sets: BTreeMap<(String, String), Arc<Object>>,
    /// Every object with ownerReferences, by owner UID (the garbage
    /// collector's dependency graph), and the owners each object names.
    dependents: BTreeMap<String, BTreeSet<Key>>,
    owners_of: BTreeMap<Key, Vec<String>>,
}

/// What makes two events "the same" for aggregation (client-go's
/// `getEventKey`): source, involved object and field, type, reason, message.
/// The cache keeps a fingerprint of it; a hit is confirmed against the
/// stored event, so a fingerprint collision can only cost an aggregation.
fn event_fingerprint(parts: &[&str]) -> u64 {
    let mut h = 0u64;
    for p in parts {
        h = crate::rng::fnv1a(p.as_bytes()) ^ h.rotate_left(7) ^ p.len() as u64;
    }
    h
}

/// Whether a stored event has the aggregation key `(component, uid,
/// field_path, type, reason, message)`.
fn same_event(
    e: &core::Event,
    component: &str,
    uid: &str,
    field_path: Option<&str>,
    type_: &str,
    reason: &str,
    message: &str,
) -> bool {
    e.source.as_ref().and_then(|s| s.component.as_deref()) == Some(component)
        && e.involved_object.uid.as_deref().unwrap_or("") == uid
        && e.involved_object.field_path.as_deref() == field_path
        && e.type_.as_deref() == Some(type_)
        && e.reason.as_deref() == Some(reason)
        && e.message.as_deref() == Some(message)
}

impl ApiServer {
    /// An API server over an empty store.
    pub fn new(clock: Clock, seed: u64) -> ApiServer {
        ApiServer {
            store: Store::default(),
            clock,
            trace: Trace::new(),
            uid_rng: Rng::stream(seed, "kube-apiserver/uid"),
            name_rng: Rng::stream(seed, "kube-apiserver/generateName"),
            token_rng: Rng::stream(seed, "kube-apiserver/serviceaccount-token"),
            notifications: Vec::new(),
            event_seq: 0,
            meaningful_revision: 0,
            event_index: BTreeMap::new(),
            event_fingerprints: BTreeMap::new(),
            pods_by_controller: BTreeMap::new(),
            pod_controller: BTreeMap::new(),
            orphan_pods: BTreeMap::new(),
            orphan_replica_sets: BTreeMap::new(),
            dependents: BTreeMap::new(),
            owners_of: BTreeMap::new(),
        }
    }

    /// Current virtual time.
    pub fn now(&self) -> Millis {
        self.clock.now()
    }

    /// Drains the watch events committed since the last call.
    pub fn take_notifications(&mut self) -> Vec<WatchEvent> {
        std::mem::take(&mut self.notifications)
    }

    /// Records a request in the trace.
    pub fn trace_request(
        &mut self,
        user: User,
        verb: &str,
        resource: &str,
        namespace: &str,
        name: &str,
        code: u16,
    ) {
        let now = self.now();
        self.trace.record_api(
            now,
            "kube-apiserver",
            [user, verb, resource, namespace, name],
            code,
        );
    }

    /// The revision of the last write that was not a Lease renewal: the
    /// simulation is "settled" when this stops moving.
    pub fn last_meaningful_revision(&self) -> u64 {
        self.meaningful_revision
    }

    /// Every stored object, ordered by resource, namespace and name.
    pub fn store_objects(&self) -> impl Iterator<Item = &Object> {
        self.store.iter()
    }

    fn index(&mut self, ev: &WatchEvent) {
        self.index_owners(ev);
        match &*ev.object {
            Object::Pod(p) => {
                let key = (
                    p.metadata.namespace.clone().unwrap_or_default(),
                    p.metadata.name.clone().unwrap_or_default(),
                );
                let uid = crate::api::podutil::controller_uid(p);
                let deleted = ev.event_type == crate::store::EventType::Deleted;
                if self.pod_controller.get(&key).map(String::as_str) != uid.filter(|_| !deleted) {
                    if let Some(old) = self.pod_controller.remove(&key) {
                        if let Some(set) = self.pods_by_controller.get_mut(&old) {
                            set.remove(&key);
                            if set.is_empty() {
                                self.pods_by_controller.remove(&old);
                            }
                        }
                    }
                }
                self.orphan_pods.remove(&key);
                if deleted {
                    return;
                }
                match uid {
                    Some(uid) => {
                        // An update of a pod already indexed replaces the
                        // object in place (no key or UID copied).
                        let slot = self
                            .pods_by_controller
                            .get_mut(uid)
                            .and_then(|set| set.get_mut(&key));
                        match slot {
                            Some(obj) => *obj = ev.object.clone(),
                            None => {
                                self.pods_by_controller
                                    .entry(uid.to_string())
                                    .or_default()
                                    .insert(key.clone(), ev.object.clone());
                            }
                        }
                        self.pod_controller
                            .entry(key)
                            .or_insert_with(|| uid.to_string());
                    }
                    None => {
                        self.orphan_pods.insert(key, ev.object.clone());
                    }
                }
            }
            Object::ReplicaSet(rs) => {
                let key = (
                    rs.metadata.namespace.clone().unwrap_or_default(),
                    rs.metadata.name.clone().unwrap_or_default(),
                );
                if ev.event_type != crate::store::EventType::Deleted
                    && crate::api::podutil::get_controller_of(&rs.metadata).is_none()
                {
                    self.orphan_replica_sets.insert(key, ev.object.clone());
                } else {
                    self.orphan_replica_sets.remove(&key);
                }
            }
            Object::Event(e) if ev.event_type == crate::store::EventType::Deleted => {
                let key = (
                    e.metadata.namespace.clone().unwrap_or_default(),
                    e.metadata.name.clone().unwrap_or_default(),
                );
                if let Some(fp) = self.event_fingerprints.remove(&key) {
                    if self.event_index.get(&fp) == Some(&key) {
                        self.event_index.remove(&fp);
                    }
                }
            }
            _ => {}
        }
    }

    /// Keeps the owner → dependents graph current.
    fn index_owners(&mut self, ev: &WatchEvent) {
        let key = Key::of(&ev.object);
        let deleted = ev.event_type == crate::store::EventType::Deleted;
        // Most writes (status updates) keep the owners: nothing to move.
        let refs = ev
            .object
            .meta()
            .owner_references
            .as_deref()
            .unwrap_or_default();
        let same = match self.owners_of.get(&key) {
            Some(old) => !deleted && old.iter().eq(refs.iter().map(|r| &r.uid)),
            None => deleted || refs.is_empty(),
        };
        if same {
            return;
        }
        let owners: Vec<String> = if deleted {
            Vec::new()
        } else {
            ev.object
                .meta()
                .owner_references
                .iter()
                .flatten()
                .map(|r| r.uid.clone())
                .collect()
        };
        let old = self.owners_of.remove(&key).unwrap_or_default();
        if old == owners {
            if !owners.is_empty() {
                self.owners_of.insert(key, owners);
            }
            return;
        }
        for uid in &old {
            if let Some(set) = self.dependents.get_mut(uid) {
                set.remove(&key);
                if set.is_empty() {
                    self.dependents.remove(uid);
                }
            }
        }
        for uid in &owners {
            self.dependents
                .entry(uid.clone())
                .or_default()
                .insert(key.clone());
        }
        if !owners.is_empty() {
            self.owners_of.insert(key, owners);
        }
    }

    /// Objects whose ownerReferences name the owner with `uid`, as stored.
    pub fn dependents_of(&self, uid: &str) -> Vec<Arc<Object>> {
        self.dependents
            .get(uid)
            .into_iter()
            .flatten()
            .filter_map(|k| self.store.get_arc(k).cloned())
            .collect()
    }

    /// Pods whose controller is the object with `uid`, as stored.
    pub fn pods_of_controller(&self, uid: &str) -> impl Iterator<Item = &Arc<Object>> {
        self.pods_by_controller
            .get(uid)
            .into_iter()
            .flat_map(|m| m.values())
    }

    /// ReplicaSets without a controller in `namespace`, as stored.
    pub fn orphan_replica_sets_in<'a>(
        &'a self,
        namespace: &'a str,
    ) -> impl Iterator<Item = &'a Arc<Object>> + 'a {
        self.orphan_replica_sets
            .range((namespace.to_string(), String::new())..)
            .take_while(move |((ns, _), _)| ns == namespace)
            .map(|(_, o)| o)
    }

    /// Pods without a controller in `namespace`, as stored.
    pub fn orphan_pods_in<'a>(
        &'a self,
        namespace: &'a str,
    ) -> impl Iterator<Item = &'a Arc<Object>> + 'a {
        self.orphan_pods
            .range((namespace.to_string(), String::new())..)
            .take_while(move |((ns, _), _)| ns == namespace)
            .map(|(_, o)| o)
    }

    /// Turns a store result into the API's: the committed object (after
    /// notifying watchers), or the error in the API server's words.
    fn committed(
        &mut self,
        r: Result<WatchEvent, StoreError>,
        res: &ResourceInfo,
        name: &str,
    ) -> Result<Arc<Object>, ApiError> {
        let ev = r.map_err(|e| ApiError::from_store(e, res, name))?;
        let stored = ev.object.clone();
        self.notify(ev);
        Ok(stored)
    }

    fn notify(&mut self, ev: WatchEvent) {
        self.index(&ev);
        if !matches!(*ev.object, Object::Lease(_)) {
            self.meaningful_revision = ev.revision;
        }
        let now = self.now();
        let o = &ev.object;
        self.trace.record_watch(
            now,
            "etcd",
            ev.event_type.as_str(),
            [o.resource().qualified, o.namespace(), o.name()],
            ev.revision,
        );
        self.notifications.push(ev);
    }

    fn traced<T>(
        &mut self,
        user: User,
        verb: &str,
        res: &ResourceInfo,
        ns: &str,
        name: &str,
        r: Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let code = match &r {
            Ok(_) if verb == "create" => 201,
            Ok(_) => 200,
            Err(e) => e.reason.code(),
        };
        self.trace_request(user, verb, res.plural, ns, name, code);
        r
    }

    /// Reads one object (as an informer cache would: untraced).
    pub fn get(&self, res: &ResourceInfo, namespace: &str, name: &str) -> Option<&Object> {
        let ns = if res.namespaced { namespace } else { "" };
        self.store.lookup(res.qualified, ns, name).map(|o| &**o)
    }

    /// Reads one object as the shared stored value (no copy).
    pub fn get_arc(&self, res: &ResourceInfo, namespace: &str, name: &str) -> Option<Arc<Object>> {
        let ns = if res.namespaced { namespace } else { "" };
        self.store.lookup(res.qualified, ns, name).cloned()
    }

    /// The kubelet's status write (`pods/status`): replaces a pod's status,
    /// copying the stored pod once; a write that changes nothing is not one.
    pub fn update_pod_status(
        &mut self,
        user: User,
        namespace: &str,
        name: &str,
        status: core::PodStatus,
    ) -> Result<Arc<Object>, ApiError> {
        let res = registry::by_kind("v1", "Pod").unwrap();
        let r = match self.store.lookup(res.qualified, namespace, name).cloned() {
            None => Err(ApiError::not_found(res, name)),
            Some(old) => match &*old {
                Object::Pod(p) if p.status.as_ref() == Some(&status) => Ok(old),
                Object::Pod(p) => {
                    // Copy what stays; the old status is replaced, not copied.
                    let p = core::Pod {
                        metadata: p.metadata.clone(),
                        spec: p.spec.clone(),
                        status: Some(status),
                    };
                    {
                        let r = self.store.update(Object::Pod(Box::new(p)));
                        self.committed(r, res, name)
                    }
                }
                _ => Err(ApiError::not_found(res, name)),
            },
        };
        self.traced(user, "update", res, namespace, &format!("{name}/status"), r)
    }

    /// Reads one object of a typed kind.
    pub fn get_typed<'a, T>(
        &'a self,
        res: &ResourceInfo,
        namespace: &str,
        name: &str,
    ) -> Option<&'a T>
    where
        &'a T: TryFrom<&'a Object>,
    {
        self.get(res, namespace, name)
            .and_then(|o| o.try_into().ok())
    }

    /// Lists objects of a resource, of one namespace or all.
    pub fn list<'a>(
        &'a self,
        res: &ResourceInfo,
        namespace: Option<&str>,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.store.list(&res.qualified_plural(), namespace)
    }

    /// Creates an object: admission, validation, storage.
    pub fn create(&mut self, user: User, obj: Object) -> Result<Arc<Object>, ApiError> {
        let res = obj.resource();
        let ns = obj.namespace().to_string();
        let name = obj.name().to_string();
        let r = self.do_create(obj);
        let shown = r.as_ref().map(|o| o.name().to_string()).unwrap_or(name);
        self.traced(user, "create", res, &ns, &shown, r)
    }

    fn do_create(&mut self, mut obj: Object) -> Result<Arc<Object>, ApiError> {
        let res = obj.resource();
        // Namespaced objects need a namespace; cluster-scoped ones have none.
        if res.namespaced {
            if obj.namespace().is_empty() {
                obj.meta_mut().namespace = Some("default".into());
            }
        } else {
            obj.meta_mut().namespace = None;
        }
        // generateName: the name is the prefix plus 5 random characters.
        if obj.name().is_empty() {
            match obj.meta().generate_name.clone() {
                Some(prefix) if !prefix.is_empty() => {
                    let suffix = self.name_rng.k8s_suffix(5);
                    obj.meta_mut().name = Some(format!("{prefix}{suffix}"));
                }
                // No name: validation reports `metadata.name: Required value`.
                _ => {}
            }
        }
        let name = obj.name().to_string();
        let ns = obj.namespace().to_string();

        // Admission: NamespaceLifecycle.
        if res.namespaced {
            match self.get_typed::<core::Namespace>(
                registry::by_kind("v1", "Namespace").unwrap(),
                "",
                &ns,
            ) {
                None => {
                    return Err(ApiError::new(
                        Reason::NotFound,
                        format!("namespaces \"{ns}\" not found"),
                    ));
                }
                Some(n) if n.metadata.deletion_timestamp.is_some() => {
                    return Err(ApiError::forbidden(
                        res,
                        &name,
                        &format!("unable to create new content in namespace {ns} because it is being terminated"),
                    ));
                }
                _ => {}
            }
        }
        // Admission: ServiceAccount (the pod's service account must exist).
        // Only pods get the token volume; draw only for them.
        let suffix = if matches!(obj, Object::Pod(_)) {
            self.token_rng.k8s_suffix(5)
        } else {
            String::new()
        };
        let ctx = admission::AdmissionContext::create(suffix);
        admission::default_object(&mut obj, &ctx);
        // The workload strategies' PrepareForCreate: a new object's status
        // is its controller's to write, whatever the client sent.
        match &mut obj {
            Object::ReplicaSet(x) => x.status = None,
            Object::Deployment(x) => x.status = None,
            Object::DaemonSet(x) => x.status = None,
            Object::StatefulSet(x) => x.status = None,
            Object::Job(x) => x.status = None,
            Object::CronJob(x) => x.status = None,
            _ => {}
        }
        // The job strategy's PrepareForCreate needs the UID for the
        // generated selector: Jobs draw theirs before validation.
        let early_uid = if let Object::Job(j) = &mut obj {
            let uid = self.uid_rng.uuid();
            admission::batch::prepare_job_for_create(j, &uid);
            j.metadata.uid = Some(uid.clone());
            Some(uid)
        } else {
            None
        };
        admission::daemon_set_template_generation(&mut obj, None);
        if let Object::Pod(p) = &obj {
            let sa = p
                .spec
                .as_ref()
                .and_then(|s| s.service_account_name.clone())
                .unwrap_or_else(|| "default".into());
            let sa_res = registry::by_kind("v1", "ServiceAccount").unwrap();
            if self.get(sa_res, &ns, &sa).is_none() {
                return Err(ApiError::forbidden(
                    res,
                    &name,
                    &format!("error looking up service account {ns}/{sa}: serviceaccount \"{sa}\" not found"),
                ));
            }
        }
        self.admit_priority(&mut obj, None)
            .map_err(|why| ApiError::forbidden(res, &name, &why))?;
        let errs = validation::validate_create(&obj);
        if !errs.is_empty() {
            return Err(ApiError::new(
                Reason::Invalid,
                validation::invalid_message(obj.kind(), &name, &errs),
            ));
        }
        // Fields the server owns.
        let now = self.clock.time();
        let uid = early_uid.unwrap_or_else(|| self.uid_rng.uuid());
        let m = obj.meta_mut();
        m.uid = Some(uid);
        m.creation_timestamp = Some(now);
        m.resource_version = None;
        m.deletion_timestamp = None;
        m.deletion_grace_period_seconds = None;
        m.generation = None;
        if obj.tracks_generation() {
            obj.meta_mut().generation = Some(1);
        }
        if let Object::Pod(p) = &mut obj {
            // A new pod's status is the server's: Pending, nothing else.
            p.status = Some(core::PodStatus {
                phase: Some("Pending".into()),
                qos_class: Some(qos_class(p.spec.as_ref())),
                ..Default::default()
            });
        }
        if let Object::Namespace(n) = &mut obj {
            n.status = Some(core::NamespaceStatus {
                phase: Some("Active".into()),
                ..Default::default()
            });
        }
        {
            let r = self.store.create(obj);
            self.committed(r, res, &name)
        }
    }

    /// Replaces an object (the main resource: status changes are ignored
    /// for kinds with a status subresource).
    pub fn update(&mut self, user: User, obj: Object) -> Result<Arc<Object>, ApiError> {
        let res = obj.resource();
        let (ns, name) = (obj.namespace().to_string(), obj.name().to_string());
        let r = self.do_update(obj, false);
        self.traced(user, "update", res, &ns, &name, r)
    }

    /// Writes an object's status (the `/status` subresource): only the
    /// status of `obj` is taken; everything else stays as stored.
    pub fn update_status(&mut self, user: User, obj: Object) -> Result<Arc<Object>, ApiError> {
        let res = obj.resource();
        let (ns, name) = (obj.namespace().to_string(), obj.name().to_string());
        let r = self.do_update(obj, true);
        self.traced(user, "update", res, &ns, &format!("{name}/status"), r)
    }

    fn do_update(&mut self, mut obj: Object, status_only: bool) -> Result<Arc<Object>, ApiError> {
        let res = obj.resource();
        if res.namespaced && obj.namespace().is_empty() {
            obj.meta_mut().namespace = Some("default".into());
        }
        let name = obj.name().to_string();
        let key = Key::of(&obj);
        let old = self
            .store
            .get_arc(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found(res, &name))?;
        if let Some(rv) = obj
            .meta()
            .resource_version
            .as_deref()
            .filter(|s| !s.is_empty())
        {
            if Some(rv) != old.meta().resource_version.as_deref() {
                return Err(ApiError::conflict(res, &name));
            }
        }
        let mut new = if status_only {
            let mut n = (*old).clone();
            n.copy_status_from(&obj);
            // deploymentStatusStrategy keeps the annotations of the request
            // (the controller sets the revision annotation this way).
            if let (Object::Deployment(n), Object::Deployment(o)) = (&mut n, &obj) {
                n.metadata.annotations = o.metadata.annotations.clone();
            }
            n
        } else {
            if obj.has_status_subresource() {
                obj.copy_status_from(&old);
            }
            obj
        };
        // Server-owned metadata is kept from the stored object.
        {
            let (om, nm) = (old.meta(), new.meta_mut());
            nm.uid = om.uid.clone();
            nm.creation_timestamp = om.creation_timestamp.clone();
            nm.deletion_timestamp = om.deletion_timestamp.clone();
            nm.deletion_grace_period_seconds = om.deletion_grace_period_seconds;
            nm.generation = om.generation;
            nm.resource_version = om.resource_version.clone();
        }
        if !status_only {
            // The decoded object is defaulted on update too, so fields a
            // client left out (an apply of a shorter manifest) get their
            // defaults before validation compares old and new.
            admission::default_object(&mut new, &admission::AdmissionContext::update());
            admission::daemon_set_template_generation(&mut new, Some(&old));
            self.admit_priority(&mut new, Some(&old))
                .map_err(|why| ApiError::forbidden(res, &name, &why))?;
            let errs = validation::validate_update(&new, &old);
            if !errs.is_empty() {
                return Err(ApiError::new(
                    Reason::Invalid,
                    validation::invalid_message(new.kind(), &name, &errs),
                ));
            }
            if new.tracks_generation() && new.spec_differs(&old) {
                new.meta_mut().generation = Some(old.meta().generation.unwrap_or(0) + 1);
            }
        }
        if new == *old {
            // A no-op write does not touch etcd or wake watchers.
            return Ok(old);
        }
        // Removing the last finalizer of an object being deleted deletes it.
        let spec_finalizers = matches!(&new, Object::Namespace(n) if n.spec.as_ref().and_then(|s| s.finalizers.as_ref()).is_some_and(|f| !f.is_empty()));
        // A pod in graceful termination waits for its kubelet; one whose
        // grace period is over (0) goes once its finalizers are gone.
        let pod_waits = matches!(new, Object::Pod(_))
            && (old.meta().finalizers.as_ref().is_none_or(|f| f.is_empty())
                || new.meta().deletion_grace_period_seconds != Some(0));
        if new.meta().deletion_timestamp.is_some()
            && new.meta().finalizers.as_ref().is_none_or(|f| f.is_empty())
            && !spec_finalizers
            && !pod_waits
        {
            return {
                let r = self.store.delete(&key, None);
                self.committed(r, res, &name)
            };
        }
        {
            let r = self.store.update(new);
            self.committed(r, res, &name)
        }
    }

    /// The Priority admission plugin (see [`admission::priority`]), on a
    /// create (`old` is `None`) or an update.
    fn admit_priority(&self, obj: &mut Object, old: Option<&Object>) -> Result<(), String> {
        let Some(pc_res) = registry::by_kind("scheduling.k8s.io/v1", "PriorityClass") else {
            return Ok(());
        };
        let classes = || {
            self.list(pc_res, None).filter_map(|o| match o {
                Object::PriorityClass(pc) => Some(&**pc),
                _ => None,
            })
        };
        match (obj, old) {
            (Object::Pod(p), None) => {
                let spec = p.spec.get_or_insert_with(Default::default);
                admission::priority::admit_pod_create(
                    spec,
                    |n| self.get_typed::<scheduling::PriorityClass>(pc_res, "", n),
                    admission::priority::default_class(classes()),
                )
            }
            (Object::Pod(p), Some(Object::Pod(o))) => {
                if let (Some(spec), Some(old)) = (p.spec.as_mut(), o.spec.as_ref()) {
                    admission::priority::admit_pod_update(spec, old);
                }
                Ok(())
            }
            (Object::PriorityClass(pc), old) => {
                admission::priority::admit_priority_class(pc, old.is_none(), classes())
            }
            _ => Ok(()),
        }
    }

    /// Deletes an object. Pods on a node terminate gracefully: they get a
    /// deletionTimestamp and stay until the kubelet confirms (or the grace
    /// period is 0). Objects with finalizers wait for them.
    pub fn delete(
        &mut self,
        user: User,
        res: &ResourceInfo,
        namespace: &str,
        name: &str,
        opts: DeleteOptions,
    ) -> Result<Arc<Object>, ApiError> {
        let r = self.do_delete(res, namespace, name, opts);
        self.traced(user, "delete", res, namespace, name, r)
    }

    fn do_delete(
        &mut self,
        res: &ResourceInfo,
        namespace: &str,
        name: &str,
        opts: DeleteOptions,
    ) -> Result<Arc<Object>, ApiError> {
        let ns = if res.namespaced { namespace } else { "" };
        let key = Key::new(res.qualified_plural(), ns, name);
        let mut obj = self
            .store
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found(res, name))?;
        if opts.propagation == Propagation::Orphan {
            self.orphan_dependents(&obj);
        }
        let now = self.clock.now();
        // Graceful deletion of pods bound to a node.
        if let Object::Pod(p) = &mut obj {
            let bound = p.spec.as_ref().and_then(|s| s.node_name.as_ref()).is_some();
            let default_grace = p
                .spec
                .as_ref()
                .and_then(|s| s.termination_grace_period_seconds)
                .unwrap_or(30);
            let mut grace = opts.grace_period_seconds.unwrap_or(default_grace).max(0);
            // A pod that never started, or already finished, needs no grace.
            let phase = p
                .status
                .as_ref()
                .and_then(|s| s.phase.as_deref())
                .unwrap_or("Pending");
            if !bound || phase == "Succeeded" || phase == "Failed" {
                grace = 0;
            }
            if grace > 0 {
                let already = p.metadata.deletion_grace_period_seconds;
                if already.is_some_and(|g| g <= grace) {
                    return Ok(Arc::new(obj));
                }
                p.metadata.deletion_timestamp =
                    Some(self.clock.time_at(now + grace as u64 * SECOND));
                p.metadata.deletion_grace_period_seconds = Some(grace);
                return {
                    let r = self.store.update(obj);
                    self.committed(r, res, name)
                };
            }
        }
        // Foreground cascading deletion: the owner stays, marked with the
        // `foregroundDeletion` finalizer, until the garbage collector has
        // deleted the dependents that block it (registry/rest/delete.go
        // `deletionFinalizersForGarbageCollection`). Pods have no
        // dependents: for them it is the usual graceful deletion above.
        if opts.propagation == Propagation::Foreground
            && !matches!(obj, Object::Pod(_))
            && obj.meta().deletion_timestamp.is_none()
        {
            let f = obj.meta_mut().finalizers.get_or_insert_with(Vec::new);
            if !f.iter().any(|x| x == FOREGROUND_DELETION) {
                f.push(FOREGROUND_DELETION.to_string());
            }
        }
        let has_finalizers = obj
            .meta()
            .finalizers
            .as_ref()
            .is_some_and(|f| !f.is_empty())
            || matches!(&obj, Object::Namespace(n) if n.spec.as_ref().and_then(|s| s.finalizers.as_ref()).is_some_and(|f| !f.is_empty()));
        if has_finalizers {
            if obj.meta().deletion_timestamp.is_none() {
                obj.meta_mut().deletion_timestamp = Some(self.clock.time());
                obj.meta_mut().deletion_grace_period_seconds = Some(0);
                if let Object::Namespace(n) = &mut obj {
                    n.status.get_or_insert_with(Default::default).phase =
                        Some("Terminating".into());
                }
                return {
                    let r = self.store.update(obj);
                    self.committed(r, res, name)
                };
            }
            // A pod whose kubelet has finished (grace 0 now) waits only
            // for its finalizers (e.g. batch.kubernetes.io/job-tracking).
            if matches!(obj, Object::Pod(_))
                && obj.meta().deletion_grace_period_seconds != Some(0)
                && opts.grace_period_seconds == Some(0)
            {
                obj.meta_mut().deletion_grace_period_seconds = Some(0);
                return {
                    let r = self.store.update(obj);
                    self.committed(r, res, name)
                };
            }
            return Ok(Arc::new(obj));
        }
        {
            let r = self.store.delete(&key, None);
            self.committed(r, res, name)
        }
    }

    /// Removes ownerReferences to `owner` from its dependents (`--cascade=orphan`).
    fn orphan_dependents(&mut self, owner: &Object) {
        let Some(uid) = owner.meta().uid.clone() else {
            return;
        };
        for dependent in self.dependents_of(&uid) {
            let mut o = (*dependent).clone();
            let refs: Vec<_> = o
                .meta()
                .owner_references
                .iter()
                .flatten()
                .filter(|x| x.uid != uid)
                .cloned()
                .collect();
            o.meta_mut().owner_references = (!refs.is_empty()).then_some(refs);
            let _ = self.do_update(o, false);
        }
    }

    /// The pods/binding subresource: assigns a pod to a node.
    pub fn bind(
        &mut self,
        user: User,
        namespace: &str,
        pod: &str,
        node: &str,
    ) -> Result<Arc<Object>, ApiError> {
        let res = registry::by_kind("v1", "Pod").unwrap();
        let r = self.do_bind(namespace, pod, node);
        self.traced(user, "create", res, namespace, &format!("{pod}/binding"), r)
    }

    fn do_bind(&mut self, namespace: &str, pod: &str, node: &str) -> Result<Arc<Object>, ApiError> {
        let res = registry::by_kind("v1", "Pod").unwrap();
        let key = Key::new("pods", namespace, pod);
        let mut obj = self
            .store
            .get(&key)
            .cloned()
            .ok_or_else(|| ApiError::not_found(res, pod))?;
        let Object::Pod(p) = &mut obj else {
            unreachable!()
        };
        if p.metadata.deletion_timestamp.is_some() {
            return Err(ApiError::conflict(res, pod));
        }
        let spec = p.spec.get_or_insert_with(Default::default);
        if let Some(existing) = &spec.node_name {
            return Err(ApiError::new(
                Reason::Conflict,
                format!("Operation cannot be fulfilled on pods/binding \"{pod}\": pod {pod} is already assigned to node \"{existing}\""),
            ));
        }
        spec.node_name = Some(node.to_string());
        let now = self.clock.time();
        let status = p.status.get_or_insert_with(Default::default);
        set_condition(status, "PodScheduled", "True", None, None, &now);
        {
            let r = self.store.update(obj);
            self.committed(r, res, pod)
        }
    }

    /// Records an Event about `involved`, aggregating repeats as the
    /// client-go event recorder does (same source, object, type, reason and
    /// message: the count goes up and lastTimestamp moves).
    pub fn record_event(
        &mut self,
        component: &str,
        host: Option<&str>,
        involved: Involved<'_>,
        field_path: Option<&str>,
        type_: &str,
        reason: &str,
        message: &str,
    ) {
        let involved_ns = involved.meta.namespace.as_deref().unwrap_or("");
        let ns = if involved_ns.is_empty() {
            "default".to_string()
        } else {
            involved_ns.to_string()
        };
        let now = self.clock.time();
        let ev_res = registry::by_kind("v1", "Event").unwrap();
        let involved_name = involved.meta.name.as_deref().unwrap_or("");
        let involved_ref = core::ObjectReference {
            api_version: Some(involved.api_version.to_string()),
            kind: Some(involved.kind.to_string()),
            name: Some(involved_name.to_string()),
            namespace: (!involved_ns.is_empty()).then(|| involved_ns.to_string()),
            uid: involved.meta.uid.clone(),
            resource_version: involved.meta.resource_version.clone(),
            field_path: field_path.map(str::to_string),
        };
        // Aggregate with an existing identical event.
        let uid = involved_ref.uid.as_deref().unwrap_or("");
        let fp = event_fingerprint(&[
            component,
            &ns,
            uid,
            field_path.unwrap_or("\0"),
            type_,
            reason,
            message,
        ]);
        let existing = self
            .event_index
            .get(&fp)
            .and_then(|(ens, name)| self.get_typed::<core::Event>(ev_res, ens, name))
            .filter(|e| {
                e.metadata.namespace.as_deref() == Some(ns.as_str())
                    && same_event(e, component, uid, field_path, type_, reason, message)
            })
            .cloned();
        let user = format!("system:{component}");
        if let Some(mut e) = existing {
            e.count = Some(e.count.unwrap_or(1) + 1);
            e.last_timestamp = Some(now);
            let _ = self.update(&user, Object::Event(Box::new(e)));
            return;
        }
        self.event_seq += 1;
        let nanos = self
            .clock
            .datetime(self.clock.now())
            .timestamp_nanos_opt()
            .unwrap_or(0) as u64
            + self.event_seq;
        let event = core::Event {
            metadata: meta::ObjectMeta {
                name: Some(format!("{involved_name}.{nanos:x}")),
                namespace: Some(ns.clone()),
                ..Default::default()
            },
            involved_object: involved_ref,
            reason: Some(reason.to_string()),
            message: Some(message.to_string()),
            type_: Some(type_.to_string()),
            source: Some(core::EventSource {
                component: Some(component.to_string()),
                host: host.map(str::to_string),
            }),
            first_timestamp: Some(now.clone()),
            last_timestamp: Some(now),
            count: Some(1),
            reporting_component: Some(component.to_string()),
            reporting_instance: Some(host.unwrap_or(component).to_string()),
            ..Default::default()
        };
        if let Ok(created) = self.create(&user, Object::Event(Box::new(event))) {
            let key = (ns, created.name().to_string());
            if let Some((old_ns, old_name)) = self.event_index.insert(fp, key.clone()) {
                self.event_fingerprints.remove(&(old_ns, old_name));
            }
            self.event_fingerprints.insert(key, fp);
        }
    }
}

/// The object an Event is about, borrowed (no copy of the object).
#[derive(Clone, Copy)]
pub struct Involved<'a> {
    /// apiVersion of the object.
    pub api_version: &'a str,
    /// Kind of the object.
    pub kind: &'a str,
    /// Its metadata.
    pub meta: &'a meta::ObjectMeta,
}

impl<'a> Involved<'a> {
    /// A pod.
    pub fn pod(p: &'a core::Pod) -> Involved<'a> {
        Involved {
            api_version: "v1",
            kind: "Pod",
            meta: &p.metadata,
        }
    }
}

impl<'a> From<&'a Object> for Involved<'a> {
    fn from(o: &'a Object) -> Involved<'a> {
        Involved {
            api_version: o.api_version(),
            kind: o.kind(),
            meta: o.meta(),
        }
    }
}

/// Sets (or updates) a pod condition; `lastTransitionTime` moves only when
/// the status changes, as the kubelet's status manager does.
pub fn set_condition(
    status: &mut core::PodStatus,
    type_: &str,
    value: &str,
    reason: Option<&str>,
    message: Option<&str>,
    now: &meta::Time,
) {
    let conds = status.conditions.get_or_insert_with(Vec::new);
    if let Some(c) = conds.iter_mut().find(|c| c.type_ == type_) {
        if c.status != value {
            c.last_transition_time = Some(now.clone());
        }
        c.status = value.to_string();
        c.reason = reason.map(str::to_string);
        c.message = message.map(str::to_string);
    } else {
        conds.push(core::PodCondition {
            type_: type_.to_string(),
            status: value.to_string(),
            reason: reason.map(str::to_string),
            message: message.map(str::to_string),
            last_transition_time: Some(now.clone()),
            last_probe_time: None,
        });
    }
}

/// The pod's QoS class (pkg/apis/core/helper/qos): Guaranteed when every
/// container has equal cpu and memory requests and limits, BestEffort when
/// none has any, Burstable otherwise.
pub fn qos_class(spec: Option<&core::PodSpec>) -> String {
    let Some(spec) = spec else {
        return "BestEffort".into();
    };
    let all: Vec<&core::Container> = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten())
        .collect();
    let mut any = false;
    let mut guaranteed = true;
    for c in &all {
        let req = c.resources.as_ref().and_then(|r| r.requests.as_ref());
        let lim = c.resources.as_ref().and_then(|r| r.limits.as_ref());
        for r in ["cpu", "memory"] {
            let q = req
                .and_then(|m| m.get(r))
                .map(|q| api::quantity::parse(&q.0).ok());
            let l = lim
                .and_then(|m| m.get(r))
                .map(|q| api::quantity::parse(&q.0).ok());
            if q.is_some() || l.is_some() {
                any = true;
            }
            match (q, l) {
                (_, None) => guaranteed = false,
                (Some(a), Some(b)) if a != b => guaranteed = false,
                _ => {}
            }
        }
    }
    if !any {
        "BestEffort".into()
    } else if guaranteed {
        "Guaranteed".into()
    } else {
        "Burstable".into()
    }
}
