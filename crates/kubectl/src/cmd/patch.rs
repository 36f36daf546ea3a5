//! `kubectl patch` (k8s.io/kubectl/pkg/cmd/patch/patch.go): a strategic
//! merge patch (default), a JSON merge patch (RFC 7386) or a JSON patch
//! (RFC 6902) applied to the live object as the API server's patch handler
//! does (k8s.io/apiserver/pkg/endpoints/handlers/patch.go), then submitted
//! through the ordinary update path so defaulting and validation run and a
//! rejected patch changes nothing.

use super::{namespace, parse_flags, print_api_error, resolve_type, type_name};
use crate::args::{flag, Kind};
use crate::{Output, Session};
use kubarium_engine::api::Object;
use serde_json::{Map, Value};

pub(crate) const FLAGS: &[crate::args::FlagSpec] = &[
    flag("patch", Some('p'), Kind::Value),
    flag("patch-file", None, Kind::Value),
    flag("type", None, Kind::Value),
    flag("subresource", None, Kind::Value),
    flag("dry-run", None, Kind::Value),
    flag("output", Some('o'), Kind::Value),
    flag("filename", Some('f'), Kind::Multi),
    flag("local", None, Kind::Bool),
    flag("field-manager", None, Kind::Value),
];

/// The patch types kubectl accepts (`--type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PatchType {
    /// `application/strategic-merge-patch+json`.
    Strategic,
    /// `application/merge-patch+json` (RFC 7386).
    Merge,
    /// `application/json-patch+json` (RFC 6902).
    Json,
}

/// Why a patch could not be applied, as the API server answers.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum PatchError {
    /// The patch document itself is malformed (400 BadRequest).
    BadRequest(String),
    /// A JSON patch operation failed (422, printed by kubectl as
    /// `The request is invalid: the server rejected our request due to an
    /// error in our request`); the detail is evanphx/json-patch's message.
    Unprocessable(String),
}

