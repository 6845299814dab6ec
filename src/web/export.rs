//! Export over HTTP: the `/export` page (each dataset, its schema, download links),
//! `GET /api/export/{format}` (streamed from a blocking thread through a bounded channel, so a
//! large corpus is never held as one body in memory), `GET /api/export/{format}/manifest` (the
//! manifest the same export would have) and `GET /api/search.csv` (search results as CSV).
//!
//! AKN is one document per law expression: `GET /api/export/akn?law=URI`. The analyses:
//! `GET /api/export/analyses/{gaps|definitions|concordance}.{csv|json}[?instrument=..]`, and
//! `.../manifest` after it.

use std::sync::{Arc, OnceLock};

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use tokio::sync::Semaphore;

use super::pages::{render, Layout};
use super::{api, params, AppState};
use crate::export::analyses::{self, AnalysisDataset, AnalysisFormat};
use crate::export::table::{Column, CLAUSE_COLUMNS};
use crate::export::{self, stream, ExportOptions, Filter, Format};
use crate::library;
use crate::search::{SearchRequest, MAX_LIMIT, MAX_OFFSET};

/// Exports streaming at once; more are answered 503 (each holds a blocking thread).
pub const MAX_CONCURRENT_EXPORTS: usize = 4;
/// Rows of a search CSV when the request names no limit, and at most.
pub const SEARCH_CSV_DEFAULT_ROWS: usize = 1000;
pub const SEARCH_CSV_MAX_ROWS: usize = MAX_OFFSET;

fn exports() -> Arc<Semaphore> {
    static EXPORTS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    EXPORTS
        .get_or_init(|| Arc::new(Semaphore::new(MAX_CONCURRENT_EXPORTS)))
        .clone()
}

/// `source_file` values are shown relative to the repository (where `corpus/` is).
fn source_root() -> Option<std::path::PathBuf> {
    library::default_corpus_dir()
        .parent()
        .map(std::path::Path::to_path_buf)
}

/// Whether a flag parameter (`bom=1`, `bom=true`, `bom`) is set.
fn flag(raw: Option<&str>, name: &str) -> bool {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes()).any(|(k, v)| {
        k == name
            && matches!(
                v.trim().to_ascii_lowercase().as_str(),
                "" | "1" | "true" | "yes"
            )
    })
}

// The error is the ready 400 response, the axum idiom; its size does not matter here.
#[allow(clippy::result_large_err)]
fn options(state: &AppState, format: Format, raw: Option<&str>) -> Result<ExportOptions, Response> {
    let p = params::parse(raw).map_err(|e| api::error(StatusCode::BAD_REQUEST, &e.0))?;
    Ok(ExportOptions {
        format,
        filter: Filter {
            states: p.states,
            laws: p.laws,
        },
        bom: format == Format::Csv && flag(raw, "bom"),
        source_root: source_root(),
        topics: Some(state.gaps().topics.clone()),
    })
}

// The error is the ready 400 response, the axum idiom; its size does not matter here.
#[allow(clippy::result_large_err)]
fn parse_format(name: &str) -> Result<Format, Response> {
    name.parse::<Format>()
        .map_err(|e| api::error(StatusCode::NOT_FOUND, &e))
}

pub(super) fn attachment(content_type: &str, file_name: &str, body: Body) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    let mut resp = body.into_response();
    let headers = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        headers.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    resp
}

/// `GET /api/export/{format}?state=..&law=..[&bom=1]`: the whole clause table, streamed.
pub async fn download(
    State(state): State<AppState>,
    Path(format): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let format = match parse_format(&format) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let opts = match options(&state, format, raw.as_deref()) {
        Ok(o) => o,
        Err(resp) => return resp,
    };
    if format == Format::Akn {
        return akn_document(state, opts).await;
    }
    let Ok(permit) = exports().try_acquire_owned() else {
        return api::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many exports are running: try again in a moment",
        );
    };
    let (mut tx, chunks) = stream::channel();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let laws = export::select(state.engine().laws(), &opts.filter);
        if let Err(e) = export::write_table(laws, &opts, &mut tx) {
            if !matches!(&e, export::ExportError::Write(io) if io.kind() == std::io::ErrorKind::BrokenPipe)
            {
                eprintln!("error: export {}: {e}", opts.format);
            }
            tx.fail(e.to_string());
        }
    });
    attachment(
        format.media_type(),
        &format!("lexharmony-{}", format.file_name()),
        Body::from_stream(chunks),
    )
}

