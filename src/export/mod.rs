//! Export: the clause dataset in the formats researchers use (DESIGN.md section 9), each with a
//! `manifest.json`, reproducible from the corpus. The schema is in `docs/dataset.md`.
//!
//! - Tables ([`table::CLAUSE_COLUMNS`], one row per clause): JSON Lines, RFC 4180 CSV, Parquet
//!   ([`text`], [`parquet`]), and NDJSON for an OpenSearch `_bulk` request with pre-analysed
//!   stems beside the text ([`opensearch`]).
//! - Akoma Ntoso 3.0 XML, one document per law expression ([`akn`]).
//!
//! Every writer streams: laws come one at a time (from a slice, or from any iterator, as the
//! benchmark's generator does), each row is written as it is made, Parquet keeps one row group at
//! most. Output order is laws by expression URI (then source file), clauses in document order;
//! nothing is iterated out of a hash map, and the only value that changes from run to run is the
//! manifest's `created` (which `SOURCE_DATE_EPOCH` fixes too).
//!
//! - The analyses (the gap matrix, the concordance, the definitions table) as CSV and JSON, with
//!   the same manifest ([`analyses`]); the clause table's `topics` column comes from the gap
//!   analysis ([`ExportOptions::topics`]).

pub mod akn;
pub mod analyses;
pub mod compare;
pub mod manifest;
pub mod opensearch;
pub mod parquet;
pub mod search;
pub mod stream;
pub mod table;
pub mod text;

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::gaps::TopicsByLaw;

use crate::library::StoredLaw;
use crate::model::uri_number;
pub use manifest::Manifest;
use manifest::{FileEntry, HashingWriter, LawEntry, Skipped};
use table::{Column, LawRows, Value, CLAUSE_COLUMNS};

/// The clause table (the analyses are [`analyses::AnalysisDataset`]s).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dataset {
    Clauses,
}

impl Dataset {
    pub fn name(self) -> &'static str {
        match self {
            Dataset::Clauses => "clauses",
        }
    }
}

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Jsonl,
    Csv,
    Parquet,
    Akn,
    Ndjson,
}

impl Format {
    pub const ALL: [Format; 5] = [
        Format::Jsonl,
        Format::Csv,
        Format::Parquet,
        Format::Akn,
        Format::Ndjson,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Parquet => "parquet",
            Format::Akn => "akn",
            Format::Ndjson => "ndjson",
        }
    }

    /// The file the table formats write (AKN writes one file per law).
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Jsonl => "clauses.jsonl",
            Format::Csv => "clauses.csv",
            Format::Parquet => "clauses.parquet",
            Format::Akn => "",
            Format::Ndjson => "clauses.ndjson",
        }
    }

    /// The HTTP content type.
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Jsonl => "application/jsonl; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::Parquet => "application/vnd.apache.parquet",
            Format::Akn => "application/akn+xml; charset=utf-8",
            Format::Ndjson => "application/x-ndjson; charset=utf-8",
        }
    }

    /// Whether `--out` names a folder whatever it looks like (several files are written).
    pub fn writes_folder(self) -> bool {
        matches!(self, Format::Akn | Format::Ndjson)
    }

    /// The columns of the table this format writes (None for AKN).
    pub fn columns(self) -> Option<&'static [Column]> {
        match self {
            Format::Akn => None,
            Format::Ndjson => Some(opensearch::NDJSON_COLUMNS.as_slice()),
            _ => Some(CLAUSE_COLUMNS),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                format!(
                    "unknown export format \"{s}\": expected jsonl, csv, parquet, akn or ndjson"
                )
            })
    }
}

/// Which laws to export: by state, and by law (a number, a work URI or an expression URI), as the
/// search filters. Empty lists select everything.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Filter {
    pub states: Vec<String>,
    pub laws: Vec<String>,
}

