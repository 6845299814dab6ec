//! The `lexharmony` command line: a thin layer over the library.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use lexharmony::ingest::{self, Format};

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
