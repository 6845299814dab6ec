//! The HTML pages: overview, search, law reader, permalink redirects and the not-found page.
//! Templates are in `web/templates/`; askama escapes every value, and only the library's snippet
//! HTML (already escaped, matches in `<mark>`) is inserted with `|safe`.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};

use super::{api, links, params, AppState};
use crate::library::StoredLaw;
use crate::model::{ClauseKind, Status};
use crate::search::{Engine, SearchHit, SearchRequest, SearchResults};

/// Results per page on `/search`.
pub const PAGE_SIZE: usize = 20;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the base layout needs.
pub(super) struct Layout {
    pub(super) version: &'static str,
    /// Which nav entry is the current page: "overview", "search", "law", "export" or "".
    pub(super) current: &'static str,
    /// The value of the header's search box.
    pub(super) q: String,
}

impl Layout {
    pub(super) fn new(current: &'static str) -> Layout {
        Layout {
            version: VERSION,
            current,
            q: String::new(),
        }
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

// ---------------------------------------------------------------------------------------------
// Not found and messages

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    layout: Layout,
    title: String,
    message: String,
    /// (href, text) of a further link besides search and overview.
    link: Option<(String, String)>,
}

pub(super) fn not_found(message: String, link: Option<(String, String)>) -> Response {
    render(
        StatusCode::NOT_FOUND,
        &MessagePage {
            layout: Layout::new(""),
            title: "Not found".into(),
            message,
            link,
        },
    )
}

pub async fn fallback(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return api::error(
            StatusCode::NOT_FOUND,
            "no such endpoint: try /api/search?q=",
        );
    }
    not_found(format!("There is no page at {}.", uri.path()), None)
}

// ---------------------------------------------------------------------------------------------
// Overview

#[derive(Template)]
#[template(path = "overview.html")]
struct OverviewPage {
    layout: Layout,
    /// Language editions in the index.
    expressions: usize,
    works: usize,
    clauses: usize,
    member_states: Vec<StateTable>,
    other: Vec<StateTable>,
}

struct StateTable {
    code: String,
    name: String,
    works: Vec<WorkRow>,
}

/// One law (work) with its language editions.
struct WorkRow {
    title: String,
    title_lang: &'static str,
    title_en: Option<String>,
    href: String,
    number: String,
    doc_type: String,
    adopted: String,
    edition: String,
    editions: Vec<EditionLink>,
    articles: usize,
    /// "digest", "official text" or "metadata only".
    text: &'static str,
    /// The same as a CSS class name.
    text_class: &'static str,
    /// Digested articles out of articles in force, for digests ("45/45").
    digested: String,
    /// The official text's address (http(s) only), and whether it is unverified.
    source_url: String,
    source_unverified: bool,
}

struct EditionLink {
    lang: String,
    href: String,
}

/// The work URI of an expression URI: everything before the last `/`.
fn work_of(uri: &str) -> &str {
    uri.rsplit_once('/').map_or(uri, |(w, _)| w)
}

fn text_kind(law: &StoredLaw) -> &'static str {
    if law.is_digest() {
        "digest"
    } else if law.has_text() {
        "official text"
    } else {
        "metadata only"
    }
}

pub async fn overview(State(state): State<AppState>) -> Response {
    let engine = state.engine();
    let mut by_state: BTreeMap<(usize, String), Vec<&StoredLaw>> = BTreeMap::new();
    for law in engine.laws() {
        by_state
            .entry(links::state_sort_key(law.state()))
            .or_default()
            .push(law);
    }
    let mut works_total = 0;
    let mut member_states = Vec::new();
    let mut other = Vec::new();
    for ((_, code), laws) in by_state {
        // Group the editions of one work, keeping the library's order.
        let mut order: Vec<&str> = Vec::new();
        let mut groups: HashMap<&str, Vec<&StoredLaw>> = HashMap::new();
        for law in laws {
            let key = if law.uri().is_empty() {
                law.law.source_file.as_deref().unwrap_or("")
            } else {
                work_of(law.uri())
            };
            if !groups.contains_key(key) {
                order.push(key);
            }
            groups.entry(key).or_default().push(law);
        }
        let works: Vec<WorkRow> = order
            .into_iter()
            .map(|key| work_row(&groups[key]))
            .collect();
        works_total += works.len();
        let table = StateTable {
            name: links::state_name(&code),
            code: code.clone(),
            works,
        };
        if links::MEMBER_STATES.contains(&code.as_str()) {
            member_states.push(table);
        } else {
            other.push(table);
        }
    }
    let page = OverviewPage {
        layout: Layout::new("overview"),
        expressions: engine.laws().len(),
        works: works_total,
        clauses: engine.laws().iter().map(|l| l.clauses.len()).sum(),
        member_states,
        other,
    };
    render(StatusCode::OK, &page)
}

