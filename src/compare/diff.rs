//! Word-level differences of two clause texts, with `similar` (DESIGN.md section 7, pitfall 11).
//!
//! - Texts are split into Unicode words (UAX #29, as the search index does) and the runs between
//!   them (spaces and punctuation). Words are compared by their stems, so "персональных данных"
//!   and "персональные данные" are equal and inflection is not shown as a change; the ops carry
//!   the original text of both sides.
//! - Every diff has a deadline (its own timeout, and the caller's overall deadline if sooner) and a
//!   size cap; a diff that hits either, or whose texts are too different to read inline (less than
//!   [`DiffOptions::min_similarity`] of their words in common), falls back to showing both texts side by
//!   side ([`Mode::SideBySide`], with the [`Fallback`] reason) and carries no ops.
//! - Changes are tidied for reading: a lone space, punctuation or function word between two
//!   changes joins them, and every change region reads as one deletion then one insertion.

use std::time::{Duration, Instant};

use serde::Serialize;

use super::text;
use crate::search::analysis::{self, Reduction};

/// Limits of one diff.
#[derive(Debug, Clone)]
pub struct DiffOptions {
    /// The time one diff may take.
    pub timeout: Duration,
    /// A deadline shared by every diff of a request (the sooner of the two applies).
    pub deadline: Option<Instant>,
    /// Texts longer than this (bytes, either side) are not diffed inline.
    pub max_bytes: usize,
    /// Below this share of common words the two texts are shown side by side.
    pub min_similarity: f32,
}

/// A clause longer than this is not redlined inline (the longest article of the real corpus is
/// about 60 KB).
pub const MAX_DIFF_BYTES: usize = 256 * 1024;

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            timeout: Duration::from_millis(250),
            deadline: None,
            max_bytes: MAX_DIFF_BYTES,
            min_similarity: 0.4,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// `ops` hold the whole redline.
    Inline,
    /// `ops` are empty: show both texts in full, side by side.
    SideBySide,
}

/// Why a diff is shown side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Fallback {
    /// Fewer words in common than `min_similarity`: too different to show inline.
    LowSimilarity,
    /// A text is longer than `max_bytes`.
    TooLarge,
    /// The diff ran out of time.
    Deadline,
    /// The texts are in different languages (a parallel-language view).
    DifferentLanguages,
}

impl Fallback {
    /// A short explanation for people.
    pub fn message(self) -> &'static str {
        match self {
            Fallback::LowSimilarity => "too different to show inline: both texts side by side",
            Fallback::TooLarge => "too long to compare word by word: both texts side by side",
            Fallback::Deadline => {
                "the word-by-word comparison ran out of time: both texts side by side"
            }
            Fallback::DifferentLanguages => "different languages: both texts side by side",
        }
    }
}

/// One piece of a redline, with the original text of each side it covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Op {
    /// The same words (by stem) on both sides; the forms may differ (inflection, spacing).
    Equal { old: String, new: String },
    /// In the old (first) text only.
    Delete { old: String },
    /// In the new (second) text only.
    Insert { new: String },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub mode: Mode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Fallback>,
    /// Share of words in common (2 × common / (old + new)), to 3 decimals; absent when not
    /// computed (too large, out of time). For texts too different to diff at all, the share of
    /// words in common regardless of order (an upper bound).
    pub similarity: Option<f32>,
    /// The diff was not computed to the end (too large, or out of time).
    pub coarse: bool,
    pub ops: Vec<Op>,
}

impl Diff {
    pub fn fallback(reason: Fallback, similarity: Option<f32>) -> Diff {
        Diff {
            mode: Mode::SideBySide,
            fallback: Some(reason),
            similarity,
            coarse: matches!(reason, Fallback::TooLarge | Fallback::Deadline),
            ops: Vec::new(),
        }
    }

    pub fn is_inline(&self) -> bool {
        self.mode == Mode::Inline
    }

