//! Benchmark of the web UI's server time, run as a command (never as a timed test):
//!
//! ```sh
//! cargo run --release --bin bench_pages -- [--rounds R] [--corpus DIR]
//! ```
//!
//! Builds an index of the bundled corpus (`corpus/`, or `--corpus`) in a temporary folder (not
//! timed), computes the gap analysis once as `lexharmony serve` does before it listens, then asks
//! the web app (`lexharmony::web::app`, in process through `tower::ServiceExt::oneshot`, no socket)
//! for every kind of page: the overview, the list of laws, every law reader (and the parallel
//! view), searches, the compare page of two full laws, the gap matrix and one cell, definitions,
//! the concordance, the export page and the 404 page. Each page `--rounds` times (default 30)
//! after one warm-up request; the time is from the request to the last byte of the body: the
//! whole server time of the page, HTML rendered, without the network.
//!
//! Prints, as Markdown for BENCHMARKS.md, p50 / p95 / max per page kind and whether every page
//! met the 50 ms goal. Other processes skew the figures, so the load average is printed with them.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use clap::Parser;
use tower::ServiceExt;

use lexharmony::library::{self, Library};
use lexharmony::search::{self, Engine};
use lexharmony::web::{app, AppState};

/// The goal of the web UI issue: every page under this server time.
const GOAL_MS: f64 = 50.0;

/// Time every kind of page of the web UI on the bundled corpus.
#[derive(Parser)]
#[command(name = "bench_pages")]
struct Cli {
    /// The corpus folder to index.
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Requests per page (after one warm-up request).
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..))]
    rounds: u32,
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(", "))
        .unwrap_or_else(|_| "unknown".into())
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// One page kind: a name for the report and its URLs (a kind like "law reader" has many).
struct Kind {
    name: String,
    uris: Vec<String>,
}

fn kinds(state: &AppState) -> Vec<Kind> {
    let engine = state.engine();
    let one = |name: &str, uri: String| Kind {
        name: name.to_string(),
        uris: vec![uri],
    };
    let laws: Vec<&str> = engine
        .laws()
        .iter()
        .map(|l| l.uri())
        .filter(|u| !u.is_empty())
        .collect();
    // The two largest laws with text, for the compare page (the heaviest page there is).
    let mut with_text: Vec<_> = engine.laws().iter().filter(|l| l.has_text()).collect();
    with_text.sort_by_key(|l| std::cmp::Reverse(l.clauses.len()));
    let largest: Vec<&str> = with_text
        .iter()
        .filter(|l| l.law.lang.as_deref() == Some("rus"))
        .map(|l| l.uri())
        .take(2)
        .collect();
    let gap_cell = {
        let gaps = state.gaps();
        gaps.matrix
            .states
            .iter()
            .flat_map(|s| {
                gaps.framework
                    .topics
                    .iter()
                    .map(move |t| (s.clone(), t.id.clone()))
            })
            .find(|(s, t)| {
                gaps.matrix
                    .cell(s, t)
                    .is_some_and(|c| !c.support.is_empty())
            })
            .map(|(s, t)| format!("/gaps/{s}/{t}"))
    };
    let mut kinds = vec![
        one("overview `/`", "/".into()),
        one("laws `/laws`", "/laws".into()),
        one("search form `/search`", "/search".into()),
        one(
            "search, common words `/search?q=персональных данных`",
            format!("/search?q={}", enc("персональных данных")),
        ),
        one(
            "search, phrase and filter `/search?q=\"информационной безопасности\" state:kz`",
            format!(
                "/search?q={}",
                enc("\"информационной безопасности\" state:kz")
            ),
        ),
        one(
            "search, malformed query (400)",
            format!("/search?q={}", enc("(данные OR")),
        ),
        Kind {
            name: format!("law reader `/law/...` (all {} editions)", laws.len()),
            uris: laws.iter().map(|u| format!("/law{u}")).collect(),
        },
        one("compare form `/compare`", "/compare".into()),
        one("gap matrix `/gaps`", "/gaps".into()),
        one("definitions `/definitions`", "/definitions".into()),
        one("concordance form `/concordance`", "/concordance".into()),
        one(
            "concordance `/concordance?instrument=csto`",
            "/concordance?instrument=csto".into(),
        ),
        one("export `/export`", "/export".into()),
        one("not found (404)", "/no/such/page".into()),
    ];
    if let [a, b] = largest.as_slice() {
        kinds.insert(
            8,
            one(
                "compare two largest laws `/compare?laws=A,B`",
                format!("/compare?laws={}", enc(&format!("{a},{b}"))),
            ),
        );
        kinds.insert(
            7,
            one(
                "law reader, parallel view `?parallel=eng`",
                format!("/law{a}?parallel=eng"),
            ),
        );
    }
    if let Some(cell) = gap_cell {
        kinds.push(one("gap cell `/gaps/{state}/{topic}`", cell));
    }
    kinds
}