/// `kubectl patch`.
pub(super) fn patch(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("patch", words, FLAGS, out) else {
        return;
    };
    let ptype = match p.get("type").unwrap_or("strategic") {
        "strategic" => PatchType::Strategic,
        "merge" => PatchType::Merge,
        "json" => PatchType::Json,
        other => {
            out.fail(format!(
                "error: --type must be one of [json merge strategic], not \"{other}\""
            ));
            return;
        }
    };
    let text = match (p.get("patch"), p.get("patch-file")) {
        (Some(_), Some(_)) => {
            out.fail("error: cannot specify --patch and --patch-file together");
            return;
        }
        (Some(t), None) if !t.is_empty() => t.to_string(),
        (None, Some(f)) if !f.is_empty() => match s.files.read(f) {
            Ok(t) => t,
            Err(e) => {
                out.fail(format!("error: unable to read patch file: {e}"));
                return;
            }
        },
        _ => {
            out.fail(
                "error: must specify --patch or --patch-file containing the contents of the patch",
            );
            return;
        }
    };
    if let Some(f) = ["filename", "local"].into_iter().find(|f| p.has(f)) {
        out.fail(format!(
            "error: \"kubectl patch --{f}\" is not simulated by Kubarium yet; name the resource as TYPE NAME or TYPE/NAME"
        ));
        return;
    }
    let status = match p.get("subresource") {
        None | Some("") => false,
        Some("status") => true,
        Some(other) => {
            out.fail(format!(
                "error: \"kubectl patch --subresource={other}\" is not simulated by Kubarium yet; only status is"
            ));
            return;
        }
    };
    let Ok(dry) = super::dry_run(&p, out) else {
        return;
    };
    let output = p.get("output").unwrap_or("");
    if !matches!(output, "" | "name") {
        out.fail(format!(
            "error: \"kubectl patch -o {output}\" is not simulated by Kubarium yet; use -o name or kubectl get"
        ));
        return;
    }
    let (r, name) = match p.args.as_slice() {
        [one] if one.contains('/') => {
            let (t, n) = one.split_once('/').unwrap_or((one, ""));
            let Some(r) = resolve_type(t, out) else {
                return;
            };
            (r, n.to_string())
        }
        [t, n] if !t.contains('/') => {
            let Some(r) = resolve_type(t, out) else {
                return;
            };
            (r, n.clone())
        }
        [] => {
            out.fail(super::NO_RESOURCES);
            return;
        }
        _ => {
            out.fail(super::MIXED_RESOURCE_FORMS);
            return;
        }
    };
    // kubectl converts the patch from YAML (a superset of JSON) to JSON
    // before sending it (patch.go: yaml.ToJSON).
    let patch_v: Value = match serde_yaml_ng::from_str::<Value>(&text) {
        Ok(v) => v,
        Err(e) => {
            out.fail(format!("error: unable to parse \"{text}\": yaml: {e}"));
            return;
        }
    };
    let ns = namespace(s, &p);
    let Some(live) = s.sim.api().get(r, &ns, &name).cloned() else {
        out.fail(format!(
            "Error from server (NotFound): {} \"{name}\" not found",
            r.qualified_plural()
        ));
        return;
    };
    let live_v = live.to_value();
    let patched = match apply_patch(ptype, &live_v, &patch_v) {
        Ok(v) => v,
        Err(PatchError::BadRequest(m)) => {
            out.fail(format!("Error from server (BadRequest): {m}"));
            return;
        }
        Err(PatchError::Unprocessable(_)) => {
            out.fail("The request is invalid: the server rejected our request due to an error in our request");
            return;
        }
    };
    if patched.pointer("/metadata/name") != live_v.pointer("/metadata/name") {
        out.fail(format!(
            "Error from server (BadRequest): the name of the object ({}) does not match the name on the URL ({name})",
            patched
                .pointer("/metadata/name")
                .and_then(Value::as_str)
                .unwrap_or("")
        ));
        return;
    }
    let mut obj = match Object::from_value(live.api_version(), live.kind(), patched) {
        Some(Ok(o)) => o,
        Some(Err(e)) => {
            out.fail(format!("Error from server (BadRequest): {e}"));
            return;
        }
        None => return,
    };
    let shown = if output == "name" {
        type_name(r, &name)
    } else {
        format!("{} patched", type_name(r, &name))
    };
    // patch.go: `didPatch := !reflect.DeepEqual(info.Object, patchedObj)`.
    if obj.to_value() == live_v {
        let tail = if output == "name" { "" } else { " (no change)" };
        out.out(format!("{shown}{tail}\n"));
        return;
    }
    if dry {
        out.out(format!("{shown} (dry run)\n"));
        return;
    }
    // The patch was computed against this resourceVersion: a concurrent
    // write in between is a conflict, as the server's optimistic retry sees.
    obj.meta_mut().resource_version = live.meta().resource_version.clone();
    let res = s.sim.with_api(|api| {
        if status {
            api.update_status("kubectl", obj)
        } else {
            api.update("kubectl", obj)
        }
    });
    match res {
        Ok(new) => {
            let changed = {
                let (mut a, mut b) = (new.to_value(), live_v.clone());
                for v in [&mut a, &mut b] {
                    if let Some(m) = v.get_mut("metadata").and_then(Value::as_object_mut) {
                        m.remove("resourceVersion");
                        m.remove("generation");
                    }
                }
                a != b
            };
            let tail = if changed || output == "name" {
                ""
            } else {
                " (no change)"
            };
            out.out(format!("{shown}{tail}\n"));
        }
        Err(e) => print_api_error(&e, None, out),
    }
}

/// Applies a patch of `ptype` to `original` (the object's JSON).
pub(crate) fn apply_patch(
    ptype: PatchType,
    original: &Value,
    patch: &Value,
) -> Result<Value, PatchError> {
    match ptype {
        PatchType::Merge => {
            // With the default fieldValidation (Warn) the server first
            // decodes the patch strictly (patch.go: kjson.UnmarshalStrict).
            if !patch.is_object() && !patch.is_null() {
                return Err(PatchError::BadRequest(format!(
                    "error decoding patch: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                    go_kind(patch)
                )));
            }
            Ok(merge_patch(original, patch))
        }
        PatchType::Strategic => {
            let empty = Map::new();
            let pm = match patch {
                Value::Object(pm) => pm,
                Value::Null => &empty,
                other => {
                    return Err(PatchError::BadRequest(format!(
                        "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
                        go_kind(other)
                    )))
                }
            };
            let om = original.as_object().cloned().unwrap_or_default();
            Ok(Value::Object(strategic_map(&om, pm, &mut Vec::new())?))
        }
        PatchType::Json => json_patch(original, patch),
    }
}

