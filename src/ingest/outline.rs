//! The human-readable outline of a parsed law (`lexharmony parse FILE` without `--json`), also the
//! shape of the parser's snapshot tests.

use std::collections::HashMap;
use std::fmt::Write;

use crate::ingest::ParsedLaw;
use crate::model::Status;

/// One line per clause, indented by depth; then the blocks and the diagnostics.
pub fn outline(law: &ParsedLaw, with_text: bool) -> String {
    let mut out = String::new();
    let meta = &law.law;
    let _ = writeln!(
        out,
        "{}\n  uri: {}\n  format: {}, encoding: {}, language: {}",
        meta.title.as_deref().unwrap_or("(untitled)"),
        meta.uri.as_deref().unwrap_or("-"),
        meta.format.as_deref().unwrap_or("-"),
        meta.encoding.as_deref().unwrap_or("-"),
        meta.lang.as_deref().unwrap_or("-"),
    );
    let mut depth: HashMap<&str, usize> = HashMap::new();
    for c in &law.clauses {
        let d = c
            .parent
            .as_deref()
            .and_then(|p| depth.get(p))
            .map_or(0, |d| d + 1);
        depth.insert(&c.eid, d);
        let indent = "  ".repeat(d + 1);
        let heading = c
            .heading
            .as_deref()
            .map(|h| format!(" {h}"))
            .unwrap_or_default();
        let status = if c.status == Status::Repealed {
            " [repealed]"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "{indent}{} {}{heading}{status}  ({}, lines {}-{})",
            c.label, c.num, c.eid, c.line_start, c.line_end
        );
        if with_text && !c.text.is_empty() {
            let first: String = c
                .text
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(70)
                .collect();
            let _ = writeln!(out, "{indent}  | {first}");
        }
    }
    for b in &law.blocks {
        let _ = writeln!(
            out,
            "  [{}] lines {}-{}",
            serde_json::to_value(b.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
            b.line_start,
            b.line_end
        );
    }
    for d in &law.diagnostics {
        let _ = writeln!(
            out,
            "  {:?}: {}:{}: {}",
            d.severity, d.file, d.line, d.message
        );
    }
    out
}
