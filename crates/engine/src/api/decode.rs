//! Strict decoding of request bodies, as kube-apiserver decodes them when
//! kubectl 1.32 sends `fieldValidation=Strict` (its default `--validate=strict`).
//!
//! Upstream: k8s.io/apimachinery/pkg/runtime/serializer/json/json.go decodes
//! with sigs.k8s.io/json `UnmarshalStrict`, which collects every unknown field
//! as `unknown field "<path>"` (document order; kubectl re-marshals the object
//! from a Go map, so keys arrive sorted) and fails on the first type error with
//! encoding/json's `UnmarshalTypeError` wording. The REST handler then wraps
//! either as `<Kind> in version "<v>" cannot be handled as a <Kind>: <err>`
//! (k8s.io/apiserver/pkg/endpoints/handlers/create.go via `transformDecodeError`).
//!
//! k8s-openapi's `Deserialize` impls silently skip unknown fields and insist on
//! fields Go would zero-fill, so decoding goes through [`Tracked`], a
//! deserializer over `serde_json::Value` that knows its path, sees each struct's
//! field list (`deserialize_struct`), records unknown keys, and turns serde's
//! errors into Go's words.
//!
//! Duplicate fields (`duplicate field "x"` upstream) cannot occur here: the body
//! arrives as a `serde_json::Value`, and kubectl itself collapses duplicate YAML
//! keys (last wins, sigs.k8s.io/yaml non-strict) before sending JSON, so a real
//! API server never sees them from kubectl either.

use std::cell::RefCell;
use std::fmt;

use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;
use serde_json::{Map, Value};

use super::{registry, Object};

