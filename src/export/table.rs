//! The clause table: its columns (names, types, meaning) and one row per clause, as borrowed
//! values. Every tabular writer (JSONL, CSV, Parquet, NDJSON) works on [`Column`]s and [`Value`]s,
//! so a further table (the gap matrix, the concordance, the definitions) needs only its own column
//! list and rows.

use std::collections::HashMap;

use crate::gaps::classify::LawTopics;
use crate::library::StoredLaw;
use crate::model::{Clause, ClauseKind, Status};
use crate::search::index::days_from_civil;
use crate::search::query::Date;

/// The type of a column, the same in every format (see docs/dataset.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// UTF-8 text.
    Str,
    /// A calendar date: `YYYY-MM-DD` in text formats, Date32 (days since 1970-01-01) in Parquet.
    Date,
    /// A whole number: a JSON number, an Int32 in Parquet.
    Int,
    /// A list of strings: a JSON array, `;`-joined in CSV, `list<string>` in Parquet.
    StrList,
}

impl Kind {
    /// The name used in docs, the manifest and the export page.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Str => "string",
            Kind::Date => "date",
            Kind::Int => "int32",
            Kind::StrList => "list<string>",
        }
    }
}

/// One column of an exported table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    pub nullable: bool,
    /// What the value is, for docs/dataset.md and the export page.
    pub doc: &'static str,
}

/// A column (the constructor the column lists of every table use).
pub(crate) const fn col(
    name: &'static str,
    kind: Kind,
    nullable: bool,
    doc: &'static str,
) -> Column {
    Column {
        name,
        kind,
        nullable,
        doc,
    }
}

/// The version of the clause table's schema; raised whenever a column changes meaning, type or
/// place (adding a column at the end raises it too).
pub const SCHEMA_VERSION: u32 = 1;

/// The columns of the clause table, in order.
pub const CLAUSE_COLUMNS: &[Column] = &[
    col("permalink", Kind::Str, false, "The clause's citable id: expression URI + `/~` + eId."),
    col("work_uri", Kind::Str, false, "The law (work): `/akn/{cc}/{type}/{date}/{number}`."),
    col("expression_uri", Kind::Str, false, "The language edition: work URI + `/{lang}@{edition date}`."),
    col("eid", Kind::Str, false, "The clause id within the expression, e.g. `chp_3__art_13-1__para_2`."),
    col("state", Kind::Str, false, "ISO 3166-1 alpha-2 code (lowercase) or a regional code: cis, csto, coe, eu."),
    col("lang", Kind::Str, false, "ISO 639-2/T language code of the edition (rus, eng, kaz ...); `und` when unknown."),
    col("doc_type", Kind::Str, true, "Document type: act, code, agreement, convention, directive ..."),
    col("law_number", Kind::Str, true, "The law's number as printed (418-V, 187-ФЗ)."),
    col("law_title", Kind::Str, false, "The law's title in the edition's language."),
    col("position", Kind::Int, false, "0-based position of the clause in document order within its expression."),
    col("kind", Kind::Str, false, "part, chapter, section, title, article, para, point, note or alinea."),
    col("num", Kind::Str, false, "The number as printed (7-1, 274.1, IV, а); empty when unnumbered."),
    col("label", Kind::Str, false, "The national label as printed (Статья, бап, п., ч., Article); may be empty."),
    col("heading", Kind::Str, true, "The clause heading, without label and number."),
    col("text", Kind::Str, false, "The clause's own text, without its children's text; lines joined by LF."),
    col("status", Kind::Str, false, "in-force, repealed or not-yet-in-force."),
    col("parent_eid", Kind::Str, true, "eId of the enclosing clause; null at the top level."),
    col("adopted", Kind::Date, true, "Date the law was adopted (signed)."),
    col("published", Kind::Date, true, "Date of official publication."),
    col("in_force", Kind::Date, true, "Date the law entered into force."),
    col("edition", Kind::Date, true, "Consolidation date of this edition."),
    col("repealed", Kind::Date, true, "Date the whole law was repealed."),
    col("topics", Kind::StrList, false, "Framework topic ids linked to the clause (its own text, not its parts') by the classifier or confirmed in corpus/overrides.toml; framework/framework.toml lists them."),
    col("text_kind", Kind::Str, false, "digest (the project's own summary), official (an official text) or metadata-only."),
    col("source_url", Kind::Str, true, "URL of the official text."),
    col("source_file", Kind::Str, true, "The file the expression was parsed from (relative to the repository for the bundled corpus)."),
    col("retrieved", Kind::Date, true, "Date the official text was retrieved."),
    col("content_hash", Kind::Str, true, "Hex SHA-256 of the source file's bytes."),
];

