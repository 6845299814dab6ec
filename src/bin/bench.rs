//! Benchmarks for lexharmony, run as a command (never as a timed test).
//!
//! ```sh
//! cargo run --release --bin bench -- parse [--corpus DIR] [--generated-mb N] [--repeat R]
//! ```
//!
//! `parse` measures the throughput of the whole parse (`lexharmony::ingest::parse_bytes`: decode,
//! format detection, reader, structure detector, metadata) from bytes already in memory, so disk I/O
//! is not measured:
//!
//! - on every law file under `--corpus` (default `../shared/corpus-real`; skipped with a message when
//!   absent), all files read into memory first, then parsed `--repeat` times (default 5): total MB,
//!   best and median time, MB/s, clauses/s, and per-file MB/s for the five largest files;
//! - on a synthetic Russian law of about `--generated-mb` MB (default 50), built in memory from our own
//!   template (chapters, articles with inserted numbers "7-1", parts "1.", points "1)", letter points
//!   "а)", editorial notes "Сноска. ..."), once as plain portal text and once as Markdown;
//! - as a baseline in the same run, pulldown-cmark alone iterating its events (with the options the
//!   Markdown reader uses) over the same Markdown bytes, so the ratio "our parse / pulldown-cmark" is
//!   measured on the same machine;
//! - where the time goes on the generated law: decode, format detection, content hash, reader
//!   (with `clean_text`), structure detector (with `patterns::heading`), each timed alone through the
//!   library's public functions.
//!
//! Times are wall-clock, single-threaded; the parsed result is dropped after the clock stops. MB is
//! 10^6 bytes. Other processes skew the figures, so the machine's load average is printed with them.
//! The output is Markdown and can be pasted into BENCHMARKS.md as is (progress goes to stderr).
//! `--write-generated DIR` also writes the generated law to files, to inspect or profile it.
//!
//! `search` (in `bench/search.rs`) measures the search index at 1,000,000 generated clauses: build,
//! in-process latency, HTTP throughput with wrk, and the same against PostgreSQL full-text search;
//! see that module and `bench/search-vs-postgres.sh`.
//!
//! Further benchmarks (compare, export) are added as further subcommands of [`Command`].

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use pulldown_cmark::Options;

use lexharmony::ingest::{self, Format};

// In `src/bin/bench/`, which has no `main.rs`, so Cargo does not take it for a binary.
#[path = "bench/search.rs"]
mod search;

/// Benchmarks for lexharmony (commands, never timed tests).
#[derive(Parser)]
#[command(name = "bench")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse throughput (MB/s, clauses/s) on the real corpus and a large generated law, against
    /// pulldown-cmark alone on the same machine.
    Parse(ParseArgs),
    /// Search at scale: index build (MB/s, size), in-process latency p50/p95/p99, HTTP throughput
    /// of /api/search with wrk, and the same against PostgreSQL full-text search (run it through
    /// bench/search-vs-postgres.sh).
    Search(search::SearchArgs),
}

#[derive(Args)]
struct ParseArgs {
    /// Directory of real law files (read recursively).
    #[arg(long, default_value = "../shared/corpus-real")]
    corpus: PathBuf,
    /// Size of the generated law in MB (10^6 bytes); 0 skips the generated part.
    #[arg(long, default_value_t = 50.0)]
    generated_mb: f64,
    /// How many times each input is parsed; best and median are reported.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    repeat: u32,
    /// Also write the generated law to DIR/generated-law.{txt,md}, to inspect or profile it.
    #[arg(long, value_name = "DIR")]
    write_generated: Option<PathBuf>,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::Parse(args) => bench_parse(&args),
        Command::Search(args) => search::bench_search(&args),
    }
}

// ---------------------------------------------------------------------------------------------
// Machine and reporting helpers (shared by every subcommand).

const MB: f64 = 1_000_000.0;

fn print_machine() {
    for line in machine_lines("the parse runs on one") {
        println!("{line}");
    }
    println!("- load average at start (1, 5, 15 min): {}", load_average());
}

