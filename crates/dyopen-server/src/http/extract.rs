//! Body and query extractors whose rejections are answered in the route's own dialect.
//!
//! Bodies are parsed as JSON whatever the `Content-Type` (SPEC §2: 415 is never used), except
//! `application/x-www-form-urlencoded`, which is parsed as a form. At most [`MAX_BODY`] bytes.

use super::ApiError;
use axum::body::to_bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use dyopen_wire::{Dialect, ParamProblem};
use serde::de::DeserializeOwned;
use std::marker::PhantomData;

/// Largest accepted body: 1 MiB.
pub const MAX_BODY: usize = 1 << 20;

/// A request body of type `T`; rejections are `ApiError<D>`.
pub struct WireJson<T, D>(pub T, pub PhantomData<D>);

impl<T, D> WireJson<T, D> {
    /// The parsed body.
    pub fn into_inner(self) -> T {
        self.0
    }
}

/// Parses JSON, naming the first field whose value has the wrong type.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ParamProblem> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let parsed: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let field = e.path().iter().find_map(|seg| match seg {
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            _ => None,
        });
        let inner = e.into_inner();
        match (inner.classify(), field) {
            (serde_json::error::Category::Data, Some(field)) => ParamProblem::Field(field),
            (serde_json::error::Category::Data, None) => {
                let text = inner.to_string();
                match text
                    .strip_prefix("missing field `")
                    .and_then(|r| r.split('`').next())
                {
                    Some(f) => ParamProblem::Missing(f.to_owned()),
                    None => ParamProblem::Malformed(text),
                }
            }
            _ => ParamProblem::Malformed(inner.to_string()),
        }
    })?;
    de.end()
        .map_err(|e| ParamProblem::Malformed(e.to_string()))?;
    Ok(parsed)
}

/// Parses a body read by [`read_body`]: as a form when labelled one (`is_form`) and it does not
/// open like JSON (`curl -d '{…}'` labels JSON as a form), else as JSON. What [`WireJson`] runs.
pub fn parse_body<T: DeserializeOwned>(is_form: bool, bytes: &[u8]) -> Result<T, ParamProblem> {
    let looks_like_json = bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{' || *b == b'[');
    if is_form && !looks_like_json {
        serde_urlencoded::from_bytes(bytes).map_err(|e| ParamProblem::Malformed(e.to_string()))
    } else {
        parse_json(bytes)
    }
}

/// Parses a query string (without `?`); what [`WireQuery`] runs.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ParamProblem> {
    // Said as a query problem, not a body one (`Malformed` reads "body is not valid JSON").
    serde_urlencoded::from_str(query)
        .map_err(|e| ParamProblem::Custom(format!("query string is not valid ({e})")))
}

/// Reads the whole body, at most [`MAX_BODY`] bytes.
pub async fn read_body(req: Request) -> Result<(bool, bytes::Bytes), ParamProblem> {
    let is_form = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
    let bytes = to_bytes(req.into_body(), MAX_BODY).await.map_err(|e| {
        let too_large = std::error::Error::source(&e).is_some_and(|s| {
            s.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some()
        }) || e.to_string().contains("length limit");
        if too_large {
            ParamProblem::TooLarge
        } else {
            ParamProblem::Malformed(format!("could not read body: {e}"))
        }
    })?;
    Ok((is_form, bytes))
}

impl<S: Send + Sync, T: DeserializeOwned, D: Dialect> FromRequest<S> for WireJson<T, D> {
    type Rejection = ApiError<D>;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let (is_form, bytes) = read_body(req).await.map_err(ApiError::param)?;
        parse_body(is_form, &bytes)
            .map(|t| WireJson(t, PhantomData))
            .map_err(ApiError::param)
    }
}

/// A query string of type `T`; rejections are `ApiError<D>`.
pub struct WireQuery<T, D>(pub T, pub PhantomData<D>);

impl<S: Send + Sync, T: DeserializeOwned, D: Dialect> FromRequestParts<S> for WireQuery<T, D> {
    type Rejection = ApiError<D>;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or(""))
            .map(|t| WireQuery(t, PhantomData))
            .map_err(ApiError::param)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dyopen_wire::region::RegionAddRequest;

    #[test]
    fn names_the_mistyped_field() {
        let e = parse_json::<RegionAddRequest>(br#"{"bind_type":"1","region_id":"440300"}"#)
            .unwrap_err();
        assert_eq!(e, ParamProblem::Field("bind_type".into()));
    }

    #[test]
    fn rejects_non_objects_trailing_garbage_and_empty() {
        for bad in [&b""[..], b"[]", b"{} x", b"\xff\xfe", b"{\"bind_type\":1"] {
            assert!(
                matches!(
                    parse_json::<RegionAddRequest>(bad),
                    Err(ParamProblem::Malformed(_))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_bad_query_string_is_called_one() {
        #[derive(Debug, serde::Deserialize)]
        struct Paging {
            #[expect(dead_code, reason = "only parsed")]
            limit: Option<u32>,
        }
        let e = parse_query::<Paging>("limit=-1").unwrap_err();
        let text = <dyopen_wire::dialect::Admin as Dialect>::param_message(&e);
        assert!(text.starts_with("query string is not valid ("), "{text}");
        assert!(!text.contains("body"), "{text}");
    }

    #[test]
    fn ignores_unknown_fields() {
        let r = parse_json::<RegionAddRequest>(br#"{"bind_type":1,"extra":[1,2]}"#).unwrap();
        assert_eq!(r.bind_type, Some(1));
    }
}
