//! The text machinery alignment and editions share: articles as units of text (their own text and
//! their parts and points), content stems per language (the search analysis: UAX#29 words, NFC,
//! lowercase, ё -> е, Snowball stems), tf-idf vectors with cosine similarity, and the terms a law
//! defines in its definitions article.

use std::collections::{HashMap, HashSet};

use crate::library::StoredLaw;
use crate::model::{Clause, ClauseKind, Status};
use crate::search::analysis::{self, Reduction};

/// How the words of a law's language are reduced: Snowball stems where there is a stemmer
/// (Russian, English, Armenian), the first six letters otherwise (Kazakh, Kyrgyz, Tajik,
/// Belarusian, German: DESIGN.md pitfall 3). An unknown language is read as Russian.
pub fn reduction_for(lang: Option<&str>) -> Reduction {
    match lang {
        Some("eng") => Reduction::Stem(frostem::Algorithm::English),
        Some("hye") => Reduction::Stem(frostem::Algorithm::Armenian),
        Some("rus") | None => Reduction::Stem(frostem::Algorithm::Russian),
        Some(_) => Reduction::Prefix(analysis::PREFIX_CHARS),
    }
}

/// Function words left out of similarity (normalised forms, before stemming).
const STOPWORDS: &[&str] = &[
    // Russian
    "а",
    "без",
    "бы",
    "в",
    "во",
    "вне",
    "все",
    "всех",
    "где",
    "да",
    "для",
    "до",
    "его",
    "ее",
    "ей",
    "если",
    "же",
    "за",
    "и",
    "из",
    "или",
    "им",
    "их",
    "к",
    "как",
    "ко",
    "кроме",
    "ли",
    "либо",
    "между",
    "на",
    "над",
    "не",
    "нее",
    "него",
    "ни",
    "но",
    "о",
    "об",
    "обо",
    "он",
    "она",
    "они",
    "оно",
    "от",
    "по",
    "под",
    "после",
    "при",
    "про",
    "с",
    "со",
    "так",
    "также",
    "то",
    "того",
    "тот",
    "у",
    "чем",
    "что",
    "чтобы",
    "это",
    "этого",
    "этой",
    "этом",
    "эти",
    "этих",
    "является",
    "являются",
    "которые",
    "который",
    "которая",
    "которое",
    "которых",
    "которым",
    "том",
    "числе",
    "ним",
    "них",
    "сам",
    "своих",
    "свои",
    "своей",
    "свое",
    "своего",
    "те",
    "тех",
    "теми",
    "далее",
    "каждый",
    "каждая",
    "каждой",
    "могут",
    "может",
    "должен",
    "должна",
    "должны",
    // English
    "a",
    "an",
    "and",
    "are",
    "as",
    "at",
    "be",
    "been",
    "by",
    "for",
    "from",
    "has",
    "have",
    "in",
    "is",
    "it",
    "its",
    "of",
    "on",
    "or",
    "such",
    "that",
    "the",
    "their",
    "them",
    "these",
    "this",
    "those",
    "to",
    "was",
    "were",
    "which",
    "who",
    "with",
    "shall",
    "may",
    "any",
    "other",
    "not",
    "into",
    "under",
    "where",
    "when",
    "than",
    "all",
    "each",
    "if",
    "be",
];

pub fn is_stopword(normalised: &str) -> bool {
    STOPWORDS.contains(&normalised)
}

/// One word of a text as compare sees it.
#[derive(Debug, Clone)]
pub struct Word {
    /// Byte span in the text.
    pub start: usize,
    pub end: usize,
    /// NFC, lowercase, ё -> е, no stress marks.
    pub normalised: String,
    /// The reduced form (stem or prefix); numbers and codes stay whole.
    pub key: String,
    /// Whether it counts for similarity: not a function word, not a number, longer than one letter.
    pub content: bool,
}

/// The words of a text with their reduced forms.
pub fn words(text: &str, reduction: Reduction, stemmer: Option<&frostem::Stemmer>) -> Vec<Word> {
    analysis::word_spans(text)
        .into_iter()
        .map(|(start, end)| {
            let normalised = analysis::normalise_word(&text[start..end]);
            let key = analysis::reduce(&normalised, reduction, stemmer);
            let content = normalised.chars().count() > 1
                && !normalised.chars().any(|c| c.is_ascii_digit())
                && !is_stopword(&normalised);
            Word {
                start,
                end,
                normalised,
                key,
                content,
            }
        })
        .collect()
}

pub fn stemmer_for(reduction: Reduction) -> Option<frostem::Stemmer> {
    match reduction {
        Reduction::Stem(alg) => Some(frostem::Stemmer::new(alg)),
        _ => None,
    }
}

/// Stems interned as numbers, with the word form each was first seen in (for people to read).
#[derive(Debug, Default)]
pub struct Vocab {
    ids: HashMap<String, u32>,
    pub stems: Vec<String>,
    /// The most frequent word form of each stem, counted as texts are added.
    forms: Vec<HashMap<String, u32>>,
}

