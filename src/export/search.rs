//! Search results as CSV (`GET /api/search.csv`): one row per hit, in rank order, with the
//! clause's whole text beside the snippet. Same dialect as the clause CSV (RFC 4180, CRLF).

use std::io::{self, Write};

use super::table::{col, Column, Kind, Value};
use super::text::CsvWriter;
use super::TableWriter;
use crate::library::StoredLaw;
use crate::search::SearchHit;

/// The columns of a search results CSV.
pub const SEARCH_COLUMNS: &[Column] = &[
    col(
        "rank",
        Kind::Int,
        false,
        "1-based rank of the hit in the whole result list.",
    ),
    col(
        "permalink",
        Kind::Str,
        false,
        "The clause's citable id (the law's URI for a law known by name only).",
    ),
    col("expression_uri", Kind::Str, false, "The language edition."),
    col(
        "eid",
        Kind::Str,
        false,
        "The clause id (empty for a law known by name only).",
    ),
    col("state", Kind::Str, false, "State or regional code."),
    col("lang", Kind::Str, false, "Language of the edition."),
    col("law_title", Kind::Str, false, "Title of the law."),
    col("kind", Kind::Str, false, "Clause kind."),
    col(
        "label",
        Kind::Str,
        false,
        "National label (Статья, п., Article).",
    ),
    col("num", Kind::Str, false, "Number as printed."),
    col("heading", Kind::Str, true, "Clause heading."),
    col(
        "snippet",
        Kind::Str,
        false,
        "The best fragment of the text, as plain text.",
    ),
    col("text", Kind::Str, true, "The clause's whole own text."),
    col(
        "digest",
        Kind::Str,
        false,
        "true when the text is the project's digest, not the official text.",
    ),
];

/// Plain text of the library's snippet HTML: `<mark>` dropped, entities decoded.
pub fn snippet_text(html: &str) -> String {
    html.replace("<mark>", "")
        .replace("</mark>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// Write `hits` (the first has rank `first_rank`) as CSV; `law` finds a hit's law for its text.
pub fn write_search_csv<'a>(
    hits: &[SearchHit],
    first_rank: usize,
    law: impl Fn(&str) -> Option<&'a StoredLaw>,
    bom: bool,
    out: impl Write,
) -> io::Result<()> {
    let mut w: Box<dyn TableWriter> = Box::new(CsvWriter::new(out, SEARCH_COLUMNS, bom)?);
    for (i, h) in hits.iter().enumerate() {
        let snippet = snippet_text(&h.snippet_html);
        let text = law(&h.uri)
            .and_then(|l| l.clause(&h.eid))
            .map(|c| c.text.as_str());
        let rank = i32::try_from(first_rank + i).unwrap_or(i32::MAX);
        w.write_row(&[
            Value::Int(rank),
            Value::Str(&h.permalink),
            Value::Str(&h.uri),
            Value::Str(&h.eid),
            Value::Str(&h.state),
            Value::Str(&h.lang),
            Value::Str(&h.law_title),
            Value::Str(&h.kind),
            Value::Str(&h.label),
            Value::Str(&h.num),
            Value::opt_str(h.heading.as_deref()),
            Value::Str(&snippet),
            Value::opt_str(text),
            Value::Str(if h.digest { "true" } else { "false" }),
        ])?;
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_become_plain_text() {
        assert_eq!(
            snippet_text("a <mark>b</mark> &lt;c&gt; &amp;amp; &quot;d&quot;"),
            "a b <c> &amp; \"d\""
        );
    }
}