/// RFC 7386 JSON merge patch: objects merge recursively, `null` deletes,
/// anything else (lists included) replaces.
pub(crate) fn merge_patch(target: &Value, patch: &Value) -> Value {
    let Value::Object(pm) = patch else {
        return patch.clone();
    };
    let mut out = match target {
        Value::Object(m) => m.clone(),
        _ => Map::new(),
    };
    for (k, v) in pm {
        if v.is_null() {
            out.remove(k);
        } else {
            let merged = merge_patch(out.get(k).unwrap_or(&Value::Null), v);
            out.insert(k.clone(), merged);
        }
    }
    Value::Object(out)
}

/// The `patchMergeKey` of a list field, by the field's name and its
/// parent's: the `patchStrategy:"merge" patchMergeKey:"..."` tags of
/// k8s.io/api/core/v1/types.go (and apps/v1, batch/v1) for the v1.32 types
/// Kubarium serves. `Some(None)` is a merged list of scalars
/// (`finalizers`); `None` means the list is replaced (no strategy, e.g.
/// `tolerations`, `args`, `command`).
fn merge_key(parent: Option<&str>, field: &str) -> Option<Option<&'static str>> {
    let key = match field {
        // PodSpec: Containers, InitContainers, EphemeralContainers, Volumes,
        // ImagePullSecrets, ResourceClaims, SchedulingGates: name.
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims"
        | "schedulingGates" => "name",
        // Container.Env: name; Container.VolumeMounts: mountPath;
        // Container.VolumeDevices: devicePath.
        "env" => "name",
        "volumeMounts" => "mountPath",
        "volumeDevices" => "devicePath",
        // Container.Ports: containerPort; ServiceSpec.Ports: port.
        "ports" => match parent {
            Some("containers" | "initContainers" | "ephemeralContainers") => "containerPort",
            _ => "port",
        },
        // PodSpec.HostAliases: ip; TopologySpreadConstraints: topologyKey
        // (with whenUnsatisfiable, a second key the server also uses).
        "hostAliases" => "ip",
        "topologySpreadConstraints" => "topologyKey",
        // Conditions of pods, nodes, deployments, jobs...: type;
        // NodeStatus.Addresses: type.
        "conditions" | "addresses" => "type",
        // ObjectMeta.OwnerReferences: uid.
        "ownerReferences" => "uid",
        // ObjectMeta.Finalizers: patchStrategy merge on strings.
        "finalizers" => return Some(None),
        _ => return None,
    };
    Some(Some(key))
}

/// Strategic merge of one map (apimachinery strategicpatch.mergeMap), for
/// the directives learners use: `$patch: replace|delete` in a map or a
/// list element, `null` to delete a field, lists merged by their
/// patchMergeKey; `$setElementOrder/` and `$retainKeys` are accepted and
/// dropped.
fn strategic_map(
    original: &Map<String, Value>,
    patch: &Map<String, Value>,
    path: &mut Vec<String>,
) -> Result<Map<String, Value>, PatchError> {
    match patch.get("$patch").and_then(Value::as_str) {
        Some("replace") => {
            let mut m = patch.clone();
            m.remove("$patch");
            return Ok(strip_directives(m));
        }
        Some("delete") => return Ok(Map::new()),
        Some(other) => {
            return Err(PatchError::BadRequest(format!(
                "Unknown patch type: {other} in map: {}",
                Value::Object(patch.clone())
            )))
        }
        None => {}
    }
    let mut out = original.clone();
    for (k, pv) in patch {
        if k.starts_with("$setElementOrder/") || k == "$retainKeys" || k == "$patch" {
            continue;
        }
        if pv.is_null() {
            out.remove(k);
            continue;
        }
        let parent = path.last().cloned();
        let merged = match (out.get(k), pv) {
            (Some(Value::Object(om)), Value::Object(pm)) => {
                path.push(k.clone());
                let m = strategic_map(om, pm, path);
                path.pop();
                let m = m?;
                if pm.get("$patch").and_then(Value::as_str) == Some("delete") {
                    out.remove(k);
                    continue;
                }
                Value::Object(m)
            }
            (Some(Value::Array(ol)), Value::Array(pl)) => match merge_key(parent.as_deref(), k) {
                Some(key) => {
                    path.push(k.clone());
                    let l = strategic_list(ol, pl, key, path);
                    path.pop();
                    Value::Array(l?)
                }
                None => Value::Array(strip_list(pl)),
            },
            (_, Value::Object(pm)) => {
                if pm.get("$patch").and_then(Value::as_str) == Some("delete") {
                    out.remove(k);
                    continue;
                }
                Value::Object(strip_directives(pm.clone()))
            }
            (_, Value::Array(pl)) => Value::Array(strip_list(pl)),
            (_, v) => v.clone(),
        };
        out.insert(k.clone(), merged);
    }
    Ok(out)
}

