//! etcd: the store behind the API server.
//!
//! One global revision counts every write; each stored object carries the
//! revision of its last write as `metadata.resourceVersion`. Writes may be
//! conditional on the revision the writer read (optimistic concurrency, the
//! 409 Conflict). A bounded history of changes lets a client list at revision
//! R and then watch from R with no gap and no duplicate, as etcd's MVCC does;
//! asking for a compacted revision answers 410 Gone.

use crate::api::Object;
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// Where an object lives: `(resource, namespace, name)`, ordered so that a
/// resource's objects, and a namespace's within it, are contiguous ranges.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// Qualified plural (`pods`, `replicasets.apps`).
    pub resource: String,
    /// Namespace (`""` for cluster-scoped).
    pub namespace: String,
    /// Name.
    pub name: String,
}

impl Key {
    /// Builds a key.
    pub fn new(
        resource: impl Into<String>,
        namespace: impl Into<String>,
        name: impl Into<String>,
    ) -> Key {
        Key {
            resource: resource.into(),
            namespace: namespace.into(),
            name: name.into(),
        }
    }

    /// The key of a stored object.
    pub fn of(obj: &Object) -> Key {
        Key::new(
            obj.resource().qualified_plural(),
            obj.namespace(),
            obj.name(),
        )
    }
}

/// What a watch event says happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventType {
    /// The object was created.
    Added,
    /// The object changed.
    Modified,
    /// The object was removed.
    Deleted,
}

impl EventType {
    /// Upstream's wire name (`ADDED`, `MODIFIED`, `DELETED`).
    pub fn as_str(self) -> &'static str {
        match self {
            EventType::Added => "ADDED",
            EventType::Modified => "MODIFIED",
            EventType::Deleted => "DELETED",
        }
    }
}

/// A committed change, as a watcher sees it.
#[derive(Clone, Debug)]
pub struct WatchEvent {
    /// The revision of this change.
    pub revision: u64,
    /// What happened.
    pub event_type: EventType,
    /// The object after the change (before it, for deletions). Stored
    /// objects are immutable and shared by the store, its history and
    /// every watcher.
    pub object: Arc<Object>,
}

/// Why a store operation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreError {
    /// Create of a key that exists.
    AlreadyExists,
    /// Read or write of a key that does not exist.
    NotFound,
    /// The object's revision differs from the one the writer expected.
    Conflict,
    /// The requested revision was compacted away.
    Compacted {
        /// The oldest revision still watchable.
        oldest: u64,
    },
}

/// The default number of changes kept for watchers: a client that lists and
/// then watches from further back than the last 1,024 changes is told 410
/// Gone and lists again, as with a compacted etcd revision. Every version
/// kept pins a full copy of its object: with 20,000 kept, 3,000 pods on 300
/// nodes peaked at 210 MB of heap instead of 143 MB (heaptrack).
pub const DEFAULT_HISTORY: usize = 1_024;

/// resource → namespace → name → object: the same order as [`Key`], but
/// looked up by borrowed strings (a read allocates nothing).
type Objects = BTreeMap<String, BTreeMap<String, BTreeMap<String, Arc<Object>>>>;

/// The store.
#[derive(Clone, Debug)]
pub struct Store {
    revision: u64,
    objects: Objects,
    len: usize,
    history: VecDeque<WatchEvent>,
    history_limit: usize,
}

impl Default for Store {
    fn default() -> Self {
        Store::with_history(DEFAULT_HISTORY)
    }
}

fn rv_of(obj: &Object) -> Option<u64> {
    obj.meta().resource_version.as_deref()?.parse().ok()
}

impl Store {
    /// An empty store keeping `limit` changes of history.
    pub fn with_history(limit: usize) -> Store {
        Store {
            revision: 1,
            objects: BTreeMap::new(),
            len: 0,
            history: VecDeque::new(),
            history_limit: limit,
        }
    }

    /// The current global revision.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Reads one object.
    pub fn get(&self, key: &Key) -> Option<&Object> {
        self.get_arc(key).map(Arc::as_ref)
    }

    /// Reads one object as the shared stored value.
    pub fn get_arc(&self, key: &Key) -> Option<&Arc<Object>> {
        self.lookup(&key.resource, &key.namespace, &key.name)
    }

