//! Compare on real texts (`../shared/corpus-real`, skipped with a reason when absent), editions on
//! synthetic texts written here, the diff's limits, and the web layer (`/api/compare`, `/compare`)
//! in process over an index of the bundled corpus.

mod common;

use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

use lexharmony::compare::align::{self, AlignOptions, Alignment, Method};
use lexharmony::compare::diff::{self, DiffOptions, Fallback, Mode};
use lexharmony::compare::editions;
use lexharmony::compare::{self, text, CompareError, CompareOptions};
use lexharmony::ingest::{self, Format};
use lexharmony::library::{self, Library, StoredLaw};
use lexharmony::search::{self, Engine};
use lexharmony::web::{app, AppState};

fn real(dir: &Path, rel: &str) -> StoredLaw {
    let path = dir.join(rel);
    ingest::parse_file(&path, None)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .into()
}

/// The article number each article of the first law is aligned with (primary matches).
fn pairs(al: &Alignment) -> Vec<(String, String)> {
    al.matches
        .iter()
        .filter(|m| m.primary)
        .map(|m| (m.a.num.clone(), m.b.num.clone()))
        .collect()
}

fn print(al: &Alignment) {
    for m in &al.matches {
        eprintln!(
            "{:>5} -> {:<5} {:.3} {:?} {} | {}",
            m.a.num,
            m.b.num,
            m.score,
            m.relation,
            if m.primary { "" } else { "(second)" },
            m.reason.summary
        );
    }
    for u in &al.unaligned_first {
        eprintln!(
            "first unaligned {} best {:?}",
            u.clause.num,
            u.best.as_ref().map(|b| (&b.num, b.score))
        );
    }
    for u in &al.unaligned_other {
        eprintln!(
            "other unaligned {} best {:?}",
            u.clause.num,
            u.best.as_ref().map(|b| (&b.num, b.score))
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Real texts

/// Kazakhstan 94-V and Belarus 99-З, both on personal data. Read first (sed on the files):
/// - KZ art. 1 "Основные понятия, используемые в настоящем Законе" (points "1) биометрические
///   данные – ...") and BY art. 1 "Основные термины, используемые в настоящем Законе, и их
///   определения" (lines "биометрические персональные данные – ...") are each law's definitions.
/// - KZ art. 8 "Порядок дачи (отзыва) согласия субъекта на сбор, обработку персональных данных"
///   (form of consent, what the consent contains, its term, withdrawal) answers BY art. 5 "Согласие
///   субъекта персональных данных" (form of consent, information given before consent, withdrawal).
/// - KZ art. 9 "Сбор, обработка персональных данных без согласия субъекта" answers BY art. 6
///   "Обработка персональных данных без согласия субъекта персональных данных".
/// - KZ art. 16 "Трансграничная передача персональных данных" answers BY art. 9 of the same name.
#[test]
fn kazakhstan_94v_against_belarus_99z() {
    let Some(dir) = common::corpus_real() else {
        return;
    };
    let kz = real(
        &dir,
        "kz/KZ_94-V_on-personal-data-and-their-protection_ru.txt",
    );
    let by = real(&dir, "by/BY_99-Z_on-personal-data-protection_ru.txt");
    let al = align::lexical(&kz, &by, &AlignOptions::default());
    print(&al);
    let p = pairs(&al);
    for (a, b) in [("1", "1"), ("8", "5"), ("9", "6"), ("16", "9")] {
        assert!(
            p.contains(&(a.to_string(), b.to_string())),
            "KZ art. {a} should align with BY art. {b}; got {p:?}"
        );
    }
    let defs = al.matches.iter().find(|m| m.a.num == "1").expect("art 1");
    assert!(defs.reason.both_define, "{:?}", defs.reason);
    assert!(
        defs.reason
            .shared_terms
            .iter()
            .any(|t| t.contains("персональных данных")),
        "{:?}",
        defs.reason.shared_terms
    );
    let consent = al.matches.iter().find(|m| m.a.num == "8").expect("art 8");
    assert!(
        consent
            .reason
            .shared_stems
            .iter()
            .any(|s| s.stem.starts_with("соглас")),
        "{:?}",
        consent.reason.shared_stems
    );
    // Parts of the consent articles align too (both have numbered parts).
    assert!(consent.parts.iter().any(|p| p.a.is_some() && p.b.is_some()));
    // Deterministic: the same input gives the same JSON.
    let again = align::lexical(&kz, &by, &AlignOptions::default());
    assert_eq!(
        serde_json::to_string(&al).unwrap(),
        serde_json::to_string(&again).unwrap()
    );
    // Scores in [0, 1]; every article of both laws is either aligned or listed as unaligned.
    assert!(al.matches.iter().all(|m| (0.0..=1.0).contains(&m.score)));
    let seen_a: std::collections::HashSet<&str> = al
        .matches
        .iter()
        .map(|m| m.a.eid.as_str())
        .chain(al.unaligned_first.iter().map(|u| u.clause.eid.as_str()))
        .collect();
    assert_eq!(seen_a.len(), text::articles(&kz).len());
    let seen_b: std::collections::HashSet<&str> = al
        .matches
        .iter()
        .map(|m| m.b.eid.as_str())
        .chain(al.unaligned_other.iter().map(|u| u.clause.eid.as_str()))
        .collect();
    assert_eq!(seen_b.len(), text::articles(&by).len());
}

/// The CSTO agreement of 2017 and the CIS agreement of 2013 on information security (both as
/// ratified by Kazakhstan). Read first (sed on the two files), the common provisions are:
/// - purpose: CSTO art. 1 "Целью настоящего Соглашения является развитие взаимодействия Сторон в
///   интересах обеспечения информационной безопасности" / CIS art. 1 "Целью настоящего Соглашения
///   является проведение совместных скоординированных мероприятий ... информационной безопасности";
/// - definitions: CSTO art. 2 "используются следующие термины и определения" / CIS art. 2
///   "приведенные термины имеют следующие значения" (both define "защита информации",
///   "информационная безопасность", "информационное пространство", threats);
/// - the main directions (principles) of cooperation: CSTO art. 4 "Стороны осуществляют
///   сотрудничество ... по следующим основным направлениям" / CIS art. 3 "Стороны организуют
///   взаимодействие и сотрудничество по следующим основным направлениям";
/// - protection of information exchanged: CSTO art. 10 "Стороны обеспечивают защиту информации,
///   передаваемой или создаваемой в ходе сотрудничества ... доступ ... ограничены ... государственную
///   тайну" / CIS art. 6 "обязуются не разглашать и обеспечить надлежащей защитой информацию
///   ограниченного доступа ... государственной тайне";
/// - final clauses: other treaties CSTO 11 / CIS 10; amendments CSTO 13 / CIS 11; disputes
///   CSTO 14 / CIS 12; costs CSTO 15 / CIS 7; entry into force CSTO 16 / CIS 13.
#[test]
fn csto_2017_against_cis_2013() {
    let Some(dir) = common::corpus_real() else {
        return;
    };
    let csto = real(
        &dir,
        "ref/CSTO_Agreement_information-security_2017_ru_KZ-ratification.md",
    );
    let cis = real(
        &dir,
        "ref/CIS_Agreement_information-security_StPetersburg-2013_ru_KZ-ratification.md",
    );
    let al = align::lexical(&csto, &cis, &AlignOptions::default());
    print(&al);
    let p = pairs(&al);
    let expected = [
        ("1", "1"),
        ("2", "2"),
        ("4", "3"),
        ("10", "6"),
        ("11", "10"),
        ("13", "11"),
        ("14", "12"),
        ("15", "7"),
        ("16", "13"),
    ];
    for (a, b) in expected {
        assert!(
            p.contains(&(a.to_string(), b.to_string())),
            "CSTO art. {a} should align with CIS art. {b}; got {p:?}"
        );
    }
    let defs = al.matches.iter().find(|m| m.a.num == "2").expect("art 2");
    assert!(defs.reason.both_define);
    for term in ["защита информации", "информационная безопасность"]
    {
        assert!(
            defs.reason.shared_terms.iter().any(|t| t == term),
            "{term} in {:?}",
            defs.reason.shared_terms
        );
    }
}

/// The parallel-language view: the bundled Russian and English digests of one law align by
/// article number and structure (eId), never by words.
#[test]
fn parallel_language_view_of_one_law() {
    let lib = Library::load(&[library::default_corpus_dir().join("kz")]);
    let rus = lib
        .laws
        .iter()
        .find(|l| l.uri().contains("/418-v/rus"))
        .expect("418-v rus");
    let eng = lib
        .laws
        .iter()
        .find(|l| l.uri().contains("/418-v/eng"))
        .expect("418-v eng");
    assert_eq!(compare::method_for(rus, eng), Method::ParallelLanguage);
    let al = align::parallel(rus, eng, &AlignOptions::default());
    assert!(al.unaligned_first.is_empty(), "{:?}", al.unaligned_first);
    assert!(al.unaligned_other.is_empty());
    assert_eq!(al.matches.len(), text::articles(rus).len());
    for m in &al.matches {
        assert_eq!(m.a.eid, m.b.eid);
        assert_eq!(m.diff.fallback, Some(Fallback::DifferentLanguages));
    }
}

/// An edition with chapters against one without: matched by number below the containers.
#[test]
fn parallel_view_matches_by_number_when_eids_differ() {
    let a = parse_md(
        "---\ncountry: kz\ntype: act\nnumber: 1-I\nadopted: 2020-01-01\nlang: rus\n---\n\n\
         ## Глава 1. Общие положения\n\n#### Статья 1. Понятия\n\n1. Текст.\n\n2. Текст два.\n\n\
         #### Статья 2. Цель\n\nЦель.\n",
        "a.md",
    );
    let b = parse_md(
        "---\ncountry: kz\ntype: act\nnumber: 1-I\nadopted: 2020-01-01\nlang: kaz\n---\n\n\
         #### 1-бап. Ұғымдар\n\n1. Мәтін.\n\n2. Мәтін екі.\n\n#### 2-бап. Мақсат\n\nМақсат.\n\n\
         #### 3-бап. Қосымша\n\nҚосымша.\n",
        "b.md",
    );
    assert_eq!(compare::method_for(&a, &b), Method::ParallelLanguage);
    let al = align::parallel(&a, &b, &AlignOptions::default());
    assert_eq!(
        pairs(&al),
        [("1".into(), "1".into()), ("2".into(), "2".into())]
    );
    assert_eq!(al.unaligned_other.len(), 1);
    assert_eq!(al.unaligned_other[0].clause.num, "3");
    let parts: Vec<(Option<&str>, Option<&str>)> = al.matches[0]
        .parts
        .iter()
        .map(|p| {
            (
                p.a.as_ref().map(|c| c.num.as_str()),
                p.b.as_ref().map(|c| c.num.as_str()),
            )
        })
        .collect();
    assert_eq!(parts, [(Some("1"), Some("1")), (Some("2"), Some("2"))]);
}

// ---------------------------------------------------------------------------------------------
// Editions

fn parse_md(text: &str, name: &str) -> StoredLaw {
    ingest::parse_bytes(Path::new(name), text.as_bytes(), Some(Format::Markdown))
        .expect("parses")
        .into()
}

const HEAD: &str = "---\ncountry: kz\ntype: act\nnumber: 5-VII\nadopted: 2021-01-01\nlang: rus\n";

fn edition(date: &str, articles: &[(&str, &str, &str)]) -> StoredLaw {
    let mut s = format!("{HEAD}edition: {date}\n---\n\n# О защите сведений\n\n");
    for (num, heading, body) in articles {
        s.push_str(&format!("#### Статья {num}. {heading}\n\n{body}\n\n"));
    }
    parse_md(&s, &format!("ed-{date}.md"))
}

/// Ten articles with distinct texts.
fn base_articles() -> Vec<(String, String, String)> {
    let topics = [
        ("Основные понятия", "В настоящем Законе используются понятия: сведения, носитель, владелец."),
        ("Цель Закона", "Целью Закона является охрана сведений граждан от неправомерного доступа."),
        ("Сфера действия", "Закон распространяется на государственные органы и организации."),
        ("Принципы", "Обработка сведений основывается на законности и соразмерности."),
        ("Права владельца", "Владелец вправе требовать исправления неточных сведений."),
        ("Обязанности оператора", "Оператор обязан принимать меры защиты носителей."),
        ("Хранение сведений", "Сведения хранятся не дольше, чем требует цель сбора."),
        ("Передача сведений", "Передача сведений третьим лицам допускается с согласия владельца."),
        ("Уведомление об утечке", "Оператор уведомляет уполномоченный орган об утечке в течение трех рабочих дней. Уведомление содержит описание утечки."),
        ("Ответственность", "Нарушение Закона влечет ответственность, установленную законами."),
    ];
    topics
        .iter()
        .enumerate()
        .map(|(i, (h, b))| ((i + 1).to_string(), h.to_string(), b.to_string()))
        .collect()
}

fn as_refs(v: &[(String, String, String)]) -> Vec<(&str, &str, &str)> {
    v.iter()
        .map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str()))
        .collect()
}

/// Inserting article 5-1, repealing article 7 and changing one sentence of article 9 give exactly
/// those three changes.
#[test]
fn editions_insert_repeal_change() {
    let old_arts = base_articles();
    let mut new_arts = old_arts.clone();
    new_arts[8].2 =
        "Оператор уведомляет уполномоченный орган об утечке в течение двадцати четырех \
                     часов. Уведомление содержит описание утечки."
            .into();
    new_arts[6] = (
        "7".into(),
        "Исключена".into(),
        "Статья исключена Законом от 01.02.2024 № 10-VIII.".into(),
    );
    new_arts.insert(
        5,
        (
            "5-1".into(),
            "Право на забвение".into(),
            "Владелец вправе требовать удаления сведений из поисковых систем.".into(),
        ),
    );
    let old = edition("2021-01-01", &as_refs(&old_arts));
    let new = edition("2024-03-01", &as_refs(&new_arts));
    assert_eq!(compare::method_for(&old, &new), Method::Editions);
    let (report, al) = editions::compare(&old, &new, &AlignOptions::default());
    assert_eq!(
        report
            .added
            .iter()
            .map(|c| c.num.as_str())
            .collect::<Vec<_>>(),
        ["5-1"]
    );
    assert!(report.removed.is_empty(), "{:?}", report.removed);
    assert!(report.renumbered.is_empty(), "{:?}", report.renumbered);
    // "Исключена" in the heading: the parser marks the article repealed.
    let repealed: Vec<&str> = report.repealed.iter().map(|c| c.old.num.as_str()).collect();
    let changed: Vec<&str> = report.changed.iter().map(|c| c.old.num.as_str()).collect();
    assert_eq!(repealed, ["7"], "changed: {changed:?}");
    assert_eq!(changed, ["9"]);
    assert_eq!(report.change_count(), 3);
    assert_eq!(report.unchanged, 8);
    // The redline of article 9: exactly the changed words.
    let d = &report.changed[0].diff;
    assert_eq!(d.mode, Mode::Inline);
    assert_eq!(
        diff::render_text(d),
        "Уведомление об утечке\nОператор уведомляет уполномоченный орган об утечке в течение \
         [-трех рабочих дней-]{+двадцати четырех часов+}. Уведомление содержит описание утечки."
    );
    assert_eq!(al.unaligned_other.len(), 1);
    assert!(al.unaligned_first.is_empty());
}

/// An article that disappears without a trace is removed, not repealed.
#[test]
fn editions_removed_article() {
    let old_arts = base_articles();
    let mut new_arts = old_arts.clone();
    new_arts.remove(6);
    let old = edition("2021-01-01", &as_refs(&old_arts));
    let new = edition("2024-03-01", &as_refs(&new_arts));
    let (report, _) = editions::compare(&old, &new, &AlignOptions::default());
    assert_eq!(
        report
            .removed
            .iter()
            .map(|c| c.num.as_str())
            .collect::<Vec<_>>(),
        ["7"]
    );
    assert_eq!(report.change_count(), 1);
}

/// A new article 3 shifts 3..10 to 4..11: eight renumbered articles (and one changed while moving),
/// one added, nothing removed.
#[test]
fn editions_renumbering_is_not_delete_plus_insert() {
    let old_arts = base_articles();
    let mut new_arts: Vec<(String, String, String)> = Vec::new();
    for (i, (_, h, b)) in old_arts.iter().enumerate() {
        if i == 2 {
            new_arts.push((
                "3".into(),
                "Государственная политика".into(),
                "Государственная политика определяется Президентом.".into(),
            ));
        }
        let n = if i >= 2 { i + 2 } else { i + 1 };
        let b = if i == 4 {
            format!("{b} Требование рассматривается в течение десяти дней.")
        } else {
            b.clone()
        };
        new_arts.push((n.to_string(), h.clone(), b));
    }
    let old = edition("2021-01-01", &as_refs(&old_arts));
    let new = edition("2024-03-01", &as_refs(&new_arts));
    let (report, _) = editions::compare(&old, &new, &AlignOptions::default());
    assert!(report.removed.is_empty(), "{:?}", report.removed);
    assert_eq!(
        report
            .added
            .iter()
            .map(|c| c.num.as_str())
            .collect::<Vec<_>>(),
        ["3"]
    );
    let moves: Vec<(&str, &str, bool)> = report
        .renumbered
        .iter()
        .map(|c| (c.old.num.as_str(), c.new.num.as_str(), c.text_changed))
        .collect();
    assert_eq!(
        moves,
        [
            ("3", "4", false),
            ("4", "5", false),
            ("5", "6", true),
            ("6", "7", false),
            ("7", "8", false),
            ("8", "9", false),
            ("9", "10", false),
            ("10", "11", false),
        ]
    );
    assert!(report.changed.is_empty());
    assert_eq!(report.unchanged, 2);
    let moved5 = &report.renumbered[2];
    let red = diff::render_text(&moved5.diff);
    assert!(
        red.contains("{+. Требование рассматривается в течение десяти дней+}")
            || red.contains("{+ Требование рассматривается в течение десяти дней.+}"),
        "{red}"
    );
}

// ---------------------------------------------------------------------------------------------
// Diff limits

/// Two clauses of 1 MB each: the diff returns, marked coarse, within its deadline (by the size
/// cap by default; by the deadline when the cap is lifted).
#[test]
fn a_diff_of_two_megabyte_clauses_is_coarse() {
    let mut a = String::new();
    let mut b = String::new();
    let mut i = 0u64;
    while a.len() < 1_000_000 {
        i = i
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let w = i >> 40;
        a.push_str(&format!("слово{} ", w % 5000));
        b.push_str(&format!("слово{} ", (w >> 3) % 5000));
    }
    let r = text::reduction_for(Some("rus"));
    let d = diff::diff(&a, &b, r, &DiffOptions::default());
    assert_eq!(d.mode, Mode::SideBySide);
    assert_eq!(d.fallback, Some(Fallback::TooLarge));
    assert!(d.coarse && d.ops.is_empty());
    let uncapped = DiffOptions {
        max_bytes: usize::MAX,
        timeout: Duration::from_millis(20),
        ..DiffOptions::default()
    };
    let d = diff::diff(&a, &b, r, &uncapped);
    assert!(d.coarse, "{:?} {:?}", d.mode, d.fallback);
    assert_eq!(d.mode, Mode::SideBySide);
}

// ---------------------------------------------------------------------------------------------
// The whole comparison

#[test]
fn compare_checks_its_input() {
    let lib = Library::load(&[library::default_corpus_dir().join("kz")]);
    let one = &lib.laws[0];
    assert_eq!(
        compare::compare(&[one], &CompareOptions::default()).unwrap_err(),
        CompareError::TooFew(1)
    );
    assert!(matches!(
        compare::compare(&[one, one], &CompareOptions::default()).unwrap_err(),
        CompareError::Duplicate(_)
    ));
    let many: Vec<&StoredLaw> = std::iter::repeat_n(one, compare::MAX_LAWS + 1).collect();
    assert!(matches!(
        compare::compare(&many, &CompareOptions::default()).unwrap_err(),
        CompareError::TooMany(_)
    ));
}

#[test]
fn a_topic_keeps_its_articles_and_shared_topics_are_reasons() {
    let lib = Library::load(&[library::default_corpus_dir()]);
    let law = |part: &str| {
        lib.laws
            .iter()
            .find(|l| l.uri().contains(part))
            .unwrap_or_else(|| panic!("no law {part}"))
    };
    let (kz, by) = (
        law("/kz/act/2013-05-21/94-v/rus"),
        law("/by/act/2021-05-07/99-z/rus"),
    );
    let laws = [kz, by];
    let topics = Arc::new(lexharmony::gaps::article_topics(
        &laws,
        &Default::default(),
        &lexharmony::gaps::overrides_for(Some(&library::default_corpus_dir())).expect("overrides"),
    ));
    let consent = "pd-lawful-basis-consent";
    let on = |uri: &str, eid: &str| topics.of(uri, eid).iter().any(|t| t == consent);

    // Without a topic: every article is compared, and a pair both on the consent topic says so.
    let all = compare::compare(
        &laws,
        &CompareOptions {
            topics: Some(Arc::clone(&topics)),
            ..CompareOptions::default()
        },
    )
    .expect("compares");
    let every = &all.pairs[0].alignment;
    let both: Vec<_> = every
        .matches
        .iter()
        .filter(|m| on(kz.uri(), &m.a.eid) && on(by.uri(), &m.b.eid))
        .collect();
    assert!(!both.is_empty(), "no aligned pair on {consent}");
    for m in &both {
        assert!(
            m.reason.topics.iter().any(|t| t == consent),
            "{:?}",
            m.reason
        );
        assert!(m.reason.summary.contains(consent), "{}", m.reason.summary);
    }

    // With the topic: only what is on it, on either side, and everything on it is still there.
    let only = compare::compare(
        &laws,
        &CompareOptions {
            topic: Some(consent.into()),
            topics: Some(Arc::clone(&topics)),
            ..CompareOptions::default()
        },
    )
    .expect("compares");
    let kept = &only.pairs[0].alignment;
    assert!(!kept.matches.is_empty());
    assert!(
        kept.matches.len() < every.matches.len(),
        "the topic filters"
    );
    for m in &kept.matches {
        assert!(
            on(kz.uri(), &m.a.eid) || on(by.uri(), &m.b.eid),
            "{} {}",
            m.a.eid,
            m.b.eid
        );
    }
    let on_topic_before = every
        .matches
        .iter()
        .filter(|m| on(kz.uri(), &m.a.eid) || on(by.uri(), &m.b.eid))
        .count();
    assert_eq!(
        kept.matches.len(),
        on_topic_before,
        "nothing on the topic is dropped"
    );
    assert!(kept
        .unaligned_first
        .iter()
        .all(|u| on(kz.uri(), &u.clause.eid)));
    assert_eq!(only.topic.as_deref(), Some(consent));

    // An unknown topic, or a topic with no topics to filter by, is the caller's mistake.
    let unknown = CompareOptions {
        topic: Some("no-such-topic".into()),
        topics: Some(Arc::clone(&topics)),
        ..CompareOptions::default()
    };
    assert!(matches!(
        compare::compare(&laws, &unknown).unwrap_err(),
        CompareError::UnknownTopic(_)
    ));
    let blind = CompareOptions {
        topic: Some(consent.into()),
        ..CompareOptions::default()
    };
    assert!(matches!(
        compare::compare(&laws, &blind).unwrap_err(),
        CompareError::NoTopics(_)
    ));
}

// ---------------------------------------------------------------------------------------------
// Web

/// Two editions of a synthetic law for the web tests: article 9 changes one sentence, and an
/// article carries markup that must come out escaped.
fn web_editions(dir: &Path) {
    let mut old = base_articles();
    old[9].2 = "Нарушение Закона (x < y > z) & \"иное\" влечет ответственность.".into();
    let mut new = old.clone();
    new[8].2 = "Оператор уведомляет уполномоченный орган об утечке в течение двадцати четырех \
                часов. Уведомление содержит описание утечки."
        .into();
    for (date, arts) in [("2021-01-01", &old), ("2024-03-01", &new)] {
        let mut s = format!("{HEAD}edition: {date}\n---\n\n# О защите сведений\n\n");
        for (num, heading, body) in arts.iter() {
            s.push_str(&format!("#### Статья {num}. {heading}\n\n{body}\n\n"));
        }
        std::fs::write(dir.join(format!("ed-{date}.md")), s).expect("write edition");
    }
}

fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let dir = std::env::temp_dir().join(format!(
                "lexharmony-compare-test-{}-{}",
                std::process::id(),
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default()
            ));
            let extra = dir.join("extra");
            std::fs::create_dir_all(&extra).expect("temp dir");
            web_editions(&extra);
            let lib = Library::load(&[library::default_corpus_dir(), extra]);
            assert!(lib.bad.is_empty(), "{:?}", lib.bad);
            search::index::build(&dir.join("index"), &lib, &mut |_, _| {}).expect("index builds");
            Arc::new(Engine::open(&dir.join("index")).expect("index opens"))
        })
        .clone()
}

