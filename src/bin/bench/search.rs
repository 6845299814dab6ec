//! `bench search`: the search index at scale, against PostgreSQL full-text search.
//!
//! ```sh
//! bash bench/search-vs-postgres.sh [--clauses 1000000]       # the whole comparison, one command
//! cargo run --release --bin bench -- search --clauses 200000   # lexharmony only (no PostgreSQL)
//! ```
//!
//! What it does, in order (progress on stderr, the report on stdout as Markdown at the end):
//!
//! 1. **Corpus.** Parses the real texts under `--corpus` (default `../shared/corpus-real`) with
//!    `lexharmony::ingest::parse_file` and keeps the words of the Russian editions (clause texts,
//!    split on white space) and their article headings. From them it generates `--clauses` clauses
//!    (default 1,000,000), deterministically from `--seed`: each clause text is 300 to 600
//!    characters made of runs of 8 to 30 consecutive words taken at random places of the real
//!    texts (so word frequencies, inflections and common phrases are those of real law text),
//!    grouped into articles (a real heading, numbered 1, 2, ..., with inserted articles "7-1",
//!    "14-1", ...) of 0 to 4 numbered parts, in laws of 1,000 to 5,000 clauses spread over the
//!    states am, by, kg, kz, ru, tj. The generated texts are never written into the repository.
//! 2. **Build.** `lexharmony::search::index::build` into `--dir` (the library's whole build: tantivy
//!    index with every analysis, commit, merge, `laws.json`, swap): time, MB/s of clause text
//!    (UTF-8 bytes, MB = 10^6 bytes), size on disk.
//! 3. **In-process latency.** `Engine::search` (limit 10, the way the API calls it: totals,
//!    per-state counts and highlighted snippets included) over a fixed set of 30 queries, one
//!    warm-up round, then `--rounds` rounds, one thread: p50/p95/p99 over all samples and per
//!    query.
//! 4. **HTTP.** The real web app (`lexharmony::web::serve_on`) on 127.0.0.1 inside this process,
//!    driven by `wrk` with a Lua script that rotates the same queries over `/api/search`, at each
//!    `--concurrency` (default 2 and 32) for `--http-seconds` (default 15), two wrk threads.
//! 5. **PostgreSQL** (with `--postgres`, which `bench/search-vs-postgres.sh` passes after it has
//!    started a throwaway cluster and set `PGHOST`/`PGPORT`/`PGUSER`/`PGDATABASE`): the same
//!    clauses `COPY`ed in (heading and text, a stored `tsvector` column
//!    `to_tsvector('russian', heading || ' ' || body)`), a GIN index on it, and the same queries
//!    translated to `websearch_to_tsquery` / `phraseto_tsquery` / `to_tsquery` (the state filter as
//!    a `WHERE`), each returning the top 10 by `ts_rank` with a `ts_headline` snippet. Latency with
//!    `pgbench -c1 -M prepared` per query, throughput with `pgbench -c C -j 2 -M prepared` over all
//!    the queries; then the ratios.
//!
//! `--write-tsv FILE` writes the generated clauses as TSV (COPY text format) for other tools;
//! `--list-queries` prints the query set in both forms and exits.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::Args;

use lexharmony::ingest;
use lexharmony::library::{Library, StoredLaw};
use lexharmony::model::{
    eid_part, expression_uri, join_eid, work_uri, Clause, ClauseKind, LawMeta, Status,
};
use lexharmony::search::{index, Engine, SearchRequest};

use super::{group, load_average, machine_lines, MB};

#[derive(Args)]
pub struct SearchArgs {
    /// Directory of real law files whose Russian texts give the vocabulary (read recursively).
    #[arg(long, default_value = "../shared/corpus-real")]
    corpus: PathBuf,
    /// Number of generated clauses.
    #[arg(long, default_value_t = 1_000_000)]
    clauses: usize,
    /// Seed of the generator (same seed, corpus and count: same clauses).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Working folder (index, TSV, wrk and pgbench files). Default: a new folder in the temp
    /// directory, removed at the end unless --keep.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Keep the working folder.
    #[arg(long)]
    keep: bool,
    /// Reuse the index already in --dir when it was built from the same corpus, count and seed
    /// (no build figures then).
    #[arg(long)]
    reuse_index: bool,
    /// Rounds of the query set for the in-process latency, after one warm-up round.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    rounds: u32,
    /// Seconds of each wrk and pgbench throughput run; 0 skips HTTP and throughput runs.
    #[arg(long, default_value_t = 15)]
    http_seconds: u32,
    /// Connection counts of the throughput runs.
    #[arg(long, value_delimiter = ',', default_value = "2,32")]
    concurrency: Vec<u32>,
    /// Also write the generated clauses to FILE as TSV (PostgreSQL COPY text format).
    #[arg(long, value_name = "FILE")]
    write_tsv: Option<PathBuf>,
    /// Run the PostgreSQL side with psql and pgbench, connecting by the PG* environment variables
    /// (bench/search-vs-postgres.sh starts a throwaway cluster and sets them).
    #[arg(long)]
    postgres: bool,
    /// Transactions per query for the PostgreSQL single-client latency (after one warm-up).
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    pg_rounds: u32,
    /// Print the query set (lexharmony and PostgreSQL forms) and exit.
    #[arg(long)]
    list_queries: bool,
}

// ---------------------------------------------------------------------------------------------
// The query set.

/// One query in both languages. `pg` is a tsquery expression in SQL; `pg_state` a state filter.
struct BenchQuery {
    kind: &'static str,
    q: &'static str,
    pg: &'static str,
    pg_state: Option<&'static str>,
}

const fn bq(
    kind: &'static str,
    q: &'static str,
    pg: &'static str,
    pg_state: Option<&'static str>,
) -> BenchQuery {
    BenchQuery {
        kind,
        q,
        pg,
        pg_state,
    }
}