fn work_row(editions: &[&StoredLaw]) -> WorkRow {
    // The Russian edition leads (the drafters' language), else the first.
    let main = editions
        .iter()
        .find(|l| l.law.lang.as_deref() == Some("rus"))
        .unwrap_or(&editions[0]);
    let meta = &main.law;
    WorkRow {
        title: main.title().to_string(),
        title_lang: links::guess_lang(main.title()),
        title_en: meta.title_en.clone().filter(|t| t != main.title()),
        href: if main.uri().is_empty() {
            String::new()
        } else {
            links::law(main.uri())
        },
        number: meta.number.clone().unwrap_or_default(),
        doc_type: meta.doc_type.clone().unwrap_or_default(),
        adopted: meta.adopted.clone().unwrap_or_default(),
        edition: meta.edition.clone().unwrap_or_default(),
        editions: editions
            .iter()
            .filter(|l| !l.uri().is_empty())
            .map(|l| EditionLink {
                lang: l.law.lang.clone().unwrap_or_else(|| "?".into()),
                href: links::law(l.uri()),
            })
            .collect(),
        articles: editions
            .iter()
            .map(|l| l.articles().count())
            .max()
            .unwrap_or(0),
        digested: {
            let st = crate::stats::law_stats(main);
            if main.is_digest() {
                format!("{}/{}", st.articles_with_text, st.articles - st.repealed)
            } else {
                String::new()
            }
        },
        source_url: meta
            .source_url
            .clone()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
            .unwrap_or_default(),
        source_unverified: main.unverified().iter().any(|u| u == "source_url"),
        text: text_kind(main),
        text_class: match text_kind(main) {
            "digest" => "digest",
            "official text" => "official",
            _ => "metadata",
        },
    }
}

// ---------------------------------------------------------------------------------------------
// Search

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    law: String,
    state_options: Vec<StateOption>,
    error: Option<String>,
    results: Option<ResultsView>,
}

struct StateOption {
    code: String,
    name: String,
    checked: bool,
}

struct ResultsView {
    total: usize,
    /// False: `total` is a lower bound (per-state counting stopped at its limit).
    total_exact: bool,
    first: usize,
    last: usize,
    hits: Vec<HitView>,
    by_state: Vec<StateCount>,
    /// Link to the same search without the state filter, when one is set.
    all_states: Option<String>,
    prev: Option<String>,
    next: Option<String>,
    /// The same search as CSV (every hit, not just this page).
    csv_href: String,
}

struct StateCount {
    code: String,
    name: String,
    count: usize,
    /// The count reached the counting limit: at least `count`.
    capped: bool,
    href: String,
    active: bool,
}

struct HitView {
    clause_href: String,
    law_href: String,
    permalink: String,
    permalink_href: String,
    state: String,
    state_name: String,
    law_title: String,
    law_title_lang: &'static str,
    lang: &'static str,
    head: String,
    heading: Option<String>,
    /// The library's snippet: escaped text with `<mark>`; the only value inserted unescaped.
    snippet_html: String,
    digest: bool,
}

/// Every state in the index, member states first.
fn all_states(engine: &Engine) -> Vec<String> {
    let mut states: Vec<String> = engine
        .laws()
        .iter()
        .map(|l| l.state().to_string())
        .collect();
    states.sort_by_key(|s| links::state_sort_key(s));
    states.dedup();
    states
}

