//! `GET /api/compare?laws=URI,URI[,URI]` (the library's [`Comparison`] as JSON, shape in
//! docs/compare.md) and the page `GET /compare?laws=...`: one column per law, aligned rows,
//! insertions and deletions marked with `<ins>`/`<del>` and text markers, unaligned clauses shown as
//! such, each clause linking to its place in its law. Without laws the page is a form
//! (`first` preselects a law, `at` names the clause to land on). The comparison runs on a
//! blocking thread with a time budget inside the server's timeout.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Json;

use super::layout::Layout;
use super::{api, links, params, AppState};
use crate::compare::diff::{Diff, Op};
use crate::compare::{self, text, CompareError, CompareOptions, Comparison, Method};
use crate::library::StoredLaw;
use crate::search::Engine;

/// A comparison's own time; diffs still to do after it are shown side by side.
pub const BUDGET: Duration = Duration::from_secs(4);

/// The request: laws in order (repeated or comma-separated `laws`), a law to preselect, a clause
/// to land on, a framework topic to keep.
#[derive(Debug, Default)]
struct Params {
    laws: Vec<String>,
    first: Option<String>,
    at: Option<String>,
    topic: Option<String>,
}

fn parse(raw: Option<&str>) -> Result<Params, String> {
    let raw = raw.unwrap_or("");
    if raw.len() > params::MAX_QUERY_STRING {
        return Err(format!(
            "query string too long: {} bytes, at most {}",
            raw.len(),
            params::MAX_QUERY_STRING
        ));
    }
    let mut p = Params::default();
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        match &*key {
            "laws" | "law" => p.laws.extend(
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .map(str::to_string),
            ),
            "first" if !value.trim().is_empty() => p.first = Some(value.trim().to_string()),
            "at" if !value.trim().is_empty() => p.at = Some(value.trim().to_string()),
            "topic" if !value.trim().is_empty() => p.topic = Some(value.trim().to_string()),
            _ => {}
        }
    }
    Ok(p)
}

/// Look the laws up and compare them.
fn run(
    engine: &Engine,
    uris: &[String],
    topic: Option<String>,
    classified: &crate::gaps::TopicsByLaw,
) -> Result<Comparison, CompareError> {
    if uris.len() > compare::MAX_LAWS {
        return Err(CompareError::TooMany(uris.len()));
    }
    // An unknown law is named before the count is checked: "unknown law X" tells the user more
    // than "got 1" when X was meant to be a law.
    let laws = uris
        .iter()
        .map(|u| {
            engine
                .law(u)
                .ok_or_else(|| CompareError::Unknown(u.clone()))
        })
        .collect::<Result<Vec<&StoredLaw>, _>>()?;
    if laws.len() < 2 {
        return Err(CompareError::TooFew(laws.len()));
    }
    // The server's gap analysis already classified every law; nothing is classified per request.
    let topics = crate::gaps::article_topics(&laws, classified, &Default::default());
    let opts = CompareOptions {
        budget: BUDGET,
        topic,
        topics: Some(Arc::new(topics)),
        ..CompareOptions::default()
    };
    compare::compare(&laws, &opts)
}

/// Run `f` on a blocking thread, holding one of the server's permits for heavy work.
async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Engine) -> T + Send + 'static,
) -> Result<T, String> {
    let _permit = state
        .searches
        .acquire()
        .await
        .map_err(|_| "the server is shutting down".to_string())?;
    let engine = Arc::clone(&state.engine);
    tokio::task::spawn_blocking(move || f(&engine))
        .await
        .map_err(|e| {
            eprintln!("error: compare task failed: {e}");
            "the comparison failed on the server".to_string()
        })
}

