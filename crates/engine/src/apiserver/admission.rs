//! Admission: defaulting as Kubernetes defaults (pkg/apis/*/v1/defaults.go).