/// Why a request body could not become an [`Object`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeError {
    /// The body is not a JSON object (`Object 'Kind' is missing in '<json>'`
    /// is what upstream says for anything without a kind).
    NotAnObject {
        /// The body as compact JSON.
        json: String,
    },
    /// No `kind` (upstream: `Object 'Kind' is missing in '<json>'`).
    MissingKind {
        /// The body as compact JSON.
        json: String,
    },
    /// No `apiVersion` (upstream: `Object 'apiVersion' is missing in '<json>'`).
    MissingApiVersion {
        /// The body as compact JSON.
        json: String,
    },
    /// A kind/version the engine does not serve (kubectl words this as
    /// `no matches for kind "X" in version "v"`; the caller picks the text).
    UnknownKind {
        /// The body's apiVersion.
        api_version: String,
        /// The body's kind.
        kind: String,
    },
    /// Unknown fields (strict field validation). Paths in upstream order.
    UnknownFields {
        /// apiVersion of the body.
        api_version: String,
        /// Kind of the body.
        kind: String,
        /// Dotted paths with list indices, e.g. `spec.containers[0].imagee`.
        paths: Vec<String>,
    },
    /// A value of the wrong type, or a value its type rejects (quantities,
    /// base64). `message` is Go's text, e.g. `json: cannot unmarshal string
    /// into Go struct field PodSpec.spec.containers of type []v1.Container`.
    Invalid {
        /// apiVersion of the body.
        api_version: String,
        /// Kind of the body.
        kind: String,
        /// The decoder's message, in Go's words.
        message: String,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::NotAnObject { json } | DecodeError::MissingKind { json } => {
                write!(f, "Object 'Kind' is missing in '{json}'")
            }
            DecodeError::MissingApiVersion { json } => {
                write!(f, "Object 'apiVersion' is missing in '{json}'")
            }
            DecodeError::UnknownKind { api_version, kind } => {
                write!(
                    f,
                    "no matches for kind \"{kind}\" in version \"{api_version}\""
                )
            }
            DecodeError::UnknownFields {
                api_version,
                kind,
                paths,
            } => {
                let list: Vec<String> = paths
                    .iter()
                    .map(|p| format!("unknown field \"{p}\""))
                    .collect();
                write!(
                    f,
                    "{kind} in version \"{}\" cannot be handled as a {kind}: strict decoding error: {}",
                    version_of(api_version),
                    list.join(", ")
                )
            }
            DecodeError::Invalid {
                api_version,
                kind,
                message,
            } => write!(
                f,
                "{kind} in version \"{}\" cannot be handled as a {kind}: {message}",
                version_of(api_version)
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// The version part of an apiVersion (`apps/v1` → `v1`), as upstream prints
/// it in `in version "v1"`.
fn version_of(api_version: &str) -> &str {
    api_version.rsplit('/').next().unwrap_or(api_version)
}

/// Strictly decodes a request body into an [`Object`]: unknown fields and
/// type errors are reported as kube-apiserver reports them; fields Go would
/// zero-fill (a container without `name`) are zero-filled so validation can
/// report them (`spec.containers[0].name: Required value`).
pub fn decode(v: Value) -> Result<Object, DecodeError> {
    let Value::Object(map) = &v else {
        return Err(DecodeError::NotAnObject { json: compact(&v) });
    };
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind.is_empty() {
        return Err(DecodeError::MissingKind { json: compact(&v) });
    }
    let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    if api_version.is_empty() {
        return Err(DecodeError::MissingApiVersion { json: compact(&v) });
    }
    let (api_version, kind) = (api_version.to_string(), kind.to_string());
    if registry::by_kind(&api_version, &kind).is_none() {
        return Err(DecodeError::UnknownKind { api_version, kind });
    }
    let mut doc = strip_nulls(v);
    // Each round either succeeds, fails for good, or zero-fills one field.
    for _ in 0..64 {
        let state = RefCell::new(State::default());
        let result = decode_typed(&api_version, &kind, doc.clone(), &state)
            .unwrap_or_else(|| Err(de::Error::custom("unregistered kind")));
        let st = state.into_inner();
        match result {
            Ok(obj) => {
                if st.unknown.is_empty() {
                    return Ok(obj);
                }
                return Err(DecodeError::UnknownFields {
                    api_version,
                    kind,
                    paths: st.unknown,
                });
            }
            Err(e) => {
                let msg = e.to_string();
                if let (Some(field), Some(err)) = (missing_field(&msg), st.error.as_ref()) {
                    if zero_fill(&mut doc, &err.segments, field) {
                        continue;
                    }
                }
                let message = match st.error {
                    Some(err) => err.go_message(&msg),
                    None => msg,
                };
                return Err(DecodeError::Invalid {
                    api_version,
                    kind,
                    message,
                });
            }
        }
    }
    Err(DecodeError::Invalid {
        api_version,
        kind,
        message: "too many missing fields".into(),
    })
}

fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Drops `null` members of objects, as Go leaves such fields at their zero
/// value.
fn strip_nulls(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, strip_nulls(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(strip_nulls).collect()),
        other => other,
    }
}

/// serde's `missing field `x`` → `x`.
fn missing_field(msg: &str) -> Option<&str> {
    let rest = msg.strip_prefix("missing field `")?;
    rest.split('`').next()
}

/// Inserts a zero value for `field` in the object at `path`. Tries the zero
/// values in turn: a string is by far the most common required field.
fn zero_fill(doc: &mut Value, path: &[Seg], field: &str) -> bool {
    let mut cur = doc;
    for seg in path {
        cur = match (seg, cur) {
            (Seg::Key(k) | Seg::MapKey(k), Value::Object(m)) => match m.get_mut(k) {
                Some(v) => v,
                None => return false,
            },
            (Seg::Index(i), Value::Array(a)) => match a.get_mut(*i) {
                Some(v) => v,
                None => return false,
            },
            _ => return false,
        };
    }
    let Value::Object(m) = cur else { return false };
    match m.get(field) {
        None => {
            m.insert(field.to_string(), zero_for(field));
            true
        }
        Some(_) => false,
    }
}

/// Go's zero value for a required field k8s-openapi would reject as missing.
fn zero_for(field: &str) -> Value {
    match field {
        "containers" | "conditions" | "subjects" | "sources" | "nodeSelectorTerms" | "rules"
        | "values" => Value::Array(vec![]),
        "containerPort" | "port" | "weight" => Value::from(0),
        "podAffinityTerm" | "preference" | "labelSelector" | "template" | "selector"
        | "involvedObject" | "fieldRef" | "resourceFieldRef" | "configMapKeyRef"
        | "secretKeyRef" | "jobTemplate" => Value::Object(Map::new()),
        _ => Value::String(String::new()),
    }
}

/// Lenient decoding for [`Object::from_value`]: the same typed decoding as
/// [`decode`] (one compiled copy of every kind's `Deserialize` impl, over
/// [`Tracked`], instead of a second one over `serde_json::Value`), with
/// unknown fields dropped and nothing zero-filled. `None` for a kind the
/// engine does not serve.
pub(super) fn decode_lenient(
    api_version: &str,
    kind: &str,
    v: Value,
) -> Option<Result<Object, serde_json::Error>> {
    let state = RefCell::new(State::default());
    decode_typed(api_version, kind, v, &state)
}

fn decode_typed(
    api_version: &str,
    kind: &str,
    doc: Value,
    state: &RefCell<State>,
) -> Option<Result<Object, serde_json::Error>> {
    use super::{apps, batch, coordination, core, policy, scheduling};
    let d = Tracked {
        value: doc,
        path: Vec::new(),
        parent: None,
        state,
    };
    macro_rules! go {
        ($($variant:ident => $ty:ty { $($facts:tt)* }),* $(,)?) => {
            $(
                if api_version == <$ty as k8s_openapi::Resource>::API_VERSION
                    && kind == <$ty as k8s_openapi::Resource>::KIND
                {
                    return Some(<$ty as serde::Deserialize>::deserialize(d).map(|o| Object::$variant(Box::new(o))));
                }
            )*
        };
    }
    super::served_kinds!(go);
    None
}

/// One step of a path.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Seg {
    Key(String),
    /// A key of a Go map (labels, data): not part of encoding/json's field
    /// path in type errors.
    MapKey(String),
    Index(usize),
}

