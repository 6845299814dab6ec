//! The bundled knowledge base (corpus/): every digested law mirrors the official article list, has
//! both digests, ingests without errors, and covers the six member states.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lexharmony::ingest;
use lexharmony::library::{Library, StoredLaw};
use lexharmony::model::{clean_num, Status};
use lexharmony::search::{self, Engine, SearchRequest};
use lexharmony::stats;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn library() -> Library {
    Library::load(&[corpus_dir()])
}

fn article_nums(law: &StoredLaw) -> Vec<String> {
    law.articles().map(|a| clean_num(&a.num)).collect()
}

/// Digested laws by slug (file name without the language): their rus and eng editions.
fn digest_pairs(lib: &Library) -> BTreeMap<String, Vec<&StoredLaw>> {
    let mut pairs: BTreeMap<String, Vec<&StoredLaw>> = BTreeMap::new();
    for law in lib.laws.iter().filter(|l| l.is_digest()) {
        let file = law.law.source_file.clone().unwrap_or_default();
        let slug = file.rsplitn(3, '.').nth(2).unwrap_or(&file).to_string();
        pairs.entry(slug).or_default().push(law);
    }
    pairs
}

#[test]
fn the_corpus_ingests_without_errors() {
    let lib = library();
    assert!(lib.bad.is_empty(), "bad files: {:?}", lib.bad);
    for law in &lib.laws {
        let errors: Vec<_> = law
            .diagnostics
            .iter()
            .filter(|d| d.severity == lexharmony::model::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", law.uri());
    }
    assert!(lib.laws.len() >= 40);
}

#[test]
fn every_digested_law_has_both_editions_with_the_same_ids_and_every_article_digested() {
    let lib = library();
    let pairs = digest_pairs(&lib);
    assert!(
        pairs.len() >= 14,
        "digested laws: {:?}",
        pairs.keys().collect::<Vec<_>>()
    );
    for (slug, editions) in &pairs {
        let langs: Vec<&str> = editions
            .iter()
            .filter_map(|l| l.law.lang.as_deref())
            .collect();
        assert!(
            langs.contains(&"rus") && langs.contains(&"eng"),
            "{slug}: editions {langs:?}"
        );
        let ids = |l: &StoredLaw| l.clauses.iter().map(|c| c.eid.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(editions[0]),
            ids(editions[1]),
            "{slug}: the two editions differ in structure"
        );
        for law in editions {
            for a in law.articles() {
                let has_text = !a.text.trim().is_empty()
                    || law
                        .clauses
                        .iter()
                        .any(|c| c.parent.as_deref() == Some(&a.eid) && !c.text.trim().is_empty());
                assert!(
                    a.status == Status::Repealed || has_text,
                    "{slug} ({}): article {} has no digest",
                    law.law.lang.as_deref().unwrap_or("?"),
                    a.num
                );
            }
        }
    }
}

/// The digests' article numbers equal those the ingestor finds in the official text (for excerpts,
/// the official articles between `official_articles`' first and last), in the same order.
#[test]
fn digests_follow_the_official_article_list() {
    let Some(real) = common::corpus_real() else {
        return;
    };
    let lib = library();
    let mut checked = 0;
    for law in lib.laws.iter().filter(|l| l.is_digest()) {
        let Some(official) = law.extra("official_file") else {
            panic!("{}: a digest names its official_file", law.uri());
        };
        let parsed = ingest::parse_file(&real.join(official), None)
            .unwrap_or_else(|e| panic!("{}: {e}", law.uri()));
        let mut want: Vec<String> = parsed.articles().map(|a| clean_num(&a.num)).collect();
        if let Some(range) = law.extra("official_articles") {
            let nums = article_nums(law);
            let (first, last) = (
                nums.first().cloned().unwrap_or_default(),
                nums.last().cloned().unwrap_or_default(),
            );
            let start = want
                .iter()
                .position(|n| *n == first)
                .unwrap_or_else(|| panic!("{range}: {first} not in {official}"));
            let end = want
                .iter()
                .rposition(|n| *n == last)
                .unwrap_or_else(|| panic!("{range}: {last} not in {official}"));
            want = want[start..=end].to_vec();
            assert!(
                range.starts_with(&first),
                "{}: official_articles {range} starts at {first}",
                law.uri()
            );
        }
        assert_eq!(article_nums(law), want, "{} against {official}", law.uri());
        checked += 1;
    }
    assert!(checked >= 28, "checked {checked} digest files");
}

#[test]
fn stats_list_all_six_member_states() {
    let lib = library();
    let s = stats::corpus_stats(&lib.laws);
    for state in stats::MEMBER_STATES {
        let entry = s.iter().find(|x| x.state == state).expect("state listed");
        assert!(!entry.laws.is_empty(), "{state} has no law in the corpus");
    }
    let table = stats::render_table(&s);
    for state in stats::MEMBER_STATES {
        assert!(
            table.lines().any(|l| l.starts_with(state)),
            "{state} missing from the table"
        );
    }
    // Metadata-only entries say so, and never count as digested.
    let tj = s.iter().find(|x| x.state == "tj").unwrap();
    assert!(tj
        .laws
        .iter()
        .all(|l| l.text == "metadata-only" && l.articles == 0));
}

#[test]
fn personal_data_is_found_in_at_least_four_states() {
    let lib = library();
    let dir = std::env::temp_dir().join(format!("lexharmony-test-corpus-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    search::index::build(&dir, &lib, &mut |_, _| {}).expect("index builds");
    let engine = Engine::open(&dir).unwrap();
    for q in ["персональные данные", "personal data"] {
        let r = engine
            .search(&SearchRequest {
                q: q.into(),
                limit: 10,
                ..Default::default()
            })
            .unwrap();
        let members: Vec<&String> = r
            .by_state
            .keys()
            .filter(|s| stats::MEMBER_STATES.contains(&s.as_str()))
            .collect();
        assert!(members.len() >= 4, "{q}: member states {members:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
