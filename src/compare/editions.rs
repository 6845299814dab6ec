//! Two editions of one law (same work, different edition dates): which articles were added,
//! removed, repealed, renumbered or changed, each changed one with its redline.
//!
//! Matching, in this order, so a renumbered article is never reported as removed plus added:
//! 1. same number and the same words (heading and text, normalised): unchanged;
//! 2. the same words under another number: renumbered;
//! 3. same number, in force in the old edition and repealed in the new: repealed;
//! 4. the rest by similarity of stems (cosine at least [`MIN_SIMILARITY`]), the same number
//!    counting in a pair's favour: changed (same number) or renumbered and changed;
//! 5. what is left: removed (old) and added (new).

use std::collections::HashMap;

use serde::Serialize;

use super::align::{AlignOptions, Alignment, Match, Method, Reason, Relation, Unaligned};
use super::diff::{self, Diff};
use super::text::{self, Vocab};
use super::{clause_ref, ClauseRef};
use crate::library::StoredLaw;
use crate::model::{clean_num, Clause};

/// Articles less similar than this are not taken for two editions of one article.
pub const MIN_SIMILARITY: f32 = 0.5;
/// What keeping its number adds to a pair's similarity when pairs compete.
const SAME_NUMBER_BONUS: f32 = 0.25;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Unchanged,
    Changed,
    Renumbered,
    Repealed,
}

/// An article present in both editions.
#[derive(Debug, Clone, Serialize)]
pub struct EditionChange {
    pub kind: ChangeKind,
    pub old: ClauseRef,
    pub new: ClauseRef,
    /// For a renumbered article: whether its words changed too.
    pub text_changed: bool,
    /// Heading and text, old against new.
    pub diff: Diff,
}

/// What changed between two editions.
#[derive(Debug, Clone, Serialize)]
pub struct EditionsReport {
    pub old_uri: String,
    pub new_uri: String,
    pub old_edition: Option<String>,
    pub new_edition: Option<String>,
    pub added: Vec<ClauseRef>,
    pub removed: Vec<ClauseRef>,
    pub repealed: Vec<EditionChange>,
    pub renumbered: Vec<EditionChange>,
    pub changed: Vec<EditionChange>,
    /// Articles with the same number and words in both editions.
    pub unchanged: usize,
}

impl EditionsReport {
    /// Added + removed + repealed + renumbered + changed.
    pub fn change_count(&self) -> usize {
        self.added.len()
            + self.removed.len()
            + self.repealed.len()
            + self.renumbered.len()
            + self.changed.len()
    }
}

struct Art<'a> {
    clause: &'a Clause,
    num: String,
    /// Heading and text, as compared and diffed.
    body: String,
    /// The words normalised, for identity.
    identity: String,
    vec: text::Sparse,
}

fn body(law: &StoredLaw, c: &Clause) -> String {
    let full = text::full_text(law, c);
    match c.heading.as_deref() {
        Some(h) if !h.trim().is_empty() => format!("{}\n{full}", h.trim()),
        _ => full,
    }
}

type Prepared<'a> = Vec<(Art<'a>, Vec<(u32, u32)>)>;

fn prepare<'a>(
    law: &'a StoredLaw,
    reduction: crate::search::analysis::Reduction,
    stemmer: Option<&frostem::Stemmer>,
    vocab: &mut Vocab,
) -> Prepared<'a> {
    text::articles(law)
        .into_iter()
        .map(|c| {
            let body = body(law, c);
            let ws = text::words(&body, reduction, stemmer);
            let identity = ws
                .iter()
                .map(|w| w.normalised.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let ids: Vec<u32> = ws
                .iter()
                .filter(|w| w.content)
                .map(|w| vocab.id(&w.key, &w.normalised))
                .collect();
            (
                Art {
                    clause: c,
                    num: clean_num(&c.num),
                    body,
                    identity,
                    vec: Vec::new(),
                },
                text::counts(&ids),
            )
        })
        .collect()
}

