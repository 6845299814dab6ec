//! What every page shares: the base layout's values ([`Layout`]: version, current nav entry, the
//! header's search box, the corpus banner) and rendering a template into a response.

use std::collections::BTreeSet;
use std::sync::Arc;

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use crate::library::StoredLaw;

pub(super) const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the base layout needs.
pub(super) struct Layout {
    pub(super) version: &'static str,
    /// Which nav entry is the current page: "overview", "search", "laws" (the list), "law" (a law
    /// page: the Laws entry is marked too), "compare", "gaps", "definitions", "concordance",
    /// "export" or "".
    pub(super) current: &'static str,
    /// The value of the header's search box.
    pub(super) q: String,
    /// The corpus banner under the header (absent only where a page has no state to ask).
    pub(super) corpus: Option<Arc<CorpusBanner>>,
}

impl Layout {
    /// The layout of a page served from `state`.
    pub(super) fn of(state: &AppState, current: &'static str) -> Layout {
        Layout {
            version: VERSION,
            current,
            q: String::new(),
            corpus: Some(Arc::clone(&state.banner)),
        }
    }
}

/// What the corpus is and how current: counted once per server from the engine's laws.
#[derive(Debug, Default)]
pub(super) struct CorpusBanner {
    /// Laws (works) and their language editions.
    pub(super) works: usize,
    pub(super) editions: usize,
    /// Editions whose text is the project's digest, an official text, or metadata only.
    pub(super) digests: usize,
    pub(super) official: usize,
    pub(super) metadata_only: usize,
    /// Member states and organisations with at least one law.
    pub(super) states: usize,
    /// The newest consolidation date ("edition") of any law, and the newest date a source was
    /// checked ("retrieved"); "" when no law says.
    pub(super) newest_edition: String,
    pub(super) newest_retrieved: String,
    /// The languages of the editions ("rus, eng").
    pub(super) languages: String,
}

impl CorpusBanner {
    pub(super) fn of(laws: &[StoredLaw]) -> CorpusBanner {
        let mut b = CorpusBanner {
            editions: laws.len(),
            ..CorpusBanner::default()
        };
        let mut works = BTreeSet::new();
        let mut states = BTreeSet::new();
        let mut langs: Vec<&str> = Vec::new();
        for law in laws {
            let uri = law.uri();
            works.insert(uri.rsplit_once('/').map_or(uri, |(w, _)| w));
            states.insert(law.state());
            if law.is_digest() {
                b.digests += 1;
            } else if law.has_text() {
                b.official += 1;
            } else {
                b.metadata_only += 1;
            }
            if let Some(lang) = law.law.lang.as_deref() {
                if !langs.contains(&lang) {
                    langs.push(lang);
                }
            }
            // ISO dates compare as strings; anything else is ignored.
            let iso = |d: &Option<String>| {
                d.as_deref()
                    .map(str::trim)
                    .filter(|d| d.len() == 10 && d.as_bytes()[4] == b'-')
                    .map(str::to_string)
            };
            if let Some(e) = iso(&law.law.edition) {
                if e > b.newest_edition {
                    b.newest_edition = e;
                }
            }
            if let Some(r) = iso(&law.law.retrieved) {
                if r > b.newest_retrieved {
                    b.newest_retrieved = r;
                }
            }
        }
        b.works = works.len();
        b.states = states.len();
        b.languages = langs.join(", ");
        b
    }
}

pub(super) fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            eprintln!("error: rendering a page: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "internal error: the page could not be rendered",
            )
                .into_response()
        }
    }
}
