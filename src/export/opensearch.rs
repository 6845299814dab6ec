//! NDJSON for a search cluster: the clause table plus pre-analysed fields, and the index
//! configuration (settings and mappings) that creates the index in OpenSearch or Elasticsearch.
//!
//! Those engines (and Quickwit) have no stemmer for Kazakh, Kyrgyz, Tajik or Belarusian, and
//! Quickwit none for Russian, so the export carries our own analysis: `text_stems` is the clause
//! text as lexharmony's index sees it (NFC, lowercase, ё→е, no stress marks; Snowball stems for
//! Russian, English and Armenian, the first six letters of each word otherwise), terms joined by
//! spaces, mapped with the `whitespace` analyzer. A client analyses its query the same way
//! (`stems_analyzer` names how) and searches `text_stems`.

use std::sync::LazyLock;

use serde_json::json;

use super::table::{Column, Kind, Value, CLAUSE_COLUMNS};
use crate::model::Clause;
use crate::search::analysis::{analyse, Reduction, PREFIX_CHARS};

/// The index configuration file written beside the NDJSON.
pub const INDEX_FILE: &str = "opensearch-index.json";

const EXTRA: [Column; 3] = [
    Column {
        name: "text_stems",
        kind: Kind::Str,
        nullable: false,
        doc: "NDJSON only: the text's terms after lexharmony's analysis (see stems_analyzer), joined by spaces.",
    },
    Column {
        name: "heading_stems",
        kind: Kind::Str,
        nullable: true,
        doc: "NDJSON only: the heading's terms, analysed the same way.",
    },
    Column {
        name: "stems_analyzer",
        kind: Kind::Str,
        nullable: false,
        doc: "NDJSON only: russian, english or armenian (Snowball stems), or prefix6 (the first six letters of each word).",
    },
];

/// The clause columns and the analysed ones.
pub static NDJSON_COLUMNS: LazyLock<Vec<Column>> =
    LazyLock::new(|| CLAUSE_COLUMNS.iter().chain(EXTRA.iter()).copied().collect());

/// The analyzer for a language: (name, reduction), as the index's language fields.
pub fn analyzer(lang: &str) -> (&'static str, Reduction) {
    match lang {
        "rus" => ("russian", Reduction::Stem(frostem::Algorithm::Russian)),
        "eng" => ("english", Reduction::Stem(frostem::Algorithm::English)),
        "hye" => ("armenian", Reduction::Stem(frostem::Algorithm::Armenian)),
        _ => ("prefix6", Reduction::Prefix(PREFIX_CHARS)),
    }
}

fn terms(text: &str, reduction: Reduction) -> String {
    let mut out = String::with_capacity(text.len());
    for (term, _, _) in analyse(text, reduction) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&term);
    }
    out
}

/// The analysed values of one clause.
pub struct Stems {
    text: String,
    heading: Option<String>,
    analyzer: &'static str,
}

impl Stems {
    pub fn new(clause: &Clause, (name, reduction): (&'static str, Reduction)) -> Stems {
        Stems {
            text: terms(&clause.text, reduction),
            heading: clause.heading.as_deref().map(|h| terms(h, reduction)),
            analyzer: name,
        }
    }

    pub fn extend_row<'a>(&'a self, row: &mut Vec<Value<'a>>) {
        row.push(Value::Str(&self.text));
        row.push(Value::opt_str(self.heading.as_deref()));
        row.push(Value::Str(self.analyzer));
    }
}

/// The index's settings and mappings, as JSON (`PUT /lexharmony-clauses` with this body).
pub fn index_config() -> String {
    let mut properties = serde_json::Map::new();
    for c in NDJSON_COLUMNS.iter() {
        let mapping = match (c.name, c.kind) {
            ("text" | "heading" | "law_title", _) => json!({
                "type": "text",
                "analyzer": "standard",
                "fields": { "raw": { "type": "keyword", "ignore_above": 512 } }
            }),
            ("text_stems" | "heading_stems", _) => {
                json!({ "type": "text", "analyzer": "whitespace" })
            }
            (_, Kind::Date) => json!({ "type": "date", "format": "yyyy-MM-dd" }),
            (_, Kind::Int) => json!({ "type": "integer" }),
            (_, Kind::Str | Kind::StrList) => json!({ "type": "keyword" }),
        };
        properties.insert(c.name.to_string(), mapping);
    }
    let config = json!({
        "settings": {
            "index": { "number_of_shards": 1, "number_of_replicas": 0 }
        },
        "mappings": {
            "dynamic": "strict",
            "_meta": {
                "dataset": "clauses",
                "schema_version": super::table::SCHEMA_VERSION,
                "lexharmony_version": env!("CARGO_PKG_VERSION"),
            },
            "properties": properties,
        }
    });
    let mut s = serde_json::to_string_pretty(&config).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_stems_and_prefixes() {
        assert_eq!(
            terms("Персональных данных, ст. 7-1", analyzer("rus").1),
            terms("персональные данные ст 7-1", analyzer("rus").1)
        );
        assert_eq!(terms("деректерді", analyzer("kaz").1), "дерект");
    }

    #[test]
    fn every_column_is_mapped() {
        let config: serde_json::Value = serde_json::from_str(&index_config()).unwrap();
        let props = config["mappings"]["properties"].as_object().unwrap();
        assert_eq!(props.len(), NDJSON_COLUMNS.len());
        assert_eq!(props["adopted"]["type"], "date");
        assert_eq!(props["text_stems"]["analyzer"], "whitespace");
    }
}
