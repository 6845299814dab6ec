//! The library: every law the tool knows, loaded from the bundled `corpus/` and any files or folders a
//! user gives, with a report of what could not be read. Index building, stats, compare, gaps and
//! export all start from a [`Library`].

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::ingest::{self, ParsedLaw};
use crate::model::{Block, Clause, ClauseKind, Diagnostic, LawMeta, Severity};

/// A law as kept in the index folder and served to pages: the parse without the reader's lines.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredLaw {
    pub law: LawMeta,
    pub clauses: Vec<Clause>,
    pub blocks: Vec<Block>,
    pub diagnostics: Vec<Diagnostic>,
}

impl From<ParsedLaw> for StoredLaw {
    fn from(p: ParsedLaw) -> Self {
        StoredLaw {
            law: p.law,
            clauses: p.clauses,
            blocks: p.blocks,
            diagnostics: p.diagnostics,
        }
    }
}

impl StoredLaw {
    pub fn uri(&self) -> &str {
        self.law.uri.as_deref().unwrap_or("")
    }

    pub fn state(&self) -> &str {
        self.law.country.as_deref().unwrap_or("unknown")
    }

    pub fn articles(&self) -> impl Iterator<Item = &Clause> {
        self.clauses
            .iter()
            .filter(|c| c.kind == ClauseKind::Article)
    }

    /// A front matter value kept in `extra` (status, text, unverified ...).
    pub fn extra(&self, key: &str) -> Option<&str> {
        self.law.extra.get(key).map(String::as_str)
    }

    /// Whether this entry holds text (a digest or an official text) rather than metadata only.
    pub fn has_text(&self) -> bool {
        self.extra("text") != Some("metadata-only") && !self.clauses.is_empty()
    }

    pub fn is_digest(&self) -> bool {
        self.extra("text") == Some("digest")
    }

    /// Metadata values marked unverified in the front matter.
    pub fn unverified(&self) -> Vec<String> {
        self.extra("unverified")
            .map(|v| {
                v.split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn clause(&self, eid: &str) -> Option<&Clause> {
        self.clauses.iter().find(|c| c.eid == eid)
    }

    /// Human title in the edition's language (the English title for an English edition), else
    /// the original title, else the file name.
    pub fn title(&self) -> &str {
        let english = (self.law.lang.as_deref() == Some("eng"))
            .then_some(self.law.title_en.as_deref())
            .flatten();
        // A Russian edition of a law whose original title is in another script shows the Russian
        // title it prints.
        let printed = self.law.title_printed.as_deref().filter(|p| {
            let cyrillic = |s: &str| s.chars().any(|c| ('а'..='я').contains(&c));
            self.law.lang.as_deref() == Some("rus")
                && cyrillic(p)
                && !self.law.title.as_deref().is_some_and(cyrillic)
        });
        english
            .or(printed)
            .or(self.law.title.as_deref())
            .or(self.law.source_file.as_deref())
            .unwrap_or("(untitled)")
    }
}

/// A file that could not be read, or that has error diagnostics.
#[derive(Debug)]
pub struct BadFile {
    pub path: PathBuf,
    pub error: String,
}

/// What loading found: the laws, and every bad file by name.
#[derive(Debug, Default)]
pub struct Library {
    pub laws: Vec<StoredLaw>,
    pub bad: Vec<BadFile>,
}

impl Library {
    /// Parse every law file under each path (a file or a folder). Bad files are reported, the good
    /// ones kept. Laws are sorted by URI so every consumer sees the same order.
    pub fn load(paths: &[PathBuf]) -> Library {
        let mut lib = Library::default();
        let mut files = Vec::new();
        for p in paths {
            if p.is_dir() {
                match ingest::law_files(p) {
                    Ok(mut f) => files.append(&mut f),
                    Err(e) => lib.bad.push(BadFile {
                        path: p.clone(),
                        error: format!("{}: cannot list folder: {e}", p.display()),
                    }),
                }
            } else {
                files.push(p.clone());
            }
        }
        for path in files {
            match ingest::parse_file(&path, None) {
                Ok(parsed) => {
                    if let Some(d) = parsed
                        .diagnostics
                        .iter()
                        .find(|d| d.severity == Severity::Error)
                    {
                        lib.bad.push(BadFile {
                            path: path.clone(),
                            error: format!("{}:{}: {}", d.file, d.line, d.message),
                        });
                    }
                    lib.laws.push(parsed.into());
                }
                Err(e) => lib.bad.push(BadFile {
                    path: path.clone(),
                    error: e.to_string(),
                }),
            }
        }
        lib.sort();
        lib
    }

    fn sort(&mut self) {
        self.laws
            .sort_by(|a, b| (a.state(), a.uri()).cmp(&(b.state(), b.uri())));
    }

    pub fn law(&self, uri: &str) -> Option<&StoredLaw> {
        self.laws.iter().find(|l| l.uri() == uri)
    }

    /// Laws per state, in state order.
    pub fn by_state(&self) -> BTreeMap<&str, Vec<&StoredLaw>> {
        let mut map: BTreeMap<&str, Vec<&StoredLaw>> = BTreeMap::new();
        for l in &self.laws {
            map.entry(l.state()).or_default().push(l);
        }
        map
    }

    pub fn clause_count(&self) -> usize {
        self.laws.iter().map(|l| l.clauses.len()).sum()
    }
}

/// The bundled corpus folder: `corpus/` beside the binary's crate, or in the working directory.
pub fn default_corpus_dir() -> PathBuf {
    let here = PathBuf::from("corpus");
    if here.is_dir() {
        return here;
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("corpus")
}
