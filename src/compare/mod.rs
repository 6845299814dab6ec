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

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
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
    /// The framework topic asked for: only articles of the first law on it are compared, against
    /// the other laws' articles on it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct CompareOptions {
    pub align: AlignOptions,
    /// The whole comparison's time; diffs still to do after it are shown side by side.
    pub budget: Duration,
    /// Only articles on this framework topic (needs [`CompareOptions::topics`]).
    pub topic: Option<String>,
    /// The framework topics of the laws' articles, from the gap analysis: shared topics become
    /// part of a match's reason, and [`CompareOptions::topic`] filters by them.
    pub topics: Option<Arc<ArticleTopics>>,
}

/// The framework topics of articles (an article's own and its parts' and points'), by law URI and
/// article eId, as the gap analysis found them; and the framework's topic ids, to check a
/// `--topic` against. Filled by `gaps::article_topics`: compare does not classify.
#[derive(Debug, Clone, Default)]
pub struct ArticleTopics {
    by_law: HashMap<String, HashMap<String, Vec<String>>>,
    known: BTreeSet<String>,
}

impl ArticleTopics {
    pub fn new(known: impl IntoIterator<Item = String>) -> ArticleTopics {
        ArticleTopics {
            by_law: HashMap::new(),
            known: known.into_iter().collect(),
        }
    }

    pub fn insert(&mut self, law_uri: &str, eid: &str, topics: Vec<String>) {
        if !topics.is_empty() {
            self.by_law
                .entry(law_uri.to_string())
                .or_default()
                .insert(eid.to_string(), topics);
        }
    }

    /// The topics of an article (empty when it has none or the law was not classified).
    pub fn of(&self, law_uri: &str, eid: &str) -> &[String] {
        self.by_law
            .get(law_uri)
            .and_then(|m| m.get(eid))
            .map_or(&[], Vec::as_slice)
    }

    pub fn is_known(&self, topic: &str) -> bool {
        self.known.contains(topic)
    }
}

impl Default for CompareOptions {
    fn default() -> Self {
        CompareOptions {
            align: AlignOptions::default(),
            budget: Duration::from_secs(3),
            topic: None,
            topics: None,
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
    #[error("unknown framework topic: {0} (the ids are in framework/framework.toml, e.g. `lexharmony gaps`)")]
    UnknownTopic(String),
    #[error("--topic {0}: the framework topics of the laws are not available here")]
    NoTopics(String),
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
    if let Some(t) = &opts.topic {
        match &opts.topics {
            None => return Err(CompareError::NoTopics(t.clone())),
            Some(topics) if !topics.is_known(t) => {
                return Err(CompareError::UnknownTopic(t.clone()))
            }
            Some(_) => {}
        }
    }
    let mut align = opts.align.clone();
    let end = Instant::now() + opts.budget;
    align.diff.deadline = Some(align.diff.deadline.map_or(end, |d| d.min(end)));
    let first = laws[0];
    let mut pairs: Vec<PairComparison> = laws[1..]
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
    if let Some(topics) = &opts.topics {
        for pair in &mut pairs {
            with_topics(&mut pair.alignment, topics, laws[0], laws[pair.other]);
        }
        if let Some(t) = &opts.topic {
            for pair in &mut pairs {
                keep_topic(&mut pair.alignment, topics, t, laws[0], laws[pair.other]);
            }
            notes.push(format!(
                "only the articles on the framework topic {t} (as the gap analysis links them, \
                 reviewer overrides applied) are shown"
            ));
        }
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

/// Put the framework topics both articles of a match carry into its reason.
fn with_topics(al: &mut Alignment, topics: &ArticleTopics, a: &StoredLaw, b: &StoredLaw) {
    for m in &mut al.matches {
        let theirs = topics.of(b.uri(), &m.b.eid);
        let shared: Vec<String> = topics
            .of(a.uri(), &m.a.eid)
            .iter()
            .filter(|t| theirs.contains(t))
            .cloned()
            .collect();
        if !shared.is_empty() {
            m.reason.summary = format!(
                "{}; shared framework topics: {}",
                m.reason.summary,
                shared.join(", ")
            );
        }
        m.reason.topics = shared;
    }
}

/// Keep only what is on `topic`: matches where either article is on it (so an article on the topic
/// is never dropped because its counterpart was linked to other topics), and the unaligned
/// articles of either side that are on it.
fn keep_topic(
    al: &mut Alignment,
    topics: &ArticleTopics,
    topic: &str,
    a: &StoredLaw,
    b: &StoredLaw,
) {
    let on = |uri: &str, eid: &str| topics.of(uri, eid).iter().any(|t| t == topic);
    al.matches
        .retain(|m| on(a.uri(), &m.a.eid) || on(b.uri(), &m.b.eid));
    al.unaligned_first.retain(|u| on(a.uri(), &u.clause.eid));
    al.unaligned_other.retain(|u| on(b.uri(), &u.clause.eid));
}