/// `GET /api/compare.csv?laws=A,B[,C][&topic=ID][&bom=1]`: the comparison as CSV, one row per
/// aligned pair and per article without a counterpart (columns in docs/dataset.md).
pub async fn csv(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let p = match parse(raw.as_deref()) {
        Ok(p) => p,
        Err(e) => return api::error(StatusCode::BAD_REQUEST, &e),
    };
    let bom = form_urlencoded::parse(raw.as_deref().unwrap_or("").as_bytes())
        .any(|(k, v)| k == "bom" && matches!(&*v, "" | "1" | "true"));
    let classified = Arc::clone(&state.gaps().topics);
    let result = blocking(&state, move |engine| {
        run(engine, &p.laws, p.topic, &classified).map(|c| {
            let mut body = Vec::new();
            crate::export::compare::write_comparison_csv(&c, bom, &mut body).map(|()| body)
        })
    })
    .await;
    match result {
        Ok(Ok(Ok(body))) => super::export::attachment(
            crate::export::Format::Csv.media_type(),
            "lexharmony-compare.csv",
            axum::body::Body::from(body),
        ),
        Ok(Ok(Err(e))) => {
            eprintln!("error: compare csv: {e}");
            api::error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the export failed on the server",
            )
        }
        Ok(Err(e)) => api::error(StatusCode::BAD_REQUEST, &e.to_string()),
        Err(e) => api::error(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

pub async fn api(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let p = match parse(raw.as_deref()) {
        Ok(p) => p,
        Err(e) => return api::error(StatusCode::BAD_REQUEST, &e),
    };
    if p.laws.len() < 2 {
        return api::error(
            StatusCode::BAD_REQUEST,
            &format!(
                "{}: /api/compare?laws=URI,URI[,URI] with expression URIs as in /api/search",
                CompareError::TooFew(p.laws.len())
            ),
        );
    }
    let classified = Arc::clone(&state.gaps().topics);
    match blocking(&state, move |engine| {
        run(engine, &p.laws, p.topic, &classified)
    })
    .await
    {
        Ok(Ok(c)) => Json(c).into_response(),
        Ok(Err(e)) => api::error(StatusCode::BAD_REQUEST, &e.to_string()),
        Err(e) => api::error(StatusCode::INTERNAL_SERVER_ERROR, &e),
    }
}

// ---------------------------------------------------------------------------------------------
// The page

#[derive(Template)]
#[template(path = "compare.html")]
struct ComparePage {
    layout: Layout,
    error: Option<String>,
    form: Option<FormView>,
    result: Option<ResultView>,
}

struct FormView {
    options: Vec<LawOption>,
    at: String,
    /// The framework's topics for the "only on a topic" choice: id, title, selected.
    topics: Vec<(String, String, bool)>,
}

struct LawOption {
    uri: String,
    label: String,
    first: bool,
    checked: bool,
    /// For ids.
    index: usize,
}

struct ResultView {
    columns: Vec<Column>,
    rows: Vec<Row>,
    notes: Vec<String>,
    json_href: String,
    csv_href: String,
    aligned: usize,
}

struct Column {
    title: String,
    title_lang: &'static str,
    state_name: String,
    lang: String,
    href: String,
    digest: bool,
    /// For the columns after the first: how they were aligned, and caveats.
    method: &'static str,
    notes: Vec<String>,
}

struct Row {
    id: String,
    /// "unaligned" for rows of another law's article without counterpart in the first.
    class: &'static str,
    cells: Vec<Cell>,
}

struct Cell {
    lang: &'static str,
    clauses: Vec<ClauseCell>,
    /// Shown when there is no clause ("no counterpart ...").
    note: String,
}

struct ClauseCell {
    head: String,
    heading: Option<String>,
    href: String,
    permalink: String,
    repealed: bool,
    /// For a counterpart: score, relation and why.
    score: String,
    relation: &'static str,
    reason: String,
    second: bool,
    /// Why the texts are side by side instead of inline ("" when inline).
    fallback: String,
    body: Vec<Seg>,
    parts: Vec<PartCell>,
}

struct PartCell {
    head: String,
    href: String,
    /// "", or how this part relates to the first law's ("≈ ч. 2 (0.45)", "no counterpart").
    note: String,
    body: Vec<Seg>,
}

/// A piece of text: "eq" as is, "ins" inserted, "del" deleted (relative to the first law).
struct Seg {
    kind: &'static str,
    text: String,
}

fn plain(text: &str) -> Vec<Seg> {
    vec![Seg {
        kind: "eq",
        text: text.to_string(),
    }]
}

/// The redline of the other law's text against the first's.
fn segs(d: &Diff) -> Vec<Seg> {
    d.ops
        .iter()
        .map(|op| match op {
            Op::Equal { new, .. } => Seg {
                kind: "eq",
                text: new.clone(),
            },
            Op::Delete { old } => Seg {
                kind: "del",
                text: old.clone(),
            },
            Op::Insert { new } => Seg {
                kind: "ins",
                text: new.clone(),
            },
        })
        .collect()
}

fn head(label: &str, num: &str) -> String {
    format!("{label} {num}").trim().to_string()
}

fn short_name(law: &compare::LawInfo) -> String {
    let n = law.number.as_deref().unwrap_or("");
    format!("{} {n}", links::state_name(&law.state))
        .trim()
        .to_string()
}

fn clause_cell(uri: &str, c: &compare::ClauseRef, body: Vec<Seg>) -> ClauseCell {
    ClauseCell {
        head: head(&c.label, &c.num),
        heading: c.heading.clone(),
        href: links::clause(uri, &c.eid),
        permalink: c.permalink.clone(),
        repealed: c.status == crate::model::Status::Repealed,
        score: String::new(),
        relation: "",
        reason: String::new(),
        second: false,
        fallback: String::new(),
        body,
        parts: Vec::new(),
    }
}

fn method_name(m: Method) -> &'static str {
    match m {
        Method::Lexical => "aligned by shared stems",
        Method::ParallelLanguage => {
            "parallel-language view: matched by article number and structure"
        }
        Method::Editions => "two editions of one law: matched by number and text",
    }
}

fn relation_name(r: compare::Relation) -> &'static str {
    match r {
        compare::Relation::Equivalent => "equivalent",
        compare::Relation::Broader => "first is broader",
        compare::Relation::Narrower => "first is narrower",
        compare::Relation::Partial => "partial",
    }
}

