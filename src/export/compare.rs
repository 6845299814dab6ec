//! A comparison as CSV (`GET /api/compare.csv`, the compare page's download): one row per aligned
//! pair of articles and per article without a counterpart, pair by pair, in the first law's
//! article order. Same dialect as the clause CSV (RFC 4180, CRLF, UTF-8).

use std::io::{self, Write};

use super::table::{col, Column, Kind, Value};
use super::text::CsvWriter;
use super::TableWriter;
use crate::compare::{ClauseRef, Comparison, LawInfo};

/// The columns of a comparison CSV.
pub const COMPARE_COLUMNS: &[Column] = &[
    col(
        "first_law",
        Kind::Str,
        false,
        "Expression URI of the law the others are read against.",
    ),
    col(
        "other_law",
        Kind::Str,
        false,
        "Expression URI of the law compared with it.",
    ),
    col(
        "row",
        Kind::Str,
        false,
        "aligned, second match (an article aligned with a counterpart already taken), only in first, only in other.",
    ),
    col(
        "first_eid",
        Kind::Str,
        true,
        "The first law's article (empty for only in other).",
    ),
    col("first_article", Kind::Str, true, "Its label and number as printed."),
    col("first_heading", Kind::Str, true, "Its heading."),
    col("first_permalink", Kind::Str, true, "Its citable id."),
    col(
        "other_eid",
        Kind::Str,
        true,
        "The other law's article (empty for only in first).",
    ),
    col("other_article", Kind::Str, true, "Its label and number as printed."),
    col("other_heading", Kind::Str, true, "Its heading."),
    col("other_permalink", Kind::Str, true, "Its citable id."),
    col(
        "score",
        Kind::Str,
        true,
        "Alignment score in [0, 1] (for an unaligned article: its best candidate's).",
    ),
    col(
        "relation",
        Kind::Str,
        true,
        "equivalent, broader, narrower or partial: how the first article relates to the other.",
    ),
    col(
        "shared_topics",
        Kind::Str,
        true,
        "Framework topics both articles carry, `; `-separated.",
    ),
    col(
        "reason",
        Kind::Str,
        true,
        "Why the two are paired (shared terms, stems, headings, topics).",
    ),
    col("first_text", Kind::Str, true, "The first article's text with its parts."),
    col("other_text", Kind::Str, true, "The other article's text with its parts."),
];

fn article(c: &ClauseRef) -> String {
    format!("{} {}", c.label, c.num).trim().to_string()
}

fn relation(r: crate::compare::Relation) -> String {
    serde_json::to_value(r)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// One side of a row: eId, "Статья 5", heading, permalink, text.
type Side<'a> = (
    Option<&'a str>,
    Option<String>,
    Option<&'a str>,
    Option<&'a str>,
    Option<&'a str>,
);

fn side(c: Option<&ClauseRef>) -> Side<'_> {
    (
        c.map(|c| c.eid.as_str()),
        c.map(article),
        c.and_then(|c| c.heading.as_deref()),
        c.map(|c| c.permalink.as_str()),
        c.map(|c| c.text.as_str()),
    )
}

fn non_empty(s: &str) -> Value<'_> {
    Value::opt_str(Some(s).filter(|s| !s.is_empty()))
}

/// One row: the two sides (either may be absent) and what relates them.
struct Row<'a> {
    kind: &'static str,
    first: Option<&'a ClauseRef>,
    other: Option<&'a ClauseRef>,
    score: Option<f32>,
    relation: String,
    topics: String,
    reason: &'a str,
}

fn write_row(
    w: &mut dyn TableWriter,
    first_law: &LawInfo,
    other_law: &LawInfo,
    r: &Row,
) -> io::Result<()> {
    let score = r.score.map(|s| format!("{s:.3}"));
    let (f_eid, f_art, f_head, f_link, f_text) = side(r.first);
    let (o_eid, o_art, o_head, o_link, o_text) = side(r.other);
    w.write_row(&[
        Value::Str(&first_law.uri),
        Value::Str(&other_law.uri),
        Value::Str(r.kind),
        Value::opt_str(f_eid),
        Value::opt_str(f_art.as_deref()),
        Value::opt_str(f_head),
        Value::opt_str(f_link),
        Value::opt_str(o_eid),
        Value::opt_str(o_art.as_deref()),
        Value::opt_str(o_head),
        Value::opt_str(o_link),
        Value::opt_str(score.as_deref()),
        non_empty(&r.relation),
        non_empty(&r.topics),
        non_empty(r.reason),
        Value::opt_str(f_text),
        Value::opt_str(o_text),
    ])
}

/// Write every pair of `c` as CSV rows.
pub fn write_comparison_csv(c: &Comparison, bom: bool, out: impl Write) -> io::Result<()> {
    let mut w: Box<dyn TableWriter> = Box::new(CsvWriter::new(out, COMPARE_COLUMNS, bom)?);
    let first = &c.laws[0];
    for pair in &c.pairs {
        let Some(other) = c.laws.get(pair.other) else {
            continue;
        };
        let al = &pair.alignment;
        for m in &al.matches {
            let row = Row {
                kind: if m.primary { "aligned" } else { "second match" },
                first: Some(&m.a),
                other: Some(&m.b),
                score: Some(m.score),
                relation: relation(m.relation),
                topics: m.reason.topics.join("; "),
                reason: &m.reason.summary,
            };
            write_row(w.as_mut(), first, other, &row)?;
        }
        for (kind, list) in [
            ("only in first", &al.unaligned_first),
            ("only in other", &al.unaligned_other),
        ] {
            for u in list {
                let (f, o) = if kind == "only in first" {
                    (Some(&u.clause), None)
                } else {
                    (None, Some(&u.clause))
                };
                let row = Row {
                    kind,
                    first: f,
                    other: o,
                    score: u.best.as_ref().map(|b| b.score),
                    relation: String::new(),
                    topics: String::new(),
                    reason: "",
                };
                write_row(w.as_mut(), first, other, &row)?;
            }
        }
    }
    w.finish()
}
