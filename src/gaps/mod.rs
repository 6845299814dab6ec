//! Gap analysis (DESIGN.md section 8): every member state measured against the reference
//! framework, with evidence.
//!
//! - [`framework`]: the framework data file (`framework/framework.toml`): areas, topics, anchors
//!   with their confidence, cue words.
//! - [`classify`]: each clause gets zero or more topics with a confidence and evidence;
//!   [`overrides`] (`corpus/overrides.toml`) always win.
//! - [`matrix`]: states x topics (covered / partial / not found / no text) with supporting
//!   clauses; per state its gaps; per pair a harmonization index; per topic the spread of key
//!   values ([`values`]).
//! - [`definitions`]: the terms of definitions articles, per state, grouped, with word diffs.
//! - [`concordance`]: reference provision -> national provisions per state, graded.
//! - [`evaluate`]: precision and recall of clause-topic links against labels read by a person.
//!
//! [`Analysis`] computes all of it once over a set of laws (the CLI from the corpus, the server
//! from the engine's laws at start).

pub mod classify;
pub mod cli;
pub mod concordance;
pub mod definitions;
pub mod evaluate;
pub mod framework;
pub mod matrix;
pub mod overrides;
pub mod report;
pub mod values;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::library::StoredLaw;
use crate::stats::MEMBER_STATES;
use classify::{Classifier, LawTopics};
use framework::Framework;
use overrides::Overrides;

/// The clause topics of laws, per expression URI.
pub type TopicsByLaw = BTreeMap<String, LawTopics>;

/// Everything the gap pages, the API and the CLI show, computed once.
pub struct Analysis {
    pub framework: &'static Framework,
    /// Per expression URI, its clauses' topics (laws with text only); shared with the exports.
    pub topics: Arc<TopicsByLaw>,
    pub matrix: matrix::Matrix,
    pub definitions: definitions::DefinitionsTable,
    /// Problems with the overrides (a clause that does not exist...).
    pub problems: Vec<String>,
}

impl Analysis {
    /// Classify every law with text, then build the matrix and the definitions table for the
    /// member states.
    pub fn new(laws: &[StoredLaw], overrides: &Overrides) -> Analysis {
        let framework = Framework::bundled();
        let classifier = Classifier::new(framework);
        let mut topics = BTreeMap::new();
        let mut problems = Vec::new();
        for law in laws.iter().filter(|l| l.has_text() && !l.uri().is_empty()) {
            let t = classifier.classify(law, Some(overrides));
            problems.extend(t.override_problems.iter().cloned());
            topics.insert(law.uri().to_string(), t);
        }
        // An override naming a law that is not in the library at all.
        for o in &overrides.items {
            if let Some((uri, _)) = o.target() {
                let known = laws.iter().any(|l| {
                    let u = l.uri();
                    u == uri || u.rsplit_once('/').is_some_and(|(w, _)| w == uri)
                });
                if !known {
                    problems.push(format!(
                        "override for {} names {uri}, which is not in the library",
                        o.topic
                    ));
                }
            }
        }
        let matrix = matrix::build(framework, &classifier, laws, &topics, &MEMBER_STATES);
        let definitions = definitions::table(laws, &MEMBER_STATES);
        Analysis {
            framework,
            topics: Arc::new(topics),
            matrix,
            definitions,
            problems,
        }
    }

    /// The concordance of one instrument (see [`concordance::resolve`] for the names it takes).
    pub fn concordance(
        &self,
        laws: &[StoredLaw],
        instrument: &str,
        lang: Option<&str>,
    ) -> Option<concordance::Concordance> {
        let law = concordance::resolve(laws, instrument, lang)?;
        Some(concordance::build(
            self.framework,
            law,
            self.topics.get(law.uri()),
            &self.matrix,
        ))
    }
}

/// The overrides of a corpus folder (`DIR/overrides.toml`), else the bundled ones.
pub fn overrides_for(corpus: Option<&Path>) -> Result<Overrides, overrides::OverridesError> {
    let fw = Framework::bundled();
    match corpus.map(overrides::default_path) {
        Some(p) if p.is_file() => Overrides::load(&p, fw),
        _ => Ok(Overrides::bundled(fw)),
    }
}

/// The framework topics of the articles of `laws`, for compare (an article's own topics and its
/// parts' and points'): taken from `classified` where a law is in it (the server's analysis),
/// classified here with `overrides` otherwise (a file given to `lexharmony compare`).
pub fn article_topics(
    laws: &[&StoredLaw],
    classified: &TopicsByLaw,
    overrides: &Overrides,
) -> crate::compare::ArticleTopics {
    let framework = Framework::bundled();
    let mut out = crate::compare::ArticleTopics::new(framework.topics.iter().map(|t| t.id.clone()));
    let classifier = Classifier::new(framework);
    for law in laws {
        let fresh;
        let topics = match classified.get(law.uri()) {
            Some(t) => t,
            None => {
                fresh = classifier.classify(law, Some(overrides));
                &fresh
            }
        };
        for article in crate::compare::text::articles(law) {
            out.insert(
                law.uri(),
                &article.eid,
                topics.topics_within(law, &article.eid),
            );
        }
    }
    out
}
