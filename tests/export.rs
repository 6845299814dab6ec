//! Export: every format read back (JSONL, CSV with the csv crate and Python's csv module, Parquet
//! with the parquet crate, AKN with roxmltree), byte-identical exports of the same corpus, and the
//! web routes answered in process.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use parquet::basic::{LogicalType, Type as PhysicalType};
use parquet::file::reader::{FileReader, SerializedFileReader};
use parquet::record::Field;
use serde_json::Value;
use sha2::Digest;
use tower::ServiceExt;

use lexharmony::export::analyses::{self, AnalysisDataset, AnalysisFormat};
use lexharmony::export::table::CLAUSE_COLUMNS;
use lexharmony::export::{self, ExportOptions, Filter, Format, Manifest};
use lexharmony::gaps::{self, Analysis};
use lexharmony::library::{self, Library, StoredLaw};
use lexharmony::model::{Clause, ClauseKind, LawMeta, Status};
use lexharmony::search::{self, Engine};
use lexharmony::web::{app, AppState};

fn corpus() -> &'static Library {
    static LIB: OnceLock<Library> = OnceLock::new();
    LIB.get_or_init(|| {
        let lib = Library::load(&[library::default_corpus_dir()]);
        assert!(lib.bad.is_empty(), "bad corpus files: {:?}", lib.bad);
        lib
    })
}

/// A folder of its own under the system temp dir; earlier runs' folders (older than an hour) go.
fn temp_dir(tag: &str) -> PathBuf {
    let base = std::env::temp_dir();
    let prefix = "lexharmony-export-test-";
    if let Ok(entries) = fs::read_dir(&base) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600);
            if name.starts_with(prefix) && old {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let dir = base.join(format!("{prefix}{tag}-{}-{stamp}", std::process::id()));
    fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The gap analysis of the bundled corpus, as the CLI and the server make it.
fn analysis() -> &'static Analysis {
    static ANALYSIS: OnceLock<Analysis> = OnceLock::new();
    ANALYSIS.get_or_init(|| {
        let overrides =
            gaps::overrides_for(Some(&library::default_corpus_dir())).expect("overrides");
        Analysis::new(&corpus().laws, &overrides)
    })
}

fn options(format: Format) -> ExportOptions {
    ExportOptions {
        source_root: library::default_corpus_dir()
            .parent()
            .map(Path::to_path_buf),
        topics: Some(analysis().topics.clone()),
        ..ExportOptions::new(format)
    }
}

/// The library's clauses that an export holds: (permalink, text), laws by URI, document order.
fn expected_clauses(laws: &[StoredLaw]) -> Vec<(String, String)> {
    export::select(laws, &Filter::default())
        .into_iter()
        .flat_map(|l| {
            l.clauses.iter().map(move |c| {
                (
                    lexharmony::model::permalink(l.uri(), &c.eid),
                    c.text.clone(),
                )
            })
        })
        .collect()
}

fn read_manifest(path: &Path) -> Manifest {
    let text = fs::read_to_string(path).expect("manifest");
    serde_json::from_str(&text).expect("manifest parses")
}

#[test]
fn jsonl_reads_back_with_every_clause_and_unique_ids() {
    let lib = corpus();
    let dir = temp_dir("jsonl");
    let m = export::export_to_path(&lib.laws, &options(Format::Jsonl), &dir).expect("export");
    let text = fs::read_to_string(dir.join("clauses.jsonl")).expect("file");
    let rows: Vec<serde_json::Map<String, Value>> = text
        .lines()
        .map(|l| match serde_json::from_str(l).expect("a JSON line") {
            Value::Object(o) => o,
            other => panic!("not an object: {other}"),
        })
        .collect();
    let expected = expected_clauses(&lib.laws);
    assert!(expected.len() > 500, "the bundled corpus has clauses");
    assert_eq!(rows.len(), expected.len());
    assert_eq!(m.counts.clauses, expected.len());
    let names: Vec<&str> = CLAUSE_COLUMNS.iter().map(|c| c.name).collect();
    let mut ids = HashSet::new();
    for (row, (permalink, text)) in rows.iter().zip(&expected) {
        assert_eq!(row.keys().map(String::as_str).collect::<Vec<_>>(), names);
        assert_eq!(row["permalink"], permalink.as_str());
        assert_eq!(row["text"], text.as_str());
        assert!(ids.insert(permalink.clone()), "duplicate id {permalink}");
        assert_eq!(
            format!(
                "{}/~{}",
                row["expression_uri"].as_str().unwrap(),
                row["eid"].as_str().unwrap()
            ),
            *permalink
        );
        assert!(row["topics"]
            .as_array()
            .is_some_and(|ts| ts.iter().all(|t| t
                .as_str()
                .is_some_and(|t| analysis().framework.topic(t).is_some()))));
        let source = row["source_file"].as_str().unwrap();
        assert!(
            source.starts_with("corpus/"),
            "source_file relative to the repository: {source}"
        );
        if let Some(d) = row["adopted"].as_str() {
            assert_eq!(d.len(), 10, "{d}");
        }
    }
    // Positions run 0.. within each expression.
    let mut next: BTreeMap<&str, i64> = BTreeMap::new();
    for row in &rows {
        let n = next
            .entry(row["expression_uri"].as_str().unwrap())
            .or_default();
        assert_eq!(row["position"].as_i64(), Some(*n));
        *n += 1;
    }
}