    /// Whether the inline diff shows any change.
    pub fn has_changes(&self) -> bool {
        self.ops.iter().any(|o| !matches!(o, Op::Equal { .. }))
    }
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    start: usize,
    end: usize,
    id: u32,
    /// 0: a run between words; 1: a function word; 2: a content word.
    weight: u8,
}

fn intern(vocab: &mut std::collections::HashMap<String, u32>, key: String) -> u32 {
    let n = vocab.len() as u32;
    *vocab.entry(key).or_insert(n)
}

/// The run between two words as a token: spaces collapsed (a newline kept as one), punctuation
/// kept, marked apart from words.
fn gap_token(
    text: &str,
    from: usize,
    to: usize,
    vocab: &mut std::collections::HashMap<String, u32>,
) -> Option<Tok> {
    if from >= to {
        return None;
    }
    let mut key = String::from("\u{1}");
    let mut space = false;
    let mut newline = false;
    for c in text[from..to].chars() {
        if c.is_whitespace() {
            space = true;
            newline |= c == '\n';
            continue;
        }
        if space {
            key.push(if newline { '\n' } else { ' ' });
            space = false;
            newline = false;
        }
        key.push(c);
    }
    if space {
        key.push(if newline { '\n' } else { ' ' });
    }
    Some(Tok {
        start: from,
        end: to,
        id: intern(vocab, key),
        weight: 0,
    })
}

fn tokenize(
    text: &str,
    reduction: Reduction,
    stemmer: Option<&frostem::Stemmer>,
    vocab: &mut std::collections::HashMap<String, u32>,
) -> Vec<Tok> {
    let mut toks = Vec::new();
    let mut at = 0;
    for (start, end) in analysis::word_spans(text) {
        toks.extend(gap_token(text, at, start, vocab));
        let normalised = analysis::normalise_word(&text[start..end]);
        let key = analysis::reduce(&normalised, reduction, stemmer);
        let weight = if text::is_stopword(&normalised) || normalised.chars().count() <= 2 {
            1
        } else {
            2
        };
        toks.push(Tok {
            start,
            end,
            id: intern(vocab, key),
            weight,
        });
        at = end;
    }
    toks.extend(gap_token(text, at, text.len(), vocab));
    toks
}

