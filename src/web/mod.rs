//! The web layer: an axum [`Router`] over the library, serving the JSON search API, the
//! server-rendered pages (overview, search, law reader), permalink redirects and the static assets.
//!
//! This module owns HTTP only: routes, query-string parsing, status codes, HTML rendering (askama
//! templates in `web/templates/`, compiled in) and the assets in `web/static/` (embedded in the
//! binary). It never searches or parses itself; it calls [`Engine`] like the CLI does, each search
//! in `spawn_blocking` (tantivy is blocking, DESIGN.md pitfall 9).
//!
//! [`app`] builds the router without a socket (tests drive it with `tower::ServiceExt::oneshot`);
//! [`serve`] binds an address and serves until Ctrl-C or SIGTERM.

mod api;
mod assets;
mod compare;
mod export;
mod gaps;
mod layout;
mod links;
mod pages;
mod params;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::get;
use axum::Router;
use tokio::sync::Semaphore;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

use crate::search::{Engine, SearchError, SearchRequest, SearchResults};

pub use params::MAX_QUERY_STRING;

/// A request that takes longer is answered 503.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// No route takes a body; anything larger than this is refused.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Pages never load anything from elsewhere; the only script is our own optional `app.js`.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
     img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// What every handler shares: the open index and the laws it was built from.
#[derive(Clone)]
pub struct AppState {
    engine: Arc<Engine>,
    /// Searches running at once (each holds a blocking thread).
    searches: Arc<Semaphore>,
    /// The gap analysis of the engine's laws, computed once (see [`AppState::gaps`]).
    gaps: Arc<std::sync::OnceLock<crate::gaps::Analysis>>,
    /// What the corpus is and how current, for the banner of every page.
    banner: Arc<layout::CorpusBanner>,
}

impl AppState {
    pub fn new(engine: Arc<Engine>) -> AppState {
        let cpus = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            banner: Arc::new(layout::CorpusBanner::of(engine.laws())),
            engine,
            searches: Arc::new(Semaphore::new(cpus * 4)),
            gaps: Arc::new(std::sync::OnceLock::new()),
        }
    }

    /// The gap analysis (matrix, definitions, classification) of the engine's laws, computed on
    /// first use (`serve` asks for it before listening); the overrides of the bundled corpus
    /// folder apply (a broken overrides file is reported and ignored).
    pub fn gaps(&self) -> &crate::gaps::Analysis {
        self.gaps.get_or_init(|| {
            let dir = crate::library::default_corpus_dir();
            let overrides = crate::gaps::overrides_for(Some(&dir)).unwrap_or_else(|e| {
                eprintln!("error: {e}; the gap analysis runs without overrides");
                Default::default()
            });
            crate::gaps::Analysis::new(self.engine.laws(), &overrides)
        })
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// Run one search on a blocking thread.
    async fn search(&self, req: SearchRequest) -> Result<SearchResults, Failure> {
        let _permit = self
            .searches
            .acquire()
            .await
            .map_err(|_| Failure::Server("the server is shutting down".into()))?;
        let engine = Arc::clone(&self.engine);
        match tokio::task::spawn_blocking(move || engine.search(&req)).await {
            Ok(Ok(results)) => Ok(results),
            Ok(Err(e)) => Err(Failure::from(e)),
            Err(e) => {
                eprintln!("error: search task failed: {e}");
                Err(Failure::Server("the search failed on the server".into()))
            }
        }
    }
}

/// Why a search gave no results: the user's request (400) or the server (500).
#[derive(Debug)]
enum Failure {
    User(String),
    Server(String),
}

impl From<SearchError> for Failure {
    fn from(e: SearchError) -> Self {
        if e.is_user_error() {
            Failure::User(e.to_string())
        } else {
            eprintln!("error: {e}");
            Failure::Server("the search failed on the server".into())
        }
    }
}

impl Failure {
    fn status(&self) -> StatusCode {
        match self {
            Failure::User(_) => StatusCode::BAD_REQUEST,
            Failure::Server(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn message(&self) -> &str {
        match self {
            Failure::User(m) | Failure::Server(m) => m,
        }
    }
}

/// The whole site as one router.
pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::overview))
        .route("/search", get(pages::search))
        .route("/laws", get(pages::laws))
        .route("/law/{*uri}", get(pages::law))
        .route("/akn/{*rest}", get(pages::permalink))
        .route("/api/search", get(api::search))
        .route("/compare", get(compare::page))
        .route("/api/compare", get(compare::api))
        .route("/api/compare.csv", get(compare::csv))
        .route("/api/search.csv", get(export::search_csv))
        .route("/export", get(export::page))
        .route("/api/export/{format}", get(export::download))
        .route("/api/export/{format}/manifest", get(export::manifest))
        .route("/api/export/analyses/{name}", get(export::analysis))
        .route(
            "/api/export/analyses/{name}/manifest",
            get(export::analysis_manifest),
        )
        .route("/gaps", get(gaps::page))
        .route("/gaps/{state}/{topic}", get(gaps::cell))
        .route("/definitions", get(gaps::definitions))
        .route("/concordance", get(gaps::concordance_page))
        .route("/api/gaps", get(gaps::api_gaps))
        .route("/api/definitions", get(gaps::api_definitions))
        .route("/api/concordance", get(gaps::api_concordance))
        .route("/static/{file}", get(assets::file))
        .fallback(pages::fallback)
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(CONTENT_SECURITY_POLICY),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::SERVICE_UNAVAILABLE,
                    REQUEST_TIMEOUT,
                ))
                .layer(RequestBodyLimitLayer::new(BODY_LIMIT)),
        )
}

/// Bind `addr` and serve until Ctrl-C or SIGTERM.
pub async fn serve(addr: SocketAddr, state: AppState) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    serve_on(listener, state).await
}

/// Serve on a bound listener (its address may have been port 0) until Ctrl-C or SIGTERM; requests
/// under way are finished first.
pub async fn serve_on(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
