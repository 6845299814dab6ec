//! The HTML pages: overview, search, law reader, permalink redirects and the not-found page.
//! Templates are in `web/templates/`; askama escapes every value, and only the library's snippet
//! HTML (already escaped, matches in `<mark>`) is inserted with `|safe`.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};

use super::{api, links, params, AppState};
use crate::library::StoredLaw;
use crate::model::{ClauseKind, Status};
use crate::search::{Engine, SearchHit, SearchRequest, SearchResults};

/// Results per page on `/search`.
pub const PAGE_SIZE: usize = 20;

pub(super) use super::layout::{render, Layout};

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

pub(super) fn not_found(
    state: &AppState,
    message: String,
    link: Option<(String, String)>,
) -> Response {
    render(
        StatusCode::NOT_FOUND,
        &MessagePage {
            layout: Layout::of(state, ""),
            title: "Not found".into(),
            message,
            link,
        },
    )
}

pub async fn fallback(State(state): State<AppState>, uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return api::error(
            StatusCode::NOT_FOUND,
            "no such endpoint: try /api/search?q=",
        );
    }
    // Shown decoded, as the user typed it (the template escapes it).
    let path = percent_encoding::percent_decode_str(uri.path()).decode_utf8_lossy();
    not_found(&state, format!("There is no page at {path}."), None)
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
    /// Member states, then reference instruments (when there are any).
    groups: Vec<SummaryGroup>,
}

struct SummaryGroup {
    id: &'static str,
    title: &'static str,
    rows: Vec<StateSummary>,
}

/// One state on the overview: what the corpus holds of it and how current.
struct StateSummary {
    code: String,
    name: String,
    href: String,
    works: usize,
    /// Laws with text (digest or official) and known by name only.
    with_text: usize,
    metadata_only: usize,
    articles: usize,
    /// The newest edition date of its laws ("" when none is known).
    newest_edition: String,
}

