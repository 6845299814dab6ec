//! Search: the tantivy index over clauses, the query language, and ranked, highlighted results.
//!
//! One [`Engine`] per process holds the index, one reader and the laws the index was built from;
//! callers in async code run [`Engine::search`] in `spawn_blocking` (DESIGN.md pitfall 9).

pub mod analysis;
pub mod index;
pub mod query;
pub mod snippet;

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap, HashMap};
use std::ops::Bound;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Occur, PhraseQuery,
    Query as TQuery, RangeQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{
    DateTime, DocAddress, DocSet, Index, IndexReader, ReloadPolicy, Score, Searcher,
    TantivyDocument, Term, TERMINATED,
};

use crate::library::StoredLaw;
use analysis::Reduction;
use index::Fields;
use query::{DateField, FilterField, Query, TextField};

/// Page sizes above this are cut to it.
pub const MAX_LIMIT: usize = 100;
/// Offsets above this are refused (deep paging has no use here and costs memory).
pub const MAX_OFFSET: usize = 10_000;
/// Where counting may stop, per state: a state with more matches shows this number and the
/// total is then a lower bound ([`SearchResults::total_exact`] is false).
pub const COUNT_LIMIT: usize = 10_000;
/// Scores are compared at this precision; equal scores tie and go by rank, law and document order.
const SCORE_QUANTUM: f32 = 10_000.0;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("malformed query: {0}")]
    Query(#[from] query::QueryError),
    #[error("invalid parameter {name}: {reason}")]
    Parameter { name: &'static str, reason: String },
    #[error("no index in {path} (run `lexharmony ingest` first)")]
    NoIndex { path: PathBuf },
    #[error("the index in {path} was built by another version of lexharmony (run `lexharmony ingest` to rebuild it)")]
    Stale { path: PathBuf },
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
    /// Visit every match: exact counts and the whole query's ranking over every match, at the
    /// cost of the pruning (slower on common words; for checks and exact statistics).
    pub exhaustive: bool,
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
    /// Matching clauses: the sum of `by_state` over the states searched. Exact when `total_exact`;
    /// otherwise a lower bound (counting stopped at `count_limit` in one of those states).
    pub total: usize,
    /// Whether `total` is the exact number of matching clauses.
    pub total_exact: bool,
    /// Matching clauses per state, for grouping and filters (the `states` filter left out, so the
    /// counts show what the other states have too). A count is exact unless it equals
    /// `count_limit`: counting may have stopped there (it does for a union of words, whose top
    /// hits are found without visiting every match), so such a state has at least that many.
    /// Other queries visit every match and count them all exactly.
    pub by_state: BTreeMap<String, usize>,
    /// Where per-state counting stops ([`COUNT_LIMIT`]).
    pub count_limit: usize,
    pub hits: Vec<SearchHit>,
}

/// The open index of one process.
pub struct Engine {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    laws: Vec<StoredLaw>,
    by_uri: HashMap<String, usize>,
    /// Every state of the laws, sorted.
    states: Vec<String>,
    dir: PathBuf,
}

/// A hit's rank: quantized score (higher first), then index order (lower first: rank, law, document
/// order). Unique per document, so the order of hits never depends on the order of evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct RankKey {
    score: i64,
    order: Reverse<u64>,
    segment: Reverse<u32>,
    doc: Reverse<u32>,
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
        let states: BTreeSet<String> = laws.iter().map(|l| l.state().to_string()).collect();
        Ok(Engine {
            index,
            reader,
            fields,
            laws,
            by_uri,
            states: states.into_iter().collect(),
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
        let k = req.offset + limit;
        // The query alone (not wrapped) when nothing filters it, so that a union of words reaches
        // tantivy's block-max WAND as is. The states filter is applied while collecting (by the
        // `state` fast field), since the per-state counts leave it out anyway.
        let mut q: Box<dyn TQuery> = self.build(&parsed);
        let law_filter = self.any_of(self.fields.law, &req.laws);
        let prunable = law_filter.is_none() && is_term_union(&parsed);
        if let Some(l) = law_filter {
            q = Box::new(BooleanQuery::new(vec![(Occur::Must, q), (Occur::Must, l)]));
        }
        let asked: BTreeSet<String> = req
            .states
            .iter()
            .filter(|s| !s.trim().is_empty())
            .map(|s| filter_value(self.fields.state, &self.fields, s))
            .collect();
        let wanted: Vec<bool> = self
            .states
            .iter()
            .map(|s| asked.is_empty() || asked.contains(s))
            .collect();
        let searcher = self.reader.searcher();
        let conjunction = match req.exhaustive || prunable {
            true => None,
            false => Conjunction::of(&parsed),
        };
        let bounded = !req.exhaustive && (prunable || conjunction.is_some());
        let (top, counts) = if req.exhaustive {
            self.scan(&searcher, q.as_ref(), k, &wanted)?
        } else if prunable {
            // Few postings of a union of words reach the top k: block-max WAND skips the rest,
            // and the counts are taken apart, each stopping at the limit.
            let top = self.top_pruned(&searcher, q.as_ref(), k, &wanted)?;
            // One word is one term per language field (a clause is in one of them): counted
            // per field, by document frequency where a segment holds one state.
            let parts = match Conjunction::of(&parsed) {
                Some(c) => self.conjunction_parts(&searcher, &c, None, false)?,
                None => vec![CountPart {
                    core: q.weight(EnableScoring::disabled_from_searcher(&searcher))?,
                    must: Vec::new(),
                    must_not: Vec::new(),
                    plain: false,
                }],
            };
            let every_state = vec![true; self.states.len()];
            (top, self.count_by_state(&searcher, &parts, &every_state)?)
        } else if let Some(c) = &conjunction {
            // Words and phrases every match holds: block-max pruning over one term per word
            // (or shingle) in each language field, scored as the whole query scores them.
            let law = self.any_of(self.fields.law, &req.laws);
            let top = self.top_conjunction(&searcher, c, law.as_deref(), k, &wanted)?;
            let parts = self.conjunction_parts(&searcher, c, law.as_deref(), false)?;
            let possible = self.possible_states(c);
            (top, self.count_by_state(&searcher, &parts, &possible)?)
        } else {
            // Every match is visited anyway: count them in the same pass, exactly.
            self.scan(&searcher, q.as_ref(), k, &wanted)?
        };
        let by_state: BTreeMap<String, usize> = self
            .states
            .iter()
            .zip(&counts)
            .filter(|(_, &n)| n > 0)
            .map(|(s, &n)| (s.clone(), n))
            .collect();
        // The filtered total is the sum of the counts of the states asked for.
        let counted = counts
            .iter()
            .zip(&wanted)
            .filter(|(_, &w)| w)
            .map(|(&n, _)| n);
        let total = counted.clone().sum();
        let total_exact = counted.clone().all(|n| n < COUNT_LIMIT) || !bounded;
        let highlight = snippet::Highlight::from_query(&parsed);
        let mut hits = Vec::with_capacity(limit);
        for (key, addr) in top.into_iter().skip(req.offset) {
            let score = key.score as f32 / SCORE_QUANTUM;
            hits.push(self.hit(&searcher, addr, score, &highlight)?);
        }
        Ok(SearchResults {
            total,
            total_exact,
            by_state,
            count_limit: COUNT_LIMIT,
            hits,
        })
    }

    /// A segment's `state` column as an index into `self.states` per document (`usize::MAX`: a
    /// state the laws do not know).
    fn state_of(
        &self,
        reader: &tantivy::SegmentReader,
    ) -> Result<impl Fn(tantivy::DocId) -> usize, SearchError> {
        let column = reader
            .fast_fields()
            .str("state")?
            .ok_or_else(|| SearchError::Corrupt {
                path: self.dir.clone(),
                reason: "no state fast field".into(),
            })?;
        let mut index = Vec::with_capacity(column.num_terms());
        let mut buf = String::new();
        for ord in 0..column.num_terms() as u64 {
            buf.clear();
            column
                .ord_to_str(ord, &mut buf)
                .map_err(|e| SearchError::io(&self.dir, e))?;
            index.push(self.states.binary_search(&buf).unwrap_or(usize::MAX));
        }
        let ords = column.ords().clone().first_or_default_col(u64::MAX);
        Ok(move |doc| {
            index
                .get(ords.get_val(doc) as usize)
                .copied()
                .unwrap_or(usize::MAX)
        })
    }

    /// The state of every document of a segment, when they share one (as the index builder makes
    /// them: see [`index::build`]), as an index into `self.states`.
    fn single_state(&self, reader: &tantivy::SegmentReader) -> Result<Option<usize>, SearchError> {
        let Some(column) = reader.fast_fields().str("state")? else {
            return Ok(None);
        };
        let full = column.ords().get_cardinality() == tantivy::columnar::Cardinality::Full;
        if column.num_terms() != 1 || !full {
            return Ok(None);
        }
        let mut state = String::new();
        column
            .ord_to_str(0, &mut state)
            .map_err(|e| SearchError::io(&self.dir, e))?;
        Ok(self.states.binary_search(&state).ok())
    }

    /// Whether a segment can hold documents of the states wanted (false: one state, not wanted).
    fn may_hold(
        &self,
        reader: &tantivy::SegmentReader,
        wanted: &[bool],
    ) -> Result<bool, SearchError> {
        Ok(match self.single_state(reader)? {
            Some(s) => wanted.get(s).copied().unwrap_or(false),
            None => true,
        })
    }

    /// The best `k` matches of the states wanted, best first (see [`RankKey`]), by tantivy's
    /// pruning loop: the threshold handed back lets block-max WAND skip the postings that cannot
    /// reach the top `k` (a union of words at the top of the query).
    fn top_pruned(
        &self,
        searcher: &Searcher,
        q: &dyn TQuery,
        k: usize,
        wanted: &[bool],
    ) -> Result<Vec<(RankKey, DocAddress)>, SearchError> {
        let weight = q.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let mut top = TopK::new(k);
        let all = wanted.iter().all(|&w| w);
        for (segment_ord, reader) in searcher.segment_readers().iter().enumerate() {
            if !all && !self.may_hold(reader, wanted)? {
                continue;
            }
            let order = order_column(reader)?;
            let state = self.state_of(reader)?;
            let alive = reader.alive_bitset();
            let mut threshold = top.threshold();
            weight.for_each_pruning(threshold, reader, &mut |doc, score| {
                let keep = alive.is_none_or(|a| a.is_alive(doc))
                    && (all || wanted.get(state(doc)).copied().unwrap_or(false));
                if keep {
                    top.push(score, order.get_val(doc), segment_ord as u32, doc);
                    threshold = top.threshold();
                }
                threshold
            })?;
        }
        Ok(top.into_sorted())
    }

    /// One pass over every match: the best `k` of the states wanted, and exact counts per state
    /// (indexed as `self.states`).
    fn scan(
        &self,
        searcher: &Searcher,
        q: &dyn TQuery,
        k: usize,
        wanted: &[bool],
    ) -> Result<(Ranked, Vec<usize>), SearchError> {
        let weight = q.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let mut top = TopK::new(k);
        let mut counts = vec![0usize; self.states.len()];
        for (segment_ord, reader) in searcher.segment_readers().iter().enumerate() {
            let order = order_column(reader)?;
            let state = self.state_of(reader)?;
            let alive = reader.alive_bitset();
            let mut scorer = weight.scorer(reader, 1.0)?;
            let mut threshold = top.threshold();
            let mut doc = scorer.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    let s = state(doc);
                    if let Some(n) = counts.get_mut(s) {
                        *n += 1;
                    }
                    if wanted.get(s).copied().unwrap_or(false) {
                        let score = scorer.score();
                        if score > threshold {
                            top.push(score, order.get_val(doc), segment_ord as u32, doc);
                            threshold = top.threshold();
                        }
                    }
                }
                doc = scorer.advance();
            }
        }
        Ok((top.into_sorted(), counts))
    }

    /// Matching clauses per state (indexed as `self.states`), each counted up to
    /// [`COUNT_LIMIT`], in one pass over the parts' matches that stops once every state that can
    /// match has reached the limit; a document of a state already counted in full is not checked
    /// further (a phrase's positions, say). States outside `possible` count nothing. A segment of
    /// one state is skipped once that state is counted in full, and a part that is one term
    /// without conditions counts by the term's document frequency there.
    fn count_by_state(
        &self,
        searcher: &Searcher,
        parts: &[CountPart],
        possible: &[bool],
    ) -> Result<Vec<usize>, SearchError> {
        let mut counts = vec![0usize; self.states.len()];
        let mut open = possible.iter().filter(|&&p| p).count();
        if open == 0 {
            return Ok(counts);
        }
        let mut add = |counts: &mut [usize], s: usize, n: usize| -> bool {
            let before = counts[s];
            counts[s] = (before + n).min(COUNT_LIMIT);
            if before < COUNT_LIMIT && counts[s] == COUNT_LIMIT {
                open -= 1;
            }
            open == 0
        };
        'parts: for part in parts {
            for reader in searcher.segment_readers() {
                let only = self.single_state(reader)?;
                if let Some(s) = only {
                    if !possible.get(s).copied().unwrap_or(false) || counts[s] >= COUNT_LIMIT {
                        continue;
                    }
                    if part.plain {
                        if add(&mut counts, s, part.core.count(reader)? as usize) {
                            break 'parts;
                        }
                        continue;
                    }
                }
                let state = self.state_of(reader)?;
                let alive = reader.alive_bitset();
                let mut core = part.core.scorer(reader, 1.0)?;
                let (mut must, mut must_not) = part.checks(reader)?;
                let mut doc = core.doc();
                while doc != TERMINATED {
                    let s = only.unwrap_or_else(|| state(doc));
                    let counting = possible.get(s).copied().unwrap_or(false)
                        && counts[s] < COUNT_LIMIT
                        && alive.is_none_or(|a| a.is_alive(doc));
                    if counting
                        && must.iter_mut().all(|m| holds(m.as_mut(), doc))
                        && !must_not.iter_mut().any(|m| holds(m.as_mut(), doc))
                    {
                        if add(&mut counts, s, 1) {
                            break 'parts;
                        }
                        if only.is_some() && counts[s] == COUNT_LIMIT {
                            break;
                        }
                    }
                    doc = core.advance();
                }
            }
        }
        Ok(counts)
    }

    /// The states a conjunction's own `state:` filters leave (every state without one).
    fn possible_states(&self, c: &Conjunction) -> Vec<bool> {
        let mut possible = vec![true; self.states.len()];
        for f in &c.filters {
            if let Query::Filter {
                field: FilterField::State,
                value,
            } = f
            {
                let v = filter_value(self.fields.state, &self.fields, value);
                for (p, s) in possible.iter_mut().zip(&self.states) {
                    *p &= *s == v;
                }
            }
        }
        possible
    }

    /// A conjunction's parts: per language field, the intersection of its terms (scored when
    /// `scored`, for the top hits), with the phrases' positions, the filters and the exclusions
    /// checked on each match.
    fn conjunction_parts(
        &self,
        searcher: &Searcher,
        c: &Conjunction,
        law: Option<&dyn TQuery>,
        scored: bool,
    ) -> Result<Vec<CountPart>, SearchError> {
        let matching = EnableScoring::disabled_from_searcher(searcher);
        let scoring = match scored {
            true => EnableScoring::enabled_from_searcher(searcher),
            false => matching,
        };
        let mut parts = Vec::new();
        for (field, reduction) in self.language_fields() {
            let Some(plan) = LanguagePlan::new(field, reduction, &c.required) else {
                continue;
            };
            // Ranking scores the core terms and checks the long phrases on the candidates;
            // counting reads each phrase's terms once, in its phrase query.
            let mut must = Vec::new();
            let core = match scored {
                true => {
                    for p in plan.phrase_queries() {
                        must.push(p.weight(matching)?);
                    }
                    plan.core_query().weight(scoring)?
                }
                false => plan.match_query().weight(matching)?,
            };
            for f in &c.filters {
                must.push(self.build(f).weight(matching)?);
            }
            if let Some(l) = law {
                must.push(l.weight(matching)?);
            }
            let mut must_not = Vec::new();
            for x in &c.excluded {
                must_not.push(self.build(x).weight(matching)?);
            }
            let plain = !scored
                && plan.phrases.is_empty()
                && plan.core.len() == 1
                && must.is_empty()
                && must_not.is_empty();
            parts.push(CountPart {
                core,
                must,
                must_not,
                plain,
            });
        }
        Ok(parts)
    }

    /// The best `k` matches of a conjunction in the states wanted, scored as [`Engine::build`]
    /// scores the query (the required terms' BM25; filters do not score). Each language field is searched
    /// apart (a clause is in exactly one), as an intersection of plain term queries, which
    /// tantivy prunes block by block (block-max); the other conditions (phrase positions,
    /// filters, exclusions) are checked on the candidates that reach the threshold only.
    fn top_conjunction(
        &self,
        searcher: &Searcher,
        c: &Conjunction,
        law: Option<&dyn TQuery>,
        k: usize,
        wanted: &[bool],
    ) -> Result<Ranked, SearchError> {
        let parts = self.conjunction_parts(searcher, c, law, true)?;
        let mut top = TopK::new(k);
        let all_states = wanted.iter().all(|&w| w);
        for part in &parts {
            for (segment_ord, reader) in searcher.segment_readers().iter().enumerate() {
                if !all_states && !self.may_hold(reader, wanted)? {
                    continue;
                }
                let order = order_column(reader)?;
                let state = self.state_of(reader)?;
                let alive = reader.alive_bitset();
                let (mut must, mut must_not) = part.checks(reader)?;
                let mut threshold = top.threshold();
                part.core
                    .for_each_pruning(threshold, reader, &mut |doc, score| {
                        let keep = alive.is_none_or(|a| a.is_alive(doc))
                            && (all_states || wanted.get(state(doc)).copied().unwrap_or(false))
                            && must.iter_mut().all(|s| holds(s.as_mut(), doc))
                            && !must_not.iter_mut().any(|s| holds(s.as_mut(), doc));
                        if keep {
                            top.push(score, order.get_val(doc), segment_ord as u32, doc);
                            threshold = top.threshold();
                        }
                        threshold
                    })?;
            }
        }
        Ok(top.into_sorted())
    }

    /// The fields that hold each clause's heading and text in one analysis (a clause is in one).
    fn language_fields(&self) -> [(Field, Reduction); 4] {
        let f = &self.fields;
        [
            (f.text_rus, Reduction::Stem(frostem::Algorithm::Russian)),
            (f.text_eng, Reduction::Stem(frostem::Algorithm::English)),
            (f.text_hye, Reduction::Stem(frostem::Algorithm::Armenian)),
            (f.text_prefix, Reduction::Prefix(analysis::PREFIX_CHARS)),
        ]
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
        let ix = doc
            .get_first(self.fields.clause_ix)
            .and_then(|v| v.as_u64());
        let clause = law.and_then(|l| {
            ix.and_then(|i| l.clauses.get(i as usize))
                .filter(|c| c.eid == eid)
                .or_else(|| l.clause(&eid))
        });
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
        Some(unscored(Box::new(BooleanQuery::new(terms))))
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
                unscored(Box::new(TermQuery::new(
                    Term::from_field_text(fld, &filter_value(fld, f, value)),
                    IndexRecordOption::Basic,
                )))
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
                unscored(Box::new(RangeQuery::new(bound(from), bound(to))))
            }
            Query::InForceAt(d) => {
                let at = date(d);
                unscored(Box::new(BooleanQuery::new(vec![
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
                ])))
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
            Query::Or(items) => {
                // One flat union: the words' own unions are merged into it (the same sum of
                // scores), so that a union of terms reaches block-max WAND.
                let mut should: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
                for item in items {
                    match item {
                        Query::Term { field, word } => {
                            should.extend(self.word_clauses(*field, std::slice::from_ref(word), 0))
                        }
                        Query::Phrase { field, words, slop } => {
                            should.extend(self.word_clauses(*field, words, *slop))
                        }
                        other => should.push((Occur::Should, self.build(other))),
                    }
                }
                Box::new(BooleanQuery::new(should))
            }
            Query::Not(inner) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery) as Box<dyn TQuery>),
                (Occur::MustNot, self.build(inner)),
            ])),
        }
    }

    /// Words or a phrase, in every analysis of the field ([`Engine::word_clauses`]).
    fn words(&self, field: Option<TextField>, words: &[String], slop: u32) -> Box<dyn TQuery> {
        let should = self.word_clauses(field, words, slop);
        if should.is_empty() {
            // Only punctuation: nothing can match.
            return Box::new(BooleanQuery::new(vec![]));
        }
        Box::new(BooleanQuery::new(should))
    }

    /// The `Should` clauses of [`Engine::words`]: one per field whose analysis gives terms.
    ///
    /// Without a field (or with `text:`), words are looked up in the language fields, which hold
    /// each clause's heading and text: a clause is in exactly one of them, so a word's score is
    /// the BM25 of one term in one field. A phrase of two or three words is its pair or triple
    /// term (the fields hold word pairs and triples); a longer one, the triples covering it, all
    /// required, at their offsets (positions checked, not scored). Scored this way, a conjunction
    /// of words and phrases is an intersection of plain term queries per language, which tantivy
    /// prunes block by block; the exhaustive search scores the same. A phrase with slop matches
    /// the words' positions.
    ///
    /// `heading:` looks in the heading's exact and prefix fields only; `exact:` in the heading and
    /// text as printed (unstemmed), phrases by their words' positions.
    fn word_clauses(
        &self,
        field: Option<TextField>,
        words: &[String],
        slop: u32,
    ) -> Vec<(Occur, Box<dyn TQuery>)> {
        let f = &self.fields;
        let joined = words.join(" ");
        let mut should: Vec<(Occur, Box<dyn TQuery>)> = Vec::new();
        let fixed = match field {
            Some(TextField::Heading) => vec![
                (f.heading_exact, Reduction::None, 1.5),
                (
                    f.heading_prefix,
                    Reduction::Prefix(analysis::PREFIX_CHARS),
                    0.8,
                ),
            ],
            Some(TextField::Exact) => vec![(f.text_exact, Reduction::None, 1.0)],
            None | Some(TextField::Text) => Vec::new(),
        };
        if !fixed.is_empty() {
            for (fld, reduction, boost) in fixed {
                let terms = field_terms(fld, &joined, reduction);
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
            return should;
        }
        for (fld, reduction) in self.language_fields() {
            let terms: Vec<String> = analysis::analyse(&joined, reduction)
                .into_iter()
                .map(|t| t.0)
                .collect();
            let q: Box<dyn TQuery> = match terms.len() {
                0 => continue,
                1 => Box::new(TermQuery::new(
                    Term::from_field_text(fld, &terms[0]),
                    IndexRecordOption::WithFreqs,
                )),
                _ if slop > 0 => {
                    let mut p = PhraseQuery::new(
                        terms
                            .iter()
                            .map(|t| Term::from_field_text(fld, t))
                            .collect(),
                    );
                    p.set_slop(slop);
                    Box::new(p)
                }
                _ => LanguagePlan::of_words(fld, &terms).query(),
            };
            should.push((Occur::Should, q));
        }
        should
    }
}

