//! PriorityClass validation (pkg/apis/scheduling/validation/validation.go,
//! v1.32): names with the `system-` prefix are reserved for the two system
//! classes; user classes may not exceed 1000000000; preemptionPolicy is
//! `Never` or `PreemptLowerPriority`; on update, value and preemptionPolicy
//! are immutable.

use super::field::{forbidden, invalid, not_supported, q, FieldError};
use crate::api::scheduling::PriorityClass;

/// `scheduling.HighestUserDefinablePriority`.
pub const HIGHEST_USER_DEFINABLE_PRIORITY: i32 = 1_000_000_000;
/// `scheduling.SystemPriorityClassPrefix`.
pub const SYSTEM_PRIORITY_CLASS_PREFIX: &str = "system-";
/// The system classes the API server creates (`SystemPriorityClasses`):
/// name, value, description.
pub const SYSTEM_PRIORITY_CLASSES: &[(&str, i32, &str)] = &[
    (
        "system-node-critical",
        2_000_001_000,
        "Used for system critical pods that must not be moved from their current node.",
    ),
    (
        "system-cluster-critical",
        2_000_000_000,
        "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    ),
];

/// `IsKnownSystemPriorityClass`.
fn known_system_class(pc: &PriorityClass) -> Result<(), String> {
    let name = pc.metadata.name.as_deref().unwrap_or("");
    match SYSTEM_PRIORITY_CLASSES.iter().find(|c| c.0 == name) {
        None => Err(format!("{name} is not a known system priority class")),
        Some(c) if c.1 != pc.value => Err(format!("value of {name} PriorityClass must be {}", c.1)),
        Some(_) if pc.global_default.unwrap_or(false) => Err(format!(
            "globalDefault of {name} PriorityClass must be false"
        )),
        Some(_) => Ok(()),
    }
}

/// `ValidatePriorityClass` without the metadata part.
pub fn validate_priority_class(pc: &PriorityClass) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let name = pc.metadata.name.as_deref().unwrap_or("");
    if name.starts_with(SYSTEM_PRIORITY_CLASS_PREFIX) {
        if let Err(e) = known_system_class(pc) {
            errs.push(forbidden(
                "metadata.name",
                format!(
                    "priority class names with '{SYSTEM_PRIORITY_CLASS_PREFIX}' prefix are reserved for system use only. error: {e}"
                ),
            ));
        }
    } else if pc.value > HIGHEST_USER_DEFINABLE_PRIORITY {
        errs.push(forbidden(
            "value",
            format!(
                "maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}"
            ),
        ));
    }
    if let Some(p) = pc.preemption_policy.as_deref() {
        if p != "Never" && p != "PreemptLowerPriority" {
            errs.push(not_supported(
                "preemptionPolicy",
                q(p),
                &["Never", "PreemptLowerPriority"],
            ));
        }
    }
    errs
}

/// `ValidatePriorityClassUpdate`: value and preemptionPolicy do not change.
pub fn validate_priority_class_update(new: &PriorityClass, old: &PriorityClass) -> Vec<FieldError> {
    let mut errs = Vec::new();
    if new.value != old.value {
        errs.push(forbidden("value", "may not be changed in an update."));
    }
    if new.preemption_policy != old.preemption_policy {
        errs.push(invalid(
            "preemptionPolicy",
            q(new.preemption_policy.as_deref().unwrap_or("")),
            "field is immutable",
        ));
    }
    errs
}
