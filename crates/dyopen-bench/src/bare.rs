//! The baseline: a minimal axum server doing the least each measured route could do — a fixed 302
//! on `GET /{code}`, and a handler that parses a JSON body and answers a fixed JSON on any
//! `POST` — run as its own process, like dyopen, so that both are driven alike.

use axum::http::{header, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};

/// The fixed `Location` of the baseline's redirect (a scheme URL of the same length as dyopen's).
const LOCATION: &str = "snssdk1128://microapp?version=v2&app_id=tt0123456789abcdef&scene=0&version_type=current&start_page=pages%2Findex%2Findex%3Fid%3D1";

async fn json_answer(Json(_body): Json<Value>) -> Json<Value> {
    Json(
        json!({"err_no": 0, "err_msg": "", "log_id": "", "data": {"url_link": "http://127.0.0.1/AAAAAAA"}}),
    )
}

fn router() -> Router {
    Router::new()
        .route(
            "/{code}",
            get(|| async {
                (
                    StatusCode::FOUND,
                    [
                        (header::LOCATION, LOCATION),
                        (header::CACHE_CONTROL, "no-store"),
                    ],
                )
            }),
        )
        .fallback(post(json_answer))
}

/// Serves the baseline on `listen` (port 0: any free port), printing `listening on http://…`.
pub fn run(listen: std::net::SocketAddr) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(async move {
            let listener = tokio::net::TcpListener::bind(listen).await?;
            println!("listening on http://{}", listener.local_addr()?);
            axum::serve(listener, router()).await?;
            Ok(())
        })
}
