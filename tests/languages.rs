//! Structure detection in every language of DESIGN.md's table, on synthetic texts written for these
//! tests (not law texts): headings, inserted numbers, parts, points, notes and blocks.

use std::path::Path;

use lexharmony::ingest::{self, Format, ParsedLaw};
use lexharmony::model::{BlockKind, ClauseKind, Status};

fn parse(name: &str, text: &str, format: Option<Format>) -> ParsedLaw {
    ingest::parse_bytes(Path::new(name), text.as_bytes(), format).expect("parses")
}

fn eids(law: &ParsedLaw, kind: ClauseKind) -> Vec<String> {
    law.clauses
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| c.eid.clone())
        .collect()
}

#[test]
fn russian_code_with_sections_inserted_articles_and_notes() {
    let text = "\
КОДЕКС ОБ ОБРАЗЦАХ

РАЗДЕЛ I. ОБЩИЕ НОРМЫ
Глава 1. Основы
Статья 1. Предмет
1. Первая часть о предмете.
2. Вторая часть:
1) первый пункт;
2) второй пункт;
а) подпункт.
Статья 1.1. Вставка
Текст вставленной статьи.
Сноска. Статья 1.1 введена законом от 01.01.2020.
Статья 2. Исключена
Статья 3¹. Надстрочная
Текст.
Примечание. Под образцом понимается пример.
Президент Республики
";
    let law = parse("ru.txt", text, None);
    let arts: Vec<(String, Status)> = law.articles().map(|a| (a.eid.clone(), a.status)).collect();
    assert_eq!(
        arts,
        [
            ("part_i__chp_1__art_1".to_string(), Status::InForce),
            ("part_i__chp_1__art_1-1".to_string(), Status::InForce),
            ("part_i__chp_1__art_2".to_string(), Status::Repealed),
            ("part_i__chp_1__art_3-1".to_string(), Status::InForce),
        ]
    );
    assert_eq!(
        eids(&law, ClauseKind::Point),
        [
            "part_i__chp_1__art_1__para_2__point_1",
            "part_i__chp_1__art_1__para_2__point_2",
            "part_i__chp_1__art_1__para_2__point_2__point_а",
        ]
    );
    assert_eq!(
        eids(&law, ClauseKind::Note),
        ["part_i__chp_1__art_3-1__note_1"]
    );
    let kinds: Vec<BlockKind> = law.blocks.iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds,
        [BlockKind::Title, BlockKind::Note, BlockKind::Signature]
    );
}

#[test]
fn kazakh_articles_chapters_and_sections() {
    let text = "\
1-бөлім. Жалпы ережелер
1-тарау. Негіздер
1-бап. Мақсаты
1. Осы Заңның мақсаты.
2-бап. Ұғымдар
1) бірінші ұғым;
1-1) қосылған ұғым;
2-1-бап. Қосылған бап
Мәтін.
2-тарау. Қорытынды
3-бап. Күшіне енуі
Мәтін.
";
    let law = parse("kk.txt", text, None);
    let arts: Vec<String> = law.articles().map(|a| a.eid.clone()).collect();
    assert_eq!(
        arts,
        [
            "part_1__chp_1__art_1",
            "part_1__chp_1__art_2",
            "part_1__chp_1__art_2-1",
            "part_1__chp_2__art_3"
        ]
    );
    assert_eq!(
        eids(&law, ClauseKind::Point),
        [
            "part_1__chp_1__art_2__point_1",
            "part_1__chp_1__art_2__point_1-1"
        ]
    );
    assert_eq!(law.law.lang.as_deref(), Some("kaz"));
}

#[test]
fn kyrgyz_chapters_are_bap_and_articles_berene() {
    let text = "1-бап. Жалпы жоболор\n1-берене. Максаты\nТекст.\n2-берене. Түшүнүктөр\nТекст.\n2-бап. Акыркы жоболор\n3-берене. Күчүнө кириши\nТекст.\n";
    let law = parse("ky.txt", text, None);
    assert_eq!(eids(&law, ClauseKind::Chapter), ["chp_1", "chp_2"]);
    let arts: Vec<String> = law.articles().map(|a| a.eid.clone()).collect();
    assert_eq!(arts, ["chp_1__art_1", "chp_1__art_2", "chp_2__art_3"]);
}

