//! The coverage matrix: member states x framework topics, each cell covered / partial / not found
//! / no text, with the clauses that support it; per state its gaps; per pair of states a
//! harmonization index; per topic the spread of its key values.
//!
//! - A clause supports a cell when it (an article, or a top-level clause outside any article) or a
//!   part or point inside it links to the topic ([`super::classify`], overrides applied). The two
//!   language editions of a law count once (the Russian edition's permalink is shown first).
//! - **covered**: a supporting clause with confidence at least [`COVERED_CONFIDENCE`] (classifier
//!   score 3 or more: a strong cue with more, a heading match...) or confirmed by a reviewer;
//!   **partial**: supporting clauses, all with weaker evidence (the topic is touched, not
//!   regulated in its own words); **no text**: nothing found, and a law of the state whose title
//!   puts it in the topic's area is in the corpus by name only (metadata), or only in part (an
//!   excerpt such as one chapter of a criminal code), or no law of the state in the corpus is of
//!   the kind that holds the topic (by its title: the area's `law_cues`, or the topic's own); **not found**: nothing found in the full texts of the state's laws of that
//!   area. "Not found" is never said of a law we only know by name.
//! - Harmonization index of two states ([`HARMONIZATION_FORMULA`]): over the topics where neither
//!   cell is "no text", with covered = 1, partial = 0.5, not found = 0, the weighted Jaccard
//!   (Ruzicka) similarity sum(min(a, b)) / sum(max(a, b)); undefined when no such topic is covered
//!   by either.

use std::collections::BTreeMap;

use serde::Serialize;

use super::classify::{Classifier, LawTopics, Source};
use super::framework::{Framework, ValueKind};
use super::values::{self, KeyValue};
use crate::library::StoredLaw;
use crate::model::{permalink, Clause, ClauseKind};

/// A supporting clause at or above this confidence makes a cell "covered".
pub const COVERED_CONFIDENCE: f32 = 0.6;

/// The harmonization index, as the page and the JSON state it.
pub const HARMONIZATION_FORMULA: &str = "weighted Jaccard (Ruzicka) over the topics where neither state is 'no text': covered = 1, partial = 0.5, not found = 0; index = sum(min(a, b)) / sum(max(a, b)); undefined when neither state covers any of them";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum CellStatus {
    Covered,
    Partial,
    NotFound,
    NoText,
}

impl CellStatus {
    pub fn symbol(self) -> &'static str {
        match self {
            CellStatus::Covered => "●",
            CellStatus::Partial => "◐",
            CellStatus::NotFound => "○",
            CellStatus::NoText => "–",
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            CellStatus::Covered => "covered",
            CellStatus::Partial => "partial",
            CellStatus::NotFound => "not found",
            CellStatus::NoText => "no text",
        }
    }

    /// The CSS class of the cell.
    pub fn class(self) -> &'static str {
        match self {
            CellStatus::Covered => "covered",
            CellStatus::Partial => "partial",
            CellStatus::NotFound => "notfound",
            CellStatus::NoText => "notext",
        }
    }

    /// The value in the harmonization index (None: not comparable).
    pub fn weight(self) -> Option<f32> {
        match self {
            CellStatus::Covered => Some(1.0),
            CellStatus::Partial => Some(0.5),
            CellStatus::NotFound => Some(0.0),
            CellStatus::NoText => None,
        }
    }
}

/// A clause that supports a cell.
#[derive(Debug, Clone, Serialize)]
pub struct Support {
    /// Expression URI of the edition shown.
    pub uri: String,
    pub state: String,
    pub law_title: String,
    pub number: String,
    pub lang: String,
    /// The other language editions with the same clause.
    pub other_editions: Vec<String>,
    pub digest: bool,
    pub eid: String,
    pub permalink: String,
    /// "Статья 25", "Article 25".
    pub label: String,
    pub heading: Option<String>,
    pub confidence: f32,
    pub source: Source,
    /// The matched words ("cue: words"), strongest first.
    pub cues: Vec<String>,
    /// The parts and points the evidence is in.
    pub within: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The clause's text (with its parts), shortened.
    pub excerpt: String,
}

