//! `kubectl autoscale` (k8s.io/kubectl/pkg/cmd/autoscale): an
//! autoscaling/v1 HorizontalPodAutoscaler for a Deployment, ReplicaSet or
//! StatefulSet, named after it unless `--name` is given.

use super::{dry_run, namespace, parse_flags, print_api_error, type_name};
use crate::args::{flag, Kind};
use crate::{Output, Session};
use kubarium_engine::api::{decode::hpa_from_v1, Object};
use serde_json::json;

const FLAGS: &[crate::args::FlagSpec] = &[
    flag("min", None, Kind::Value),
    flag("max", None, Kind::Value),
    flag("cpu-percent", None, Kind::Value),
    flag("name", None, Kind::Value),
    flag("filename", Some('f'), Kind::Multi),
    flag("dry-run", None, Kind::Value),
    flag("output", Some('o'), Kind::Value),
    flag("save-config", None, Kind::Bool),
    flag("field-manager", None, Kind::Value),
];

/// `kubectl autoscale`.
pub(super) fn autoscale(s: &mut Session, words: &[String], out: &mut Output) {
    let Some(p) = parse_flags("autoscale", words, FLAGS, out) else {
        return;
    };
    let int = |f: &str, default: i64, out: &mut Output| -> Option<i64> {
        match p.get(f) {
            None => Some(default),
            Some(v) => match v.parse::<i32>() {
                Ok(n) => Some(i64::from(n)),
                Err(_) => {
                    out.fail(format!("Error: invalid argument \"{v}\" for \"--{f}\" flag: strconv.ParseInt: parsing \"{v}\": invalid syntax\nSee 'kubectl autoscale --help' for usage."));
                    None
                }
            },
        }
    };
    let (Some(min), Some(max), Some(cpu)) = (
        int("min", -1, out),
        int("max", -1, out),
        int("cpu-percent", -1, out),
    ) else {
        return;
    };
    if !p.has("max") {
        out.fail("error: required flag(s) \"max\" not set");
        return;
    }
    if max < 1 {
        out.fail(format!(
            "error: --max=MAXPODS is required and must be at least 1, max: {max}"
        ));
        return;
    }
    if max < min {
        out.fail(format!(
            "error: --max=MAXPODS must be larger or equal to --min=MINPODS, max: {max}, min: {min}"
        ));
        return;
    }
    if p.has("filename") {
        out.fail("error: \"kubectl autoscale --filename\" is not simulated by Kubarium yet; name the resource as TYPE NAME or TYPE/NAME");
        return;
    }
    let Ok(dry) = dry_run(&p, out) else {
        return;
    };
    let Some(targets) = super::type_name_args(&p.args, out) else {
        return;
    };
    let ns = namespace(s, &p);
    for (r, name) in targets {
        if s.sim.api().get(r, &ns, &name).is_none() {
            out.fail(format!(
                "Error from server (NotFound): {} \"{name}\" not found",
                r.qualified_plural()
            ));
            continue;
        }
        if !matches!(r.kind, "Deployment" | "ReplicaSet" | "StatefulSet") {
            out.fail(format!(
                "error: cannot autoscale a {}: could not find scale subresource for {}, Resource={} in discovery information",
                r.kind,
                if r.group.is_empty() { format!("/{}", r.version) } else { r.api_version() },
                r.plural
            ));
            continue;
        }
        let hpa_name = p.get("name").unwrap_or(&name).to_string();
        // createHorizontalPodAutoscaler: an autoscaling/v1 object.
        let mut spec = json!({
            "scaleTargetRef": {"apiVersion": r.api_version(), "kind": r.kind, "name": name},
            "maxReplicas": max,
        });
        if min > 0 {
            spec["minReplicas"] = json!(min);
        }
        if cpu >= 0 {
            spec["targetCPUUtilizationPercentage"] = json!(cpu);
        }
        let v1 = json!({
            "apiVersion": "autoscaling/v1",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": hpa_name},
            "spec": spec,
        });
        let typed: k8s_openapi::api::autoscaling::v1::HorizontalPodAutoscaler =
            match serde_json::from_value(v1.clone()) {
                Ok(h) => h,
                Err(e) => {
                    out.fail(format!("error: {e}"));
                    return;
                }
            };
        let obj = Object::HorizontalPodAutoscaler(Box::new(hpa_from_v1(typed)));
        let hr = obj.resource();
        if dry {
            match p.get("output") {
                Some(fmt @ ("yaml" | "json")) => {
                    let mut v = v1;
                    v["metadata"]["creationTimestamp"] = serde_json::Value::Null;
                    v["status"] = json!({"currentReplicas": 0, "desiredReplicas": 0});
                    out.out(if fmt == "yaml" {
                        crate::printers::yaml::to_yaml(&v)
                    } else {
                        crate::printers::yaml::to_json(&v)
                    });
                }
                Some("name") => out.out(format!("{}\n", type_name(hr, &hpa_name))),
                _ => out.out(format!(
                    "{} autoscaled (dry run)\n",
                    type_name(hr, &hpa_name)
                )),
            }
            continue;
        }
        let mut obj = obj;
        obj.meta_mut().namespace = Some(ns.clone());
        match s.sim.with_api(|api| api.create("kubectl", obj)) {
            Ok(o) => match p.get("output") {
                Some("name") => out.out(format!("{}\n", type_name(hr, o.name()))),
                Some(fmt @ ("yaml" | "json")) => {
                    let v = o.to_value();
                    out.out(if fmt == "yaml" {
                        crate::printers::yaml::to_yaml(&v)
                    } else {
                        crate::printers::yaml::to_json(&v)
                    });
                }
                _ => out.out(format!("{} autoscaled\n", type_name(hr, o.name()))),
            },
            Err(e) => print_api_error(&e, None, out),
        }
    }
}
