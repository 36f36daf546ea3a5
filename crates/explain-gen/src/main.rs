//! Generates `crates/kubectl/src/explain/data.txt`, the schema data behind
//! Kubarium's `kubectl explain`, from k8s-openapi's JSON schemas (which carry
//! the upstream field documentation of Kubernetes 1.32).
//!
//! The shipped kubectl crate embeds the generated file and never depends on
//! schemars. Regenerate with:
//!
//! ```text
//! cargo run -p kubarium-explain-gen > crates/kubectl/src/explain/data.txt
//! ```
//!
//! `--check FILE` exits 1 if FILE differs from what would be generated.
//!
//! Format (one record a line; `\`, newline and tab in text escaped as `\\`,
//! `\n`, `\t`):
//!
//! ```text
//! R <group>\t<version>\t<kind>\t<definition index>      a served kind
//! D <description>                                       a definition (index = order)
//! F <name>\t<type>\t<target index or ->\t<r or ->\t<description>   a field of the last D
//! ```
//!
//! `<type>` is what kubectl's plaintext template's `typeGuess` prints for the
//! field in the apiserver's OpenAPI v3 document; `<target>` is the definition
//! a field's items, values or reference lead to (for navigation, the
//! description kubectl appends and `--recursive`).

use k8s_openapi::api::apps::v1::{
    ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet,
};
use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::coordination::v1::Lease;
use k8s_openapi::api::core::v1::{
    ConfigMap, Event, Namespace, Node, PersistentVolumeClaim, Pod, Secret, ServiceAccount,
};
use k8s_openapi::api::policy::v1::PodDisruptionBudget;
use k8s_openapi::api::scheduling::v1::PriorityClass;
use schemars::gen::SchemaSettings;
use schemars::JsonSchema;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The kinds Kubarium's API server serves (its registry), with their schemas.
fn roots(gen: &mut schemars::gen::SchemaGenerator) -> Vec<(&'static str, &'static str, String)> {
    fn name<T: JsonSchema>(gen: &mut schemars::gen::SchemaGenerator) -> String {
        gen.subschema_for::<T>();
        T::schema_name()
    }
    vec![
        ("", "ConfigMap", name::<ConfigMap>(gen)),
        ("", "Event", name::<Event>(gen)),
        ("", "Namespace", name::<Namespace>(gen)),
        ("", "Node", name::<Node>(gen)),
        (
            "",
            "PersistentVolumeClaim",
            name::<PersistentVolumeClaim>(gen),
        ),
        ("", "Pod", name::<Pod>(gen)),
        ("", "Secret", name::<Secret>(gen)),
        ("", "ServiceAccount", name::<ServiceAccount>(gen)),
        (
            "apps",
            "ControllerRevision",
            name::<ControllerRevision>(gen),
        ),
        ("apps", "DaemonSet", name::<DaemonSet>(gen)),
        ("apps", "Deployment", name::<Deployment>(gen)),
        ("apps", "ReplicaSet", name::<ReplicaSet>(gen)),
        ("apps", "StatefulSet", name::<StatefulSet>(gen)),
        (
            "autoscaling",
            "HorizontalPodAutoscaler",
            name::<HorizontalPodAutoscaler>(gen),
        ),
        ("batch", "CronJob", name::<CronJob>(gen)),
        ("batch", "Job", name::<Job>(gen)),
        ("coordination.k8s.io", "Lease", name::<Lease>(gen)),
        (
            "policy",
            "PodDisruptionBudget",
            name::<PodDisruptionBudget>(gen),
        ),
        (
            "scheduling.k8s.io",
            "PriorityClass",
            name::<PriorityClass>(gen),
        ),
    ]
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out
}

fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .map(|r| r.rsplit('/').next().unwrap_or(r))
}

fn type_of(schema: &Value) -> Option<&str> {
    schema.get("type").and_then(Value::as_str)
}

fn sub<'a>(schema: &'a Value, key: &str) -> Option<&'a Value> {
    schema.get(key).filter(|v| v.is_object())
}