/// Strategic merge of a list with a merge strategy
/// (strategicpatch.mergeSlice): elements of the patch whose key matches an
/// original element merge into it, `$patch: delete` elements remove it,
/// a `{"$patch": "replace"}` element replaces the whole list, and new
/// elements are appended.
fn strategic_list(
    original: &[Value],
    patch: &[Value],
    key: Option<&str>,
    path: &mut Vec<String>,
) -> Result<Vec<Value>, PatchError> {
    if patch
        .iter()
        .any(|e| e.get("$patch").and_then(Value::as_str) == Some("replace"))
    {
        return Ok(patch
            .iter()
            .filter(|e| e.get("$patch").is_none())
            .cloned()
            .map(|e| match e {
                Value::Object(m) => Value::Object(strip_directives(m)),
                v => v,
            })
            .collect());
    }
    let mut out: Vec<Value> = original.to_vec();
    let Some(key) = key else {
        // A merged list of scalars: the union, original order first.
        for e in patch {
            if !out.contains(e) {
                out.push(e.clone());
            }
        }
        return Ok(out);
    };
    for e in patch {
        let Value::Object(pm) = e else {
            return Err(PatchError::BadRequest(format!(
                "unable to find api field in struct for the list element {e}"
            )));
        };
        let Some(kv) = pm.get(key) else {
            return Err(PatchError::BadRequest(format!(
                "map: {} does not contain declared merge key: {key}",
                compact_go_map(pm)
            )));
        };
        let pos = out.iter().position(|o| o.get(key) == Some(kv));
        if pm.get("$patch").and_then(Value::as_str) == Some("delete") {
            out.retain(|o| o.get(key) != Some(kv));
            continue;
        }
        match pos {
            Some(i) => {
                let om = out[i].as_object().cloned().unwrap_or_default();
                out[i] = Value::Object(strategic_map(&om, pm, path)?);
            }
            None => out.push(Value::Object(strip_directives(pm.clone()))),
        }
    }
    Ok(out)
}

/// Go's `%v` of a map, as strategicpatch prints it in its errors.
fn compact_go_map(m: &Map<String, Value>) -> String {
    let parts: Vec<String> = m
        .iter()
        .map(|(k, v)| match v {
            Value::String(s) => format!("{k}:{s}"),
            v => format!("{k}:{v}"),
        })
        .collect();
    format!("map[{}]", parts.join(" "))
}

/// Removes patch directives from a value that is inserted as it is.
fn strip_directives(mut m: Map<String, Value>) -> Map<String, Value> {
    m.retain(|k, v| !(k.starts_with('$') || v.is_null()));
    for v in m.values_mut() {
        match v {
            Value::Object(inner) => *inner = strip_directives(std::mem::take(inner)),
            Value::Array(l) => *l = strip_list(l),
            _ => {}
        }
    }
    m
}

fn strip_list(l: &[Value]) -> Vec<Value> {
    l.iter()
        .filter(|e| e.get("$patch").is_none())
        .cloned()
        .map(|e| match e {
            Value::Object(m) => Value::Object(strip_directives(m)),
            v => v,
        })
        .collect()
}