/// One AKN document: `law` must name one expression URI.
async fn akn_document(state: AppState, opts: ExportOptions) -> Response {
    let [uri] = opts.filter.laws.as_slice() else {
        return api::error(
            StatusCode::BAD_REQUEST,
            "akn is one document per law expression: give law=URI, e.g. \
             /api/export/akn?law=/akn/kz/act/2015-11-24/418-v/rus@2020-06-25 \
             (`lexharmony export --format akn` writes them all)",
        );
    };
    let uri = uri.clone();
    let result = tokio::task::spawn_blocking(move || {
        let law = state.engine().law(&uri)?;
        if law.clauses.is_empty() {
            return Some(Err(format!("{uri} has no clauses (metadata only)")));
        }
        let mut body = Vec::new();
        Some(
            export::write_akn(law, &opts, &mut body)
                .map(|()| (export::akn::file_name(&uri), body))
                .map_err(|e| e.to_string()),
        )
    })
    .await;
    match result {
        Ok(Some(Ok((name, body)))) => attachment(Format::Akn.media_type(), &name, Body::from(body)),
        Ok(Some(Err(message))) => api::error(StatusCode::NOT_FOUND, &message),
        Ok(None) => api::error(
            StatusCode::NOT_FOUND,
            "no law with that expression URI is in the index",
        ),
        Err(e) => {
            eprintln!("error: akn export task failed: {e}");
            api::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the export failed on the server",
            )
        }
    }
}

/// `GET /api/export/{format}/manifest`: the manifest the same request's export has.
pub async fn manifest(
    State(state): State<AppState>,
    Path(format): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let format = match parse_format(&format) {
        Ok(f) => f,
        Err(resp) => return resp,
    };
    let opts = match options(&state, format, raw.as_deref()) {
        Ok(o) => o,
        Err(resp) => return resp,
    };
    let Ok(permit) = exports().try_acquire_owned() else {
        return api::error(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many exports are running: try again in a moment",
        );
    };
    let result = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        export::manifest_of(state.engine().laws(), &opts)
    })
    .await;
    match result {
        Ok(Ok(m)) => Json(m).into_response(),
        Ok(Err(e)) => {
            eprintln!("error: export manifest: {e}");
            api::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the export failed on the server",
            )
        }
        Err(e) => {
            eprintln!("error: export manifest task failed: {e}");
            api::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the export failed on the server",
            )
        }
    }
}

/// Which analysis a `{name}` of `/api/export/analyses/{name}` asks for.
// The error is the ready 400 response, the axum idiom; its size does not matter here.
#[allow(clippy::result_large_err)]
fn analysis_request(
    name: &str,
    raw: Option<&str>,
) -> Result<(AnalysisDataset, AnalysisFormat), Response> {
    let bad = |m: String| api::error(StatusCode::BAD_REQUEST, &m);
    let (dataset, format) = name.rsplit_once('.').ok_or_else(|| {
        bad(format!(
            "\"{name}\": expected a name like gaps.csv or definitions.json"
        ))
    })?;
    let instrument = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "instrument")
        .map(|(_, v)| v.into_owned());
    let dataset = AnalysisDataset::parse(dataset, instrument.as_deref()).map_err(bad)?;
    let format = format.parse::<AnalysisFormat>().map_err(bad)?;
    Ok((dataset, format))
}

