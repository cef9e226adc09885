//! Domain and auth errors → the city-binding dialect (`{err_no, err_msg, log_id}`).

use crate::http::auth::AuthError;
use crate::http::ApiError;
use dyopen_core::region::CityError;
use dyopen_wire::dialect::{city_codes as codes, City, CityAdd, Dialect};

fn from_city<D: Dialect>(e: CityError) -> ApiError<D> {
    let code = match &e {
        CityError::BadField(_)
        | CityError::SameRegion
        | CityError::AlreadyBound
        | CityError::BoundByPage
        | CityError::BoundAsWhole
        | CityError::WholeAlreadyBound
        | CityError::PathAlreadyBound
        | CityError::TooManyPaths
        | CityError::NothingToDelete
        | CityError::NothingToModify => codes::PARAM,
        CityError::TooFrequent { .. } => codes::THROTTLED,
        CityError::Storage(cause) => return ApiError::system(cause),
    };
    ApiError::new(code, e.to_string())
}

fn from_auth<D: Dialect>(e: AuthError) -> ApiError<D> {
    match e {
        AuthError::Token(_) | AuthError::AppMismatch => ApiError::new(codes::AUTH, codes::AUTH_MSG),
        AuthError::Storage(cause) => ApiError::system(cause),
    }
}

impl From<CityError> for ApiError<City> {
    fn from(e: CityError) -> Self {
        from_city(e)
    }
}

impl From<CityError> for ApiError<CityAdd> {
    fn from(e: CityError) -> Self {
        from_city(e)
    }
}

impl From<AuthError> for ApiError<City> {
    fn from(e: AuthError) -> Self {
        from_auth(e)
    }
}

impl From<AuthError> for ApiError<CityAdd> {
    fn from(e: AuthError) -> Self {
        from_auth(e)
    }
}