#[test]
fn csv_reads_back_like_the_jsonl() {
    let lib = corpus();
    let dir = temp_dir("csv");
    export::export_to_path(&lib.laws, &options(Format::Csv), &dir).expect("export");
    let bytes = fs::read(dir.join("clauses.csv")).expect("file");
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM unless asked");
    let mut reader = csv::Reader::from_reader(&bytes[..]);
    let headers: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(
        headers,
        CLAUSE_COLUMNS.iter().map(|c| c.name).collect::<Vec<_>>()
    );
    let records: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a record")).collect();
    let expected = expected_clauses(&lib.laws);
    assert_eq!(records.len(), expected.len());
    let text_at = headers.iter().position(|h| h == "text").unwrap();
    let mut ids = HashSet::new();
    for (r, (permalink, text)) in records.iter().zip(&expected) {
        assert_eq!(&r[0], permalink);
        assert_eq!(&r[text_at], text);
        assert!(ids.insert(r[0].to_string()));
    }
    // RFC 4180 line ends.
    assert!(bytes.windows(2).any(|w| w == b"\r\n"));

    let bom_dir = temp_dir("csv-bom");
    let opts = ExportOptions {
        bom: true,
        ..options(Format::Csv)
    };
    let m = export::export_to_path(&lib.laws, &opts, &bom_dir.join("x.csv")).expect("export");
    assert_eq!(m.bom, Some(true));
    let with_bom = fs::read(bom_dir.join("x.csv")).unwrap();
    assert_eq!(&with_bom[..3], b"\xEF\xBB\xBF");
    assert_eq!(&with_bom[3..], &bytes[..]);
    assert!(bom_dir.join("x.csv.manifest.json").is_file());
}

/// A law written here, whose text holds commas, quotes, line breaks, a tab and non-Latin script.
fn synthetic_law() -> StoredLaw {
    let clause = |eid: &str, kind, num: &str, text: &str, parent: Option<&str>| Clause {
        eid: eid.into(),
        kind,
        num: num.into(),
        label: match kind {
            ClauseKind::Article => "Статья".into(),
            _ => String::new(),
        },
        heading: (kind == ClauseKind::Article).then(|| "Заголовок, с \"кавычками\"".into()),
        text: text.into(),
        status: Status::InForce,
        line_start: 1,
        line_end: 1,
        parent: parent.map(str::to_string),
        own_lines: Vec::new(),
    };
    let tricky = [
        "Первая строка, с запятой.\nВторая строка с \"кавычками\" и «ёлочками».",
        "\"Starts with a quote\", then a comma,\r\nthen CRLF, a tab\there, and ends with a quote\"",
        "Один \"\" двойной, ;точка с запятой; и = формула",
        "",
    ];
    let mut clauses = vec![clause("art_1", ClauseKind::Article, "1", tricky[0], None)];
    for (i, t) in tricky.iter().enumerate().skip(1) {
        clauses.push(clause(
            &format!("art_1__para_{i}"),
            ClauseKind::Para,
            &i.to_string(),
            t,
            Some("art_1"),
        ));
    }
    clauses.push(clause(
        "art_1__para_3__point_а",
        ClauseKind::Point,
        "а",
        "подпункт, \"а\"",
        Some("art_1__para_3"),
    ));
    let work = lexharmony::model::work_uri("zz", "act", "2020-02-29", "1-ТЕСТ");
    StoredLaw {
        law: LawMeta {
            country: Some("zz".into()),
            doc_type: Some("act".into()),
            number: Some("1-ТЕСТ".into()),
            title: Some("Закон, \"тестовый\"\nв две строки".into()),
            lang: Some("rus".into()),
            adopted: Some("2020-02-29".into()),
            edition: Some("2021-01-01".into()),
            content_hash: Some("00".repeat(32)),
            source_file: Some("synthetic.md".into()),
            uri: Some(lexharmony::model::expression_uri(
                &work,
                "rus",
                Some("2021-01-01"),
            )),
            ..LawMeta::default()
        },
        clauses,
        blocks: Vec::new(),
        diagnostics: Vec::new(),
    }
}

