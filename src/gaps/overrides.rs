//! Human decisions on clause-topic links (`corpus/overrides.toml`), which always win over the
//! classifier.
//!
//! ```toml
//! [[override]]
//! clause = "/akn/kz/act/2013-05-21/94-v/rus@2026-01-09/~art_25"   # a permalink, or:
//! law = "/akn/kz/act/2013-05-21/94-v"     # a work URI (every edition) or an expression URI
//! eid = "art_25"
//! topic = "pd-breach-notification"
//! decision = "confirm"                    # or "reject"
//! note = "point 8: notify the authorised body of a breach"
//! ```
//!
//! A confirmation adds the link (confidence 1, source `override`, the note as evidence) or marks
//! the classifier's link as confirmed; a rejection removes the link from the clause and from every
//! part and point inside it.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::classify::{Evidence, LawTopics, Link, Source};
use super::framework::Framework;
use crate::library::StoredLaw;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Confirm,
    Reject,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Override {
    /// A clause permalink: expression URI + `/~` + eId.
    #[serde(default)]
    pub clause: Option<String>,
    /// A work or expression URI (with `eid`).
    #[serde(default)]
    pub law: Option<String>,
    #[serde(default)]
    pub eid: Option<String>,
    pub topic: String,
    pub decision: Decision,
    #[serde(default)]
    pub note: String,
}

impl Override {
    /// The law URI (work or expression) and the eId this override names.
    pub fn target(&self) -> Option<(&str, &str)> {
        if let Some(p) = &self.clause {
            let (uri, eid) = p.split_once("/~")?;
            return Some((uri, eid));
        }
        Some((self.law.as_deref()?, self.eid.as_deref()?))
    }

    /// Whether it names a clause of this law expression.
    fn names_law(&self, law: &StoredLaw) -> Option<&str> {
        let (uri, eid) = self.target()?;
        let expr = law.uri();
        if expr.is_empty() {
            return None;
        }
        let work = expr.rsplit_once('/').map_or(expr, |(w, _)| w);
        (uri == expr || uri == work).then_some(eid)
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct Overrides {
    #[serde(default, rename = "override")]
    pub items: Vec<Override>,
}

/// A mistake in the overrides file.
#[derive(Debug, Clone, thiserror::Error)]
#[error("overrides: {0}")]
pub struct OverridesError(pub String);

/// The overrides file of a corpus folder: `corpus/overrides.toml`.
pub fn default_path(corpus: &Path) -> std::path::PathBuf {
    corpus.join("overrides.toml")
}

impl Overrides {
    pub fn from_toml(text: &str, framework: &Framework) -> Result<Overrides, OverridesError> {
        let o: Overrides = toml::from_str(text).map_err(|e| OverridesError(e.to_string()))?;
        for (i, item) in o.items.iter().enumerate() {
            if framework.topic(&item.topic).is_none() {
                return Err(OverridesError(format!(
                    "override #{}: unknown topic {:?}",
                    i + 1,
                    item.topic
                )));
            }
            if item.target().is_none() {
                return Err(OverridesError(format!(
                    "override #{}: give clause = PERMALINK, or law = URI and eid = EID",
                    i + 1
                )));
            }
        }
        Ok(o)
    }

    /// Read a file; a missing file is no overrides.
    pub fn load(path: &Path, framework: &Framework) -> Result<Overrides, OverridesError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Overrides::from_toml(&text, framework)
                .map_err(|e| OverridesError(format!("{}: {}", path.display(), e.0))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Overrides::default()),
            Err(e) => Err(OverridesError(format!("{}: {e}", path.display()))),
        }
    }

    /// The bundled corpus's overrides (compiled in, so the binary works anywhere).
    pub fn bundled(framework: &Framework) -> Overrides {
        Overrides::from_toml(BUNDLED, framework).expect("corpus/overrides.toml is valid")
    }

    /// Apply every override naming this law to its classification.
    pub fn apply(&self, law: &StoredLaw, topics: &mut LawTopics) {
        for o in &self.items {
            let Some(eid) = o.names_law(law) else {
                continue;
            };
            let Some(clause) = law.clause(eid) else {
                topics.override_problems.push(format!(
                    "override for {} names {eid}, which {} does not have",
                    o.topic,
                    law.uri()
                ));
                continue;
            };
            match o.decision {
                Decision::Reject => {
                    let prefix = format!("{eid}__");
                    for c in topics.clauses.iter_mut() {
                        if c.eid == eid || c.eid.starts_with(&prefix) {
                            c.links.retain(|l| l.topic != o.topic);
                        }
                    }
                    topics.clauses.retain(|c| !c.links.is_empty());
                }
                Decision::Confirm => {
                    let evidence = Evidence {
                        cue: "confirmed by a reviewer".into(),
                        kind: "override",
                        words: o.note.clone(),
                        eid: eid.to_string(),
                        in_heading: false,
                        xref: false,
                        span: (0, 0),
                    };
                    let pos = match topics.clauses.iter().position(|c| c.eid == eid) {
                        Some(p) => p,
                        None => {
                            topics.clauses.push(super::classify::ClauseTopics {
                                eid: eid.to_string(),
                                kind: clause.kind,
                                links: Vec::new(),
                            });
                            topics.clauses.len() - 1
                        }
                    };
                    let links = &mut topics.clauses[pos].links;
                    match links.iter_mut().find(|l| l.topic == o.topic) {
                        Some(l) => {
                            l.source = Source::Override;
                            l.confidence = 1.0;
                            l.note = Some(o.note.clone());
                            l.evidence.insert(0, evidence);
                        }
                        None => links.insert(
                            0,
                            Link {
                                topic: o.topic.clone(),
                                score: 0.0,
                                confidence: 1.0,
                                source: Source::Override,
                                evidence: vec![evidence],
                                note: Some(o.note.clone()),
                            },
                        ),
                    }
                }
            }
        }
        // Keep document order.
        let order: std::collections::HashMap<&str, usize> = law
            .clauses
            .iter()
            .enumerate()
            .map(|(i, c)| (c.eid.as_str(), i))
            .collect();
        topics
            .clauses
            .sort_by_key(|c| order.get(c.eid.as_str()).copied().unwrap_or(usize::MAX));
    }
}

/// The bundled `corpus/overrides.toml`.
pub const BUNDLED: &str = include_str!("../../corpus/overrides.toml");