async fn get(uri: &str) -> (StatusCode, Option<String>, String) {
    let req = Request::builder()
        .uri(uri)
        .body(Body::empty())
        .expect("request");
    let resp = app(AppState::new(engine()))
        .oneshot(req)
        .await
        .expect("the router answers");
    let status = resp.status();
    let location = resp
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = axum::body::to_bytes(resp.into_body(), 64 * 1024 * 1024)
        .await
        .expect("body");
    (
        status,
        location,
        String::from_utf8(bytes.to_vec()).expect("utf-8"),
    )
}

fn uri_of(engine: &Engine, part: &str) -> String {
    engine
        .laws()
        .iter()
        .find(|l| l.uri().contains(part))
        .unwrap_or_else(|| panic!("no law {part}"))
        .uri()
        .to_string()
}

fn q(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn api_compare_shape() {
    let e = engine();
    let kz = uri_of(&e, "/kz/act/2013-05-21/94-v/rus");
    let by = uri_of(&e, "/by/act/2021-05-07/99-z/rus");
    let (status, _, body) = get(&format!("/api/compare?laws={},{}", q(&kz), q(&by))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: Value = serde_json::from_str(&body).expect("json");
    assert_eq!(v["version"], 1);
    assert_eq!(v["laws"].as_array().unwrap().len(), 2);
    assert_eq!(v["laws"][0]["uri"], kz.as_str());
    assert_eq!(v["laws"][1]["state"], "by");
    let pair = &v["pairs"][0];
    assert_eq!(pair["other"], 1);
    assert_eq!(pair["method"], "lexical");
    let m = &pair["matches"][0];
    for key in [
        "a",
        "b",
        "score",
        "relation",
        "primary",
        "reason",
        "diff",
        "parts",
        "alternatives",
    ] {
        assert!(m.get(key).is_some(), "match has {key}: {m}");
    }
    for key in [
        "eid",
        "kind",
        "label",
        "num",
        "heading",
        "status",
        "permalink",
        "text",
    ] {
        assert!(m["a"].get(key).is_some(), "clause has {key}");
    }
    assert!(m["a"]["permalink"].as_str().unwrap().starts_with(&kz));
    assert!(m["reason"]["summary"].is_string());
    assert!(m["reason"]["shared_stems"].is_array());
    assert!(["inline", "side-by-side"].contains(&m["diff"]["mode"].as_str().unwrap()));
    assert!(pair["unaligned_first"].is_array());
    assert!(pair["unaligned_other"].is_array());
    // The definitions articles meet in the digests too.
    let defs = pair["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["a"]["num"] == "1")
        .expect("art 1 aligned");
    assert_eq!(defs["b"]["num"], "1");
}

#[tokio::test]
async fn api_compare_errors_are_400_json() {
    let e = engine();
    let kz = uri_of(&e, "/kz/act/2013-05-21/94-v/rus");
    for (url, needle) in [
        ("/api/compare".to_string(), "at least two"),
        (format!("/api/compare?laws={}", q(&kz)), "at least two"),
        (
            format!(
                "/api/compare?laws={},{}",
                q(&kz),
                q("/akn/xx/act/1/none/rus@")
            ),
            "unknown law",
        ),
        (format!("/api/compare?laws={},{}", q(&kz), q(&kz)), "twice"),
        (
            format!(
                "/api/compare?laws={},{}&topic=no-such-topic",
                q(&kz),
                q(&uri_of(&e, "/by/act/2021-05-07/99-z/rus"))
            ),
            "unknown framework topic",
        ),
    ] {
        let (status, _, body) = get(&url).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{url}: {body}");
        let v: Value = serde_json::from_str(&body).expect("json error");
        assert!(
            v["error"].as_str().unwrap().contains(needle),
            "{url}: {body}"
        );
    }
}

#[tokio::test]
async fn compare_page_columns_marks_and_links() {
    let e = engine();
    let kz = uri_of(&e, "/kz/act/2013-05-21/94-v/rus");
    let by = uri_of(&e, "/by/act/2021-05-07/99-z/rus");
    let kg = uri_of(&e, "/kg/act/2008-04-14/58/rus");
    let (status, _, html) = get(&format!("/compare?laws={},{},{}", q(&kz), q(&by), q(&kg))).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(
        html.matches("<th scope=\"col\"").count(),
        3,
        "three columns"
    );
    // Each clause links to its place in its law (the permalink target).
    assert!(
        html.contains(&format!("href=\"/law{kz}#chp_1__art_1\"")),
        "permalink of KZ art 1"
    );
    // Unaligned clauses are shown as such.
    assert!(html.contains("no counterpart"));
    // The pivot's clause is the anchor.
    assert!(html.contains("id=\"chp_1__art_1\""));
}

#[tokio::test]
async fn compare_page_marks_insertions_and_deletions_in_text_too() {
    let e = engine();
    let old = uri_of(&e, "/5-vii/rus@2021-01-01");
    let new = uri_of(&e, "/5-vii/rus@2024-03-01");
    let (status, _, html) = get(&format!("/compare?laws={},{}", q(&old), q(&new))).await;
    assert_eq!(status, StatusCode::OK, "{html}");
    assert_eq!(html.matches("<th scope=\"col\"").count(), 2);
    assert!(html.contains("two editions of one law"));
    // Marked by element and by text, not by colour alone.
    assert!(
        html.contains(
            "<del><span class=\"visually-hidden\">deleted: </span><span class=\"mk\" \
             aria-hidden=\"true\">[−</span>трех рабочих дней<span class=\"mk\" \
             aria-hidden=\"true\">−]</span></del>"
        ),
        "{html}"
    );
    assert!(html.contains(
        "<ins><span class=\"visually-hidden\">inserted: </span><span class=\"mk\" \
         aria-hidden=\"true\">[+</span>двадцати четырех часов<span class=\"mk\" \
         aria-hidden=\"true\">+]</span></ins>"
    ));
    // Law text is escaped wherever it appears.
    assert!(!html.contains("x < y > z"));
    assert!(
        html.contains("(x &#60; y &#62; z) &#38; &#34;иное&#34;"),
        "escaped markup"
    );
    // The JSON of the same comparison carries the editions report.
    let (status, _, body) = get(&format!("/api/compare?laws={},{}", q(&old), q(&new))).await;
    assert_eq!(status, StatusCode::OK);
    let v: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["pairs"][0]["method"], "editions");
    let changed: Vec<&str> = v["pairs"][0]["editions"]["changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["new"]["num"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["9"]);
}

#[tokio::test]
async fn compare_page_form_errors_and_escaping() {
    let e = engine();
    let kz = uri_of(&e, "/kz/act/2013-05-21/94-v/rus");
    // No laws: the form.
    let (status, _, html) = get("/compare").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<form") && html.contains("name=\"laws\""));
    // Preselected from the law reader, with the clause to land on.
    let (status, _, html) = get(&format!("/compare?first={}&at=chp_1__art_8", q(&kz))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&format!("value=\"{kz}\" selected")));
    assert!(html.contains("value=\"chp_1__art_8\""));
    // One law: a message and the form.
    let (status, _, html) = get(&format!("/compare?laws={}", q(&kz))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("at least two"));
    // A law without text is refused with a message.
    let meta_only = e
        .laws()
        .iter()
        .find(|l| !l.has_text())
        .expect("a metadata-only law")
        .uri()
        .to_string();
    let (status, _, html) = get(&format!("/compare?laws={},{}", q(&kz), q(&meta_only))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("no text"), "{html}");
    // An unknown URI with markup is named, escaped.
    let evil = "/akn/<script>alert(1)</script>";
    let (status, _, html) = get(&format!("/compare?laws={},{}", q(&kz), q(evil))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!html.contains("<script>alert(1)"));
    assert!(html.contains("&#60;script&#62;alert(1)"), "escaped: {html}");
    // `at` lands on the clause: a redirect to the page with a fragment.
    let by = uri_of(&e, "/by/act/2021-05-07/99-z/rus");
    let (status, location, _) = get(&format!(
        "/compare?laws={},{}&at=chp_2__art_8",
        q(&kz),
        q(&by)
    ))
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let location = location.expect("location");
    assert!(location.ends_with("#chp_2__art_8"), "{location}");
    assert!(!location.contains("at="));
}