#[test]
fn csv_with_commas_quotes_and_newlines_reads_back_in_rust_and_python() {
    let law = synthetic_law();
    let texts: Vec<String> = law.clauses.iter().map(|c| c.text.clone()).collect();
    let dir = temp_dir("tricky");
    let path = dir.join("tricky.csv");
    export::export_to_path(std::slice::from_ref(&law), &options(Format::Csv), &path)
        .expect("export");

    let mut reader = csv::Reader::from_path(&path).expect("csv");
    let headers = reader.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), texts.len());
    for ((r, t), c) in records.iter().zip(&texts).zip(&law.clauses) {
        assert_eq!(&r[at("text")], t);
        assert_eq!(&r[at("heading")], c.heading.as_deref().unwrap_or(""));
        assert_eq!(&r[at("law_title")], "Закон, \"тестовый\"\nв две строки");
        assert_eq!(&r[at("adopted")], "2020-02-29");
        assert_eq!(&r[at("published")], "", "null is an empty field");
    }
    assert_eq!(&records[0][at("heading")], "Заголовок, с \"кавычками\"");

    let python = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            "import csv, json, sys\n\
             with open(sys.argv[1], newline='', encoding='utf-8') as f:\n\
             \x20   rows = list(csv.DictReader(f))\n\
             json.dump([[r['permalink'], r['text'], r['law_title']] for r in rows], sys.stdout)\n",
        )
        .arg(&path)
        .output();
    match python {
        Err(e) => eprintln!("skipped the Python check: python3 cannot run here ({e})"),
        Ok(out) => {
            assert!(
                out.status.success(),
                "python3 failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let rows: Vec<(String, String, String)> =
                serde_json::from_slice(&out.stdout).expect("python's JSON");
            assert_eq!(rows.len(), texts.len());
            for ((permalink, text, title), (c, t)) in
                rows.iter().zip(law.clauses.iter().zip(&texts))
            {
                assert_eq!(permalink, &lexharmony::model::permalink(law.uri(), &c.eid));
                assert_eq!(text, t);
                assert_eq!(title, "Закон, \"тестовый\"\nв две строки");
            }
        }
    }
}

fn parquet_rows(path: &Path) -> (SerializedFileReader<fs::File>, Vec<BTreeMap<String, Field>>) {
    let reader = SerializedFileReader::new(fs::File::open(path).expect("file")).expect("parquet");
    let rows = reader
        .get_row_iter(None)
        .expect("rows")
        .map(|r| r.expect("a row").into_columns().into_iter().collect())
        .collect();
    let reader = SerializedFileReader::new(fs::File::open(path).expect("file")).expect("parquet");
    (reader, rows)
}

#[test]
fn parquet_reads_back_with_types() {
    let lib = corpus();
    let dir = temp_dir("parquet");
    let path = dir.join("clauses.parquet");
    export::export_to_path(&lib.laws, &options(Format::Parquet), &path).expect("export");
    let (reader, rows) = parquet_rows(&path);
    let expected = expected_clauses(&lib.laws);
    let meta = reader.metadata().file_metadata();
    assert_eq!(meta.num_rows() as usize, expected.len());
    assert_eq!(rows.len(), expected.len());
    let schema = meta.schema_descr();
    let adopted = (0..schema.num_columns())
        .map(|i| schema.column(i))
        .find(|c| c.name() == "adopted")
        .expect("adopted column");
    assert_eq!(adopted.physical_type(), PhysicalType::INT32);
    assert_eq!(adopted.logical_type_ref(), Some(&LogicalType::Date));
    for (row, (permalink, text)) in rows.iter().zip(&expected) {
        assert_eq!(row["permalink"], Field::Str(permalink.clone()));
        assert_eq!(row["text"], Field::Str(text.clone()));
    }
    // The first row's adoption date, as days since 1970-01-01.
    let first = &rows[0];
    let law = lib.law(match &first["expression_uri"] {
        Field::Str(s) => s,
        other => panic!("{other:?}"),
    });
    let want = lexharmony::export::table::date_days(law.unwrap().law.adopted.as_deref());
    match (&first["adopted"], want) {
        (Field::Date(d), Some(w)) => assert_eq!(*d, w),
        (Field::Null, None) => {}
        other => panic!("adopted: {other:?}"),
    }
    assert!(matches!(&first["topics"], Field::ListInternal(_)));
    assert!(
        rows.iter()
            .any(|r| matches!(&r["topics"], Field::ListInternal(l)
            if l.elements().iter().any(|e| e == &Field::Str("pd-breach-notification".into())))),
        "a clause with its topics as a list of strings"
    );
    assert!(matches!(&first["position"], Field::Int(0)));
    let kv = meta.key_value_metadata().expect("key-value metadata");
    assert!(kv
        .iter()
        .any(|k| k.key == "lexharmony.schema_version" && k.value.as_deref() == Some("1")));

    // The synthetic law: text with quotes and line breaks, a null date, a Cyrillic eId.
    let law = synthetic_law();
    let path = dir.join("tricky.parquet");
    export::export_to_path(std::slice::from_ref(&law), &options(Format::Parquet), &path)
        .expect("export");
    let (_, rows) = parquet_rows(&path);
    assert_eq!(rows.len(), law.clauses.len());
    for (row, c) in rows.iter().zip(&law.clauses) {
        assert_eq!(row["text"], Field::Str(c.text.clone()));
        assert_eq!(row["eid"], Field::Str(c.eid.clone()));
        assert_eq!(row["published"], Field::Null);
        assert_eq!(row["adopted"], Field::Date(18_321), "2020-02-29");
    }
}