impl Vocab {
    pub fn id(&mut self, stem: &str, form: &str) -> u32 {
        let id = match self.ids.get(stem) {
            Some(&id) => id,
            None => {
                let id = self.stems.len() as u32;
                self.ids.insert(stem.to_string(), id);
                self.stems.push(stem.to_string());
                self.forms.push(HashMap::new());
                id
            }
        };
        *self.forms[id as usize].entry(form.to_string()).or_insert(0) += 1;
        id
    }

    pub fn get(&self, stem: &str) -> Option<u32> {
        self.ids.get(stem).copied()
    }

    /// The most frequent word form seen for a stem (ties: alphabetical, so output is stable).
    pub fn form(&self, id: u32) -> &str {
        self.forms[id as usize]
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .map(|(f, _)| f.as_str())
            .unwrap_or(&self.stems[id as usize])
    }
}

/// A sparse vector: (stem id, weight) sorted by id.
pub type Sparse = Vec<(u32, f32)>;

pub fn dot(a: &Sparse, b: &Sparse) -> f32 {
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    s
}

/// Per stem, the product of the two weights, for the stems both vectors hold.
pub fn shared(a: &Sparse, b: &Sparse) -> Vec<(u32, f32)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push((a[i].0, a[i].1 * b[j].1));
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// The share of `a`'s weight (squared, so it sums to 1 for a unit vector) on stems `b` also has.
pub fn coverage(a: &Sparse, b: &Sparse) -> f32 {
    let total: f32 = a.iter().map(|(_, w)| w * w).sum();
    if total <= 0.0 {
        return 0.0;
    }
    let (mut i, mut j, mut s) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                s += a[i].1 * a[i].1;
                i += 1;
                j += 1;
            }
        }
    }
    s / total
}

/// Term frequencies of a sequence of stem ids.
pub fn counts(ids: &[u32]) -> Vec<(u32, u32)> {
    let mut v: Vec<u32> = ids.to_vec();
    v.sort_unstable();
    let mut out: Vec<(u32, u32)> = Vec::new();
    for id in v {
        match out.last_mut() {
            Some((last, n)) if *last == id => *n += 1,
            _ => out.push((id, 1)),
        }
    }
    out
}

/// Inverse document frequencies over a set of documents (smoothed, always positive).
pub fn idf(docs: &[&[(u32, u32)]], vocab_len: usize) -> Vec<f32> {
    let mut df = vec![0u32; vocab_len];
    for d in docs {
        for &(id, _) in d.iter() {
            df[id as usize] += 1;
        }
    }
    let n = docs.len() as f32;
    df.into_iter()
        .map(|d| ((n + 1.0) / (d as f32 + 1.0)).ln() + 1.0)
        .collect()
}

/// A unit tf-idf vector (sublinear tf) of term counts.
pub fn tfidf(counts: &[(u32, u32)], idf: &[f32]) -> Sparse {
    let mut v: Sparse = counts
        .iter()
        .map(|&(id, n)| (id, (1.0 + (n as f32).ln()) * idf[id as usize]))
        .collect();
    let norm = v.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in &mut v {
            *w /= norm;
        }
    }
    v
}

/// The descendants of a clause (every clause whose eId extends it), in document order.
pub fn descendants<'a>(law: &'a StoredLaw, clause: &Clause) -> Vec<&'a Clause> {
    let prefix = format!("{}__", clause.eid);
    law.clauses
        .iter()
        .filter(|c| c.eid.starts_with(&prefix))
        .collect()
}

/// The whole text of an article: its own text, then each part and point (whose text starts with
/// its printed number), one per line.
pub fn full_text(law: &StoredLaw, clause: &Clause) -> String {
    let mut out = clause.text.trim().to_string();
    for d in descendants(law, clause) {
        let t = d.text.trim();
        if t.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(t);
    }
    out
}

/// The articles of a law in document order; a law without articles (a short instrument printed
/// as numbered paragraphs) offers its top-level clauses instead.
pub fn articles(law: &StoredLaw) -> Vec<&Clause> {
    let arts: Vec<&Clause> = law.articles().collect();
    if !arts.is_empty() {
        return arts;
    }
    law.clauses
        .iter()
        .filter(|c| c.parent.is_none() && !c.kind.is_container())
        .collect()
}

pub fn is_repealed(c: &Clause) -> bool {
    c.status == Status::Repealed
}