/// Thirty queries a drafter would type, every word from the real texts' vocabulary. Slop `~N`
/// (at most N words between) becomes the OR of the distances 1 to N+1 in PostgreSQL, which has
/// only exact distances.
const QUERIES: &[BenchQuery] = &[
    bq("word", "информации", "websearch_to_tsquery('russian', 'информации')", None),
    bq("word", "безопасности", "websearch_to_tsquery('russian', 'безопасности')", None),
    bq("word", "оператор", "websearch_to_tsquery('russian', 'оператор')", None),
    bq("word", "штрафом", "websearch_to_tsquery('russian', 'штрафом')", None),
    bq("long word", "телекоммуникационных", "websearch_to_tsquery('russian', 'телекоммуникационных')", None),
    bq("inflected", "инцидентов", "websearch_to_tsquery('russian', 'инцидентов')", None),
    bq("inflected", "персональными", "websearch_to_tsquery('russian', 'персональными')", None),
    bq("inflected", "уничтожением", "websearch_to_tsquery('russian', 'уничтожением')", None),
    bq("inflected", "блокирования", "websearch_to_tsquery('russian', 'блокирования')", None),
    bq("two words", "персональных данных", "websearch_to_tsquery('russian', 'персональных данных')", None),
    bq("two words", "информационной безопасности", "websearch_to_tsquery('russian', 'информационной безопасности')", None),
    bq("two words", "государственных органов", "websearch_to_tsquery('russian', 'государственных органов')", None),
    bq("two words", "электронного правительства", "websearch_to_tsquery('russian', 'электронного правительства')", None),
    bq("AND", "оператор AND согласие", "websearch_to_tsquery('russian', 'оператор согласие')", None),
    bq("phrase", "\"персональные данные\"", "phraseto_tsquery('russian', 'персональные данные')", None),
    bq("phrase", "\"лишением свободы на срок\"", "phraseto_tsquery('russian', 'лишением свободы на срок')", None),
    bq("phrase", "\"обработки персональных данных\"", "phraseto_tsquery('russian', 'обработки персональных данных')", None),
    bq("phrase", "\"уполномоченный орган\"", "phraseto_tsquery('russian', 'уполномоченный орган')", None),
    bq("phrase", "\"неправомерный доступ\"", "phraseto_tsquery('russian', 'неправомерный доступ')", None),
    bq(
        "phrase ~3",
        "\"защиты информации\"~3",
        "to_tsquery('russian', 'защиты <1> информации | защиты <2> информации | защиты <3> информации | защиты <4> информации')",
        None,
    ),
    bq(
        "phrase ~2",
        "\"сбор данных\"~2",
        "to_tsquery('russian', 'сбор <1> данных | сбор <2> данных | сбор <3> данных')",
        None,
    ),
    bq("state", "персональных данных state:kz", "websearch_to_tsquery('russian', 'персональных данных')", Some("kz")),
    bq("state", "компьютерной информации state:ru", "websearch_to_tsquery('russian', 'компьютерной информации')", Some("ru")),
    bq("state", "\"лишением свободы\" state:by", "phraseto_tsquery('russian', 'лишением свободы')", Some("by")),
    bq("OR", "шифрования OR криптографической", "websearch_to_tsquery('russian', 'шифрования or криптографической')", None),
    bq("OR", "инцидент OR вредоносной", "websearch_to_tsquery('russian', 'инцидент or вредоносной')", None),
    bq(
        "OR",
        "блокирование OR уничтожение OR модификация",
        "websearch_to_tsquery('russian', 'блокирование or уничтожение or модификация')",
        None,
    ),
    bq("NOT", "персональных данных -биометрических", "websearch_to_tsquery('russian', 'персональных данных -биометрических')", None),
    bq("NOT", "информации NOT интернет", "websearch_to_tsquery('russian', 'информации -интернет')", None),
    bq("number", "7-1", "websearch_to_tsquery('russian', '7-1')", None),
];

/// The SQL of one query: the top 10 by `ts_rank`, then `ts_headline` on those 10 only (the
/// pattern the PostgreSQL manual recommends, so snippets are not computed for every match).
fn pg_sql(q: &BenchQuery) -> String {
    let state = q
        .pg_state
        .map(|s| format!(" AND state = '{s}'"))
        .unwrap_or_default();
    format!(
        "SELECT id, state, eid, rank, ts_headline('russian', body, q, \
         'StartSel=<mark>, StopSel=</mark>, MaxFragments=1, MaxWords=35, MinWords=15') AS snippet \
         FROM (SELECT id, state, eid, body, q, ts_rank(tsv, q) AS rank \
         FROM clauses, {} AS q WHERE tsv @@ q{state} ORDER BY rank DESC, id LIMIT 10) AS top \
         ORDER BY rank DESC, id;",
        q.pg
    )
}

fn pg_count_sql(q: &BenchQuery) -> String {
    let state = q
        .pg_state
        .map(|s| format!(" AND state = '{s}'"))
        .unwrap_or_default();
    format!(
        "SELECT count(*) FROM clauses, {} AS q WHERE tsv @@ q{state};",
        q.pg
    )
}