/// kubectl's `typeGuess` over the OpenAPI v3 shape of this schema. In the
/// v3 document `Quantity` and `IntOrString` have no `type` (they are
/// `oneOf`/`anyOf`), so kubectl names them; `Time` and `MicroTime` are
/// strings.
fn type_guess(schema: &Value, defs: &BTreeMap<String, Value>) -> String {
    if let Some(items) = sub(schema, "items") {
        return format!("[]{}", type_guess(items, defs));
    }
    if let Some(values) = sub(schema, "additionalProperties") {
        return format!("map[string]{}", type_guess(values, defs));
    }
    if let Some(r) = ref_name(schema) {
        let short = r.rsplit('.').next().unwrap_or(r).to_string();
        if matches!(short.as_str(), "Quantity" | "IntOrString") {
            return short;
        }
        return match defs.get(r).and_then(type_of) {
            None | Some("object") => short,
            Some(t) => t.to_string(),
        };
    }
    match type_of(schema) {
        None | Some("object") => "Object".to_string(),
        Some(t) => t.to_string(),
    }
}

/// The definition this schema's items, values or reference lead to.
fn target(schema: &Value) -> Option<&str> {
    if let Some(items) = sub(schema, "items") {
        return target(items);
    }
    if let Some(values) = sub(schema, "additionalProperties") {
        return target(values);
    }
    ref_name(schema)
}

fn generate() -> String {
    let mut gen = SchemaSettings::draft07().into_generator();
    let roots = roots(&mut gen);
    let defs: BTreeMap<String, Value> = gen
        .take_definitions()
        .into_iter()
        .map(|(k, v)| (k, serde_json::to_value(v).expect("schema serialises")))
        .collect();
    let index: BTreeMap<&str, usize> = defs
        .keys()
        .enumerate()
        .map(|(i, k)| (k.as_str(), i))
        .collect();
    let mut out = String::from(
        "# kubectl explain data: generated by crates/explain-gen from k8s-openapi 0.25 (v1_32). Do not edit.\n",
    );
    for (group, kind, def) in &roots {
        // Every served group is at v1 but autoscaling, served at v2.
        let version = if *group == "autoscaling" { "v2" } else { "v1" };
        writeln!(out, "R {group}\t{version}\t{kind}\t{}", index[def.as_str()]).unwrap();
    }
    // k8s-openapi lists `metadata` as required in every resource (its Rust
    // field is not an `Option`); the apiserver's document requires it only
    // where the Go type does: core/v1 Event.
    let metadata_optional: Vec<&str> = roots
        .iter()
        .filter(|(_, kind, _)| *kind != "Event")
        .map(|(_, _, def)| def.as_str())
        .collect();
    for (def_name, schema) in &defs {
        let desc = schema
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or("");
        writeln!(out, "D {}", escape(desc)).unwrap();
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let required: Vec<&str> = if metadata_optional.contains(&def_name.as_str()) {
            required.into_iter().filter(|r| *r != "metadata").collect()
        } else {
            required
        };
        let Some(props) = schema.get("properties").and_then(Value::as_object) else {
            continue;
        };
        for (name, field) in props {
            let t = target(field)
                .map(|t| index[t].to_string())
                .unwrap_or_else(|| "-".into());
            let desc = field
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or("");
            writeln!(
                out,
                "F {name}\t{}\t{t}\t{}\t{}",
                type_guess(field, &defs),
                if required.contains(&name.as_str()) {
                    "r"
                } else {
                    "-"
                },
                escape(desc)
            )
            .unwrap();
        }
    }
    out
}

fn main() {
    let data = generate();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [] => print!("{data}"),
        [flag, path] if flag == "--check" => {
            let committed = std::fs::read_to_string(path).unwrap_or_default();
            if committed != data {
                eprintln!(
                    "{path} is stale: regenerate with `cargo run -p kubarium-explain-gen > {path}`"
                );
                std::process::exit(1);
            }
        }
        _ => {
            eprintln!("usage: kubarium-explain-gen [--check FILE]");
            std::process::exit(2);
        }
    }
}

#[cfg(test)]
mod tests {
    /// The committed data must be what the generator produces, so it cannot
    /// go stale when k8s-openapi is upgraded.
    #[test]
    fn committed_data_is_current() {
        let committed = include_str!("../../kubectl/src/explain/data.txt");
        assert!(
            committed == super::generate(),
            "crates/kubectl/src/explain/data.txt is stale: regenerate with \
             `cargo run -p kubarium-explain-gen > crates/kubectl/src/explain/data.txt`"
        );
    }
}