/// Whether an article is a definitions article: by its heading, or by the words that open a list
/// of definitions.
pub fn is_definitions(heading: Option<&str>, text: &str) -> bool {
    let h = heading.unwrap_or("").to_lowercase();
    const HEADING: &[&str] = &[
        "понят",
        "термин",
        "определени",
        "definition",
        "terms",
        "meaning",
        "glossary",
    ];
    if HEADING.iter().any(|k| h.contains(k)) {
        return true;
    }
    let head: String = text.chars().take(400).collect::<String>().to_lowercase();
    const OPENERS: &[&str] = &[
        "следующие основные понятия",
        "следующие понятия",
        "следующие термины",
        "следующие основные термины",
        "термины имеют следующие значения",
        "понятия имеют следующие значения",
        "the following terms",
        "the following definitions",
        "for the purposes of this",
    ];
    OPENERS.iter().any(|k| head.contains(k))
}

/// A term a law defines: as printed, and as a sequence of stems.
#[derive(Debug, Clone)]
pub struct DefinedTerm {
    pub term: String,
    pub key: Vec<String>,
}

/// The terms defined in a definitions article's text: lines of the form
/// `[1)] term – definition` (dash, em dash, hyphen between spaces, or a colon), the term in
/// quotes or not, of one to eight words.
pub fn defined_terms(
    text: &str,
    reduction: Reduction,
    stemmer: Option<&frostem::Stemmer>,
) -> Vec<DefinedTerm> {
    let mut out: Vec<DefinedTerm> = Vec::new();
    let mut seen: HashSet<Vec<String>> = HashSet::new();
    for line in text.lines() {
        let line = strip_number(line.trim());
        let Some(cut) = [" – ", " — ", " - ", " −", "–", "—", ": "]
            .iter()
            .filter_map(|sep| line.find(sep))
            .min()
        else {
            continue;
        };
        if cut == 0 || cut > 160 {
            continue;
        }
        let term = line[..cut]
            .trim()
            .trim_matches(|c: char| matches!(c, '"' | '«' | '»' | '“' | '”' | '„' | '\'' | ' '));
        let ws = words(term, reduction, stemmer);
        if ws.is_empty()
            || ws.len() > 8
            || ws
                .iter()
                .any(|w| w.normalised.chars().any(|c| c.is_ascii_digit()))
        {
            continue;
        }
        let key: Vec<String> = ws.iter().map(|w| w.key.clone()).collect();
        if seen.insert(key.clone()) {
            out.push(DefinedTerm {
                term: term.to_string(),
                key,
            });
        }
    }
    out
}

/// "1) x", "2-1) x", "а) x", "- x", "• x" -> "x".
fn strip_number(line: &str) -> &str {
    let l = line.trim_start_matches(['-', '•', '*', '—', '–', ' ']);
    if let Some(p) = l.find(") ") {
        let n = &l[..p];
        if !n.is_empty()
            && n.chars().count() <= 6
            && n.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.')
        {
            return l[p + 2..].trim_start();
        }
    }
    if let Some(p) = l.find(". ") {
        let n = &l[..p];
        if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '-') {
            return l[p + 2..].trim_start();
        }
    }
    l
}

/// Whether `needle` occurs in `hay` as a contiguous run.
pub fn contains_run(hay: &[u32], needle: &[u32]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Whether a clause kind is a unit inside an article (part, point, note, paragraph).
pub fn is_inner(kind: ClauseKind) -> bool {
    matches!(
        kind,
        ClauseKind::Para | ClauseKind::Point | ClauseKind::Note | ClauseKind::Alinea
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_are_found_in_every_style() {
        let r = reduction_for(Some("rus"));
        let s = stemmer_for(r);
        let text = "В настоящем Законе используются следующие основные понятия:\n\
            1) биометрические данные – персональные данные, которые характеризуют ...;\n\
            2-1) \"защита информации\" - комплекс мер;\n\
            блокирование персональных данных — прекращение доступа;\n\
            Статья действует с 1 января - шутка";
        let terms: Vec<String> = defined_terms(text, r, s.as_ref())
            .into_iter()
            .map(|t| t.term)
            .collect();
        assert_eq!(
            terms,
            [
                "биометрические данные",
                "защита информации",
                "блокирование персональных данных"
            ]
        );
        assert!(is_definitions(Some("Основные понятия"), ""));
        assert!(is_definitions(
            None,
            "Здесь применяются следующие термины с такими значениями:"
        ));
        assert!(!is_definitions(
            Some("Согласие субъекта"),
            "Согласие дается"
        ));
    }

    #[test]
    fn vectors() {
        let idf = vec![1.0, 1.0, 2.0];
        let a = tfidf(&[(0, 1), (2, 1)], &idf);
        let b = tfidf(&[(0, 1), (1, 1)], &idf);
        let d = dot(&a, &b);
        assert!(d > 0.0 && d < 1.0);
        assert!((dot(&a, &a) - 1.0).abs() < 1e-5);
        assert!((coverage(&a, &a) - 1.0).abs() < 1e-5);
        assert!(coverage(&a, &b) < 0.5);
        assert_eq!(counts(&[3, 1, 3]), [(1, 1), (3, 2)]);
        assert!(contains_run(&[1, 2, 3], &[2, 3]));
        assert!(!contains_run(&[1, 2, 3], &[3, 2]));
    }
}
