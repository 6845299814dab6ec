//! Bad input never panics: it gets a clear result or an error naming the file.

use std::fmt::Write;
use std::path::Path;

use lexharmony::ingest::{self, Format, IngestError};
use lexharmony::model::{BlockKind, ClauseKind, Severity};
use proptest::prelude::*;

fn parse(name: &str, bytes: &[u8]) -> Result<ingest::ParsedLaw, IngestError> {
    ingest::parse_bytes(Path::new(name), bytes, None)
}

#[test]
fn empty_file_is_an_error_naming_it() {
    let err = parse("empty.txt", b"").unwrap_err();
    assert!(matches!(err, IngestError::Empty { .. }));
    assert!(err.to_string().contains("empty.txt"), "{err}");
}

#[test]
fn binary_file_is_an_error_naming_it() {
    let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    png.extend((0..2000u32).map(|i| (i * 7 % 256) as u8));
    let err = parse("picture.txt", &png).unwrap_err();
    assert!(
        matches!(
            err,
            IngestError::Binary { .. } | IngestError::Undecodable { .. }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("picture.txt"), "{err}");
}

fn sample_law() -> String {
    "ЗАКОН О ПРИМЕРЕ\n\nСтатья 1. Понятия\n1. Первая часть.\n2. Вторая часть:\n1) пункт;\n2) пункт.\nСтатья 2. Действие\nТекст статьи.\n".to_string()
}

#[test]
fn windows_1251_file_is_decoded() {
    let source = sample_law();
    let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(&source);
    let law = parse("law-cp1251.txt", &bytes).expect("cp1251 parses");
    assert_eq!(law.law.encoding.as_deref(), Some("windows1251"));
    let nums: Vec<&str> = law.articles().map(|a| a.num.as_str()).collect();
    assert_eq!(nums, ["1", "2"]);
    assert_eq!(law.clauses[0].heading.as_deref(), Some("Понятия"));
}

#[test]
fn utf16_file_with_bom_is_decoded() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in sample_law().encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let law = parse("law-utf16.txt", &bytes).expect("utf-16 parses");
    assert_eq!(law.articles().count(), 2);
    let points = law
        .clauses
        .iter()
        .filter(|c| c.kind == ClauseKind::Point)
        .count();
    assert_eq!(points, 2);
}

#[test]
fn file_with_only_a_title_says_no_structure() {
    let law = parse("title.txt", "ЗАКОН РЕСПУБЛИКИ ПРИМЕР\n".as_bytes()).expect("parses");
    assert!(law.clauses.is_empty());
    assert!(law
        .diagnostics
        .iter()
        .any(|d| d.severity == Severity::Warning && d.message.contains("no structure")));
    assert_eq!(law.blocks.len(), 1);
    assert_eq!(law.blocks[0].kind, BlockKind::Title);
}

#[test]
fn unknown_layout_is_kept_as_one_block() {
    let law = parse(
        "prose.txt",
        "Просто текст без статей.\nЕщё одна строка.\n".as_bytes(),
    )
    .unwrap();
    assert!(law.clauses.is_empty());
    assert_eq!(law.blocks.len(), 1);
    assert_eq!(law.blocks[0].kind, BlockKind::Unstructured);
    assert_eq!((law.blocks[0].line_start, law.blocks[0].line_end), (1, 2));
}

#[test]
fn a_hundred_thousand_articles() {
    let mut text = String::with_capacity(4_000_000);
    for n in 1..=100_000 {
        let _ = writeln!(
            text,
            "Статья {n}. Заголовок {n}\n1. Первая часть статьи {n}.\n"
        );
    }
    let law = parse("huge.txt", text.as_bytes()).expect("parses");
    assert_eq!(law.articles().count(), 100_000);
    assert_eq!(law.clauses.len(), 200_000);
    assert!(law
        .diagnostics
        .iter()
        .all(|d| d.severity != Severity::Error));
}

#[test]
fn numbering_problems_are_diagnosed() {
    let text = "Статья 1. А\nтекст\nСтатья 3. Б\nтекст\nСтатья 2. В\nтекст\nСтатья 2. Г\nтекст\nСтатья 4. Д\n";
    let law = parse("gaps.txt", text.as_bytes()).unwrap();
    let messages: Vec<&str> = law.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("numbering gap") && m.contains("missing 2")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("out-of-order")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("duplicate")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("heading but no text")),
        "{messages:?}"
    );
    let eids: std::collections::HashSet<&str> =
        law.clauses.iter().map(|c| c.eid.as_str()).collect();
    assert_eq!(eids.len(), law.clauses.len(), "eIds stay unique");
    assert!(law.diagnostics.iter().all(|d| d.file == "gaps.txt"));
}

#[test]
fn format_override_is_honoured() {
    let text = "{\"a\": \"Статья 1. Текст\"}";
    let as_json = ingest::parse_bytes(Path::new("x.txt"), text.as_bytes(), None).unwrap();
    assert_eq!(as_json.law.format.as_deref(), Some("json"));
    assert_eq!(as_json.articles().count(), 1);
    let as_text =
        ingest::parse_bytes(Path::new("x.txt"), text.as_bytes(), Some(Format::Text)).unwrap();
    assert_eq!(as_text.law.format.as_deref(), Some("text"));
    assert_eq!(as_text.articles().count(), 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, .. ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let _ = parse("random.bin", &bytes);
    }

    #[test]
    fn random_law_like_text_never_panics_and_loses_nothing(
        lines in proptest::collection::vec(
            prop_oneof![
                Just("Статья 5. Заголовок".to_string()),
                Just("Статья 2741".to_string()),
                Just("Глава 2".to_string()),
                Just("ГЛАВА 3 ".to_string()),
                Just("1. Часть".to_string()),
                Just("2-1) пункт".to_string()),
                Just("а) буква".to_string()),
                Just("(i) roman".to_string()),
                Just("Сноска. Статья 5 исключена".to_string()),
                Just("Примечание ИЗПИ!".to_string()),
                Just("Примечания. 1. Под".to_string()),
                Just("ОГЛАВЛЕНИЕ".to_string()),
                Just("Президент Республики".to_string()),
                Just("ANNEX I".to_string()),
                Just("Article 3".to_string()),
                Just("Artikel 3".to_string()),
                Just("§ 4 Titel".to_string()),
                Just("5-бап. Атауы".to_string()),
                Just("## Статья 7-1Название".to_string()),
                Just(String::new()),
                "[ -~а-яА-Я0-9().]{0,40}",
            ],
            0..60,
        )
    ) {
        let text = lines.join("\n");
        for format in [None, Some(Format::Markdown), Some(Format::Text)] {
            let Ok(law) = ingest::parse_bytes(Path::new("gen.txt"), text.as_bytes(), format) else { continue };
            let mut owned = std::collections::HashMap::new();
            for c in &law.clauses {
                for &(a, b) in &c.own_lines { for n in a..=b { *owned.entry(n).or_insert(0) += 1; } }
            }
            for b in &law.blocks {
                for n in b.line_start..=b.line_end { *owned.entry(n).or_insert(0) += 1; }
            }
            for l in law.lines.iter().filter(|l| !l.is_blank()) {
                prop_assert_eq!(owned.get(&l.no).copied().unwrap_or(0), 1, "line {} {:?}", l.no, l.text);
            }
            let eids: std::collections::HashSet<&str> = law.clauses.iter().map(|c| c.eid.as_str()).collect();
            prop_assert_eq!(eids.len(), law.clauses.len());
        }
    }
}