/// RFC 6902 JSON patch, with the semantics of gopkg.in/evanphx/json-patch.v4
/// the API server uses: operations apply in order to a copy, and any
/// failure (a missing path, a failed `test`) rejects the whole patch.
pub(crate) fn json_patch(original: &Value, patch: &Value) -> Result<Value, PatchError> {
    // patch.go decodes the operations strictly first (the default
    // fieldValidation is Warn), so a non-list fails with its type's name.
    let Value::Array(ops) = patch else {
        return Err(PatchError::BadRequest(format!(
            "error decoding patch: json: cannot unmarshal {} into Go value of type []handlers.jsonPatchOp",
            go_kind(patch)
        )));
    };
    let mut doc = original.clone();
    for op in ops {
        let un = |m: String| PatchError::Unprocessable(m);
        let kind = op.get("op").and_then(Value::as_str).unwrap_or("");
        let path = op.get("path").and_then(Value::as_str);
        let Some(path) = path else {
            return Err(un(format!("{kind} operation missing path")));
        };
        let value = || op.get("value").cloned().unwrap_or(Value::Null);
        match kind {
            "add" => add(&mut doc, path, value()).map_err(un)?,
            "remove" => {
                remove(&mut doc, path).map_err(un)?;
            }
            "replace" => {
                if get(&doc, path).is_none() {
                    return Err(un(format!(
                        "replace operation does not apply: doc is missing key: {path}"
                    )));
                }
                remove(&mut doc, path).map_err(un)?;
                add(&mut doc, path, value()).map_err(un)?;
            }
            "move" | "copy" => {
                let from = op.get("from").and_then(Value::as_str).unwrap_or("");
                let Some(v) = get(&doc, from).cloned() else {
                    return Err(un(format!(
                        "{kind} operation does not apply: doc is missing from path: {from}"
                    )));
                };
                if kind == "move" {
                    remove(&mut doc, from).map_err(un)?;
                }
                add(&mut doc, path, v).map_err(un)?;
            }
            "test" => {
                if get(&doc, path) != Some(&value()) {
                    return Err(un(format!("testing value {path} failed: test failed")));
                }
            }
            other => return Err(un(format!("Unexpected kind: {other}"))),
        }
    }
    Ok(doc)
}

/// How encoding/json names a JSON value's kind in its unmarshal errors.
fn go_kind(v: &Value) -> &'static str {
    match v {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Number(_) => "number",
        Value::Bool(_) => "bool",
        Value::Null => "null",
    }
}

/// RFC 6901 reference tokens (`~1` is `/`, `~0` is `~`).
fn tokens(path: &str) -> Result<Vec<String>, String> {
    if path.is_empty() {
        return Ok(Vec::new());
    }
    let Some(rest) = path.strip_prefix('/') else {
        return Err(format!("Unable to find parent of {path}"));
    };
    Ok(rest
        .split('/')
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect())
}

