//! Exports of the analyses: the gap matrix and the concordance table as CSV and JSON, the
//! definitions table as CSV and JSON, each written with a `manifest.json` like the clause table's.
//!
//! The CSV and JSON bodies are the gap module's own (the shapes of `lexharmony gaps --csv`,
//! `/api/gaps` and so on), so that the CLI, the API and an export never disagree.

use std::fmt;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::gaps::{concordance, definitions::DefinitionsTable, matrix, Analysis};
use crate::library::StoredLaw;

use super::manifest::{self, ColumnEntry, Counts, FileEntry, Manifest};
use super::table::SCHEMA_VERSION;
use super::text::{csv_error, csv_writer};
use super::{atomic_write, relative_name, select, write_file, ExportError, Filter, Summary};

/// An analysis that can be exported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnalysisDataset {
    /// States x topics, one row per cell.
    Gaps,
    /// Every term of a definitions article, one row per state's definition.
    Definitions,
    /// One reference instrument's provisions against every member state.
    Concordance { instrument: String },
}

impl AnalysisDataset {
    pub fn name(&self) -> &'static str {
        match self {
            AnalysisDataset::Gaps => "gaps",
            AnalysisDataset::Definitions => "definitions",
            AnalysisDataset::Concordance { .. } => "concordance",
        }
    }

    /// `gaps`, `definitions`, or `concordance` with an instrument.
    pub fn parse(name: &str, instrument: Option<&str>) -> Result<AnalysisDataset, String> {
        match (name.trim().to_ascii_lowercase().as_str(), instrument) {
            ("gaps", _) => Ok(AnalysisDataset::Gaps),
            ("definitions", _) => Ok(AnalysisDataset::Definitions),
            ("concordance", Some(i)) if !i.trim().is_empty() => Ok(AnalysisDataset::Concordance {
                instrument: i.trim().to_string(),
            }),
            ("concordance", _) => Err(
                "the concordance export needs an instrument (csto, budapest, cis-2013 ...)".into(),
            ),
            (other, _) => Err(format!(
                "unknown dataset \"{other}\": expected clauses, gaps, definitions or concordance"
            )),
        }
    }
}

/// The formats of an analysis export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalysisFormat {
    Csv,
    Json,
}

impl AnalysisFormat {
    pub fn name(self) -> &'static str {
        match self {
            AnalysisFormat::Csv => "csv",
            AnalysisFormat::Json => "json",
        }
    }

    pub fn media_type(self) -> &'static str {
        match self {
            AnalysisFormat::Csv => "text/csv; charset=utf-8; header=present",
            AnalysisFormat::Json => "application/json",
        }
    }
}

impl fmt::Display for AnalysisFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AnalysisFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Ok(AnalysisFormat::Csv),
            "json" => Ok(AnalysisFormat::Json),
            other => Err(format!(
                "the analyses export as csv or json, not \"{other}\""
            )),
        }
    }
}

/// The header of the definitions CSV.
pub const DEFINITIONS_COLUMNS: [&str; 13] = [
    "term_key",
    "term_group",
    "states_defining",
    "state",
    "law_uri",
    "number",
    "lang",
    "text_kind",
    "term",
    "definition",
    "eid",
    "permalink",
    "how_read",
];

/// The definitions table as RFC 4180 CSV: one row per definition, shared terms first.
pub fn definitions_csv(table: &DefinitionsTable) -> io::Result<Vec<u8>> {
    let mut w = csv_writer(Vec::new());
    w.write_record(DEFINITIONS_COLUMNS).map_err(csv_error)?;
    for group in table.shared.iter().chain(&table.single) {
        let states = group.states.join(";");
        for d in &group.definitions {
            w.write_record([
                group.key.as_str(),
                group.term.as_str(),
                states.as_str(),
                d.state.as_str(),
                d.law_uri.as_str(),
                d.number.as_str(),
                d.lang.as_str(),
                if d.digest { "digest" } else { "official" },
                d.term.as_str(),
                d.definition.as_deref().unwrap_or(""),
                d.eid.as_str(),
                d.permalink.as_str(),
                d.how,
            ])
            .map_err(csv_error)?;
        }
    }
    w.into_inner().map_err(|e| e.into_error())
}

/// The body of an analysis export, and its number of rows (cells, definitions, provision x
/// state rows).
pub fn render(
    dataset: &AnalysisDataset,
    format: AnalysisFormat,
    analysis: &Analysis,
    laws: &[StoredLaw],
) -> Result<(Vec<u8>, usize), ExportError> {
    Ok(match dataset {
        AnalysisDataset::Gaps => {
            let m = &analysis.matrix;
            let body = match format {
                AnalysisFormat::Csv => matrix::to_csv(m, analysis.framework).into_bytes(),
                AnalysisFormat::Json => json(m)?,
            };
            (body, m.cells.len())
        }
        AnalysisDataset::Definitions => {
            let d = &analysis.definitions;
            let body = match format {
                AnalysisFormat::Csv => definitions_csv(d)?,
                AnalysisFormat::Json => json(d)?,
            };
            let rows = d
                .shared
                .iter()
                .chain(&d.single)
                .map(|g| g.definitions.len())
                .sum();
            (body, rows)
        }
        AnalysisDataset::Concordance { instrument } => {
            let c = analysis
                .concordance(laws, instrument, None)
                .ok_or_else(|| {
                    ExportError::Usage(format!(
                        "unknown instrument \"{instrument}\": one of {}",
                        concordance::instruments(laws)
                            .into_iter()
                            .map(|(key, _, _)| key)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ))
                })?;
            let body = match format {
                AnalysisFormat::Csv => concordance::to_csv(&c).into_bytes(),
                AnalysisFormat::Json => json(&c)?,
            };
            (body, c.rows.iter().map(|r| r.states.len()).sum())
        }
    })
}

