//! The API's object model: one enum over the real Kubernetes types
//! (k8s-openapi, v1.32) so every field a valid manifest may carry is kept and
//! round-trips, plus the resource registry and helpers shared by all kinds.

pub mod decode;
pub mod podutil;
pub mod quantity;
pub mod registry;
pub mod selector;

pub use k8s_openapi::api::apps::v1 as apps;
pub use k8s_openapi::api::batch::v1 as batch;
pub use k8s_openapi::api::coordination::v1 as coordination;
pub use k8s_openapi::api::core::v1 as core;
pub use k8s_openapi::api::policy::v1 as policy;
pub use k8s_openapi::api::scheduling::v1 as scheduling;
pub use k8s_openapi::apimachinery::pkg::apis::meta::v1 as meta;

use k8s_openapi::Resource;
use meta::ObjectMeta;
use serde_json::Value;

/// `copy_status!(true|false, to, from)`: copies `status` for kinds that
/// have a status subresource, nothing for the others.
macro_rules! copy_status {
    (true, $t:ident, $f:ident) => {
        $t.status = $f.status.clone()
    };
    (false, $t:ident, $f:ident) => {{
        let _ = ($t, $f);
    }};
}

/// `spec_differs!(true|false, a, b)`: whether the specs differ, for kinds
/// whose `metadata.generation` counts spec changes.
macro_rules! spec_differs {
    (true, $a:ident, $b:ident) => {
        $a.spec != $b.spec
    };
    (false, $a:ident, $b:ident) => {{
        let _ = ($a, $b);
        false
    }};
}

macro_rules! kinds {
    ($( $variant:ident => $ty:ty { status: $status:tt, generation: $gen:tt } ),* $(,)?) => {
        /// A stored API object of one of the kinds the engine serves.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $( #[doc = concat!("A ", stringify!($variant), " (boxed: the enum stays small, so an Event or a Lease does not take a Pod's or a CronJob's room).")] $variant(Box<$ty>), )*
        }

        impl Object {
            /// The object's metadata.
            pub fn meta(&self) -> &ObjectMeta {
                match self { $( Object::$variant(o) => &o.metadata, )* }
            }

            /// The object's metadata, mutable.
            pub fn meta_mut(&mut self) -> &mut ObjectMeta {
                match self { $( Object::$variant(o) => &mut o.metadata, )* }
            }

            /// The object's kind (`Pod`, `ReplicaSet`, ...).
            pub fn kind(&self) -> &'static str {
                match self { $( Object::$variant(_) => <$ty as Resource>::KIND, )* }
            }

            /// The object's apiVersion (`v1`, `apps/v1`, ...).
            pub fn api_version(&self) -> &'static str {
                match self { $( Object::$variant(_) => <$ty as Resource>::API_VERSION, )* }
            }

            /// The registry entry of this object's resource (looked up once
            /// per kind: it is on every write's path).
            pub fn resource(&self) -> &'static registry::ResourceInfo {
                match self { $( Object::$variant(_) => {
                    static RES: std::sync::OnceLock<&'static registry::ResourceInfo> =
                        std::sync::OnceLock::new();
                    RES.get_or_init(|| {
                        registry::by_kind(<$ty as Resource>::API_VERSION, <$ty as Resource>::KIND)
                            .expect("every Object variant is registered")
                    })
                } )* }
            }

            /// Whether the kind's status is written only through its
            /// `/status` subresource (a main-resource update keeps it).
            pub fn has_status_subresource(&self) -> bool {
                match self { $( Object::$variant(_) => $status, )* }
            }

            /// Whether `metadata.generation` counts the kind's spec changes.
            pub fn tracks_generation(&self) -> bool {
                match self { $( Object::$variant(_) => $gen, )* }
            }

            /// Replaces this object's status with `from`'s (same kind; a
            /// kind without a status subresource is left alone).
            pub fn copy_status_from(&mut self, from: &Object) {
                match (self, from) {
                    $( (Object::$variant(t), Object::$variant(f)) => copy_status!($status, t, f), )*
                    _ => {}
                }
            }

            /// Whether the spec of a generation-tracking kind changed.
            pub fn spec_differs(&self, other: &Object) -> bool {
                match (self, other) {
                    $( (Object::$variant(a), Object::$variant(b)) => spec_differs!($gen, a, b), )*
                    _ => true,
                }
            }

            /// The JSON form the API server returns (with apiVersion and kind).
            pub fn to_value(&self) -> Value {
                let v = match self { $( Object::$variant(o) => serde_json::to_value(o), )* };
                v.unwrap_or(Value::Null)
            }

        }

        $(
            impl From<$ty> for Object {
                fn from(o: $ty) -> Object { Object::$variant(Box::new(o)) }
            }
            impl TryFrom<Object> for $ty {
                type Error = Object;
                fn try_from(o: Object) -> Result<$ty, Object> {
                    match o { Object::$variant(x) => Ok(*x), other => Err(other) }
                }
            }
            impl<'a> TryFrom<&'a Object> for &'a $ty {
                type Error = ();
                fn try_from(o: &'a Object) -> Result<&'a $ty, ()> {
                    match o { Object::$variant(x) => Ok(x), _ => Err(()) }
                }
            }
        )*
    };
}