#[test]
fn akn_is_well_formed_with_the_library_eids() {
    let lib = corpus();
    let dir = temp_dir("akn");
    let mut laws = lib.laws.clone();
    laws.push(synthetic_law());
    let m = export::export_to_path(&laws, &options(Format::Akn), &dir).expect("export");
    let with_text: Vec<&StoredLaw> = export::select(&laws, &Filter::default())
        .into_iter()
        .filter(|l| !l.clauses.is_empty())
        .collect();
    assert_eq!(m.files.len(), with_text.len());
    assert_eq!(
        m.skipped.len(),
        laws.len() - with_text.len(),
        "metadata-only laws are listed as left out"
    );
    for (law, file) in with_text.iter().zip(&m.files) {
        assert_eq!(file.law.as_deref(), Some(law.uri()));
        let xml = fs::read_to_string(dir.join(&file.path)).expect("file");
        let doc = roxmltree::Document::parse(&xml)
            .unwrap_or_else(|e| panic!("{}: not well-formed: {e}", file.path));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "akomaNtoso");
        assert_eq!(
            root.tag_name().namespace(),
            Some(export::akn::AKN_NAMESPACE)
        );
        let find = |name: &str| doc.descendants().find(|n| n.has_tag_name(name));
        let value_of = |parent: &str, child: &str, attr: &str| {
            find(parent)
                .and_then(|p| p.children().find(|n| n.has_tag_name(child)))
                .and_then(|n| n.attribute(attr))
                .map(str::to_string)
        };
        let work = law.uri().rsplit_once('/').unwrap().0;
        assert_eq!(
            value_of("FRBRWork", "FRBRuri", "value").as_deref(),
            Some(work)
        );
        assert_eq!(
            value_of("FRBRExpression", "FRBRuri", "value").as_deref(),
            Some(law.uri())
        );
        assert_eq!(
            value_of("FRBRExpression", "FRBRlanguage", "language").as_deref(),
            law.law.lang.as_deref()
        );
        for frbr in ["FRBRWork", "FRBRExpression", "FRBRManifestation"] {
            for child in ["FRBRthis", "FRBRuri", "FRBRdate", "FRBRauthor"] {
                assert!(
                    value_of(
                        frbr,
                        child,
                        if child == "FRBRdate" {
                            "date"
                        } else if child == "FRBRauthor" {
                            "href"
                        } else {
                            "value"
                        }
                    )
                    .is_some(),
                    "{frbr}/{child} in {}",
                    file.path
                );
            }
        }
        let body = find("body").expect("body");
        let eids: Vec<&str> = body
            .descendants()
            .filter_map(|n| n.attribute("eId"))
            .collect();
        let want: Vec<&str> = law.clauses.iter().map(|c| c.eid.as_str()).collect();
        assert_eq!(eids, want, "{}: eIds in document order", file.path);
        // Every element's text of a clause without children is its text, line by line.
        for c in law.clauses.iter().filter(|c| !c.text.trim().is_empty()) {
            let el = body
                .descendants()
                .find(|n| n.attribute("eId") == Some(c.eid.as_str()))
                .unwrap();
            let paras: Vec<String> = el
                .children()
                .filter(|n| n.has_tag_name("content") || n.has_tag_name("intro"))
                .flat_map(|b| b.children().filter(|n| n.has_tag_name("p")))
                .map(|p| p.text().unwrap_or("").to_string())
                .collect();
            let lines: Vec<&str> = c.text.lines().filter(|l| !l.trim().is_empty()).collect();
            assert_eq!(paras, lines, "{} {}", file.path, c.eid);
        }
    }
}