/// `GET /api/export/analyses/{dataset}.{csv|json}[?instrument=..]`: an analysis as a download
/// (small: built in memory from the analysis computed at start).
pub async fn analysis(
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (dataset, format) = match analysis_request(&name, raw.as_deref()) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    match analyses::render(&dataset, format, state.gaps(), state.engine().laws()) {
        Ok((body, _)) => attachment(
            format.media_type(),
            &analyses::file_name(&dataset, format),
            Body::from(body),
        ),
        Err(e @ export::ExportError::Usage(_)) => api::error(StatusCode::NOT_FOUND, &e.to_string()),
        Err(e) => {
            eprintln!("error: analysis export: {e}");
            api::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the export failed on the server",
            )
        }
    }
}

/// `GET /api/export/analyses/{name}/manifest`: the manifest of that download.
pub async fn analysis_manifest(
    State(state): State<AppState>,
    Path(name): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let (dataset, format) = match analysis_request(&name, raw.as_deref()) {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let laws = state.engine().laws();
    match analyses::render(&dataset, format, state.gaps(), laws) {
        Ok((body, rows)) => {
            let mut w = crate::export::manifest::HashingWriter::new(std::io::sink());
            // Writing to a sink cannot fail.
            let _ = std::io::Write::write_all(&mut w, &body);
            let entry = w.entry(&analyses::file_name(&dataset, format), None);
            Json(analyses::manifest_for(
                &dataset,
                format,
                laws,
                rows,
                vec![entry],
            ))
            .into_response()
        }
        Err(e @ export::ExportError::Usage(_)) => api::error(StatusCode::NOT_FOUND, &e.to_string()),
        Err(e) => {
            eprintln!("error: analysis manifest: {e}");
            api::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the export failed on the server",
            )
        }
    }
}

/// `GET /api/search.csv?q=..&state=..&law=..&limit=..&offset=..[&bom=1]`: the hits of a search as
/// CSV, `limit` of them (default 1000, at most 10000) from `offset`.
pub async fn search_csv(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let p = match params::parse(raw.as_deref()) {
        Ok(p) => p,
        Err(e) => return api::error(StatusCode::BAD_REQUEST, &e.0),
    };
    if p.q.is_empty() {
        return api::error(
            StatusCode::BAD_REQUEST,
            "missing parameter q: give a query, e.g. /api/search.csv?q=персональные+данные",
        );
    }
    let wanted = p
        .limit
        .unwrap_or(SEARCH_CSV_DEFAULT_ROWS)
        .min(SEARCH_CSV_MAX_ROWS);
    if wanted == 0 {
        return api::error(
            StatusCode::BAD_REQUEST,
            "invalid parameter limit: must be at least 1",
        );
    }
    let mut hits = Vec::new();
    let mut offset = p.offset;
    while hits.len() < wanted {
        let req = SearchRequest {
            q: p.q.clone(),
            states: p.states.clone(),
            laws: p.laws.clone(),
            limit: (wanted - hits.len()).min(MAX_LIMIT),
            offset,
            exhaustive: false,
        };
        // Past the deepest offset the library pages to, the list ends.
        if offset > MAX_OFFSET {
            break;
        }
        match state.search(req).await {
            Ok(r) => {
                let n = r.hits.len();
                hits.extend(r.hits);
                offset += n;
                if n == 0 || offset >= r.total {
                    break;
                }
            }
            Err(f) => return api::error(f.status(), f.message()),
        }
    }
    let bom = flag(raw.as_deref(), "bom");
    let first_rank = p.offset + 1;
    let result = tokio::task::spawn_blocking(move || {
        let engine = state.engine();
        let mut body = Vec::new();
        export::search::write_search_csv(&hits, first_rank, |uri| engine.law(uri), bom, &mut body)
            .map(|()| body)
    })
    .await;
    match result {
        Ok(Ok(body)) => attachment(
            Format::Csv.media_type(),
            "lexharmony-search.csv",
            Body::from(body),
        ),
        Ok(Err(e)) => {
            eprintln!("error: search csv: {e}");
            api::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the export failed on the server",
            )
        }
        Err(e) => {
            eprintln!("error: search csv task failed: {e}");
            api::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the export failed on the server",
            )
        }
    }
}

