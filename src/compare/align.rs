//! Alignment of the articles of two laws, and within aligned articles of their parts and points.
//!
//! Two methods:
//! - [`lexical`], for laws of different states: tf-idf cosine over content stems (Russian stems for
//!   Russian texts, English for English), plus heading similarity and a bonus for terms both laws
//!   define that both articles use; a greedy one-to-one assignment by score above a threshold (with
//!   a second match allowed when one article clearly answers two), deterministic throughout. Each
//!   match says why (top shared stems, shared defined terms, similarities) and, where the relative
//!   coverage of stems tells it, whether the first law's article is equivalent to, broader or
//!   narrower than the other's.
//! - [`parallel`], for two language editions of one law: by eId, then by article number and
//!   structure, never by words.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::diff::{self, Diff, DiffOptions, Fallback};
use super::text::{self, Sparse, Vocab};
use super::{clause_ref, ClauseRef};
use crate::library::StoredLaw;
use crate::model::{clean_num, Clause};
use crate::search::analysis::Reduction;

/// Article pairs scoring below this are not aligned.
pub const MIN_SCORE: f32 = 0.18;
/// A second counterpart of an article must score at least this, and at least
/// [`SECOND_MATCH_RATIO`] of the article's first match.
pub const MIN_SECOND_SCORE: f32 = 0.3;
pub const SECOND_MATCH_RATIO: f32 = 0.8;
/// Parts and points inside aligned articles scoring below this stay unaligned.
pub const MIN_PART_SCORE: f32 = 0.2;
/// A defined term used in more than this share of a law's articles does not count for a pair.
pub const UBIQUITOUS_SHARE: f32 = 0.4;
/// How many shared stems a reason lists.
pub const REASON_STEMS: usize = 8;

/// How two laws were aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Method {
    /// Laws of different states (or different laws): by the words they share.
    Lexical,
    /// Two language editions of one law: by eId and number.
    ParallelLanguage,
    /// Two editions (dates) of one law in one language: see [`super::editions`].
    Editions,
}

/// How the first law's clause relates to the other's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// They cover the same matter.
    Equivalent,
    /// The first law's clause covers more than the other's.
    Broader,
    /// The first law's clause covers less than the other's.
    Narrower,
    /// They overlap.
    Partial,
}

#[derive(Debug, Clone, Serialize)]
pub struct SharedStem {
    pub stem: String,
    /// The word as it most often appears in the first law.
    pub word: String,
    /// Its share of the cosine similarity.
    pub weight: f32,
}

/// Why two clauses are aligned, in terms a person can check.
#[derive(Debug, Clone, Serialize)]
pub struct Reason {
    /// One sentence.
    pub summary: String,
    /// Cosine of the two texts' tf-idf stem vectors (lexical method).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text_similarity: Option<f32>,
    /// Cosine of the two headings (when both have one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heading_similarity: Option<f32>,
    /// Share of the first clause's stem weight found in the other, and the other way round.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coverage: Option<[f32; 2]>,
    /// Terms both laws define that both clauses use (as the first law prints them).
    pub shared_terms: Vec<String>,
    /// Whether both clauses are definitions articles.
    pub both_define: bool,
    pub shared_stems: Vec<SharedStem>,
    /// Framework topics both clauses carry (filled once the gap analysis provides topics).
    pub topics: Vec<String>,
}

/// An article of the other law that scored against an article of the first.
#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub eid: String,
    pub label: String,
    pub num: String,
    pub heading: Option<String>,
    pub score: f32,
}

/// A part or point of an aligned article pair, with its counterpart (or none).
#[derive(Debug, Clone, Serialize)]
pub struct PartPair {
    pub a: Option<ClauseRef>,
    pub b: Option<ClauseRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<Diff>,
}

