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

macro_rules! kinds {
    ($( $variant:ident => $ty:ty ),* $(,)?) => {
        /// A stored API object of one of the kinds the engine serves.
        #[derive(Clone, Debug, PartialEq)]
        pub enum Object {
            $( #[doc = concat!("A ", stringify!($variant), ".")] $variant($ty), )*
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

            /// The JSON form the API server returns (with apiVersion and kind).
            pub fn to_value(&self) -> Value {
                let v = match self { $( Object::$variant(o) => serde_json::to_value(o), )* };
                v.unwrap_or(Value::Null)
            }

        }

        $(
            impl From<$ty> for Object {
                fn from(o: $ty) -> Object { Object::$variant(o) }
            }
            impl TryFrom<Object> for $ty {
                type Error = Object;
                fn try_from(o: Object) -> Result<$ty, Object> {
                    match o { Object::$variant(x) => Ok(x), other => Err(other) }
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

kinds! {
    Namespace => core::Namespace,
    Node => core::Node,
    Pod => core::Pod,
    Event => core::Event,
    ConfigMap => core::ConfigMap,
    Secret => core::Secret,
    ServiceAccount => core::ServiceAccount,
    ReplicaSet => apps::ReplicaSet,
    Deployment => apps::Deployment,
    Job => batch::Job,
    CronJob => batch::CronJob,
    DaemonSet => apps::DaemonSet,
    StatefulSet => apps::StatefulSet,
    ControllerRevision => apps::ControllerRevision,
    PersistentVolumeClaim => core::PersistentVolumeClaim,
    Lease => coordination::Lease,
    PodDisruptionBudget => policy::PodDisruptionBudget,
    PriorityClass => scheduling::PriorityClass,
}

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