/// The search CSV link of a search (the search page shows it under the results).
pub fn search_csv_href(q: &str, states: &[String], laws: &[String]) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    ser.append_pair("q", q);
    for s in states {
        ser.append_pair("state", s);
    }
    if !laws.is_empty() {
        ser.append_pair("law", &laws.join(","));
    }
    format!("/api/search.csv?{}", ser.finish())
}

// ---------------------------------------------------------------------------------------------
// The page

#[derive(Template)]
#[template(path = "export.html")]
struct ExportPage {
    layout: Layout,
    formats: Vec<FormatView>,
    columns: Vec<ColumnView>,
    ndjson_columns: Vec<ColumnView>,
    akn: Vec<AknLink>,
    laws: usize,
    clauses: usize,
    schema_version: u32,
}

struct FormatView {
    name: &'static str,
    title: &'static str,
    description: &'static str,
    href: String,
    manifest_href: String,
    /// A second link (CSV with a BOM for Excel).
    extra: Option<(String, &'static str)>,
}

struct ColumnView {
    name: &'static str,
    kind: &'static str,
    nullable: bool,
    doc: &'static str,
}

struct AknLink {
    title: String,
    uri: String,
    href: String,
    state: String,
}

fn column_views(columns: &[Column]) -> Vec<ColumnView> {
    columns
        .iter()
        .map(|c| ColumnView {
            name: c.name,
            kind: c.kind.name(),
            nullable: c.nullable,
            doc: c.doc,
        })
        .collect()
}

pub async fn page(State(state): State<AppState>) -> Response {
    let engine = state.engine();
    let laws = export::select(engine.laws(), &Filter::default());
    let with_text: Vec<_> = laws.iter().filter(|l| !l.clauses.is_empty()).collect();
    let formats = Format::ALL
        .into_iter()
        .filter(|f| *f != Format::Akn)
        .map(|f| FormatView {
            name: f.name(),
            title: match f {
                Format::Jsonl => "JSON Lines",
                Format::Csv => "CSV",
                Format::Parquet => "Parquet",
                Format::Ndjson => "NDJSON for OpenSearch _bulk",
                Format::Akn => "Akoma Ntoso 3.0",
            },
            description: match f {
                Format::Jsonl => "One JSON object per clause, one per line. For Python (pandas.read_json(lines=True)), R (jsonlite::stream_in), jq.",
                Format::Csv => "RFC 4180, UTF-8, a header row, CRLF line ends; fields with commas, quotes or line breaks are quoted. For spreadsheets and R (read.csv).",
                Format::Parquet => "Typed columns (dates as Date32, lists as list<string>), Snappy-compressed. For pandas/pyarrow, DuckDB, Spark, R (arrow).",
                Format::Ndjson => "An index action line and a document per clause, with the text pre-analysed by our stemmers (text_stems). Create the index with the mapping file, then POST the file to _bulk.",
                Format::Akn => "",
            },
            href: format!("/api/export/{}", f.name()),
            manifest_href: format!("/api/export/{}/manifest", f.name()),
            extra: match f {
                Format::Csv => Some(("/api/export/csv?bom=1".to_string(), "with a byte order mark, for Excel")),
                Format::Ndjson => None,
                _ => None,
            },
        })
        .collect();
    let akn = with_text
        .iter()
        .map(|l| {
            let q: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("law", l.uri())
                .finish();
            AknLink {
                title: l.title().to_string(),
                uri: l.uri().to_string(),
                href: format!("/api/export/akn?{q}"),
                state: l.state().to_string(),
            }
        })
        .collect();
    let page = ExportPage {
        layout: Layout::of(&state, "export"),
        formats,
        columns: column_views(CLAUSE_COLUMNS),
        ndjson_columns: column_views(&export::opensearch::NDJSON_COLUMNS[CLAUSE_COLUMNS.len()..]),
        akn,
        laws: with_text.len(),
        clauses: with_text.iter().map(|l| l.clauses.len()).sum(),
        schema_version: export::table::SCHEMA_VERSION,
    };
    render(StatusCode::OK, &page)
}
