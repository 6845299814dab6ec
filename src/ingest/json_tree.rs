//! The JSON tree reader (the Russian Criminal Code as published by open-data projects:
//! `{"preamble": [...], "sections": [{"title", "chapters": [{"title", "articles": [{"title",
//! "clauses": [...]}]}]}]}`), and any other JSON tree of strings.
//!
//! Every string value becomes one line, in document order; the structure detector reads the
//! headings in them ("Раздел I.", "ГЛАВА 28.", "Статья 272."), so the reader does not depend on
//! the key names. Each line keeps the line of the JSON file where its string starts.

use std::path::Path;

use serde_json::Value;

use crate::ingest::error::IngestError;
use crate::ingest::source::SourceLine;

pub fn read(path: &Path, text: &str) -> Result<Vec<SourceLine>, IngestError> {
    let value: Value = serde_json::from_str(text).map_err(|e| IngestError::Malformed {
        path: path.to_path_buf(),
        line: e.line(),
        format: "json",
        reason: e.to_string(),
    })?;
    let mut strings = Vec::new();
    collect_strings(&value, &mut strings);
    let positions = string_value_lines(text);
    let lines = if positions.len() == strings.len() {
        strings
            .iter()
            .zip(positions)
            .map(|(s, no)| SourceLine::new(no, s))
            .collect()
    } else {
        // Should not happen for valid JSON; fall back to counting strings so nothing is lost.
        strings
            .iter()
            .enumerate()
            .map(|(i, s)| SourceLine::new(i + 1, s))
            .collect()
    };
    Ok(lines)
}

fn collect_strings<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|i| collect_strings(i, out)),
        Value::Object(map) => map.values().for_each(|i| collect_strings(i, out)),
        _ => {}
    }
}

/// The 1-based line where each string *value* (not key) starts, in document order.
fn string_value_lines(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => line += 1,
            b'"' => {
                let start_line = line;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    } else if bytes[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
                let mut j = i + 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                if bytes.get(j) != Some(&b':') {
                    out.push(start_line);
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_in_order_with_their_lines() {
        let src = "{\n  \"preamble\": [\"A\", \"B \\\" q\"],\n  \"sections\": [\n    {\"title\": \"Статья 1. X\",\n     \"clauses\": [\"1. y\"]}\n  ]\n}\n";
        let lines = read(Path::new("t.json"), src).unwrap();
        let got: Vec<(usize, &str)> = lines.iter().map(|l| (l.no, l.text.as_str())).collect();
        assert_eq!(
            got,
            vec![(2, "A"), (2, "B \" q"), (4, "Статья 1. X"), (5, "1. y")]
        );
    }

    #[test]
    fn malformed_json_names_the_line() {
        let err = read(Path::new("bad.json"), "{\n \"a\": [1,\n}").unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("bad.json:3: malformed json"), "{msg}");
    }
}