fn get<'a>(doc: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = doc;
    for t in tokens(path).ok()? {
        cur = match cur {
            Value::Object(m) => m.get(&t)?,
            Value::Array(l) => l.get(t.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// The container a path's last token lives in, and that token.
fn parent_mut<'a>(doc: &'a mut Value, path: &str) -> Result<(&'a mut Value, String), String> {
    let mut toks = tokens(path)?;
    let Some(last) = toks.pop() else {
        return Err(format!("Unable to find parent of {path}"));
    };
    let mut cur = doc;
    for t in &toks {
        cur = match cur {
            Value::Object(m) => m.get_mut(t),
            Value::Array(l) => t.parse::<usize>().ok().and_then(|i| l.get_mut(i)),
            _ => None,
        }
        .ok_or_else(|| format!("add operation does not apply: doc is missing path: \"{path}\""))?;
    }
    Ok((cur, last))
}

fn add(doc: &mut Value, path: &str, v: Value) -> Result<(), String> {
    if path.is_empty() {
        *doc = v;
        return Ok(());
    }
    let (parent, last) = parent_mut(doc, path)?;
    match parent {
        Value::Object(m) => {
            m.insert(last, v);
            Ok(())
        }
        Value::Array(l) => {
            let i = if last == "-" {
                l.len()
            } else {
                last.parse::<usize>()
                    .ok()
                    .filter(|i| *i <= l.len())
                    .ok_or_else(|| format!("Unable to access invalid index: {last}"))?
            };
            l.insert(i, v);
            Ok(())
        }
        _ => Err(format!(
            "add operation does not apply: doc is missing path: \"{path}\""
        )),
    }
}

fn remove(doc: &mut Value, path: &str) -> Result<Value, String> {
    let (parent, last) = parent_mut(doc, path)?;
    let missing = || format!("remove operation does not apply: doc is missing path: \"{path}\"");
    match parent {
        Value::Object(m) => m.remove(&last).ok_or_else(missing),
        Value::Array(l) => {
            let i = last
                .parse::<usize>()
                .ok()
                .filter(|i| *i < l.len())
                .ok_or_else(missing)?;
            Ok(l.remove(i))
        }
        _ => Err(missing()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn deploy() -> Value {
        json!({
            "metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"replicas": 1, "template": {"spec": {
                "containers": [
                    {"name": "nginx", "image": "nginx:1.26",
                     "ports": [{"containerPort": 80}],
                     "env": [{"name": "A", "value": "1"}]},
                    {"name": "sidecar", "image": "busybox"}
                ],
                "tolerations": [{"key": "a", "operator": "Exists"}]
            }}}
        })
    }

    #[test]
    fn merge_patch_merges_maps_deletes_nulls_and_replaces_lists() {
        let p = json!({"metadata": {"labels": {"app": null, "tier": "fe"}},
                       "spec": {"template": {"spec": {"containers": [{"name": "x", "image": "y"}]}}}});
        let v = apply_patch(PatchType::Merge, &deploy(), &p).unwrap();
        assert_eq!(v["metadata"]["labels"], json!({"tier": "fe"}));
        assert_eq!(
            v["spec"]["template"]["spec"]["containers"],
            json!([{"name": "x", "image": "y"}])
        );
        assert_eq!(v["spec"]["replicas"], 1);
        assert_eq!(
            apply_patch(PatchType::Merge, &deploy(), &json!([1])),
            Err(PatchError::BadRequest("error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}".into()))
        );
        assert_eq!(
            apply_patch(PatchType::Strategic, &deploy(), &json!("x")),
            Err(PatchError::BadRequest(
                "json: cannot unmarshal string into Go value of type map[string]interface {}"
                    .into()
            ))
        );
    }

    #[test]
    fn strategic_patch_merges_containers_by_name_and_keeps_the_others() {
        let p = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "nginx", "image": "nginx:1.27", "env": [{"name": "B", "value": "2"}]}
        ]}}}});
        let v = apply_patch(PatchType::Strategic, &deploy(), &p).unwrap();
        let cs = &v["spec"]["template"]["spec"]["containers"];
        assert_eq!(cs.as_array().unwrap().len(), 2);
        assert_eq!(cs[0]["image"], "nginx:1.27");
        assert_eq!(cs[0]["ports"], json!([{"containerPort": 80}]));
        assert_eq!(
            cs[0]["env"],
            json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}])
        );
        assert_eq!(cs[1]["name"], "sidecar");
    }

    #[test]
    fn strategic_patch_merges_ports_by_container_port_and_replaces_tolerations() {
        let p = json!({"spec": {"template": {"spec": {
            "containers": [{"name": "nginx", "ports": [{"containerPort": 80, "name": "http"}, {"containerPort": 443}]}],
            "tolerations": [{"key": "b", "operator": "Exists"}]
        }}}});
        let v = apply_patch(PatchType::Strategic, &deploy(), &p).unwrap();
        let spec = &v["spec"]["template"]["spec"];
        assert_eq!(
            spec["containers"][0]["ports"],
            json!([{"containerPort": 80, "name": "http"}, {"containerPort": 443}])
        );
        assert_eq!(
            spec["tolerations"],
            json!([{"key": "b", "operator": "Exists"}])
        );
        // A Service's ports merge by `port`.
        let svc = json!({"spec": {"ports": [{"port": 80, "targetPort": 8080}]}});
        let p = json!({"spec": {"ports": [{"port": 80, "targetPort": 9090}, {"port": 443}]}});
        let v = apply_patch(PatchType::Strategic, &svc, &p).unwrap();
        assert_eq!(
            v["spec"]["ports"],
            json!([{"port": 80, "targetPort": 9090}, {"port": 443}])
        );
    }

    #[test]
    fn strategic_patch_directives_delete_and_replace() {
        let p = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "sidecar", "$patch": "delete"}
        ]}}}});
        let v = apply_patch(PatchType::Strategic, &deploy(), &p).unwrap();
        let cs = v["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap();
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0]["name"], "nginx");

        let p = json!({"spec": {"template": {"spec": {"containers": [
            {"$patch": "replace"}, {"name": "only", "image": "i"}
        ]}}}});
        let v = apply_patch(PatchType::Strategic, &deploy(), &p).unwrap();
        assert_eq!(
            v["spec"]["template"]["spec"]["containers"],
            json!([{"name": "only", "image": "i"}])
        );

        let p = json!({"metadata": {"labels": {"$patch": "replace", "new": "x"}}});
        let v = apply_patch(PatchType::Strategic, &deploy(), &p).unwrap();
        assert_eq!(v["metadata"]["labels"], json!({"new": "x"}));

        let p = json!({"metadata": {"labels": {"$patch": "delete"}}});
        let v = apply_patch(PatchType::Strategic, &deploy(), &p).unwrap();
        assert!(v["metadata"].get("labels").is_none());

        // An element without its merge key is rejected.
        let p = json!({"spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}});
        assert_eq!(
            apply_patch(PatchType::Strategic, &deploy(), &p),
            Err(PatchError::BadRequest(
                "map: map[image:x] does not contain declared merge key: name".into()
            ))
        );
    }

    #[test]
    fn strategic_patch_unions_finalizers() {
        let o = json!({"metadata": {"finalizers": ["a"]}});
        let p = json!({"metadata": {"finalizers": ["b", "a"]}});
        let v = apply_patch(PatchType::Strategic, &o, &p).unwrap();
        assert_eq!(v["metadata"]["finalizers"], json!(["a", "b"]));
    }

    #[test]
    fn json_patch_operations() {
        let p = json!([
            {"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "nginx:1.27"},
            {"op": "add", "path": "/metadata/labels/tier", "value": "fe"},
            {"op": "remove", "path": "/spec/template/spec/containers/1"},
            {"op": "copy", "from": "/metadata/labels/app", "path": "/metadata/labels/copy"},
            {"op": "move", "from": "/metadata/labels/copy", "path": "/metadata/labels/moved"},
            {"op": "add", "path": "/spec/template/spec/containers/0/env/-", "value": {"name": "Z"}},
            {"op": "test", "path": "/spec/replicas", "value": 1}
        ]);
        let v = apply_patch(PatchType::Json, &deploy(), &p).unwrap();
        let cs = v["spec"]["template"]["spec"]["containers"]
            .as_array()
            .unwrap();
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0]["image"], "nginx:1.27");
        assert_eq!(cs[0]["env"][1], json!({"name": "Z"}));
        assert_eq!(
            v["metadata"]["labels"],
            json!({"app": "web", "tier": "fe", "moved": "web"})
        );
    }

    #[test]
    fn json_patch_failures_reject_the_whole_patch() {
        let failed_test = json!([
            {"op": "replace", "path": "/spec/replicas", "value": 3},
            {"op": "test", "path": "/spec/replicas", "value": 5}
        ]);
        assert_eq!(
            apply_patch(PatchType::Json, &deploy(), &failed_test),
            Err(PatchError::Unprocessable(
                "testing value /spec/replicas failed: test failed".into()
            ))
        );
        for bad in [
            json!([{"op": "remove", "path": "/spec/nope"}]),
            json!([{"op": "replace", "path": "/spec/nope", "value": 1}]),
            json!([{"op": "add", "path": "/a/b/c", "value": 1}]),
            json!([{"op": "frobnicate", "path": "/spec"}]),
        ] {
            assert!(matches!(
                apply_patch(PatchType::Json, &deploy(), &bad),
                Err(PatchError::Unprocessable(_))
            ));
        }
        assert_eq!(
            apply_patch(PatchType::Json, &deploy(), &json!({"op": "add"})),
            Err(PatchError::BadRequest(
                "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp".into()
            ))
        );
    }

    #[test]
    fn pointer_tokens_unescape() {
        let o = json!({"metadata": {"annotations": {}}});
        let p =
            json!([{"op": "add", "path": "/metadata/annotations/example.com~1x~0y", "value": "1"}]);
        let v = apply_patch(PatchType::Json, &o, &p).unwrap();
        assert_eq!(v["metadata"]["annotations"]["example.com/x~y"], "1");
    }
}