#[test]
fn ndjson_has_action_lines_stems_and_a_mapping() {
    let lib = corpus();
    let dir = temp_dir("ndjson");
    let m = export::export_to_path(&lib.laws, &options(Format::Ndjson), &dir).expect("export");
    assert_eq!(
        m.files.iter().map(|f| f.path.as_str()).collect::<Vec<_>>(),
        ["clauses.ndjson", "opensearch-index.json"]
    );
    let text = fs::read_to_string(dir.join("clauses.ndjson")).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let expected = expected_clauses(&lib.laws);
    assert_eq!(lines.len(), 2 * expected.len());
    let config: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("opensearch-index.json")).unwrap())
            .unwrap();
    let mapped = config["mappings"]["properties"].as_object().unwrap();
    for (pair, (permalink, _)) in lines.chunks(2).zip(&expected) {
        assert_eq!(pair[0]["index"]["_id"], permalink.as_str());
        assert_eq!(pair[0]["index"]["_index"], "lexharmony-clauses");
        let doc = pair[1].as_object().unwrap();
        assert!(
            doc.keys().all(|k| mapped.contains_key(k)),
            "every field is mapped"
        );
        assert!(doc["text_stems"].is_string());
    }
    // A Russian clause's stems: "персональных данных" and "персональные данные" meet.
    let ru = lines
        .chunks(2)
        .map(|p| &p[1])
        .find(|d| d["lang"] == "rus" && d["text"].as_str().unwrap().contains("персональных данных"))
        .expect("a Russian clause on personal data");
    assert_eq!(ru["stems_analyzer"], "russian");
    let stems = ru["text_stems"].as_str().unwrap();
    assert!(stems.split(' ').any(|t| t == "персональн"), "{stems}");
}

#[test]
fn the_same_corpus_exports_byte_identical_files() {
    let lib = corpus();
    let (a, b) = (temp_dir("same-a"), temp_dir("same-b"));
    for format in Format::ALL {
        let out_a = a.join(format.name());
        let out_b = b.join(format.name());
        fs::create_dir_all(&out_a).unwrap();
        fs::create_dir_all(&out_b).unwrap();
        let ma = export::export_to_path(&lib.laws, &options(format), &out_a).expect("export");
        // The second export starts from laws in another order.
        let mut reversed = lib.laws.clone();
        reversed.reverse();
        let mb = export::export_to_path(&reversed, &options(format), &out_b).expect("export");
        assert!(!ma.files.is_empty());
        for f in &ma.files {
            let (x, y) = (
                fs::read(out_a.join(&f.path)).unwrap(),
                fs::read(out_b.join(&f.path)).unwrap(),
            );
            assert!(x == y, "{format}: {} differs between two exports", f.path);
        }
        let strip = |p: &Path| -> String {
            fs::read_to_string(p)
                .unwrap()
                .lines()
                .filter(|l| !l.trim_start().starts_with("\"created\""))
                .collect::<Vec<_>>()
                .join("\n")
        };
        assert_eq!(
            strip(&out_a.join("manifest.json")),
            strip(&out_b.join("manifest.json")),
            "{format}: manifests differ beyond the date"
        );
        let (ra, rb) = (read_manifest(&out_a.join("manifest.json")), mb);
        assert_eq!(ra.corpus_hash, rb.corpus_hash);
        assert_eq!(ra.files, rb.files);
        assert_eq!(ra.format, format.name());
        assert_eq!(ra.schema_version, 1);
        assert_eq!(ra.lexharmony_version, env!("CARGO_PKG_VERSION"));
        assert!(ra.created.ends_with('Z'));
        // The manifest's sizes and hashes are those of the files.
        for f in &ra.files {
            let bytes = fs::read(out_a.join(&f.path)).unwrap();
            assert_eq!(f.bytes, bytes.len() as u64);
            assert_eq!(f.sha256, export::hex(&sha2::Sha256::digest(&bytes)));
        }
    }
}

#[test]
fn filters_select_states_and_laws() {
    let lib = corpus();
    let dir = temp_dir("filters");
    let opts = ExportOptions {
        filter: Filter {
            states: vec!["KZ".into()],
            laws: vec!["418-V".into()],
        },
        ..options(Format::Jsonl)
    };
    let m = export::export_to_path(&lib.laws, &opts, &dir).expect("export");
    assert_eq!(
        m.counts.laws, 2,
        "the Russian and English editions of 418-V"
    );
    assert_eq!(m.counts.by_state.keys().collect::<Vec<_>>(), ["kz"]);
    let text = fs::read_to_string(dir.join("clauses.jsonl")).unwrap();
    assert!(text
        .lines()
        .all(|l| l.contains("\"/akn/kz/act/2015-11-24/418-v\"")));
    assert_ne!(
        m.corpus_hash,
        export::manifest_of(&lib.laws, &options(Format::Jsonl))
            .unwrap()
            .corpus_hash
    );
    let by_uri = ExportOptions {
        filter: Filter {
            states: Vec::new(),
            laws: vec!["/akn/kz/act/2015-11-24/418-v/rus@2020-06-25".into()],
        },
        ..options(Format::Jsonl)
    };
    assert_eq!(
        export::manifest_of(&lib.laws, &by_uri).unwrap().counts.laws,
        1
    );
}