#[test]
fn tajik_armenian_and_belarusian_headings() {
    let tg = parse(
        "tg.txt",
        "Боби 1. Муқаррароти умумӣ\nМоддаи 1. Мақсад\nМатн.\nМоддаи 2. Мафҳумҳо\nМатн.\n",
        None,
    );
    assert_eq!(
        tg.articles().map(|a| a.eid.clone()).collect::<Vec<_>>(),
        ["chp_1__art_1", "chp_1__art_2"]
    );
    assert_eq!(tg.law.lang.as_deref(), Some("tgk"));
    let hy = parse("hy.txt", "Գլուխ 1. Ընդհանուր դրույթներ\nՀոդված 1. Նպատակը\nՏեքստ։\nՀոդված 2. Հասկացություններ\nՏեքստ։\n", None);
    assert_eq!(
        hy.articles().map(|a| a.eid.clone()).collect::<Vec<_>>(),
        ["chp_1__art_1", "chp_1__art_2"]
    );
    assert_eq!(hy.law.lang.as_deref(), Some("hye"));
    let be = parse("be.txt", "ГЛАВА 1\nАГУЛЬНЫЯ ПАЛАЖЭННІ\nАртыкул 1. Мэта\nТэкст і яшчэ тэкст.\nАртыкул 2. Паняцці\nТэкст.\n", None);
    assert_eq!(
        be.articles().map(|a| a.eid.clone()).collect::<Vec<_>>(),
        ["chp_1__art_1", "chp_1__art_2"]
    );
    assert_eq!(be.clauses[0].heading.as_deref(), Some("АГУЛЬНЫЯ ПАЛАЖЭННІ"));
}

#[test]
fn english_treaty_in_markdown_with_headings_on_the_next_line() {
    let text = "\
# Example Convention

## Chapter I

### Use of terms

#### Article 1

#### Definitions

For the purposes of this Convention:

(a) \"example\" means a sample;

(b) \"sample\" means an example.

#### Article 2

#### Scope

This Convention applies to examples. Article 5 is mentioned here.

IN WITNESS WHEREOF the undersigned have signed.
";
    let law = parse("en.md", text, None);
    let arts: Vec<(String, Option<String>)> = law
        .articles()
        .map(|a| (a.eid.clone(), a.heading.clone()))
        .collect();
    assert_eq!(
        arts,
        [
            ("chp_i__art_1".to_string(), Some("Definitions".to_string())),
            ("chp_i__art_2".to_string(), Some("Scope".to_string())),
        ]
    );
    assert_eq!(law.clauses[0].heading.as_deref(), Some("Use of terms"));
    assert_eq!(
        eids(&law, ClauseKind::Point),
        ["chp_i__art_1__point_a", "chp_i__art_1__point_b"]
    );
    assert_eq!(
        law.blocks.last().map(|b| b.kind),
        Some(BlockKind::Signature)
    );
    assert_eq!(law.law.lang.as_deref(), Some("eng"));
}

#[test]
fn german_paragraphs_with_absatz_and_annex() {
    let text = "\
# Verordnung über Beispiele

## § 1 Begriffsbestimmungen

(1) Im Sinne dieser Verordnung ist ein Beispiel ein Muster.

(2) Ein Muster ist ein Beispiel.

## § 2 Anwendungsbereich

Diese Verordnung gilt für alle Beispiele.

## Anhang 1 Beispiele

Teil 1 ohne Paragraphen.
";
    let law = parse("de.md", text, None);
    assert_eq!(
        law.articles().map(|a| a.eid.clone()).collect::<Vec<_>>(),
        ["art_1", "art_2"]
    );
    assert_eq!(
        eids(&law, ClauseKind::Para),
        ["art_1__para_1", "art_1__para_2"]
    );
    assert_eq!(law.blocks.last().map(|b| b.kind), Some(BlockKind::Annex));
    assert_eq!(law.law.lang.as_deref(), Some("deu"));
}

#[test]
fn table_of_contents_does_not_produce_articles() {
    let text = "\
ОГЛАВЛЕНИЕ
Статья 1. Первая
Статья 2. Вторая
Статья 3. Третья

Статья 1. Первая
Текст первой.
Статья 2. Вторая
Текст второй.
Статья 3. Третья
Текст третьей.
";
    let law = parse("toc.txt", text, Some(Format::Text));
    let arts: Vec<(String, usize)> = law
        .articles()
        .map(|a| (a.eid.clone(), a.line_start))
        .collect();
    assert_eq!(
        arts,
        [
            ("art_1".to_string(), 6),
            ("art_2".to_string(), 8),
            ("art_3".to_string(), 10)
        ]
    );
    assert_eq!(law.blocks[0].kind, BlockKind::Toc);
    assert_eq!((law.blocks[0].line_start, law.blocks[0].line_end), (1, 4));
}

#[test]
fn glued_headings_and_flattened_superscripts() {
    let law = parse("g.md", "## Статья 1Основные термины\nТекст.\n## Статья 2\nТекст.\n## Статья 21\nТекст.\n## Статья 211\nТекст.\n## Статья 22\nТекст.\n", None);
    let arts: Vec<(String, Option<String>)> = law
        .articles()
        .map(|a| (a.num.clone(), a.heading.clone()))
        .collect();
    assert_eq!(
        arts[0],
        ("1".to_string(), Some("Основные термины".to_string()))
    );
    // 211 after 21 is 21¹ flattened; 21 after 2 is not 2¹ (the sequence says so).
    let nums: Vec<&str> = arts.iter().map(|a| a.0.as_str()).collect();
    assert_eq!(nums, ["1", "2", "21", "21-1", "22"]);
}