impl Filter {
    pub fn matches(&self, law: &StoredLaw) -> bool {
        let state_ok = self.states.is_empty()
            || self
                .states
                .iter()
                .any(|s| s.trim().eq_ignore_ascii_case(law.state()));
        let law_ok = self.laws.is_empty()
            || self.laws.iter().any(|wanted| {
                let wanted = wanted.trim();
                if wanted.starts_with('/') {
                    let wanted = wanted.trim_end_matches('/');
                    law.uri() == wanted || table::work_of(law.uri()) == wanted
                } else {
                    law.law
                        .number
                        .as_deref()
                        .is_some_and(|n| uri_number(n) == uri_number(wanted))
                }
            });
        state_ok && law_ok
    }
}

/// How to export.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub format: Format,
    pub filter: Filter,
    /// CSV only: start with a UTF-8 byte order mark (for Excel).
    pub bom: bool,
    /// `source_file` values under this folder are shown relative to it (with `/`), so that an
    /// export does not depend on where the repository was cloned.
    pub source_root: Option<PathBuf>,
    /// The gap analysis's clause topics, for the `topics` column (empty lists without it).
    pub topics: Option<Arc<TopicsByLaw>>,
}

impl ExportOptions {
    pub fn new(format: Format) -> ExportOptions {
        ExportOptions {
            format,
            filter: Filter::default(),
            bom: false,
            source_root: None,
            topics: None,
        }
    }

    /// A law's source file as exported.
    pub fn shown_source(&self, law: &StoredLaw) -> Option<String> {
        let file = law.law.source_file.as_deref()?;
        let Some(root) = &self.source_root else {
            return Some(file.to_string());
        };
        let path = Path::new(file);
        let relative = path
            .strip_prefix(root)
            .ok()
            .map(Path::to_path_buf)
            .or_else(|| {
                let (p, r) = (path.canonicalize().ok()?, root.canonicalize().ok()?);
                p.strip_prefix(r).ok().map(Path::to_path_buf)
            });
        Some(match relative {
            Some(r) => r
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/"),
            None => file.to_string(),
        })
    }
}

/// A writer of rows; `finish` flushes (and, for Parquet, writes the footer).
pub trait TableWriter {
    fn write_row(&mut self, row: &[Value]) -> io::Result<()>;
    fn finish(self: Box<Self>) -> io::Result<()>;
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Writing to a stream (not a named file) failed, e.g. the HTTP client went away.
    #[error("writing the export: {0}")]
    Write(#[from] io::Error),
    #[error("laws must come in expression URI order: {later} came after {earlier}")]
    Order { earlier: String, later: String },
    #[error("{0}")]
    Usage(String),
}

impl ExportError {
    fn io(path: &Path, source: io::Error) -> ExportError {
        ExportError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The laws of a slice that pass the filter, in export order: by expression URI, then source file.
pub fn select<'a>(laws: &'a [StoredLaw], filter: &Filter) -> Vec<&'a StoredLaw> {
    let mut out: Vec<&StoredLaw> = laws.iter().filter(|l| filter.matches(l)).collect();
    out.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    out
}

fn order_key(l: &StoredLaw) -> (&str, &str) {
    (l.uri(), l.law.source_file.as_deref().unwrap_or(""))
}

/// What an export saw, for the manifest: built while the laws stream past.
#[derive(Debug, Default)]
pub struct Summary {
    pub laws: Vec<LawEntry>,
    pub skipped: Vec<Skipped>,
    pub clauses: usize,
    /// Clauses per state.
    pub by_state: BTreeMap<String, usize>,
    corpus: Sha256,
    last: Option<(String, String)>,
}

impl Summary {
    /// Take a law into the count and the corpus hash; an error if it is out of order.
    fn see(&mut self, law: &StoredLaw) -> Result<(), ExportError> {
        let key = order_key(law);
        if let Some(last) = &self.last {
            if (last.0.as_str(), last.1.as_str()) > key {
                return Err(ExportError::Order {
                    earlier: last.0.clone(),
                    later: key.0.to_string(),
                });
            }
        }
        self.last = Some((key.0.to_string(), key.1.to_string()));
        self.corpus.update(law.uri().as_bytes());
        self.corpus.update(b"\t");
        self.corpus
            .update(law.law.content_hash.as_deref().unwrap_or("-").as_bytes());
        self.corpus.update(b"\n");
        Ok(())
    }

