//! ImageLocality (pkg/scheduler/framework/plugins/imagelocality, v1.32):
//! favours nodes that already hold the pod's images. For each container
//! (init containers included) whose image the node has, the image's size
//! scaled by the fraction of nodes holding it (`scaledImageScore`, so an
//! image present everywhere does not pull pods together) is summed; the sum
//! is clamped to `[23 MiB, 1000 MiB × containers]` and mapped linearly to
//! 0..=100 (`calculatePriority`). No normalization.
//!
//! Image names: upstream compares the pod's image (with `:latest` added
//! when it has no tag) with the names in `node.status.images`. Kubarium's
//! kubelet reports images under their normalized name
//! (`docker.io/library/nginx:1.27`), so the pod's image is also tried in
//! that form.

use crate::api::core::Pod;
use crate::runtime::image;
use crate::scheduler::framework::{
    CycleState, NodeInfo, Plugin, ScorePlugin, Status, MAX_NODE_SCORE,
};

/// The ImageLocality plugin.
#[derive(Clone, Copy, Debug, Default)]
pub struct ImageLocality;

/// The plugin's name.
pub const NAME: &str = "ImageLocality";
const MB: i64 = 1024 * 1024;
/// `minThreshold`: 23 MiB.
pub const MIN_THRESHOLD: i64 = 23 * MB;
/// `maxContainerThreshold`: 1000 MiB per container.
pub const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

impl Plugin for ImageLocality {
    fn name(&self) -> &'static str {
        NAME
    }
}

/// `normalizedImageName`: adds `:latest` when the name has no tag.
pub fn normalized_image_name(name: &str) -> String {
    let colon = name.rfind(':').map(|i| i as i64).unwrap_or(-1);
    let slash = name.rfind('/').map(|i| i as i64).unwrap_or(-1);
    if colon <= slash {
        format!("{name}:latest")
    } else {
        name.to_string()
    }
}

/// `calculatePriority`.
pub fn calculate_priority(sum: i64, num_containers: usize) -> i64 {
    let max_threshold = MAX_CONTAINER_THRESHOLD * num_containers.max(1) as i64;
    let sum = sum.clamp(MIN_THRESHOLD, max_threshold.max(MIN_THRESHOLD));
    if max_threshold <= MIN_THRESHOLD {
        return 0;
    }
    MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (max_threshold - MIN_THRESHOLD)
}

fn image_on_node<'a>(node: &'a NodeInfo, names: &[String]) -> Option<(&'a String, i64)> {
    names
        .iter()
        .find_map(|n| node.images().get_key_value(n))
        .map(|(k, v)| (k, *v))
}

/// The names each container's image may be reported under, computed once
/// per attempt (not per node).
fn candidate_names(pod: &Pod) -> Vec<Vec<String>> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    spec.init_containers
        .iter()
        .flatten()
        .chain(spec.containers.iter())
        .map(|c| {
            // Kubarium's kubelet reports the full name: tried first (a
            // node holds both names of one image with the same size).
            let img = c.image.as_deref().unwrap_or("");
            let short = normalized_image_name(img);
            match image::parse(img).map(|r| r.normalized()) {
                Ok(full) if full != short => vec![full, short],
                _ => vec![short],
            }
        })
        .collect()
}

impl ScorePlugin for ImageLocality {
    fn pre_score(&self, state: &mut CycleState, pod: &Pod) -> Status {
        // Upstream has no PreScore; this only caches the image names.
        state.image_names = candidate_names(pod);
        Status::success()
    }

    fn score(&self, state: &CycleState, _pod: &Pod, node: &NodeInfo) -> i64 {
        let n = state.image_names.len();
        if node.images().is_empty() {
            return calculate_priority(0, n);
        }
        let total = state.num_all_nodes.max(1) as f64;
        let mut sum = 0i64;
        for names in &state.image_names {
            if let Some((name, size)) = image_on_node(node, names) {
                // scaledImageScore
                let num_nodes = state.image_num_nodes.get(name).copied().unwrap_or(1) as f64;
                sum += (size as f64 * (num_nodes / total)) as i64;
            }
        }
        calculate_priority(sum, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Cases from image_locality_test.go's arithmetic.
    #[test]
    fn priority_is_linear_between_the_thresholds() {
        assert_eq!(calculate_priority(0, 1), 0);
        assert_eq!(calculate_priority(MIN_THRESHOLD, 1), 0);
        assert_eq!(calculate_priority(2000 * MB, 1), 100);
        // 250 MiB on one of one node, one container: (250-23)*100/(1000-23) = 23.
        assert_eq!(calculate_priority(250 * MB, 1), 23);
        // Two containers double the ceiling.
        assert_eq!(calculate_priority(1000 * MB, 2), 49);
    }

    #[test]
    fn score_scales_the_size_by_the_share_of_nodes_holding_the_image() {
        use crate::scheduler::plugins::testing::{node, pod};
        use serde_json::json;
        use std::sync::Arc;
        let mut with = serde_json::to_value(node("n1", json!({}))).unwrap();
        with["status"]["images"] = json!([{
            "names": ["docker.io/library/nginx:1.27"], "sizeBytes": 250 * MB}]);
        let with = NodeInfo::new(&serde_json::from_value(with).unwrap());
        let without = NodeInfo::new(&node("n2", json!({})));
        let p = pod(
            "p",
            json!({}),
            json!({"spec": {"containers": [{"name": "c", "image": "nginx:1.27"}]}}),
        );
        let mut cs = CycleState {
            num_all_nodes: 2,
            image_num_nodes: Arc::new([("docker.io/library/nginx:1.27".to_string(), 1)].into()),
            ..CycleState::default()
        };
        assert!(ImageLocality.pre_score(&mut cs, &p).is_success());
        // 250 MiB × 1/2 = 125 MiB → (125 - 23) × 100 / (1000 - 23) = 10.
        assert_eq!(ImageLocality.score(&cs, &p, &with), 10);
        assert_eq!(ImageLocality.score(&cs, &p, &without), 0);
    }

    #[test]
    fn untagged_images_are_latest() {
        assert_eq!(normalized_image_name("nginx"), "nginx:latest");
        assert_eq!(normalized_image_name("nginx:1.27"), "nginx:1.27");
        assert_eq!(
            normalized_image_name("localhost:5000/app"),
            "localhost:5000/app:latest"
        );
    }
}
