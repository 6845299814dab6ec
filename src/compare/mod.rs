//! Compare: clauses of two or more laws aligned side by side, with word-level differences
//! (DESIGN.md section 7).
//!
//! [`compare`] takes the laws (the first is the one the others are read against) and picks, for
//! each other law, how to align it with the first:
//! - another language edition of the same work: [`align::parallel`] (by eId and number);
//! - another edition (date) of the same work in the same language: [`editions::compare`]
//!   (added, removed, repealed, renumbered, changed);
//! - anything else: [`align::lexical`] (by the stems the articles share).
//!
//! Every diff has a deadline ([`diff::DiffOptions`]); [`CompareOptions::budget`] bounds a whole
//! comparison, so no request outlives the server's timeout. The JSON shape of [`Comparison`] is
//! documented in `docs/compare.md`.

pub mod align;
pub mod diff;
pub mod editions;
pub mod report;
pub mod text;

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::library::StoredLaw;
use crate::model::{self, Clause, ClauseKind, Status};

pub use align::{AlignOptions, Alignment, Method, Relation};
pub use diff::{Diff, DiffOptions};
pub use editions::EditionsReport;

/// At most this many laws side by side.
pub const MAX_LAWS: usize = 6;
/// Version of the JSON shape (docs/compare.md).
pub const FORMAT_VERSION: u32 = 1;

/// A clause as compare shows it: where it is, what it says, where its permalink is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClauseRef {
    pub eid: String,
    pub kind: ClauseKind,
    /// As printed: "Статья", "ч.", "п.", "Article".
    pub label: String,
    pub num: String,
    pub heading: Option<String>,
    pub status: Status,
    /// Expression URI + `/~` + eId.
    pub permalink: String,
    /// For an article: its own text then its parts and points, one per line. For a part or
    /// point: its own text.
    pub text: String,
}

pub fn clause_ref(law: &StoredLaw, c: &Clause, text: String) -> ClauseRef {
    ClauseRef {
        eid: c.eid.clone(),
        kind: c.kind,
        label: c.label.clone(),
        num: c.num.clone(),
        heading: c.heading.clone(),
        status: c.status,
        permalink: model::permalink(law.uri(), &c.eid),
        text,
    }
}

/// A law in a comparison.
#[derive(Debug, Clone, Serialize)]
pub struct LawInfo {
    pub uri: String,
    pub title: String,
    pub state: String,
    pub lang: Option<String>,
    pub number: Option<String>,
    pub edition: Option<String>,
    /// A digest written by the project, not the official text.
    pub digest: bool,
    pub articles: usize,
}

impl LawInfo {
    pub fn of(law: &StoredLaw) -> LawInfo {
        LawInfo {
            uri: law.uri().to_string(),
            title: law.title().to_string(),
            state: law.state().to_string(),
            lang: law.law.lang.clone(),
            number: law.law.number.clone(),
            edition: law.law.edition.clone(),
            digest: law.is_digest(),
            articles: text::articles(law).len(),
        }
    }
}

/// The first law against one other.
#[derive(Debug, Clone, Serialize)]
pub struct PairComparison {
    /// Index of the other law in [`Comparison::laws`] (1, 2, ...).
    pub other: usize,
    #[serde(flatten)]
    pub alignment: Alignment,
    /// For two editions of one law.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editions: Option<EditionsReport>,
}

/// The whole comparison: `laws[0]` against each of `laws[1..]`.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    pub version: u32,
    pub laws: Vec<LawInfo>,
    pub pairs: Vec<PairComparison>,
    /// Framework topic asked for (not yet available: see notes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CompareOptions {
    pub align: AlignOptions,
    /// The whole comparison's time; diffs still to do after it are shown side by side.
    pub budget: Duration,
    /// Only clauses on this framework topic (not yet available).
    pub topic: Option<String>,
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            align: AlignOptions::default(),
            budget: Duration::from_secs(3),
            topic: None,
        }
    }
}

/// What makes a comparison impossible; every case is the caller's to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CompareError {
    #[error("give at least two laws to compare (got {0})")]
    TooFew(usize),
    #[error("at most {MAX_LAWS} laws can be compared at once (got {0})")]
    TooMany(usize),
    #[error("unknown law: {0}")]
    Unknown(String),
    #[error("the law {0} is given twice")]
    Duplicate(String),
    #[error("the law {0} has no text in the corpus (metadata only)")]
    NoText(String),
}

/// The work URI of an expression URI (everything before the last `/`).
pub fn work_of(uri: &str) -> &str {
    uri.rsplit_once('/').map_or(uri, |(w, _)| w)
}

/// Check a list of laws: two to [`MAX_LAWS`], no repeats, each with text.
pub fn check(laws: &[&StoredLaw]) -> Result<(), CompareError> {
    if laws.len() < 2 {
        return Err(CompareError::TooFew(laws.len()));
    }
    if laws.len() > MAX_LAWS {
        return Err(CompareError::TooMany(laws.len()));
    }
    for (i, l) in laws.iter().enumerate() {
        if laws[..i].iter().any(|o| o.uri() == l.uri()) {
            return Err(CompareError::Duplicate(l.uri().to_string()));
        }
        if !l.has_text() {
            return Err(CompareError::NoText(l.uri().to_string()));
        }
    }
    Ok(())
}

/// Which method aligns `b` with `a`.
pub fn method_for(a: &StoredLaw, b: &StoredLaw) -> Method {
    let same_work = !a.uri().is_empty() && work_of(a.uri()) == work_of(b.uri());
    if !same_work {
        Method::Lexical
    } else if a.law.lang != b.law.lang {
        Method::ParallelLanguage
    } else {
        Method::Editions
    }
}

/// Compare `laws[0]` with each of the others.
pub fn compare(laws: &[&StoredLaw], opts: &CompareOptions) -> Result<Comparison, CompareError> {
    check(laws)?;
    let mut align = opts.align.clone();
    let end = Instant::now() + opts.budget;
    align.diff.deadline = Some(align.diff.deadline.map_or(end, |d| d.min(end)));
    let first = laws[0];
    let pairs = laws[1..]
        .iter()
        .enumerate()
        .map(|(k, other)| match method_for(first, other) {
            Method::Lexical => PairComparison {
                other: k + 1,
                alignment: align::lexical(first, other, &align),
                editions: None,
            },
            Method::ParallelLanguage => PairComparison {
                other: k + 1,
                alignment: align::parallel(first, other, &align),
                editions: None,
            },
            Method::Editions => {
                let (report, alignment) = editions::compare(first, other, &align);
                PairComparison {
                    other: k + 1,
                    alignment,
                    editions: Some(report),
                }
            }
        })
        .collect();
    let mut notes = Vec::new();
    if let Some(t) = &opts.topic {
        notes.push(format!(
            "topic {t}: filtering by framework topic is not yet available (it comes with the gap \
             analysis); every article is compared"
        ));
    }
    if laws.iter().any(|l| l.is_digest()) {
        notes.push(
            "some texts are digests written by the project, not official texts: differences in \
             wording are the digests', cite the official sources"
                .to_string(),
        );
    }
    Ok(Comparison {
        version: FORMAT_VERSION,
        laws: laws.iter().map(|l| LawInfo::of(l)).collect(),
        pairs,
        topic: opts.topic.clone(),
        notes,
    })
}