    fn exported(&mut self, law: &StoredLaw, clauses: usize) {
        self.laws.push(LawEntry {
            uri: law.uri().to_string(),
            state: law.state().to_string(),
            text_kind: table::text_kind(law).to_string(),
            clauses,
            content_hash: law.law.content_hash.clone(),
        });
        self.clauses += clauses;
        *self.by_state.entry(law.state().to_string()).or_default() += clauses;
    }

    fn skip(&mut self, law: &StoredLaw, opts: &ExportOptions, reason: &str) {
        self.skipped.push(Skipped {
            uri: law.uri().to_string(),
            source_file: opts.shown_source(law),
            reason: reason.to_string(),
        });
    }

    /// Hex SHA-256 over `URI TAB content-hash LF` of every selected law, in export order.
    pub fn corpus_hash(&self) -> String {
        hex(&self.corpus.clone().finalize())
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Write the clause table of `laws` (in export order, see [`select`]) in a table format.
pub fn write_table<W, I>(laws: I, opts: &ExportOptions, out: W) -> Result<Summary, ExportError>
where
    W: Write + Send,
    I: IntoIterator,
    I::Item: Borrow<StoredLaw>,
{
    let columns = opts.format.columns().ok_or_else(|| {
        ExportError::Usage("akn is one document per law: use export_to_path or write_akn".into())
    })?;
    let mut writer: Box<dyn TableWriter + '_> = match opts.format {
        Format::Jsonl => Box::new(text::JsonlWriter::new(out, columns)),
        Format::Csv => Box::new(text::CsvWriter::new(out, columns, opts.bom)?),
        Format::Parquet => Box::new(parquet::ParquetWriter::new(
            out,
            columns,
            vec![
                ("lexharmony.dataset".into(), Dataset::Clauses.name().into()),
                (
                    "lexharmony.schema_version".into(),
                    table::SCHEMA_VERSION.to_string(),
                ),
            ],
            table::UNIQUE_COLUMNS,
        )?),
        Format::Ndjson => Box::new(text::NdjsonWriter::new(out, columns, 0)),
        Format::Akn => unreachable!("checked above"),
    };
    let ndjson = opts.format == Format::Ndjson;
    let mut summary = Summary::default();
    for item in laws {
        let law: &StoredLaw = item.borrow();
        if !opts.filter.matches(law) {
            continue;
        }
        summary.see(law)?;
        if law.uri().is_empty() {
            summary.skip(law, opts, "no expression URI");
            continue;
        }
        if law.clauses.is_empty() {
            summary.skip(law, opts, "no clauses (metadata only)");
            continue;
        }
        let topics = opts.topics.as_ref().and_then(|t| t.get(law.uri()));
        let rows = LawRows::new(law, opts.shown_source(law), topics);
        let analyzer = opensearch::analyzer(law.law.lang.as_deref().unwrap_or("und"));
        for (position, clause) in law.clauses.iter().enumerate() {
            let permalink = crate::model::permalink(law.uri(), &clause.eid);
            let stems = ndjson.then(|| opensearch::Stems::new(clause, analyzer));
            let mut row = Vec::with_capacity(columns.len());
            rows.row(clause, position, &permalink, &mut row);
            if let Some(stems) = &stems {
                stems.extend_row(&mut row);
            }
            writer.write_row(&row)?;
        }
        summary.exported(law, law.clauses.len());
    }
    writer.finish()?;
    Ok(summary)
}

/// Write the Akoma Ntoso document of one law expression.
pub fn write_akn(law: &StoredLaw, opts: &ExportOptions, out: impl Write) -> io::Result<()> {
    akn::write_document(law, opts.shown_source(law).as_deref(), out)
}

/// Where an export goes: the data file (or folder) and the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The folder of a folder export (AKN, NDJSON, or a table format given a folder).
    pub folder: Option<PathBuf>,
    /// The data file of a table format.
    pub file: Option<PathBuf>,
    pub manifest: PathBuf,
}

impl Layout {
    /// AKN and NDJSON write into the folder `out`. The other formats write the file `out` with
    /// `out.manifest.json` beside it, or, when `out` is an existing folder or ends with `/`,
    /// `out/clauses.{ext}` with `out/manifest.json`.
    pub fn of(format: Format, out: &Path) -> Layout {
        let as_folder = format.writes_folder()
            || out.is_dir()
            || out.as_os_str().to_string_lossy().ends_with('/');
        if as_folder {
            Layout {
                folder: Some(out.to_path_buf()),
                file: (!format.file_name().is_empty()).then(|| out.join(format.file_name())),
                manifest: out.join("manifest.json"),
            }
        } else {
            let mut manifest = out.as_os_str().to_owned();
            manifest.push(".manifest.json");
            Layout {
                folder: None,
                file: Some(out.to_path_buf()),
                manifest: PathBuf::from(manifest),
            }
        }
    }
}

/// Export `laws` (filtered and ordered here) to `out` as [`Layout::of`] says, with its manifest.
pub fn export_to_path(
    laws: &[StoredLaw],
    opts: &ExportOptions,
    out: &Path,
) -> Result<Manifest, ExportError> {
    let layout = Layout::of(opts.format, out);
    if let Some(folder) = &layout.folder {
        fs::create_dir_all(folder).map_err(|e| ExportError::io(folder, e))?;
    } else if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| ExportError::io(parent, e))?;
    }
    let selected = select(laws, &opts.filter);
    let (summary, mut files) = if opts.format == Format::Akn {
        let folder = layout.folder.as_deref().unwrap_or(out);
        write_akn_folder(&selected, opts, folder)?
    } else {
        let file = layout.file.clone().unwrap_or_else(|| out.to_path_buf());
        let (summary, entry) =
            write_file(&file, |w| write_table(selected.iter().copied(), opts, w))?;
        (summary, vec![entry])
    };
    if opts.format == Format::Ndjson {
        let folder = layout.folder.as_deref().unwrap_or(out);
        let path = folder.join(opensearch::INDEX_FILE);
        let ((), entry) = write_file(&path, |w| {
            w.write_all(opensearch::index_config().as_bytes())
                .map_err(ExportError::from)
        })?;
        files.push(entry);
    }
    let base = layout
        .folder
        .clone()
        .or_else(|| out.parent().map(Path::to_path_buf));
    for f in &mut files {
        f.path = relative_name(&f.path, base.as_deref());
    }
    let manifest = Manifest::new(opts, summary, files);
    let json = manifest.to_json();
    atomic_write(&layout.manifest, json.as_bytes())?;
    Ok(manifest)
}