/// The word-level diff of `old` against `new`, words compared by `reduction` (the texts'
/// language: see [`text::reduction_for`]).
pub fn diff(old: &str, new: &str, reduction: Reduction, opts: &DiffOptions) -> Diff {
    if old.len() > opts.max_bytes || new.len() > opts.max_bytes {
        return Diff::fallback(Fallback::TooLarge, None);
    }
    let started = Instant::now();
    let own = started.checked_add(opts.timeout).unwrap_or(started);
    let deadline = opts.deadline.map_or(own, |d| d.min(own));
    if started >= deadline {
        return Diff::fallback(Fallback::Deadline, None);
    }
    let stemmer = text::stemmer_for(reduction);
    let mut vocab = std::collections::HashMap::new();
    let a = tokenize(old, reduction, stemmer.as_ref(), &mut vocab);
    let b = tokenize(new, reduction, stemmer.as_ref(), &mut vocab);
    // Words in common regardless of order bound the diff's similarity from above: when even that
    // is too low, the diff (slow on very different texts) is not worth running.
    let words = |toks: &[Tok]| toks.iter().filter(|t| t.weight > 0).count();
    let total = words(&a) + words(&b);
    if total > 0 {
        let mut bag: std::collections::HashMap<u32, i32> = std::collections::HashMap::new();
        for t in a.iter().filter(|t| t.weight > 0) {
            *bag.entry(t.id).or_insert(0) += 1;
        }
        let mut common = 0usize;
        for t in b.iter().filter(|t| t.weight > 0) {
            if let Some(n) = bag.get_mut(&t.id) {
                if *n > 0 {
                    *n -= 1;
                    common += 1;
                }
            }
        }
        let bound = 2.0 * common as f32 / total as f32;
        if bound < opts.min_similarity {
            return Diff::fallback(
                Fallback::LowSimilarity,
                Some((bound * 1000.0).round() / 1000.0),
            );
        }
    }
    let a_ids: Vec<u32> = a.iter().map(|t| t.id).collect();
    let b_ids: Vec<u32> = b.iter().map(|t| t.id).collect();
    let ops = similar::capture_diff_slices_deadline(
        similar::Algorithm::Patience,
        &a_ids,
        &b_ids,
        Some(deadline),
    );
    if Instant::now() > deadline {
        return Diff::fallback(Fallback::Deadline, None);
    }

    let mut common = 0usize;
    for op in &ops {
        if let similar::DiffOp::Equal { old_index, len, .. } = *op {
            common += words(&a[old_index..old_index + len]);
        }
    }
    let similarity = if total == 0 {
        1.0
    } else {
        2.0 * common as f32 / total as f32
    };
    let similarity = (similarity * 1000.0).round() / 1000.0;
    if similarity < opts.min_similarity {
        return Diff::fallback(Fallback::LowSimilarity, Some(similarity));
    }

    // Segments over token ranges: (equal?, old range, new range).
    let mut segs: Vec<(bool, std::ops::Range<usize>, std::ops::Range<usize>)> = Vec::new();
    for op in &ops {
        let (old_r, new_r) = (op.old_range(), op.new_range());
        let equal = matches!(op, similar::DiffOp::Equal { .. });
        segs.push((equal, old_r, new_r));
    }
    // A lone run of spaces, punctuation or one short function word between two changes joins them.
    for i in 1..segs.len().saturating_sub(1) {
        if segs[i].0 && !segs[i - 1].0 && !segs[i + 1].0 {
            let toks = &a[segs[i].1.clone()];
            let content = toks.iter().filter(|t| t.weight == 2).count();
            let function = toks.iter().filter(|t| t.weight == 1).count();
            if content == 0 && function <= 1 {
                segs[i].0 = false;
            }
        }
    }
    let text_of = |toks: &[Tok], src: &str, r: &std::ops::Range<usize>| -> String {
        if r.is_empty() {
            String::new()
        } else {
            src[toks[r.start].start..toks[r.end - 1].end].to_string()
        }
    };
    let mut out: Vec<Op> = Vec::new();
    let mut i = 0;
    while i < segs.len() {
        if segs[i].0 {
            let (_, o, n) = &segs[i];
            out.push(Op::Equal {
                old: text_of(&a, old, o),
                new: text_of(&b, new, n),
            });
            i += 1;
            continue;
        }
        let (mut o_start, mut o_end) = (segs[i].1.start, segs[i].1.end);
        let (mut n_start, mut n_end) = (segs[i].2.start, segs[i].2.end);
        while i < segs.len() && !segs[i].0 {
            o_start = o_start.min(segs[i].1.start);
            o_end = o_end.max(segs[i].1.end);
            n_start = n_start.min(segs[i].2.start);
            n_end = n_end.max(segs[i].2.end);
            i += 1;
        }
        if o_end > o_start {
            out.push(Op::Delete {
                old: text_of(&a, old, &(o_start..o_end)),
            });
        }
        if n_end > n_start {
            out.push(Op::Insert {
                new: text_of(&b, new, &(n_start..n_end)),
            });
        }
    }
    Diff {
        mode: Mode::Inline,
        fallback: None,
        similarity: Some(similarity),
        coarse: false,
        ops: out,
    }
}