pub async fn search(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let mut page = SearchPage {
        layout: Layout::new("search"),
        q: String::new(),
        law: String::new(),
        state_options: Vec::new(),
        error: None,
        results: None,
    };
    let all = all_states(state.engine());
    let p = match params::parse(raw.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            page.state_options = state_options(&all, &[]);
            page.error = Some(e.0);
            return render(StatusCode::BAD_REQUEST, &page);
        }
    };
    page.q = p.q.clone();
    page.layout.q = p.q.clone();
    page.law = p.laws.join(", ");
    page.state_options = state_options(&all, &p.states);
    if p.q.is_empty() {
        return render(StatusCode::OK, &page);
    }
    let req = SearchRequest {
        q: p.q.clone(),
        states: p.states.clone(),
        laws: p.laws.clone(),
        limit: PAGE_SIZE,
        offset: p.offset,
    };
    match state.search(req).await {
        Ok(mut results) => {
            if !p.states.is_empty() && results.total > 0 {
                // The per-state counts are of the filtered search; the facet links want them all.
                let unfiltered = SearchRequest {
                    q: p.q.clone(),
                    states: Vec::new(),
                    laws: p.laws.clone(),
                    limit: 1,
                    offset: 0,
                };
                if let Ok(all) = state.search(unfiltered).await {
                    results.by_state = all.by_state;
                }
            }
            page.results = Some(results_view(&p, &results));
            render(StatusCode::OK, &page)
        }
        Err(f) => {
            page.error = Some(f.message().to_string());
            render(f.status(), &page)
        }
    }
}

fn state_options(all: &[String], checked: &[String]) -> Vec<StateOption> {
    all.iter()
        .map(|code| StateOption {
            code: code.clone(),
            name: links::state_name(code),
            checked: checked.contains(code),
        })
        .collect()
}

fn results_view(p: &params::Params, r: &SearchResults) -> ResultsView {
    let mut by_state: Vec<StateCount> = r
        .by_state
        .iter()
        .map(|(code, &count)| StateCount {
            code: code.clone(),
            name: links::state_name(code),
            count,
            capped: count == r.count_limit,
            href: links::search(&p.q, std::slice::from_ref(code), &p.laws, 0),
            active: p.states.len() == 1 && p.states[0] == *code,
        })
        .collect();
    by_state.sort_by_key(|s| links::state_sort_key(&s.code));
    let shown = r.hits.len();
    ResultsView {
        total: r.total,
        total_exact: r.total_exact,
        first: if shown == 0 { 0 } else { p.offset + 1 },
        last: p.offset + shown,
        hits: r.hits.iter().map(hit_view).collect(),
        by_state,
        all_states: (!p.states.is_empty()).then(|| links::search(&p.q, &[], &p.laws, 0)),
        prev: (p.offset > 0)
            .then(|| links::search(&p.q, &p.states, &p.laws, p.offset.saturating_sub(PAGE_SIZE))),
        next: (p.offset + shown < r.total && shown > 0)
            .then(|| links::search(&p.q, &p.states, &p.laws, p.offset + PAGE_SIZE)),
        csv_href: super::export::search_csv_href(&p.q, &p.states, &p.laws),
    }
}

fn hit_view(h: &SearchHit) -> HitView {
    HitView {
        clause_href: links::clause(&h.uri, &h.eid),
        law_href: links::law(&h.uri),
        permalink: h.permalink.clone(),
        permalink_href: links::permalink(&h.permalink),
        state: h.state.clone(),
        state_name: links::state_name(&h.state),
        law_title: h.law_title.clone(),
        law_title_lang: links::guess_lang(&h.law_title),
        lang: links::html_lang(&h.lang),
        head: head(&h.label, &h.num),
        heading: h.heading.clone(),
        snippet_html: h.snippet_html.clone(),
        digest: h.digest,
    }
}

/// "Статья 7-1", "Article 5", "п. 3".
fn head(label: &str, num: &str) -> String {
    format!("{label} {num}").trim().to_string()
}

// ---------------------------------------------------------------------------------------------
// Law reader

