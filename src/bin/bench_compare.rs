//! Benchmark of compare, run as a command (never as a timed test):
//!
//! ```sh
//! cargo run --release --bin bench_compare -- [--corpus DIR] [--repeat R]
//! ```
//!
//! Two full laws from `--corpus` (default `../shared/corpus-real`): Kazakhstan 418-V on
//! informatization against Belarus 455-З on information, informatization and protection of
//! information, parsed once (not timed). Then, `--repeat` times each (default 10), best and median:
//!
//! - `align`: [`lexharmony::compare::align::lexical`] with diffs switched off (size cap 0), i.e.
//!   stems, tf-idf, all pairs scored, assignment, part alignment;
//! - `align + diff`: the same with every word-level diff (articles and parts);
//! - `compare`: [`lexharmony::compare::compare`], what the API serves (the JSON not serialised);
//! - `page`: `GET /compare?laws=A,B` answered by the web app in process (`oneshot`, no socket),
//!   over an index of the two laws: the whole server time of the compare page, HTML rendered.
//!
//! Times are wall-clock; other processes skew them, so the load average is printed with them.
//! The output is Markdown for BENCHMARKS.md; progress goes to stderr.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use tower::ServiceExt;

use lexharmony::compare::align::{self, AlignOptions};
use lexharmony::compare::{self, CompareOptions, DiffOptions};
use lexharmony::library::{Library, StoredLaw};

const KZ: &str = "kz/KZ_418-V_on-informatization_ru_ed2020.md";
const BY: &str = "by/BY_455-Z_on-information-informatization-and-protection-of-information_ru.txt";

/// Time aligning and diffing two full laws, and the compare page that shows them.
#[derive(Parser)]
#[command(name = "bench_compare")]
struct Cli {
    /// Directory of the real law files.
    #[arg(long, default_value = "../shared/corpus-real")]
    corpus: PathBuf,
    /// How many times each step runs; best and median are reported.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    repeat: u32,
}

fn stats(mut v: Vec<Duration>) -> (f64, f64) {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(v[0]), ms(v[v.len() / 2]))
}

fn time<T>(repeat: u32, mut f: impl FnMut() -> T) -> (f64, f64) {
    let mut times = Vec::new();
    for _ in 0..repeat {
        let t = Instant::now();
        let out = f();
        times.push(t.elapsed());
        drop(std::hint::black_box(out));
    }
    stats(times)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let files = [cli.corpus.join(KZ), cli.corpus.join(BY)];
    if let Some(missing) = files.iter().find(|f| !f.is_file()) {
        eprintln!("skipped: {} is absent", missing.display());
        return Ok(());
    }
    let lib = Library::load(&files);
    anyhow::ensure!(lib.bad.is_empty(), "bad files: {:?}", lib.bad);
    let find = |part: &str| -> anyhow::Result<&StoredLaw> {
        lib.laws
            .iter()
            .find(|l| {
                l.law
                    .source_file
                    .as_deref()
                    .is_some_and(|f| f.contains(part))
            })
            .with_context(|| format!("{part} not loaded"))
    };
    let kz = find("KZ_418-V")?;
    let by = find("BY_455-Z")?;
    let bytes = |l: &StoredLaw| l.clauses.iter().map(|c| c.text.len()).sum::<usize>();
    eprintln!("timing compare ({} runs each)...", cli.repeat);

    let no_diff = AlignOptions {
        diff: DiffOptions {
            max_bytes: 0,
            ..DiffOptions::default()
        },
        ..AlignOptions::default()
    };
    let al = align::lexical(kz, by, &AlignOptions::default());
    let inline = al
        .matches
        .iter()
        .flat_map(|m| {
            std::iter::once(&m.diff).chain(m.parts.iter().filter_map(|p| p.diff.as_ref()))
        })
        .filter(|d| d.is_inline())
        .count();
    let diffs = al
        .matches
        .iter()
        .map(|m| 1 + m.parts.iter().filter(|p| p.diff.is_some()).count())
        .sum::<usize>();
    let t_align = time(cli.repeat, || align::lexical(kz, by, &no_diff));
    let t_full = time(cli.repeat, || {
        align::lexical(kz, by, &AlignOptions::default())
    });
    let t_compare = time(cli.repeat, || {
        compare::compare(&[kz, by], &CompareOptions::default()).map(|c| c.pairs.len())
    });

    // The page, in process, over an index of the two laws.
    let dir = std::env::temp_dir().join(format!("lexharmony-bench-compare-{}", std::process::id()));
    lexharmony::search::index::build(&dir, &lib, &mut |_, _| {})?;
    let engine = Arc::new(lexharmony::search::Engine::open(&dir)?);
    let state = lexharmony::web::AppState::new(Arc::clone(&engine));
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("laws", &format!("{},{}", kz.uri(), by.uri()));
    let url = format!("/compare?{}", q.finish());
    let rt = tokio::runtime::Runtime::new()?;
    let mut page_bytes = 0usize;
    let mut times = Vec::new();
    for _ in 0..cli.repeat {
        let req = axum::http::Request::builder()
            .uri(&url)
            .body(axum::body::Body::empty())?;
        let t = Instant::now();
        let (status, len) = rt.block_on(async {
            let resp = lexharmony::web::app(state.clone()).oneshot(req).await?;
            let status = resp.status();
            let body = axum::body::to_bytes(resp.into_body(), usize::MAX).await?;
            anyhow::Ok((status, body.len()))
        })?;
        times.push(t.elapsed());
        anyhow::ensure!(status.is_success(), "the page answered {status}");
        page_bytes = len;
    }
    let t_page = stats(times);
    let _ = std::fs::remove_dir_all(&dir);

    println!("## compare: Kazakhstan 418-V against Belarus 455-З\n");
    println!(
        "Inputs: KZ 418-V, {} articles, {:.0} KB of clause text; BY 455-З, {} articles, {:.0} KB. \
         {} aligned article pairs, {} unaligned in KZ, {} in BY; {} diffs (articles and parts), {} \
         shown inline. Runs: {}; load average before: {}.\n",
        compare::text::articles(kz).len(),
        bytes(kz) as f64 / 1000.0,
        compare::text::articles(by).len(),
        bytes(by) as f64 / 1000.0,
        al.matches.len(),
        al.unaligned_first.len(),
        al.unaligned_other.len(),
        diffs,
        inline,
        cli.repeat,
        load_average()
    );
    println!("| step | best ms | median ms |");
    println!("|---|---:|---:|");
    for (name, (best, median)) in [
        ("align (no diffs)", t_align),
        ("align + diff", t_full),
        ("compare (what /api/compare computes)", t_compare),
        ("GET /compare page (in process, HTML rendered)", t_page),
    ] {
        println!("| {name} | {best:.1} | {median:.1} |");
    }
    println!(
        "\nPage size: {:.0} KB. Goal: the compare page for two full laws under 100 ms server time.",
        page_bytes as f64 / 1000.0
    );
    Ok(())
}
