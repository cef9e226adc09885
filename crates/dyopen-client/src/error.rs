//! The SDK's one error type: a platform answer with a non-zero code, an admin API error, or a
//! transport problem.

/// What can go wrong with a call.
///
/// ```
/// use dyopen_client::Error;
/// let e = Error::Api { code: 10101, message: "修改区域的频率过高".into(), log_id: None };
/// assert_eq!(e.code(), Some(10101));
/// assert_eq!(e.to_string(), "platform error 10101: 修改区域的频率过高");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The platform (or dyopen) answered with a non-zero code in the endpoint's envelope.
    #[error("platform error {code}: {message}{}", log_suffix(.log_id))]
    Api {
        /// The platform code (`err_no`, `error` or `data.error_code`, depending on the family).
        code: i64,
        /// The platform text (`err_msg`, `err_tips`, `message` or `data.description`).
        message: String,
        /// The request's log id, from the envelope or the `X-Tt-Logid` header.
        log_id: Option<String>,
    },
    /// dyopen's admin or emulator API answered `{"error": {"code", "message"}}`.
    #[error("admin API error {status} {code}: {message}")]
    Admin {
        /// HTTP status.
        status: u16,
        /// Stable snake_case code (`not_found`, `invalid_request`, …).
        code: String,
        /// Human-readable text.
        message: String,
    },
    /// An HTTP status other than 200 without a recognisable envelope (e.g. 404 on an unknown path).
    #[error("HTTP {status}: {body}")]
    Http {
        /// HTTP status.
        status: u16,
        /// The start of the body.
        body: String,
    },
    /// The request could not be sent, or its answer not read (connection refused, timeout, …).
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The answer was not the JSON the endpoint documents.
    #[error("unexpected answer: {0}")]
    Decode(String),
    /// The client is not set up for this call (e.g. no credentials, a bad base URL).
    #[error("client configuration: {0}")]
    Config(String),
    /// The token fetch this call was waiting for failed in transport (the same failure is
    /// shared by every caller that waited, so they do not each fetch again).
    #[error("token fetch failed: {0}")]
    TokenFetch(String),
}

fn log_suffix(log_id: &Option<String>) -> String {
    match log_id {
        Some(id) if !id.is_empty() => format!(" (log id {id})"),
        _ => String::new(),
    }
}

impl Error {
    /// A copy for the other callers that waited on the same failed token fetch.
    pub(crate) fn for_waiters(&self) -> Error {
        match self {
            Error::Api {
                code,
                message,
                log_id,
            } => Error::Api {
                code: *code,
                message: message.clone(),
                log_id: log_id.clone(),
            },
            Error::Admin {
                status,
                code,
                message,
            } => Error::Admin {
                status: *status,
                code: code.clone(),
                message: message.clone(),
            },
            Error::Http { status, body } => Error::Http {
                status: *status,
                body: body.clone(),
            },
            Error::Transport(e) => Error::TokenFetch(e.to_string()),
            Error::Decode(m) => Error::Decode(m.clone()),
            Error::Config(m) => Error::Config(m.clone()),
            Error::TokenFetch(m) => Error::TokenFetch(m.clone()),
        }
    }

    /// The platform code of an [`Error::Api`], else `None`.
    ///
    /// ```
    /// use dyopen_client::Error;
    /// assert_eq!(Error::Config("no appid".into()).code(), None);
    /// ```
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The log id of an [`Error::Api`], when the platform sent one.
    ///
    /// ```
    /// use dyopen_client::Error;
    /// let e = Error::Api { code: 10000, message: "系统错误".into(), log_id: Some("02…".into()) };
    /// assert_eq!(e.log_id(), Some("02…"));
    /// ```
    pub fn log_id(&self) -> Option<&str> {
        match self {
            Error::Api { log_id, .. } => log_id.as_deref(),
            _ => None,
        }
    }
}

/// `Result` with the SDK's [`Error`].
///
/// ```
/// fn first(ids: &[String]) -> dyopen_client::Result<&String> {
///     ids.first().ok_or_else(|| dyopen_client::Error::Config("no ids".into()))
/// }
/// assert!(first(&[]).is_err());
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;