#[derive(Template)]
#[template(path = "law.html")]
struct LawPage {
    layout: Layout,
    title: String,
    title_lang: &'static str,
    subtitle: Option<String>,
    subtitle_lang: &'static str,
    /// The `lang` of the law's text ("" when unknown).
    lang: &'static str,
    state: String,
    state_name: String,
    digest: bool,
    metadata_only: bool,
    has_unverified: bool,
    meta: Vec<MetaRow>,
    editions: Vec<EditionView>,
    toc: Vec<TocEntry>,
    clauses: Vec<ClauseView>,
    /// Sections left open after the last clause.
    close_at_end: usize,
}

struct MetaRow {
    name: &'static str,
    value: String,
    /// A link (only for http(s) source URLs).
    href: Option<String>,
    unverified: bool,
}

struct EditionView {
    lang: String,
    href: String,
    current: bool,
}

struct TocEntry {
    href: String,
    depth: usize,
    head: String,
    heading: Option<String>,
}

struct ClauseView {
    eid: String,
    kind: &'static str,
    /// Sections to close before this one opens (nesting by depth).
    closes: usize,
    /// Heading level for containers and articles (3..=6); 0 for the units inside an article.
    level: usize,
    head: String,
    heading: Option<String>,
    text: String,
    permalink: String,
    permalink_href: String,
    repealed: bool,
    not_yet: bool,
    /// For articles: the compare page with this law first, landing on this article.
    compare_href: Option<String>,
}

pub async fn law(State(state): State<AppState>, Path(uri): Path<String>) -> Response {
    let uri = if uri.starts_with('/') {
        uri
    } else {
        format!("/{uri}")
    };
    let engine = state.engine();
    let Some(law) = engine.law(&uri) else {
        return not_found(format!("No law with the URI {uri} is in the index."), None);
    };
    render(StatusCode::OK, &law_page(engine, law))
}

