//! What the knowledge base holds: per state and law, how many articles, how many digested, whether
//! a text is available, and which edition it follows. Shown by `lexharmony stats` and on the
//! overview page.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::library::StoredLaw;
use crate::model::Status;

/// The six member states, in the order the overview shows them.
pub const MEMBER_STATES: [&str; 6] = ["am", "by", "kz", "kg", "ru", "tj"];

#[derive(Debug, Clone, Serialize)]
pub struct LawStats {
    pub uri: String,
    pub number: Option<String>,
    pub title: String,
    pub title_en: Option<String>,
    pub lang: String,
    pub doc_type: Option<String>,
    /// "digest", "official" or "metadata-only".
    pub text: String,
    pub articles: usize,
    /// Articles with a text of their own (or children with text), repealed ones excluded.
    pub articles_with_text: usize,
    pub repealed: usize,
    pub edition: Option<String>,
    pub adopted: Option<String>,
    pub status: Option<String>,
    pub source_url: Option<String>,
    pub unverified: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StateStats {
    pub state: String,
    pub member: bool,
    pub laws: Vec<LawStats>,
}

/// Per state (member states first, then regional instruments), per law.
pub fn corpus_stats(laws: &[StoredLaw]) -> Vec<StateStats> {
    let mut by_state: BTreeMap<String, Vec<LawStats>> = BTreeMap::new();
    for law in laws {
        by_state
            .entry(law.state().to_string())
            .or_default()
            .push(law_stats(law));
    }
    for s in MEMBER_STATES {
        by_state.entry(s.to_string()).or_default();
    }
    let mut out: Vec<StateStats> = by_state
        .into_iter()
        .map(|(state, mut laws)| {
            laws.sort_by(|a, b| (&a.number, &a.lang).cmp(&(&b.number, &b.lang)));
            StateStats {
                member: MEMBER_STATES.contains(&state.as_str()),
                state,
                laws,
            }
        })
        .collect();
    out.sort_by_key(|s| (!s.member, s.state.clone()));
    out
}

pub fn law_stats(law: &StoredLaw) -> LawStats {
    let articles: Vec<_> = law.articles().collect();
    let repealed = articles
        .iter()
        .filter(|a| a.status == Status::Repealed)
        .count();
    let articles_with_text = articles
        .iter()
        .filter(|a| a.status != Status::Repealed)
        .filter(|a| {
            !a.text.trim().is_empty()
                || law
                    .clauses
                    .iter()
                    .any(|c| c.parent.as_deref() == Some(&a.eid) && !c.text.trim().is_empty())
        })
        .count();
    let text = if !law.has_text() {
        "metadata-only"
    } else if law.is_digest() {
        "digest"
    } else {
        "official"
    };
    LawStats {
        uri: law.uri().to_string(),
        number: law.law.number.clone(),
        title: law.title().to_string(),
        title_en: law.law.title_en.clone(),
        lang: law.law.lang.clone().unwrap_or_default(),
        doc_type: law.law.doc_type.clone(),
        text: text.to_string(),
        articles: articles.len(),
        articles_with_text,
        repealed,
        edition: law.law.edition.clone(),
        adopted: law.law.adopted.clone(),
        status: law.extra("status").map(str::to_string),
        source_url: law.law.source_url.clone(),
        unverified: law.unverified(),
    }
}

/// The plain-text table of `lexharmony stats`.
pub fn render_table(stats: &[StateStats]) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<6} {:<22} {:<4} {:<14} {:>8} {:>9} {:<11} title",
        "state", "number", "lang", "text", "articles", "digested", "edition"
    );
    for s in stats {
        if s.laws.is_empty() {
            let _ = writeln!(out, "{:<6} (no law in the corpus)", s.state);
        }
        for l in &s.laws {
            let digested = if l.text == "digest" {
                format!("{}/{}", l.articles_with_text, l.articles - l.repealed)
            } else {
                "-".to_string()
            };
            let mut title: String = l.title.chars().take(60).collect();
            if !l.unverified.is_empty() {
                title.push_str(&format!("  [unverified: {}]", l.unverified.join(", ")));
            }
            let _ = writeln!(
                out,
                "{:<6} {:<22} {:<4} {:<14} {:>8} {:>9} {:<11} {}",
                s.state,
                l.number.as_deref().unwrap_or("-"),
                l.lang,
                l.text,
                l.articles,
                digested,
                l.edition.as_deref().unwrap_or("-"),
                title
            );
        }
    }
    out
}
