//! Gap analysis over HTTP: the `/gaps` heatmap (states as columns, topics by area as rows, every
//! cell a link to its evidence), `/gaps/{state}/{topic}` (one cell's evidence), `/definitions`,
//! `/concordance?instrument=`, and `GET /api/gaps`, `/api/definitions`, `/api/concordance`.
//!
//! The analysis is computed once per server (on first use, or at start by `serve`) from the
//! engine's laws and kept in the [`AppState`]; every string from a law is escaped by askama.

use askama::Template;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::pages::{render, Layout};
use super::{api, links, AppState};
use crate::gaps::concordance::{self, Concordance};
use crate::gaps::definitions::DefinitionsTable;
use crate::gaps::matrix::{Cell, CellStatus, HARMONIZATION_FORMULA};
use crate::gaps::Analysis;

/// The key=value pairs of a query string (first value of each key wins).
fn query(raw: Option<&str>, key: &str) -> Option<String> {
    form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

fn too_long(raw: Option<&str>) -> Option<Response> {
    let n = raw.map_or(0, str::len);
    (n > super::MAX_QUERY_STRING).then(|| {
        api::error(
            StatusCode::BAD_REQUEST,
            &format!(
                "query string too long: {n} bytes, at most {}",
                super::MAX_QUERY_STRING
            ),
        )
    })
}

fn cell_href(state: &str, topic: &str) -> String {
    links::gap_cell(state, topic)
}

// ---------------------------------------------------------------------------------------------
// /gaps

struct LegendItem {
    symbol: &'static str,
    word: &'static str,
    class: &'static str,
    meaning: &'static str,
}

fn legend() -> Vec<LegendItem> {
    vec![
        LegendItem {
            symbol: CellStatus::Covered.symbol(),
            word: CellStatus::Covered.word(),
            class: CellStatus::Covered.class(),
            meaning: "a clause regulates the topic (confidence 0.6 or more, or confirmed by a reviewer)",
        },
        LegendItem {
            symbol: CellStatus::Partial.symbol(),
            word: CellStatus::Partial.word(),
            class: CellStatus::Partial.class(),
            meaning: "clauses touch the topic, with weaker evidence only",
        },
        LegendItem {
            symbol: CellStatus::NotFound.symbol(),
            word: CellStatus::NotFound.word(),
            class: CellStatus::NotFound.class(),
            meaning: "nothing found in the full texts we hold of the state's laws of that kind",
        },
        LegendItem {
            symbol: CellStatus::NoText.symbol(),
            word: CellStatus::NoText.word(),
            class: CellStatus::NoText.class(),
            meaning: "missing data, not absence: the relevant law is known only by name or in part, or not in the corpus",
        },
    ]
}

struct HeatCell {
    symbol: &'static str,
    word: &'static str,
    class: &'static str,
    href: String,
    /// For the title attribute: status, state, topic and why.
    title: String,
}

struct HeatRow {
    id: String,
    title: String,
    cells: Vec<HeatCell>,
}

struct HeatArea {
    id: String,
    name: String,
    rows: Vec<HeatRow>,
}

struct StateCol {
    code: String,
    name: String,
}

struct SummaryRow {
    name: String,
    covered: usize,
    partial: usize,
    not_found: usize,
    no_text: usize,
    gaps: Vec<(String, String)>,
}

struct PairRow {
    a: String,
    b: String,
    index: String,
    comparable: usize,
}

struct SpreadRow {
    topic: String,
    title: String,
    /// Per state: its values (value, clause label, clause link).
    states: Vec<(String, Vec<SpreadValue>)>,
}

/// A key value as shown: the value, its clause's label and link.
type SpreadValue = (String, String, String);

#[derive(Template)]
#[template(path = "gaps.html")]
struct GapsPage {
    layout: Layout,
    legend: Vec<LegendItem>,
    states: Vec<StateCol>,
    areas: Vec<HeatArea>,
    summaries: Vec<SummaryRow>,
    pairs: Vec<PairRow>,
    formula: &'static str,
    spreads: Vec<SpreadRow>,
    problems: Vec<String>,
}

pub async fn page(State(state): State<AppState>) -> Response {
    let a = state.gaps();
    let m = &a.matrix;
    let fw = a.framework;
    let states: Vec<StateCol> = m
        .states
        .iter()
        .map(|s| StateCol {
            code: s.clone(),
            name: links::state_name(s),
        })
        .collect();
    let areas = fw
        .topics_by_area()
        .into_iter()
        .map(|(area, topics)| HeatArea {
            id: area.id.clone(),
            name: area.name.clone(),
            rows: topics
                .into_iter()
                .map(|t| HeatRow {
                    id: t.id.clone(),
                    title: t.title.clone(),
                    cells: m
                        .states
                        .iter()
                        .filter_map(|s| m.cell(s, &t.id))
                        .map(|c| HeatCell {
                            symbol: c.status.symbol(),
                            word: c.status.word(),
                            class: c.status.class(),
                            href: cell_href(&c.state, &c.topic),
                            title: format!(
                                "{}: {} — {}. {}",
                                links::state_name(&c.state),
                                t.title,
                                c.status.word(),
                                c.reason
                            ),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let title_of = |id: &str| fw.topic(id).map_or(id.to_string(), |t| t.title.clone());
    let summaries = m
        .summaries
        .iter()
        .map(|s| SummaryRow {
            name: links::state_name(&s.state),
            covered: s.covered,
            partial: s.partial,
            not_found: s.not_found,
            no_text: s.no_text,
            gaps: s
                .gaps
                .iter()
                .map(|g| (cell_href(&s.state, g), title_of(g)))
                .collect(),
        })
        .collect();
    let pairs = m
        .pairs
        .iter()
        .map(|p| PairRow {
            a: links::state_name(&p.a),
            b: links::state_name(&p.b),
            index: p.index.map_or("undefined".into(), |x| format!("{x:.2}")),
            comparable: p.comparable,
        })
        .collect();
    let spreads = m
        .spreads
        .iter()
        .map(|sp| SpreadRow {
            title: title_of(&sp.topic),
            topic: sp.topic.clone(),
            states: sp
                .states
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(s, v)| {
                    (
                        links::state_name(s),
                        v.iter()
                            .map(|x| {
                                (
                                    x.value.value.clone(),
                                    x.label.clone(),
                                    links::permalink(&x.permalink),
                                )
                            })
                            .collect(),
                    )
                })
                .collect(),
        })
        .collect();
    render(
        StatusCode::OK,
        &GapsPage {
            layout: Layout::of(&state, "gaps"),
            legend: legend(),
            states,
            areas,
            summaries,
            pairs,
            formula: HARMONIZATION_FORMULA,
            spreads,
            problems: a.problems.clone(),
        },
    )
}

// ---------------------------------------------------------------------------------------------
// /gaps/{state}/{topic}

struct SupportView {
    label: String,
    heading: String,
    law: String,
    number: String,
    href: String,
    permalink: String,
    confidence: String,
    source: &'static str,
    digest: bool,
    cues: Vec<String>,
    within: Vec<String>,
    excerpt: String,
    lang: String,
}

#[derive(Template)]
#[template(path = "gaps_cell.html")]
struct CellPage {
    layout: Layout,
    state_name: String,
    topic_id: String,
    topic_title: String,
    topic_description: String,
    area: String,
    symbol: &'static str,
    word: &'static str,
    class: &'static str,
    reason: String,
    support: Vec<SupportView>,
    values: Vec<(String, String, String)>,
    anchors: Vec<(String, String, String, String)>,
    json_href: String,
}

fn support_views(c: &Cell) -> Vec<SupportView> {
    c.support
        .iter()
        .map(|s| SupportView {
            label: s.label.clone(),
            heading: s.heading.clone().unwrap_or_default(),
            law: s.law_title.clone(),
            number: s.number.clone(),
            href: links::permalink(&s.permalink),
            permalink: s.permalink.clone(),
            confidence: format!("{:.2}", s.confidence),
            source: match s.source {
                crate::gaps::classify::Source::Override => "confirmed by a reviewer",
                crate::gaps::classify::Source::Classifier => "classifier",
            },
            digest: s.digest,
            cues: s.cues.clone(),
            within: s.within.clone(),
            excerpt: s.excerpt.clone(),
            lang: links::html_lang(&s.lang).to_string(),
        })
        .collect()
}

pub async fn cell(
    State(state): State<AppState>,
    Path((st, topic)): Path<(String, String)>,
) -> Response {
    let a = state.gaps();
    let Some(c) = a.matrix.cell(&st, &topic) else {
        return super::pages::not_found(
            &state,
            format!("There is no gap-matrix cell for state {st:?} and topic {topic:?}."),
            Some(("/gaps".into(), "The gap matrix".into())),
        );
    };
    let t = a
        .framework
        .topic(&topic)
        .expect("the matrix has the framework's topics");
    let area = a
        .framework
        .area(&t.area)
        .map_or(String::new(), |x| x.name.clone());
    let page = CellPage {
        layout: Layout::of(&state, "gaps"),
        state_name: links::state_name(&st),
        topic_id: t.id.clone(),
        topic_title: t.title.clone(),
        topic_description: t.description.clone(),
        area,
        symbol: c.status.symbol(),
        word: c.status.word(),
        class: c.status.class(),
        reason: c.reason.clone(),
        support: support_views(c),
        values: c
            .values
            .iter()
            .map(|v| {
                (
                    v.value.value.clone(),
                    v.value.text.clone(),
                    links::permalink(&v.permalink),
                )
            })
            .collect(),
        anchors: t
            .anchors
            .iter()
            .map(|(src, an)| {
                (
                    src.clone(),
                    an.reference.clone(),
                    an.confidence.clone(),
                    an.how.clone(),
                )
            })
            .collect(),
        json_href: format!(
            "/api/gaps?state={}&topic={}",
            links::encode_path(&st),
            links::encode_path(&topic)
        ),
    };
    render(StatusCode::OK, &page)
}

// ---------------------------------------------------------------------------------------------
// /definitions

struct DefView {
    state: String,
    law: String,
    term: String,
    definition: String,
    href: String,
    digest: bool,
    lang: String,
}

struct DiffView {
    state: String,
    against: String,
    inline: bool,
    note: String,
    /// (kind, text): kind is "eq", "del" or "ins".
    ops: Vec<(&'static str, String)>,
}

struct GroupView {
    term: String,
    lang: String,
    states: String,
    defs: Vec<DefView>,
    diffs: Vec<DiffView>,
}

#[derive(Template)]
#[template(path = "definitions.html")]
struct DefinitionsPage {
    layout: Layout,
    shared: Vec<GroupView>,
    single: Vec<GroupView>,
    diff_method: &'static str,
}

fn group_views(groups: &[crate::gaps::definitions::TermGroup]) -> Vec<GroupView> {
    use crate::compare::diff::Op;
    groups
        .iter()
        .map(|g| GroupView {
            term: g.term.clone(),
            lang: links::html_lang(&g.lang).to_string(),
            states: g
                .states
                .iter()
                .map(|s| links::state_name(s))
                .collect::<Vec<_>>()
                .join(", "),
            defs: g
                .definitions
                .iter()
                .map(|d| DefView {
                    state: links::state_name(&d.state),
                    law: format!("{} {}", d.law_title, d.number).trim().to_string(),
                    term: d.term.clone(),
                    definition: d.definition.clone().unwrap_or_else(|| {
                        "(the law names the term; no definition text could be read)".into()
                    }),
                    href: if d.permalink.is_empty() {
                        String::new()
                    } else {
                        links::permalink(&d.permalink)
                    },
                    digest: d.digest,
                    lang: links::html_lang(&d.lang).to_string(),
                })
                .collect(),
            diffs: g
                .differences
                .iter()
                .map(|d| DiffView {
                    state: links::state_name(&d.state),
                    against: links::state_name(&d.against_state),
                    inline: d.inline,
                    note: d.fallback.clone().unwrap_or_default(),
                    ops: d
                        .ops
                        .iter()
                        .map(|o| match o {
                            Op::Equal { new, .. } => ("eq", new.clone()),
                            Op::Delete { old } => ("del", old.clone()),
                            Op::Insert { new } => ("ins", new.clone()),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

pub async fn definitions(State(state): State<AppState>) -> Response {
    let a = state.gaps();
    let d: &DefinitionsTable = &a.definitions;
    render(
        StatusCode::OK,
        &DefinitionsPage {
            layout: Layout::of(&state, "definitions"),
            shared: group_views(&d.shared),
            single: group_views(&d.single),
            diff_method: d.diff_method,
        },
    )
}

// ---------------------------------------------------------------------------------------------
// /concordance

struct ConcCell {
    symbol: &'static str,
    word: &'static str,
    class: &'static str,
    provisions: Vec<(String, String, String)>,
    reason: String,
}

struct ConcRow {
    label: String,
    heading: String,
    href: String,
    excerpt: String,
    topics: Vec<(String, String, String)>,
    cells: Vec<ConcCell>,
}

#[derive(Template)]
#[template(path = "concordance.html")]
struct ConcordancePage {
    layout: Layout,
    instruments: Vec<(String, String, bool)>,
    error: Option<String>,
    title: String,
    edition: String,
    digest: bool,
    states: Vec<StateCol>,
    rows: Vec<ConcRow>,
    without: Vec<String>,
    grading: &'static str,
    legend: Vec<LegendItem>,
    json_href: String,
    csv_href: String,
}

fn instrument_options(state: &AppState, chosen: &str) -> Vec<(String, String, bool)> {
    concordance::instruments(state.engine().laws())
        .into_iter()
        .map(|(cc, num, title)| {
            let value = format!("{cc}/{num}");
            let selected = value == chosen;
            (value, title, selected)
        })
        .collect()
}

fn concordance_of(state: &AppState, raw: Option<&str>) -> Result<Concordance, String> {
    let instrument = query(raw, "instrument").unwrap_or_else(|| "csto".into());
    let lang = query(raw, "lang");
    state
        .gaps()
        .concordance(state.engine().laws(), &instrument, lang.as_deref())
        .ok_or_else(|| {
            format!("no reference instrument {instrument:?} with text: try csto, budapest, cis-2013, cis-2018 or nis2")
        })
}

pub async fn concordance_page(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    if let Some(r) = too_long(raw.as_deref()) {
        return r;
    }
    let conc = concordance_of(&state, raw.as_deref());
    let (status, page) = match conc {
        Ok(c) => {
            let chosen = format!(
                "{}/{}",
                state.engine().law(&c.uri).map_or("", |l| l.state()),
                c.instrument
            );
            let states: Vec<StateCol> = c
                .states
                .iter()
                .map(|s| StateCol {
                    code: s.clone(),
                    name: links::state_name(s),
                })
                .collect();
            let rows = c
                .rows
                .iter()
                .map(|r| ConcRow {
                    label: r.label.clone(),
                    heading: r.heading.clone().unwrap_or_default(),
                    href: links::permalink(&r.permalink),
                    excerpt: r.excerpt.clone(),
                    topics: r
                        .topics
                        .iter()
                        .map(|t| (t.id.clone(), t.title.clone(), t.from.clone()))
                        .collect(),
                    cells: r
                        .states
                        .iter()
                        .map(|s| ConcCell {
                            symbol: s.grade.symbol(),
                            word: s.grade.word(),
                            class: s.grade.class(),
                            provisions: s
                                .provisions
                                .iter()
                                .take(3)
                                .map(|p| {
                                    (
                                        format!("{} {}", p.number, p.label).trim().to_string(),
                                        links::permalink(&p.permalink),
                                        p.excerpt.chars().take(160).collect::<String>(),
                                    )
                                })
                                .collect(),
                            reason: s.reason.clone(),
                        })
                        .collect(),
                })
                .collect();
            let q = format!(
                "instrument={}&lang={}",
                links::encode_path(&chosen),
                links::encode_path(&c.lang)
            );
            (
                StatusCode::OK,
                ConcordancePage {
                    layout: Layout::of(&state, "concordance"),
                    instruments: instrument_options(&state, &chosen),
                    error: None,
                    title: c.title.clone(),
                    edition: c.edition.clone().unwrap_or_else(|| "unknown".into()),
                    digest: c.digest,
                    states,
                    rows,
                    without: c.without_topics.clone(),
                    grading: c.grading,
                    legend: legend(),
                    json_href: format!("/api/concordance?{q}"),
                    csv_href: format!("/api/concordance?{q}&format=csv"),
                },
            )
        }
        Err(e) => (
            StatusCode::NOT_FOUND,
            ConcordancePage {
                layout: Layout::of(&state, "concordance"),
                instruments: instrument_options(&state, ""),
                error: Some(e),
                title: String::new(),
                edition: String::new(),
                digest: false,
                states: Vec::new(),
                rows: Vec::new(),
                without: Vec::new(),
                grading: concordance::GRADING,
                legend: legend(),
                json_href: String::new(),
                csv_href: String::new(),
            },
        ),
    };
    render(status, &page)
}

// ---------------------------------------------------------------------------------------------
// JSON API

/// `GET /api/gaps[?state=kz,by][&topic=ID]`: the matrix (or some states, or one cell).
pub async fn api_gaps(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    if let Some(r) = too_long(raw.as_deref()) {
        return r;
    }
    let a: &Analysis = state.gaps();
    let states: Vec<String> = query(raw.as_deref(), "state")
        .map(|s| {
            s.split(',')
                .map(|x| x.trim().to_lowercase())
                .filter(|x| !x.is_empty())
                .collect()
        })
        .unwrap_or_default();
    for s in &states {
        if !a.matrix.states.contains(s) {
            return api::error(
                StatusCode::BAD_REQUEST,
                &format!("unknown state {s:?}: one of {}", a.matrix.states.join(", ")),
            );
        }
    }
    if let Some(topic) = query(raw.as_deref(), "topic") {
        if a.framework.topic(&topic).is_none() {
            return api::error(StatusCode::BAD_REQUEST, &format!("unknown topic {topic:?}"));
        }
        let cells: Vec<&Cell> = a
            .matrix
            .cells
            .iter()
            .filter(|c| c.topic == topic && (states.is_empty() || states.contains(&c.state)))
            .collect();
        return Json(serde_json::json!({ "topic": topic, "cells": cells })).into_response();
    }
    if states.is_empty() {
        Json(&a.matrix).into_response()
    } else {
        Json(a.matrix.only_states(&states)).into_response()
    }
}

/// `GET /api/definitions`.
pub async fn api_definitions(State(state): State<AppState>) -> Response {
    Json(&state.gaps().definitions).into_response()
}

/// `GET /api/concordance?instrument=csto[&lang=rus][&format=csv]`.
pub async fn api_concordance(State(state): State<AppState>, RawQuery(raw): RawQuery) -> Response {
    if let Some(r) = too_long(raw.as_deref()) {
        return r;
    }
    match concordance_of(&state, raw.as_deref()) {
        Ok(c) if query(raw.as_deref(), "format").as_deref() == Some("csv") => (
            StatusCode::OK,
            [(axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            concordance::to_csv(&c),
        )
            .into_response(),
        Ok(c) => Json(c).into_response(),
        Err(e) => api::error(StatusCode::NOT_FOUND, &e),
    }
}
