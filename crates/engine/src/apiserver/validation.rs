//! Validation with Kubernetes field paths and wording (pkg/apis/core/validation).