fn list_queries() {
    println!("| # | kind | lexharmony | PostgreSQL |");
    println!("|---:|---|---|---|");
    for (i, q) in QUERIES.iter().enumerate() {
        let state = q
            .pg_state
            .map(|s| format!(" + `state = '{s}'`"))
            .unwrap_or_default();
        println!(
            "| {} | {} | `{}` | `{}`{} |",
            i + 1,
            q.kind,
            q.q,
            q.pg,
            state
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Deterministic generator.

/// SplitMix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next() % (hi - lo + 1) as u64) as usize
    }
}

/// The words and headings of the real texts.
struct Vocabulary {
    words: Vec<String>,
    headings: Vec<String>,
    files: usize,
    bytes: usize,
}

/// A numbering token left in clause texts ("1)", "2-1)", "а)") reads oddly in the middle of a
/// generated sentence.
fn is_marker(token: &str) -> bool {
    let Some(stem) = token.strip_suffix(')') else {
        return false;
    };
    stem.chars().count() <= 1 || stem.chars().all(|c| c.is_ascii_digit() || c == '-')
}

fn vocabulary(corpus: &Path) -> anyhow::Result<Vocabulary> {
    let files = ingest::law_files(corpus).with_context(|| {
        format!(
            "listing {} (the real texts give the vocabulary)",
            corpus.display()
        )
    })?;
    let mut v = Vocabulary {
        words: Vec::new(),
        headings: Vec::new(),
        files: 0,
        bytes: 0,
    };
    for path in files {
        let law = ingest::parse_file(&path, None)
            .with_context(|| format!("parsing {}", path.display()))?;
        if law.law.lang.as_deref() != Some("rus") {
            continue;
        }
        v.files += 1;
        for c in &law.clauses {
            v.bytes += c.text.len();
            v.words.extend(
                c.text
                    .split_whitespace()
                    .filter(|t| !is_marker(t))
                    .map(str::to_string),
            );
            if c.kind == ClauseKind::Article {
                if let Some(h) = c.heading.as_deref().filter(|h| h.chars().count() >= 8) {
                    v.headings.push(h.trim_end_matches('.').to_string());
                }
            }
        }
    }
    if v.words.len() < 10_000 || v.headings.is_empty() {
        bail!(
            "{}: too little Russian text to build a vocabulary ({} words, {} headings)",
            corpus.display(),
            v.words.len(),
            v.headings.len()
        );
    }
    Ok(v)
}

/// A clause text of 300 to 600 characters: runs of 8 to 30 consecutive real words.
fn clause_text(rng: &mut Rng, v: &Vocabulary, prefix: &str) -> String {
    let target = rng.range(300, 600);
    let mut out = String::with_capacity(target * 2 + 16);
    out.push_str(prefix);
    let mut chars = prefix.chars().count();
    let mut first = true;
    'fill: loop {
        let run = rng.range(8, 30);
        let start = rng.range(0, v.words.len() - run - 1);
        for w in &v.words[start..start + run] {
            if chars >= target {
                break 'fill;
            }
            if !first || !prefix.is_empty() {
                out.push(' ');
                chars += 1;
            }
            if first {
                // A capital letter to begin with.
                let mut cs = w.chars();
                if let Some(c) = cs.next() {
                    out.extend(c.to_uppercase());
                    out.push_str(cs.as_str());
                }
                first = false;
            } else {
                out.push_str(w);
            }
            chars += w.chars().count();
        }
    }
    while out.ends_with([',', ';', ':', '-', '–', '—', ' ']) {
        out.pop();
    }
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

const STATES: &[&str] = &["am", "by", "kg", "kz", "ru", "tj"];

fn law_number(state: &str, n: usize) -> String {
    match state {
        "by" => format!("{n}-З"),
        "kz" => format!("{n}-V"),
        "ru" => format!("{n}-ФЗ"),
        "am" => format!("ЗР-{n}"),
        _ => n.to_string(),
    }
}

/// The generated library: `n` clauses in laws of 1,000 to 5,000 clauses over the six states.
fn generate(v: &Vocabulary, n: usize, seed: u64) -> Library {
    let mut rng = Rng(seed);
    let mut lib = Library::default();
    let mut made = 0usize;
    let mut law_no = 0usize;
    while made < n {
        let state = STATES[law_no % STATES.len()];
        let size = rng.range(1_000, 5_000).min(n - made);
        let code = law_no % 5 == 4;
        let doc_type = if code { "code" } else { "law" };
        let number = law_number(state, 100 + law_no);
        let date = format!(
            "{}-{:02}-{:02}",
            2000 + law_no % 25,
            1 + law_no % 12,
            1 + law_no % 28
        );
        let heading = &v.headings[rng.range(0, v.headings.len() - 1)];
        let title = if code {
            format!("Кодекс ({state}) № {number}: {heading}")
        } else {
            format!("Закон ({state}) № {number} «{heading}»")
        };
        let uri = expression_uri(&work_uri(state, doc_type, &date, &number), "rus", None);
        let meta = LawMeta {
            country: Some(state.to_string()),
            doc_type: Some(doc_type.to_string()),
            number: Some(number),
            title: Some(title),
            lang: Some("rus".into()),
            adopted: Some(date.clone()),
            in_force: Some(date),
            source_file: Some(format!("generated/{state}/law-{law_no}.txt")),
            format: Some("generated".into()),
            uri: Some(uri),
            ..LawMeta::default()
        };
        let mut clauses = Vec::with_capacity(size);
        let mut article = 0usize;
        let mut line = 1usize;
        let mut inserted = false;
        while clauses.len() < size {
            // Articles 1, 2, ...; after every seventh, an inserted one (7-1, 14-1, ...).
            let num = if !inserted && article > 0 && article.is_multiple_of(7) {
                inserted = true;
                format!("{article}-1")
            } else {
                inserted = false;
                article += 1;
                article.to_string()
            };
            let art_eid = eid_part(ClauseKind::Article, &num);
            let parts = [0, 0, 1, 2, 2, 3, 3, 4][rng.range(0, 7)].min(size - clauses.len() - 1);
            let art_line = line;
            let heading = v.headings[rng.range(0, v.headings.len() - 1)].clone();
            clauses.push(Clause {
                eid: art_eid.clone(),
                kind: ClauseKind::Article,
                num: num.clone(),
                label: "Статья".into(),
                heading: Some(heading),
                text: clause_text(&mut rng, v, ""),
                status: Status::InForce,
                line_start: art_line,
                line_end: art_line + 1 + parts,
                parent: None,
                own_lines: vec![(art_line, art_line + 1)],
            });
            line += 2;
            for p in 1..=parts {
                let pnum = p.to_string();
                clauses.push(Clause {
                    eid: join_eid(Some(&art_eid), &eid_part(ClauseKind::Para, &pnum)),
                    kind: ClauseKind::Para,
                    text: clause_text(&mut rng, v, &format!("{p}.")),
                    num: pnum,
                    label: "ч.".into(),
                    heading: None,
                    status: Status::InForce,
                    line_start: line,
                    line_end: line,
                    parent: Some(art_eid.clone()),
                    own_lines: vec![(line, line)],
                });
                line += 1;
            }
        }
        made += clauses.len();
        lib.laws.push(StoredLaw {
            law: meta,
            clauses,
            blocks: Vec::new(),
            diagnostics: Vec::new(),
        });
        law_no += 1;
    }
    lib.laws
        .sort_by(|a, b| (a.state(), a.uri()).cmp(&(b.state(), b.uri())));
    lib
}

/// COPY text format: backslash, tab, newline and carriage return escaped.
fn tsv_field(out: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

/// One row per clause: id, state, law number, eId, heading line (label, number, heading), text.
fn write_tsv(lib: &Library, path: &Path) -> anyhow::Result<u64> {
    let file =
        std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut id = 0u64;
    let mut row = String::new();
    for law in &lib.laws {
        for c in &law.clauses {
            id += 1;
            row.clear();
            let _ = write!(row, "{id}\t{}\t", law.state());
            tsv_field(&mut row, law.law.number.as_deref().unwrap_or(""));
            row.push('\t');
            tsv_field(&mut row, &c.eid);
            row.push('\t');
            // The same words the index puts in its heading fields.
            let heading = format!(
                "{} {} {}",
                c.label,
                c.num,
                c.heading.as_deref().unwrap_or("")
            );
            tsv_field(&mut row, heading.trim());
            row.push('\t');
            tsv_field(&mut row, &c.text);
            row.push('\n');
            out.write_all(row.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(id)
}

// ---------------------------------------------------------------------------------------------
// Measuring helpers.

fn dir_size(p: &Path) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(p) else {
        return 0;
    };
    if meta.is_file() {
        return meta.len();
    }
    if !meta.is_dir() {
        return 0;
    }
    std::fs::read_dir(p)
        .map(|rd| rd.flatten().map(|e| dir_size(&e.path())).sum())
        .unwrap_or(0)
}

/// CPU seconds (user + system) used so far by this process (`/proc/self/stat`, every thread, live
/// or ended) or by the calling thread (`/proc/thread-self/stat`); None off Linux. Clock ticks are
/// taken as 1/100 s, their value on Linux for x86 and ARM.
fn cpu_seconds(which: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{which}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    // Fields 14 and 15 of proc(5), counted from the state (field 3).
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

/// The process's peak resident memory (VmHWM of `/proc/self/status`) in MB.
fn peak_memory_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024.0 / MB)
}

/// CPU seconds of `which` between two readings, if both worked.
fn cpu_between(before: Option<f64>, after: Option<f64>) -> Option<f64> {
    Some(after? - before?)
}

/// The value at quantile `q` (0..=1) of sorted samples (nearest rank).
fn quantile(sorted: &[Duration], q: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

#[derive(Clone, Copy, Default)]
struct Percentiles {
    p50: Duration,
    p95: Duration,
    p99: Duration,
    mean: Duration,
    n: usize,
}

impl Percentiles {
    fn of(mut samples: Vec<Duration>) -> Percentiles {
        samples.sort();
        let n = samples.len();
        let mean = if n == 0 {
            Duration::ZERO
        } else {
            samples.iter().sum::<Duration>() / n as u32
        };
        Percentiles {
            p50: quantile(&samples, 0.50),
            p95: quantile(&samples, 0.95),
            p99: quantile(&samples, 0.99),
            mean,
            n,
        }
    }
}

fn ms(d: Duration) -> String {
    let v = d.as_secs_f64() * 1000.0;
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

fn ratio(a: f64, b: f64) -> String {
    if b <= 0.0 || a <= 0.0 {
        return "–".into();
    }
    let r = a / b;
    if r >= 10.0 {
        format!("{r:.0}×")
    } else {
        format!("{r:.1}×")
    }
}

fn run(cmd: &mut Process) -> anyhow::Result<String> {
    let shown = format!("{cmd:?}");
    let out = cmd
        .output()
        .with_context(|| format!("running {shown} (is it installed?)"))?;
    if !out.status.success() {
        bail!(
            "{shown} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

// ---------------------------------------------------------------------------------------------
// HTTP: the web app in this process, wrk against it.

struct Throughput {
    concurrency: u32,
    requests: u64,
    seconds: f64,
    /// Responses other than 2xx, and socket errors (connect, read, write, timeout).
    failures: u64,
    p50: Duration,
    p99: Duration,
    /// CPU seconds the server (this process) used during the run.
    server_cpu: Option<f64>,
}

impl Throughput {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.seconds.max(1e-9)
    }
}

fn api_path(q: &str) -> String {
    format!(
        "/api/search?q={}",
        form_urlencoded::byte_serialize(q.as_bytes()).collect::<String>()
    )
}

/// A Lua script for wrk: each thread goes round the query set (starting at a different place);
/// at the end one machine-readable line of figures.
fn wrk_script() -> String {
    let mut s = String::from("local paths = {\n");
    for q in QUERIES {
        let _ = writeln!(s, "  \"{}\",", api_path(q.q));
    }
    s.push_str(
        r#"}
local n = 0
local threads = {}
setup = function(thread)
  thread:set("start", #threads * 7)
  table.insert(threads, thread)
end
init = function(args)
  n = tonumber(start) or 0
end
request = function()
  n = n % #paths + 1
  return wrk.format("GET", paths[n])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRKRESULT %d %d %d %d %d %d\n",
    summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"#,
    );
    s
}

/// One request over a plain socket: the status line and the body, to check the server answers.
fn http_get(addr: std::net::SocketAddr, path: &str) -> anyhow::Result<(String, String)> {
    use std::io::Read;
    let mut s = std::net::TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf)?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.lines().next().unwrap_or("").to_string();
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

fn bench_http(
    engine: Arc<Engine>,
    work: &Path,
    seconds: u32,
    levels: &[u32],
) -> anyhow::Result<(Vec<Throughput>, String)> {
    let wrk_version = Process::new("wrk")
        .arg("--version")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .next()
                .unwrap_or("wrk")
                .trim()
                .to_string()
        })
        .context(
            "wrk not found: install it (Debian: apt-get install -y wrk) or pass --http-seconds 0",
        )?;
    let script = work.join("rotate-queries.lua");
    std::fs::write(&script, wrk_script())?;

    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let listener = runtime.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let state = lexharmony::web::AppState::new(engine);
    runtime.spawn(async move {
        if let Err(e) = lexharmony::web::serve_on(listener, state).await {
            eprintln!("server error: {e}");
        }
    });
    // Every query answers 200 with hits before the load starts.
    for q in QUERIES {
        let (status, body) = http_get(addr, &api_path(q.q))?;
        if !status.contains(" 200 ") || !body.contains("\"hits\"") {
            bail!("GET {} answered {status}: {body}", api_path(q.q));
        }
    }
    let mut out = Vec::new();
    for &c in levels {
        eprintln!("wrk -c{c} for {seconds} s on http://{addr}/api/search");
        let threads = c.clamp(1, 2);
        let cpu_before = cpu_seconds("self");
        let stdout = run(Process::new("wrk")
            .arg(format!("-t{threads}"))
            .arg(format!("-c{c}"))
            .arg(format!("-d{seconds}s"))
            .arg("--timeout")
            .arg("30s")
            .arg("-s")
            .arg(&script)
            .arg(format!("http://{addr}/")))?;
        let server_cpu = cpu_between(cpu_before, cpu_seconds("self"));
        let line = stdout
            .lines()
            .find(|l| l.starts_with("WRKRESULT"))
            .with_context(|| format!("no result line in wrk's output:\n{stdout}"))?;
        let f: Vec<u64> = line
            .split_whitespace()
            .skip(1)
            .map(|x| x.parse().unwrap_or(0))
            .collect();
        if f.len() < 6 {
            bail!("unexpected wrk result line {line:?}");
        }
        out.push(Throughput {
            concurrency: c,
            requests: f[0],
            seconds: f[1] as f64 / 1e6,
            failures: f[2] + f[3],
            p50: Duration::from_micros(f[4]),
            p99: Duration::from_micros(f[5]),
            server_cpu,
        });
    }
    runtime.shutdown_timeout(Duration::from_secs(5));
    Ok((out, wrk_version))
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL, through psql and pgbench.

struct PgFigures {
    version: String,
    settings: String,
    load: Duration,
    index: Duration,
    table_bytes: u64,
    index_bytes: u64,
    /// Per query: rows returned (at most 10), rows with a highlighted snippet, all matches.
    rows: Vec<(usize, usize, u64)>,
    latency: Vec<Vec<Duration>>,
    throughput: Vec<Throughput>,
}

fn psql(sql: &str) -> anyhow::Result<String> {
    run(Process::new("psql")
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-F",
            "\t",
            "-c",
        ])
        .arg(sql))
}

fn psql_file(path: &Path) -> anyhow::Result<String> {
    run(Process::new("psql")
        .args([
            "-X",
            "-q",
            "-A",
            "-t",
            "-v",
            "ON_ERROR_STOP=1",
            "-F",
            "\t",
            "-f",
        ])
        .arg(path))
}

/// Transaction latencies from pgbench's per-transaction logs (third column, microseconds).
fn pgbench_log_latencies(dir: &Path, prefix: &str) -> anyhow::Result<Vec<Duration>> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir)?.flatten() {
        if !e.file_name().to_string_lossy().starts_with(prefix) {
            continue;
        }
        let text = std::fs::read_to_string(e.path())?;
        for line in text.lines() {
            if let Some(us) = line.split_whitespace().nth(2).and_then(|x| x.parse().ok()) {
                out.push(Duration::from_micros(us));
            }
        }
    }
    Ok(out)
}

fn bench_postgres(
    tsv: &Path,
    work: &Path,
    args: &SearchArgs,
    clauses: u64,
) -> anyhow::Result<PgFigures> {
    let pg_dir = work.join("pgbench");
    std::fs::create_dir_all(&pg_dir)?;
    let version = psql("SHOW server_version;")?.trim().to_string();
    let settings = psql(
        "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ', ' ORDER BY name) \
         FROM pg_settings WHERE name IN ('shared_buffers', 'work_mem', 'maintenance_work_mem', \
         'max_parallel_workers_per_gather', 'jit', 'effective_cache_size');",
    )?
    .trim()
    .to_string();

    // Load: table and COPY in one transaction (no WAL with wal_level=minimal), the tsvector
    // computed by COPY as a stored generated column; then the GIN index.
    eprintln!("PostgreSQL: COPY {clauses} clauses");
    let load_sql = work.join("load.sql");
    std::fs::write(
        &load_sql,
        format!(
            "DROP TABLE IF EXISTS clauses;\n\
             BEGIN;\n\
             CREATE TABLE clauses (id integer PRIMARY KEY, state text NOT NULL, law text NOT NULL, \
             eid text NOT NULL, heading text NOT NULL, body text NOT NULL, \
             tsv tsvector GENERATED ALWAYS AS (to_tsvector('russian', heading || ' ' || body)) STORED);\n\
             \\copy clauses (id, state, law, eid, heading, body) FROM '{}'\n\
             COMMIT;\n",
            tsv.display().to_string().replace('\'', "''")
        ),
    )?;
    let started = Instant::now();
    psql_file(&load_sql)?;
    let load = started.elapsed();
    eprintln!("PostgreSQL: GIN index");
    let started = Instant::now();
    psql("CREATE INDEX clauses_tsv ON clauses USING gin (tsv);")?;
    let index = started.elapsed();
    psql("VACUUM ANALYZE clauses;")?;
    let sizes = psql(
        "SELECT pg_total_relation_size('clauses') - pg_relation_size('clauses_tsv'), \
         pg_relation_size('clauses_tsv');",
    )?;
    let mut it = sizes
        .split_whitespace()
        .map(|x| x.parse::<u64>().unwrap_or(0));
    let (table_bytes, index_bytes) = (it.next().unwrap_or(0), it.next().unwrap_or(0));

    // Every query once (warms the cache, checks it hits), and its number of matches.
    let mut rows = Vec::new();
    for (i, q) in QUERIES.iter().enumerate() {
        let file = pg_dir.join(format!("q{:02}.sql", i + 1));
        std::fs::write(&file, pg_sql(q) + "\n")?;
        let out = psql(&pg_sql(q))?;
        let returned = out.lines().filter(|l| !l.trim().is_empty()).count();
        let marked = out.lines().filter(|l| l.contains("<mark>")).count();
        let count: u64 = psql(&pg_count_sql(q))?.trim().parse().unwrap_or(0);
        rows.push((returned, marked, count));
    }

    // Latency: one client, each query alone, prepared statements.
    let mut latency = Vec::new();
    for i in 0..QUERIES.len() {
        eprintln!(
            "PostgreSQL latency: query {}/{} x {}",
            i + 1,
            QUERIES.len(),
            args.pg_rounds
        );
        let prefix = format!("lat{:02}", i + 1);
        run(Process::new("pgbench")
            .current_dir(&pg_dir)
            .args(["-n", "-M", "prepared", "-c", "1", "-j", "1", "-l"])
            .arg(format!("--log-prefix={prefix}"))
            .arg("-t")
            .arg(args.pg_rounds.to_string())
            .arg("-f")
            .arg(format!("q{:02}.sql", i + 1)))?;
        latency.push(pgbench_log_latencies(&pg_dir, &prefix)?);
    }

    // Throughput: all queries mixed (pgbench picks a script at random per transaction).
    let mut throughput = Vec::new();
    if args.http_seconds > 0 {
        for &c in &args.concurrency {
            eprintln!("pgbench -c{c} for {} s", args.http_seconds);
            let prefix = format!("tp{c}");
            let mut cmd = Process::new("pgbench");
            cmd.current_dir(&pg_dir)
                .args(["-n", "-M", "prepared", "-l"])
                .arg(format!("--log-prefix={prefix}"))
                .arg(format!("-c{c}"))
                .arg(format!("-j{}", c.clamp(1, 2)))
                .arg(format!("-T{}", args.http_seconds));
            for i in 0..QUERIES.len() {
                cmd.arg("-f").arg(format!("q{:02}.sql", i + 1));
            }
            let out = run(&mut cmd)?;
            let tps = out
                .lines()
                .find_map(|l| l.trim().strip_prefix("tps = "))
                .and_then(|r| r.split_whitespace().next())
                .and_then(|x| x.parse::<f64>().ok())
                .with_context(|| format!("no tps in pgbench's output:\n{out}"))?;
            let failed = out
                .lines()
                .find_map(|l| l.trim().strip_prefix("number of failed transactions: "))
                .and_then(|r| r.split_whitespace().next())
                .and_then(|x| x.parse::<u64>().ok())
                .unwrap_or(0);
            let mut lat = pgbench_log_latencies(&pg_dir, &prefix)?;
            lat.sort();
            let requests = lat.len() as u64;
            throughput.push(Throughput {
                concurrency: c,
                requests,
                // pgbench's tps excludes connection time; keep its figure.
                seconds: requests as f64 / tps.max(1e-9),
                failures: failed,
                p50: quantile(&lat, 0.5),
                p99: quantile(&lat, 0.99),
                server_cpu: None,
            });
        }
    }
    Ok(PgFigures {
        version,
        settings,
        load,
        index,
        table_bytes,
        index_bytes,
        rows,
        latency,
        throughput,
    })
}

// ---------------------------------------------------------------------------------------------
// The benchmark.

struct Build {
    seconds: f64,
    text_bytes: u64,
    clauses: usize,
    laws: usize,
    /// Serialising the laws alone (what `build` writes to `laws.json`), timed after the build.
    laws_json_seconds: f64,
    /// CPU seconds of the process (every thread) during the build.
    cpu: Option<f64>,
}

fn fingerprint(args: &SearchArgs, v: &Vocabulary) -> String {
    format!(
        "clauses={} seed={} vocabulary-words={} vocabulary-bytes={} headings={} generator=1\n{}",
        args.clauses,
        args.seed,
        v.words.len(),
        v.bytes,
        v.headings.len(),
        index::INDEX_FORMAT
    )
}

pub fn bench_search(args: &SearchArgs) -> anyhow::Result<()> {
    if args.list_queries {
        list_queries();
        return Ok(());
    }
    if args.clauses == 0 {
        bail!("--clauses must be at least 1");
    }
    let machine = machine_lines("search and indexing use every core");
    let (work, temporary) = match &args.dir {
        Some(d) => (d.clone(), false),
        None => (
            std::env::temp_dir().join(format!("lexharmony-bench-search-{}", std::process::id())),
            true,
        ),
    };
    std::fs::create_dir_all(&work).with_context(|| format!("creating {}", work.display()))?;
    let result = bench_in(args, &work, machine);
    if temporary && !args.keep {
        let _ = std::fs::remove_dir_all(&work);
    }
    result
}

fn bench_in(args: &SearchArgs, work: &Path, machine: Vec<String>) -> anyhow::Result<()> {
    let mut loads: Vec<(&str, String)> = vec![("start", load_average())];

    // 1. Corpus.
    eprintln!("reading the vocabulary of {}", args.corpus.display());
    let vocab = vocabulary(&args.corpus)?;
    eprintln!(
        "{} Russian files, {} words, {} article headings; generating {} clauses",
        vocab.files,
        group(vocab.words.len() as f64),
        group(vocab.headings.len() as f64),
        group(args.clauses as f64)
    );
    let started = Instant::now();
    let lib = generate(&vocab, args.clauses, args.seed);
    let generated_in = started.elapsed();
    let text_bytes: u64 = lib
        .laws
        .iter()
        .flat_map(|l| &l.clauses)
        .map(|c| c.text.len() as u64)
        .sum();
    let text_chars: u64 = lib
        .laws
        .iter()
        .flat_map(|l| &l.clauses)
        .map(|c| c.text.chars().count() as u64)
        .sum();
    let mut per_state: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &lib.laws {
        *per_state.entry(l.state()).or_default() += l.clauses.len();
    }
    let corpus_line = format!(
        "{} clauses in {} laws ({}), {:.1} MB of clause text (UTF-8; mean {:.0} characters, {:.0} bytes \
         a clause), generated in {:.1} s from {} words and {} article headings of the {} Russian \
         texts in {} (seed {})",
        group(lib.clause_count() as f64),
        lib.laws.len(),
        per_state
            .iter()
            .map(|(s, n)| format!("{s} {}", group(*n as f64)))
            .collect::<Vec<_>>()
            .join(", "),
        text_bytes as f64 / MB,
        text_chars as f64 / lib.clause_count() as f64,
        text_bytes as f64 / lib.clause_count() as f64,
        generated_in.as_secs_f64(),
        group(vocab.words.len() as f64),
        group(vocab.headings.len() as f64),
        vocab.files,
        args.corpus.display(),
        args.seed
    );

    let tsv_path = match (&args.write_tsv, args.postgres) {
        (Some(p), _) => Some(p.clone()),
        (None, true) => Some(work.join("clauses.tsv")),
        (None, false) => None,
    };
    let mut tsv_rows = 0;
    if let Some(p) = &tsv_path {
        eprintln!("writing {}", p.display());
        tsv_rows = write_tsv(&lib, p)?;
    }

    // 2. Build.
    let index_dir = work.join("index");
    let stamp = fingerprint(args, &vocab);
    let stamp_path = work.join("index-params.txt");
    let reuse = args.reuse_index
        && std::fs::read_to_string(&stamp_path).ok().as_deref() == Some(stamp.as_str())
        && index::current_generation(&index_dir).is_some();
    let mut build = None;
    if reuse {
        eprintln!("reusing the index in {}", index_dir.display());
    } else {
        let _ = std::fs::remove_file(&stamp_path);
        loads.push(("index build", load_average()));
        eprintln!("building the index in {}", index_dir.display());
        let mut last = Instant::now();
        let mut progress = |done: usize, total: usize| {
            if last.elapsed() >= Duration::from_secs(10) || done == total {
                eprintln!("  {done}/{total} clauses");
                last = Instant::now();
            }
        };
        let cpu_before = cpu_seconds("self");
        let report = index::build(&index_dir, &lib, &mut progress)?;
        let cpu = cpu_between(cpu_before, cpu_seconds("self"));
        std::fs::write(&stamp_path, &stamp)?;
        let laws_json_seconds = {
            let start = Instant::now();
            serde_json::to_writer(std::io::sink(), &lib.laws)?;
            start.elapsed().as_secs_f64()
        };
        build = Some(Build {
            seconds: report.seconds,
            text_bytes: report.bytes_of_text,
            clauses: report.clauses,
            laws: report.laws,
            laws_json_seconds,
            cpu,
        });
    }
    drop(lib);
    let gen_dir = index::current_generation(&index_dir).context("no index after the build")?;
    let tantivy_bytes = dir_size(&gen_dir.join("tantivy"));
    let laws_json_bytes = dir_size(&gen_dir.join("laws.json"));

    // 3. In-process latency.
    eprintln!("opening the index");
    let started = Instant::now();
    let engine = Arc::new(Engine::open(&index_dir)?);
    let open_seconds = started.elapsed().as_secs_f64();
    loads.push(("in-process queries", load_average()));
    let requests: Vec<SearchRequest> = QUERIES
        .iter()
        .map(|q| SearchRequest {
            q: q.q.to_string(),
            limit: 10,
            ..SearchRequest::default()
        })
        .collect();
    // Warm-up round, which also records what each query finds.
    let mut found = Vec::new();
    for (q, req) in QUERIES.iter().zip(&requests) {
        let r = engine
            .search(req)
            .with_context(|| format!("query {:?}", q.q))?;
        let marked = r
            .hits
            .iter()
            .filter(|h| h.snippet_html.contains("<mark>"))
            .count();
        // The same query visiting every match: how many of the top 10 are its top 10, and
        // every match counted.
        let all = engine.search(&SearchRequest {
            exhaustive: true,
            ..req.clone()
        })?;
        let same = r
            .hits
            .iter()
            .filter(|h| all.hits.iter().any(|a| a.permalink == h.permalink))
            .count();
        found.push((
            r.total,
            r.total_exact,
            r.hits.len(),
            marked,
            same,
            all.total,
        ));
    }
    eprintln!(
        "in-process: {} rounds of {} queries",
        args.rounds,
        QUERIES.len()
    );
    let mut per_query: Vec<Vec<Duration>> = vec![Vec::new(); QUERIES.len()];
    let loop_started = Instant::now();
    let cpu_before = cpu_seconds("thread-self");
    for _ in 0..args.rounds {
        for (i, req) in requests.iter().enumerate() {
            let start = Instant::now();
            let r = engine.search(black_box(req))?;
            per_query[i].push(start.elapsed());
            drop(black_box(r));
        }
    }
    let loop_cpu = cpu_between(cpu_before, cpu_seconds("thread-self"));
    let loop_wall = loop_started.elapsed().as_secs_f64();
    let all = Percentiles::of(per_query.iter().flatten().copied().collect());

    // 4. HTTP.
    let mut http = Vec::new();
    let mut wrk_version = String::new();
    if args.http_seconds > 0 && !args.concurrency.is_empty() {
        loads.push(("HTTP", load_average()));
        let (t, v) = bench_http(
            Arc::clone(&engine),
            work,
            args.http_seconds,
            &args.concurrency,
        )?;
        http = t;
        wrk_version = v;
    }
    drop(engine);

    // 5. PostgreSQL.
    let pg = if args.postgres {
        loads.push(("PostgreSQL", load_average()));
        let tsv = tsv_path.as_deref().context("no TSV for PostgreSQL")?;
        Some(bench_postgres(tsv, work, args, tsv_rows)?)
    } else {
        None
    };
    loads.push(("end", load_average()));

    // Report.
    let mut cmd = format!(
        "bench search --clauses {} --seed {} --rounds {} --http-seconds {} --concurrency {}",
        args.clauses,
        args.seed,
        args.rounds,
        args.http_seconds,
        args.concurrency
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    if args.postgres {
        let _ = write!(cmd, " --postgres --pg-rounds {}", args.pg_rounds);
    }
    println!("## Search at {} clauses\n", group(args.clauses as f64));
    println!("`{cmd}`\n");
    for l in &machine {
        println!("{l}");
    }
    println!(
        "- load average (1, 5, 15 min) at each phase: {}",
        loads
            .iter()
            .map(|(p, l)| format!("{p} {l}"))
            .collect::<Vec<_>>()
            .join("; ")
    );
    if let Some(pg) = &pg {
        println!("- PostgreSQL: {} ({})", pg.version, pg.settings);
    }
    if !wrk_version.is_empty() {
        println!("- HTTP load: {wrk_version}, 2 threads, on the same machine as the server");
    }
    println!("- corpus: {corpus_line}");
    if let Some(peak) = peak_memory_mb() {
        println!("- peak resident memory of the bench process (generation, build, open index): {peak:.0} MB");
    }
    println!();

    // Build.
    println!("### Index build\n");
    println!("| engine | what is timed | s | MB/s of clause text | CPU s | MB per CPU-second | clauses/s | size on disk MB |");
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let lh_rate = build.as_ref().map(|b| b.text_bytes as f64 / MB / b.seconds);
    let opt =
        |v: Option<f64>, digits: usize| v.map_or("–".to_string(), |x| format!("{x:.digits$}"));
    match &build {
        Some(b) => {
            println!(
                "| lexharmony | `index::build`: {} clauses of {} laws, every analysis, a commit per state, laws.json, swap | {:.1} | {:.1} | {} | {} | {} | {:.0} (tantivy {:.0} + laws.json {:.0}) |",
                group(b.clauses as f64),
                b.laws,
                b.seconds,
                b.text_bytes as f64 / MB / b.seconds,
                opt(b.cpu, 1),
                opt(b.cpu.map(|c| b.text_bytes as f64 / MB / c), 1),
                group(b.clauses as f64 / b.seconds),
                (tantivy_bytes + laws_json_bytes) as f64 / MB,
                tantivy_bytes as f64 / MB,
                laws_json_bytes as f64 / MB
            );
            println!(
                "| &nbsp;&nbsp;of which | serialising the laws (laws.json, timed alone to a sink) | {:.1} | – | – | – | – | – |",
                b.laws_json_seconds
            );
        }
        None => println!(
            "| lexharmony | (index reused, not built in this run) | – | – | – | – | – | {:.0} (tantivy {:.0} + laws.json {:.0}) |",
            (tantivy_bytes + laws_json_bytes) as f64 / MB,
            tantivy_bytes as f64 / MB,
            laws_json_bytes as f64 / MB
        ),
    }
    if let Some(pg) = &pg {
        let s = (pg.load + pg.index).as_secs_f64();
        println!(
            "| PostgreSQL | `COPY` with the stored `to_tsvector('russian', …)` ({:.1} s) + GIN index ({:.1} s), one backend | {:.1} | {:.1} | – | – | {} | {:.0} (table {:.0} + GIN {:.0}) |",
            pg.load.as_secs_f64(),
            pg.index.as_secs_f64(),
            s,
            text_bytes as f64 / MB / s,
            group(tsv_rows as f64 / s),
            (pg.table_bytes + pg.index_bytes) as f64 / MB,
            pg.table_bytes as f64 / MB,
            pg.index_bytes as f64 / MB
        );
        if let Some(r) = lh_rate {
            println!(
                "| **ratio** | lexharmony MB/s over PostgreSQL's | | **{}** | | | | |",
                ratio(r, text_bytes as f64 / MB / s)
            );
        }
    }
    println!(
        "\nOpening the index (tantivy and the {:.0} MB laws.json) took {:.1} s.\n",
        laws_json_bytes as f64 / MB,
        open_seconds
    );

    // Latency.
    println!("### Query latency, one client\n");
    println!("| engine | how | samples | p50 ms | p95 ms | p99 ms | mean ms |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    println!(
        "| lexharmony | `Engine::search` in process, limit 10: top 10 with snippets, per-state counts (up to 10 000 a state for the pruned searches: words, AND, exact phrases; exact otherwise) and their total | {} | {} | {} | {} | {} |",
        all.n,
        ms(all.p50),
        ms(all.p95),
        ms(all.p99),
        ms(all.mean)
    );
    let pg_all = pg
        .as_ref()
        .map(|pg| Percentiles::of(pg.latency.iter().flatten().copied().collect()));
    if let Some(p) = &pg_all {
        println!(
            "| PostgreSQL | `pgbench -c1 -M prepared`, one query at a time: top 10 by `ts_rank` with `ts_headline` (over loopback) | {} | {} | {} | {} | {} |",
            p.n,
            ms(p.p50),
            ms(p.p95),
            ms(p.p99),
            ms(p.mean)
        );
        println!(
            "| **ratio** | PostgreSQL time over lexharmony's | | **{}** | **{}** | **{}** | **{}** |",
            ratio(p.p50.as_secs_f64(), all.p50.as_secs_f64()),
            ratio(p.p95.as_secs_f64(), all.p95.as_secs_f64()),
            ratio(p.p99.as_secs_f64(), all.p99.as_secs_f64()),
            ratio(p.mean.as_secs_f64(), all.mean.as_secs_f64())
        );
    }
    if let Some(cpu) = loop_cpu {
        println!(
            "\nThe in-process loop ran {:.1} s and got {:.1} CPU s: {:.0} % of one core (the rest of \
             the time the thread waited for a CPU, the machine being shared).",
            loop_wall,
            cpu,
            100.0 * cpu / loop_wall.max(1e-9)
        );
    }
    println!();

    // Throughput.
    if !http.is_empty() {
        println!("### Throughput, all 30 queries in rotation\n");
        println!("| connections | lexharmony `/api/search` req/s | p50 ms | p99 ms | failed | server CPU (cores) | PostgreSQL queries/s | p50 ms | p99 ms | failed | ratio |");
        println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for h in &http {
            let p = pg.as_ref().and_then(|pg| {
                pg.throughput
                    .iter()
                    .find(|t| t.concurrency == h.concurrency)
            });
            let (pr, pp50, pp99, pf, r) = match p {
                Some(p) => (
                    format!("{:.1}", p.per_second()),
                    ms(p.p50),
                    ms(p.p99),
                    p.failures.to_string(),
                    format!("**{}**", ratio(h.per_second(), p.per_second())),
                ),
                None => ("–".into(), "–".into(), "–".into(), "–".into(), "–".into()),
            };
            println!(
                "| {} | {:.0} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                h.concurrency,
                h.per_second(),
                ms(h.p50),
                ms(h.p99),
                h.failures,
                h.server_cpu.map_or("–".to_string(), |c| format!(
                    "{:.2}",
                    c / h.seconds.max(1e-9)
                )),
                pr,
                pp50,
                pp99,
                pf,
                r
            );
        }
        println!();
    }

    // Per query.
    println!("### Per query\n");
    println!(
        "lexharmony: total matches (\"≥\": a lower bound, counting stops at {} a state), p50 and p95 \
         of the {} in-process runs. PostgreSQL: all matches \
         (`count(*)`, run apart), rows returned, p50 of the {} `pgbench -c1` runs. \"marked\": \
         hits of the top 10 whose snippet highlights a word. \"as exhaustive\": how many of the top 10 \
         are in the top 10 of the same search visiting and scoring every match (`exhaustive`), \
         and its exact count.\n",
        group(lexharmony::search::COUNT_LIMIT as f64),
        args.rounds,
        args.pg_rounds
    );
    if pg.is_some() {
        println!("| # | kind | query | lexharmony matches | as exhaustive | marked | p50 ms | p95 ms | PostgreSQL matches | rows | marked | p50 ms | PostgreSQL / lexharmony p50 |");
        println!("|---:|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    } else {
        println!(
            "| # | kind | query | lexharmony matches | as exhaustive | marked | p50 ms | p95 ms |"
        );
        println!("|---:|---|---|---:|---|---:|---:|---:|");
    }
    let mut misses = Vec::new();
    for (i, q) in QUERIES.iter().enumerate() {
        let p = Percentiles::of(per_query[i].clone());
        let (total, exact, hits, marked, same, exhaustive_total) = found[i];
        if hits == 0 {
            misses.push(format!("lexharmony: {}", q.q));
        }
        let mut line = format!(
            "| {} | {} | `{}` | {}{} | {}/{}, {} | {}/{} | {} | {} |",
            i + 1,
            q.kind,
            q.q.replace('|', "\\|"),
            if exact { "" } else { "≥ " },
            group(total as f64),
            same,
            hits,
            group(exhaustive_total as f64),
            marked,
            hits,
            ms(p.p50),
            ms(p.p95)
        );
        if let Some(pg) = &pg {
            let (rows, pmarked, count) = pg.rows[i];
            if rows == 0 {
                misses.push(format!("PostgreSQL: {}", q.pg));
            }
            let pp = Percentiles::of(pg.latency[i].clone());
            let _ = write!(
                line,
                " {} | {} | {}/{} | {} | {} |",
                group(count as f64),
                rows,
                pmarked,
                rows,
                ms(pp.p50),
                ratio(pp.p50.as_secs_f64(), p.p50.as_secs_f64())
            );
        }
        println!("{line}");
    }
    if !misses.is_empty() {
        println!("\n**Queries that found nothing:** {}", misses.join("; "));
    }

    // Goals.
    println!("\n### Goals\n");
    println!("| goal | measured | met |");
    println!("|---|---|---|");
    let yes = |b: bool| if b { "yes" } else { "**no**" };
    println!(
        "| in-process p95 under 5 ms at {} clauses | p95 {} ms | {} |",
        group(args.clauses as f64),
        ms(all.p95),
        yes(all.p95 < Duration::from_millis(5))
    );
    for h in &http {
        if let Some(p) = pg.as_ref().and_then(|pg| {
            pg.throughput
                .iter()
                .find(|t| t.concurrency == h.concurrency)
        }) {
            println!(
                "| `/api/search` at least 5× PostgreSQL's throughput, {} connections | {:.0} vs {:.1} req/s: {} | {} |",
                h.concurrency,
                h.per_second(),
                p.per_second(),
                ratio(h.per_second(), p.per_second()),
                yes(h.per_second() >= 5.0 * p.per_second())
            );
        }
    }
    if let Some(r) = lh_rate {
        println!(
            "| index build at least 10 MB/s | {r:.1} MB/s | {} |",
            yes(r >= 10.0)
        );
    }
    Ok(())
}
