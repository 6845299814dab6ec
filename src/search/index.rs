//! The on-disk index folder: its schema, building a new generation from a [`Library`], swapping it
//! in atomically, and opening the current one.
//!
//! Layout: `DIR/CURRENT` names the generation folder that serves (`DIR/gen-...`), which holds the
//! tantivy index (`tantivy/`) and the laws it was built from (`laws.json`). A build writes a new
//! generation, then replaces `CURRENT` by rename; a crash or a kill at any moment before that
//! rename leaves the previous generation serving, untouched.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::{DateTime, Index, TantivyDocument};

use crate::library::{Library, StoredLaw};
use crate::model::permalink;
use crate::search::analysis;
use crate::search::SearchError;

/// The fields of a clause document.
#[derive(Clone, Debug)]
pub struct Fields {
    pub permalink: Field,
    pub uri: Field,
    pub eid: Field,
    pub state: Field,
    pub law: Field,
    pub lang: Field,
    pub kind: Field,
    pub status: Field,
    pub text_exact: Field,
    pub text_rus: Field,
    pub text_eng: Field,
    pub text_hye: Field,
    pub text_prefix: Field,
    pub heading_exact: Field,
    pub heading_prefix: Field,
    pub adopted: Field,
    pub edition: Field,
    pub valid_from: Field,
    pub valid_to: Field,
    pub order: Field,
    /// The clause's place in its law's clauses, so a hit finds its clause without a scan.
    pub clause_ix: Field,
}

pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |name: &str| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(name)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let fields = Fields {
        permalink: b.add_text_field("permalink", STRING | STORED),
        uri: b.add_text_field("uri", STRING | STORED),
        eid: b.add_text_field("eid", STRING | STORED),
        state: b.add_text_field("state", STRING | STORED | FAST),
        law: b.add_text_field("law", STRING),
        lang: b.add_text_field("lang", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        status: b.add_text_field("status", STRING | STORED),
        text_exact: b.add_text_field("text_exact", text(analysis::EXACT)),
        text_rus: b.add_text_field("text_rus", text(analysis::RUSSIAN)),
        text_eng: b.add_text_field("text_eng", text(analysis::ENGLISH)),
        text_hye: b.add_text_field("text_hye", text(analysis::ARMENIAN)),
        text_prefix: b.add_text_field("text_prefix", text(analysis::PREFIX_TEXT)),
        heading_exact: b.add_text_field("heading_exact", text(analysis::EXACT)),
        heading_prefix: b.add_text_field("heading_prefix", text(analysis::PREFIX)),
        adopted: b.add_date_field("adopted", INDEXED | FAST),
        edition: b.add_date_field("edition", INDEXED | FAST),
        valid_from: b.add_date_field("valid_from", INDEXED | FAST),
        valid_to: b.add_date_field("valid_to", INDEXED | FAST),
        order: b.add_u64_field("order", FAST | STORED),
        clause_ix: b.add_u64_field("clause_ix", STORED),
    };
    (b.build(), fields)
}

/// The stemmed field a language's text goes to, besides the exact field.
pub fn language_field(fields: &Fields, lang: &str) -> Field {
    match lang {
        "rus" => fields.text_rus,
        "eng" => fields.text_eng,
        "hye" => fields.text_hye,
        _ => fields.text_prefix,
    }
}

/// What a build did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BuildReport {
    pub generation: String,
    pub laws: usize,
    pub clauses: usize,
    pub bytes_of_text: u64,
    pub seconds: f64,
}

/// Progress callback: (clauses done, clauses in all).
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