/// Whether a query is a union of single words (the shape block-max WAND prunes).
fn is_term_union(q: &Query) -> bool {
    match q {
        Query::Term { .. } => true,
        Query::Or(items) => items.iter().all(|i| matches!(i, Query::Term { .. })),
        _ => false,
    }
}

fn order_column(
    reader: &tantivy::SegmentReader,
) -> Result<std::sync::Arc<dyn tantivy::columnar::ColumnValues<u64>>, SearchError> {
    Ok(reader
        .fast_fields()
        .u64("order")?
        .first_or_default_col(u64::MAX))
}

/// Hits, best first.
type Ranked = Vec<(RankKey, DocAddress)>;

/// The best `k` documents by [`RankKey`], with the pruning threshold that goes with them.
struct TopK {
    k: usize,
    heap: BinaryHeap<Reverse<RankKey>>,
}

impl TopK {
    fn new(k: usize) -> TopK {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
        }
    }

    fn push(&mut self, score: Score, order: u64, segment: u32, doc: tantivy::DocId) {
        let key = RankKey {
            score: (score * SCORE_QUANTUM).round() as i64,
            order: Reverse(order),
            segment: Reverse(segment),
            doc: Reverse(doc),
        };
        if self.heap.len() < self.k {
            self.heap.push(Reverse(key));
        } else if self.heap.peek().is_some_and(|w| key > w.0) {
            self.heap.pop();
            self.heap.push(Reverse(key));
        }
    }

    /// Scores at or below this cannot enter: a score that rounds to the worst kept one may still
    /// win on order, so the threshold sits just under every such score.
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(worst) if self.heap.len() >= self.k => {
                ((worst.0.score as f64 - 0.51) / SCORE_QUANTUM as f64) as f32
            }
            _ => Score::MIN,
        }
    }

    fn into_sorted(self) -> Vec<(RankKey, DocAddress)> {
        let mut top: Vec<(RankKey, DocAddress)> = self
            .heap
            .into_iter()
            .map(|Reverse(key)| {
                (
                    key,
                    DocAddress {
                        segment_ord: key.segment.0,
                        doc_id: key.doc.0,
                    },
                )
            })
            .collect();
        top.sort_by_key(|t| Reverse(t.0));
        top
    }
}