/// A key value with where it was read.
#[derive(Debug, Clone, Serialize)]
pub struct ValueAt {
    #[serde(flatten)]
    pub value: KeyValue,
    pub permalink: String,
    pub label: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cell {
    pub state: String,
    pub topic: String,
    pub status: CellStatus,
    /// Why the cell has its status, in words.
    pub reason: String,
    pub support: Vec<Support>,
    /// Key values of the topic read from the supporting clauses.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<ValueAt>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StateSummary {
    pub state: String,
    pub covered: usize,
    pub partial: usize,
    pub not_found: usize,
    pub no_text: usize,
    /// Topics not found in the state's texts.
    pub gaps: Vec<String>,
    /// Topics only partly covered.
    pub partial_topics: Vec<String>,
    /// Topics on which the corpus has no text for the state.
    pub no_text_topics: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PairIndex {
    pub a: String,
    pub b: String,
    /// None when undefined (see the formula).
    pub index: Option<f32>,
    /// Topics where neither state is "no text".
    pub comparable: usize,
    pub shared: f32,
    pub union: f32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Spread {
    pub topic: String,
    pub kind: ValueKind,
    /// Per state, its values (empty when none were read).
    pub states: BTreeMap<String, Vec<ValueAt>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub states: Vec<String>,
    /// Topic ids in framework order.
    pub topics: Vec<String>,
    /// Topic-major: `cells[t * states.len() + s]`.
    pub cells: Vec<Cell>,
    pub summaries: Vec<StateSummary>,
    pub pairs: Vec<PairIndex>,
    pub harmonization_formula: &'static str,
    pub spreads: Vec<Spread>,
}

impl Matrix {
    pub fn cell(&self, state: &str, topic: &str) -> Option<&Cell> {
        let s = self.states.iter().position(|x| x == state)?;
        let t = self.topics.iter().position(|x| x == topic)?;
        self.cells.get(t * self.states.len() + s)
    }

    pub fn pair(&self, a: &str, b: &str) -> Option<&PairIndex> {
        self.pairs
            .iter()
            .find(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))
    }

    /// The matrix restricted to some states (pairs among them only).
    pub fn only_states(&self, keep: &[String]) -> Matrix {
        let idx: Vec<usize> = self
            .states
            .iter()
            .enumerate()
            .filter(|(_, s)| keep.contains(s))
            .map(|(i, _)| i)
            .collect();
        let n = self.states.len();
        Matrix {
            states: idx.iter().map(|&i| self.states[i].clone()).collect(),
            topics: self.topics.clone(),
            cells: (0..self.topics.len())
                .flat_map(|t| idx.iter().map(move |&s| t * n + s))
                .map(|k| self.cells[k].clone())
                .collect(),
            summaries: self
                .summaries
                .iter()
                .filter(|s| keep.contains(&s.state))
                .cloned()
                .collect(),
            pairs: self
                .pairs
                .iter()
                .filter(|p| keep.contains(&p.a) && keep.contains(&p.b))
                .cloned()
                .collect(),
            harmonization_formula: self.harmonization_formula,
            spreads: self
                .spreads
                .iter()
                .map(|sp| Spread {
                    topic: sp.topic.clone(),
                    kind: sp.kind,
                    states: sp
                        .states
                        .iter()
                        .filter(|(s, _)| keep.contains(s))
                        .map(|(s, v)| (s.clone(), v.clone()))
                        .collect(),
                })
                .collect(),
        }
    }
}

fn work_of(uri: &str) -> &str {
    uri.rsplit_once('/').map_or(uri, |(w, _)| w)
}

/// The unit a clause's links count for: its article, else its top-level clause (below containers).
pub fn unit_of<'a>(law: &'a StoredLaw, eid: &str) -> Option<&'a Clause> {
    let mut cur = law.clause(eid)?;
    loop {
        if cur.kind == ClauseKind::Article {
            return Some(cur);
        }
        match cur.parent.as_deref().and_then(|p| law.clause(p)) {
            Some(p) if !p.kind.is_container() => cur = p,
            _ => return Some(cur),
        }
    }
}

/// The clause's text with its parts and points.
pub fn full_text(law: &StoredLaw, c: &Clause) -> String {
    let prefix = format!("{}__", c.eid);
    let mut out = String::new();
    for k in law
        .clauses
        .iter()
        .filter(|k| k.eid == c.eid || k.eid.starts_with(&prefix))
    {
        if !k.text.trim().is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&k.text);
        }
    }
    out
}

fn label_of(c: &Clause) -> String {
    format!("{} {}", c.label, c.num).trim().to_string()
}

/// What a law tells about an area: "text", "partial" (an excerpt) or "metadata" (by name only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Holding {
    Text,
    Excerpt,
    Name,
}