/// An article of the first law aligned with an article of the other.
#[derive(Debug, Clone, Serialize)]
pub struct Match {
    pub a: ClauseRef,
    pub b: ClauseRef,
    /// In [0, 1].
    pub score: f32,
    pub relation: Relation,
    /// False for the second counterpart of an article (or of the other law's article).
    pub primary: bool,
    pub reason: Reason,
    /// The whole articles, word by word (or side by side).
    pub diff: Diff,
    /// Parts and points, aligned inside the pair, in the first article's order (the other's
    /// unaligned ones after their predecessor).
    pub parts: Vec<PartPair>,
    /// Next best articles of the other law above the threshold.
    pub alternatives: Vec<Candidate>,
}

/// An article with no counterpart, with the best candidate below the threshold if any.
#[derive(Debug, Clone, Serialize)]
pub struct Unaligned {
    pub clause: ClauseRef,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub best: Option<Candidate>,
}

/// The alignment of a first law with another.
#[derive(Debug, Clone, Serialize)]
pub struct Alignment {
    pub method: Method,
    /// The minimum score of an aligned pair (lexical method).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f32>,
    /// Caveats for the reader (languages differ, no text...).
    pub notes: Vec<String>,
    /// In the first law's order.
    pub matches: Vec<Match>,
    /// Articles of the first law with no counterpart in the other.
    pub unaligned_first: Vec<Unaligned>,
    /// Articles of the other law with no counterpart in the first.
    pub unaligned_other: Vec<Unaligned>,
}

/// Options of an alignment.
#[derive(Debug, Clone)]
pub struct AlignOptions {
    pub min_score: f32,
    pub diff: DiffOptions,
}

impl Default for AlignOptions {
    fn default() -> Self {
        AlignOptions {
            min_score: MIN_SCORE,
            diff: DiffOptions::default(),
        }
    }
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

// ---------------------------------------------------------------------------------------------
// Prepared texts

struct Part<'a> {
    clause: &'a Clause,
    counts: Vec<(u32, u32)>,
    vec: Sparse,
}

struct Art<'a> {
    clause: &'a Clause,
    full: String,
    ids: Vec<u32>,
    counts: Vec<(u32, u32)>,
    heading_counts: Vec<(u32, u32)>,
    vec: Sparse,
    hvec: Sparse,
    /// Indices (into the pair's shared terms) of the terms this article uses.
    terms: Vec<usize>,
    defines: bool,
    parts: Vec<Part<'a>>,
    /// Repealed, or without any content word: never aligned.
    inert: bool,
}

struct Side<'a> {
    law: &'a StoredLaw,
    reduction: Reduction,
    arts: Vec<Art<'a>>,
    /// Terms defined by the law (stem ids, as printed).
    defined: Vec<(Vec<u32>, String)>,
}

fn content_ids(
    text: &str,
    reduction: Reduction,
    stemmer: Option<&frostem::Stemmer>,
    vocab: &mut Vocab,
) -> Vec<u32> {
    text::words(text, reduction, stemmer)
        .into_iter()
        .filter(|w| w.content)
        .map(|w| vocab.id(&w.key, &w.normalised))
        .collect()
}