/// A text's terms in a field, by the field's analysis.
fn field_terms(field: Field, text: &str, reduction: Reduction) -> Vec<Term> {
    analysis::analyse(text, reduction)
        .into_iter()
        .map(|(t, _, _)| Term::from_field_text(field, &t))
        .collect()
}

/// A condition that selects without scoring, so that a filter never changes a ranking (and a
/// conjunction scores the same whether its filters are checked on candidates or intersected).
fn unscored(q: Box<dyn TQuery>) -> Box<dyn TQuery> {
    Box::new(ConstScoreQuery::new(q, 0.0))
}

/// Whether a docset holds `doc`, for docs asked in increasing order.
fn holds(set: &mut dyn DocSet, doc: tantivy::DocId) -> bool {
    if set.doc() < doc {
        set.seek(doc);
    }
    set.doc() == doc
}

/// A part of a search (counted by [`Engine::count_by_state`], ranked by `top_conjunction`): the
/// documents of `core` that every `must` holds and
/// no `must_not` does.
struct CountPart {
    core: Box<dyn tantivy::query::Weight>,
    must: Vec<Box<dyn tantivy::query::Weight>>,
    must_not: Vec<Box<dyn tantivy::query::Weight>>,
    /// The core is one term and nothing is checked: its matches are the term's postings.
    plain: bool,
}