/// The machine as Markdown list items: CPU, cores (with `cores_note` on how the benchmark uses
/// them), rustc, OS, build profile.
fn machine_lines(cores_note: &str) -> Vec<String> {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = std::process::Command::new("rustc")
        .arg("--version")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let profile = if cfg!(debug_assertions) {
        "debug (numbers meaningless: use --release)"
    } else {
        "release"
    };
    vec![
        format!("- CPU: {cpu}"),
        format!("- cores available: {cores} ({cores_note})"),
        format!("- rustc: {rustc}"),
        format!("- OS: {} {}", std::env::consts::OS, std::env::consts::ARCH),
        format!("- build: {profile}"),
    ]
}

/// The load average now (1, 5, 15 min): other processes skew wall-clock figures.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(", "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Best and median of a set of timings.
struct Timing {
    best: Duration,
    median: Duration,
}

impl Timing {
    fn from(mut samples: Vec<Duration>) -> Timing {
        samples.sort();
        Timing {
            best: samples[0],
            median: samples[samples.len() / 2],
        }
    }
}

fn mb_per_s(bytes: usize, t: Duration) -> f64 {
    bytes as f64 / MB / t.as_secs_f64().max(1e-12)
}

/// One row of the results table.
struct Row {
    input: String,
    what: &'static str,
    bytes: usize,
    timing: Timing,
    clauses: Option<usize>,
    /// pulldown-cmark MB/s on the same bytes, for the ratio column.
    baseline: Option<f64>,
}

fn print_table(rows: &[Row]) {
    println!(
        "| input | measured | MB | best s | median s | MB/s (best) | clauses/s | vs pulldown-cmark |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        let rate = mb_per_s(r.bytes, r.timing.best);
        let clauses = r.clauses.map_or("–".to_string(), |c| {
            group(c as f64 / r.timing.best.as_secs_f64().max(1e-12))
        });
        let ratio = r.baseline.map_or("–".to_string(), |b| {
            format!("1/{:.1}", b / rate.max(1e-12))
        });
        println!(
            "| {} | {} | {:.2} | {:.4} | {:.4} | {:.1} | {} | {} |",
            r.input,
            r.what,
            r.bytes as f64 / MB,
            r.timing.best.as_secs_f64(),
            r.timing.median.as_secs_f64(),
            rate,
            clauses,
            ratio
        );
    }
}

/// 1234567.8 -> "1 234 568".
fn group(x: f64) -> String {
    let s = format!("{:.0}", x.max(0.0));
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(' ');
        }
        out.push(ch);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// parse

/// The options the Markdown reader gives pulldown-cmark, so the baseline does the same tokenising.
fn markdown_options() -> Options {
    Options::ENABLE_YAML_STYLE_METADATA_BLOCKS | Options::ENABLE_TABLES
}

/// pulldown-cmark alone: iterate every event over each text, `repeat` samples. A sample of a small
/// input (under 50 ms) loops over it as often as needed to last about 50 ms, and is divided back.
fn time_pulldown(texts: &[&str], repeat: u32) -> Timing {
    let pass = || {
        let start = Instant::now();
        for t in texts {
            black_box(pulldown_cmark::Parser::new_ext(black_box(t), markdown_options()).count());
        }
        start.elapsed()
    };
    let first = pass();
    let loops = (Duration::from_millis(50).as_secs_f64() / first.as_secs_f64().max(1e-9))
        .ceil()
        .clamp(1.0, 10_000.0) as u32;
    let samples = (0..repeat)
        .map(|_| (0..loops).map(|_| pass()).sum::<Duration>() / loops)
        .collect();
    Timing::from(samples)
}

struct LoadedFile {
    path: PathBuf,
    bytes: Vec<u8>,
}

fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| matches!(e.to_ascii_lowercase().as_str(), "md" | "markdown"))
}

/// Parse every file once; the time of each file and the clause count of the whole set.
fn parse_all(
    files: &[LoadedFile],
    format: Option<Format>,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let mut times = Vec::with_capacity(files.len());
    let mut clauses = 0;
    for f in files {
        let start = Instant::now();
        let law = ingest::parse_bytes(&f.path, black_box(&f.bytes), format)
            .with_context(|| format!("parsing {}", f.path.display()))?;
        times.push(start.elapsed());
        clauses += law.clauses.len();
        drop(black_box(law));
    }
    Ok((times, clauses))
}