fn holding(law: &StoredLaw) -> Holding {
    if !law.has_text() {
        Holding::Name
    } else if law.extra("official_articles").is_some() || law.extra("excerpt").is_some() {
        Holding::Excerpt
    } else {
        Holding::Text
    }
}

fn describe(law: &StoredLaw) -> String {
    match law.law.number.as_deref() {
        Some(n) if !n.is_empty() => format!("«{}» ({n})", law.title()),
        _ => format!("«{}»", law.title()),
    }
}

/// The supports of one topic in a set of laws, editions merged.
pub fn supports(
    laws: &[&StoredLaw],
    classified: &BTreeMap<String, LawTopics>,
    topic: &str,
) -> Vec<Support> {
    // (work, eid) -> support
    let mut by_unit: BTreeMap<(String, String), Support> = BTreeMap::new();
    for law in laws {
        let Some(lt) = classified.get(law.uri()) else {
            continue;
        };
        for ct in &lt.clauses {
            for link in ct.links.iter().filter(|l| l.topic == topic) {
                let Some(unit) = unit_of(law, &ct.eid) else {
                    continue;
                };
                let key = (work_of(law.uri()).to_string(), unit.eid.clone());
                let lang = law.law.lang.clone().unwrap_or_default();
                let cues: Vec<String> = link
                    .evidence
                    .iter()
                    .map(|e| {
                        if e.kind == "override" {
                            format!("reviewer: {}", e.words)
                        } else if e.in_heading {
                            format!("{} (heading): {}", e.cue, e.words)
                        } else {
                            format!("{}: {}", e.cue, e.words)
                        }
                    })
                    .collect();
                let within: Vec<String> = link
                    .evidence
                    .iter()
                    .filter(|e| e.eid != unit.eid)
                    .map(|e| e.eid.clone())
                    .collect();
                let entry = by_unit.entry(key).or_insert_with(|| Support {
                    uri: law.uri().to_string(),
                    state: law.state().to_string(),
                    law_title: law.title().to_string(),
                    number: law.law.number.clone().unwrap_or_default(),
                    lang: lang.clone(),
                    other_editions: Vec::new(),
                    digest: law.is_digest(),
                    eid: unit.eid.clone(),
                    permalink: permalink(law.uri(), &unit.eid),
                    label: label_of(unit),
                    heading: unit.heading.clone(),
                    confidence: 0.0,
                    source: link.source,
                    cues: Vec::new(),
                    within: Vec::new(),
                    note: None,
                    excerpt: super::classify::shorten(&full_text(law, unit), 400),
                });
                // The Russian edition leads.
                if entry.uri != law.uri() {
                    if lang == "rus" && entry.lang != "rus" {
                        let old = std::mem::replace(&mut entry.uri, law.uri().to_string());
                        entry.other_editions.push(old);
                        entry.lang = lang.clone();
                        entry.permalink = permalink(law.uri(), &unit.eid);
                        entry.law_title = law.title().to_string();
                        entry.label = label_of(unit);
                        entry.heading = unit.heading.clone();
                        entry.excerpt = super::classify::shorten(&full_text(law, unit), 400);
                    } else if !entry.other_editions.iter().any(|u| u == law.uri()) {
                        entry.other_editions.push(law.uri().to_string());
                    }
                }
                if link.source == Source::Override {
                    entry.source = Source::Override;
                    entry.note = link.note.clone();
                }
                entry.confidence = entry.confidence.max(link.confidence);
                for c in cues {
                    if !entry.cues.contains(&c) {
                        entry.cues.push(c);
                    }
                }
                for w in within {
                    if !entry.within.contains(&w) {
                        entry.within.push(w);
                    }
                }
            }
        }
    }
    let mut out: Vec<Support> = by_unit.into_values().collect();
    out.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then(a.uri.cmp(&b.uri))
    });
    out
}