/// A redline for a terminal, as wdiff prints it: `[-deleted-]{+inserted+}`; the new text's words
/// where both sides have the same words.
pub fn render_text(d: &Diff) -> String {
    let mut s = String::new();
    for op in &d.ops {
        match op {
            Op::Equal { new, .. } => s.push_str(new),
            Op::Delete { old } => {
                s.push_str("[-");
                s.push_str(old);
                s.push_str("-]");
            }
            Op::Insert { new } => {
                s.push_str("{+");
                s.push_str(new);
                s.push_str("+}");
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rus() -> Reduction {
        text::reduction_for(Some("rus"))
    }

    #[test]
    fn inflection_is_not_a_change_and_originals_are_kept() {
        let d = diff(
            "Оператор обрабатывает персональные данные субъекта.",
            "Оператор обрабатывает персональных данных субъекта письменно.",
            rus(),
            &DiffOptions::default(),
        );
        assert!(d.is_inline(), "{d:?}");
        assert_eq!(
            d.ops,
            [
                Op::Equal {
                    old: "Оператор обрабатывает персональные данные субъекта".into(),
                    new: "Оператор обрабатывает персональных данных субъекта".into()
                },
                Op::Insert {
                    new: " письменно".into()
                },
                Op::Equal {
                    old: ".".into(),
                    new: ".".into()
                },
            ]
        );
        assert_eq!(
            render_text(&d),
            "Оператор обрабатывает персональных данных субъекта{+ письменно+}."
        );
    }

    #[test]
    fn a_changed_sentence_reads_as_one_deletion_and_one_insertion() {
        let d = diff(
            "Срок хранения составляет три года. Иное не допускается.",
            "Срок хранения составляет пять лет. Иное не допускается.",
            rus(),
            &DiffOptions::default(),
        );
        assert!(d.is_inline());
        let changes: Vec<&Op> = d
            .ops
            .iter()
            .filter(|o| !matches!(o, Op::Equal { .. }))
            .collect();
        assert_eq!(
            changes,
            [
                &Op::Delete {
                    old: "три года".into()
                },
                &Op::Insert {
                    new: "пять лет".into()
                }
            ]
        );
    }

    #[test]
    fn different_texts_fall_back_to_side_by_side() {
        let d = diff(
            "Оператор обязан уведомить уполномоченный орган.",
            "Настоящий закон вступает в силу со дня опубликования.",
            rus(),
            &DiffOptions::default(),
        );
        assert_eq!(d.mode, Mode::SideBySide);
        assert_eq!(d.fallback, Some(Fallback::LowSimilarity));
        assert!(d.ops.is_empty() && !d.coarse);
    }

    #[test]
    fn size_cap_and_deadline_give_coarse_results() {
        let long = "слово ".repeat(100);
        let small = DiffOptions {
            max_bytes: 100,
            ..DiffOptions::default()
        };
        let d = diff(&long, "слово", rus(), &small);
        assert_eq!(d.fallback, Some(Fallback::TooLarge));
        assert!(d.coarse);
        let past = DiffOptions {
            deadline: Some(Instant::now()),
            ..DiffOptions::default()
        };
        let d = diff("а б", "а в", rus(), &past);
        assert_eq!(d.fallback, Some(Fallback::Deadline));
        assert!(d.coarse);
    }

    #[test]
    fn ops_rebuild_both_texts() {
        let old = "  1. Оператор обязан, в течение трех дней,\nуведомить орган.  ";
        let new = "1. Оператор вправе в течение пяти рабочих дней уведомить уполномоченный орган;";
        let d = diff(old, new, rus(), &DiffOptions::default());
        assert!(d.is_inline(), "{d:?}");
        let (mut a, mut b) = (String::new(), String::new());
        for op in &d.ops {
            match op {
                Op::Equal { old, new } => {
                    a.push_str(old);
                    b.push_str(new);
                }
                Op::Delete { old } => a.push_str(old),
                Op::Insert { new } => b.push_str(new),
            }
        }
        assert_eq!((a.as_str(), b.as_str()), (old, new));
    }

    #[test]
    fn empty_and_identical() {
        let d = diff("", "", rus(), &DiffOptions::default());
        assert!(d.is_inline() && d.ops.is_empty());
        let d = diff("Текст.", "Текст.", rus(), &DiffOptions::default());
        assert!(d.is_inline() && !d.has_changes());
    }
}