#[test]
fn out_of_order_laws_are_refused() {
    let lib = corpus();
    let laws = export::select(&lib.laws, &Filter::default());
    let reversed: Vec<&StoredLaw> = laws.into_iter().rev().collect();
    let err = export::write_table(reversed, &options(Format::Jsonl), std::io::sink()).unwrap_err();
    assert!(err.to_string().contains("order"), "{err}");
}

// ---------------------------------------------------------------------------------------------
// Web

fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let dir = temp_dir("index");
            search::index::build(&dir, corpus(), &mut |_, _| {}).expect("index builds");
            Arc::new(Engine::open(&dir).expect("index opens"))
        })
        .clone()
}

async fn get(uri: &str) -> (StatusCode, String, Vec<u8>) {
    let req = Request::builder().uri(uri).body(Body::empty()).unwrap();
    let resp = app(AppState::new(engine()))
        .oneshot(req)
        .await
        .expect("the router always answers");
    let status = resp.status();
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let body = axum::body::to_bytes(resp.into_body(), 256 * 1024 * 1024)
        .await
        .expect("body")
        .to_vec();
    (status, ct, body)
}

#[tokio::test]
async fn web_streams_every_format_as_the_cli_writes_it() {
    let engine = engine();
    for format in [Format::Jsonl, Format::Csv, Format::Parquet, Format::Ndjson] {
        let (status, ct, body) = get(&format!("/api/export/{}", format.name())).await;
        assert_eq!(status, StatusCode::OK, "{format}");
        assert_eq!(ct, format.media_type());
        let dir = temp_dir("web-cli");
        let m = export::export_to_path(engine.laws(), &options(format), &dir).expect("export");
        let file = fs::read(dir.join(format.file_name())).unwrap();
        assert!(
            body == file,
            "{format}: the download differs from the CLI's file"
        );
        let (status, ct, manifest) = get(&format!("/api/export/{}/manifest", format.name())).await;
        assert_eq!(status, StatusCode::OK);
        assert!(ct.starts_with("application/json"));
        let web: Manifest = serde_json::from_slice(&manifest).unwrap();
        assert_eq!(
            web.files[0], m.files[0],
            "{format}: the manifest names the same bytes"
        );
        assert_eq!(web.corpus_hash, m.corpus_hash);
    }
    let (_, _, parquet) = get("/api/export/parquet?state=kz").await;
    assert!(parquet.starts_with(b"PAR1") && parquet.ends_with(b"PAR1"));
    let (_, _, csv) = get("/api/export/csv?bom=1&state=kz").await;
    assert!(csv.starts_with(b"\xEF\xBB\xBFpermalink,"));
    let text = String::from_utf8(csv[3..].to_vec()).unwrap();
    assert!(text
        .lines()
        .skip(1)
        .all(|l| !l.starts_with("/akn/") || l.starts_with("/akn/kz/")));
}