/// Build a new generation in `dir` from the library and swap it in.
pub fn build(dir: &Path, lib: &Library, progress: Progress) -> Result<BuildReport, SearchError> {
    let started = Instant::now();
    fs::create_dir_all(dir).map_err(|e| SearchError::io(dir, e))?;
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let generation = format!("gen-{stamp}-{}", std::process::id());
    let gen_dir = dir.join(&generation);
    let tantivy_dir = gen_dir.join("tantivy");
    fs::create_dir_all(&tantivy_dir).map_err(|e| SearchError::io(&tantivy_dir, e))?;

    let (schema, f) = schema();
    let index = Index::create_in_dir(&tantivy_dir, schema)?;
    analysis::register(&index);
    // A large budget makes few, large segments (the arena grows only as needed).
    let mut writer: tantivy::IndexWriter = index.writer(1024 * 1024 * 1024)?;
    // Documents go in state by state, with a commit after each, and no merge: every segment
    // holds one state, so a search counts a state in its own segments (stopping there at the
    // limit, or reading a term's document frequency) and skips the segments of the states not
    // asked for. (Merging each state's segments into one saved little at search time and cost
    // a tenth of the build.)
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    let total = lib.clause_count() + lib.laws.iter().filter(|l| l.clauses.is_empty()).count();
    let abort_after: Option<usize> = std::env::var("LEXHARMONY_TEST_ABORT_AFTER_CLAUSES")
        .ok()
        .and_then(|v| v.parse().ok());
    let mut done = 0usize;
    let mut bytes = 0u64;
    // Laws of higher rank (codes, laws) before bylaws when scores tie; then by URI; then document
    // order: each document's `order`, the last tie-break of a ranking, whatever the state.
    let mut ordered: Vec<&StoredLaw> = lib.laws.iter().collect();
    ordered.sort_by_key(|l| (doc_rank(l), l.uri().to_string()));
    let mut by_state: std::collections::BTreeMap<&str, Vec<(u64, &StoredLaw)>> = Default::default();
    let mut first_order = 0u64;
    for law in ordered {
        by_state
            .entry(law.state())
            .or_default()
            .push((first_order, law));
        first_order += law.clauses.len().max(1) as u64;
    }
    for laws in by_state.values() {
        for &(first_order, law) in laws {
            if law.clauses.is_empty() {
                // A law known by name only is still found by its title.
                writer.add_document(law_document(&f, law, first_order))?;
                done += 1;
                continue;
            }
            for (ix, clause) in law.clauses.iter().enumerate() {
                let mut doc = clause_document(&f, law, clause, first_order + ix as u64);
                doc.add_u64(f.clause_ix, ix as u64);
                bytes += clause.text.len() as u64;
                writer.add_document(doc)?;
                done += 1;
                if done.is_multiple_of(10_000) || done == total {
                    progress(done, total);
                }
                if abort_after == Some(done) {
                    // A crash test: die mid-build, without any cleanup.
                    std::process::abort();
                }
            }
        }
        writer.commit()?;
    }
    if by_state.is_empty() {
        writer.commit()?;
    }
    writer.wait_merging_threads()?;

    let laws_path = gen_dir.join("laws.json");
    let file = fs::File::create(&laws_path).map_err(|e| SearchError::io(&laws_path, e))?;
    let mut out = std::io::BufWriter::new(file);
    serde_json::to_writer(&mut out, &lib.laws).map_err(|e| SearchError::Corrupt {
        path: laws_path.clone(),
        reason: e.to_string(),
    })?;
    out.flush().map_err(|e| SearchError::io(&laws_path, e))?;
    out.get_ref()
        .sync_all()
        .map_err(|e| SearchError::io(&laws_path, e))?;

    let format_path = gen_dir.join(FORMAT_FILE);
    fs::write(&format_path, INDEX_FORMAT).map_err(|e| SearchError::io(&format_path, e))?;

    swap_in(dir, &generation)?;
    remove_old_generations(dir, &generation);
    Ok(BuildReport {
        generation,
        laws: lib.laws.len(),
        clauses: done,
        bytes_of_text: bytes,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// What the fields of an index hold and how they are analysed. A change to the schema or to an
/// analyzer changes this; an index of another format is refused ([`SearchError::Stale`]) and
/// `serve` rebuilds it.
pub const INDEX_FORMAT: &str =
    "lexharmony-index 3: language fields hold heading and text, with word pairs and triples; the exact field too; clause_ix\n";
const FORMAT_FILE: &str = "FORMAT";

/// "Always" and "never" as dates: far enough for any law, near enough that tantivy's nanoseconds
/// (seconds x 10^9) fit in an i64 (about 285 years each side of 1970).
const FOREVER_SECS: i64 = 9_000_000_000;

fn doc_rank(law: &StoredLaw) -> u8 {
    match law.law.doc_type.as_deref() {
        Some("constitution") => 0,
        Some("code") => 1,
        Some("act") | Some("law") | None => 2,
        Some("agreement") | Some("convention") | Some("treaty") | Some("directive") => 3,
        _ => 4,
    }
}

fn date_value(s: Option<&str>) -> Option<DateTime> {
    let d = crate::search::query::Date::parse(s?)?;
    Some(DateTime::from_timestamp_secs(
        days_from_civil(d.year, d.month, d.day) * 86_400,
    ))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The fields every document has: ids, filters, dates and order.
fn common_document(
    f: &Fields,
    law: &StoredLaw,
    eid: &str,
    kind: &str,
    status: &str,
    order: u64,
) -> TantivyDocument {
    let meta = &law.law;
    let uri = law.uri();
    let mut doc = TantivyDocument::default();
    doc.add_text(
        f.permalink,
        if eid.is_empty() {
            uri.to_string()
        } else {
            permalink(uri, eid)
        },
    );
    doc.add_text(f.uri, uri);
    doc.add_text(f.eid, eid);
    doc.add_text(f.state, law.state());
    if let Some(n) = &meta.number {
        doc.add_text(f.law, crate::model::uri_number(n));
    }
    // The work URI too, so `law:/akn/kz/act/2015-11-24/418-v` selects every edition of a law.
    if let Some(work) = uri.rsplit_once('/').map(|(w, _)| w) {
        doc.add_text(f.law, work);
    }
    doc.add_text(f.law, uri);
    doc.add_text(f.lang, meta.lang.as_deref().unwrap_or("und"));
    doc.add_text(f.kind, kind);
    doc.add_text(f.status, status);
    if let Some(d) = date_value(meta.adopted.as_deref()) {
        doc.add_date(f.adopted, d);
    }
    if let Some(d) = date_value(meta.edition.as_deref()) {
        doc.add_date(f.edition, d);
    }
    let from = date_value(meta.in_force.as_deref().or(meta.adopted.as_deref()))
        .unwrap_or_else(|| DateTime::from_timestamp_secs(-FOREVER_SECS));
    // A repealed clause is in force on no date.
    let to = if status == "repealed" {
        DateTime::from_timestamp_secs(-FOREVER_SECS)
    } else {
        date_value(meta.repealed.as_deref())
            .unwrap_or_else(|| DateTime::from_timestamp_secs(FOREVER_SECS))
    };
    doc.add_date(f.valid_from, from);
    doc.add_date(f.valid_to, to);
    doc.add_u64(f.order, order);
    doc
}

fn json_name<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn clause_document(
    f: &Fields,
    law: &StoredLaw,
    clause: &crate::model::Clause,
    order: u64,
) -> TantivyDocument {
    let lang = law.law.lang.as_deref().unwrap_or("und");
    let mut doc = common_document(
        f,
        law,
        &clause.eid,
        &json_name(clause.kind),
        &json_name(clause.status),
        order,
    );
    let heading = clause.heading.as_deref().unwrap_or("");
    // The label and number belong to the heading: "Статья 7-1 ..." is found by "7-1".
    let titled = format!("{} {} {heading}", clause.label, clause.num);
    // The language field holds the heading and the text, as two values (a phrase or a word pair
    // never runs from one into the other), so that every word of a query can be looked up in
    // one field: the conjunctions of terms that block-max pruning needs (`Engine::search`).
    let language = language_field(f, lang);
    for field in [language, f.text_exact] {
        doc.add_text(field, &titled);
        doc.add_text(field, &clause.text);
    }
    doc.add_text(f.heading_exact, &titled);
    doc.add_text(f.heading_prefix, &titled);
    doc
}

/// The document of a law without clauses: its titles, so a search finds that the law exists.
fn law_document(f: &Fields, law: &StoredLaw, order: u64) -> TantivyDocument {
    let meta = &law.law;
    let mut doc = common_document(f, law, "", "law", "in-force", order);
    let titles: Vec<&str> = [
        meta.title.as_deref(),
        meta.title_en.as_deref(),
        meta.title_printed.as_deref(),
        meta.number.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    let lang = meta.lang.as_deref().unwrap_or("und");
    for t in titles {
        doc.add_text(f.heading_exact, t);
        doc.add_text(f.heading_prefix, t);
        doc.add_text(language_field(f, lang), t);
        doc.add_text(f.text_exact, t);
    }
    doc
}

fn swap_in(dir: &Path, generation: &str) -> Result<(), SearchError> {
    let tmp = dir.join(format!("CURRENT.tmp-{}", std::process::id()));
    let mut file = fs::File::create(&tmp).map_err(|e| SearchError::io(&tmp, e))?;
    file.write_all(generation.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| SearchError::io(&tmp, e))?;
    let current = dir.join("CURRENT");
    fs::rename(&tmp, &current).map_err(|e| SearchError::io(&current, e))?;
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Old generations and the leftovers of killed builds go; the current one stays.
fn remove_old_generations(dir: &Path, keep: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name != keep && (name.starts_with("gen-") || name.starts_with("CURRENT.tmp-")) {
            let p = e.path();
            let _ = if p.is_dir() {
                fs::remove_dir_all(&p)
            } else {
                fs::remove_file(&p)
            };
        }
    }
}

/// The generation folder that serves, if an index was ever built in `dir`.
pub fn current_generation(dir: &Path) -> Option<PathBuf> {
    let name = fs::read_to_string(dir.join("CURRENT")).ok()?;
    let p = dir.join(name.trim());
    p.join("laws.json").is_file().then_some(p)
}

/// Open the current generation: the tantivy index (with analyzers registered) and its laws.
pub fn open(dir: &Path) -> Result<(Index, Vec<StoredLaw>), SearchError> {
    let gen_dir = current_generation(dir).ok_or_else(|| SearchError::NoIndex {
        path: dir.to_path_buf(),
    })?;
    let format_path = gen_dir.join(FORMAT_FILE);
    if fs::read_to_string(&format_path).ok().as_deref() != Some(INDEX_FORMAT) {
        return Err(SearchError::Stale { path: gen_dir });
    }
    let index = Index::open_in_dir(gen_dir.join("tantivy"))?;
    analysis::register(&index);
    let laws_path = gen_dir.join("laws.json");
    let file = fs::File::open(&laws_path).map_err(|e| SearchError::io(&laws_path, e))?;
    let laws: Vec<StoredLaw> =
        serde_json::from_reader(std::io::BufReader::new(file)).map_err(|e| {
            SearchError::Corrupt {
                path: laws_path.clone(),
                reason: e.to_string(),
            }
        })?;
    Ok((index, laws))
}