/// Renders a path as sigs.k8s.io/json does for unknown fields
/// (`spec.containers[0].image`).
fn render_path(segs: &[Seg]) -> String {
    let mut s = String::new();
    for seg in segs {
        match seg {
            Seg::Key(k) | Seg::MapKey(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// Renders a path as encoding/json's `UnmarshalTypeError.Field` (field names
/// only, no indices: `spec.containers.image`).
fn render_go_field(segs: &[Seg]) -> String {
    segs.iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::MapKey(_) | Seg::Index(_) => None,
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[derive(Default)]
struct State {
    unknown: Vec<String>,
    error: Option<ErrAt>,
}

/// Where the first error arose and what was expected there.
struct ErrAt {
    segments: Vec<Seg>,
    /// Go name of the struct holding the field (`PodSpec`).
    parent: Option<&'static str>,
    /// Go type expected (`[]v1.Container`, `string`, `int32`).
    expected: String,
    /// encoding/json's word for the JSON value found (`string`, `number 1.5`).
    found: String,
    /// The error is the type's own (quantity, base64), not a type mismatch.
    custom: Option<String>,
    /// Length of the offending string value (for base64 errors).
    input_len: usize,
}

impl ErrAt {
    fn go_message(&self, serde_msg: &str) -> String {
        if let Some(c) = &self.custom {
            return c.clone();
        }
        if serde_msg.starts_with("Invalid symbol")
            || serde_msg.starts_with("Invalid last symbol")
            || serde_msg.starts_with("Invalid input length")
            || serde_msg.starts_with("Invalid padding")
        {
            // encoding/base64's CorruptInputError (Secret data).
            let at = serde_msg
                .split("offset ")
                .nth(1)
                .and_then(|r| r.trim_end_matches('.').parse::<usize>().ok())
                .unwrap_or(self.input_len);
            return format!("illegal base64 data at input byte {at}");
        }
        if !serde_msg.starts_with("invalid type") && !serde_msg.starts_with("invalid value") {
            return serde_msg.to_string();
        }
        let field = render_go_field(&self.segments);
        match self.parent {
            Some(p) if !field.is_empty() => format!(
                "json: cannot unmarshal {} into Go struct field {p}.{field} of type {}",
                self.found, self.expected
            ),
            _ => format!(
                "json: cannot unmarshal {} into Go value of type {}",
                self.found, self.expected
            ),
        }
    }
}

/// Go type of a list field's elements, by field name (serde does not say
/// what a `Vec<T>` holds until it sees an element).
fn go_list_elem(field: &str) -> &'static str {
    match field {
        "containers" | "initContainers" => "v1.Container",
        "ephemeralContainers" => "v1.EphemeralContainer",
        "ports" => "v1.ContainerPort",
        "env" => "v1.EnvVar",
        "envFrom" => "v1.EnvFromSource",
        "volumes" => "v1.Volume",
        "volumeMounts" => "v1.VolumeMount",
        "volumeDevices" => "v1.VolumeDevice",
        "tolerations" => "v1.Toleration",
        "taints" => "v1.Taint",
        "imagePullSecrets" | "secrets" => "v1.LocalObjectReference",
        "ownerReferences" => "v1.OwnerReference",
        "managedFields" => "v1.ManagedFieldsEntry",
        "matchExpressions" => "v1.LabelSelectorRequirement",
        "items" => "v1.KeyToPath",
        "sources" => "v1.VolumeProjection",
        "hostAliases" => "v1.HostAlias",
        "readinessGates" => "v1.PodReadinessGate",
        "topologySpreadConstraints" => "v1.TopologySpreadConstraint",
        "conditions" => "v1.PodCondition",
        "addresses" => "v1.NodeAddress",
        "schedulingGates" => "v1.PodSchedulingGate",
        "resourceClaims" => "v1.PodResourceClaim",
        _ => "string",
    }
}

/// Go type of a map field, by field name.
fn go_map(field: &str) -> &'static str {
    match field {
        "limits" | "requests" | "capacity" | "allocatable" | "hard" | "used" => "v1.ResourceList",
        "binaryData" => "map[string][]uint8",
        "data" => "map[string]string",
        _ => "map[string]string",
    }
}

/// encoding/json's name for a JSON value in `cannot unmarshal <x>`.
fn go_found(v: &Value, integer_expected: bool) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        Value::Number(n) if integer_expected => format!("number {n}"),
        Value::Number(_) => "number".into(),
        Value::String(_) => "string".into(),
        Value::Array(_) => "array".into(),
        Value::Object(_) => "object".into(),
    }
}

/// A deserializer over a JSON value that knows where it is.
struct Tracked<'s> {
    value: Value,
    path: Vec<Seg>,
    /// Go name of the struct this value is a field of.
    parent: Option<&'static str>,
    state: &'s RefCell<State>,
}

