//! Search: the tantivy index over clauses, the query language, and ranked, highlighted results.
//!
//! One [`Engine`] per process holds the index, one reader and the laws the index was built from;
//! callers in async code run [`Engine::search`] in `spawn_blocking` (DESIGN.md pitfall 9).

pub mod analysis;
pub mod index;
pub mod query;
pub mod snippet;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Bound;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::collector::Count;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, Occur, PhraseQuery, Query as TQuery, QueryClone,
    RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    DateTime, DocAddress, Index, IndexReader, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::library::StoredLaw;
use analysis::Reduction;
use index::Fields;
use query::{DateField, FilterField, Query, TextField};

/// Page sizes above this are cut to it.
pub const MAX_LIMIT: usize = 100;
/// Offsets above this are refused (deep paging has no use here and costs memory).
pub const MAX_OFFSET: usize = 10_000;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("malformed query: {0}")]
    Query(#[from] query::QueryError),
    #[error("invalid parameter {name}: {reason}")]
    Parameter { name: &'static str, reason: String },
    #[error("no index in {path} (run `lexharmony ingest` first)")]
    NoIndex { path: PathBuf },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: unreadable index data: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
}

impl SearchError {
    pub fn io(path: &Path, source: std::io::Error) -> Self {
        SearchError::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    /// Whether the error is the user's (a malformed query or parameter), not the server's.
    pub fn is_user_error(&self) -> bool {
        matches!(self, SearchError::Query(_) | SearchError::Parameter { .. })
    }
}

/// A search as the CLI, the API and the page ask for it.
#[derive(Debug, Clone, Default)]
pub struct SearchRequest {
    pub q: String,
    /// Restrict to these states (empty: all).
    pub states: Vec<String>,
    /// Restrict to laws whose number, work URI or expression URI is one of these.
    pub laws: Vec<String>,
    pub limit: usize,
    pub offset: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchHit {
    pub uri: String,
    pub eid: String,
    pub permalink: String,
    pub state: String,
    pub law: String,
    pub law_title: String,
    pub lang: String,
    pub kind: String,
    pub num: String,
    pub label: String,
    pub heading: Option<String>,
    /// HTML: the best fragment of the clause text, escaped, matches in `<mark>`.
    pub snippet_html: String,
    pub score: f32,
    /// Whether the law is a digest written by the project (not an official text).
    pub digest: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct SearchResults {
    pub total: usize,
    /// Matching clauses per state, for grouping and filters (the `states` filter left out, so the
    /// counts show what the other states have too).
    pub by_state: BTreeMap<String, usize>,
    pub hits: Vec<SearchHit>,
}

/// The open index of one process.
pub struct Engine {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    laws: Vec<StoredLaw>,
    by_uri: HashMap<String, usize>,
    dir: PathBuf,
}

impl Engine {
    pub fn open(dir: &Path) -> Result<Engine, SearchError> {
        let (index, laws) = index::open(dir)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let (_, fields) = index::schema();
        let by_uri = laws
            .iter()
            .enumerate()
            .map(|(i, l)| (l.uri().to_string(), i))
            .collect();
        Ok(Engine {
            index,
            reader,
            fields,
            laws,
            by_uri,
            dir: dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn laws(&self) -> &[StoredLaw] {
        &self.laws
    }

    pub fn law(&self, uri: &str) -> Option<&StoredLaw> {
        self.by_uri.get(uri).map(|&i| &self.laws[i])
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    pub fn search(&self, req: &SearchRequest) -> Result<SearchResults, SearchError> {
        let parsed = query::parse(&req.q)?;
        if req.limit == 0 {
            return Err(SearchError::Parameter {
                name: "limit",
                reason: "must be at least 1".into(),
            });
        }
        if req.offset > MAX_OFFSET {
            return Err(SearchError::Parameter {
                name: "offset",
                reason: format!("must be at most {MAX_OFFSET}"),
            });
        }
        let limit = req.limit.min(MAX_LIMIT);
        let mut must: Vec<(Occur, Box<dyn TQuery>)> = vec![(Occur::Must, self.build(&parsed))];
        if let Some(q) = self.any_of(self.fields.law, &req.laws) {
            must.push((Occur::Must, q));
        }
        // Per-state counts ignore the state filter, so they can offer the other states.
        let unfiltered = BooleanQuery::new(must.iter().map(|(o, q)| (*o, q.box_clone())).collect());
        if let Some(q) = self.any_of(self.fields.state, &req.states) {
            must.push((Occur::Must, q));
        }
        let full = BooleanQuery::new(must);
        let searcher = self.reader.searcher();
        let order_field = "order";
        let collector = tantivy::collector::TopDocs::with_limit(limit)
            .and_offset(req.offset)
            .tweak_score(move |segment: &tantivy::SegmentReader| {
                let order = segment
                    .fast_fields()
                    .u64(order_field)
                    .map(|c| c.first_or_default_col(0));
                move |doc: tantivy::DocId, score: tantivy::Score| {
                    let o = order.as_ref().map(|c| c.get_val(doc)).unwrap_or(u64::MAX);
                    // Scores equal to 1e-4 tie; ties go by rank, law and document order.
                    ((score * 10_000.0).round() as i64, std::cmp::Reverse(o))
                }
            });
        let (top, total) = searcher.search(&full, &(collector, Count))?;
        let by_state = self.count_by_state(&searcher, &unfiltered)?;
        let highlight = snippet::Highlight::from_query(&parsed);
        let mut hits = Vec::with_capacity(top.len());
        for ((score, _), addr) in top {
            hits.push(self.hit(&searcher, addr, score as f32 / 10_000.0, &highlight)?);
        }
        Ok(SearchResults {
            total,
            by_state,
            hits,
        })
    }

    fn count_by_state(
        &self,
        searcher: &Searcher,
        q: &BooleanQuery,
    ) -> Result<BTreeMap<String, usize>, SearchError> {
        let states: HashSet<&str> = self.laws.iter().map(|l| l.state()).collect();
        let mut out = BTreeMap::new();
        for s in states {
            let with_state = BooleanQuery::new(vec![
                (Occur::Must, q.box_clone()),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.state, s),
                        IndexRecordOption::Basic,
                    )),
                ),
            ]);
            let n = searcher.search(&with_state, &Count)?;
            if n > 0 {
                out.insert(s.to_string(), n);
            }
        }
        Ok(out)
    }

    fn hit(
        &self,
        searcher: &Searcher,
        addr: DocAddress,
        score: f32,
        highlight: &snippet::Highlight,
    ) -> Result<SearchHit, SearchError> {
        let doc: TantivyDocument = searcher.doc(addr)?;
        let text = |f: Field| {
            doc.get_first(f)
                .and_then(|v| v.as_str())
                .unwrap_or_default()
                .to_string()
        };
        let uri = text(self.fields.uri);
        let eid = text(self.fields.eid);
        let lang = text(self.fields.lang);
        let law = self.law(&uri);
        let clause = law.and_then(|l| l.clause(&eid));
        let body = clause.map(|c| c.text.as_str()).unwrap_or("");
        Ok(SearchHit {
            permalink: text(self.fields.permalink),
            state: text(self.fields.state),
            law: law.and_then(|l| l.law.number.clone()).unwrap_or_default(),
            law_title: law.map(|l| l.title().to_string()).unwrap_or_default(),
            kind: text(self.fields.kind),
            num: clause.map(|c| c.num.clone()).unwrap_or_default(),
            label: clause.map(|c| c.label.clone()).unwrap_or_default(),
            heading: match clause {
                Some(c) => c.heading.clone(),
                // A law known by name only: its title is its heading.
                None => law.map(|l| l.title().to_string()),
            },
            snippet_html: highlight.snippet_html(body, &lang, 240),
            score,
            digest: law.is_some_and(|l| l.is_digest()),
            uri,
            eid,
            lang,
        })
    }

    fn any_of(&self, field: Field, values: &[String]) -> Option<Box<dyn TQuery>> {
        let values: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
        if values.is_empty() {
            return None;
        }
        let terms = values
            .into_iter()
            .map(|v| {
                let q: Box<dyn TQuery> = Box::new(TermQuery::new(
                    Term::from_field_text(field, &filter_value(field, &self.fields, v)),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        Some(Box::new(BooleanQuery::new(terms)))
    }

    /// The tantivy query for a parsed query.
    fn build(&self, q: &Query) -> Box<dyn TQuery> {
        let f = &self.fields;
        match q {
            Query::Term { field, word } => self.words(*field, std::slice::from_ref(word), 0),
            Query::Phrase { field, words, slop } => self.words(*field, words, *slop),
            Query::Filter { field, value } => {
                let fld = match field {
                    FilterField::State => f.state,
                    FilterField::Law => f.law,
                    FilterField::Lang => f.lang,
                    FilterField::Kind => f.kind,
                    FilterField::Status => f.status,
                };
                Box::new(TermQuery::new(
                    Term::from_field_text(fld, &filter_value(fld, f, value)),
                    IndexRecordOption::Basic,
                ))
            }
            Query::DateRange { field, from, to } => {
                let fld = match field {
                    DateField::Adopted => f.adopted,
                    DateField::Edition => f.edition,
                };
                let bound = |d: &Option<query::Date>| match d {
                    Some(d) => Bound::Included(Term::from_field_date(fld, date(d))),
                    None => Bound::Unbounded,
                };
                Box::new(RangeQuery::new(bound(from), bound(to)))
            }
            Query::InForceAt(d) => {
                let at = date(d);
                Box::new(BooleanQuery::new(vec![
                    (
                        Occur::Must,
                        Box::new(RangeQuery::new(
                            Bound::Unbounded,
                            Bound::Included(Term::from_field_date(f.valid_from, at)),
                        )) as Box<dyn TQuery>,
                    ),
                    (
                        Occur::Must,
                        Box::new(RangeQuery::new(
                            Bound::Excluded(Term::from_field_date(f.valid_to, at)),
                            Bound::Unbounded,
                        )),
                    ),
                ]))
            }
            Query::And(items) => {
                let mut clauses: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
                for item in items {
                    match item {
                        Query::Not(inner) => clauses.push((Occur::MustNot, self.build(inner))),
                        other => clauses.push((Occur::Must, self.build(other))),
                    }
                }
                if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Box::new(BooleanQuery::new(clauses))
            }
            Query::Or(items) => Box::new(BooleanQuery::new(
                items
                    .iter()
                    .map(|i| (Occur::Should, self.build(i)))
                    .collect(),
            )),
            Query::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery) as Box<dyn TQuery>),
                (Occur::MustNot, self.build(inner)),
            ])),
        }
    }

    /// Words or a phrase, in every analysis of the field: exact, Russian, English and Armenian
    /// stems, and the prefix recall aid. Each analysis gives a phrase of its own terms.
    fn words(&self, field: Option<TextField>, words: &[String], slop: u32) -> Box<dyn TQuery> {
        let f = &self.fields;
        let text = field.is_none() || field == Some(TextField::Text);
        let heading = field == Some(TextField::Heading);
        let mut targets: Vec<(Field, Reduction, f32)> = Vec::new();
        if text {
            targets.push((f.text_exact, Reduction::None, 1.5));
            targets.push((
                f.text_rus,
                Reduction::Stem(frostem::Algorithm::Russian),
                1.0,
            ));
            targets.push((
                f.text_eng,
                Reduction::Stem(frostem::Algorithm::English),
                1.0,
            ));
            targets.push((
                f.text_hye,
                Reduction::Stem(frostem::Algorithm::Armenian),
                1.0,
            ));
            targets.push((
                f.text_prefix,
                Reduction::Prefix(analysis::PREFIX_CHARS),
                0.6,
            ));
        }
        if heading || field.is_none() {
            targets.push((f.heading_exact, Reduction::None, 1.5));
            targets.push((
                f.heading_prefix,
                Reduction::Prefix(analysis::PREFIX_CHARS),
                0.8,
            ));
        }
        let joined = words.join(" ");
        let mut should: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        for (fld, reduction, boost) in targets {
            let terms: Vec<Term> = analysis::analyse(&joined, reduction)
                .into_iter()
                .map(|(t, _, _)| Term::from_field_text(fld, &t))
                .collect();
            let q: Box<dyn TQuery> = match terms.len() {
                0 => continue,
                1 => Box::new(TermQuery::new(
                    terms.into_iter().next().expect("one term"),
                    IndexRecordOption::WithFreqs,
                )),
                _ => {
                    let mut p = PhraseQuery::new(terms);
                    p.set_slop(slop);
                    Box::new(p)
                }
            };
            should.push((Occur::Should, Box::new(BoostQuery::new(q, boost))));
        }
        if should.is_empty() {
            // Only punctuation: nothing can match.
            return Box::new(BooleanQuery::new(vec![]));
        }
        Box::new(BooleanQuery::new(should))
    }
}

fn date(d: &query::Date) -> DateTime {
    DateTime::from_timestamp_secs(index::days_from_civil(d.year, d.month, d.day) * 86_400)
}

/// Filter values are stored as given by the indexer: states and languages lowercase; law numbers
/// as URI numbers ("418-V" -> "418-v"), URIs as they are.
fn filter_value(field: Field, f: &Fields, value: &str) -> String {
    let v = value.trim();
    if field == f.law && !v.starts_with('/') {
        return crate::model::uri_number(v);
    }
    if field == f.law {
        return v.to_string();
    }
    v.to_lowercase()
}