fn prepare<'a>(law: &'a StoredLaw, vocab: &mut Vocab) -> Side<'a> {
    let reduction = text::reduction_for(law.law.lang.as_deref());
    let stemmer = text::stemmer_for(reduction);
    let mut arts = Vec::new();
    let mut defined: Vec<(Vec<u32>, String)> = Vec::new();
    let mut defined_seen: HashSet<Vec<u32>> = HashSet::new();
    for clause in text::articles(law) {
        let full = text::full_text(law, clause);
        let ids = content_ids(&full, reduction, stemmer.as_ref(), vocab);
        let heading_ids = clause
            .heading
            .as_deref()
            .map(|h| content_ids(h, reduction, stemmer.as_ref(), vocab))
            .unwrap_or_default();
        let defines = text::is_definitions(clause.heading.as_deref(), &full);
        if defines {
            for t in text::defined_terms(&full, reduction, stemmer.as_ref()) {
                // Terms are matched on content words only, as texts are.
                let key: Vec<u32> = t
                    .key
                    .iter()
                    .zip(text::words(&t.term, reduction, stemmer.as_ref()))
                    .filter(|(_, w)| w.content)
                    .map(|(k, w)| vocab.id(k, &w.normalised))
                    .collect();
                if !key.is_empty() && defined_seen.insert(key.clone()) {
                    defined.push((key, t.term));
                }
            }
        }
        let parts = text::descendants(law, clause)
            .into_iter()
            .filter(|c| text::is_inner(c.kind))
            .map(|c| {
                let ids = content_ids(&c.text, reduction, stemmer.as_ref(), vocab);
                Part {
                    clause: c,
                    counts: text::counts(&ids),
                    vec: Vec::new(),
                }
            })
            .filter(|p| !p.counts.is_empty())
            .collect();
        let inert = text::is_repealed(clause) || ids.is_empty();
        arts.push(Art {
            clause,
            full,
            counts: text::counts(&ids),
            ids,
            heading_counts: text::counts(&heading_ids),
            vec: Vec::new(),
            hvec: Vec::new(),
            terms: Vec::new(),
            defines,
            parts,
            inert,
        });
    }
    Side {
        law,
        reduction,
        arts,
        defined,
    }
}

/// Weigh every text of both sides with one idf (over the articles of both laws).
fn weigh<'a>(a: &mut Side<'a>, b: &mut Side<'a>, vocab_len: usize) {
    let docs: Vec<&[(u32, u32)]> = a
        .arts
        .iter()
        .chain(b.arts.iter())
        .map(|x| x.counts.as_slice())
        .collect();
    let idf = text::idf(&docs, vocab_len);
    for side in [a, b] {
        for art in &mut side.arts {
            art.vec = text::tfidf(&art.counts, &idf);
            art.hvec = text::tfidf(&art.heading_counts, &idf);
            for p in &mut art.parts {
                p.vec = text::tfidf(&p.counts, &idf);
            }
        }
    }
}

/// Terms both laws define; each article learns which of them it uses. A term used by more than
/// [`UBIQUITOUS_SHARE`] of either law's articles ("персональные данные" in a personal data law)
/// tells nothing about a pair and is left out of scores and reasons, except between two
/// definitions articles.
fn shared_terms<'a>(a: &mut Side<'a>, b: &mut Side<'a>) -> (Vec<String>, Vec<bool>) {
    let b_keys: HashSet<&Vec<u32>> = b.defined.iter().map(|(k, _)| k).collect();
    let shared: Vec<(Vec<u32>, String)> = a
        .defined
        .iter()
        .filter(|(k, _)| b_keys.contains(k))
        .cloned()
        .collect();
    let mut ubiquitous = vec![false; shared.len()];
    for side in [a, b] {
        let mut used = vec![0usize; shared.len()];
        let mut live = 0usize;
        for art in &mut side.arts {
            art.terms = shared
                .iter()
                .enumerate()
                .filter(|(_, (k, _))| text::contains_run(&art.ids, k))
                .map(|(i, _)| i)
                .collect();
            if !art.inert {
                live += 1;
                for &t in &art.terms {
                    used[t] += 1;
                }
            }
        }
        for (t, &n) in used.iter().enumerate() {
            if n as f32 > UBIQUITOUS_SHARE * live as f32 {
                ubiquitous[t] = true;
            }
        }
    }
    (shared.into_iter().map(|(_, t)| t).collect(), ubiquitous)
}

struct Score {
    total: f32,
    text: f32,
    heading: Option<f32>,
    terms: Vec<usize>,
}

fn score(x: &Art, y: &Art, ubiquitous: &[bool]) -> Score {
    let text = text::dot(&x.vec, &y.vec);
    let heading = (!x.hvec.is_empty() && !y.hvec.is_empty()).then(|| text::dot(&x.hvec, &y.hvec));
    let both_define = x.defines && y.defines;
    let terms: Vec<usize> = x
        .terms
        .iter()
        .filter(|&&t| y.terms.contains(&t) && (both_define || !ubiquitous[t]))
        .copied()
        .collect();
    let mut total = match heading {
        Some(h) => 0.75 * text + 0.25 * h,
        None => text,
    };
    // Terms both laws define: using the same ones is evidence; defining the same ones is strong
    // evidence (two definitions articles).
    let term_bonus = if x.defines && y.defines && terms.len() >= 2 {
        0.3
    } else {
        0.02 * terms.len().min(5) as f32
    };
    total = (total + term_bonus).min(1.0);
    Score {
        total,
        text,
        heading,
        terms,
    }
}