impl<'s> Tracked<'s> {
    fn last_key(&self) -> &str {
        self.path
            .iter()
            .rev()
            .find_map(|s| match s {
                Seg::Key(k) => Some(k.as_str()),
                Seg::MapKey(_) | Seg::Index(_) => None,
            })
            .unwrap_or("")
    }

    /// Records the first error's location (the deepest call sees it first).
    ///
    /// The methods below are compiled once per serde visitor (hundreds of
    /// k8s-openapi types), so their generic parts stay small and the work is
    /// in non-generic helpers like this one.
    fn note<T>(
        &self,
        r: Result<T, serde_json::Error>,
        expected: &str,
    ) -> Result<T, serde_json::Error> {
        if r.is_err() {
            self.record(expected);
        }
        r
    }

    #[inline(never)]
    fn record(&self, expected: &str) {
        let mut st = self.state.borrow_mut();
        if st.error.is_none() {
            let integer = expected.starts_with("int") || expected.starts_with("uint");
            st.error = Some(ErrAt {
                segments: self.path.clone(),
                parent: self.parent,
                found: go_found(&self.value, integer),
                expected: expected.to_string(),
                custom: None,
                input_len: self.value.as_str().map_or(0, str::len),
            });
        }
    }

    /// This position with an empty object as its value: where a struct's own
    /// error (a missing field) is noted.
    #[inline(never)]
    fn struct_site(&self) -> Tracked<'s> {
        Tracked {
            value: Value::Object(Map::new()),
            path: self.path.clone(),
            parent: self.parent,
            state: self.state,
        }
    }

    /// A copy of this position, to note an error at after `self` is consumed.
    #[inline(never)]
    fn site(&self) -> Tracked<'s> {
        Tracked {
            value: self.value.clone(),
            path: self.path.clone(),
            parent: self.parent,
            state: self.state,
        }
    }

    fn custom_error<T>(&self, message: String) -> Result<T, serde_json::Error> {
        let mut st = self.state.borrow_mut();
        if st.error.is_none() {
            st.error = Some(ErrAt {
                segments: self.path.clone(),
                parent: self.parent,
                found: String::new(),
                expected: String::new(),
                custom: Some(message.clone()),
                input_len: 0,
            });
        }
        Err(de::Error::custom(message))
    }

    fn visit_compound<'de, V: Visitor<'de>>(
        self,
        visitor: V,
        strukt: Option<(&'static str, &'static [&'static str])>,
    ) -> Result<V::Value, serde_json::Error> {
        match self.into_access(strukt) {
            Access::Map(m) => visitor.visit_map(m),
            Access::Seq(s) => visitor.visit_seq(s),
            Access::Scalar(v) => visit_scalar(v, visitor),
        }
    }

    #[inline(never)]
    fn into_access(self, strukt: Option<(&'static str, &'static [&'static str])>) -> Access<'s> {
        match self.value {
            Value::Object(m) => Access::Map(TrackedMap {
                entries: sorted_entries(m).into_iter(),
                pending: None,
                path: self.path,
                // Inside a map (labels, limits) Go still names the
                // innermost struct.
                parent: strukt.map(|s| s.0).or(self.parent),
                fields: strukt.map(|s| s.1),
                is_map: strukt.is_none(),
                state: self.state,
            }),
            Value::Array(a) => Access::Seq(TrackedSeq {
                items: a.into_iter().enumerate(),
                path: self.path,
                parent: self.parent,
                state: self.state,
            }),
            other => Access::Scalar(other),
        }
    }
}

/// What a JSON value is visited as.
enum Access<'s> {
    Map(TrackedMap<'s>),
    Seq(TrackedSeq<'s>),
    Scalar(Value),
}

/// What `Value::deserialize_any` does for a scalar, without its object and
/// array arms: calling it here compiled serde_json's map and sequence
/// deserializers once more per visitor (~200 KiB of wasm) for values that
/// never reach them.
fn visit_scalar<'de, V: Visitor<'de>>(v: Value, visitor: V) -> Result<V::Value, serde_json::Error> {
    match v {
        Value::Null => visitor.visit_unit(),
        Value::Bool(b) => visitor.visit_bool(b),
        Value::Number(n) => n.deserialize_any(visitor),
        Value::String(s) => visitor.visit_string(s),
        Value::Array(_) | Value::Object(_) => {
            Err(de::Error::invalid_type(unexpected(&v), &visitor))
        }
    }
}

/// The members of a JSON object in key order, as kubectl sends them.
///
/// Not generic on purpose: a sort written inside the generic
/// [`Tracked::visit_compound`] was compiled once per serde visitor (~230
/// copies of the standard library's stable sort, ~650 KiB of wasm code).
fn sorted_entries(m: Map<String, Value>) -> Vec<(String, Value)> {
    let mut entries: Vec<(String, Value)> = m.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries
}

macro_rules! scalar {
    ($($method:ident => $go:expr),* $(,)?) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
                let r = match &self.value {
                    Value::Object(_) | Value::Array(_) => {
                        let unexpected = if self.value.is_array() { de::Unexpected::Seq } else { de::Unexpected::Map };
                        Err(de::Error::invalid_type(unexpected, &visitor))
                    }
                    _ => self.value.clone().$method(visitor),
                };
                self.note(r, $go)
            }
        )*
    };
}

impl<'de> Deserializer<'de> for Tracked<'_> {
    type Error = serde_json::Error;

    scalar! {
        deserialize_bool => "bool",
        deserialize_i8 => "int8",
        deserialize_i16 => "int16",
        deserialize_i32 => "int32",
        deserialize_i64 => "int64",
        deserialize_u8 => "uint8",
        deserialize_u16 => "uint16",
        deserialize_u32 => "uint32",
        deserialize_u64 => "uint64",
        deserialize_f32 => "float32",
        deserialize_f64 => "float64",
        deserialize_char => "string",
        deserialize_str => "string",
        deserialize_string => "string",
        deserialize_bytes => "[]uint8",
        deserialize_byte_buf => "[]uint8",
        deserialize_unit => "struct {}",
        deserialize_identifier => "string",
    }

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        let expected = match self.last_key() {
            "port" | "targetPort" | "maxSurge" | "maxUnavailable" => "intstr.IntOrString",
            _ => "interface {}",
        };
        let site = self.site();
        let r = self.visit_compound(visitor, None);
        site.note(r, expected)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        if self.value.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        if name == "Quantity" {
            // resource.Quantity accepts JSON numbers and strings, and its own
            // parser rejects malformed strings with this message.
            let text = match &self.value {
                Value::Number(n) => Some(n.to_string()),
                Value::String(s) => Some(s.clone()),
                _ => None,
            };
            if let Some(text) = text {
                if let Err(e) = crate::api::quantity::parse(&text) {
                    return self.custom_error(e.to_string());
                }
                return visitor.visit_newtype_struct(Value::String(text).into_deserializer());
            }
            let found = go_found(&self.value, false);
            return self.custom_error(format!(
                "json: cannot unmarshal {found} into Go value of type resource.Quantity"
            ));
        }
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match &self.value {
            Value::Array(_) => self.visit_compound(visitor, None),
            _ => {
                let r = Err(de::Error::invalid_type(unexpected(&self.value), &visitor));
                self.note(r, &format!("[]{}", go_list_elem(self.last_key())))
            }
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match &self.value {
            Value::Object(_) => self.visit_compound(visitor, None),
            _ => {
                let r = Err(de::Error::invalid_type(unexpected(&self.value), &visitor));
                self.note(r, go_map(self.last_key()))
            }
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match &self.value {
            Value::Object(_) => {
                let site = self.struct_site();
                let r = self.visit_compound(visitor, Some((name, fields)));
                // A missing field is the struct's own error: note it here.
                site.note(r, &format!("v1.{name}"))
            }
            _ => {
                let r = Err(de::Error::invalid_type(unexpected(&self.value), &visitor));
                self.note(r, &format!("v1.{name}"))
            }
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        let r = self.value.clone().deserialize_enum(name, variants, visitor);
        self.note(r, name)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }
}

fn unexpected(v: &Value) -> de::Unexpected<'_> {
    match v {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(b) => de::Unexpected::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => de::Unexpected::Signed(i),
            None => de::Unexpected::Float(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => de::Unexpected::Str(s),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

struct TrackedMap<'s> {
    entries: std::vec::IntoIter<(String, Value)>,
    pending: Option<(String, Value)>,
    path: Vec<Seg>,
    parent: Option<&'static str>,
    /// The struct's known fields (`None` for maps such as labels).
    fields: Option<&'static [&'static str]>,
    /// A Go map rather than a struct.
    is_map: bool,
    state: &'s RefCell<State>,
}

impl<'de> MapAccess<'de> for TrackedMap<'_> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Self::Error> {
        match self.next_key() {
            Some(k) => seed.deserialize(k.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, Self::Error> {
        seed.deserialize(self.next_value()?)
    }
}

impl<'s> TrackedMap<'s> {
    /// The next key (its value kept for [`Self::next_value`]).
    #[inline(never)]
    fn next_key(&mut self) -> Option<String> {
        let (k, v) = self.entries.next()?;
        // Unknown fields are collected in decode order, as
        // sigs.k8s.io/json does, and decoding goes on.
        if self.fields.is_some_and(|f| !f.contains(&k.as_str())) {
            let mut p = self.path.clone();
            p.push(Seg::Key(k.clone()));
            self.state.borrow_mut().unknown.push(render_path(&p));
        }
        self.pending = Some((k.clone(), v));
        Some(k)
    }

    #[inline(never)]
    fn next_value(&mut self) -> Result<Tracked<'s>, serde_json::Error> {
        let (k, v) = self
            .pending
            .take()
            .ok_or_else(|| de::Error::custom("value without key"))?;
        let mut path = self.path.clone();
        path.push(if self.is_map {
            Seg::MapKey(k)
        } else {
            Seg::Key(k)
        });
        Ok(Tracked {
            value: v,
            path,
            parent: self.parent,
            state: self.state,
        })
    }
}

struct TrackedSeq<'s> {
    items: std::iter::Enumerate<std::vec::IntoIter<Value>>,
    path: Vec<Seg>,
    parent: Option<&'static str>,
    state: &'s RefCell<State>,
}

impl<'de> SeqAccess<'de> for TrackedSeq<'_> {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Self::Error> {
        match self.next_item() {
            Some(t) => seed.deserialize(t).map(Some),
            None => Ok(None),
        }
    }
}