#[test]
fn the_topics_column_holds_the_gap_analysis_links() {
    let dir = temp_dir("topics");
    export::export_to_path(&corpus().laws, &options(Format::Jsonl), &dir).expect("export");
    let text = fs::read_to_string(dir.join("clauses.jsonl")).unwrap();
    let rows: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let topics_of = |row: &Value| -> Vec<String> {
        row["topics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap().to_string())
            .collect()
    };
    // Every clause's topics are exactly the analysis's links of that clause.
    let mut linked = 0;
    for row in &rows {
        let uri = row["expression_uri"].as_str().unwrap();
        let eid = row["eid"].as_str().unwrap();
        let want: Vec<String> = analysis()
            .topics
            .get(uri)
            .map(|t| t.topics_of(eid).into_iter().map(String::from).collect())
            .unwrap_or_default();
        assert_eq!(topics_of(row), want, "{uri} {eid}");
        linked += usize::from(!want.is_empty());
    }
    assert!(linked > 50, "only {linked} clauses have topics");
    // The digest of Kazakhstan's personal data law has its breach notification clause.
    assert!(rows.iter().any(|r| {
        r["expression_uri"]
            .as_str()
            .unwrap()
            .starts_with("/akn/kz/act/2013-05-21/94-v/")
            && topics_of(r).contains(&"pd-breach-notification".to_string())
    }));
}

#[test]
fn analyses_export_as_csv_and_json_with_manifests() {
    let laws = &corpus().laws;
    let a = analysis();
    let topics = a.framework.topics.len();
    let states = a.matrix.states.len();
    for (dataset, want_rows) in [
        (AnalysisDataset::Gaps, Some(topics * states)),
        (AnalysisDataset::Definitions, None),
        (
            AnalysisDataset::Concordance {
                instrument: "csto".into(),
            },
            None,
        ),
    ] {
        let csv_dir = temp_dir("analysis-csv");
        let m = analyses::export_analysis_to_path(
            &dataset,
            AnalysisFormat::Csv,
            a,
            laws,
            &csv_dir.join("x.csv"),
        )
        .expect("export");
        let bytes = fs::read(csv_dir.join("x.csv")).unwrap();
        let mut reader = csv::Reader::from_reader(&bytes[..]);
        let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            m.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>(),
            "{}",
            dataset.name()
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert!(!rows.is_empty(), "{}", dataset.name());
        assert_eq!(Some(rows.len()), m.counts.rows, "{}", dataset.name());
        if let Some(n) = want_rows {
            assert_eq!(rows.len(), n);
        }
        assert_eq!(m.files[0].path, "x.csv");
        assert_eq!(
            m.files[0].sha256,
            export::hex(&sha2::Sha256::digest(&bytes)),
            "the manifest names the bytes written"
        );
        let again_dir = temp_dir("analysis-csv-again");
        analyses::export_analysis_to_path(
            &dataset,
            AnalysisFormat::Csv,
            a,
            laws,
            &again_dir.join("x.csv"),
        )
        .expect("export");
        assert_eq!(
            fs::read(again_dir.join("x.csv")).unwrap(),
            bytes,
            "byte-identical"
        );

        let json_dir = temp_dir("analysis-json");
        let m = analyses::export_analysis_to_path(
            &dataset,
            AnalysisFormat::Json,
            a,
            laws,
            format!("{}/", json_dir.display()).as_ref(),
        )
        .expect("export");
        let file = json_dir.join(analyses::file_name(&dataset, AnalysisFormat::Json));
        let v: Value = serde_json::from_slice(&fs::read(&file).unwrap()).expect("valid JSON");
        assert!(v.is_object(), "{}", dataset.name());
        assert!(json_dir.join("manifest.json").is_file());
        assert_eq!(m.dataset, dataset.name());
    }
    // The gap CSV says "no text" for Armenia, never "not found".
    let (body, _) = analyses::render(&AnalysisDataset::Gaps, AnalysisFormat::Csv, a, laws).unwrap();
    let mut reader = csv::Reader::from_reader(&body[..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let am: Vec<_> = rows.iter().filter(|r| &r[0] == "am").collect();
    assert_eq!(am.len(), topics);
    assert!(am.iter().all(|r| &r[4] == "no text"), "{:?}", am[0]);
    // An unknown instrument is a usage error naming the known ones.
    let err = analyses::render(
        &AnalysisDataset::Concordance {
            instrument: "nope".into(),
        },
        AnalysisFormat::Csv,
        a,
        laws,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("nope") && err.contains("csto"), "{err}");
}

#[tokio::test]
async fn web_serves_the_analyses_as_the_cli_writes_them() {
    let engine = engine();
    let overrides = gaps::overrides_for(Some(&library::default_corpus_dir())).unwrap();
    let a = Analysis::new(engine.laws(), &overrides);
    for (name, dataset, format) in [
        ("gaps.csv", AnalysisDataset::Gaps, AnalysisFormat::Csv),
        (
            "definitions.csv",
            AnalysisDataset::Definitions,
            AnalysisFormat::Csv,
        ),
        ("gaps.json", AnalysisDataset::Gaps, AnalysisFormat::Json),
    ] {
        let (status, ct, body) = get(&format!("/api/export/analyses/{name}")).await;
        assert_eq!(status, StatusCode::OK, "{name}");
        assert_eq!(ct, format.media_type());
        let (want, _) = analyses::render(&dataset, format, &a, engine.laws()).unwrap();
        assert!(body == want, "{name}: the download differs from the export");
        let (status, _, manifest) = get(&format!("/api/export/analyses/{name}/manifest")).await;
        assert_eq!(status, StatusCode::OK);
        let m: Manifest = serde_json::from_slice(&manifest).unwrap();
        assert_eq!(m.files[0].bytes, body.len() as u64);
    }
    let (status, _, body) = get("/api/export/analyses/concordance.csv?instrument=budapest").await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&body).starts_with("provision,"));
    for (uri, want) in [
        (
            "/api/export/analyses/concordance.csv",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/api/export/analyses/concordance.csv?instrument=nope",
            StatusCode::NOT_FOUND,
        ),
        ("/api/export/analyses/gaps.xlsx", StatusCode::BAD_REQUEST),
        ("/api/export/analyses/matrix.csv", StatusCode::BAD_REQUEST),
        ("/api/export/analyses/gaps", StatusCode::BAD_REQUEST),
    ] {
        let (status, ct, body) = get(uri).await;
        assert_eq!(status, want, "{uri}");
        assert!(ct.starts_with("application/json"), "{uri}");
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert!(v["error"].is_string(), "{uri}");
    }
}

#[tokio::test]
async fn web_akn_is_one_document_with_the_index_eids() {
    let engine = engine();
    let uri = "/akn/kz/act/2015-11-24/418-v/rus@2020-06-25";
    let law = engine.law(uri).expect("KZ 418-V");
    let q: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("law", uri)
        .finish();
    let (status, ct, body) = get(&format!("/api/export/akn?{q}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("application/akn+xml"));
    let xml = String::from_utf8(body).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed");
    let eids: BTreeSet<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("eId"))
        .filter(|e| !matches!(*e, "lexharmony" | "lawmaker"))
        .collect();
    let want: BTreeSet<&str> = law.clauses.iter().map(|c| c.eid.as_str()).collect();
    assert_eq!(eids, want);

    let (status, _, body) = get("/api/export/akn").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&body).contains("law=URI"));
    let (status, _, _) = get("/api/export/akn?law=/akn/zz/act/1/1/rus@").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, body) = get("/api/export/xlsx").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&body).contains("jsonl"));
}