fn relation(cov_a: f32, cov_b: f32) -> Relation {
    const HIGH: f32 = 0.7;
    const GAP: f32 = 0.25;
    if cov_a >= HIGH && cov_b >= HIGH {
        Relation::Equivalent
    } else if cov_a >= HIGH && cov_b + GAP <= cov_a {
        Relation::Narrower
    } else if cov_b >= HIGH && cov_a + GAP <= cov_b {
        Relation::Broader
    } else {
        Relation::Partial
    }
}

fn candidate(art: &Art, score: f32) -> Candidate {
    Candidate {
        eid: art.clause.eid.clone(),
        label: art.clause.label.clone(),
        num: art.clause.num.clone(),
        heading: art.clause.heading.clone(),
        score: round3(score),
    }
}

fn art_ref(law: &StoredLaw, art: &Art) -> ClauseRef {
    clause_ref(law, art.clause, art.full.clone())
}

/// Align the articles of `a` (the first law) with those of `b` by the words they share.
pub fn lexical(a: &StoredLaw, b: &StoredLaw, opts: &AlignOptions) -> Alignment {
    let mut vocab = Vocab::default();
    let mut sa = prepare(a, &mut vocab);
    let mut sb = prepare(b, &mut vocab);
    weigh(&mut sa, &mut sb, vocab.stems.len());
    let (terms, ubiquitous) = shared_terms(&mut sa, &mut sb);

    let mut notes = Vec::new();
    if sa.reduction != sb.reduction {
        notes.push(format!(
            "the laws are in different languages ({}, {}): alignment by shared words finds little \
             across languages; compare editions in one language",
            a.law.lang.as_deref().unwrap_or("?"),
            b.law.lang.as_deref().unwrap_or("?")
        ));
    }

    // Every pair's score; candidates above the threshold, best first, ties by position.
    let n = sa.arts.len();
    let m = sb.arts.len();
    let mut scores = vec![0f32; n * m];
    let mut cands: Vec<(f32, usize, usize)> = Vec::new();
    for (i, x) in sa.arts.iter().enumerate() {
        if x.inert {
            continue;
        }
        for (j, y) in sb.arts.iter().enumerate() {
            if y.inert {
                continue;
            }
            let s = score(x, y, &ubiquitous).total;
            scores[i * m + j] = s;
            if s >= opts.min_score {
                cands.push((s, i, j));
            }
        }
    }
    cands.sort_by(|p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));

    // One to one, greedily by score.
    let mut a_to: Vec<Option<usize>> = vec![None; n];
    let mut b_to: Vec<Option<usize>> = vec![None; m];
    let mut pairs: Vec<(usize, usize, bool)> = Vec::new();
    for &(_, i, j) in &cands {
        if a_to[i].is_none() && b_to[j].is_none() {
            a_to[i] = Some(j);
            b_to[j] = Some(i);
            pairs.push((i, j, true));
        }
    }
    // One-to-one-ish: an article left over whose best counterpart is taken, but answers it almost
    // as well as that counterpart's own match, becomes a second match.
    let primary_score = |i: usize, j: usize| scores[i * m + j];
    let mut extra: Vec<(usize, usize, bool)> = Vec::new();
    for j in 0..m {
        if b_to[j].is_some() || sb.arts[j].inert {
            continue;
        }
        let best = (0..n).filter(|&i| a_to[i].is_some()).max_by(|&p, &q| {
            scores[p * m + j]
                .total_cmp(&scores[q * m + j])
                .then(q.cmp(&p))
        });
        if let Some(i) = best {
            let s = scores[i * m + j];
            let own = primary_score(i, a_to[i].unwrap_or(0));
            if s >= MIN_SECOND_SCORE.max(opts.min_score) && s >= SECOND_MATCH_RATIO * own {
                extra.push((i, j, false));
            }
        }
    }
    for i in 0..n {
        if a_to[i].is_some() || sa.arts[i].inert {
            continue;
        }
        let best = (0..m).filter(|&j| b_to[j].is_some()).max_by(|&p, &q| {
            scores[i * m + p]
                .total_cmp(&scores[i * m + q])
                .then(q.cmp(&p))
        });
        if let Some(j) = best {
            let s = scores[i * m + j];
            let own = b_to[j].map_or(0.0, |k| primary_score(k, j));
            if s >= MIN_SECOND_SCORE.max(opts.min_score) && s >= SECOND_MATCH_RATIO * own {
                extra.push((i, j, false));
            }
        }
    }
    let extra_a: HashSet<usize> = extra.iter().map(|e| e.0).collect();
    let extra_b: HashSet<usize> = extra.iter().map(|e| e.1).collect();
    pairs.extend(extra);
    // In the first law's order; a second match after the first.
    pairs.sort_by_key(|&(i, j, primary)| (i, !primary, j));

    let matches = pairs
        .iter()
        .map(|&(i, j, primary)| {
            let (x, y) = (&sa.arts[i], &sb.arts[j]);
            let sc = score(x, y, &ubiquitous);
            let alternatives = {
                let mut alts: Vec<(f32, usize)> = (0..m)
                    .filter(|&k| k != j && scores[i * m + k] >= opts.min_score)
                    .map(|k| (scores[i * m + k], k))
                    .collect();
                alts.sort_by(|p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)));
                alts.into_iter()
                    .take(2)
                    .map(|(s, k)| candidate(&sb.arts[k], s))
                    .collect()
            };
            build_match(
                &sa,
                &sb,
                x,
                y,
                &sc,
                &terms,
                &vocab,
                primary,
                alternatives,
                opts,
            )
        })
        .collect();

    let unaligned_first = (0..n)
        .filter(|&i| a_to[i].is_none() && !extra_a.contains(&i))
        .map(|i| {
            let best = (0..m)
                .filter(|&j| scores[i * m + j] > 0.0)
                .max_by(|&p, &q| {
                    scores[i * m + p]
                        .total_cmp(&scores[i * m + q])
                        .then(q.cmp(&p))
                })
                .map(|j| candidate(&sb.arts[j], scores[i * m + j]));
            Unaligned {
                clause: art_ref(a, &sa.arts[i]),
                best,
            }
        })
        .collect();
    let unaligned_other = (0..m)
        .filter(|&j| b_to[j].is_none() && !extra_b.contains(&j))
        .map(|j| {
            let best = (0..n)
                .filter(|&i| scores[i * m + j] > 0.0)
                .max_by(|&p, &q| {
                    scores[p * m + j]
                        .total_cmp(&scores[q * m + j])
                        .then(q.cmp(&p))
                })
                .map(|i| candidate(&sa.arts[i], scores[i * m + j]));
            Unaligned {
                clause: art_ref(b, &sb.arts[j]),
                best,
            }
        })
        .collect();

    Alignment {
        method: Method::Lexical,
        threshold: Some(opts.min_score),
        notes,
        matches,
        unaligned_first,
        unaligned_other,
    }
}

