//! [`ApiError`]: an error rendered in one family's dialect. Business errors answer HTTP 200;
//! internal errors are logged with their cause and answered with the dialect's system code.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use dyopen_wire::{Dialect, ParamProblem};
use std::fmt;
use std::marker::PhantomData;

/// An error answer in dialect `D`.
pub struct ApiError<D: Dialect> {
    /// The platform's code.
    pub code: i64,
    /// The platform's text.
    pub message: String,
    /// HTTP status (200 for business errors).
    pub status: StatusCode,
    dialect: PhantomData<D>,
}

impl<D: Dialect> fmt::Debug for ApiError<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ApiError({} {}: {})",
            self.status, self.code, self.message
        )
    }
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::OK)
}

impl<D: Dialect> ApiError<D> {
    /// A business error: HTTP 200.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            status: StatusCode::OK,
            dialect: PhantomData,
        }
    }
    /// Overrides the HTTP status.
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }
    /// The dialect's parameter error (HTTP 413 for an oversized body).
    pub fn param(problem: ParamProblem) -> Self {
        let http = if problem == ParamProblem::TooLarge {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            status(D::PARAM_STATUS)
        };
        Self::new(D::PARAM_CODE, D::param_message(&problem)).with_status(http)
    }
    /// The dialect's system error; `cause` is logged, never sent.
    pub fn system(cause: impl fmt::Display) -> Self {
        tracing::error!(error = %cause, "internal error");
        let (code, text) = D::SYSTEM;
        Self::new(code, text).with_status(status(D::SYSTEM_STATUS))
    }
}

/// What an error answer said, kept in the response extensions for logs, metrics and the journal.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// The platform's code.
    pub code: i64,
    /// The platform's text.
    pub message: String,
    /// Which kind of error the code is in its dialect.
    pub class: ErrorClass,
}

/// The kind of an error code in its dialect (the `outcome` of request metrics).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The dialect's parameter error.
    Param,
    /// The dialect's system error.
    System,
    /// Any other code: auth, business rules, throttles, not found.
    Business,
}

impl ErrorClass {
    /// The class of `code` in dialect `D`.
    pub fn of<D: Dialect>(code: i64) -> Self {
        if code == D::SYSTEM.0 {
            Self::System
        } else if code == D::PARAM_CODE {
            Self::Param
        } else {
            Self::Business
        }
    }
}

impl<D: Dialect> IntoResponse for ApiError<D> {
    fn into_response(self) -> Response {
        let body = D::error_body(self.code, self.message.clone(), super::LogId::current());
        let mut response = (self.status, Json(body)).into_response();
        response.extensions_mut().insert(ErrorInfo {
            class: ErrorClass::of::<D>(self.code),
            code: self.code,
            message: self.message,
        });
        response
    }
}
