//! `GET /api/search`: the library's [`SearchResults`](crate::search::SearchResults) as JSON; every
//! error is `{"error": "..."}`, 400 for the user's mistakes and 500 for the server's.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::{params, AppState};
use crate::search::SearchRequest;

/// Page size when the request names none.
pub const DEFAULT_LIMIT: usize = 10;

pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let p = match params::parse(raw.as_deref()) {
        Ok(p) => p,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.0),
    };
    if p.q.is_empty() {
        return error(
            StatusCode::BAD_REQUEST,
            "missing parameter q: give a query, e.g. /api/search?q=персональные+данные",
        );
    }
    let req = SearchRequest {
        q: p.q,
        states: p.states,
        laws: p.laws,
        limit: p.limit.unwrap_or(DEFAULT_LIMIT),
        offset: p.offset,
        exhaustive: false,
    };
    match state.search(req).await {
        Ok(results) => Json(results).into_response(),
        Err(f) => error(f.status(), f.message()),
    }
}

pub fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}