/// Per-segment docsets of a part's conditions: (must, must not).
type Checks = (
    Vec<Box<dyn tantivy::query::Scorer>>,
    Vec<Box<dyn tantivy::query::Scorer>>,
);

impl CountPart {
    fn checks(&self, reader: &tantivy::SegmentReader) -> Result<Checks, SearchError> {
        let scorers = |ws: &[Box<dyn tantivy::query::Weight>]| {
            ws.iter()
                .map(|w| w.scorer(reader, 1.0))
                .collect::<tantivy::Result<Vec<_>>>()
        };
        Ok((scorers(&self.must)?, scorers(&self.must_not)?))
    }
}

/// A query whose every match holds some words and phrases in its heading or text: the shape the
/// pruned conjunction answers. Words and exact phrases anywhere (no field), joined by `AND`,
/// with any filters, date conditions and `NOT`s.
#[derive(Debug, Default)]
struct Conjunction<'q> {
    /// Each a word or an exact phrase.
    required: Vec<&'q [String]>,
    /// Conditions that do not score: filters and dates.
    filters: Vec<&'q Query>,
    excluded: Vec<&'q Query>,
}

impl<'q> Conjunction<'q> {
    fn of(q: &'q Query) -> Option<Conjunction<'q>> {
        let items = match q {
            Query::And(items) => items.as_slice(),
            other => std::slice::from_ref(other),
        };
        let mut c = Conjunction::default();
        for item in items {
            match item {
                Query::Term { field: None, word } => c.required.push(std::slice::from_ref(word)),
                Query::Phrase {
                    field: None,
                    words,
                    slop: 0,
                } => c.required.push(words),
                Query::Not(inner) => c.excluded.push(inner),
                Query::Filter { .. } | Query::DateRange { .. } | Query::InForceAt(_) => {
                    c.filters.push(item)
                }
                _ => return None,
            }
        }
        (!c.required.is_empty()).then_some(c)
    }
}

/// A conjunction in one language field: one term per word; a phrase of two or three words is one
/// shingle term (the field holds them, see [`analysis::pair_term`] and [`analysis::triple_term`]);
/// a longer phrase, the triples that cover its words, whose positions are checked on the
/// candidates.
struct LanguagePlan {
    core: Vec<Term>,
    /// Each long phrase's triples with their offsets in the phrase.
    phrases: Vec<Vec<(usize, Term)>>,
}

impl LanguagePlan {
    /// `None` when a word has no term in this analysis (nothing of this language can match).
    fn new(field: Field, reduction: Reduction, required: &[&[String]]) -> Option<LanguagePlan> {
        let mut plan = LanguagePlan {
            core: Vec::new(),
            phrases: Vec::new(),
        };
        for words in required {
            let terms: Vec<String> = analysis::analyse(&words.join(" "), reduction)
                .into_iter()
                .map(|t| t.0)
                .collect();
            if terms.is_empty() {
                return None;
            }
            plan.add(field, &terms);
        }
        Some(plan)
    }