/// Build the matrix for `states` over `laws`, from their classifications (keyed by expression URI).
pub fn build(
    framework: &Framework,
    classifier: &Classifier,
    laws: &[StoredLaw],
    classified: &BTreeMap<String, LawTopics>,
    states: &[&str],
) -> Matrix {
    let mut cells = Vec::new();
    // Per state: its laws, and each law's areas.
    // A law, the framework areas its title makes it about, and how much of it we hold.
    type StateLaw<'a> = (&'a StoredLaw, Vec<bool>, Holding);
    let per_state: Vec<(String, Vec<StateLaw>)> = states
        .iter()
        .map(|s| {
            let ls = laws
                .iter()
                .filter(|l| l.state() == *s)
                .map(|l| (l, classifier.law_topics(l), holding(l)))
                .collect::<Vec<_>>();
            let mut ls = ls;
            ls.sort_by_key(|(l, _, _)| l.law.lang.as_deref() != Some("rus"));
            (s.to_string(), ls)
        })
        .collect();

    for (ti, topic) in framework.topics.iter().enumerate() {
        for (state, ls) in &per_state {
            let text_laws: Vec<&StoredLaw> = ls
                .iter()
                .filter(|(_, _, h)| *h != Holding::Name)
                .map(|(l, _, _)| *l)
                .collect();
            let support = supports(&text_laws, classified, &topic.id);
            let (status, reason) = if !support.is_empty() {
                let best = &support[0];
                if best.source == Source::Override || best.confidence >= COVERED_CONFIDENCE {
                    (
                        CellStatus::Covered,
                        format!(
                            "{} supporting clause(s); best: {} of {} (confidence {:.2})",
                            support.len(),
                            best.label,
                            best.law_title,
                            best.confidence
                        ),
                    )
                } else {
                    (
                        CellStatus::Partial,
                        format!(
                            "only weak evidence: {} clause(s), best confidence {:.2}",
                            support.len(),
                            best.confidence
                        ),
                    )
                }
            } else {
                let mut unknown: Vec<String> = Vec::new();
                let mut searched: Vec<String> = Vec::new();
                let mut works: Vec<&str> = Vec::new();
                for (l, scope, h) in ls {
                    if !scope[ti] {
                        continue;
                    }
                    // One edition per work is enough to name it (the Russian one comes first).
                    let w = work_of(l.uri());
                    if works.contains(&w) {
                        continue;
                    }
                    works.push(w);
                    let d = describe(l);
                    match h {
                        Holding::Name if !unknown.iter().any(|u| u.starts_with(&d)) => {
                            unknown.push(format!("{d} is known only by name"))
                        }
                        Holding::Excerpt if !unknown.iter().any(|u| u.starts_with(&d)) => unknown
                            .push(format!(
                                "only articles {} of {d} are in the corpus",
                                l.extra("official_articles").unwrap_or("(an excerpt)")
                            )),
                        Holding::Text if !searched.contains(&d) => searched.push(d),
                        _ => {}
                    }
                }
                if !unknown.is_empty() {
                    (CellStatus::NoText, unknown.join("; "))
                } else if !searched.is_empty() {
                    (
                        CellStatus::NotFound,
                        format!("not found in {}", searched.join(", ")),
                    )
                } else if ls.is_empty() {
                    (
                        CellStatus::NoText,
                        "no law of this state is in the corpus".to_string(),
                    )
                } else {
                    (
                        CellStatus::NoText,
                        "no law of this state in the corpus is of the kind that holds this topic"
                            .to_string(),
                    )
                }
            };
            let mut vals = Vec::new();
            if let Some(kind) = topic.values {
                for s in support.iter().take(8) {
                    let Some(law) = laws.iter().find(|l| l.uri() == s.uri) else {
                        continue;
                    };
                    let Some(unit) = law.clause(&s.eid) else {
                        continue;
                    };
                    for v in values::extract(kind, &full_text(law, unit)) {
                        if !vals.iter().any(|x: &ValueAt| x.value.value == v.value) {
                            vals.push(ValueAt {
                                value: v,
                                permalink: s.permalink.clone(),
                                label: format!("{} {}", s.number, s.label).trim().to_string(),
                            });
                        }
                    }
                }
            }
            cells.push(Cell {
                state: state.clone(),
                topic: topic.id.clone(),
                status,
                reason,
                support,
                values: vals,
            });
        }
    }

    let n = states.len();
    let topics: Vec<String> = framework.topics.iter().map(|t| t.id.clone()).collect();
    let summaries = states
        .iter()
        .enumerate()
        .map(|(si, s)| {
            let mine: Vec<&Cell> = (0..topics.len()).map(|t| &cells[t * n + si]).collect();
            let of = |st: CellStatus| {
                mine.iter()
                    .filter(|c| c.status == st)
                    .map(|c| c.topic.clone())
                    .collect::<Vec<_>>()
            };
            StateSummary {
                state: s.to_string(),
                covered: of(CellStatus::Covered).len(),
                partial: of(CellStatus::Partial).len(),
                not_found: of(CellStatus::NotFound).len(),
                no_text: of(CellStatus::NoText).len(),
                gaps: of(CellStatus::NotFound),
                partial_topics: of(CellStatus::Partial),
                no_text_topics: of(CellStatus::NoText),
            }
        })
        .collect();
    let mut pairs = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let (mut shared, mut union, mut comparable) = (0.0f32, 0.0f32, 0usize);
            for t in 0..topics.len() {
                let (Some(a), Some(b)) = (
                    cells[t * n + i].status.weight(),
                    cells[t * n + j].status.weight(),
                ) else {
                    continue;
                };
                comparable += 1;
                shared += a.min(b);
                union += a.max(b);
            }
            pairs.push(PairIndex {
                a: states[i].to_string(),
                b: states[j].to_string(),
                index: (union > 0.0).then(|| ((shared / union) * 1000.0).round() / 1000.0),
                comparable,
                shared,
                union,
            });
        }
    }
    let spreads = framework
        .topics
        .iter()
        .enumerate()
        .filter_map(|(t, topic)| {
            let kind = topic.values?;
            let states_map: BTreeMap<String, Vec<ValueAt>> = (0..n)
                .map(|s| (states[s].to_string(), cells[t * n + s].values.clone()))
                .collect();
            states_map.values().any(|v| !v.is_empty()).then(|| Spread {
                topic: topic.id.clone(),
                kind,
                states: states_map,
            })
        })
        .collect();
    Matrix {
        states: states.iter().map(|s| s.to_string()).collect(),
        topics,
        cells,
        summaries,
        pairs,
        harmonization_formula: HARMONIZATION_FORMULA,
        spreads,
    }
}

