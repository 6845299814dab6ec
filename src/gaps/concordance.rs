//! The concordance table for one reference instrument (the CSTO 2017 agreement, the Budapest
//! Convention, ...): each of its provisions, the framework topics it carries, and per member state
//! the national provisions on those topics, a grade and the evidence.
//!
//! - A provision's topics are those the framework anchors to it (`[topic.anchors.SOURCE]` whose
//!   source is this instrument, article numbers read from the reference) and those the classifier
//!   links to it or to its parts.
//! - Grade per state, from the matrix cells of those topics: **covered** when every topic is
//!   covered; **partial** when at least one is covered or partial; **no text** when none is and at
//!   least one is "no text"; **not found** otherwise.

use serde::Serialize;

use super::classify::{shorten, LawTopics};
use super::framework::Framework;
use super::matrix::{full_text, CellStatus, Matrix, Support};
use crate::library::StoredLaw;
use crate::model::{clean_num, permalink, ClauseKind};

/// Short names for the instruments of the corpus.
pub const ALIASES: &[(&str, &str, &str)] = &[
    ("csto", "csto", "2017-11-30-infosec"),
    ("csto-2017", "csto", "2017-11-30-infosec"),
    ("budapest", "coe", "ets-185"),
    ("ets-185", "coe", "ets-185"),
    ("cis-2013", "cis", "2013-11-20-infosec"),
    ("cis-2018", "cis", "2018-09-28-it-crimes"),
    ("nis2", "eu", "2022-2555"),
];

/// The reference instruments a concordance can be made for (country, number, title).
pub fn instruments(laws: &[StoredLaw]) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = Vec::new();
    for l in laws.iter().filter(|l| l.has_text()) {
        if !matches!(l.state(), "csto" | "cis" | "coe" | "eu" | "un" | "sco") {
            continue;
        }
        let key = (
            l.state().to_string(),
            l.law.number.clone().unwrap_or_default(),
        );
        if !out.iter().any(|(c, n, _)| (c, n) == (&key.0, &key.1)) {
            let title = l
                .law
                .title_en
                .clone()
                .unwrap_or_else(|| l.title().to_string());
            out.push((key.0, key.1, title));
        }
    }
    out
}

/// Find an instrument's edition: by alias, number, work or expression URI; `lang` picks the
/// edition (else the Russian one, else the first).
pub fn resolve<'a>(
    laws: &'a [StoredLaw],
    instrument: &str,
    lang: Option<&str>,
) -> Option<&'a StoredLaw> {
    let want = instrument.trim().to_lowercase();
    let alias = ALIASES.iter().find(|(a, _, _)| *a == want);
    let matches = |l: &&StoredLaw| -> bool {
        if !l.has_text() {
            return false;
        }
        let number = l.law.number.as_deref().unwrap_or("").to_lowercase();
        if let Some((_, cc, num)) = alias {
            return l.state() == *cc && number == *num;
        }
        let uri = l.uri().to_lowercase();
        let work = uri
            .rsplit_once('/')
            .map_or(uri.as_str(), |(w, _)| w)
            .to_string();
        number == want || uri == want || work == want || format!("{}/{}", l.state(), number) == want
    };
    let cands: Vec<&StoredLaw> = laws.iter().filter(matches).collect();
    let pick = |code: &str| {
        cands
            .iter()
            .find(|l| l.law.lang.as_deref() == Some(code))
            .copied()
    };
    lang.and_then(pick)
        .or_else(|| pick("rus"))
        .or_else(|| cands.first().copied())
}

