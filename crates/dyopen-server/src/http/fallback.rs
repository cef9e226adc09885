//! JSON answers for unknown paths (404) and wrong methods (405).

use super::ApiError;
use axum::http::StatusCode;
use dyopen_wire::dialect::{admin_codes, Admin};

/// 404 for any unknown path.
pub async fn not_found() -> ApiError<Admin> {
    ApiError::new(admin_codes::NOT_FOUND, "no such route").with_status(StatusCode::NOT_FOUND)
}

/// 405 for a known path with another method.
pub async fn method_not_allowed() -> ApiError<Admin> {
    ApiError::new(
        admin_codes::METHOD_NOT_ALLOWED,
        "method not allowed on this route",
    )
    .with_status(StatusCode::METHOD_NOT_ALLOWED)
}
