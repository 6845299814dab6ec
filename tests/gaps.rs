//! Gap analysis on real texts and on the bundled corpus: known clause-topic links come out,
//! known non-links do not, overrides win, and the matrix never calls a state's topic "not found"
//! when we only know the state's laws by name.
//!
//! The expected links were decided by reading the articles (their eIds come from
//! `lexharmony parse`); they are not the classifier's output copied back.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use lexharmony::gaps::classify::{Classifier, LawTopics};
use lexharmony::gaps::framework::Framework;
use lexharmony::gaps::matrix::CellStatus;
use lexharmony::gaps::overrides::Overrides;
use lexharmony::gaps::{overrides_for, Analysis};
use lexharmony::ingest;
use lexharmony::library::{self, Library, StoredLaw};

fn classify(root: &Path, file: &str) -> (StoredLaw, LawTopics) {
    let parsed = ingest::parse_file(&root.join(file), None).expect("parses");
    let law: StoredLaw = parsed.into();
    let topics = Classifier::new(Framework::bundled()).classify(&law, None);
    (law, topics)
}

/// The topics of an article with its parts and points.
fn within(law: &StoredLaw, topics: &LawTopics, eid: &str) -> Vec<String> {
    assert!(law.clause(eid).is_some(), "no clause {eid}");
    topics.topics_within(law, eid)
}

#[test]
fn known_links_come_out_on_real_texts() {
    let Some(root) = common::corpus_real() else {
        return;
    };
    // Kazakhstan 94-V, art. 25 (duties of the owner and operator), point 8 of part 2: notify the
    // authorised body within one working day of discovering a breach of personal data security.
    let (kz94, t) = classify(
        &root,
        "kz/KZ_94-V_on-personal-data-and-their-protection_ru.txt",
    );
    let breach = "chp_4__art_25__para_2__point_8";
    assert!(
        within(&kz94, &t, breach).contains(&"pd-breach-notification".to_string()),
        "{breach}: {:?}",
        within(&kz94, &t, breach)
    );

    // Belarus 99-З, art. 5: the data subject's consent.
    let (by99, t) = classify(&root, "by/BY_99-Z_on-personal-data-protection_ru.txt");
    let consent = within(&by99, &t, "chp_2__art_5");
    assert!(
        consent.contains(&"pd-lawful-basis-consent".to_string()),
        "{consent:?}"
    );
    // A consent article is not about computer crime.
    assert!(
        !consent.iter().any(|t| t.starts_with("offence-")),
        "{consent:?}"
    );

    // The criminal codes' articles on unauthorised access to computer information.
    for (file, eid) in [
        ("kz/KZ_Criminal-Code_226-V_ru.txt", "part_7__chp_7__art_205"),
        (
            "by/BY_Criminal-Code_ch31_computer-security_arts349-355_ru_EXCERPT.txt",
            "part_xii__chp_31__art_349",
        ),
        (
            "kg/KG_Criminal-Code_ch40_cyber-security_arts319-322_ru_EXCERPT.txt",
            "chp_40__art_319",
        ),
        (
            "ru/RU_Criminal-Code_UK-RF_102041891_structured.json",
            "part_ix__chp_28__art_272",
        ),
    ] {
        let (law, t) = classify(&root, file);
        let got = within(&law, &t, eid);
        assert!(
            got.contains(&"offence-illegal-access".to_string()),
            "{file} {eid}: {got:?}"
        );
    }
}

#[test]
fn known_non_links_stay_out_on_real_texts() {
    let Some(root) = common::corpus_real() else {
        return;
    };
    let (ru, t) = classify(&root, "ru/RU_Criminal-Code_UK-RF_102041891_structured.json");
    // Murder, a terrorist act, hostage taking: no cybersecurity topic.
    for eid in [
        "part_vii__chp_16__art_105",
        "part_ix__chp_24__art_205",
        "part_ix__chp_24__art_206",
    ] {
        assert_eq!(within(&ru, &t, eid), Vec::<String>::new(), "{eid}");
    }
    // Malware is not unauthorised access: art. 273 of the Russian code is its own offence.
    let malware = within(&ru, &t, "part_ix__chp_28__art_273");
    assert!(
        malware.contains(&"offence-misuse-of-devices-malware".to_string()),
        "{malware:?}"
    );
    assert!(
        !malware.contains(&"offence-illegal-access".to_string()),
        "{malware:?}"
    );

    // The definitions article of 94-V defines "breach of personal data security" (15-1) and
    // gets key-definitions only, not the breach topic.
    let (kz94, t) = classify(
        &root,
        "kz/KZ_94-V_on-personal-data-and-their-protection_ru.txt",
    );
    let defs = kz94
        .clauses
        .iter()
        .find(|c| {
            c.kind == lexharmony::model::ClauseKind::Article
                && c.heading.as_deref().is_some_and(|h| h.contains("понятия"))
        })
        .expect("a definitions article");
    assert_eq!(t.topics_of(&defs.eid), ["key-definitions"], "{}", defs.eid);
    let inside = within(&kz94, &t, &defs.eid);
    assert_eq!(inside, ["key-definitions"], "{}", defs.eid);
}