    /// Reads one object by its key's parts, without building a key.
    pub fn lookup(&self, resource: &str, namespace: &str, name: &str) -> Option<&Arc<Object>> {
        self.objects.get(resource)?.get(namespace)?.get(name)
    }

    /// Objects of `resource`, optionally of one namespace, ordered by
    /// namespace and name.
    pub fn list<'a>(
        &'a self,
        resource: &str,
        namespace: Option<&str>,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let by_ns = self.objects.get(resource);
        let one = namespace.map(|ns| by_ns.and_then(|m| m.get(ns)));
        let all = match one {
            Some(_) => None,
            None => by_ns,
        };
        one.flatten()
            .into_iter()
            .chain(all.into_iter().flat_map(|m| m.values()))
            .flat_map(|names| names.values())
            .map(Arc::as_ref)
    }

    /// Every object, ordered by key.
    pub fn iter(&self) -> impl Iterator<Item = &Object> {
        self.objects
            .values()
            .flat_map(|m| m.values())
            .flat_map(|m| m.values())
            .map(Arc::as_ref)
    }

    /// Number of stored objects.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn slot(&mut self, key: Key) -> &mut BTreeMap<String, Arc<Object>> {
        self.objects
            .entry(key.resource)
            .or_default()
            .entry(key.namespace)
            .or_default()
    }

    fn remove(&mut self, key: &Key) -> Option<Arc<Object>> {
        let by_ns = self.objects.get_mut(&key.resource)?;
        let names = by_ns.get_mut(&key.namespace)?;
        let obj = names.remove(&key.name)?;
        if names.is_empty() {
            by_ns.remove(&key.namespace);
            if by_ns.is_empty() {
                self.objects.remove(&key.resource);
            }
        }
        self.len -= 1;
        Some(obj)
    }

    fn commit(&mut self, event_type: EventType, object: Arc<Object>) -> WatchEvent {
        let ev = WatchEvent {
            revision: self.revision,
            event_type,
            object,
        };
        if self.history_limit > 0 {
            if self.history.len() == self.history_limit {
                self.history.pop_front();
            }
            self.history.push_back(ev.clone());
        }
        ev
    }

    /// Creates an object; fails if its key exists. Returns the stored copy
    /// (with its new resourceVersion) and the watch event.
    pub fn create(&mut self, mut obj: Object) -> Result<WatchEvent, StoreError> {
        let key = Key::of(&obj);
        if self.get_arc(&key).is_some() {
            return Err(StoreError::AlreadyExists);
        }
        self.revision += 1;
        obj.meta_mut().resource_version = Some(self.revision.to_string());
        let obj = Arc::new(obj);
        self.len += 1;
        let name = key.name.clone();
        self.slot(key).insert(name, obj.clone());
        Ok(self.commit(EventType::Added, obj))
    }

    /// Replaces an object. If the object carries a resourceVersion it must
    /// equal the stored one (compare-and-swap); without one the write is
    /// unconditional, as for an update with an empty resourceVersion.
    pub fn update(&mut self, mut obj: Object) -> Result<WatchEvent, StoreError> {
        let key = Key::of(&obj);
        let current = self.get_arc(&key).ok_or(StoreError::NotFound)?;
        if let Some(expected) = obj
            .meta()
            .resource_version
            .as_deref()
            .filter(|s| !s.is_empty())
        {
            if Some(expected) != current.meta().resource_version.as_deref() {
                return Err(StoreError::Conflict);
            }
        }
        self.revision += 1;
        obj.meta_mut().resource_version = Some(self.revision.to_string());
        let obj = Arc::new(obj);
        let name = key.name.clone();
        self.slot(key).insert(name, obj.clone());
        Ok(self.commit(EventType::Modified, obj))
    }

    /// Removes an object, optionally only if it is still at `expected_rv`.
    pub fn delete(
        &mut self,
        key: &Key,
        expected_rv: Option<u64>,
    ) -> Result<WatchEvent, StoreError> {
        let current = self.get_arc(key).ok_or(StoreError::NotFound)?;
        if let Some(rv) = expected_rv {
            if rv_of(current) != Some(rv) {
                return Err(StoreError::Conflict);
            }
        }
        let obj = self.remove(key).expect("checked above");
        self.revision += 1;
        // A deletion event carries the object at the deletion's revision.
        let mut obj = Arc::unwrap_or_clone(obj);
        obj.meta_mut().resource_version = Some(self.revision.to_string());
        Ok(self.commit(EventType::Deleted, Arc::new(obj)))
    }

    /// Changes after revision `rv` (exclusive), oldest first, optionally of
    /// one resource. Fails with `Compacted` if history no longer reaches `rv`.
    pub fn watch_from(
        &self,
        rv: u64,
        resource: Option<&str>,
    ) -> Result<Vec<WatchEvent>, StoreError> {
        let oldest = self
            .history
            .front()
            .map_or(self.revision, |e| e.revision - 1);
        if rv < oldest {
            return Err(StoreError::Compacted { oldest });
        }
        Ok(self
            .history
            .iter()
            .filter(|e| e.revision > rv)
            .filter(|e| resource.is_none_or(|r| e.object.resource().qualified == r))
            .cloned()
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::ConfigMap;
    use crate::api::meta::ObjectMeta;

    fn cm(name: &str) -> Object {
        Object::ConfigMap(Box::new(ConfigMap {
            metadata: ObjectMeta {
                name: Some(name.into()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            ..Default::default()
        }))
    }

    #[test]
    fn every_write_bumps_the_global_revision() {
        let mut s = Store::default();
        let a = s.create(cm("a")).unwrap();
        let b = s.create(cm("b")).unwrap();
        assert_eq!(b.revision, a.revision + 1);
        assert_eq!(
            b.object.meta().resource_version.as_deref(),
            Some(&*b.revision.to_string())
        );
    }

    #[test]
    fn create_of_existing_key_is_already_exists() {
        let mut s = Store::default();
        s.create(cm("a")).unwrap();
        assert_eq!(s.create(cm("a")).unwrap_err(), StoreError::AlreadyExists);
    }

    #[test]
    fn stale_resource_version_is_a_conflict() {
        let mut s = Store::default();
        let first = s.create(cm("a")).unwrap().object;
        s.update((*first).clone()).unwrap();
        assert_eq!(
            s.update((*first).clone()).unwrap_err(),
            StoreError::Conflict
        );
    }

    #[test]
    fn list_then_watch_from_its_revision_has_no_gap_and_no_duplicate() {
        let mut s = Store::default();
        s.create(cm("a")).unwrap();
        let listed: Vec<String> = s
            .list("configmaps", None)
            .map(|o| o.name().to_string())
            .collect();
        let rv = s.revision();
        s.create(cm("b")).unwrap();
        let a = s
            .get(&Key::new("configmaps", "default", "a"))
            .unwrap()
            .clone();
        s.update(a).unwrap();
        let events = s.watch_from(rv, Some("configmaps")).unwrap();
        assert_eq!(listed, vec!["a"]);
        let seen: Vec<(&str, &str)> = events
            .iter()
            .map(|e| (e.event_type.as_str(), e.object.name()))
            .collect();
        assert_eq!(seen, vec![("ADDED", "b"), ("MODIFIED", "a")]);
        let revs: Vec<u64> = events.iter().map(|e| e.revision).collect();
        assert_eq!(revs, vec![rv + 1, rv + 2]);
    }

    #[test]
    fn watching_a_compacted_revision_is_gone() {
        let mut s = Store::with_history(2);
        for n in ["a", "b", "c", "d"] {
            s.create(cm(n)).unwrap();
        }
        assert!(matches!(
            s.watch_from(1, None),
            Err(StoreError::Compacted { .. })
        ));
        assert_eq!(s.watch_from(s.revision() - 2, None).unwrap().len(), 2);
    }

    #[test]
    fn list_is_scoped_by_resource_and_namespace() {
        let mut s = Store::default();
        s.create(cm("a")).unwrap();
        assert_eq!(s.list("configmaps", Some("default")).count(), 1);
        assert_eq!(s.list("configmaps", Some("kube-system")).count(), 0);
        assert_eq!(s.list("secrets", None).count(), 0);
    }
}