/// Parse `files` `repeat` times: timing of the whole set, per-file best times, clauses per pass.
fn time_parse(
    files: &[LoadedFile],
    format: Option<Format>,
    repeat: u32,
) -> anyhow::Result<(Timing, Vec<Duration>, usize)> {
    let mut totals = Vec::new();
    let mut best_per_file = vec![Duration::MAX; files.len()];
    let mut clauses = 0;
    for _ in 0..repeat {
        let (times, c) = parse_all(files, format)?;
        totals.push(times.iter().sum());
        for (b, t) in best_per_file.iter_mut().zip(times) {
            *b = (*b).min(t);
        }
        clauses = c;
    }
    Ok((Timing::from(totals), best_per_file, clauses))
}

fn bench_parse(args: &ParseArgs) -> anyhow::Result<()> {
    println!("## Parse throughput\n");
    println!(
        "`cargo run --release --bin bench -- parse --corpus {} --generated-mb {} --repeat {}`\n",
        args.corpus.display(),
        args.generated_mb,
        args.repeat
    );
    print_machine();
    println!();

    let mut rows = Vec::new();
    let mut largest: Vec<(String, &'static str, usize, Duration)> = Vec::new();
    let mut stages: Option<(Vec<Stage>, Vec<Stage>)> = None;

    // Real corpus.
    if args.corpus.is_dir() {
        let paths = ingest::law_files(&args.corpus)
            .with_context(|| format!("listing {}", args.corpus.display()))?;
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            let bytes =
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            files.push(LoadedFile { path, bytes });
        }
        let total: usize = files.iter().map(|f| f.bytes.len()).sum();
        let name = format!(
            "{} ({} files)",
            args.corpus.file_name().map_or_else(
                || args.corpus.display().to_string(),
                |n| n.to_string_lossy().into()
            ),
            files.len()
        );
        eprintln!(
            "parsing {} files, {:.2} MB, {} times",
            files.len(),
            total as f64 / MB,
            args.repeat
        );
        let (timing, per_file, clauses) = time_parse(&files, None, args.repeat)?;
        rows.push(Row {
            input: name,
            what: "lexharmony parse",
            bytes: total,
            timing,
            clauses: Some(clauses),
            baseline: None,
        });

        // The Markdown files alone: our parse against pulldown-cmark on the same bytes.
        let md_idx: Vec<usize> = (0..files.len())
            .filter(|&i| is_markdown(&files[i].path))
            .collect();
        if !md_idx.is_empty() {
            let md_files: Vec<LoadedFile> = md_idx
                .iter()
                .map(|&i| LoadedFile {
                    path: files[i].path.clone(),
                    bytes: files[i].bytes.clone(),
                })
                .collect();
            let md_bytes: usize = md_files.iter().map(|f| f.bytes.len()).sum();
            let texts: Vec<String> = md_files
                .iter()
                .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
                .collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let base = time_pulldown(&refs, args.repeat);
            let base_rate = mb_per_s(md_bytes, base.best);
            let (timing, _, clauses) = time_parse(&md_files, None, args.repeat)?;
            let label = format!("corpus Markdown ({} files)", md_files.len());
            rows.push(Row {
                input: label.clone(),
                what: "pulldown-cmark alone",
                bytes: md_bytes,
                timing: base,
                clauses: None,
                baseline: None,
            });
            rows.push(Row {
                input: label,
                what: "lexharmony parse",
                bytes: md_bytes,
                timing,
                clauses: Some(clauses),
                baseline: Some(base_rate),
            });
        }

        let mut order: Vec<usize> = (0..files.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(files[i].bytes.len()));
        for &i in order.iter().take(5) {
            let f = &files[i];
            let format = ingest::detect_format(&f.path, &String::from_utf8_lossy(&f.bytes));
            let name = f
                .path
                .strip_prefix(&args.corpus)
                .unwrap_or(&f.path)
                .display()
                .to_string();
            largest.push((name, format.name(), f.bytes.len(), per_file[i]));
        }
    } else {
        println!(
            "Real corpus {} is absent: only the generated part is run.\n",
            args.corpus.display()
        );
    }

    // Generated input.
    if args.generated_mb > 0.0 {
        let target = (args.generated_mb * MB) as usize;
        eprintln!(
            "generating about {} MB of plain text and of Markdown",
            args.generated_mb
        );
        let (plain, md) = generate_law(target);
        if let Some(dir) = &args.write_generated {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            for (name, text) in [("generated-law.txt", &plain), ("generated-law.md", &md)] {
                let p = dir.join(name);
                std::fs::write(&p, text).with_context(|| format!("writing {}", p.display()))?;
            }
        }
        let plain_files = [LoadedFile {
            path: PathBuf::from("generated-law.txt"),
            bytes: plain.into_bytes(),
        }];
        eprintln!("parsing generated plain text {} times", args.repeat);
        let (timing, _, clauses) = time_parse(&plain_files, None, args.repeat)?;
        rows.push(Row {
            input: "generated law, plain text".into(),
            what: "lexharmony parse",
            bytes: plain_files[0].bytes.len(),
            timing,
            clauses: Some(clauses),
            baseline: None,
        });
        let plain_stages = time_stages(&plain_files[0], Format::Text, args.repeat)?;
        drop(plain_files);

        eprintln!("pulldown-cmark on generated Markdown {} times", args.repeat);
        let base = time_pulldown(&[md.as_str()], args.repeat);
        let base_rate = mb_per_s(md.len(), base.best);
        let md_files = [LoadedFile {
            path: PathBuf::from("generated-law.md"),
            bytes: md.into_bytes(),
        }];
        eprintln!("parsing generated Markdown {} times", args.repeat);
        let (timing, _, clauses) = time_parse(&md_files, None, args.repeat)?;
        rows.push(Row {
            input: "generated law, Markdown".into(),
            what: "pulldown-cmark alone",
            bytes: md_files[0].bytes.len(),
            timing: base,
            clauses: None,
            baseline: None,
        });
        rows.push(Row {
            input: "generated law, Markdown".into(),
            what: "lexharmony parse",
            bytes: md_files[0].bytes.len(),
            timing,
            clauses: Some(clauses),
            baseline: Some(base_rate),
        });
        let md_stages = time_stages(&md_files[0], Format::Markdown, args.repeat)?;
        stages = Some((plain_stages, md_stages));
    }

    println!(
        "Repeat {}; best and median of the runs; \"vs pulldown-cmark\" is our MB/s over \
         pulldown-cmark's on the same bytes.\n",
        args.repeat
    );
    print_table(&rows);

    if !largest.is_empty() {
        println!(
            "\nThe five largest corpus files (best of {} runs):\n",
            args.repeat
        );
        println!("| file | format | MB | best s | MB/s |");
        println!("|---|---|---:|---:|---:|");
        for (name, format, bytes, t) in &largest {
            println!(
                "| {} | {} | {:.2} | {:.4} | {:.1} |",
                name,
                format,
                *bytes as f64 / MB,
                t.as_secs_f64(),
                mb_per_s(*bytes, *t)
            );
        }
    }
    if let Some((plain, md)) = stages {
        println!(
            "\nWhere the time goes on the generated law (each stage timed alone, best of {} runs):\n",
            args.repeat
        );
        println!("| stage | plain text s | share | Markdown s | share |");
        println!("|---|---:|---:|---:|---:|");
        let total = |v: &[Stage]| v.last().map_or(Duration::ZERO, |s| s.time);
        let (tp, tm) = (total(&plain), total(&md));
        for (p, m) in plain.iter().zip(&md) {
            println!(
                "| {} | {:.3} | {:.0} % | {:.3} | {:.0} % |",
                p.name,
                p.time.as_secs_f64(),
                100.0 * p.time.as_secs_f64() / tp.as_secs_f64().max(1e-12),
                m.time.as_secs_f64(),
                100.0 * m.time.as_secs_f64() / tm.as_secs_f64().max(1e-12),
            );
        }
    }
    Ok(())
}

