//! Plain-text renderings for the CLI (`lexharmony gaps`, `topics`, `definitions`, `concordance`).

use std::fmt::Write;

use super::classify::LawTopics;
use super::concordance::Concordance;
use super::definitions::DefinitionsTable;
use super::framework::Framework;
use super::matrix::{CellStatus, Matrix};
use crate::library::StoredLaw;

pub const LEGEND: &str = "● covered  ◐ partial  ○ not found in the texts held  – no text (law known only by name or in part)";

/// The matrix: topics by area as rows, states as columns; then gaps, indexes and spreads.
pub fn matrix(m: &Matrix, fw: &Framework) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{LEGEND}\n");
    let _ = write!(out, "{:<44}", "topic");
    for s in &m.states {
        let _ = write!(out, " {s:>3}");
    }
    out.push('\n');
    for (area, topics) in fw.topics_by_area() {
        let _ = writeln!(out, "\n[{}] {}", area.id, area.name);
        for t in topics {
            let _ = write!(out, "  {:<42}", t.id);
            for s in &m.states {
                let sym = m.cell(s, &t.id).map_or("?", |c| c.status.symbol());
                let _ = write!(out, " {sym:>3}");
            }
            out.push('\n');
        }
    }
    let _ = writeln!(out, "\nper state:");
    for s in &m.summaries {
        let _ = writeln!(
            out,
            "  {}: {} covered, {} partial, {} not found, {} no text",
            s.state, s.covered, s.partial, s.not_found, s.no_text
        );
        if !s.gaps.is_empty() {
            let _ = writeln!(out, "    gaps (not found): {}", s.gaps.join(", "));
        }
    }
    if !m.pairs.is_empty() {
        let _ = writeln!(out, "\nharmonization index ({}):", m.harmonization_formula);
        for p in &m.pairs {
            let v = p
                .index
                .map_or("undefined".to_string(), |x| format!("{x:.3}"));
            let _ = writeln!(
                out,
                "  {}-{}: {v} over {} comparable topics",
                p.a, p.b, p.comparable
            );
        }
    }
    if !m.spreads.is_empty() {
        let _ = writeln!(out, "\nspread of key values:");
        for sp in &m.spreads {
            let _ = writeln!(out, "  {}:", sp.topic);
            for (state, vals) in &sp.states {
                if vals.is_empty() {
                    continue;
                }
                let v: Vec<String> = vals
                    .iter()
                    .map(|v| format!("{} ({})", v.value.value, v.label))
                    .collect();
                let _ = writeln!(out, "    {state}: {}", v.join("; "));
            }
        }
    }
    out
}

/// One state's cells with their evidence.
pub fn state_detail(m: &Matrix, fw: &Framework, state: &str) -> String {
    let mut out = String::new();
    for t in &fw.topics {
        let Some(c) = m.cell(state, &t.id) else {
            continue;
        };
        let _ = writeln!(
            out,
            "{} {:<42} {}",
            c.status.symbol(),
            t.id,
            c.status.word()
        );
        match c.status {
            CellStatus::Covered | CellStatus::Partial => {
                for s in c.support.iter().take(3) {
                    let _ = writeln!(
                        out,
                        "    {} {} {} ({:.2}) {}\n      {}",
                        s.number,
                        s.label,
                        s.heading.as_deref().unwrap_or(""),
                        s.confidence,
                        s.permalink,
                        s.cues
                            .iter()
                            .take(3)
                            .cloned()
                            .collect::<Vec<_>>()
                            .join("; ")
                    );
                }
                for v in &c.values {
                    let _ = writeln!(out, "    value: {} ({})", v.value.value, v.label);
                }
            }
            _ => {
                let _ = writeln!(out, "    {}", c.reason);
            }
        }
    }
    out
}

/// A law's clauses and their topics.
pub fn topics(law: &StoredLaw, t: &LawTopics) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}, {})",
        law.title(),
        if law.uri().is_empty() {
            "no URI"
        } else {
            law.uri()
        },
        t.lang
    );
    for c in &t.clauses {
        let heading = law
            .clause(&c.eid)
            .and_then(|k| k.heading.as_deref())
            .unwrap_or("");
        let _ = writeln!(out, "{} {heading}", c.eid);
        for l in &c.links {
            let cues: Vec<String> = l
                .evidence
                .iter()
                .take(4)
                .map(|e| format!("{}={}", e.cue, e.words))
                .collect();
            let _ = writeln!(
                out,
                "    {:<40} {:.2}  {}",
                l.topic,
                l.confidence,
                cues.join("; ")
            );
        }
    }
    if t.clauses.is_empty() {
        let _ = writeln!(out, "(no clause has a topic)");
    }
    out
}

pub fn definitions(d: &DefinitionsTable) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "terms defined by several states ({}):", d.shared.len());
    for g in &d.shared {
        let _ = writeln!(out, "\n{} [{}] — {}", g.term, g.lang, g.states.join(", "));
        for def in &g.definitions {
            let _ = writeln!(
                out,
                "  {} {} {}: {}\n    {}",
                def.state,
                def.number,
                def.term,
                def.definition
                    .as_deref()
                    .unwrap_or("(named, no definition text)"),
                def.permalink
            );
        }
        for diff in &g.differences {
            let text = if diff.inline {
                crate::compare::diff::render_text(&crate::compare::diff::Diff {
                    mode: crate::compare::diff::Mode::Inline,
                    fallback: None,
                    similarity: diff.similarity,
                    coarse: false,
                    ops: diff.ops.clone(),
                })
            } else {
                diff.fallback.clone().unwrap_or_default()
            };
            let _ = writeln!(
                out,
                "  diff {} -> {}: {}",
                diff.against_state, diff.state, text
            );
        }
    }
    let _ = writeln!(out, "\nterms defined by one state ({}):", d.single.len());
    for g in &d.single {
        let _ = writeln!(out, "  {} [{}] {}", g.states.join(","), g.lang, g.term);
    }
    out
}

pub fn concordance(c: &Concordance) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}){}; edition {}\ngrading: {}\n{LEGEND}\n",
        c.title,
        c.uri,
        if c.digest { ", digest" } else { "" },
        c.edition.as_deref().unwrap_or("unknown"),
        c.grading
    );
    for r in &c.rows {
        let topics: Vec<&str> = r.topics.iter().map(|t| t.id.as_str()).collect();
        let _ = writeln!(
            out,
            "{} {} — {}",
            r.label,
            r.heading.as_deref().unwrap_or(""),
            topics.join(", ")
        );
        for s in &r.states {
            let provs: Vec<String> = s
                .provisions
                .iter()
                .take(3)
                .map(|p| format!("{} {} {}", p.number, p.label, p.permalink))
                .collect();
            let _ = writeln!(
                out,
                "    {} {} {:<9} {}",
                s.grade.symbol(),
                s.state,
                s.grade.word(),
                if provs.is_empty() {
                    s.reason.clone()
                } else {
                    provs.join(" | ")
                }
            );
        }
    }
    if !c.without_topics.is_empty() {
        let _ = writeln!(
            out,
            "\nprovisions with no framework topic: {}",
            c.without_topics.join("; ")
        );
    }
    out
}
