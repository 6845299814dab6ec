//! A comparison as text for a terminal (`lexharmony compare` without `--json`).

use std::fmt::Write;

use super::align::{Match, Method, Relation};
use super::diff::{self, Fallback};
use super::{ClauseRef, Comparison, LawInfo};

fn head(c: &ClauseRef) -> String {
    let mut s = format!("{} {}", c.label, c.num).trim().to_string();
    if let Some(h) = &c.heading {
        s.push_str(". ");
        s.push_str(h);
    }
    s
}

fn law_line(i: usize, l: &LawInfo) -> String {
    format!(
        "[{}] {} {} — {} ({}{})\n    {}",
        i + 1,
        l.state,
        l.number.as_deref().unwrap_or(""),
        l.title,
        l.lang.as_deref().unwrap_or("?"),
        if l.digest { ", digest" } else { "" },
        l.uri
    )
}

fn relation(r: Relation) -> &'static str {
    match r {
        Relation::Equivalent => "equivalent",
        Relation::Broader => "broader",
        Relation::Narrower => "narrower",
        Relation::Partial => "partial",
    }
}

fn indent(text: &str, by: &str) -> String {
    text.lines()
        .map(|l| format!("{by}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn write_match(out: &mut String, m: &Match) {
    let _ = writeln!(
        out,
        "  {}\n    <-> {}\n    score {:.2}, {}{}",
        head(&m.a),
        head(&m.b),
        m.score,
        relation(m.relation),
        if m.primary { "" } else { ", second match" }
    );
    let _ = writeln!(out, "    why: {}", m.reason.summary);
    if m.diff.is_inline() && m.diff.has_changes() {
        let _ = writeln!(
            out,
            "    redline ([-first only-] {{+other only+}}):\n{}",
            indent(&diff::render_text(&m.diff), "      ")
        );
    } else if let Some(f) = m.diff.fallback.filter(|f| *f != Fallback::LowSimilarity) {
        let _ = writeln!(out, "    ({})", f.message());
    }
}

/// The comparison for a terminal: the laws, then per other law its pairs in the first law's
/// order, the unaligned articles of both, and for editions the list of changes.
pub fn render_text(c: &Comparison) -> String {
    let mut out = String::new();
    for (i, l) in c.laws.iter().enumerate() {
        let _ = writeln!(out, "{}", law_line(i, l));
    }
    for n in &c.notes {
        let _ = writeln!(out, "note: {n}");
    }
    for p in &c.pairs {
        let al = &p.alignment;
        let how = match al.method {
            Method::Lexical => format!(
                "aligned by shared stems, threshold {:.2}",
                al.threshold.unwrap_or(0.0)
            ),
            Method::ParallelLanguage => "parallel-language view, by number and structure".into(),
            Method::Editions => "two editions of one law".into(),
        };
        let _ = writeln!(out, "\n== [1] against [{}]: {how}", p.other + 1);
        for n in &al.notes {
            let _ = writeln!(out, "note: {n}");
        }
        if let Some(e) = &p.editions {
            for a in &e.added {
                let _ = writeln!(out, "  added:      {}", head(a));
            }
            for r in &e.removed {
                let _ = writeln!(out, "  removed:    {}", head(r));
            }
            for r in &e.repealed {
                let _ = writeln!(out, "  repealed:   {}", head(&r.old));
            }
            for r in &e.renumbered {
                let _ = writeln!(
                    out,
                    "  renumbered: {} -> {} {}",
                    r.old.num,
                    r.new.num,
                    if r.text_changed {
                        "(text changed)"
                    } else {
                        "(same text)"
                    }
                );
            }
            for ch in e
                .changed
                .iter()
                .chain(e.renumbered.iter().filter(|r| r.text_changed))
            {
                let _ = writeln!(out, "  changed:    {}", head(&ch.new));
                if ch.diff.is_inline() {
                    let _ = writeln!(out, "{}", indent(&diff::render_text(&ch.diff), "      "));
                } else if let Some(f) = ch.diff.fallback {
                    let _ = writeln!(out, "      ({})", f.message());
                }
            }
            let _ = writeln!(out, "  unchanged:  {} article(s)", e.unchanged);
            continue;
        }
        for m in &al.matches {
            write_match(&mut out, m);
        }
        for u in &al.unaligned_first {
            let best = u
                .best
                .as_ref()
                .map(|b| format!(" (closest: {} {}, {:.2})", b.label, b.num, b.score))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}\n    no counterpart in [{}]{best}",
                head(&u.clause),
                p.other + 1
            );
        }
        if !al.unaligned_other.is_empty() {
            let _ = writeln!(out, "  in [{}] without counterpart in [1]:", p.other + 1);
            for u in &al.unaligned_other {
                let _ = writeln!(out, "    {}", head(&u.clause));
            }
        }
    }
    out
}
