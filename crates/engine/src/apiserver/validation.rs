//! Validation (placeholder until the validation work lands).

use crate::api::Object;

/// One invalid field.
#[derive(Clone, Debug)]
pub struct FieldError(pub String);

/// Validates a new object.
pub fn validate_create(_obj: &Object) -> Vec<FieldError> {
    Vec::new()
}

/// Validates an update.
pub fn validate_update(_new: &Object, _old: &Object) -> Vec<FieldError> {
    Vec::new()
}

/// `The Pod "x" is invalid: ...`.
pub fn invalid_message(kind: &str, name: &str, errs: &[FieldError]) -> String {
    let parts: Vec<&str> = errs.iter().map(|e| e.0.as_str()).collect();
    format!("The {kind} \"{name}\" is invalid: {}", parts.join(", "))
}