/// The matrix as CSV (RFC 4180): one row per state and topic.
/// The header of the matrix CSV.
pub const CSV_COLUMNS: [&str; 11] = [
    "state",
    "area",
    "topic",
    "title",
    "status",
    "confidence",
    "supporting_clauses",
    "permalinks",
    "cues",
    "values",
    "reason",
];

pub fn to_csv(m: &Matrix, framework: &Framework) -> String {
    let mut out = csv_row(&CSV_COLUMNS.map(String::from));
    for c in &m.cells {
        let t = framework.topic(&c.topic);
        let row = [
            c.state.clone(),
            t.map(|t| t.area.clone()).unwrap_or_default(),
            c.topic.clone(),
            t.map(|t| t.title.clone()).unwrap_or_default(),
            c.status.word().to_string(),
            c.support
                .first()
                .map(|s| format!("{:.2}", s.confidence))
                .unwrap_or_default(),
            c.support
                .iter()
                .map(|s| {
                    format!(
                        "{} {} {}",
                        s.number,
                        s.label,
                        s.heading.as_deref().unwrap_or("")
                    )
                    .trim()
                    .to_string()
                })
                .collect::<Vec<_>>()
                .join("; "),
            c.support
                .iter()
                .map(|s| s.permalink.clone())
                .collect::<Vec<_>>()
                .join(" "),
            c.support
                .first()
                .map(|s| s.cues.join("; "))
                .unwrap_or_default(),
            c.values
                .iter()
                .map(|v| v.value.value.clone())
                .collect::<Vec<_>>()
                .join("; "),
            c.reason.clone(),
        ];
        out.push_str(&csv_row(&row));
    }
    out
}

/// One CSV record in the exports' dialect (RFC 4180: fields with a comma, quote, CR or LF
/// quoted, quotes doubled, CRLF at the end).
pub fn csv_row(fields: &[String]) -> String {
    let mut w = crate::export::text::csv_writer(Vec::new());
    // Writing to memory cannot fail, and the csv crate writes any string field.
    let _ = w.write_record(fields);
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_when_needed() {
        assert_eq!(
            csv_row(&[
                "a".into(),
                "b,c".into(),
                "say \"x\"".into(),
                "l1\nl2".into()
            ]),
            "a,\"b,c\",\"say \"\"x\"\"\",\"l1\nl2\"\r\n"
        );
    }

    #[test]
    fn statuses_have_symbols_words_and_weights() {
        let all = [
            CellStatus::Covered,
            CellStatus::Partial,
            CellStatus::NotFound,
            CellStatus::NoText,
        ];
        let symbols: Vec<&str> = all.iter().map(|s| s.symbol()).collect();
        assert_eq!(symbols, ["●", "◐", "○", "–"]);
        assert_eq!(CellStatus::NoText.weight(), None);
        assert_eq!(CellStatus::NotFound.weight(), Some(0.0));
        assert_ne!(CellStatus::NoText.word(), CellStatus::NotFound.word());
    }
}