/// The manifest an export would have, without writing anything (the web's manifest links).
pub fn manifest_of(laws: &[StoredLaw], opts: &ExportOptions) -> Result<Manifest, ExportError> {
    let selected = select(laws, &opts.filter);
    let mut files = Vec::new();
    let summary = if opts.format == Format::Akn {
        let mut summary = Summary::default();
        let mut names = BTreeSet::new();
        for law in &selected {
            summary.see(law)?;
            if let Some(reason) = akn_skip_reason(law) {
                summary.skip(law, opts, reason);
                continue;
            }
            let name = unique_name(&mut names, akn::file_name(law.uri()));
            let mut w = HashingWriter::new(io::sink());
            write_akn(law, opts, &mut w)?;
            files.push(w.entry(&name, Some(law.uri())));
            summary.exported(law, law.clauses.len());
        }
        summary
    } else {
        let mut w = HashingWriter::new(io::sink());
        let summary = write_table(selected.iter().copied(), opts, &mut w)?;
        files.push(w.entry(opts.format.file_name(), None));
        if opts.format == Format::Ndjson {
            let mut w = HashingWriter::new(io::sink());
            w.write_all(opensearch::index_config().as_bytes())?;
            files.push(w.entry(opensearch::INDEX_FILE, None));
        }
        summary
    };
    Ok(Manifest::new(opts, summary, files))
}

fn akn_skip_reason(law: &StoredLaw) -> Option<&'static str> {
    if law.uri().is_empty() {
        Some("no expression URI")
    } else if law.clauses.is_empty() {
        Some("no clauses (metadata only)")
    } else {
        None
    }
}