/// Every kind the engine serves, once: the `Object` enum, the API server's
/// per-kind rules (status subresource, generation tracking) and the strict
/// decoder ([`decode`]) are all generated from this list. A new kind is one
/// line here (plus its registry entry). `status`: the kind has a `/status`
/// subresource; `generation`: its registry strategy counts spec changes in
/// `metadata.generation` (pods do not in v1.32).
macro_rules! served_kinds {
    ($m:ident) => {
        $m! {
            Namespace => core::Namespace { status: true, generation: false },
            Node => core::Node { status: true, generation: false },
            Pod => core::Pod { status: true, generation: false },
            Event => core::Event { status: false, generation: false },
            ConfigMap => core::ConfigMap { status: false, generation: false },
            Secret => core::Secret { status: false, generation: false },
            ServiceAccount => core::ServiceAccount { status: false, generation: false },
            ReplicaSet => apps::ReplicaSet { status: true, generation: true },
            Deployment => apps::Deployment { status: true, generation: true },
            Job => batch::Job { status: true, generation: true },
            CronJob => batch::CronJob { status: true, generation: true },
            DaemonSet => apps::DaemonSet { status: true, generation: true },
            StatefulSet => apps::StatefulSet { status: true, generation: true },
            ControllerRevision => apps::ControllerRevision { status: false, generation: false },
            PersistentVolumeClaim => core::PersistentVolumeClaim { status: true, generation: false },
            Lease => coordination::Lease { status: false, generation: false },
            PodDisruptionBudget => policy::PodDisruptionBudget { status: true, generation: true },
            PriorityClass => scheduling::PriorityClass { status: false, generation: false },
        }
    };
}
pub(crate) use served_kinds;

served_kinds!(kinds);

impl Object {
    /// Decodes the JSON form of an object of `api_version`/`kind` (lenient:
    /// unknown fields are dropped; see [`decode`] for the strict decoding the
    /// API server applies to requests). `None` for a kind the engine does not
    /// serve.
    pub fn from_value(
        api_version: &str,
        kind: &str,
        v: Value,
    ) -> Option<Result<Object, serde_json::Error>> {
        decode::decode_lenient(api_version, kind, v)
    }

    /// `metadata.name` (empty if unset).
    pub fn name(&self) -> &str {
        self.meta().name.as_deref().unwrap_or("")
    }

    /// `metadata.namespace` (empty for cluster-scoped objects).
    pub fn namespace(&self) -> &str {
        self.meta().namespace.as_deref().unwrap_or("")
    }
}

/// `namespace/name` or `name` for cluster-scoped objects: the key controllers
/// queue and the trace prints.
pub fn key(namespace: &str, name: &str) -> String {
    if namespace.is_empty() {
        name.to_string()
    } else {
        format!("{namespace}/{name}")
    }
}

/// Reads a label from an object's metadata.
pub fn label<'a>(meta: &'a ObjectMeta, k: &str) -> Option<&'a str> {
    meta.labels.as_ref()?.get(k).map(String::as_str)
}