impl StateSummary {
    fn of(t: &StateTable) -> StateSummary {
        StateSummary {
            code: t.code.clone(),
            name: t.name.clone(),
            href: format!("/laws#state-{}", t.code),
            works: t.works.len(),
            with_text: t
                .works
                .iter()
                .filter(|w| w.text_class != "metadata")
                .count(),
            metadata_only: t
                .works
                .iter()
                .filter(|w| w.text_class == "metadata")
                .count(),
            articles: t
                .works
                .iter()
                .filter(|w| w.text_class != "metadata")
                .map(|w| w.articles)
                .sum(),
            newest_edition: t
                .works
                .iter()
                .map(|w| w.edition.clone())
                .filter(|e| e.len() == 10)
                .max()
                .unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "laws.html")]
struct LawsPage {
    layout: Layout,
    works: usize,
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

/// Every law grouped by state (member states, then the others) and by work; and the number of
/// works.
fn state_tables(engine: &Engine) -> (Vec<StateTable>, Vec<StateTable>, usize) {
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
    (member_states, other, works_total)
}

pub async fn overview(State(state): State<AppState>) -> Response {
    let engine = state.engine();
    let (member_states, other, works) = state_tables(engine);
    let page = OverviewPage {
        layout: Layout::of(&state, "overview"),
        expressions: engine.laws().len(),
        works,
        clauses: engine.laws().iter().map(|l| l.clauses.len()).sum(),
        groups: [
            (
                "states",
                "What the corpus holds per member state",
                member_states,
            ),
            ("reference", "Reference instruments", other),
        ]
        .into_iter()
        .filter(|(_, _, tables)| !tables.is_empty())
        .map(|(id, title, tables)| SummaryGroup {
            id,
            title,
            rows: tables.iter().map(StateSummary::of).collect(),
        })
        .collect(),
    };
    render(StatusCode::OK, &page)
}

/// `/laws`: every law by state, with its editions, text kind and official source.
pub async fn laws(State(state): State<AppState>) -> Response {
    let (member_states, other, works) = state_tables(state.engine());
    let page = LawsPage {
        layout: Layout::of(&state, "laws"),
        works,
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
        layout: Layout::of(&state, "search"),
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
        exhaustive: false,
    };
    match state.search(req).await {
        Ok(results) => {
            // `by_state` already counts every state (the state filter left out), as the facet
            // links want.
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
    /// This page's own address (without the parallel view).
    href: String,
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
    /// The official text's address (http(s) only) and whether it is unverified.
    source_url: String,
    source_unverified: bool,
    meta: Vec<MetaRow>,
    editions: Vec<EditionView>,
    /// The editions that can be shown beside this one (the parallel-language toggle).
    side_by_side: Vec<EditionView>,
    /// The edition shown beside this one, when the parallel view is on.
    parallel: Option<ParallelHead>,
    /// A `parallel=` value that names no other edition of this law.
    parallel_error: Option<String>,
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
    /// The `lang` attribute of its name ("" when unknown).
    html_lang: &'static str,
    href: String,
    current: bool,
    /// This law's page with that edition side by side (None for the current edition).
    parallel_href: Option<String>,
    /// Whether it is the edition shown side by side now.
    parallel: bool,
}

struct ParallelHead {
    lang: String,
    html_lang: &'static str,
    title: String,
    href: String,
    digest: bool,
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
    /// How to cite the clause (the copy button adds the permalink's full address).
    citation: String,
    repealed: bool,
    not_yet: bool,
    /// For articles: the compare page with this law first, landing on this article.
    compare_href: Option<String>,
    /// The framework topics of the clause: (gap-matrix cell link, topic title, topic id).
    topics: Vec<(String, String, String)>,
    /// The same clause (by eId) in the parallel edition, when it is shown.
    parallel: Option<ParallelClause>,
}

struct ParallelClause {
    heading: Option<String>,
    text: String,
    href: String,
    /// The parallel edition has no clause with this eId.
    missing: bool,
}

pub async fn law(
    State(state): State<AppState>,
    Path(uri): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let uri = if uri.starts_with('/') {
        uri
    } else {
        format!("/{uri}")
    };
    let engine = state.engine();
    let Some(law) = engine.law(&uri) else {
        return not_found(
            &state,
            format!("No law with the URI {uri} is in the index."),
            Some(("/laws".into(), "All laws".into())),
        );
    };
    let parallel = form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "parallel")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty());
    let page = law_page(&state, law, parallel.as_deref());
    let status = if page.parallel_error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    render(status, &page)
}

/// "Статья 7-1", "Article 5", "п. 3".
fn clause_head(c: &crate::model::Clause) -> String {
    head(&c.label, &c.num)
}

/// How a clause is cited: the law's title, number, date and edition, then the clause with the
/// units above it inside its article ("Статья 7, п. 3").
fn citation(law: &StoredLaw, eid: &str) -> String {
    let m = &law.law;
    let mut path = Vec::new();
    let mut at = law.clause(eid);
    while let Some(c) = at {
        if c.kind.is_container() {
            break;
        }
        path.push(clause_head(c));
        at = c.parent.as_deref().and_then(|p| law.clause(p));
    }
    path.reverse();
    let mut out = law.title().to_string();
    if let Some(n) = m.number.as_deref().filter(|n| !n.trim().is_empty()) {
        out.push_str(&format!(", № {n}"));
    }
    if let Some(a) = m.adopted.as_deref().filter(|a| !a.trim().is_empty()) {
        out.push_str(&format!(" ({a}"));
        if let Some(e) = m.edition.as_deref().filter(|e| !e.trim().is_empty()) {
            out.push_str(&format!("; edition {e}"));
        }
        out.push(')');
    }
    if !path.is_empty() {
        out.push_str(", ");
        out.push_str(&path.join(", "));
    }
    if law.is_digest() {
        out.push_str(" [project digest, not the official text]");
    }
    out
}

fn law_page(state: &AppState, law: &StoredLaw, parallel: Option<&str>) -> LawPage {
    let engine = state.engine();
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
    let source_url = m
        .source_url
        .clone()
        .filter(|u| links::is_web_url(u))
        .unwrap_or_default();
    if let Some(url) = m
        .source_url
        .as_ref()
        .filter(|u| !u.trim().is_empty() && !links::is_web_url(u))
    {
        // Shown as text here; an http(s) address is the link above the table.
        meta.push(MetaRow {
            name: "Official source",
            value: url.clone(),
            href: None,
            unverified: is_unverified("source_url"),
        });
    }
    let has_unverified = meta.iter().any(|r| r.unverified) || !unverified.is_empty();

    let href = links::law(law.uri());
    let work = work_of(law.uri());
    let siblings: Vec<&StoredLaw> = engine
        .laws()
        .iter()
        .filter(|l| !law.uri().is_empty() && work_of(l.uri()) == work)
        .collect();
    // The parallel edition: named by its language ("eng") or its expression URI.
    let other = parallel.and_then(|p| {
        siblings
            .iter()
            .copied()
            .filter(|l| l.uri() != law.uri() && l.has_text())
            .find(|l| l.law.lang.as_deref() == Some(p) || l.uri() == p)
    });
    let parallel_error = match (parallel, other) {
        (Some(p), None) => Some(format!(
            "This law has no other edition with text in the language {p:?} to show side by side."
        )),
        _ => None,
    };
    let mut editions: Vec<EditionView> = siblings
        .iter()
        .map(|l| {
            let lang = l.law.lang.clone().unwrap_or_else(|| "?".into());
            let current = l.uri() == law.uri();
            EditionView {
                html_lang: links::html_lang(&lang),
                parallel_href: (!current && l.has_text() && law.has_text()).then(|| {
                    let mut q = form_urlencoded::Serializer::new(String::new());
                    q.append_pair("parallel", l.law.lang.as_deref().unwrap_or(l.uri()));
                    format!("{href}?{}", q.finish())
                }),
                parallel: other.is_some_and(|o| o.uri() == l.uri()),
                lang,
                href: links::law(l.uri()),
                current,
            }
        })
        .collect();
    if editions.len() < 2 {
        editions.clear();
    }
    let side_by_side: Vec<EditionView> = editions
        .iter()
        .filter(|e| e.parallel_href.is_some())
        .map(|e| EditionView {
            lang: e.lang.clone(),
            html_lang: e.html_lang,
            href: e.href.clone(),
            current: e.current,
            parallel_href: e.parallel_href.clone(),
            parallel: e.parallel,
        })
        .collect();
    let parallel_head = other.map(|o| {
        let lang = o.law.lang.clone().unwrap_or_default();
        ParallelHead {
            html_lang: links::html_lang(&lang),
            lang,
            title: o.title().to_string(),
            href: links::law(o.uri()),
            digest: o.is_digest(),
        }
    });

    // The clause topics of the gap analysis.
    let analysis = state.gaps();
    let law_topics = analysis.topics.get(law.uri());
    let topics_of = |eid: &str| -> Vec<(String, String, String)> {
        law_topics
            .map(|t| t.topics_of(eid))
            .unwrap_or_default()
            .into_iter()
            .map(|id| {
                let title = analysis
                    .framework
                    .topic(id)
                    .map_or_else(|| id.to_string(), |t| t.title.clone());
                (links::gap_cell(law.state(), id), title, id.to_string())
            })
            .collect()
    };

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
            clause_head(c)
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
            citation: citation(law, &c.eid),
            repealed: c.status == Status::Repealed,
            not_yet: c.status == Status::NotYetInForce,
            compare_href: (c.kind == ClauseKind::Article).then(|| {
                let mut q = form_urlencoded::Serializer::new(String::new());
                q.append_pair("first", law.uri()).append_pair("at", &c.eid);
                format!("/compare?{}", q.finish())
            }),
            topics: topics_of(&c.eid),
            parallel: other.map(|o| match o.clause(&c.eid) {
                Some(p) => ParallelClause {
                    heading: p.heading.clone(),
                    text: p.text.clone(),
                    href: links::clause(o.uri(), &p.eid),
                    missing: false,
                },
                None => ParallelClause {
                    heading: None,
                    text: String::new(),
                    href: String::new(),
                    missing: true,
                },
            }),
        });
    }

    LawPage {
        layout: Layout::of(state, "law"),
        href,
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
        source_unverified: is_unverified("source_url"),
        source_url,
        meta,
        editions,
        side_by_side,
        parallel: parallel_head,
        parallel_error,
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
                &state,
                format!("No law with the URI {expression} is in the index."),
                Some(("/laws".into(), "All laws".into())),
            );
        };
        if law.clause(eid).is_none() {
            return not_found(
                &state,
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
        None => not_found(
            &state,
            format!("No law with the URI {full} is in the index."),
            Some(("/laws".into(), "All laws".into())),
        ),
    }
}
