//! The `lexharmony` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use lexharmony::export::analyses::{AnalysisDataset, AnalysisFormat};
use lexharmony::ingest::{self, Format};
use lexharmony::library::{self, Library};
use lexharmony::search::{self, Engine, SearchRequest};

/// Compare and harmonize the cybersecurity legislation of the CSTO member states.
#[derive(Parser)]
#[command(name = "lexharmony", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Parse one law file and print its clause tree (an outline, or JSON with --json).
    Parse {
        /// The file: Markdown, plain text, scraper text, JSON tree or a saved web page (MHTML/HTML).
        file: PathBuf,
        /// Read the file as this format instead of detecting it.
        #[arg(long, value_parser = parse_format)]
        format: Option<Format>,
        /// Print one JSON object: {"law", "clauses", "blocks", "diagnostics"}.
        #[arg(long)]
        json: bool,
        /// In the outline, show the first words of each clause's text.
        #[arg(long)]
        text: bool,
    },
    /// Build the search index from the bundled corpus/ plus the given files or folders, and swap it in.
    Ingest {
        /// Official texts to add (files or folders).
        paths: Vec<PathBuf>,
        #[command(flatten)]
        index: IndexArg,
        /// The bundled corpus folder.
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Leave the bundled corpus out.
        #[arg(long)]
        no_corpus: bool,
        /// Any bad file aborts the build; the current index stays as it is.
        #[arg(long)]
        strict: bool,
    },
    /// What the knowledge base holds: per state and law, articles, digests, editions.
    Stats {
        /// Read the laws from the index instead of parsing the corpus.
        #[arg(long)]
        from_index: bool,
        #[command(flatten)]
        index: IndexArg,
        /// The bundled corpus folder.
        #[arg(long)]
        corpus: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Search the clauses of every state.
    Search {
        /// The query: words, "phrases", "a b"~3, AND OR NOT, state:kz, law:418-v, heading:..., adopted:2015..2020, inforce:2024-01-01.
        query: String,
        /// Only these states (comma-separated: kz,by).
        #[arg(long, value_delimiter = ',')]
        state: Vec<String>,
        /// Only these laws (numbers or URIs, comma-separated).
        #[arg(long, value_delimiter = ',')]
        law: Vec<String>,
        #[arg(long, default_value_t = 10)]
        limit: usize,
        #[arg(long, default_value_t = 0)]
        offset: usize,
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        index: IndexArg,
    },
    /// Export the clause dataset with a manifest.json (schema: docs/dataset.md).
    Export {
        /// The clause table: jsonl, csv, parquet, akn (one Akoma Ntoso XML document per law
        /// expression) or ndjson (OpenSearch _bulk with pre-analysed text, and the index
        /// configuration). The analyses (--dataset gaps|definitions|concordance): csv or json.
        #[arg(long)]
        format: String,
        /// clauses (the default), gaps, definitions or concordance (with --instrument).
        #[arg(long, default_value = "clauses")]
        dataset: String,
        /// The reference instrument of a concordance export (csto, budapest, cis-2013, cis-2018,
        /// nis2, or a number or URI).
        #[arg(long)]
        instrument: Option<String>,
        /// A file (its manifest is FILE.manifest.json) or a folder (DIR/clauses.EXT and
        /// DIR/manifest.json; akn and ndjson always write into a folder).
        #[arg(long)]
        out: PathBuf,
        /// Only these states (comma-separated: kz,by).
        #[arg(long, value_delimiter = ',')]
        state: Vec<String>,
        /// Only these laws: numbers, work or expression URIs (comma-separated).
        #[arg(long, value_delimiter = ',')]
        law: Vec<String>,
        /// CSV: start with a UTF-8 byte order mark, so that Excel reads the file as UTF-8.
        #[arg(long)]
        bom: bool,
        /// The bundled corpus folder.
        #[arg(long)]
        corpus: Option<PathBuf>,
        /// Export the laws of the search index (the corpus and ingested official texts) instead of
        /// parsing the corpus.
        #[arg(long)]
        from_index: bool,
        #[command(flatten)]
        index: IndexArg,
    },
    /// Compare laws side by side: each article of the first with its counterparts in the others
    /// (by shared stems across states; by number for two language editions of one law; added,
    /// removed, renumbered and changed articles for two editions of one law).
    Compare {
        /// Two to six laws: expression URIs as in the index (/akn/kz/act/...), or files to parse.
        #[arg(required = true, num_args = 2..)]
        laws: Vec<String>,
        /// Only articles on this framework topic (an id of framework/framework.toml, e.g.
        /// pd-lawful-basis-consent).
        #[arg(long)]
        topic: Option<String>,
        /// Print one JSON object, the shape of /api/compare (docs/compare.md).
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        index: IndexArg,
    },
    /// The gap matrix: every member state against the framework's topics (covered / partial / not
    /// found / no text), gaps per state, harmonization index per pair, spread of key values.
    Gaps {
        /// Only these states (comma-separated: kz,by); one state prints its cells with evidence.
        #[arg(long, value_delimiter = ',')]
        state: Vec<String>,
        #[arg(long)]
        json: bool,
        /// RFC 4180 CSV, one row per state and topic.
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        #[command(flatten)]
        source: GapsSource,
    },
    /// Classify a law file that is not in the index: each clause's eid and topics with confidence;
    /// or, with --evaluate, measure precision and recall against labelled clauses.
    Topics {
        /// The file to classify (any format `parse` reads).
        #[arg(required_unless_present = "evaluate")]
        file: Option<PathBuf>,
        #[arg(long)]
        json: bool,
        /// A labels file (tests/expected/topic-labels.toml): print precision and recall.
        #[arg(long)]
        evaluate: Option<PathBuf>,
        /// The folder the labels' file paths are relative to.
        #[arg(long, default_value = "../shared/corpus-real")]
        root: PathBuf,
    },
    /// The definitions table: terms defined in definitions articles, per state, grouped, with diffs.
    Definitions {
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        source: GapsSource,
    },
    /// The concordance of a reference instrument (csto, budapest, cis-2013, cis-2018, nis2, or a
    /// number or URI): provision -> national provisions per state, grade, evidence.
    Concordance {
        instrument: String,
        /// The edition to show (rus, eng); Russian when there is one.
        #[arg(long)]
        lang: Option<String>,
        #[arg(long)]
        json: bool,
        #[arg(long, conflicts_with = "json")]
        csv: bool,
        #[command(flatten)]
        source: GapsSource,
    },
    /// Serve the web UI and the JSON API (builds the index from the bundled corpus first if there is none).
    Serve {
        /// The address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: std::net::SocketAddr,
        #[command(flatten)]
        index: IndexArg,
    },
}

