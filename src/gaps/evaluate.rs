//! Precision and recall of the classifier's clause-topic links against labels a person made by
//! reading real laws (`tests/expected/topic-labels.toml`; method in QUALITY.md).
//!
//! The unit is a labelled clause (an article): the classifier's topics for it are those linked to
//! the article or to any part or point inside it (overrides are not applied: this measures the
//! classifier). Micro-averaged over all labelled clauses: precision = correct links / links made,
//! recall = correct links / labelled links.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::classify::Classifier;
use super::framework::Framework;
use crate::ingest;
use crate::library::StoredLaw;

#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    /// Which set the label belongs to (A, B ...).
    #[serde(default)]
    pub set: String,
    /// Path relative to the labels' root (`../shared/corpus-real`).
    pub file: String,
    pub eid: String,
    pub topics: Vec<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize)]
struct LabelFile {
    label: Vec<Label>,
}

/// One clause's comparison.
#[derive(Debug, Clone, Serialize)]
pub struct ClauseResult {
    pub set: String,
    pub file: String,
    pub eid: String,
    pub expected: Vec<String>,
    pub predicted: Vec<String>,
    pub false_positives: Vec<String>,
    pub false_negatives: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct Counts {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl Counts {
    pub fn precision(&self) -> f64 {
        let d = self.true_positives + self.false_positives;
        if d == 0 {
            1.0
        } else {
            self.true_positives as f64 / d as f64
        }
    }

    pub fn recall(&self) -> f64 {
        let d = self.true_positives + self.false_negatives;
        if d == 0 {
            1.0
        } else {
            self.true_positives as f64 / d as f64
        }
    }

    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    fn add(&mut self, tp: usize, fp: usize, fnn: usize) {
        self.true_positives += tp;
        self.false_positives += fp;
        self.false_negatives += fnn;
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub clauses: usize,
    pub overall: Counts,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub per_set: BTreeMap<String, Counts>,
    pub per_file: BTreeMap<String, Counts>,
    pub per_topic: BTreeMap<String, Counts>,
    pub results: Vec<ClauseResult>,
    /// Labels naming a clause the parse does not have, or a topic the framework does not have.
    pub problems: Vec<String>,
}

/// Read a labels file.
pub fn load_labels(path: &Path) -> anyhow::Result<Vec<Label>> {
    let text =
        std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let f: LabelFile =
        toml::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    Ok(f.label)
}

/// Classify each labelled file (found under `root`) and compare.
pub fn evaluate(labels: &[Label], root: &Path) -> anyhow::Result<Evaluation> {
    let framework = Framework::bundled();
    let classifier = Classifier::new(framework);
    let mut laws: BTreeMap<String, (StoredLaw, super::classify::LawTopics)> = BTreeMap::new();
    for l in labels {
        if !laws.contains_key(&l.file) {
            let parsed = ingest::parse_file(&root.join(&l.file), None)
                .map_err(|e| anyhow::anyhow!("{}: {e}", l.file))?;
            let law: StoredLaw = parsed.into();
            let topics = classifier.classify(&law, None);
            laws.insert(l.file.clone(), (law, topics));
        }
    }
    let mut overall = Counts::default();
    let mut per_file: BTreeMap<String, Counts> = BTreeMap::new();
    let mut per_set: BTreeMap<String, Counts> = BTreeMap::new();
    let mut per_topic: BTreeMap<String, Counts> = BTreeMap::new();
    let mut results = Vec::new();
    let mut problems = Vec::new();
    for l in labels {
        let (law, topics) = &laws[&l.file];
        if law.clause(&l.eid).is_none() {
            problems.push(format!("{}: no clause {}", l.file, l.eid));
            continue;
        }
        for t in &l.topics {
            if framework.topic(t).is_none() {
                problems.push(format!("{} {}: unknown topic {t}", l.file, l.eid));
            }
        }
        let predicted = topics.topics_within(law, &l.eid);
        let fp: Vec<String> = predicted
            .iter()
            .filter(|t| !l.topics.contains(t))
            .cloned()
            .collect();
        let fnn: Vec<String> = l
            .topics
            .iter()
            .filter(|t| !predicted.contains(t))
            .cloned()
            .collect();
        let tp = predicted.len() - fp.len();
        overall.add(tp, fp.len(), fnn.len());
        per_file
            .entry(l.file.clone())
            .or_default()
            .add(tp, fp.len(), fnn.len());
        let mut all: Vec<&String> = predicted.iter().chain(l.topics.iter()).collect();
        all.sort();
        all.dedup();
        for t in all {
            let c = per_topic.entry(t.clone()).or_default();
            match (predicted.contains(t), l.topics.contains(t)) {
                (true, true) => c.true_positives += 1,
                (true, false) => c.false_positives += 1,
                _ => c.false_negatives += 1,
            }
        }
        per_set
            .entry(l.set.clone())
            .or_default()
            .add(tp, fp.len(), fnn.len());
        results.push(ClauseResult {
            set: l.set.clone(),
            file: l.file.clone(),
            eid: l.eid.clone(),
            expected: l.topics.clone(),
            predicted,
            false_positives: fp,
            false_negatives: fnn,
        });
    }
    Ok(Evaluation {
        clauses: results.len(),
        precision: overall.precision(),
        recall: overall.recall(),
        f1: overall.f1(),
        overall,
        per_set,
        per_file,
        per_topic,
        results,
        problems,
    })
}

/// A plain-text report.
pub fn report(e: &Evaluation) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} labelled clauses: precision {:.3}, recall {:.3}, F1 {:.3} (TP {}, FP {}, FN {})",
        e.clauses,
        e.precision,
        e.recall,
        e.f1,
        e.overall.true_positives,
        e.overall.false_positives,
        e.overall.false_negatives
    );
    let _ = writeln!(out, "\nper set:");
    for (set, c) in &e.per_set {
        let _ = writeln!(
            out,
            "  {}: precision {:.3}, recall {:.3} (TP {}, FP {}, FN {})",
            if set.is_empty() { "-" } else { set },
            c.precision(),
            c.recall(),
            c.true_positives,
            c.false_positives,
            c.false_negatives
        );
    }
    let _ = writeln!(out, "\nper file:");
    for (f, c) in &e.per_file {
        let _ = writeln!(
            out,
            "  {f}: precision {:.3}, recall {:.3} (TP {}, FP {}, FN {})",
            c.precision(),
            c.recall(),
            c.true_positives,
            c.false_positives,
            c.false_negatives
        );
    }
    let _ = writeln!(out, "\ntopics with errors (most false positives first):");
    let mut topics: Vec<(&String, &Counts)> = e
        .per_topic
        .iter()
        .filter(|(_, c)| c.false_positives + c.false_negatives > 0)
        .collect();
    topics.sort_by(|a, b| {
        b.1.false_positives
            .cmp(&a.1.false_positives)
            .then(b.1.false_negatives.cmp(&a.1.false_negatives))
            .then(a.0.cmp(b.0))
    });
    for (t, c) in topics {
        let _ = writeln!(
            out,
            "  {t}: TP {}, FP {}, FN {}",
            c.true_positives, c.false_positives, c.false_negatives
        );
    }
    let _ = writeln!(out, "\nerrors:");
    for r in &e.results {
        if r.false_positives.is_empty() && r.false_negatives.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "  {} {}: extra {:?}, missing {:?}",
            r.file, r.eid, r.false_positives, r.false_negatives
        );
    }
    for p in &e.problems {
        let _ = writeln!(out, "problem: {p}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_lists_sets_files_and_topics() {
        let mut e = Evaluation {
            clauses: 2,
            overall: Counts::default(),
            precision: 0.5,
            recall: 0.5,
            f1: 0.5,
            per_set: BTreeMap::new(),
            per_file: BTreeMap::new(),
            per_topic: BTreeMap::new(),
            results: Vec::new(),
            problems: Vec::new(),
        };
        e.per_set.entry("A".into()).or_default().add(1, 1, 0);
        e.per_file
            .entry("x/law.txt".into())
            .or_default()
            .add(1, 1, 0);
        e.per_topic
            .entry("national-csirt".into())
            .or_default()
            .add(1, 1, 0);
        let r = report(&e);
        let section = |name: &str| {
            r.split(name)
                .nth(1)
                .and_then(|rest| rest.lines().nth(1))
                .unwrap_or_default()
                .to_string()
        };
        assert!(section("per set:").contains("A: precision 0.500"), "{r}");
        assert!(
            section("per file:").contains("x/law.txt: precision 0.500"),
            "{r}"
        );
        assert!(
            section("topics with errors").contains("national-csirt: TP 1, FP 1, FN 0"),
            "{r}"
        );
    }
}
