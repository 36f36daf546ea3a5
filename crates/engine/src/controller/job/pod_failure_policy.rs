//! The pod failure policy (pkg/controller/job/pod_failure_policy.go): the
//! first rule matching a failed pod decides whether the failure fails the
//! Job, is ignored, or counts towards `backoffLimit`.

use crate::api::batch::{PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement};
use crate::api::core::{ContainerStatus, Pod};

/// What a rule decided.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Fail the whole Job, with the Job condition's message.
    FailJob(String),
    /// Do not count the failure (and re-create the pod).
    Ignore,
    /// Count it (also the verdict when no rule matches).
    Count,
}

fn exit_codes_match(
    req: &PodFailurePolicyOnExitCodesRequirement,
    statuses: &[&ContainerStatus],
) -> Option<(String, i32)> {
    for cs in statuses {
        if req.container_name.as_ref().is_some_and(|n| *n != cs.name) {
            continue;
        }
        let Some(code) = cs
            .state
            .as_ref()
            .and_then(|s| s.terminated.as_ref())
            .map(|t| t.exit_code)
        else {
            continue;
        };
        if code == 0 {
            continue;
        }
        let listed = req.values.contains(&code);
        let hit = match req.operator.as_str() {
            "In" => listed,
            "NotIn" => !listed,
            _ => false,
        };
        if hit {
            return Some((cs.name.clone(), code));
        }
    }
    None
}

/// `matchPodFailurePolicy` for a pod in phase Failed.
pub fn match_policy(policy: &PodFailurePolicy, pod: &Pod) -> Action {
    let status = pod.status.clone().unwrap_or_default();
    let statuses: Vec<&ContainerStatus> = status
        .init_container_statuses
        .iter()
        .flatten()
        .chain(status.container_statuses.iter().flatten())
        .collect();
    let ns = pod.metadata.namespace.as_deref().unwrap_or("");
    let name = pod.metadata.name.as_deref().unwrap_or("");
    for (i, rule) in policy.rules.iter().enumerate() {
        let action = rule.action.as_str();
        let matched = if let Some(req) = &rule.on_exit_codes {
            exit_codes_match(req, &statuses).map(|(c, code)| {
                format!(
                    "Container {c} for pod {ns}/{name} failed with exit code {code} matching {action} rule at index {i}"
                )
            })
        } else {
            rule.on_pod_conditions.iter().flatten().find_map(|pat| {
                status
                    .conditions
                    .iter()
                    .flatten()
                    .find(|c| c.type_ == pat.type_ && c.status == pat.status)
                    .map(|c| {
                        format!(
                            "Pod {ns}/{name} has condition {} matching {action} rule at index {i}",
                            c.type_
                        )
                    })
            })
        };
        let Some(msg) = matched else { continue };
        match action {
            "FailJob" => return Action::FailJob(msg),
            "Ignore" => return Action::Ignore,
            "Count" => return Action::Count,
            // FailIndex (backoffLimitPerIndex) is not simulated: counted.
            _ => return Action::Count,
        }
    }
    Action::Count
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::batch::{PodFailurePolicyOnPodConditionsPattern, PodFailurePolicyRule};
    use crate::api::core::{ContainerState, ContainerStateTerminated, PodCondition, PodStatus};

    fn failed_pod(code: i32, conditions: Vec<PodCondition>) -> Pod {
        Pod {
            metadata: crate::api::meta::ObjectMeta {
                name: Some("pi-abcde".into()),
                namespace: Some("default".into()),
                ..Default::default()
            },
            spec: None,
            status: Some(PodStatus {
                phase: Some("Failed".into()),
                conditions: Some(conditions),
                container_statuses: Some(vec![ContainerStatus {
                    name: "main".into(),
                    state: Some(ContainerState {
                        terminated: Some(ContainerStateTerminated {
                            exit_code: code,
                            ..Default::default()
                        }),
                        ..Default::default()
                    }),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
        }
    }

    fn policy() -> PodFailurePolicy {
        PodFailurePolicy {
            rules: vec![
                PodFailurePolicyRule {
                    action: "FailJob".into(),
                    on_exit_codes: Some(PodFailurePolicyOnExitCodesRequirement {
                        container_name: Some("main".into()),
                        operator: "In".into(),
                        values: vec![42],
                    }),
                    on_pod_conditions: None,
                },
                PodFailurePolicyRule {
                    action: "Ignore".into(),
                    on_exit_codes: None,
                    on_pod_conditions: Some(vec![PodFailurePolicyOnPodConditionsPattern {
                        type_: "DisruptionTarget".into(),
                        status: "True".into(),
                    }]),
                },
            ],
        }
    }

    #[test]
    fn exit_code_rule_fails_the_job_with_upstream_message() {
        assert_eq!(
            match_policy(&policy(), &failed_pod(42, vec![])),
            Action::FailJob(
                "Container main for pod default/pi-abcde failed with exit code 42 matching FailJob rule at index 0".into()
            )
        );
    }

    #[test]
    fn condition_rule_ignores_disruptions_and_others_count() {
        let disrupted = failed_pod(
            137,
            vec![PodCondition {
                type_: "DisruptionTarget".into(),
                status: "True".into(),
                ..Default::default()
            }],
        );
        assert_eq!(match_policy(&policy(), &disrupted), Action::Ignore);
        assert_eq!(
            match_policy(&policy(), &failed_pod(1, vec![])),
            Action::Count
        );
    }
}