    /// The plan of one word or exact phrase, given as its terms.
    fn of_words(field: Field, terms: &[String]) -> LanguagePlan {
        let mut plan = LanguagePlan {
            core: Vec::new(),
            phrases: Vec::new(),
        };
        plan.add(field, terms);
        plan
    }

    fn add(&mut self, field: Field, terms: &[String]) {
        let term = |t: &str| Term::from_field_text(field, t);
        // The shingles standing for the words, with their offsets in the phrase: the word, its
        // pair or its triple; for a longer phrase, the triples starting at every third word and
        // the last three words (no word between two of them goes unchecked).
        let shingles: Vec<(usize, String)> = match terms {
            [one] => vec![(0, one.clone())],
            [a, b] => vec![(0, analysis::pair_term(a, b))],
            _ => {
                let last = terms.len() - 3;
                (0..last)
                    .step_by(3)
                    .chain([last])
                    .map(|i| {
                        let t = &terms[i..i + 3];
                        (i, analysis::triple_term(&t[0], &t[1], &t[2]))
                    })
                    .collect()
            }
        };
        let positioned: Vec<(usize, Term)> = if shingles
            .iter()
            .all(|(_, s)| s.len() <= analysis::MAX_TOKEN_BYTES)
        {
            shingles.iter().map(|(i, s)| (*i, term(s))).collect()
        } else {
            // Shingles this long are not indexed: the words, at consecutive positions.
            terms
                .iter()
                .enumerate()
                .map(|(i, w)| (i, term(w)))
                .collect()
        };
        self.core.extend(positioned.iter().map(|(_, t)| t.clone()));
        if positioned.len() > 1 {
            self.phrases.push(positioned);
        }
    }