#[tokio::test]
async fn law_page_links_each_article_to_compare() {
    let e = engine();
    let kz = uri_of(&e, "/kz/act/2013-05-21/94-v/rus");
    let (status, _, html) = get(&format!("/law{kz}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("compare with other states"));
    assert!(html.contains(&format!("/compare?first={}&#38;at=chp_1__art_1", q(&kz))));
}

#[tokio::test]
async fn the_comparison_downloads_as_csv_with_every_row_of_the_json() {
    let e = engine();
    let laws = format!(
        "{},{}",
        uri_of(&e, "/kz/act/2013-05-21/94-v/rus"),
        uri_of(&e, "/by/act/2021-05-07/99-z/rus")
    );
    let (status, _, page) = get(&format!("/compare?laws={}", q(&laws))).await;
    assert_eq!(status, StatusCode::OK);
    let csv_href = format!("/api/compare.csv?laws={}", q(&laws));
    assert!(
        page.contains(&format!(
            "href=\"{}\" download",
            csv_href.replace('&', "&#38;")
        )),
        "the page links its CSV"
    );
    let (status, _, json) = get(&format!("/api/compare?laws={}", q(&laws))).await;
    assert_eq!(status, StatusCode::OK);
    let json: Value = serde_json::from_str(&json).expect("json");
    let (status, _, body) = get(&csv_href).await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let names: Vec<&str> = lexharmony::export::compare::COMPARE_COLUMNS
        .iter()
        .map(|c| c.name)
        .collect();
    assert_eq!(header, names);
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
    let pair = &json["pairs"][0];
    let matches = pair["matches"].as_array().expect("matches");
    let only_first = pair["unaligned_first"].as_array().expect("unaligned_first");
    let only_other = pair["unaligned_other"].as_array().expect("unaligned_other");
    assert_eq!(
        rows.len(),
        matches.len() + only_first.len() + only_other.len()
    );
    // The aligned rows are the JSON's matches, in order, with both permalinks and the texts whole
    // (the texts hold line breaks and quotes: the CSV quoting must carry them).
    for (row, m) in rows.iter().zip(matches) {
        assert!(matches!(&row[2], "aligned" | "second match"), "{row:?}");
        assert_eq!(&row[6], m["a"]["permalink"].as_str().unwrap());
        assert_eq!(&row[10], m["b"]["permalink"].as_str().unwrap());
        assert_eq!(&row[15], m["a"]["text"].as_str().unwrap());
        assert_eq!(&row[16], m["b"]["text"].as_str().unwrap());
    }
    let tail = &rows[matches.len()..];
    assert!(tail[..only_first.len()]
        .iter()
        .all(|r| &r[2] == "only in first" && r[7].is_empty()));
    assert!(tail[only_first.len()..]
        .iter()
        .all(|r| &r[2] == "only in other" && r[3].is_empty()));
}

#[tokio::test]
async fn the_compare_form_offers_the_topics_and_keeps_the_choice() {
    let e = engine();
    let (status, _, page) = get("/compare").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("<select id=\"topic\" name=\"topic\">"),
        "a topic choice"
    );
    assert!(page.contains("<option value=\"pd-lawful-basis-consent\">"));
    let laws = format!(
        "{},{}",
        uri_of(&e, "/kz/act/2013-05-21/94-v/rus"),
        uri_of(&e, "/by/act/2021-05-07/99-z/rus")
    );
    let (status, _, page) = get(&format!(
        "/compare?laws={}&topic=pd-lawful-basis-consent",
        q(&laws)
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("framework topic pd-lawful-basis-consent"),
        "the note says so"
    );
    assert!(
        page.contains("/api/compare.csv?laws=")
            && page.contains("&#38;topic=pd-lawful-basis-consent"),
        "the downloads keep the topic"
    );
    // An unknown topic is shown next to the form, with the choice kept where it exists.
    let (status, _, page) = get(&format!("/compare?laws={}&topic=nope", q(&laws))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("unknown framework topic: nope"), "{page}");
}