fn result_view(engine: &Engine, c: &Comparison) -> ResultView {
    let n = c.laws.len();
    let langs: Vec<&'static str> = c
        .laws
        .iter()
        .map(|l| links::html_lang(l.lang.as_deref().unwrap_or("")))
        .collect();
    let columns: Vec<Column> = c
        .laws
        .iter()
        .enumerate()
        .map(|(k, l)| Column {
            title: l.title.clone(),
            title_lang: links::guess_lang(&l.title),
            state_name: links::state_name(&l.state),
            lang: l.lang.clone().unwrap_or_default(),
            href: links::law(&l.uri),
            digest: l.digest,
            method: if k == 0 {
                ""
            } else {
                method_name(c.pairs[k - 1].alignment.method)
            },
            notes: if k == 0 {
                Vec::new()
            } else {
                c.pairs[k - 1].alignment.notes.clone()
            },
        })
        .collect();
    let first_uri = &c.laws[0].uri;
    let first = engine.law(first_uri);
    let empty_cell = |k: usize| Cell {
        lang: langs[k],
        clauses: Vec::new(),
        note: String::new(),
    };

    // The first law's articles, in order, each with its counterparts.
    let mut rows: Vec<Row> = Vec::new();
    let mut row_of: HashMap<String, usize> = HashMap::new();
    let arts: Vec<compare::ClauseRef> = match first {
        Some(law) => text::articles(law)
            .into_iter()
            .map(|a| compare::clause_ref(law, a, text::full_text(law, a)))
            .collect(),
        None => Vec::new(),
    };
    for a in &arts {
        let mut cells = vec![Cell {
            lang: langs[0],
            clauses: vec![clause_cell(first_uri, a, plain(&a.text))],
            note: String::new(),
        }];
        for (k, pair) in c.pairs.iter().enumerate() {
            let other = &c.laws[k + 1];
            let al = &pair.alignment;
            let mut cell = empty_cell(k + 1);
            for m in al.matches.iter().filter(|m| m.a.eid == a.eid) {
                cell.clauses.push(match_cell(engine, &other.uri, m));
            }
            if cell.clauses.is_empty() {
                let best = al
                    .unaligned_first
                    .iter()
                    .find(|u| u.clause.eid == a.eid)
                    .and_then(|u| u.best.as_ref());
                cell.note = match (best, al.threshold) {
                    (Some(b), Some(t)) => format!(
                        "no counterpart found in {} (closest: {}, score {:.2}, below {:.2})",
                        short_name(other),
                        head(&b.label, &b.num),
                        b.score,
                        t
                    ),
                    _ => format!("no counterpart in {}", short_name(other)),
                };
            }
            cells.push(cell);
        }
        row_of.insert(a.eid.clone(), rows.len());
        rows.push(Row {
            id: a.eid.clone(),
            class: "",
            cells,
        });
    }

    // The other laws' unaligned articles: after the row of their nearest aligned predecessor.
    let mut inserts: Vec<(Option<usize>, usize, Row)> = Vec::new();
    for (k, pair) in c.pairs.iter().enumerate() {
        let other = &c.laws[k + 1];
        let Some(law) = engine.law(&other.uri) else {
            continue;
        };
        let order: Vec<&str> = text::articles(law)
            .into_iter()
            .map(|a| a.eid.as_str())
            .collect();
        let matched: HashMap<&str, &str> = pair
            .alignment
            .matches
            .iter()
            .map(|m| (m.b.eid.as_str(), m.a.eid.as_str()))
            .collect();
        for (seq, u) in pair.alignment.unaligned_other.iter().enumerate() {
            let pos = order.iter().position(|e| *e == u.clause.eid).unwrap_or(0);
            let anchor = order[..pos]
                .iter()
                .rev()
                .find_map(|e| matched.get(e))
                .and_then(|a| row_of.get(*a).copied());
            let mut cells: Vec<Cell> = (0..n).map(empty_cell).collect();
            cells[0].note = format!("no counterpart in {}", short_name(&c.laws[0]));
            cells[k + 1]
                .clauses
                .push(clause_cell(&other.uri, &u.clause, plain(&u.clause.text)));
            inserts.push((
                anchor,
                seq,
                Row {
                    id: format!("l{}-{}", k + 1, u.clause.eid),
                    class: "unaligned",
                    cells,
                },
            ));
        }
    }
    // Insert from the back so earlier positions stay valid; rows at the same anchor keep order.
    inserts.sort_by_key(|(anchor, seq, _)| (anchor.map_or(0, |a| a + 1), *seq));
    let mut merged: Vec<Row> = Vec::with_capacity(rows.len() + inserts.len());
    let mut pending = inserts.into_iter().peekable();
    while let Some((None, _, _)) = pending.peek() {
        if let Some((_, _, r)) = pending.next() {
            merged.push(r);
        }
    }
    for (i, row) in rows.into_iter().enumerate() {
        merged.push(row);
        while let Some((Some(a), _, _)) = pending.peek() {
            if *a != i {
                break;
            }
            if let Some((_, _, r)) = pending.next() {
                merged.push(r);
            }
        }
    }
    merged.extend(pending.map(|(_, _, r)| r));

    let mut ser = form_urlencoded::Serializer::new(String::new());
    ser.append_pair(
        "laws",
        &c.laws
            .iter()
            .map(|l| l.uri.as_str())
            .collect::<Vec<_>>()
            .join(","),
    );
    if let Some(t) = &c.topic {
        ser.append_pair("topic", t);
    }
    let query = ser.finish();
    ResultView {
        columns,
        rows: merged,
        notes: c.notes.clone(),
        json_href: format!("/api/compare?{query}"),
        csv_href: format!("/api/compare.csv?{query}"),
        aligned: c.pairs.iter().map(|p| p.alignment.matches.len()).sum(),
    }
}