async fn request(state: &AppState, uri: &str) -> anyhow::Result<(StatusCode, Duration, usize)> {
    let req = Request::builder().uri(uri).body(Body::empty())?;
    let t = Instant::now();
    let resp = app(state.clone()).oneshot(req).await?;
    let status = resp.status();
    let body = axum::body::to_bytes(resp.into_body(), usize::MAX).await?;
    Ok((status, t.elapsed(), body.len()))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let corpus = cli.corpus.unwrap_or_else(library::default_corpus_dir);
    let dir = std::env::temp_dir().join(format!("lexharmony-bench-pages-{}", std::process::id()));
    eprintln!("indexing {} into {}", corpus.display(), dir.display());
    let lib = Library::load(std::slice::from_ref(&corpus));
    if !lib.bad.is_empty() {
        bail!("bad corpus files: {:?}", lib.bad);
    }
    search::index::build(&dir, &lib, &mut |_, _| {}).context("building the index")?;
    let engine = Arc::new(Engine::open(&dir).context("opening the index")?);
    let state = AppState::new(Arc::clone(&engine));
    let t = Instant::now();
    state.gaps();
    let gaps_ms = ms(t.elapsed());
    let kinds = kinds(&state);

    println!(
        "`cargo run --release --bin bench_pages -- --rounds {}`\n",
        cli.rounds
    );
    println!(
        "- corpus: {} ({} language editions, {} clauses)",
        corpus.display(),
        engine.laws().len(),
        engine.laws().iter().map(|l| l.clauses.len()).sum::<usize>()
    );
    println!(
        "- cores: {}; load average at start: {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average()
    );
    println!("- gap analysis at start-up (once, before serving; not a page): {gaps_ms:.0} ms");
    println!(
        "- {} requests per URL after one warm-up; server time in process (request to last byte)\n",
        cli.rounds
    );
    println!("| page | URLs | status | KB (largest) | p50 ms | p95 ms | max ms | under {GOAL_MS:.0} ms |");
    println!("|---|---:|---|---:|---:|---:|---:|---|");
    let mut worst = 0.0f64;
    for kind in &kinds {
        let mut times = Vec::new();
        let mut statuses = std::collections::BTreeSet::new();
        let mut largest = 0;
        for uri in &kind.uris {
            request(&state, uri).await?;
            for _ in 0..cli.rounds {
                let (status, took, bytes) = request(&state, uri).await?;
                statuses.insert(status.as_u16());
                largest = largest.max(bytes);
                times.push(took);
            }
        }
        times.sort();
        let at = |q: f64| ms(times[((times.len() - 1) as f64 * q).round() as usize]);
        let max = ms(*times.last().expect("rounds >= 1"));
        worst = worst.max(max);
        println!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {:.2} | {} |",
            kind.name,
            kind.uris.len(),
            statuses
                .iter()
                .map(u16::to_string)
                .collect::<Vec<_>>()
                .join(", "),
            largest as f64 / 1024.0,
            at(0.5),
            at(0.95),
            max,
            if max < GOAL_MS { "yes" } else { "**no**" }
        );
    }
    println!(
        "\nSlowest single request: {worst:.1} ms; goal (every page under {GOAL_MS:.0} ms): {}.",
        if worst < GOAL_MS {
            "met"
        } else {
            "**not met**"
        }
    );
    println!("- load average at end: {}", load_average());
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
