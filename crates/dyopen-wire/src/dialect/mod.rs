//! The platform's error envelopes ("dialects"), one per API family, with their codes and texts.
//!
//! Every business error answers HTTP 200 in the envelope of its family; clients depend on that.
//! The server picks a dialect per route and renders every error, including body rejections,
//! through it, so no handler builds an error body by hand.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

mod admin;
mod city;
mod client_token;
mod link_legacy;
mod open;
mod talents;
mod v2_token;

pub use admin::*;
pub use city::*;
pub use client_token::*;
pub use link_legacy::*;
pub use open::*;
pub use talents::*;
pub use v2_token::*;

/// Why a request body was rejected before any business rule ran.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamProblem {
    /// The body is not a JSON object (or not a form), e.g. empty, truncated or not UTF-8.
    Malformed(String),
    /// The body exceeds the 1 MiB limit (answered with HTTP 413).
    TooLarge,
    /// A field has the wrong JSON type or an unacceptable value.
    Field(String),
    /// A required field is absent or null.
    Missing(String),
    /// A field-specific message chosen by the domain (e.g. `path不能携带query`).
    Custom(String),
}

impl ParamProblem {
    /// A short English/Chinese detail suitable after the generic text.
    pub fn detail(&self) -> String {
        match self {
            ParamProblem::Malformed(why) => format!("body is not valid JSON ({why})"),
            ParamProblem::TooLarge => "body exceeds 1 MiB".to_owned(),
            ParamProblem::Field(f) => format!("{f} is invalid"),
            ParamProblem::Missing(f) => format!("{f} is required"),
            ParamProblem::Custom(text) => text.clone(),
        }
    }
}

/// An error envelope: how one API family reports an error code and text.
pub trait Dialect: Send + Sync + 'static {
    /// The error body, as the server writes it and a client reads it back. Its code field is 0
    /// in a success answer of the same family, which a client reads through this type too.
    /// Reading is lenient: every field but the code has a default (and an error `data` may be
    /// anything), so an answer from elsewhere that lacks a text or log id still yields its
    /// code; the OpenAPI schema still requires every field, as the server always sends them.
    type ErrorBody: Serialize + DeserializeOwned + Send;
    /// Code of a parameter error (also used for HTTP 413).
    const PARAM_CODE: i64;
    /// Code and text of an internal error (a client retries on this code).
    const SYSTEM: (i64, &'static str);
    /// Codes saying the presented access token was rejected: a client fetches a new token and
    /// tries once more.
    const TOKEN_ERROR_CODES: &'static [i64];
    /// Every error code the family answers with, and what it means (the OpenAPI document
    /// enumerates them on the error schema's code field). The admin dialect's codes are numbers
    /// here and snake_case names on the wire ([`admin_codes::name`]).
    const CODES: &'static [(i64, &'static str)];
    /// HTTP status of a parameter error (200: business errors answer 200 on the open APIs).
    const PARAM_STATUS: u16 = 200;
    /// HTTP status of an internal error.
    const SYSTEM_STATUS: u16 = 200;
    /// The parameter-error text for `problem`.
    fn param_message(problem: &ParamProblem) -> String;
    /// Builds the error body; `log_id` is the request's 53-character log id.
    fn error_body(code: i64, message: String, log_id: String) -> Self::ErrorBody;
    /// Reads a body back: the inverse of [`Dialect::error_body`].
    fn error_parts(body: Self::ErrorBody) -> ErrorParts;
}

/// The code, text and log id an error body carries, as a client reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorParts {
    /// The family's code; 0 in a success answer.
    pub code: i64,
    /// The family's text.
    pub message: String,
    /// The log id, in the families whose envelope has one.
    pub log_id: Option<String>,
}

/// An empty JSON object, the `data` of an error answer. Its OpenAPI schema admits no property,
/// which keeps an error envelope apart from a success envelope (see [`crate::answer`]).
///
/// A reader is lenient: `null` or any value reads as `Empty` (a client reading an error answer
/// needs its code, not the shape of its `data`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Empty {}

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<De: serde::Deserializer<'de>>(d: De) -> Result<Self, De::Error> {
        serde::de::IgnoredAny::deserialize(d).map(|_| Empty {})
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Empty {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .description(Some("Always `{}` (the `data` of an error answer)."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Empty {}