    /// The plan as one query: the core terms, all required, and the long phrases' positions
    /// (required, unscored).
    fn query(&self) -> Box<dyn TQuery> {
        if self.phrases.is_empty() {
            return self.core_query();
        }
        let mut must: Vec<(Occur, Box<dyn TQuery>)> = self
            .core
            .iter()
            .map(|t| {
                let q: Box<dyn TQuery> =
                    Box::new(TermQuery::new(t.clone(), IndexRecordOption::WithFreqs));
                (Occur::Must, q)
            })
            .collect();
        must.extend(
            self.phrase_queries()
                .map(|p| (Occur::Must, unscored(Box::new(p)))),
        );
        Box::new(BooleanQuery::new(must))
    }

    /// The scored part: a term, or the intersection of the terms (tantivy's block-max
    /// intersection needs plain term queries reading frequencies, unboosted).
    fn core_query(&self) -> Box<dyn TQuery> {
        let term = |t: &Term| TermQuery::new(t.clone(), IndexRecordOption::WithFreqs);
        match self.core.as_slice() {
            [one] => Box::new(term(one)),
            many => Box::new(BooleanQuery::new(
                many.iter()
                    .map(|t| {
                        let q: Box<dyn TQuery> = Box::new(term(t));
                        (Occur::Must, q)
                    })
                    .collect(),
            )),
        }
    }

