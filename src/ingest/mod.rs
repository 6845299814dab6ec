//! Ingest: from a file as it was really published to a [`ParsedLaw`] — metadata, the clause tree with
//! stable ids, the named non-clause blocks, and diagnostics.
//!
//! The flow is bytes -> [`decode`] (encoding) -> a reader per [`Format`] (Markdown, plain text,
//! scraper text, JSON tree, MHTML/HTML) producing numbered [`source::SourceLine`]s ->
//! [`structure::detect`] -> [`ParsedLaw`]. Readers know the file format; only `structure` and
//! `patterns` know what legal text looks like.

pub mod decode;
pub mod error;
pub mod json_tree;
pub mod markdown;
pub mod mhtml;
pub mod outline;
pub mod patterns;
pub mod source;
pub mod structure;
pub mod text;

use std::path::Path;
use std::str::FromStr;

use serde::Serialize;
use sha2::{Digest, Sha256};

pub use error::IngestError;

use crate::model::{
    expression_uri, permalink, work_uri, Block, Clause, Diagnostic, LawMeta, Severity,
};
use source::SourceLine;

/// The shapes a law arrives in (DESIGN.md section 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Markdown,
    /// Plain text as printed by an official portal.
    Text,
    /// Text exported by a scraper, with its own header and article separator lines.
    Scraper,
    /// A JSON tree of strings.
    Json,
    /// A saved web page (MHTML) or an HTML file.
    Mhtml,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Text => "text",
            Format::Scraper => "scraper",
            Format::Json => "json",
            Format::Mhtml => "mhtml",
        }
    }
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "markdown" | "md" => Format::Markdown,
            "text" | "txt" | "plain" => Format::Text,
            "scraper" => Format::Scraper,
            "json" => Format::Json,
            "mhtml" | "html" | "htm" | "mht" => Format::Mhtml,
            other => return Err(format!("unknown format {other:?}")),
        })
    }
}

/// One parsed law expression.
#[derive(Debug, Clone, Serialize)]
pub struct ParsedLaw {
    pub law: LawMeta,
    pub clauses: Vec<Clause>,
    pub blocks: Vec<Block>,
    pub diagnostics: Vec<Diagnostic>,
    /// The lines the reader produced; the source of every clause's text.
    #[serde(skip)]
    pub lines: Vec<SourceLine>,
}

impl ParsedLaw {
    /// Clause permalink, when the law has a URI.
    pub fn permalink(&self, clause: &Clause) -> Option<String> {
        self.law.uri.as_deref().map(|u| permalink(u, &clause.eid))
    }

