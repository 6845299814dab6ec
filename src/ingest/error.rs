//! Errors of the ingest area: a file that cannot be read as a law at all.
//! Problems inside a readable file are not errors but [`crate::model::Diagnostic`]s.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: cannot read file: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: file is empty")]
    Empty { path: PathBuf },
    #[error("{path}: looks like binary data, not text ({reason})")]
    Binary { path: PathBuf, reason: String },
    #[error("{path}: cannot decode text: {reason}")]
    Undecodable { path: PathBuf, reason: String },
    #[error("{path}:{line}: malformed {format}: {reason}")]
    Malformed {
        path: PathBuf,
        line: usize,
        format: &'static str,
        reason: String,
    },
    #[error(
        "{path}: unknown format {name:?} (expected one of: markdown, text, scraper, json, mhtml)"
    )]
    UnknownFormat { path: PathBuf, name: String },
}