    /// The plan as a query that only matches (for counting): the terms outside the long phrases
    /// and the long phrases, whose terms their phrase queries intersect themselves.
    fn match_query(&self) -> Box<dyn TQuery> {
        let in_phrases: BTreeSet<&Term> = self.phrases.iter().flatten().map(|(_, t)| t).collect();
        let mut must: Vec<(Occur, Box<dyn TQuery>)> = self
            .core
            .iter()
            .filter(|t| !in_phrases.contains(t))
            .map(|t| {
                let q: Box<dyn TQuery> =
                    Box::new(TermQuery::new(t.clone(), IndexRecordOption::Basic));
                (Occur::Must, q)
            })
            .collect();
        must.extend(self.phrase_queries().map(|p| {
            let q: Box<dyn TQuery> = Box::new(p);
            (Occur::Must, q)
        }));
        match must.len() {
            1 => must.pop().expect("one clause").1,
            _ => Box::new(BooleanQuery::new(must)),
        }
    }

    /// Each long phrase as its triples at their offsets.
    fn phrase_queries(&self) -> impl Iterator<Item = PhraseQuery> + '_ {
        self.phrases
            .iter()
            .map(|triples| PhraseQuery::new_with_offset(triples.clone()))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(words: &[&str]) -> (Vec<String>, Vec<Vec<(usize, String)>>) {
        let field = Field::from_field_id(0);
        let words: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let p = LanguagePlan::of_words(field, &words);
        let text = |t: &Term| t.value().as_str().unwrap_or_default().to_string();
        (
            p.core.iter().map(text).collect(),
            p.phrases
                .iter()
                .map(|ph| ph.iter().map(|(i, t)| (*i, text(t))).collect())
                .collect(),
        )
    }

    #[test]
    fn phrases_become_shingles_covering_every_word() {
        assert_eq!(plan(&["a"]), (vec!["a".into()], vec![]));
        assert_eq!(plan(&["a", "b"]), (vec!["a b".into()], vec![]));
        assert_eq!(plan(&["a", "b", "c"]), (vec!["a b c".into()], vec![]));
        let (core, phrases) = plan(&["a", "b", "c", "d"]);
        assert_eq!(core, ["a b c", "b c d"]);
        assert_eq!(phrases, [vec![(0, "a b c".into()), (1, "b c d".into())]]);
        let (_, phrases) = plan(&["a", "b", "c", "d", "e", "f", "g"]);
        let offsets: Vec<usize> = phrases[0].iter().map(|(i, _)| *i).collect();
        assert_eq!(offsets, [0, 3, 4]);
    }

    #[test]
    fn words_too_long_for_a_shingle_are_matched_by_position() {
        let long = "ж".repeat(70); // 140 bytes: a pair of two is over 255
        let (core, phrases) = plan(&[&long, &long]);
        assert_eq!(core, [long.clone(), long.clone()]);
        assert_eq!(phrases, [vec![(0, long.clone()), (1, long)]]);
    }
}
