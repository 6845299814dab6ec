//! Snapshot tests of the parser's outline on real laws in different layouts: plain portal text,
//! scraper export, Markdown, JSON tree and a saved EUR-Lex page. Headings are cut short so the
//! snapshots hold structure, not law text.

mod common;

use lexharmony::ingest;

fn outline(rel: &str, keep: impl Fn(&lexharmony::model::Clause) -> bool) -> Option<String> {
    let root = common::corpus_real()?;
    let law = ingest::parse_file(&root.join(rel), None).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let mut out = String::new();
    let kept: Vec<_> = law.clauses.iter().filter(|c| keep(c)).collect();
    let first = kept.iter().map(|c| c.line_start).min().unwrap_or(0);
    let last = kept.iter().map(|c| c.line_end).max().unwrap_or(0);
    let whole = kept.len() == law.clauses.len();
    let depth = |eid: &str| eid.matches("__").count();
    for c in law.clauses.iter().filter(|c| keep(c)) {
        let heading: String = c
            .heading
            .as_deref()
            .unwrap_or("")
            .chars()
            .take(40)
            .collect();
        let status = match c.status {
            lexharmony::model::Status::Repealed => " [repealed]",
            _ => "",
        };
        out.push_str(&format!(
            "{}{} {} | {heading}{status} | {} | {}-{}\n",
            "  ".repeat(depth(&c.eid)),
            c.label,
            c.num,
            c.eid,
            c.line_start,
            c.line_end
        ));
    }
    for b in law
        .blocks
        .iter()
        .filter(|b| whole || (b.line_start >= first && b.line_end <= last))
    {
        out.push_str(&format!("[{:?}] {}-{}\n", b.kind, b.line_start, b.line_end));
    }
    for d in law
        .diagnostics
        .iter()
        .filter(|d| d.severity != lexharmony::model::Severity::Info)
        .filter(|d| whole || (d.line >= first && d.line <= last))
    {
        out.push_str(&format!(
            "{:?} line {}: {}\n",
            d.severity, d.line, d.message
        ));
    }
    Some(out)
}

#[test]
fn outline_kz_94v_portal_text() {
    let Some(o) = outline(
        "kz/KZ_94-V_on-personal-data-and-their-protection_ru.txt",
        |c| !c.eid.contains("art_") || c.eid.contains("art_1") || c.eid.contains("art_8"),
    ) else {
        return;
    };
    insta::assert_snapshot!(o);
}

#[test]
fn outline_by_99z_scraper_export() {
    let Some(o) = outline("by/BY_99-Z_on-personal-data-protection_ru.txt", |_| true) else {
        return;
    };
    insta::assert_snapshot!(o);
}

#[test]
fn outline_csto_charter_markdown() {
    let Some(o) = outline("ref/CSTO_Charter_2002_ru_KZ-adilet-ed2020.md", |_| true) else {
        return;
    };
    insta::assert_snapshot!(o);
}

#[test]
fn outline_ru_criminal_code_chapter_28_json() {
    let Some(o) = outline("ru/RU_Criminal-Code_UK-RF_102041891_structured.json", |c| {
        c.eid.contains("chp_28")
    }) else {
        return;
    };
    insta::assert_snapshot!(o);
}