    pub fn articles(&self) -> impl Iterator<Item = &Clause> {
        self.clauses
            .iter()
            .filter(|c| c.kind == crate::model::ClauseKind::Article)
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Read and parse one file. `format` overrides detection.
pub fn parse_file(path: &Path, format: Option<Format>) -> Result<ParsedLaw, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_bytes(path, &bytes, format)
}

/// Parse a file's bytes; `path` names it in messages and helps detect the format.
pub fn parse_bytes(
    path: &Path,
    bytes: &[u8],
    format: Option<Format>,
) -> Result<ParsedLaw, IngestError> {
    let (text, encoding) = decode::decode(path, bytes)?;
    let format = format.unwrap_or_else(|| detect_format(path, &text));
    let file = path.display().to_string();
    let mut meta = LawMeta {
        source_file: Some(file.clone()),
        content_hash: Some(hex(&Sha256::digest(bytes))),
        format: Some(format.name().to_string()),
        encoding: Some(
            serde_json::to_value(encoding)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        ),
        ..LawMeta::default()
    };
    let lines = match format {
        Format::Markdown => {
            let (lines, front) = markdown::read(&text);
            apply_front_matter(&mut meta, front);
            lines
        }
        Format::Text => text::read_plain(&text),
        Format::Scraper => {
            let (lines, header) = text::read_scraped(&text);
            apply_scraper_header(&mut meta, &header);
            lines
        }
        Format::Json => json_tree::read(path, &text)?,
        Format::Mhtml => {
            let (html_lines, title) = mhtml::read_html_lines(path, &text)?;
            if meta.title.is_none() {
                meta.title = title;
            }
            html_lines
                .into_iter()
                .map(|l| {
                    let mut s = SourceLine::new(l.source_line, &l.text);
                    if l.heading {
                        s.heading_level = Some(2);
                    }
                    s
                })
                .collect()
        }
    };
    let mut detected = structure::detect(&lines, &file);
    if meta.extra.get("text").map(String::as_str) == Some("metadata-only") {
        // A law known only by name has no structure to find: that is its point, not a problem.
        for d in &mut detected.diagnostics {
            if d.message.starts_with("no structure recognised") {
                d.severity = Severity::Info;
                d.message = "metadata-only entry: no text, as declared in its front matter".into();
            }
        }
    }
    infer_meta(&mut meta, path, &lines, &mut detected);
    Ok(ParsedLaw {
        law: meta,
        clauses: detected.clauses,
        blocks: detected.blocks,
        diagnostics: detected.diagnostics,
        lines,
    })
}

/// Content beats the file name: a `.txt` that holds JSON is read as JSON.
pub fn detect_format(path: &Path, text: &str) -> Format {
    let head = text.trim_start();
    if mhtml::looks_like_mhtml(text) {
        return Format::Mhtml;
    }
    let lower_head: String = head.chars().take(200).collect::<String>().to_lowercase();
    if lower_head.starts_with("<!doctype html") || lower_head.starts_with("<html") {
        return Format::Mhtml;
    }
    if (head.starts_with('{') || head.starts_with('['))
        && serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok()
    {
        return Format::Json;
    }
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if text::looks_scraped(text) {
        return Format::Scraper;
    }
    if matches!(ext.as_str(), "md" | "markdown") || text.starts_with("---\n") {
        return Format::Markdown;
    }
    if matches!(ext.as_str(), "html" | "htm" | "mhtml" | "mht") {
        return Format::Mhtml;
    }
    if text
        .lines()
        .take(50)
        .any(|l| l.starts_with("# ") || l.starts_with("## "))
    {
        return Format::Markdown;
    }
    Format::Text
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn apply_front_matter(meta: &mut LawMeta, front: markdown::FrontMatter) {
    for (key, value) in front {
        let slot = match key.as_str() {
            "country" | "state" => &mut meta.country,
            "type" | "doc_type" => &mut meta.doc_type,
            "number" => &mut meta.number,
            "title" => &mut meta.title,
            "title_en" => &mut meta.title_en,
            "lang" | "language" => &mut meta.lang,
            "adopted" | "date" => &mut meta.adopted,
            "published" => &mut meta.published,
            "in_force" => &mut meta.in_force,
            "edition" => &mut meta.edition,
            "repealed" => &mut meta.repealed,
            "source_url" | "source" => &mut meta.source_url,
            "retrieved" => &mut meta.retrieved,
            _ => {
                meta.extra.insert(key, value);
                continue;
            }
        };
        if !value.is_empty() {
            *slot = Some(value);
        }
    }
}

const SCRAPER_COUNTRIES: &[(&str, &str)] = &[
    ("armenia", "am"),
    ("belarus", "by"),
    ("kazakhstan", "kz"),
    ("kyrgyzstan", "kg"),
    ("russia", "ru"),
    ("tajikistan", "tj"),
];

fn apply_scraper_header(meta: &mut LawMeta, header: &[(String, String)]) {
    for (key, value) in header {
        let k = key.to_ascii_lowercase();
        if let Some(country) = k.strip_suffix(" source") {
            meta.title_en.get_or_insert_with(|| value.clone());
            if let Some((_, cc)) = SCRAPER_COUNTRIES.iter().find(|(n, _)| *n == country) {
                meta.country.get_or_insert_with(|| cc.to_string());
            }
        } else if k == "source url" || k == "url" {
            meta.source_url.get_or_insert_with(|| value.clone());
        } else {
            meta.extra.insert(key.clone(), value.clone());
        }
    }
}

/// Country codes a file name may start with ("KZ_94-V_...md").
const FILE_PREFIXES: &[&str] = &[
    "am", "by", "kz", "kg", "ru", "tj", "cis", "csto", "coe", "eu", "sco", "de",
];

/// Fill what the file did not say from what can be told: language from the script and keywords,
/// country from the file name, title from the title block. The URI needs country, date and number;
/// missing parts are spelled `unknown` so every clause still has a permalink, and a diagnostic says so.
fn infer_meta(
    meta: &mut LawMeta,
    path: &Path,
    lines: &[SourceLine],
    detected: &mut structure::Detected,
) {
    if meta.lang.is_none() {
        meta.lang = Some(guess_lang(lines).to_string());
    }
    if meta.country.is_none() {
        let stem = path
            .file_name()
            .and_then(|f| f.to_str())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let prefix = stem.split(['_', '-', '.']).next().unwrap_or_default();
        if FILE_PREFIXES.contains(&prefix) {
            meta.country = Some(prefix.to_string());
        }
    }
    let title_block = detected
        .blocks
        .iter()
        .find(|b| b.kind == crate::model::BlockKind::Title);
    if let Some(b) = title_block {
        meta.title_printed = lines
            .iter()
            .find(|l| l.no >= b.line_start && l.no <= b.line_end && !l.is_blank())
            .map(|l| l.text.clone());
    }
    if meta.title.is_none() {
        meta.title = meta.title_printed.clone();
    }
    let mut missing = Vec::new();
    let country = meta.country.clone().unwrap_or_else(|| {
        missing.push("country");
        "unknown".into()
    });
    let date = meta.adopted.clone().unwrap_or_else(|| {
        missing.push("adoption date");
        "unknown".into()
    });
    let number = meta.number.clone().unwrap_or_else(|| {
        missing.push("number");
        path.file_stem()
            .and_then(|s| s.to_str())
            .map(crate::model::uri_number)
            .unwrap_or_else(|| "unknown".into())
    });
    let doc_type = meta.doc_type.clone().unwrap_or_else(|| "act".into());
    let work = work_uri(&country, &doc_type, &date, &number);
    let lang = meta.lang.clone().unwrap_or_else(|| "und".into());
    meta.uri = Some(expression_uri(&work, &lang, meta.edition.as_deref()));
    if !missing.is_empty() {
        let first = lines.iter().find(|l| !l.is_blank()).map_or(1, |l| l.no);
        detected.diagnostics.insert(
            0,
            Diagnostic {
                severity: Severity::Info,
                file: path.display().to_string(),
                line: first,
                message: format!(
                    "metadata not given: {} (spelled `unknown` in the URI; add front matter to fix)",
                    missing.join(", ")
                ),
            },
        );
    }
}

/// ISO 639-2/T code from the letters and the heading keywords of the text.
fn guess_lang(lines: &[SourceLine]) -> &'static str {
    let mut cyr = 0usize;
    let mut latin = 0usize;
    let mut armenian = 0usize;
    let mut kazakh = 0usize;
    let mut tajik = 0usize;
    let mut belarusian = 0usize;
    let mut german = 0usize;
    for l in lines.iter().take(3000) {
        for ch in l.text.chars() {
            match ch {
                'а'..='я' | 'А'..='Я' | 'ё' | 'Ё' => cyr += 1,
                'ә' | 'ғ' | 'қ' | 'ң' | 'ө' | 'ұ' | 'һ' => kazakh += 1,
                'ӣ' | 'ӯ' | 'ҷ' | 'ҳ' => tajik += 1,
                'ў' | 'і' => belarusian += 1,
                'ä' | 'ö' | 'ü' | 'ß' => german += 1,
                'a'..='z' | 'A'..='Z' => latin += 1,
                '\u{0531}'..='\u{058F}' => armenian += 1,
                _ => {}
            }
        }
    }
    if armenian > cyr && armenian > latin {
        return "hye";
    }
    if cyr + kazakh + tajik >= latin {
        let total = cyr.max(1);
        if tajik * 200 > total {
            return "tgk";
        }
        if kazakh * 100 > total {
            return "kaz";
        }
        if belarusian * 100 > total {
            return "bel";
        }
        return "rus";
    }
    if german * 300 > latin {
        return "deu";
    }
    "eng"
}

/// Every file under `dir` (recursively) that looks like a law text, sorted.
pub fn law_files(dir: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for entry in std::fs::read_dir(&d)? {
            let p = entry?.path();
            if p.is_dir() {
                pending.push(p);
            } else if p.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                matches!(
                    e.to_ascii_lowercase().as_str(),
                    "md" | "markdown" | "txt" | "json" | "mhtml" | "mht" | "html" | "htm"
                )
            }) && p.file_name().and_then(|f| f.to_str()) != Some("README.md")
            {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}