fn match_cell(engine: &Engine, uri: &str, m: &compare::align::Match) -> ClauseCell {
    let mut cell = clause_cell(uri, &m.b, Vec::new());
    cell.score = format!("{:.2}", m.score);
    cell.relation = relation_name(m.relation);
    cell.reason = m.reason.summary.clone();
    cell.second = !m.primary;
    if m.diff.is_inline() {
        cell.body = segs(&m.diff);
        return cell;
    }
    let inline_parts = m
        .parts
        .iter()
        .any(|p| p.b.is_some() && p.diff.as_ref().is_some_and(Diff::is_inline));
    if !inline_parts {
        cell.fallback = m
            .diff
            .fallback
            .map(|f| f.message().to_string())
            .unwrap_or_default();
        cell.body = plain(&m.b.text);
        return cell;
    }
    // Part by part: the article's own words, then each part against its counterpart.
    let own = engine
        .law(uri)
        .and_then(|l| l.clause(&m.b.eid))
        .map(|c| c.text.trim().to_string())
        .unwrap_or_default();
    cell.body = if own.is_empty() {
        Vec::new()
    } else {
        plain(&own)
    };
    for p in &m.parts {
        let Some(b) = &p.b else { continue };
        let (note, body) = match (&p.a, &p.diff) {
            (Some(a), Some(d)) if d.is_inline() => (
                format!(
                    "≈ {} ({:.2})",
                    head(&a.label, &a.num),
                    p.score.unwrap_or(0.0)
                ),
                segs(d),
            ),
            (Some(a), _) => (
                format!(
                    "≈ {} ({:.2}), too different to show inline",
                    head(&a.label, &a.num),
                    p.score.unwrap_or(0.0)
                ),
                plain(&b.text),
            ),
            (None, _) => ("no counterpart".to_string(), plain(&b.text)),
        };
        cell.parts.push(PartCell {
            head: head(&b.label, &b.num),
            href: links::clause(uri, &b.eid),
            note,
            body,
        });
    }
    cell
}