/// Columns of the clause table whose values rarely repeat (Parquet writes them without a dictionary).
pub const UNIQUE_COLUMNS: &[&str] = &["permalink", "eid", "text", "heading", "parent_eid"];

/// One value of a row, borrowed from the law, the clause or the caller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Null,
    Str(&'a str),
    /// Days since 1970-01-01.
    Date(i32),
    Int(i32),
    List(&'a [String]),
}

impl<'a> Value<'a> {
    pub fn opt_str(v: Option<&'a str>) -> Value<'a> {
        v.map_or(Value::Null, Value::Str)
    }

    pub fn opt_date(v: Option<i32>) -> Value<'a> {
        v.map_or(Value::Null, Value::Date)
    }
}

/// Parse a law's date (`YYYY-MM-DD` or `DD.MM.YYYY`) into days since 1970-01-01; anything else is
/// unknown (None).
pub fn date_days(s: Option<&str>) -> Option<i32> {
    let d = Date::parse(s?.trim())?;
    i32::try_from(days_from_civil(d.year, d.month, d.day)).ok()
}

/// `YYYY-MM-DD` of days since 1970-01-01 (Howard Hinnant's civil_from_days).
pub fn format_date(days: i32) -> String {
    let (y, m, d) = civil_from_days(i64::from(days));
    format!("{y:04}-{m:02}-{d:02}")
}

pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub fn kind_name(k: ClauseKind) -> &'static str {
    match k {
        ClauseKind::Part => "part",
        ClauseKind::Chapter => "chapter",
        ClauseKind::Section => "section",
        ClauseKind::Title => "title",
        ClauseKind::Article => "article",
        ClauseKind::Para => "para",
        ClauseKind::Point => "point",
        ClauseKind::Note => "note",
        ClauseKind::Alinea => "alinea",
    }
}

pub fn status_name(s: Status) -> &'static str {
    match s {
        Status::InForce => "in-force",
        Status::Repealed => "repealed",
        Status::NotYetInForce => "not-yet-in-force",
    }
}

/// digest, official or metadata-only.
pub fn text_kind(law: &StoredLaw) -> &'static str {
    if law.is_digest() {
        "digest"
    } else if law.extra("text") == Some("metadata-only") {
        "metadata-only"
    } else {
        "official"
    }
}

/// What every row of one law shares, computed once per law.
pub struct LawRows<'a> {
    pub law: &'a StoredLaw,
    pub work_uri: &'a str,
    pub source_file: Option<String>,
    pub adopted: Option<i32>,
    pub published: Option<i32>,
    pub in_force: Option<i32>,
    pub edition: Option<i32>,
    pub repealed: Option<i32>,
    pub retrieved: Option<i32>,
    /// Per eId, the framework topics of the clause (from the gap analysis, when given).
    pub topics: HashMap<&'a str, Vec<String>>,
    pub no_topics: Vec<String>,
}