/// Where the gap commands read the laws from.
#[derive(clap::Args)]
struct GapsSource {
    /// The bundled corpus folder (its overrides.toml is applied).
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Read the laws from the index instead of parsing the corpus.
    #[arg(long)]
    from_index: bool,
    #[command(flatten)]
    index: IndexArg,
}

impl GapsSource {
    fn get(self) -> lexharmony::gaps::cli::Source {
        lexharmony::gaps::cli::Source {
            corpus: self.corpus,
            index: self.from_index.then_some(self.index.index),
        }
    }
}

#[derive(clap::Args)]
struct IndexArg {
    /// The index folder.
    #[arg(long, default_value = "index")]
    index: PathBuf,
}

fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Ingest {
            paths,
            index,
            corpus,
            no_corpus,
            strict,
        } => ingest_command(paths, &index.index, corpus, no_corpus, strict),
        Command::Stats {
            from_index,
            index,
            corpus,
            json,
        } => {
            let laws = if from_index {
                Engine::open(&index.index)?.laws().to_vec()
            } else {
                let lib = Library::load(&[corpus.unwrap_or_else(library::default_corpus_dir)]);
                for bad in &lib.bad {
                    eprintln!("error: {}", bad.error);
                }
                lib.laws
            };
            let stats = lexharmony::stats::corpus_stats(&laws);
            if json {
                println!("{}", serde_json::to_string_pretty(&stats)?);
            } else {
                print!("{}", lexharmony::stats::render_table(&stats));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search {
            query,
            state,
            law,
            limit,
            offset,
            json,
            index,
        } => {
            let engine = Engine::open(&index.index)?;
            let req = SearchRequest {
                q: query,
                states: state,
                laws: law,
                limit,
                offset,
                exhaustive: false,
            };
            let results = match engine.search(&req) {
                Ok(r) => r,
                Err(e) if e.is_user_error() => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::from(2));
                }
                Err(e) => return Err(e.into()),
            };
            if json {
                println!("{}", serde_json::to_string_pretty(&results)?);
            } else {
                print_results(&results);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Gaps {
            state,
            json,
            csv,
            source,
        } => lexharmony::gaps::cli::gaps(&source.get(), &state, json, csv).map(ExitCode::from),
        Command::Topics {
            file,
            json,
            evaluate,
            root,
        } => match (evaluate, file) {
            (Some(labels), _) => lexharmony::gaps::cli::evaluate(&labels, &root, json),
            (None, Some(file)) => lexharmony::gaps::cli::topics(&file, json),
            (None, None) => Ok(2),
        }
        .map(ExitCode::from),
        Command::Definitions { json, source } => {
            lexharmony::gaps::cli::definitions(&source.get(), json).map(ExitCode::from)
        }
        Command::Concordance {
            instrument,
            lang,
            json,
            csv,
            source,
        } => lexharmony::gaps::cli::concordance(
            &source.get(),
            &instrument,
            lang.as_deref(),
            json,
            csv,
        )
        .map(ExitCode::from),
        Command::Serve { addr, index } => serve_command(addr, &index.index),
        Command::Compare {
            laws,
            topic,
            json,
            index,
        } => compare_command(&laws, topic, json, &index.index),
        Command::Export {
            format,
            dataset,
            instrument,
            out,
            state,
            law,
            bom,
            corpus,
            from_index,
            index,
        } => {
            let corpus = corpus.unwrap_or_else(library::default_corpus_dir);
            let index_dir = from_index.then_some(index.index.as_path());
            if dataset != "clauses" {
                let dataset = AnalysisDataset::parse(&dataset, instrument.as_deref())
                    .map_err(anyhow::Error::msg)?;
                let format: AnalysisFormat = format.parse().map_err(anyhow::Error::msg)?;
                if !state.is_empty() || !law.is_empty() || bom {
                    anyhow::bail!("--state, --law and --bom apply to the clause table only");
                }
                return export_analysis_command(&dataset, format, &out, index_dir, &corpus);
            }
            let format: lexharmony::export::Format = format.parse().map_err(anyhow::Error::msg)?;
            let opts = lexharmony::export::ExportOptions {
                format,
                filter: lexharmony::export::Filter {
                    states: state,
                    laws: law,
                },
                bom,
                source_root: corpus.parent().map(std::path::Path::to_path_buf),
                topics: None,
            };
            export_command(&opts, &out, index_dir, &corpus)
        }
        Command::Parse {
            file,
            format,
            json,
            text,
        } => {
            let law = ingest::parse_file(&file, format)?;
            if json {
                let out = serde_json::to_string_pretty(&law).context("serialising the parse")?;
                println!("{out}");
            } else {
                print!("{}", ingest::outline::outline(&law, text));
            }
            Ok(if law.has_errors() {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// Export the corpus (or the index's laws) as `opts` says; bad corpus files are named and make
/// the exit code 1, the good ones are exported.
/// The laws to export: the index's, or the corpus parsed now (bad files reported and counted).
fn export_laws(
    index_dir: Option<&std::path::Path>,
    corpus: &std::path::Path,
) -> anyhow::Result<(Vec<lexharmony::library::StoredLaw>, usize)> {
    Ok(match index_dir {
        Some(dir) => (Engine::open(dir)?.laws().to_vec(), 0),
        None => {
            let lib = Library::load(&[corpus.to_path_buf()]);
            for bad in &lib.bad {
                eprintln!("error: {}", bad.error);
            }
            (lib.laws, lib.bad.len())
        }
    })
}

fn export_analysis_command(
    dataset: &AnalysisDataset,
    format: AnalysisFormat,
    out: &std::path::Path,
    index_dir: Option<&std::path::Path>,
    corpus: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let (laws, bad) = export_laws(index_dir, corpus)?;
    let overrides = lexharmony::gaps::overrides_for(Some(corpus))?;
    let analysis = lexharmony::gaps::Analysis::new(&laws, &overrides);
    for p in &analysis.problems {
        eprintln!("warning: {p}");
    }
    let manifest = lexharmony::export::analyses::export_analysis_to_path(
        dataset, format, &analysis, &laws, out,
    )?;
    println!(
        "{} {format}: {} rows from {} law editions; {}",
        dataset.name(),
        manifest.counts.rows.unwrap_or(0),
        manifest.counts.laws,
        manifest
            .files
            .iter()
            .map(|f| format!("{} ({} bytes)", f.path, f.bytes))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn export_command(
    opts: &lexharmony::export::ExportOptions,
    out: &std::path::Path,
    index_dir: Option<&std::path::Path>,
    corpus: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let (laws, bad) = export_laws(index_dir, corpus)?;
    // The topics column comes from the gap analysis of the same laws (with the corpus overrides).
    let overrides = lexharmony::gaps::overrides_for(Some(corpus))?;
    let analysis = lexharmony::gaps::Analysis::new(&laws, &overrides);
    let opts = &lexharmony::export::ExportOptions {
        topics: Some(analysis.topics.clone()),
        ..opts.clone()
    };
    let manifest = lexharmony::export::export_to_path(&laws, opts, out)?;
    let layout = lexharmony::export::Layout::of(opts.format, out);
    println!(
        "{}: {} clauses of {} law editions in {} file(s) under {}; manifest {}",
        opts.format,
        manifest.counts.clauses,
        manifest.counts.laws,
        manifest.counts.files,
        layout
            .folder
            .as_deref()
            .or(out.parent())
            .unwrap_or(out)
            .display(),
        layout.manifest.display()
    );
    let mut reasons = std::collections::BTreeMap::new();
    for s in &manifest.skipped {
        *reasons.entry(s.reason.as_str()).or_insert(0) += 1;
    }
    for (reason, n) in reasons {
        println!("left out {n} law edition(s): {reason} (listed in the manifest)");
    }
    if manifest.counts.clauses == 0 {
        eprintln!("warning: the filters selected no clause");
    }
    Ok(if bad > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Build the index if there is none (as `ingest` does, from the bundled corpus), then serve.
fn serve_command(
    addr: std::net::SocketAddr,
    index_dir: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    let engine = match Engine::open(index_dir) {
        Ok(engine) => engine,
        Err(e @ (search::SearchError::NoIndex { .. } | search::SearchError::Stale { .. })) => {
            eprintln!("{e}");
            eprintln!(
                "building the index from the bundled corpus (texts you ingested before need \
                 `lexharmony ingest PATH ...` again)"
            );
            ingest_command(Vec::new(), index_dir, None, false, false)?;
            Engine::open(index_dir)?
        }
        Err(e) => return Err(e.into()),
    };
    let state = lexharmony::web::AppState::new(std::sync::Arc::new(engine));
    // The gap analysis is computed once, before the first request.
    let started = std::time::Instant::now();
    let gaps = state.gaps();
    eprintln!(
        "gap analysis: {} laws classified in {:.2}s",
        gaps.topics.len(),
        started.elapsed().as_secs_f64()
    );
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}"))?;
        let local = listener.local_addr()?;
        println!("lexharmony serving on http://{local}/ (Ctrl-C to stop)");
        lexharmony::web::serve_on(listener, state).await?;
        anyhow::Ok(())
    })?;
    Ok(ExitCode::SUCCESS)
}

fn ingest_command(
    paths: Vec<PathBuf>,
    index_dir: &std::path::Path,
    corpus: Option<PathBuf>,
    no_corpus: bool,
    strict: bool,
) -> anyhow::Result<ExitCode> {
    let mut inputs = Vec::new();
    if !no_corpus {
        inputs.push(corpus.unwrap_or_else(library::default_corpus_dir));
    }
    inputs.extend(paths);
    let lib = Library::load(&inputs);
    for bad in &lib.bad {
        eprintln!("error: {}", bad.error);
    }
    if strict && !lib.bad.is_empty() {
        eprintln!(
            "{} bad file(s) and --strict: nothing changed; the current index stays",
            lib.bad.len()
        );
        return Ok(ExitCode::from(1));
    }
    let terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut last_shown = std::time::Instant::now();
    let mut progress = |done: usize, total: usize| {
        if terminal {
            let width = 30;
            let filled = (done * width).checked_div(total).unwrap_or(width);
            eprint!(
                "\rindexing [{}{}] {done}/{total} clauses",
                "#".repeat(filled),
                " ".repeat(width - filled)
            );
            if done == total {
                eprintln!();
            }
        } else if done == total || last_shown.elapsed().as_secs() >= 2 {
            eprintln!("indexed {done}/{total} clauses");
            last_shown = std::time::Instant::now();
        }
    };
    let report = search::index::build(index_dir, &lib, &mut progress)?;
    println!(
        "index {} built in {:.2}s: {} laws, {} clauses",
        index_dir.join(&report.generation).display(),
        report.seconds,
        report.laws,
        report.clauses
    );
    println!("{:<8} {:>5} {:>8}", "state", "laws", "clauses");
    for (state, laws) in lib.by_state() {
        let clauses: usize = laws.iter().map(|l| l.clauses.len()).sum();
        println!("{state:<8} {:>5} {clauses:>8}", laws.len());
    }
    let mut counts = std::collections::BTreeMap::new();
    for law in &lib.laws {
        for d in &law.diagnostics {
            *counts
                .entry(format!("{:?}", d.severity).to_lowercase())
                .or_insert(0) += 1;
        }
    }
    println!("diagnostics: {counts:?}");
    if !lib.bad.is_empty() {
        println!(
            "{} bad file(s), named above; the good ones were indexed",
            lib.bad.len()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Laws given as files are parsed; the others are looked up in the index (opened once, if needed).
fn compare_command(
    args: &[String],
    topic: Option<String>,
    json: bool,
    index_dir: &std::path::Path,
) -> anyhow::Result<ExitCode> {
    use lexharmony::compare::{self, CompareOptions};
    use lexharmony::library::StoredLaw;
    let mut parsed: Vec<Option<StoredLaw>> = Vec::new();
    for a in args {
        let path = std::path::Path::new(a);
        parsed.push(if path.is_file() {
            Some(ingest::parse_file(path, None)?.into())
        } else {
            None
        });
    }
    let engine = if parsed.iter().any(Option::is_none) {
        Some(Engine::open(index_dir)?)
    } else {
        None
    };
    let mut laws: Vec<&StoredLaw> = Vec::new();
    for (a, p) in args.iter().zip(&parsed) {
        match p
            .as_ref()
            .or_else(|| engine.as_ref().and_then(|e| e.law(a)))
        {
            Some(l) => laws.push(l),
            None => {
                eprintln!(
                    "error: unknown law: {a} (neither a file nor an expression URI in {})",
                    index_dir.display()
                );
                return Ok(ExitCode::from(2));
            }
        }
    }
    // Topics of the laws (shared topics in the reasons, `--topic`): classified here, with the
    // bundled corpus's reviewer overrides.
    let overrides =
        lexharmony::gaps::overrides_for(Some(&lexharmony::library::default_corpus_dir()))
            .unwrap_or_else(|e| {
                eprintln!("warning: {e}; topics without overrides");
                Default::default()
            });
    let topics = lexharmony::gaps::article_topics(&laws, &Default::default(), &overrides);
    let opts = CompareOptions {
        topic,
        topics: Some(std::sync::Arc::new(topics)),
        ..CompareOptions::default()
    };
    let c = match compare::compare(&laws, &opts) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&c)?);
    } else {
        print!("{}", compare::report::render_text(&c));
    }
    Ok(ExitCode::SUCCESS)
}

fn print_results(results: &search::SearchResults) {
    let at_least = if results.total_exact { "" } else { "at least " };
    println!("{at_least}{} clauses match", results.total);
    let per_state: Vec<String> = results
        .by_state
        .iter()
        .map(|(s, &n)| {
            format!(
                "{s}: {n}{}",
                if n == results.count_limit { "+" } else { "" }
            )
        })
        .collect();
    if !per_state.is_empty() {
        println!("by state: {}", per_state.join(", "));
    }
    for hit in &results.hits {
        let snippet = strip_marks(&hit.snippet_html);
        println!(
            "\n[{}] {} — {} {} {}{}\n  {}\n  {}",
            hit.state,
            hit.law_title,
            hit.label,
            hit.num,
            hit.heading.as_deref().unwrap_or(""),
            if hit.digest { " (digest)" } else { "" },
            hit.permalink,
            snippet
        );
    }
}

/// The snippet for a terminal: matches in brackets, entities decoded.
fn strip_marks(html: &str) -> String {
    html.replace("<mark>", "[")
        .replace("</mark>", "]")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}
