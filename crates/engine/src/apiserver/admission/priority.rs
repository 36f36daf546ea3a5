//! The Priority admission plugin (plugin/pkg/admission/priority/admission.go,
//! v1.32).
//!
//! Pods, on create: `priorityClassName` resolves to the class's value and
//! preemptionPolicy (`no PriorityClass with name x was found` if missing);
//! without a name, the `globalDefault` class applies (its name is written to
//! the pod; with several, the lowest value), else priority 0 and
//! `PreemptLowerPriority`. A priority or preemptionPolicy already in the spec
//! must agree with the computed one. On update the stored values are kept.
//!
//! PriorityClasses, on create and update: only one may be `globalDefault`
//! (`PriorityClass x is already marked as default. Only one default can
//! exist`).

use crate::api::core::PodSpec;
use crate::api::scheduling::PriorityClass;

/// `scheduling.DefaultPriorityWhenNoDefaultClassExists`.
pub const DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS: i32 = 0;

/// `getDefaultPriorityClass`: the globalDefault class (the lowest value if
/// several are).
pub fn default_class<'a>(
    classes: impl IntoIterator<Item = &'a PriorityClass>,
) -> Option<&'a PriorityClass> {
    classes
        .into_iter()
        .filter(|c| c.global_default == Some(true))
        .min_by_key(|c| c.value)
}

/// Admits a pod being created; `Err` is the reason of a Forbidden error.
pub fn admit_pod_create<'a>(
    spec: &mut PodSpec,
    lookup: impl Fn(&str) -> Option<&'a PriorityClass>,
    default: Option<&'a PriorityClass>,
) -> Result<(), String> {
    let name = spec.priority_class_name.clone().unwrap_or_default();
    let (priority, policy) = if name.is_empty() {
        match default {
            Some(pc) => {
                spec.priority_class_name = pc.metadata.name.clone();
                (pc.value, pc.preemption_policy.clone())
            }
            None => (
                DEFAULT_PRIORITY_WHEN_NO_DEFAULT_CLASS_EXISTS,
                Some("PreemptLowerPriority".to_string()),
            ),
        }
    } else {
        match lookup(&name) {
            Some(pc) => (pc.value, pc.preemption_policy.clone()),
            None => return Err(format!("no PriorityClass with name {name} was found")),
        }
    };
    if let Some(p) = spec.priority {
        if p != priority {
            return Err(format!(
                "the integer value of priority ({p}) must not be provided in pod spec; priority admission controller computed {priority} from the given PriorityClass name"
            ));
        }
    }
    spec.priority = Some(priority);
    if let Some(policy) = policy {
        if let Some(given) = spec.preemption_policy.as_deref() {
            if given != policy {
                return Err(format!(
                    "the string value of PreemptionPolicy ({given}) must not be provided in pod spec; priority admission controller computed {policy} from the given PriorityClass name"
                ));
            }
        }
        spec.preemption_policy = Some(policy);
    }
    Ok(())
}

/// Admits a pod update: the priority and policy set at creation stay.
pub fn admit_pod_update(spec: &mut PodSpec, old: &PodSpec) {
    if spec.priority.is_none() {
        spec.priority = old.priority;
    }
    if spec.preemption_policy.is_none() {
        spec.preemption_policy = old.preemption_policy.clone();
    }
}

/// Admits a PriorityClass create (`creating`) or update: one default only.
pub fn admit_priority_class<'a>(
    pc: &PriorityClass,
    creating: bool,
    existing: impl IntoIterator<Item = &'a PriorityClass>,
) -> Result<(), String> {
    if pc.global_default != Some(true) {
        return Ok(());
    }
    if let Some(dpc) = default_class(existing) {
        if creating || dpc.metadata.name != pc.metadata.name {
            return Err(format!(
                "PriorityClass {} is already marked as default. Only one default can exist",
                dpc.metadata.name.as_deref().unwrap_or("")
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::meta::ObjectMeta;

    fn pc(name: &str, value: i32, default: bool, policy: Option<&str>) -> PriorityClass {
        PriorityClass {
            metadata: ObjectMeta {
                name: Some(name.into()),
                ..Default::default()
            },
            value,
            global_default: Some(default),
            preemption_policy: Some(policy.unwrap_or("PreemptLowerPriority").into()),
            description: None,
        }
    }

    #[test]
    fn named_class_resolves_and_missing_is_forbidden() {
        let high = pc("high", 1000, false, Some("Never"));
        let lookup = |n: &str| (n == "high").then_some(&high);
        let mut spec = PodSpec {
            priority_class_name: Some("high".into()),
            ..Default::default()
        };
        admit_pod_create(&mut spec, lookup, None).unwrap();
        assert_eq!(spec.priority, Some(1000));
        assert_eq!(spec.preemption_policy.as_deref(), Some("Never"));
        let mut spec = PodSpec {
            priority_class_name: Some("nope".into()),
            ..Default::default()
        };
        assert_eq!(
            admit_pod_create(&mut spec, lookup, None).unwrap_err(),
            "no PriorityClass with name nope was found"
        );
        let mut spec = PodSpec {
            priority_class_name: Some("high".into()),
            priority: Some(5),
            ..Default::default()
        };
        assert_eq!(
            admit_pod_create(&mut spec, lookup, None).unwrap_err(),
            "the integer value of priority (5) must not be provided in pod spec; \
             priority admission controller computed 1000 from the given PriorityClass name"
        );
    }

    #[test]
    fn global_default_applies_to_pods_without_a_class() {
        let d = pc("dflt", 7, true, None);
        let mut spec = PodSpec::default();
        admit_pod_create(&mut spec, |_| None, Some(&d)).unwrap();
        assert_eq!(spec.priority, Some(7));
        assert_eq!(spec.priority_class_name.as_deref(), Some("dflt"));
        let mut spec = PodSpec::default();
        admit_pod_create(&mut spec, |_| None, None).unwrap();
        assert_eq!(spec.priority, Some(0));
        assert_eq!(spec.priority_class_name, None);
        assert_eq!(
            spec.preemption_policy.as_deref(),
            Some("PreemptLowerPriority")
        );
    }

    #[test]
    fn only_one_default() {
        let a = pc("a", 1, true, None);
        let b = pc("b", 2, true, None);
        assert_eq!(
            admit_priority_class(&b, true, [&a]).unwrap_err(),
            "PriorityClass a is already marked as default. Only one default can exist"
        );
        assert!(admit_priority_class(&a, false, [&a]).is_ok());
    }
}
