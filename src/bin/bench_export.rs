//! Export benchmark, run as a command (never as a timed test):
//!
//! ```sh
//! cargo run --release --bin bench_export -- [--sizes 100000,1000000] [--formats jsonl,parquet] [--keep DIR]
//! ```
//!
//! For each size and format a child process (this binary, `one ...`) generates a synthetic corpus
//! and exports it through `lexharmony::export::write_table` into a file, so that each run's peak
//! memory (`VmHWM` from `/proc/self/status`) is its own. The corpus is generated one law of 1,000
//! clauses at a time, in URI order, from the bundled `corpus/`: its vocabulary (every word of
//! every clause text) and its distribution of clause lengths (words per clause); the structure
//! cycles chapters, articles, parts and points, with headings. Nothing but the law being exported
//! is in memory, so a flat peak as the size grows shows the export streams.
//!
//! A run with format `none` generates the same laws without exporting them: its time is
//! subtracted to give the export's own throughput (clauses/s, and MB/s of the file written), and
//! its peak is the baseline. Times are wall-clock, single-threaded. MB is 10^6 bytes. The output
//! is Markdown for BENCHMARKS.md (progress goes to stderr).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command as Process;
use std::time::Instant;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};

use lexharmony::export::{self, ExportOptions, Format};
use lexharmony::library::{self, Library, StoredLaw};
use lexharmony::model::{self, Clause, ClauseKind, LawMeta, Status};

/// Export throughput and peak memory on a large generated corpus.
#[derive(Parser)]
#[command(name = "bench_export")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Clause counts to run (comma-separated).
    #[arg(long, value_delimiter = ',', default_value = "100000,1000000")]
    sizes: Vec<usize>,
    /// Formats to run (comma-separated): jsonl, csv, parquet, ndjson.
    #[arg(long, value_delimiter = ',', default_value = "jsonl,parquet")]
    formats: Vec<String>,
    /// Keep the exported files in this folder (default: a temporary folder, removed after each run).
    #[arg(long)]
    keep: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// One run (what the parent spawns): generate `clauses` clauses and export them as `format`
    /// (`none`: generate only) into `out`; prints one JSON line of figures.
    One {
        #[arg(long)]
        clauses: usize,
        #[arg(long)]
        format: String,
        #[arg(long)]
        out: PathBuf,
    },
}

/// Clauses per generated law.
const LAW_CLAUSES: usize = 1000;

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
struct Figures {
    format: String,
    clauses: usize,
    text_bytes: u64,
    out_bytes: u64,
    seconds: f64,
    peak_kb: u64,
    baseline_kb: u64,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::One {
            clauses,
            format,
            out,
        }) => {
            let f = one(clauses, &format, &out)?;
            println!("{}", serde_json::to_string(&f)?);
            Ok(())
        }
        None => parent(&cli),
    }
}

fn parent(cli: &Cli) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("finding this binary")?;
    let tmp = std::env::temp_dir().join(format!("lexharmony-bench-export-{}", std::process::id()));
    let dir = cli.keep.clone().unwrap_or(tmp);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    for f in &cli.formats {
        if f.parse::<Format>().is_err() || f == "akn" {
            bail!("format {f}: expected jsonl, csv, parquet or ndjson");
        }
    }
    let mut rows: Vec<(Figures, Option<Figures>)> = Vec::new();
    for &n in &cli.sizes {
        let base = run_child(&exe, n, "none", &dir)?;
        eprintln!("generated {n} clauses in {:.2}s", base.seconds);
        rows.push((base.clone(), None));
        for f in &cli.formats {
            let fig = run_child(&exe, n, f, &dir)?;
            eprintln!("{f}: {n} clauses in {:.2}s", fig.seconds);
            rows.push((fig, Some(base.clone())));
        }
    }
    if cli.keep.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    print_report(&rows);
    Ok(())
}