fn bundled() -> (Vec<StoredLaw>, Analysis) {
    let lib = Library::load(&[library::default_corpus_dir()]);
    assert!(
        lib.bad.is_empty(),
        "{:?}",
        lib.bad.first().map(|b| &b.error)
    );
    let overrides = overrides_for(Some(&library::default_corpus_dir())).expect("overrides");
    let analysis = Analysis::new(&lib.laws, &overrides);
    (lib.laws, analysis)
}

#[test]
fn states_known_only_by_name_are_no_text_never_not_found() {
    let (laws, a) = bundled();
    let mut name_only_states = 0;
    for state in &a.matrix.states {
        let with_text = laws
            .iter()
            .any(|l| l.state() == state.as_str() && l.has_text());
        let cells: Vec<_> = a
            .matrix
            .cells
            .iter()
            .filter(|c| &c.state == state)
            .collect();
        assert_eq!(cells.len(), a.framework.topics.len(), "{state}");
        if !with_text {
            name_only_states += 1;
            for c in &cells {
                assert_eq!(c.status, CellStatus::NoText, "{state} {}", c.topic);
            }
        }
        for c in cells.iter().filter(|c| c.status == CellStatus::NotFound) {
            assert!(
                with_text,
                "{state} {} is not found without any text",
                c.topic
            );
            assert!(c.support.is_empty(), "{state} {}", c.topic);
        }
        for c in cells.iter().filter(|c| c.status == CellStatus::Covered) {
            assert!(
                !c.support.is_empty(),
                "{state} {} covered without evidence",
                c.topic
            );
        }
    }
    // Armenia and Tajikistan are metadata only in the bundled corpus.
    assert!(name_only_states >= 2, "{name_only_states}");
    // Every member state has a row in the summaries, and the harmonization index of a pair with
    // no comparable topic is undefined rather than 0 or 1.
    assert_eq!(a.matrix.summaries.len(), a.matrix.states.len());
    let am_tj = a.matrix.pair("am", "tj").expect("pair am-tj");
    assert!(am_tj.index.is_none(), "{:?}", am_tj.index);
}

#[test]
fn the_digests_cover_their_subjects() {
    let (_, a) = bundled();
    // Kazakhstan's digests hold the personal data law and the informatization law.
    for topic in [
        "pd-lawful-basis-consent",
        "pd-breach-notification",
        "cii-register",
    ] {
        let cell = a.matrix.cell("kz", topic).expect("cell");
        assert_ne!(
            cell.status,
            CellStatus::NotFound,
            "kz {topic}: {}",
            cell.reason
        );
        assert!(cell
            .support
            .iter()
            .all(|s| s.permalink.starts_with("/akn/kz/")));
    }
}

fn temp_corpus(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "lexharmony-gaps-test-{name}-{}",
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("xx")).unwrap();
    dir
}