fn finish<'a>(v: Prepared<'a>, idf: &[f32]) -> Vec<Art<'a>> {
    v.into_iter()
        .map(|(mut a, counts)| {
            a.vec = text::tfidf(&counts, idf);
            a
        })
        .collect()
}

/// Compare two editions of one law: the report, and the same as an [`Alignment`] (unchanged,
/// changed, renumbered and repealed articles as matches; removed and added as unaligned) for the
/// side-by-side view.
pub fn compare(
    old: &StoredLaw,
    new: &StoredLaw,
    opts: &AlignOptions,
) -> (EditionsReport, Alignment) {
    let reduction = text::reduction_for(old.law.lang.as_deref());
    let stemmer = text::stemmer_for(reduction);
    let mut vocab = Vocab::default();
    let pa = prepare(old, reduction, stemmer.as_ref(), &mut vocab);
    let pb = prepare(new, reduction, stemmer.as_ref(), &mut vocab);
    let docs: Vec<&[(u32, u32)]> = pa
        .iter()
        .chain(pb.iter())
        .map(|(_, c)| c.as_slice())
        .collect();
    let idf = text::idf(&docs, vocab.stems.len());
    let a = finish(pa, &idf);
    let b = finish(pb, &idf);

    let mut a_to: Vec<Option<(usize, ChangeKind)>> = vec![None; a.len()];
    let mut b_taken = vec![false; b.len()];
    let b_by_num: HashMap<&str, usize> = b
        .iter()
        .enumerate()
        .map(|(j, x)| (x.num.as_str(), j))
        .collect();

    // 1. Same number, same words.
    for (i, x) in a.iter().enumerate() {
        if let Some(&j) = b_by_num.get(x.num.as_str()) {
            if b[j].identity == x.identity && !b_taken[j] {
                a_to[i] = Some((j, ChangeKind::Unchanged));
                b_taken[j] = true;
            }
        }
    }
    // 2. Same words, another number (in document order when several are alike).
    for (i, x) in a.iter().enumerate() {
        if a_to[i].is_some() || x.identity.is_empty() || text::is_repealed(x.clause) {
            continue;
        }
        if let Some(j) = (0..b.len()).find(|&j| !b_taken[j] && b[j].identity == x.identity) {
            a_to[i] = Some((j, ChangeKind::Renumbered));
            b_taken[j] = true;
        }
    }
    // 3. Repealed under the same number.
    for (i, x) in a.iter().enumerate() {
        if a_to[i].is_some() || text::is_repealed(x.clause) {
            continue;
        }
        if let Some(&j) = b_by_num.get(x.num.as_str()) {
            if !b_taken[j] && text::is_repealed(b[j].clause) {
                a_to[i] = Some((j, ChangeKind::Repealed));
                b_taken[j] = true;
            }
        }
    }
    // 4. By similarity, keeping the number counting in favour.
    let mut cands: Vec<(f32, usize, usize)> = Vec::new();
    for (i, x) in a.iter().enumerate() {
        if a_to[i].is_some() {
            continue;
        }
        for (j, y) in b.iter().enumerate() {
            if b_taken[j] {
                continue;
            }
            let same = x.num == y.num;
            let both_repealed = text::is_repealed(x.clause) && text::is_repealed(y.clause);
            let sim = text::dot(&x.vec, &y.vec);
            if sim >= MIN_SIMILARITY || (same && both_repealed) {
                let bonus = if same { SAME_NUMBER_BONUS } else { 0.0 };
                cands.push((sim + bonus, i, j));
            }
        }
    }
    cands.sort_by(|p, q| q.0.total_cmp(&p.0).then(p.1.cmp(&q.1)).then(p.2.cmp(&q.2)));
    for (_, i, j) in cands {
        if a_to[i].is_none() && !b_taken[j] {
            let kind = if a[i].num == b[j].num {
                if text::is_repealed(a[i].clause) && text::is_repealed(b[j].clause) {
                    ChangeKind::Unchanged
                } else {
                    ChangeKind::Changed
                }
            } else {
                ChangeKind::Renumbered
            };
            a_to[i] = Some((j, kind));
            b_taken[j] = true;
        }
    }

    // 5. The report and the alignment.
    let aref = |law: &StoredLaw, x: &Art| clause_ref(law, x.clause, text::full_text(law, x.clause));
    let mut report = EditionsReport {
        old_uri: old.uri().to_string(),
        new_uri: new.uri().to_string(),
        old_edition: old.law.edition.clone(),
        new_edition: new.law.edition.clone(),
        added: Vec::new(),
        removed: Vec::new(),
        repealed: Vec::new(),
        renumbered: Vec::new(),
        changed: Vec::new(),
        unchanged: 0,
    };
    let mut matches = Vec::new();
    let mut unaligned_first = Vec::new();
    for (i, x) in a.iter().enumerate() {
        let Some((j, kind)) = a_to[i] else {
            report.removed.push(aref(old, x));
            unaligned_first.push(Unaligned {
                clause: aref(old, x),
                best: None,
            });
            continue;
        };
        let y = &b[j];
        let text_changed = x.identity != y.identity;
        let d = diff::diff(&x.body, &y.body, reduction, &opts.diff);
        let change = EditionChange {
            kind,
            old: aref(old, x),
            new: aref(new, y),
            text_changed,
            diff: d.clone(),
        };
        let summary = match kind {
            ChangeKind::Unchanged => "same number, same text".to_string(),
            ChangeKind::Changed => "same number, text changed".to_string(),
            ChangeKind::Repealed => "repealed in the new edition".to_string(),
            ChangeKind::Renumbered if text_changed => format!(
                "renumbered {} -> {}, text changed",
                x.clause.num, y.clause.num
            ),
            ChangeKind::Renumbered => {
                format!("renumbered {} -> {}, same text", x.clause.num, y.clause.num)
            }
        };
        let sim = text::dot(&x.vec, &y.vec);
        matches.push(Match {
            a: change.old.clone(),
            b: change.new.clone(),
            score: if text_changed {
                (sim * 1000.0).round() / 1000.0
            } else {
                1.0
            },
            relation: if kind == ChangeKind::Repealed {
                Relation::Partial
            } else {
                Relation::Equivalent
            },
            primary: true,
            reason: Reason {
                summary,
                text_similarity: Some((sim * 1000.0).round() / 1000.0),
                heading_similarity: None,
                coverage: None,
                shared_terms: Vec::new(),
                both_define: false,
                shared_stems: Vec::new(),
                topics: Vec::new(),
            },
            diff: d,
            parts: Vec::new(),
            alternatives: Vec::new(),
        });
        match kind {
            ChangeKind::Unchanged => report.unchanged += 1,
            ChangeKind::Changed => report.changed.push(change),
            ChangeKind::Renumbered => report.renumbered.push(change),
            ChangeKind::Repealed => report.repealed.push(change),
        }
    }
    let mut unaligned_other = Vec::new();
    for (j, y) in b.iter().enumerate() {
        if !b_taken[j] {
            report.added.push(aref(new, y));
            unaligned_other.push(Unaligned {
                clause: aref(new, y),
                best: None,
            });
        }
    }
    let alignment = Alignment {
        method: Method::Editions,
        threshold: None,
        notes: vec![format!(
            "two editions of one law ({} -> {}): {} added, {} removed, {} repealed, {} renumbered, \
             {} changed, {} unchanged",
            old.law.edition.as_deref().unwrap_or("undated"),
            new.law.edition.as_deref().unwrap_or("undated"),
            report.added.len(),
            report.removed.len(),
            report.repealed.len(),
            report.renumbered.len(),
            report.changed.len(),
            report.unchanged
        )],
        matches,
        unaligned_first,
        unaligned_other,
    };
    (report, alignment)
}