#[allow(clippy::too_many_arguments)]
fn build_match(
    sa: &Side,
    sb: &Side,
    x: &Art,
    y: &Art,
    sc: &Score,
    terms: &[String],
    vocab: &Vocab,
    primary: bool,
    alternatives: Vec<Candidate>,
    opts: &AlignOptions,
) -> Match {
    let cov = [
        text::coverage(&x.vec, &y.vec),
        text::coverage(&y.vec, &x.vec),
    ];
    let mut stems = text::shared(&x.vec, &y.vec);
    stems.sort_by(|p, q| q.1.total_cmp(&p.1).then(p.0.cmp(&q.0)));
    let shared_stems: Vec<SharedStem> = stems
        .iter()
        .take(REASON_STEMS)
        .map(|&(id, w)| SharedStem {
            stem: vocab.stems[id as usize].clone(),
            word: vocab.form(id).to_string(),
            weight: round3(w),
        })
        .collect();
    let shared_terms: Vec<String> = sc.terms.iter().map(|&t| terms[t].clone()).collect();
    let both_define = x.defines && y.defines;
    let mut summary = Vec::new();
    if both_define && !shared_terms.is_empty() {
        summary.push(format!(
            "both are definitions articles and define {} common term{}",
            shared_terms.len(),
            if shared_terms.len() == 1 { "" } else { "s" }
        ));
    } else if !shared_terms.is_empty() {
        summary.push(format!(
            "shared defined terms: {}",
            shared_terms
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if !shared_stems.is_empty() {
        summary.push(format!(
            "shared stems: {}",
            shared_stems
                .iter()
                .map(|s| s.word.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    match sc.heading {
        Some(h) if h >= 0.3 => summary.push(format!("similar headings ({h:.2})")),
        _ => {}
    }
    summary.push(format!("text similarity {:.2}", sc.text));
    let reason = Reason {
        summary: summary.join("; "),
        text_similarity: Some(round3(sc.text)),
        heading_similarity: sc.heading.map(round3),
        coverage: Some([round3(cov[0]), round3(cov[1])]),
        shared_terms,
        both_define,
        shared_stems,
        topics: Vec::new(),
    };
    let diff = diff::diff(&x.full, &y.full, sa.reduction, &opts.diff);
    let parts = align_parts(sa, sb, x, y, opts);
    Match {
        a: art_ref(sa.law, x),
        b: art_ref(sb.law, y),
        score: round3(sc.total),
        relation: relation(cov[0], cov[1]),
        primary,
        reason,
        diff,
        parts,
        alternatives,
    }
}

/// Parts and points of an aligned pair, one to one by cosine, in the first article's order with
/// the other's unaligned ones after the part their predecessor is aligned with.
fn align_parts(sa: &Side, sb: &Side, x: &Art, y: &Art, opts: &AlignOptions) -> Vec<PartPair> {
    if x.parts.is_empty() || y.parts.is_empty() {
        return Vec::new();
    }
    let (n, m) = (x.parts.len(), y.parts.len());
    let mut cands: Vec<(f32, usize, usize)> = Vec::new();
    for (i, p) in x.parts.iter().enumerate() {
        for (j, q) in y.parts.iter().enumerate() {
            let s = text::dot(&p.vec, &q.vec);
            if s >= MIN_PART_SCORE {
                cands.push((s, i, j));
            }
        }
    }
    cands.sort_by(|p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    let mut a_to: Vec<Option<(usize, f32)>> = vec![None; n];
    let mut b_taken = vec![false; m];
    for (s, i, j) in cands {
        if a_to[i].is_none() && !b_taken[j] {
            a_to[i] = Some((j, s));
            b_taken[j] = true;
        }
    }
    // The other's unaligned parts go after the part of the other article aligned just before them.
    let mut after: HashMap<Option<usize>, Vec<usize>> = HashMap::new();
    for j in (0..m).filter(|&j| !b_taken[j]) {
        let anchor = (0..j).rev().find(|&k| b_taken[k]);
        let at = anchor.and_then(|k| a_to.iter().position(|t| t.is_some_and(|(jj, _)| jj == k)));
        after.entry(at).or_default().push(j);
    }
    let part_ref = |law: &StoredLaw, c: &Clause| clause_ref(law, c, c.text.trim().to_string());
    let lone_b = |j: usize| PartPair {
        a: None,
        b: Some(part_ref(sb.law, y.parts[j].clause)),
        score: None,
        diff: None,
    };
    let mut out: Vec<PartPair> = Vec::new();
    if let Some(js) = after.get(&None) {
        out.extend(js.iter().map(|&j| lone_b(j)));
    }
    for (i, p) in x.parts.iter().enumerate() {
        match a_to[i] {
            Some((j, s)) => {
                let q = &y.parts[j];
                out.push(PartPair {
                    a: Some(part_ref(sa.law, p.clause)),
                    b: Some(part_ref(sb.law, q.clause)),
                    score: Some(round3(s)),
                    diff: Some(diff::diff(
                        p.clause.text.trim(),
                        q.clause.text.trim(),
                        sa.reduction,
                        &opts.diff,
                    )),
                });
            }
            None => out.push(PartPair {
                a: Some(part_ref(sa.law, p.clause)),
                b: None,
                score: None,
                diff: None,
            }),
        }
        if let Some(js) = after.get(&Some(i)) {
            out.extend(js.iter().map(|&j| lone_b(j)));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Parallel-language view

/// The eId without its containers: `chp_2__art_8__para_1` -> `art_8__para_1`, so an edition with
/// chapters meets one without.
fn structural_key(eid: &str) -> String {
    let levels: Vec<&str> = eid.split("__").collect();
    let from = levels
        .iter()
        .position(|l| {
            !(l.starts_with("part_")
                || l.starts_with("chp_")
                || l.starts_with("sec_")
                || l.starts_with("title_"))
        })
        .unwrap_or(0);
    levels[from..].join("__")
}

/// Two language editions of one law, clause by clause: articles by eId, then by number; inside
/// each pair, parts and points by their eId below the article, then by number. No words compared.
pub fn parallel(a: &StoredLaw, b: &StoredLaw, opts: &AlignOptions) -> Alignment {
    let arts_a = text::articles(a);
    let arts_b = text::articles(b);
    let mut b_taken = vec![false; arts_b.len()];
    let mut pairs: Vec<(usize, usize, &'static str)> = Vec::new();
    let mut a_done = vec![false; arts_a.len()];
    let by_eid: HashMap<&str, usize> = arts_b
        .iter()
        .enumerate()
        .map(|(j, c)| (c.eid.as_str(), j))
        .collect();
    for (i, c) in arts_a.iter().enumerate() {
        if let Some(&j) = by_eid.get(c.eid.as_str()) {
            pairs.push((i, j, "eid"));
            b_taken[j] = true;
            a_done[i] = true;
        }
    }
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (j, c) in arts_b.iter().enumerate() {
        if !b_taken[j] {
            by_key.entry(structural_key(&c.eid)).or_default().push(j);
        }
    }
    for (i, c) in arts_a.iter().enumerate() {
        if a_done[i] {
            continue;
        }
        let key = structural_key(&c.eid);
        let found = by_key
            .get_mut(&key)
            .and_then(|v| (!v.is_empty()).then(|| v.remove(0)))
            .or_else(|| {
                // Last resort: the same printed number anywhere.
                let num = clean_num(&c.num);
                (0..arts_b.len()).find(|&j| !b_taken[j] && clean_num(&arts_b[j].num) == num)
            });
        if let Some(j) = found {
            if !b_taken[j] {
                pairs.push((i, j, "number"));
                b_taken[j] = true;
                a_done[i] = true;
            }
        }
    }
    pairs.sort_by_key(|p| p.0);
    let same_lang = a.law.lang == b.law.lang;
    let reduction = text::reduction_for(a.law.lang.as_deref());
    let pair_diff = |x: &str, y: &str| {
        if same_lang {
            diff::diff(x, y, reduction, &opts.diff)
        } else {
            Diff::fallback(Fallback::DifferentLanguages, None)
        }
    };
    let matches = pairs
        .iter()
        .map(|&(i, j, how)| {
            let (x, y) = (arts_a[i], arts_b[j]);
            let (full_x, full_y) = (text::full_text(a, x), text::full_text(b, y));
            let summary = if how == "eid" {
                format!("same eId {} in both editions", x.eid)
            } else {
                format!("same article number {}", clean_num(&x.num))
            };
            Match {
                a: clause_ref(a, x, full_x.clone()),
                b: clause_ref(b, y, full_y.clone()),
                score: if how == "eid" { 1.0 } else { 0.9 },
                relation: Relation::Equivalent,
                primary: true,
                reason: Reason {
                    summary,
                    text_similarity: None,
                    heading_similarity: None,
                    coverage: None,
                    shared_terms: Vec::new(),
                    both_define: false,
                    shared_stems: Vec::new(),
                    topics: Vec::new(),
                },
                diff: pair_diff(&full_x, &full_y),
                parts: parallel_parts(a, b, x, y, &pair_diff),
                alternatives: Vec::new(),
            }
        })
        .collect();
    let unaligned = |law: &StoredLaw, arts: &[&Clause], done: &dyn Fn(usize) -> bool| {
        arts.iter()
            .enumerate()
            .filter(|(k, _)| !done(*k))
            .map(|(_, c)| Unaligned {
                clause: clause_ref(law, c, text::full_text(law, c)),
                best: None,
            })
            .collect::<Vec<_>>()
    };
    let mut notes = Vec::new();
    if !same_lang {
        notes.push(format!(
            "parallel-language view: editions in {} and {} matched by article number and structure, \
             not by words",
            a.law.lang.as_deref().unwrap_or("?"),
            b.law.lang.as_deref().unwrap_or("?")
        ));
    }
    Alignment {
        method: Method::ParallelLanguage,
        threshold: None,
        notes,
        matches,
        unaligned_first: unaligned(a, &arts_a, &|k| a_done[k]),
        unaligned_other: unaligned(b, &arts_b, &|k| b_taken[k]),
    }
}

fn parallel_parts(
    a: &StoredLaw,
    b: &StoredLaw,
    x: &Clause,
    y: &Clause,
    pair_diff: &dyn Fn(&str, &str) -> Diff,
) -> Vec<PartPair> {
    let pa: Vec<&Clause> = text::descendants(a, x);
    let pb: Vec<&Clause> = text::descendants(b, y);
    if pa.is_empty() && pb.is_empty() {
        return Vec::new();
    }
    let rel = |c: &Clause, art: &Clause| c.eid[art.eid.len()..].to_string();
    let mut b_taken = vec![false; pb.len()];
    let by_rel: HashMap<String, usize> =
        pb.iter().enumerate().map(|(j, c)| (rel(c, y), j)).collect();
    let part_ref = |law: &StoredLaw, c: &Clause| clause_ref(law, c, c.text.trim().to_string());
    let mut out = Vec::new();
    for c in &pa {
        match by_rel.get(&rel(c, x)).copied().filter(|&j| !b_taken[j]) {
            Some(j) => {
                b_taken[j] = true;
                out.push(PartPair {
                    a: Some(part_ref(a, c)),
                    b: Some(part_ref(b, pb[j])),
                    score: Some(1.0),
                    diff: Some(pair_diff(c.text.trim(), pb[j].text.trim())),
                });
            }
            None => out.push(PartPair {
                a: Some(part_ref(a, c)),
                b: None,
                score: None,
                diff: None,
            }),
        }
    }
    for (j, c) in pb.iter().enumerate() {
        if !b_taken[j] {
            out.push(PartPair {
                a: None,
                b: Some(part_ref(b, c)),
                score: None,
                diff: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structural_keys_drop_containers() {
        assert_eq!(structural_key("chp_2__art_8__para_1"), "art_8__para_1");
        assert_eq!(structural_key("part_1__chp_2__sec_3__art_8"), "art_8");
        assert_eq!(structural_key("art_8"), "art_8");
    }

    #[test]
    fn relations_from_coverage() {
        assert_eq!(relation(0.9, 0.8), Relation::Equivalent);
        assert_eq!(relation(0.9, 0.4), Relation::Narrower);
        assert_eq!(relation(0.3, 0.8), Relation::Broader);
        assert_eq!(relation(0.5, 0.5), Relation::Partial);
    }
}