impl<'s> TrackedSeq<'s> {
    #[inline(never)]
    fn next_item(&mut self) -> Option<Tracked<'s>> {
        let (i, v) = self.items.next()?;
        let mut path = self.path.clone();
        path.push(Seg::Index(i));
        Some(Tracked {
            value: v,
            path,
            parent: self.parent,
            state: self.state,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn pod(spec: Value) -> Value {
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec})
    }

    #[test]
    fn from_value_is_lenient_and_keeps_every_known_field() {
        let v = pod(
            json!({"containers": [{"name": "a", "image": "nginx", "imagee": "x",
            "resources": {"limits": {"memory": "64Mi"}}}], "nodeName": "node-1"}),
        );
        let obj = Object::from_value("v1", "Pod", v).unwrap().unwrap();
        let back = obj.to_value();
        assert_eq!(back["spec"]["nodeName"], "node-1");
        assert_eq!(
            back["spec"]["containers"][0]["resources"]["limits"]["memory"],
            "64Mi"
        );
        assert!(back["spec"]["containers"][0].get("imagee").is_none());
        assert!(Object::from_value("networking.k8s.io/v1", "Ingress", json!({})).is_none());
        let err = Object::from_value("v1", "Pod", pod(json!({"containers": "x"})));
        assert!(matches!(err, Some(Err(_))));
    }