fn form_view(
    engine: &Engine,
    selected: &[String],
    first: Option<&str>,
    at: &str,
    topic: Option<&str>,
) -> FormView {
    let mut laws: Vec<&StoredLaw> = engine.laws().iter().filter(|l| l.has_text()).collect();
    laws.sort_by(|a, b| {
        (links::state_sort_key(a.state()), a.title(), a.uri()).cmp(&(
            links::state_sort_key(b.state()),
            b.title(),
            b.uri(),
        ))
    });
    let first = first.or(selected.first().map(String::as_str));
    FormView {
        options: laws
            .iter()
            .enumerate()
            .map(|(index, l)| LawOption {
                uri: l.uri().to_string(),
                label: format!(
                    "{} — {} ({}{})",
                    links::state_name(l.state()),
                    l.title(),
                    l.law.lang.as_deref().unwrap_or("?"),
                    if l.is_digest() { ", digest" } else { "" }
                ),
                first: Some(l.uri()) == first,
                checked: selected.iter().skip(1).any(|s| s == l.uri()),
                index,
            })
            .collect(),
        at: at.to_string(),
        topics: crate::gaps::framework::Framework::bundled()
            .topics
            .iter()
            .map(|t| (t.id.clone(), t.title.clone(), Some(t.id.as_str()) == topic))
            .collect(),
    }
}

fn render(status: StatusCode, page: &ComparePage) -> Response {
    match page.render() {
        Ok(body) => (status, Html(body)).into_response(),
        Err(e) => {
            eprintln!("error: rendering the compare page: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "internal error: the page could not be rendered",
            )
                .into_response()
        }
    }
}

pub async fn page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    let p = match parse(raw.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            let form = form_view(state.engine(), &[], None, "", None);
            let page = ComparePage {
                layout: Layout::of(&state, "compare"),
                error: Some(e),
                form: Some(form),
                result: None,
            };
            return render(StatusCode::BAD_REQUEST, &page);
        }
    };
    // The form sends the first law twice when it is also ticked: keep the first of each.
    let mut uris: Vec<String> = Vec::new();
    for u in p.laws {
        if !uris.contains(&u) {
            uris.push(u);
        }
    }
    let at = p.at.unwrap_or_default();
    if uris.is_empty() {
        let form = form_view(
            state.engine(),
            &[],
            p.first.as_deref(),
            &at,
            p.topic.as_deref(),
        );
        let page = ComparePage {
            layout: Layout::of(&state, "compare"),
            error: None,
            form: Some(form),
            result: None,
        };
        return render(StatusCode::OK, &page);
    }
    if uris.len() >= 2 && !at.is_empty() {
        // Land on the clause: the same comparison, with the clause as the fragment.
        let valid =
            uris.len() <= compare::MAX_LAWS && uris.iter().all(|u| state.engine().law(u).is_some());
        if valid {
            let mut ser = form_urlencoded::Serializer::new(String::new());
            ser.append_pair("laws", &uris.join(","));
            if let Some(t) = &p.topic {
                ser.append_pair("topic", t);
            }
            return Redirect::to(&format!(
                "/compare?{}#{}",
                ser.finish(),
                links::encode_path(&at)
            ))
            .into_response();
        }
    }
    let classified = Arc::clone(&state.gaps().topics);
    let topic = p.topic;
    let result = blocking(&state, move |engine| {
        match run(engine, &uris, topic.clone(), &classified) {
            Ok(c) => Ok(result_view(engine, &c)),
            Err(e) => Err((e, form_view(engine, &uris, None, &at, topic.as_deref()))),
        }
    })
    .await;
    match result {
        Ok(Ok(view)) => render(
            StatusCode::OK,
            &ComparePage {
                layout: Layout::of(&state, "compare"),
                error: None,
                form: None,
                result: Some(view),
            },
        ),
        Ok(Err((e, form))) => render(
            StatusCode::BAD_REQUEST,
            &ComparePage {
                layout: Layout::of(&state, "compare"),
                error: Some(e.to_string()),
                form: Some(form),
                result: None,
            },
        ),
        Err(e) => render(
            StatusCode::INTERNAL_SERVER_ERROR,
            &ComparePage {
                layout: Layout::of(&state, "compare"),
                error: Some(e),
                form: None,
                result: None,
            },
        ),
    }
}