/// Pretty JSON with a final newline, the shape of the matching `/api/...` answer.
fn json<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, ExportError> {
    let mut out = serde_json::to_vec_pretty(value).map_err(|e| ExportError::Write(e.into()))?;
    out.push(b'\n');
    Ok(out)
}

/// The file name of an analysis export in a folder: `gaps.csv`, `concordance-csto.json` ...
pub fn file_name(dataset: &AnalysisDataset, format: AnalysisFormat) -> String {
    match dataset {
        AnalysisDataset::Concordance { instrument } => {
            let slug: String = instrument
                .chars()
                .map(|c| if c.is_alphanumeric() { c } else { '-' })
                .collect();
            format!("concordance-{}.{}", slug.trim_matches('-'), format.name())
        }
        other => format!("{}.{}", other.name(), format.name()),
    }
}

/// The manifest of an analysis export over `laws` (all of them: the analyses take no filter).
pub fn manifest_for(
    dataset: &AnalysisDataset,
    format: AnalysisFormat,
    laws: &[StoredLaw],
    rows: usize,
    files: Vec<FileEntry>,
) -> Manifest {
    let mut summary = Summary::default();
    for law in select(laws, &Filter::default()) {
        // Laws come in export order from select: this cannot fail.
        let _ = summary.see(law);
        if law.clauses.is_empty() {
            continue;
        }
        summary.exported(law, law.clauses.len());
    }
    let columns = match (dataset, format) {
        (_, AnalysisFormat::Json) => Vec::new(),
        (AnalysisDataset::Definitions, _) => DEFINITIONS_COLUMNS.to_vec(),
        (AnalysisDataset::Gaps, _) => matrix::CSV_COLUMNS.to_vec(),
        (AnalysisDataset::Concordance { .. }, _) => concordance::CSV_COLUMNS.to_vec(),
    };
    let corpus_hash = summary.corpus_hash();
    Manifest {
        dataset: dataset.name().to_string(),
        format: format.name().to_string(),
        schema_version: SCHEMA_VERSION,
        lexharmony_version: env!("CARGO_PKG_VERSION").to_string(),
        corpus_hash,
        filters: match dataset {
            AnalysisDataset::Concordance { instrument } => Filter {
                states: Vec::new(),
                laws: vec![instrument.clone()],
            },
            _ => Filter::default(),
        },
        bom: None,
        counts: Counts {
            laws: summary.laws.len(),
            clauses: summary.clauses,
            skipped: 0,
            files: files.len(),
            by_state: summary.by_state,
            rows: Some(rows),
        },
        columns: columns
            .into_iter()
            .map(|name| ColumnEntry {
                name: name.to_string(),
                kind: "string".to_string(),
                nullable: false,
            })
            .collect(),
        files,
        laws: summary.laws,
        skipped: Vec::new(),
        created: manifest::now_rfc3339(),
    }
}

/// Write an analysis to `out` (a file, with `out.manifest.json` beside it; or an existing folder
/// or a path ending in `/`, which gets [`file_name`] and `manifest.json`).
pub fn export_analysis_to_path(
    dataset: &AnalysisDataset,
    format: AnalysisFormat,
    analysis: &Analysis,
    laws: &[StoredLaw],
    out: &Path,
) -> Result<Manifest, ExportError> {
    let as_folder = out.is_dir() || out.as_os_str().to_string_lossy().ends_with('/');
    let (file, manifest_path, base): (PathBuf, PathBuf, Option<PathBuf>) = if as_folder {
        std::fs::create_dir_all(out).map_err(|e| ExportError::io(out, e))?;
        (
            out.join(file_name(dataset, format)),
            out.join("manifest.json"),
            Some(out.to_path_buf()),
        )
    } else {
        if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| ExportError::io(parent, e))?;
        }
        let mut m = out.as_os_str().to_owned();
        m.push(".manifest.json");
        (
            out.to_path_buf(),
            PathBuf::from(m),
            out.parent().map(Path::to_path_buf),
        )
    };
    let (body, rows) = render(dataset, format, analysis, laws)?;
    let ((), mut entry) = write_file(&file, |w| w.write_all(&body).map_err(ExportError::from))?;
    entry.path = relative_name(&entry.path, base.as_deref());
    let manifest = manifest_for(dataset, format, laws, rows, vec![entry]);
    atomic_write(&manifest_path, manifest.to_json().as_bytes())?;
    Ok(manifest)
}

/// Which analyses exist, for the export page: (dataset, formats, what it holds).
pub fn catalogue() -> Vec<(&'static str, &'static str)> {
    vec![
        (
            "gaps",
            "The gap matrix: one row per member state and framework topic, with its status \
             (covered, partial, not found, no text), the supporting clauses and the evidence.",
        ),
        (
            "definitions",
            "The definitions table: every term defined in a definitions article, per state, \
             with its text; terms several states define share a term key.",
        ),
        (
            "concordance",
            "The concordance of one reference instrument: each provision, the national \
             provisions per state, the grade and the evidence.",
        ),
    ]
}
