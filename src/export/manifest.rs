//! `manifest.json`: what an export holds and how to check it — format, schema version, the
//! lexharmony version, the corpus content hash, counts, every file with its size and SHA-256, the
//! laws in it and the ones left out, and the time it was made (the only field that differs
//! between two exports of the same corpus; `SOURCE_DATE_EPOCH` fixes it too).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::table::{civil_from_days, SCHEMA_VERSION};
use super::{hex, Dataset, ExportOptions, Filter, Format, Summary};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub dataset: String,
    pub format: String,
    pub schema_version: u32,
    pub lexharmony_version: String,
    /// Hex SHA-256 over `URI TAB content-hash LF` of every selected law, in export order.
    pub corpus_hash: String,
    pub filters: Filter,
    /// CSV only: whether the file starts with a UTF-8 byte order mark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bom: Option<bool>,
    pub counts: Counts,
    /// The table's columns (empty for AKN).
    pub columns: Vec<ColumnEntry>,
    pub files: Vec<FileEntry>,
    pub laws: Vec<LawEntry>,
    pub skipped: Vec<Skipped>,
    /// When the export was made: RFC 3339, UTC.
    pub created: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Counts {
    /// Law expressions with at least one exported clause.
    pub laws: usize,
    pub clauses: usize,
    /// Selected laws left out (see `skipped`).
    pub skipped: usize,
    pub files: usize,
    /// Clauses per state.
    pub by_state: BTreeMap<String, usize>,
    /// Analyses: the rows of the table (cells, definitions, provision x state).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnEntry {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub nullable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Relative to the manifest's folder.
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
    /// AKN: the expression URI the document is of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub law: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LawEntry {
    pub uri: String,
    pub state: String,
    pub text_kind: String,
    pub clauses: usize,
    pub content_hash: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Skipped {
    pub uri: String,
    pub source_file: Option<String>,
    pub reason: String,
}

impl Manifest {
    pub fn new(opts: &ExportOptions, summary: Summary, files: Vec<FileEntry>) -> Manifest {
        let columns = opts
            .format
            .columns()
            .unwrap_or(&[])
            .iter()
            .map(|c| ColumnEntry {
                name: c.name.to_string(),
                kind: c.kind.name().to_string(),
                nullable: c.nullable,
            })
            .collect();
        let corpus_hash = summary.corpus_hash();
        Manifest {
            dataset: Dataset::Clauses.name().to_string(),
            format: opts.format.name().to_string(),
            schema_version: SCHEMA_VERSION,
            lexharmony_version: env!("CARGO_PKG_VERSION").to_string(),
            corpus_hash,
            filters: opts.filter.clone(),
            bom: (opts.format == Format::Csv).then_some(opts.bom),
            counts: Counts {
                laws: summary.laws.len(),
                clauses: summary.clauses,
                skipped: summary.skipped.len(),
                files: files.len(),
                by_state: summary.by_state,
                rows: None,
            },
            columns,
            files,
            laws: summary.laws,
            skipped: summary.skipped,
            created: now_rfc3339(),
        }
    }

    /// Pretty JSON with a final newline; `created` is the last field, on a line of its own.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|e| {
            // A manifest is strings and numbers only; this cannot happen.
            format!("{{\"error\": \"manifest: {e}\"}}")
        });
        s.push('\n');
        s
    }
}

/// Now (or `SOURCE_DATE_EPOCH`, for reproducible builds) as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn now_rfc3339() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
        });
    rfc3339(secs)
}

pub fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A writer that counts and hashes what passes through it.
pub struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// The manifest entry of what was written so far.
    pub fn entry(&self, path: &str, law: Option<&str>) -> FileEntry {
        FileEntry {
            path: path.to_string(),
            bytes: self.bytes,
            sha256: hex(&self.hasher.clone().finalize()),
            law: law.map(str::to_string),
        }
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
    }

    #[test]
    fn hashing_writer_counts_and_hashes() {
        let mut w = HashingWriter::new(Vec::new());
        w.write_all(b"abc").unwrap();
        let e = w.entry("x", None);
        assert_eq!(e.bytes, 3);
        assert_eq!(
            e.sha256,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