fn run_child(exe: &Path, clauses: usize, format: &str, dir: &Path) -> anyhow::Result<Figures> {
    let out = dir.join(format!("clauses-{clauses}.{format}"));
    let output = Process::new(exe)
        .args([
            "one",
            "--clauses",
            &clauses.to_string(),
            "--format",
            format,
            "--out",
        ])
        .arg(&out)
        .output()
        .context("running a child")?;
    if !output.status.success() {
        bail!(
            "child {format} {clauses} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let figures = serde_json::from_slice(&output.stdout).context("reading the child's figures")?;
    let _ = std::fs::remove_file(&out);
    Ok(figures)
}

fn print_report(rows: &[(Figures, Option<Figures>)]) {
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "Machine: {cpu}, {cores} cores; load average at the end: {}",
        load.split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ")
    );
    println!();
    println!("| format | clauses | clause text MB | file MB | export s | clauses/s | MB/s (text in) | MB/s (file out) | peak RSS MB | baseline RSS MB |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (f, base) in rows {
        let mb = |b: u64| b as f64 / 1e6;
        let (secs, label) = match base {
            Some(b) => ((f.seconds - b.seconds).max(1e-9), f.format.clone()),
            None => (f.seconds, "(generate only)".to_string()),
        };
        let rate = if base.is_some() {
            format!("{:.0}", f.clauses as f64 / secs)
        } else {
            format!("({:.0})", f.clauses as f64 / secs)
        };
        let (text_mbps, mbps) = if base.is_some() {
            (
                format!("{:.1}", mb(f.text_bytes) / secs),
                format!("{:.1}", mb(f.out_bytes) / secs),
            )
        } else {
            ("—".into(), "—".into())
        };
        println!(
            "| {label} | {} | {:.0} | {} | {:.2} | {rate} | {text_mbps} | {mbps} | {:.0} | {:.0} |",
            f.clauses,
            mb(f.text_bytes),
            if base.is_some() {
                format!("{:.0}", mb(f.out_bytes))
            } else {
                "—".into()
            },
            secs,
            f.peak_kb as f64 / 1024.0,
            f.baseline_kb as f64 / 1024.0,
        );
    }
}

/// Peak resident set (VmHWM) of this process, in kB.
fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

fn one(clauses: usize, format: &str, out: &Path) -> anyhow::Result<Figures> {
    let gen = Generator::from_corpus(&library::default_corpus_dir())?;
    let baseline_kb = peak_kb();
    let laws = clauses.div_ceil(LAW_CLAUSES);
    let mut text_bytes = 0u64;
    let started = Instant::now();
    let out_bytes = if format == "none" {
        for i in 0..laws {
            let law = gen.law(i, LAW_CLAUSES.min(clauses - i * LAW_CLAUSES));
            text_bytes += law.clauses.iter().map(|c| c.text.len() as u64).sum::<u64>();
            std::hint::black_box(&law);
        }
        0
    } else {
        let format: Format = format.parse().map_err(anyhow::Error::msg)?;
        let file =
            std::fs::File::create(out).with_context(|| format!("creating {}", out.display()))?;
        let mut w = export::manifest::HashingWriter::new(std::io::BufWriter::with_capacity(
            256 * 1024,
            file,
        ));
        let iter = (0..laws).map(|i| {
            let law = gen.law(i, LAW_CLAUSES.min(clauses - i * LAW_CLAUSES));
            text_bytes += law.clauses.iter().map(|c| c.text.len() as u64).sum::<u64>();
            law
        });
        let summary = export::write_table(iter, &ExportOptions::new(format), &mut w)?;
        w.flush()?;
        if summary.clauses != clauses {
            bail!("exported {} clauses, expected {clauses}", summary.clauses);
        }
        w.bytes()
    };
    let seconds = started.elapsed().as_secs_f64();
    Ok(Figures {
        format: format.to_string(),
        clauses,
        text_bytes,
        out_bytes,
        seconds,
        peak_kb: peak_kb(),
        baseline_kb,
    })
}

/// Laws made of the bundled corpus's words, deterministic for a law's number.
struct Generator {
    words: Vec<String>,
    /// Words per clause of the corpus's clauses (sampled for each generated clause).
    lengths: Vec<usize>,
    headings: Vec<String>,
}

impl Generator {
    fn from_corpus(dir: &Path) -> anyhow::Result<Generator> {
        let lib = Library::load(&[dir.to_path_buf()]);
        let mut words = Vec::new();
        let mut lengths = Vec::new();
        let mut headings = Vec::new();
        for law in &lib.laws {
            for c in &law.clauses {
                let n = c.text.split_whitespace().count();
                if n > 0 {
                    lengths.push(n);
                }
                words.extend(c.text.split_whitespace().map(str::to_string));
                if let Some(h) = &c.heading {
                    headings.push(h.clone());
                }
            }
        }
        words.sort();
        words.dedup();
        if words.is_empty() || lengths.is_empty() || headings.is_empty() {
            bail!("{}: no clause text to take words from", dir.display());
        }
        Ok(Generator {
            words,
            lengths,
            headings,
        })
    }

    fn law(&self, i: usize, clauses: usize) -> StoredLaw {
        let mut rng =
            XorShift(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9));
        let number = format!("gen-{i:06}");
        let work = model::work_uri("zz", "act", "2020-01-01", &number);
        let uri = model::expression_uri(&work, "rus", Some("2024-01-01"));
        let mut out = Vec::with_capacity(clauses);
        let (mut chp, mut art, mut para, mut point) = (0, 0, 0, 0);
        let mut chapter_eid = String::new();
        let mut article_eid = String::new();
        let mut para_eid = String::new();
        while out.len() < clauses {
            // Every 60 clauses a chapter, every 6 an article with two parts, each with one or two points.
            let k = out.len() % 60;
            let (kind, num, parent) = if k == 0 {
                chp += 1;
                (ClauseKind::Chapter, chp, None)
            } else if k % 6 == 1 {
                art += 1;
                para = 0;
                (ClauseKind::Article, art, Some(chapter_eid.clone()))
            } else if k % 6 == 2 || k % 6 == 4 {
                para += 1;
                point = 0;
                (ClauseKind::Para, para, Some(article_eid.clone()))
            } else {
                point += 1;
                (ClauseKind::Point, point, Some(para_eid.clone()))
            };
            let eid = model::join_eid(parent.as_deref(), &model::eid_part(kind, &num.to_string()));
            match kind {
                ClauseKind::Chapter => chapter_eid = eid.clone(),
                ClauseKind::Article => article_eid = eid.clone(),
                ClauseKind::Para => para_eid = eid.clone(),
                _ => {}
            }
            let n = self.lengths[rng.below(self.lengths.len())];
            let mut text = String::with_capacity(n * 9);
            for w in 0..n {
                if w > 0 {
                    text.push(' ');
                }
                text.push_str(&self.words[rng.below(self.words.len())]);
            }
            let heading = matches!(kind, ClauseKind::Chapter | ClauseKind::Article)
                .then(|| self.headings[rng.below(self.headings.len())].clone());
            out.push(Clause {
                eid,
                kind,
                num: num.to_string(),
                label: match kind {
                    ClauseKind::Chapter => "Глава".into(),
                    ClauseKind::Article => "Статья".into(),
                    _ => String::new(),
                },
                heading,
                text: if kind == ClauseKind::Chapter {
                    String::new()
                } else {
                    text
                },
                status: Status::InForce,
                line_start: out.len() + 1,
                line_end: out.len() + 1,
                parent,
                own_lines: Vec::new(),
            });
        }
        StoredLaw {
            law: LawMeta {
                country: Some("zz".into()),
                doc_type: Some("act".into()),
                number: Some(number),
                title: Some(format!("Сгенерированный закон {i}")),
                lang: Some("rus".into()),
                adopted: Some("2020-01-01".into()),
                edition: Some("2024-01-01".into()),
                source_file: Some(format!("generated/{i}.md")),
                content_hash: Some(format!("{i:064x}")),
                uri: Some(uri),
                extra: [("text".to_string(), "digest".to_string())].into(),
                ..LawMeta::default()
            },
            clauses: out,
            blocks: Vec::new(),
            diagnostics: Vec::new(),
        }
    }
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}