#[tokio::test]
async fn web_export_page_and_search_csv() {
    let (status, ct, body) = get("/export").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/html"));
    let html = String::from_utf8(body).unwrap();
    for c in CLAUSE_COLUMNS {
        assert!(
            html.contains(&format!("<code>{}</code>", c.name)),
            "{}",
            c.name
        );
    }
    for href in [
        "/api/export/jsonl",
        "/api/export/csv",
        "/api/export/parquet",
        "/api/export/ndjson",
        "/api/export/akn?law=",
    ] {
        assert!(html.contains(href), "{href}");
    }
    // Every analysis the page offers downloads.
    let analyses: Vec<&str> = html
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|h| h.starts_with("/api/export/analyses/"))
        .collect();
    assert!(analyses.len() >= 6, "{analyses:?}");
    for href in analyses {
        let (status, _, _) = get(&href.replace("&#38;", "&")).await;
        assert_eq!(status, StatusCode::OK, "{href}");
    }

    let q: String = form_urlencoded::byte_serialize("персональных данных".as_bytes()).collect();
    let (status, ct, body) = get(&format!("/api/search.csv?q={q}&state=kz&limit=150")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    let mut reader = csv::Reader::from_reader(&body[..]);
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "rank");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert!(!rows.is_empty());
    let state = headers.iter().position(|h| h == "state").unwrap();
    let text = headers.iter().position(|h| h == "text").unwrap();
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[0].parse::<usize>().unwrap(), i + 1);
        assert_eq!(&r[state], "kz");
        assert!(!r[text].contains("<mark>"));
    }
    let (_, _, json) = get(&format!("/api/search?q={q}&state=kz&limit=1")).await;
    let json: Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(
        rows.len(),
        (json["total"].as_u64().unwrap() as usize).min(150),
        "every hit, across the library's pages"
    );

    let (status, _, _) = get("/api/search.csv").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, _) = get("/api/search.csv?q=%22unclosed").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let (_, _, page) = get(&format!("/search?q={q}")).await;
    let page = String::from_utf8(page).unwrap();
    assert!(
        page.contains("/api/search.csv?q="),
        "the search page links its CSV"
    );
}

#[test]
fn docs_describe_every_column() {
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/dataset.md"))
        .expect("docs/dataset.md");
    for c in export::opensearch::NDJSON_COLUMNS.iter() {
        let row = format!("| `{}` | {} |", c.name, c.kind.name());
        assert!(doc.contains(&row), "docs/dataset.md lacks the row {row}");
        assert!(
            doc.contains(c.doc),
            "docs/dataset.md: {} should say: {}",
            c.name,
            c.doc
        );
    }
    for c in export::search::SEARCH_COLUMNS {
        assert!(
            doc.contains(&format!("`{}`", c.name)),
            "search column {}",
            c.name
        );
    }
    for c in export::compare::COMPARE_COLUMNS {
        let row = format!("| `{}` | {} |", c.name, c.doc);
        assert!(doc.contains(&row), "docs/dataset.md lacks the row {row}");
    }
}