impl<'a> LawRows<'a> {
    /// `source_file` is the file as shown (see [`super::ExportOptions::source_root`]);
    /// `topics`, the law's clause topics from the gap analysis.
    pub fn new(
        law: &'a StoredLaw,
        source_file: Option<String>,
        topics: Option<&'a LawTopics>,
    ) -> LawRows<'a> {
        let m = &law.law;
        let topics = topics
            .map(|t| {
                t.clauses
                    .iter()
                    .map(|c| {
                        let ids = c.links.iter().map(|l| l.topic.clone()).collect();
                        (c.eid.as_str(), ids)
                    })
                    .collect()
            })
            .unwrap_or_default();
        LawRows {
            law,
            work_uri: work_of(law.uri()),
            source_file,
            adopted: date_days(m.adopted.as_deref()),
            published: date_days(m.published.as_deref()),
            in_force: date_days(m.in_force.as_deref()),
            edition: date_days(m.edition.as_deref()),
            repealed: date_days(m.repealed.as_deref()),
            retrieved: date_days(m.retrieved.as_deref()),
            topics,
            no_topics: Vec::new(),
        }
    }

    /// The row of one clause, in [`CLAUSE_COLUMNS`] order, into `out` (cleared first).
    /// `permalink` is the caller's buffer holding [`crate::model::permalink`] of the clause.
    pub fn row<'r>(
        &'r self,
        clause: &'r Clause,
        position: usize,
        permalink: &'r str,
        out: &mut Vec<Value<'r>>,
    ) {
        let law = self.law;
        let m = &law.law;
        out.clear();
        out.extend_from_slice(&[
            Value::Str(permalink),
            Value::Str(self.work_uri),
            Value::Str(law.uri()),
            Value::Str(&clause.eid),
            Value::Str(law.state()),
            Value::Str(m.lang.as_deref().unwrap_or("und")),
            Value::opt_str(m.doc_type.as_deref()),
            Value::opt_str(m.number.as_deref()),
            Value::Str(law.title()),
            Value::Int(i32::try_from(position).unwrap_or(i32::MAX)),
            Value::Str(kind_name(clause.kind)),
            Value::Str(&clause.num),
            Value::Str(&clause.label),
            Value::opt_str(clause.heading.as_deref()),
            Value::Str(&clause.text),
            Value::Str(status_name(clause.status)),
            Value::opt_str(clause.parent.as_deref()),
            Value::opt_date(self.adopted),
            Value::opt_date(self.published),
            Value::opt_date(self.in_force),
            Value::opt_date(self.edition),
            Value::opt_date(self.repealed),
            Value::List(
                self.topics
                    .get(clause.eid.as_str())
                    .unwrap_or(&self.no_topics),
            ),
            Value::Str(text_kind(law)),
            Value::opt_str(m.source_url.as_deref()),
            Value::opt_str(self.source_file.as_deref()),
            Value::opt_date(self.retrieved),
            Value::opt_str(m.content_hash.as_deref()),
        ]);
        debug_assert_eq!(out.len(), CLAUSE_COLUMNS.len());
    }
}

/// The work URI of an expression URI: everything before the last `/`.
pub fn work_of(uri: &str) -> &str {
    uri.rsplit_once('/').map_or(uri, |(w, _)| w)
}

/// The index of a column by name (the writers that need particular columns look them up once).
pub fn column_index(columns: &[Column], name: &str) -> Option<usize> {
    columns.iter().position(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for s in [
            "1970-01-01",
            "2015-11-24",
            "2000-02-29",
            "1899-12-31",
            "2026-01-09",
        ] {
            let d = date_days(Some(s)).unwrap();
            assert_eq!(format_date(d), s);
        }
        assert_eq!(date_days(Some("1970-01-02")), Some(1));
        assert_eq!(date_days(Some("24.11.2015")), date_days(Some("2015-11-24")));
        assert_eq!(date_days(Some("2015")), None);
        assert_eq!(date_days(Some("2015-02-30")), None);
        assert_eq!(date_days(None), None);
    }

    #[test]
    fn column_names_are_unique_and_snake_case() {
        let mut names: Vec<&str> = CLAUSE_COLUMNS.iter().map(|c| c.name).collect();
        assert!(names
            .iter()
            .all(|n| n.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), CLAUSE_COLUMNS.len());
    }
}
