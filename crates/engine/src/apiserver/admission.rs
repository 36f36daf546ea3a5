//! Admission: defaulting as Kubernetes defaults (placeholder until the
//! admission work lands).

use crate::api::Object;

/// What admission needs from the server.
pub struct AdmissionContext {
    /// Random suffix of the `kube-api-access-XXXXX` volume.
    pub token_volume_suffix: String,
}

/// Applies defaults.
pub fn default_object(_obj: &mut Object, _ctx: &AdmissionContext) {}