    #[test]
    fn valid_pod_decodes() {
        let obj = decode(pod(json!({"containers": [{"name": "a", "image": "nginx",
            "ports": [{"containerPort": 80}], "resources": {"limits": {"cpu": 1, "memory": "64Mi"}},
            "livenessProbe": {"httpGet": {"port": "http"}}}]})))
        .unwrap();
        assert_eq!(obj.kind(), "Pod");
        let v = obj.to_value();
        assert_eq!(
            v["spec"]["containers"][0]["resources"]["limits"]["cpu"],
            "1"
        );
    }

    #[test]
    fn unknown_fields_nested_and_in_a_list_are_reported_in_sorted_order() {
        let err = decode(pod(
            json!({"foo": 1, "containers": [{"name": "a", "imagee": "nginx"}]}),
        ))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: \
             unknown field \"spec.containers[0].imagee\", unknown field \"spec.foo\""
        );
    }

    #[test]
    fn labels_annotations_and_data_keys_are_never_unknown() {
        let v = json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": "c", "labels": {"x": "y"}, "annotations": {"a/b": "c"}},
            "data": {"anything": "goes"}});
        assert!(decode(v).is_ok());
    }

    #[test]
    fn type_error_is_worded_as_go_encoding_json() {
        let err = decode(pod(json!({"containers": "nginx"}))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string \
             into Go struct field PodSpec.spec.containers of type []v1.Container"
        );
        let err = decode(pod(json!({"containers": [{"name": "a", "image": 5}]}))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal number \
             into Go struct field Container.spec.containers.image of type string"
        );
    }

    #[test]
    fn number_label_value_names_object_meta() {
        let v = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "labels": {"v": 1}}});
        assert_eq!(
            decode(v).unwrap_err().to_string(),
            "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number \
             into Go struct field ObjectMeta.metadata.labels of type string"
        );
    }

    #[test]
    fn bad_base64_in_secret_data_is_worded_as_go() {
        let v = json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "ab!d"}});
        assert_eq!(
            decode(v).unwrap_err().to_string(),
            "Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte 2"
        );
    }

    #[test]
    fn fractional_replicas_name_the_number() {
        let v = json!({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r"},
            "spec": {"replicas": 1.5, "selector": {}, "template": {}}});
        assert_eq!(
            decode(v).unwrap_err().to_string(),
            "ReplicaSet in version \"v1\" cannot be handled as a ReplicaSet: json: cannot unmarshal \
             number 1.5 into Go struct field ReplicaSetSpec.spec.replicas of type int32"
        );
    }

    #[test]
    fn malformed_quantity_uses_apimachinery_message() {
        let err = decode(pod(json!({"containers": [{"name": "a", "image": "x",
            "resources": {"requests": {"cpu": "lots"}}}]})))
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular \
             expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"
        );
    }

    #[test]
    fn missing_required_fields_are_zero_filled_as_go_does() {
        let obj = decode(pod(json!({"containers": [{"image": "nginx"}]}))).unwrap();
        assert_eq!(obj.to_value()["spec"]["containers"][0]["name"], "");
        let obj = decode(
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}}),
        )
        .unwrap();
        assert_eq!(obj.to_value()["spec"]["containers"], json!([]));
    }

    #[test]
    fn nulls_are_dropped() {
        assert!(decode(pod(json!({"containers": null, "nodeName": null}))).is_ok());
    }

    #[test]
    fn missing_kind_and_version_and_unknown_kind() {
        let err = decode(json!({"apiVersion": "v1"})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Object 'Kind' is missing in '{\"apiVersion\":\"v1\"}'"
        );
        assert!(matches!(
            decode(json!({"kind": "Pod"})),
            Err(DecodeError::MissingApiVersion { .. })
        ));
        assert!(matches!(
            decode(json!({"apiVersion": "v1", "kind": "Widget"})),
            Err(DecodeError::UnknownKind { .. })
        ));
    }
}