/// `name`, or `name` with `-2`, `-3`... before `.xml` when taken (two files of one expression).
fn unique_name(taken: &mut BTreeSet<String>, name: String) -> String {
    let mut candidate = name.clone();
    let mut n = 2;
    while taken.contains(&candidate) {
        candidate = format!("{}-{n}.xml", name.trim_end_matches(".xml"));
        n += 1;
    }
    taken.insert(candidate.clone());
    candidate
}

fn write_akn_folder(
    selected: &[&StoredLaw],
    opts: &ExportOptions,
    folder: &Path,
) -> Result<(Summary, Vec<FileEntry>), ExportError> {
    let mut summary = Summary::default();
    let mut files = Vec::new();
    let mut names = BTreeSet::new();
    for law in selected {
        summary.see(law)?;
        if let Some(reason) = akn_skip_reason(law) {
            summary.skip(law, opts, reason);
            continue;
        }
        let name = unique_name(&mut names, akn::file_name(law.uri()));
        let path = folder.join(&name);
        let ((), mut entry) = write_file(&path, |w| {
            write_akn(law, opts, w).map_err(ExportError::from)
        })?;
        entry.law = Some(law.uri().to_string());
        files.push(entry);
        summary.exported(law, law.clauses.len());
    }
    Ok((summary, files))
}

/// Write a file through a hashing writer into a temporary name, then rename it into place.
fn write_file<T>(
    path: &Path,
    body: impl FnOnce(&mut HashingWriter<io::BufWriter<fs::File>>) -> Result<T, ExportError>,
) -> Result<(T, FileEntry), ExportError> {
    let tmp = temp_name(path);
    let file = fs::File::create(&tmp).map_err(|e| ExportError::io(&tmp, e))?;
    let mut w = HashingWriter::new(io::BufWriter::with_capacity(256 * 1024, file));
    let result =
        body(&mut w).and_then(|t| w.flush().map(|()| t).map_err(|e| ExportError::io(&tmp, e)));
    let value = match result {
        Ok(v) => v,
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            return Err(match e {
                ExportError::Write(source) => ExportError::io(path, source),
                other => other,
            });
        }
    };
    let entry = w.entry(&path.to_string_lossy(), None);
    drop(w);
    fs::rename(&tmp, path).map_err(|e| ExportError::io(path, e))?;
    Ok((value, entry))
}

fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let tmp = temp_name(path);
    fs::write(&tmp, bytes).map_err(|e| ExportError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| ExportError::io(path, e))
}

fn temp_name(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".tmp-{}", std::process::id()));
    PathBuf::from(name)
}

/// A written file's name as the manifest shows it: relative to the export's folder.
fn relative_name(path: &str, base: Option<&Path>) -> String {
    let p = Path::new(path);
    base.and_then(|b| p.strip_prefix(b).ok())
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_and_name() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
        assert_eq!("CSV".parse::<Format>().unwrap(), Format::Csv);
        assert!("xlsx".parse::<Format>().unwrap_err().contains("jsonl"));
    }

    #[test]
    fn layouts() {
        let l = Layout::of(Format::Jsonl, Path::new("out/data.jsonl"));
        assert_eq!(l.file.as_deref(), Some(Path::new("out/data.jsonl")));
        assert_eq!(l.manifest, Path::new("out/data.jsonl.manifest.json"));
        let l = Layout::of(Format::Csv, Path::new("out/"));
        assert_eq!(l.file.as_deref(), Some(Path::new("out/clauses.csv")));
        assert_eq!(l.manifest, Path::new("out/manifest.json"));
        let l = Layout::of(Format::Akn, Path::new("akn"));
        assert_eq!(l.file, None);
        assert_eq!(l.manifest, Path::new("akn/manifest.json"));
    }

    #[test]
    fn unique_names() {
        let mut taken = BTreeSet::new();
        assert_eq!(unique_name(&mut taken, "a.xml".into()), "a.xml");
        assert_eq!(unique_name(&mut taken, "a.xml".into()), "a-2.xml");
        assert_eq!(unique_name(&mut taken, "a.xml".into()), "a-3.xml");
    }
}