/// One stage of the parse, timed alone.
struct Stage {
    name: &'static str,
    time: Duration,
}

/// Best time of `f` over `repeat` runs; the result is dropped after the clock stops.
fn best_of<T>(repeat: u32, mut f: impl FnMut() -> T) -> Duration {
    (0..repeat)
        .map(|_| {
            let start = Instant::now();
            let out = black_box(f());
            let t = start.elapsed();
            drop(out);
            t
        })
        .min()
        .unwrap_or_default()
}

/// The stages of `parse_bytes` run one by one through the library's public functions: decode,
/// format detection, content hash, reader (of which `clean_text` on every line), structure detector
/// (of which `patterns::heading` on every line), and the whole `parse_bytes` for reference; the last
/// entry is the whole.
fn time_stages(file: &LoadedFile, format: Format, repeat: u32) -> anyhow::Result<Vec<Stage>> {
    use lexharmony::ingest::{decode, markdown, patterns, source, structure, text};
    use sha2::Digest;

    let path = &file.path;
    let bytes = &file.bytes;
    let (decoded, _) = decode::decode(path, bytes)?;
    let read = |t: &str| match format {
        Format::Markdown => markdown::read(t).0,
        _ => text::read_plain(t),
    };
    let lines = read(&decoded);
    let name = path.display().to_string();
    let conv = patterns::DocConventions::default();

    let mut out = vec![
        Stage {
            name: "decode (bytes to String)",
            time: best_of(repeat, || decode::decode(path, bytes)),
        },
        Stage {
            name: "format detection",
            time: best_of(repeat, || ingest::detect_format(path, &decoded)),
        },
        Stage {
            name: "content hash (SHA-256)",
            time: best_of(repeat, || sha2::Sha256::digest(bytes)),
        },
        Stage {
            name: "reader (text lines to SourceLine)",
            time: best_of(repeat, || read(&decoded)),
        },
        Stage {
            name: "&nbsp;&nbsp;of which `clean_text` on every raw line",
            time: best_of(repeat, || {
                decoded
                    .split('\n')
                    .map(source::clean_text)
                    .collect::<Vec<_>>()
            }),
        },
        Stage {
            name: "structure detector (`structure::detect`)",
            time: best_of(repeat, || structure::detect(&lines, &name)),
        },
        Stage {
            name: "&nbsp;&nbsp;of which `patterns::heading` on every line",
            time: best_of(repeat, || {
                lines
                    .iter()
                    .filter(|l| patterns::heading(&l.text, conv).is_some())
                    .count()
            }),
        },
    ];
    let whole = best_of(repeat, || ingest::parse_bytes(path, bytes, Some(format)));
    let parts: Duration = out
        .iter()
        .filter(|s| !s.name.starts_with("&nbsp;"))
        .map(|s| s.time)
        .sum();
    out.push(Stage {
        name: "rest (metadata inference, moves)",
        time: whole.saturating_sub(parts),
    });
    out.push(Stage {
        name: "**whole `parse_bytes`**",
        time: whole,
    });
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// The generated law. All sentences are our own writing, not law text.

const CHAPTER_TITLES: &[&str] = &[
    "ОБЩИЕ ПОЛОЖЕНИЯ О ТЕСТОВЫХ ДАННЫХ",
    "ПОРЯДОК ВЕДЕНИЯ ОБРАЗЦОВЫХ РЕЕСТРОВ",
    "ОБЯЗАННОСТИ УЧАСТНИКОВ ИСПЫТАНИЙ",
    "ЗАКЛЮЧИТЕЛЬНЫЕ ПОЛОЖЕНИЯ ИСПЫТАНИЯ",
];

const ARTICLE_TITLES: &[&str] = &[
    "Предмет настоящего образца",
    "Порядок учета условных записей",
    "Права держателя образцового реестра",
    "Обязанности оператора испытательного стенда",
    "Проверка полноты условных сведений",
];

const SENTENCES: &[&str] = &[
    "Оператор стенда ведет журнал условных записей и хранит его в течение срока испытания",
    "Держатель образцового реестра вправе запросить сведения о ходе проверки у оператора стенда",
    "Порядок сверки условных записей определяется уполномоченным органом по испытаниям",
    "Сведения, полученные при проверке, используются только для целей настоящего образца",
    "При выявлении расхождений оператор уведомляет держателя реестра в течение трех рабочих дней",
];

const POINT_PHRASES: &[&str] = &[
    "ведение журнала условных записей",
    "сверку сведений с образцовым реестром",
    "уведомление держателя о результатах проверки",
    "хранение копий отчетов об испытании",
];

const LETTER_PHRASES: &[&str] = &[
    "в электронной форме",
    "на бумажном носителе",
    "в ином виде, установленном оператором",
];

const LETTERS: &[&str] = &["а", "б", "в"];

/// One article (1 based number, optional inserted suffix): plain text lines and Markdown lines.
fn push_article(plain: &mut String, md: &mut String, num: &str, seq: usize) {
    use std::fmt::Write;
    let title = ARTICLE_TITLES[seq % ARTICLE_TITLES.len()];
    let _ = write!(plain, "Статья {num}. {title}\n\n");
    let _ = write!(md, "#### Статья {num}. {title}\n\n");
    let mut body = String::new();
    for part in 1..=3 {
        let s = SENTENCES[(seq + part) % SENTENCES.len()];
        let _ = write!(body, "      {part}. {s}.\n\n");
        if part == 2 {
            for point in 1..=4 {
                let p = POINT_PHRASES[(seq + point) % POINT_PHRASES.len()];
                let _ = write!(body, "      {point}) {p};\n\n");
                if point == 3 {
                    for (k, letter) in LETTERS.iter().enumerate() {
                        let l = LETTER_PHRASES[k % LETTER_PHRASES.len()];
                        let _ = write!(body, "      {letter}) {l};\n\n");
                    }
                }
            }
        }
    }
    if seq.is_multiple_of(3) {
        let _ = write!(
            body,
            "      Сноска. Статья {num} с изменением, внесенным условным актом от 01.02.2003 № {seq}-T \
             (вводится в действие по истечении десяти дней после его условного опубликования).\n\n"
        );
    }
    plain.push_str(&body);
    // Markdown: the same lines without the portal indent (four spaces would make code blocks).
    for line in body.split_inclusive('\n') {
        md.push_str(line.trim_start_matches(' '));
    }
}

/// A synthetic law of about `target` bytes, as plain portal text and as Markdown.
fn generate_law(target: usize) -> (String, String) {
    use std::fmt::Write;
    let mut plain = String::with_capacity(target + 4096);
    let mut md = String::with_capacity(target + 4096);
    plain.push_str("ЗАКОН ОБ ОБРАЗЦОВЫХ ИСПЫТАНИЯХ\n\n");
    plain
        .push_str("Настоящий образец определяет условные правила для проверки разбора текста.\n\n");
    md.push_str("---\ncountry: ru\ntitle: Об образцовых испытаниях\nlang: rus\n---\n\n");
    md.push_str("# Об образцовых испытаниях\n\n");
    md.push_str("Настоящий образец определяет условные правила для проверки разбора текста.\n\n");
    let mut article = 0usize;
    let mut chapter = 0usize;
    while plain.len() < target {
        chapter += 1;
        let title = CHAPTER_TITLES[chapter % CHAPTER_TITLES.len()];
        let _ = write!(plain, "Глава {chapter}. {title}\n\n");
        let _ = write!(md, "### Глава {chapter}. {title}\n\n");
        for k in 0..10 {
            article += 1;
            push_article(&mut plain, &mut md, &article.to_string(), article);
            // Every fourth article gets an inserted one after it (7-1).
            if k % 4 == 3 {
                push_article(&mut plain, &mut md, &format!("{article}-1"), article + 1);
            }
        }
    }
    (plain, md)
}