#[derive(Debug, Clone, Serialize)]
pub struct TopicRef {
    pub id: String,
    pub title: String,
    /// "anchor", "classifier" or "anchor+classifier".
    pub from: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StateEntry {
    pub state: String,
    pub grade: CellStatus,
    /// Per topic, the state's cell status.
    pub topics: Vec<(String, CellStatus)>,
    /// National provisions on the provision's topics (best first, at most five).
    pub provisions: Vec<Support>,
    /// Why, in words (for no text / not found).
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub eid: String,
    pub label: String,
    pub heading: Option<String>,
    pub permalink: String,
    pub excerpt: String,
    pub topics: Vec<TopicRef>,
    pub states: Vec<StateEntry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Concordance {
    pub instrument: String,
    pub title: String,
    pub uri: String,
    pub lang: String,
    pub digest: bool,
    /// The consolidation date of the instrument's edition and the date the table was computed for.
    pub edition: Option<String>,
    pub states: Vec<String>,
    pub rows: Vec<Row>,
    /// Provisions with no framework topic (final clauses and the like).
    pub without_topics: Vec<String>,
    pub grading: &'static str,
}

pub const GRADING: &str = "covered: every topic of the provision is covered by the state; partial: at least one is covered or partial; no text: none is, and the corpus lacks the text of a relevant law of the state; not found: none is found in the state's texts";

/// Which anchor source of the framework names this instrument.
fn anchor_source(framework: &Framework, law: &StoredLaw) -> Option<String> {
    let key = format!(
        "{}/{}",
        law.state(),
        law.law.number.as_deref().unwrap_or("")
    );
    framework
        .meta
        .anchor_instruments
        .iter()
        .find(|(_, v)| v.eq_ignore_ascii_case(&key))
        .map(|(k, _)| k.clone())
}

pub fn build(
    framework: &Framework,
    instrument_law: &StoredLaw,
    topics: Option<&LawTopics>,
    matrix: &Matrix,
) -> Concordance {
    let source = anchor_source(framework, instrument_law);
    let mut rows = Vec::new();
    let mut without = Vec::new();
    let units = instrument_law.clauses.iter().filter(|c| {
        c.kind == ClauseKind::Article
            || (!c.kind.is_container()
                && c.parent
                    .as_deref()
                    .and_then(|p| instrument_law.clause(p))
                    .is_none_or(|p| p.kind.is_container()))
    });
    for unit in units {
        let mut refs: Vec<TopicRef> = Vec::new();
        if let (Some(src), ClauseKind::Article) = (&source, unit.kind) {
            let num = clean_num(&unit.num);
            for t in &framework.topics {
                if let Some(a) = t.anchors.get(src) {
                    if a.articles().contains(&num) {
                        refs.push(TopicRef {
                            id: t.id.clone(),
                            title: t.title.clone(),
                            from: "anchor".into(),
                        });
                    }
                }
            }
        }
        if let Some(lt) = topics {
            for id in lt.topics_within(instrument_law, &unit.eid) {
                match refs.iter_mut().find(|r| r.id == id) {
                    Some(r) => r.from = "anchor+classifier".into(),
                    None => refs.push(TopicRef {
                        title: framework
                            .topic(&id)
                            .map(|t| t.title.clone())
                            .unwrap_or_default(),
                        id,
                        from: "classifier".into(),
                    }),
                }
            }
        }
        let label = format!("{} {}", unit.label, unit.num).trim().to_string();
        if refs.is_empty() {
            without.push(match &unit.heading {
                Some(h) => format!("{label}. {h}"),
                None => label,
            });
            continue;
        }
        // Framework order.
        refs.sort_by_key(|r| framework.topic_index(&r.id).unwrap_or(usize::MAX));
        let states = matrix
            .states
            .iter()
            .map(|s| {
                let cells: Vec<(String, CellStatus, &super::matrix::Cell)> = refs
                    .iter()
                    .filter_map(|r| matrix.cell(s, &r.id).map(|c| (r.id.clone(), c.status, c)))
                    .collect();
                let statuses: Vec<CellStatus> = cells.iter().map(|c| c.1).collect();
                let grade =
                    if !statuses.is_empty() && statuses.iter().all(|&x| x == CellStatus::Covered) {
                        CellStatus::Covered
                    } else if statuses
                        .iter()
                        .any(|&x| matches!(x, CellStatus::Covered | CellStatus::Partial))
                    {
                        CellStatus::Partial
                    } else if statuses.contains(&CellStatus::NoText) {
                        CellStatus::NoText
                    } else {
                        CellStatus::NotFound
                    };
                let mut provisions: Vec<Support> = Vec::new();
                for (_, _, c) in &cells {
                    for sp in &c.support {
                        if !provisions.iter().any(|p| p.permalink == sp.permalink) {
                            provisions.push(sp.clone());
                        }
                    }
                }
                provisions.sort_by(|a, b| b.confidence.total_cmp(&a.confidence));
                provisions.truncate(5);
                let reason = cells
                    .iter()
                    .filter(|c| matches!(c.1, CellStatus::NoText | CellStatus::NotFound))
                    .map(|c| format!("{}: {}", c.0, c.2.reason))
                    .collect::<Vec<_>>()
                    .join("; ");
                StateEntry {
                    state: s.clone(),
                    grade,
                    topics: cells.iter().map(|c| (c.0.clone(), c.1)).collect(),
                    provisions,
                    reason,
                }
            })
            .collect();
        rows.push(Row {
            eid: unit.eid.clone(),
            label,
            heading: unit.heading.clone(),
            permalink: permalink(instrument_law.uri(), &unit.eid),
            excerpt: shorten(&full_text(instrument_law, unit), 300),
            topics: refs,
            states,
        });
    }
    Concordance {
        instrument: instrument_law.law.number.clone().unwrap_or_default(),
        title: instrument_law.title().to_string(),
        uri: instrument_law.uri().to_string(),
        lang: instrument_law.law.lang.clone().unwrap_or_default(),
        digest: instrument_law.is_digest(),
        edition: instrument_law.law.edition.clone(),
        states: matrix.states.clone(),
        rows,
        without_topics: without,
        grading: GRADING,
    }
}

/// The header of the concordance CSV.
pub const CSV_COLUMNS: [&str; 8] = [
    "provision",
    "heading",
    "topics",
    "state",
    "grade",
    "national_provisions",
    "permalinks",
    "evidence",
];

/// The concordance as CSV (RFC 4180): one row per provision and state.
pub fn to_csv(c: &Concordance) -> String {
    let mut out = super::matrix::csv_row(&CSV_COLUMNS.map(String::from));
    for r in &c.rows {
        for s in &r.states {
            let row = [
                r.label.clone(),
                r.heading.clone().unwrap_or_default(),
                r.topics
                    .iter()
                    .map(|t| t.id.clone())
                    .collect::<Vec<_>>()
                    .join("; "),
                s.state.clone(),
                s.grade.word().to_string(),
                s.provisions
                    .iter()
                    .map(|p| {
                        format!(
                            "{} {} {}",
                            p.number,
                            p.label,
                            p.heading.as_deref().unwrap_or("")
                        )
                        .trim()
                        .to_string()
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                s.provisions
                    .iter()
                    .map(|p| p.permalink.clone())
                    .collect::<Vec<_>>()
                    .join(" "),
                if s.provisions.is_empty() {
                    s.reason.clone()
                } else {
                    s.provisions
                        .iter()
                        .map(|p| p.cues.first().cloned().unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join("; ")
                },
            ];
            out.push_str(&super::matrix::csv_row(&row));
        }
    }
    out
}
