//! The gap-analysis commands of the CLI (`gaps`, `topics`, `definitions`, `concordance`), kept in
//! the library so `main.rs` stays a thin dispatcher. Each returns the process exit code: 0, 1 for
//! bad input files, 2 for a user mistake (unknown state or instrument).

use std::path::{Path, PathBuf};

use super::{evaluate, matrix, report, Analysis};
use crate::ingest;
use crate::library::{self, Library, StoredLaw};
use crate::search::Engine;

/// Where the laws come from: the corpus folder (parsed), or the search index.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub corpus: Option<PathBuf>,
    /// Read the laws of this index instead of parsing the corpus.
    pub index: Option<PathBuf>,
}

/// The laws and the analysis over them; bad corpus files are named on stderr.
pub fn load(source: &Source) -> anyhow::Result<(Vec<StoredLaw>, Analysis, bool)> {
    let corpus = source
        .corpus
        .clone()
        .unwrap_or_else(library::default_corpus_dir);
    let (laws, bad) = match &source.index {
        Some(dir) => (Engine::open(dir)?.laws().to_vec(), false),
        None => {
            let lib = Library::load(std::slice::from_ref(&corpus));
            for b in &lib.bad {
                eprintln!("error: {}", b.error);
            }
            let bad = !lib.bad.is_empty();
            (lib.laws, bad)
        }
    };
    let overrides = super::overrides_for(Some(&corpus))?;
    let analysis = Analysis::new(&laws, &overrides);
    for p in &analysis.problems {
        eprintln!("warning: {p}");
    }
    Ok((laws, analysis, bad))
}

fn code(bad: bool) -> u8 {
    u8::from(bad)
}

/// `lexharmony gaps [--state ..] [--json|--csv]`.
pub fn gaps(source: &Source, states: &[String], json: bool, csv: bool) -> anyhow::Result<u8> {
    let (_, a, bad) = load(source)?;
    let states: Vec<String> = states
        .iter()
        .map(|s| s.trim().to_lowercase())
        .filter(|s| !s.is_empty())
        .collect();
    for s in &states {
        if !a.matrix.states.contains(s) {
            eprintln!(
                "error: unknown state {s:?}: one of {}",
                a.matrix.states.join(", ")
            );
            return Ok(2);
        }
    }
    let m = if states.is_empty() {
        a.matrix.clone()
    } else {
        a.matrix.only_states(&states)
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&m)?);
    } else if csv {
        print!("{}", matrix::to_csv(&m, a.framework));
    } else if states.len() == 1 {
        print!("{}", report::state_detail(&m, a.framework, &states[0]));
        if let Some(s) = m.summaries.first() {
            println!(
                "\n{}: {} covered, {} partial, {} not found, {} no text",
                s.state, s.covered, s.partial, s.not_found, s.no_text
            );
            println!(
                "gaps (not found in the texts held): {}",
                if s.gaps.is_empty() {
                    "none".into()
                } else {
                    s.gaps.join(", ")
                }
            );
        }
        for p in a
            .matrix
            .pairs
            .iter()
            .filter(|p| p.a == states[0] || p.b == states[0])
        {
            let v = p
                .index
                .map_or("undefined".to_string(), |x| format!("{x:.3}"));
            println!("harmonization index {}-{}: {v}", p.a, p.b);
        }
    } else {
        print!("{}", report::matrix(&m, a.framework));
    }
    Ok(code(bad))
}

/// `lexharmony topics FILE [--json]`: classify a file that is not in the index.
pub fn topics(file: &Path, json: bool) -> anyhow::Result<u8> {
    let parsed = ingest::parse_file(file, None)?;
    let law: StoredLaw = parsed.into();
    let fw = super::framework::Framework::bundled();
    let classifier = super::classify::Classifier::new(fw);
    let t = classifier.classify(&law, None);
    if json {
        println!("{}", serde_json::to_string_pretty(&t)?);
    } else {
        print!("{}", report::topics(&law, &t));
    }
    Ok(0)
}

/// `lexharmony topics --evaluate LABELS [--root DIR] [--json]`.
pub fn evaluate(labels: &Path, root: &Path, json: bool) -> anyhow::Result<u8> {
    let l = evaluate::load_labels(labels)?;
    let e = evaluate::evaluate(&l, root)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&e)?);
    } else {
        print!("{}", evaluate::report(&e));
    }
    Ok(u8::from(!e.problems.is_empty()))
}

/// `lexharmony definitions [--json]`.
pub fn definitions(source: &Source, json: bool) -> anyhow::Result<u8> {
    let (_, a, bad) = load(source)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&a.definitions)?);
    } else {
        print!("{}", report::definitions(&a.definitions));
    }
    Ok(code(bad))
}

/// `lexharmony concordance INSTRUMENT [--json|--csv] [--lang rus|eng]`.
pub fn concordance(
    source: &Source,
    instrument: &str,
    lang: Option<&str>,
    json: bool,
    csv: bool,
) -> anyhow::Result<u8> {
    let (laws, a, bad) = load(source)?;
    let Some(c) = a.concordance(&laws, instrument, lang) else {
        let names: Vec<String> = super::concordance::instruments(&laws)
            .into_iter()
            .map(|(cc, n, t)| format!("{cc}/{n} ({t})"))
            .collect();
        eprintln!(
            "error: no instrument {instrument:?} with text in the corpus; try csto, budapest, cis-2013, cis-2018, nis2, or one of: {}",
            names.join(", ")
        );
        return Ok(2);
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&c)?);
    } else if csv {
        print!("{}", super::concordance::to_csv(&c));
    } else {
        print!("{}", report::concordance(&c));
    }
    Ok(code(bad))
}