fn law_page(engine: &Engine, law: &StoredLaw) -> LawPage {
    let m = &law.law;
    let lang_code = m.lang.as_deref().unwrap_or("");
    // The library's title is the edition's own; the other one (original or English) goes below.
    let title = law.title().to_string();
    let subtitle = [m.title.as_ref(), m.title_en.as_ref()]
        .into_iter()
        .flatten()
        .find(|t| !t.trim().is_empty() && **t != title)
        .cloned();
    let unverified = law.unverified();
    let is_unverified = |key: &str| unverified.iter().any(|u| u == key);
    let mut meta = Vec::new();
    let mut row = |name: &'static str, key: &str, value: Option<String>| {
        if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
            meta.push(MetaRow {
                name,
                href: None,
                unverified: is_unverified(key),
                value,
            });
        }
    };
    row("Title", "title", m.title.clone());
    row("Title in English", "title_en", m.title_en.clone());
    row("Number", "number", m.number.clone());
    row("Type", "type", m.doc_type.clone());
    row(
        "State",
        "country",
        m.country
            .as_ref()
            .map(|c| format!("{} ({c})", links::state_name(c))),
    );
    row("Language", "lang", m.lang.clone());
    row("Adopted", "adopted", m.adopted.clone());
    row("Published", "published", m.published.clone());
    row("In force from", "in_force", m.in_force.clone());
    row("Edition (consolidated to)", "edition", m.edition.clone());
    row("Repealed", "repealed", m.repealed.clone());
    row("Status", "status", law.extra("status").map(str::to_string));
    row(
        "Articles digested",
        "official_articles",
        law.extra("official_articles").map(str::to_string),
    );
    row("Retrieved", "retrieved", m.retrieved.clone());
    row("Expression URI", "uri", m.uri.clone());
    if let Some(url) = m.source_url.as_ref().filter(|u| !u.trim().is_empty()) {
        meta.push(MetaRow {
            name: "Official source",
            value: url.clone(),
            href: links::is_web_url(url).then(|| url.clone()),
            unverified: is_unverified("source_url"),
        });
    }
    let has_unverified = meta.iter().any(|r| r.unverified) || !unverified.is_empty();

    let work = work_of(law.uri());
    let mut editions: Vec<EditionView> = engine
        .laws()
        .iter()
        .filter(|l| !law.uri().is_empty() && work_of(l.uri()) == work)
        .map(|l| EditionView {
            lang: l.law.lang.clone().unwrap_or_else(|| "?".into()),
            href: links::law(l.uri()),
            current: l.uri() == law.uri(),
        })
        .collect();
    if editions.len() < 2 {
        editions.clear();
    }

    // Depth of every clause from its parent chain (parents come before their children).
    let mut depth: HashMap<&str, usize> = HashMap::new();
    let mut open = 0usize;
    let mut clauses = Vec::with_capacity(law.clauses.len());
    let mut toc = Vec::new();
    for c in &law.clauses {
        let d = c
            .parent
            .as_deref()
            .and_then(|p| depth.get(p))
            .map_or(0, |pd| pd + 1)
            .min(open);
        depth.insert(&c.eid, d);
        let closes = open - d;
        open = d + 1;
        let titled = c.kind.is_container() || c.kind == ClauseKind::Article;
        let head = if titled {
            head(&c.label, &c.num)
        } else {
            String::new()
        };
        if titled {
            toc.push(TocEntry {
                href: format!("#{}", links::encode_path(&c.eid)),
                depth: d,
                head: head.clone(),
                heading: c.heading.clone(),
            });
        }
        let permalink = crate::model::permalink(law.uri(), &c.eid);
        clauses.push(ClauseView {
            eid: c.eid.clone(),
            kind: c.kind.abbrev(),
            closes,
            level: if titled { (3 + d).min(6) } else { 0 },
            head,
            heading: c.heading.clone(),
            text: c.text.clone(),
            permalink_href: links::permalink(&permalink),
            permalink,
            repealed: c.status == Status::Repealed,
            not_yet: c.status == Status::NotYetInForce,
            compare_href: (c.kind == ClauseKind::Article).then(|| {
                let mut q = form_urlencoded::Serializer::new(String::new());
                q.append_pair("first", law.uri()).append_pair("at", &c.eid);
                format!("/compare?{}", q.finish())
            }),
        });
    }

    LawPage {
        layout: Layout::new("law"),
        title_lang: links::guess_lang(&title),
        title,
        subtitle_lang: subtitle.as_deref().map_or("", links::guess_lang),
        subtitle,
        lang: links::html_lang(lang_code),
        state: law.state().to_string(),
        state_name: links::state_name(law.state()),
        digest: law.is_digest(),
        metadata_only: !law.has_text(),
        has_unverified,
        meta,
        editions,
        toc,
        clauses,
        close_at_end: open,
    }
}

// ---------------------------------------------------------------------------------------------
// Permalinks

/// `/akn/...~eid` → 303 to the clause on its law page; an expression URI → its law page; a work
/// URI → the Russian (else the first) edition.
pub async fn permalink(State(state): State<AppState>, Path(rest): Path<String>) -> Response {
    let full = format!("/akn/{}", rest.trim_start_matches('/'));
    let engine = state.engine();
    if let Some((expression, eid)) = full.split_once("/~") {
        let Some(law) = engine.law(expression) else {
            return not_found(
                format!("No law with the URI {expression} is in the index."),
                None,
            );
        };
        if law.clause(eid).is_none() {
            return not_found(
                format!("The law {expression} has no clause {eid}."),
                Some((links::law(expression), law.title().to_string())),
            );
        }
        return Redirect::to(&links::clause(expression, eid)).into_response();
    }
    if engine.law(&full).is_some() {
        return Redirect::to(&links::law(&full)).into_response();
    }
    let work = full.trim_end_matches('/');
    let prefix = format!("{work}/");
    let mut editions = engine
        .laws()
        .iter()
        .filter(|l| l.uri().starts_with(&prefix));
    let first = editions.next();
    let rus = engine
        .laws()
        .iter()
        .filter(|l| l.uri().starts_with(&prefix))
        .find(|l| l.law.lang.as_deref() == Some("rus"));
    match rus.or(first) {
        Some(law) => Redirect::to(&links::law(law.uri())).into_response(),
        None => not_found(format!("No law with the URI {full} is in the index."), None),
    }
}