#[test]
fn overrides_confirm_and_reject_and_always_win() {
    let dir = temp_corpus("overrides");
    fs::write(
        dir.join("xx/1.md"),
        "---\ncountry: kz\nlang: rus\nnumber: T-1\ntitle: О тестовых данных\nadopted: 2020-01-01\ntext: digest\n---\n\n\
         ## Статья 1. Согласие субъекта\n\nОбработка персональных данных допускается с согласия субъекта персональных данных.\n\n\
         ## Статья 2. Учебные программы\n\nОрганизации образования готовят специалистов.\n",
    )
    .unwrap();
    let lib = Library::load(std::slice::from_ref(&dir));
    assert!(
        lib.bad.is_empty(),
        "{:?}",
        lib.bad.first().map(|b| &b.error)
    );
    let law = &lib.laws[0];
    let uri = law.uri().to_string();
    let art1 = law
        .clauses
        .iter()
        .find(|c| c.num == "1")
        .unwrap()
        .eid
        .clone();
    let art2 = law
        .clauses
        .iter()
        .find(|c| c.num == "2")
        .unwrap()
        .eid
        .clone();

    let before = Analysis::new(&lib.laws, &Overrides::default());
    let t = &before.topics[&uri];
    assert!(t.topics_of(&art1).contains(&"pd-lawful-basis-consent"));
    assert!(!t.topics_of(&art2).contains(&"cyber-education-training"));

    fs::write(
        dir.join("overrides.toml"),
        format!(
            "[[override]]\nclause = \"{uri}/~{art1}\"\ntopic = \"pd-lawful-basis-consent\"\ndecision = \"reject\"\nnote = \"test\"\n\n\
             [[override]]\nclause = \"{uri}/~{art2}\"\ntopic = \"cyber-education-training\"\ndecision = \"confirm\"\nnote = \"test\"\n"
        ),
    )
    .unwrap();
    let overrides = overrides_for(Some(&dir)).expect("overrides parse");
    let after = Analysis::new(&lib.laws, &overrides);
    assert!(after.problems.is_empty(), "{:?}", after.problems);
    let t = &after.topics[&uri];
    assert!(!t.topics_of(&art1).contains(&"pd-lawful-basis-consent"));
    assert!(t.topics_of(&art2).contains(&"cyber-education-training"));

    // A broken overrides file names itself and its line.
    fs::write(dir.join("overrides.toml"), "[[override]]\nclause = \n").unwrap();
    let err = overrides_for(Some(&dir)).unwrap_err().to_string();
    assert!(err.contains("overrides.toml"), "{err}");
    let _ = fs::remove_dir_all(&dir);
}

/// Every label file names clauses the parse has and topics the framework has (a renamed eId or
/// topic would silently turn a label into a false negative). The figures are in QUALITY.md.
#[test]
fn label_files_name_real_clauses_and_topics() {
    use lexharmony::gaps::evaluate;
    let Some(root) = common::corpus_real() else {
        return;
    };
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (labels, root) in [
        ("tests/expected/topic-labels.toml", root.clone()),
        ("tests/expected/topic-labels-tuning.toml", root.clone()),
        (
            "tests/expected/topic-labels-tuning-digests.toml",
            here.join("corpus"),
        ),
    ] {
        let l = evaluate::load_labels(&here.join(labels)).expect("labels load");
        assert!(!l.is_empty(), "{labels}");
        let e = evaluate::evaluate(&l, &root).expect("evaluates");
        assert!(e.problems.is_empty(), "{labels}: {:?}", e.problems);
        assert_eq!(e.clauses, l.len(), "{labels}");
    }
}

/// The quality gate of issue 6: on the held-out labels (`tests/expected/topic-labels.toml`, laws
/// not used for tuning), the classifier's precision and recall are both at least 0.8. The method
/// and the figures are in QUALITY.md. Skips, saying why, when `../shared` is absent (unless
/// `LEXHARMONY_REQUIRE_SHARED=1`).
#[test]
fn held_out_precision_and_recall_are_at_least_0_8() {
    use lexharmony::gaps::evaluate;
    let Some(root) = common::corpus_real() else {
        return;
    };
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    let labels = evaluate::load_labels(&here.join("tests/expected/topic-labels.toml"))
        .expect("held-out labels load");
    let e = evaluate::evaluate(&labels, &root).expect("evaluates");
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    let c = &e.overall;
    let (tp, fp, fnn) = (c.true_positives, c.false_positives, c.false_negatives);
    let figures = format!(
        "precision {:.3}, recall {:.3} (TP {tp}, FP {fp}, FN {fnn})",
        e.precision, e.recall
    );
    // In whole numbers, so that a ratio of exactly 0.8 passes: TP / (TP + x) >= 4/5.
    assert!(5 * tp >= 4 * (tp + fp), "precision below 0.8: {figures}");
    assert!(5 * tp >= 4 * (tp + fnn), "recall below 0.8: {figures}");
}
