//! Search on the real statute texts of `../shared/corpus-real`: morphology, phrases, filters,
//! numbers, long words, highlights; and crash safety of `lexharmony ingest`.

mod common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use lexharmony::library::Library;
use lexharmony::search::{self, Engine, SearchRequest, SearchResults};

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("lexharmony-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// One index of the real texts, built once for all tests of this file.
fn engine() -> Option<&'static Engine> {
    static ENGINE: OnceLock<Option<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let root = common::corpus_real()?;
            let lib = Library::load(&[root]);
            assert!(lib.bad.is_empty(), "bad files: {:?}", lib.bad);
            let dir = temp_dir("real");
            search::index::build(&dir, &lib, &mut |_, _| {}).expect("index builds");
            Some(Engine::open(&dir).expect("index opens"))
        })
        .as_ref()
}

fn search(e: &Engine, q: &str, limit: usize) -> SearchResults {
    e.search(&SearchRequest {
        q: q.to_string(),
        limit,
        ..SearchRequest::default()
    })
    .unwrap_or_else(|err| panic!("{q}: {err}"))
}

fn clause_text(e: &Engine, hit: &search::SearchHit) -> String {
    let law = e.law(&hit.uri).expect("hit's law is known");
    let c = law.clause(&hit.eid).expect("hit's clause is known");
    format!("{} {}", c.heading.clone().unwrap_or_default(), c.text).to_lowercase()
}

fn marks(html: &str) -> Vec<String> {
    html.split("<mark>")
        .skip(1)
        .filter_map(|s| s.split("</mark>").next())
        .map(|s| s.to_lowercase())
        .collect()
}

#[test]
fn inflected_forms_are_found() {
    let Some(e) = engine() else { return };
    let r = search(e, "инцидентов", 100);
    assert!(r.total > 0);
    // Clauses that say "инцидент", "инцидента", "инциденты" but never "инцидентов" are found too.
    let other_forms = r
        .hits
        .iter()
        .filter(|h| {
            let t = clause_text(e, h);
            t.contains("инцидент") && !t.contains("инцидентов")
        })
        .count();
    assert!(other_forms > 0, "no clause with another form of the word");

    let mut hits = Vec::new();
    for offset in (0..1000).step_by(100) {
        let page = e
            .search(&SearchRequest {
                q: "персональных данных".into(),
                limit: 100,
                offset,
                ..Default::default()
            })
            .unwrap();
        hits.extend(page.hits);
    }
    assert!(hits.iter().any(|h| {
        let t = clause_text(e, h);
        t.contains("персональные данные") && !t.contains("персональных данных")
    }));
}

#[test]
fn highlights_fall_on_the_matched_words() {
    let Some(e) = engine() else { return };
    let r = search(e, "персональных данных", 20);
    let mut seen = 0;
    for h in &r.hits {
        for m in marks(&h.snippet_html) {
            seen += 1;
            assert!(
                m.starts_with("персональ") || m.starts_with("данн"),
                "mark on an unmatched word: {m:?} in {}",
                h.snippet_html
            );
        }
    }
    assert!(seen > 10, "few highlights: {seen}");
}

#[test]
fn phrases_respect_order_and_slop() {
    let Some(e) = engine() else { return };
    let forward = search(e, "\"персональных данных\"", 100);
    let backward = search(e, "\"данных персональных\"", 100);
    assert!(
        forward.total > 10 * backward.total.max(1),
        "{} vs {}",
        forward.total,
        backward.total
    );
    // Positions skip punctuation, as in every search engine: "данные – персональные" is a match.
    let re = regex::Regex::new(r"данн\S*[\s\p{P}]+персональн").unwrap();
    for h in &backward.hits {
        assert!(
            re.is_match(&clause_text(e, h)),
            "backward phrase matched out of order: {}",
            h.permalink
        );
    }
    // With slop the words may stand apart.
    let near = search(e, "\"защита данных\"~3", 100);
    let exact = search(e, "\"защита данных\"", 100);
    assert!(near.total >= exact.total);
}

#[test]
fn state_filter_restricts() {
    let Some(e) = engine() else { return };
    let r = search(e, "информации state:by", 100);
    assert!(r.total > 0);
    assert!(r.hits.iter().all(|h| h.state == "by"));
    // The query's own state:by is a filter like any other term; counts follow it.
    assert_eq!(r.by_state.keys().collect::<Vec<_>>(), ["by"]);
    let all = search(e, "информации", 100);
    assert!(all.total > r.total);
    let param = e
        .search(&SearchRequest {
            q: "информации".into(),
            states: vec!["kz".into()],
            limit: 50,
            ..Default::default()
        })
        .unwrap();
    assert!(param.total > 0 && param.hits.iter().all(|h| h.state == "kz"));
    // The states parameter leaves the per-state counts whole, so a page can offer the others.
    assert!(param.by_state.len() > 1 && param.by_state["kz"] == param.total);
}

#[test]
fn long_words_and_numbers_are_found() {
    let Some(e) = engine() else { return };
    let r = search(e, "телекоммуникационных", 10);
    assert!(r.total > 0, "a 20-letter word is indexed");
    assert!(r.hits.iter().any(|h| marks(&h.snippet_html)
        .iter()
        .any(|m| m == "телекоммуникационных")));

    let r = search(e, "7-1", 50);
    assert!(
        r.hits.iter().any(|h| h.kind == "article" && h.num == "7-1"),
        "article 7-1 is found by its number"
    );
    let r = search(e, "187-ФЗ", 10);
    assert!(r.hits.iter().all(|h| clause_text(e, h).contains("187-фз")));
}

#[test]
fn ordering_is_deterministic() {
    let Some(e) = engine() else { return };
    let a: Vec<String> = search(e, "информация", 50)
        .hits
        .into_iter()
        .map(|h| h.permalink)
        .collect();
    let b: Vec<String> = search(e, "информация", 50)
        .hits
        .into_iter()
        .map(|h| h.permalink)
        .collect();
    assert_eq!(a, b);
    let page2 = e
        .search(&SearchRequest {
            q: "информация".into(),
            limit: 10,
            offset: 10,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        page2
            .hits
            .iter()
            .map(|h| h.permalink.clone())
            .collect::<Vec<_>>(),
        a[10..20]
    );
}

#[test]
fn malformed_queries_are_user_errors() {
    let Some(e) = engine() else { return };
    let long = "слово ".repeat(2000);
    for q in [
        "\"unbalanced",
        "(a OR b",
        "a)",
        "foo:bar",
        "NOT",
        "NOT a",
        "",
        "   ",
        long.as_str(),
        "a AND",
        "a~1",
        "инфор*",
    ] {
        let err = e
            .search(&SearchRequest {
                q: q.into(),
                limit: 10,
                ..Default::default()
            })
            .expect_err(q);
        assert!(err.is_user_error(), "{q:?}: {err}");
        assert!(!err.to_string().is_empty());
    }
    let zero = e.search(&SearchRequest {
        q: "закон".into(),
        limit: 0,
        ..Default::default()
    });
    assert!(zero.expect_err("limit 0").is_user_error());
    let huge = e
        .search(&SearchRequest {
            q: "закон".into(),
            limit: usize::MAX,
            ..Default::default()
        })
        .unwrap();
    assert!(huge.hits.len() <= search::MAX_LIMIT);
}

/// A kill in the middle of `lexharmony ingest` leaves the previous index intact and searchable.
#[test]
fn killed_ingest_leaves_the_previous_index_serving() {
    let dir = temp_dir("crash");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let exe = env!("CARGO_BIN_EXE_lexharmony");
    let ok = std::process::Command::new(exe)
        .args(["ingest", "--index"])
        .arg(&dir)
        .arg("--corpus")
        .arg(&corpus)
        .output()
        .expect("ingest runs");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let before = Engine::open(&dir).unwrap();
    let q = SearchRequest {
        q: "данных".into(),
        limit: 20,
        ..Default::default()
    };
    let expected: Vec<String> = before
        .search(&q)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.permalink)
        .collect();
    assert!(!expected.is_empty());
    drop(before);

    let killed = std::process::Command::new(exe)
        .args(["ingest", "--index"])
        .arg(&dir)
        .arg("--corpus")
        .arg(&corpus)
        .env("LEXHARMONY_TEST_ABORT_AFTER_CLAUSES", "100")
        .output()
        .expect("ingest runs");
    assert!(!killed.status.success(), "the test hook aborts the build");

    let after = Engine::open(&dir).expect("the previous index still opens");
    let got: Vec<String> = after
        .search(&q)
        .unwrap()
        .hits
        .into_iter()
        .map(|h| h.permalink)
        .collect();
    assert_eq!(got, expected);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Counting stops at the limit for a union of words and says so; other queries count exactly; the
/// pruned and the visited paths rank the same way (score, then rank, law, document order).
#[test]
fn counts_stop_at_the_limit_only_where_they_say_so() {
    use lexharmony::model::{expression_uri, work_uri, Clause, ClauseKind, LawMeta, Status};
    let n = search::COUNT_LIMIT + 500;
    let mut laws = Vec::new();
    for (state, count) in [("kz", n), ("ru", 300)] {
        let uri = expression_uri(&work_uri(state, "law", "2020-01-01", "1"), "rus", None);
        let clauses = (0..count)
            .map(|i| Clause {
                eid: format!("art_{i}"),
                kind: ClauseKind::Article,
                num: i.to_string(),
                label: "Статья".into(),
                heading: None,
                // Every clause has "оператор"; one in three "данных" too; lengths vary the scores.
                text: format!(
                    "оператор {} {}",
                    if i % 3 == 0 {
                        "данных"
                    } else {
                        "сведений"
                    },
                    "слово ".repeat(i % 7)
                ),
                status: Status::InForce,
                line_start: i + 1,
                line_end: i + 1,
                parent: None,
                own_lines: vec![(i + 1, i + 1)],
            })
            .collect();
        laws.push(lexharmony::library::StoredLaw {
            law: LawMeta {
                country: Some(state.into()),
                doc_type: Some("law".into()),
                number: Some("1".into()),
                title: Some(format!("Закон {state}")),
                lang: Some("rus".into()),
                uri: Some(uri),
                ..LawMeta::default()
            },
            clauses,
            blocks: Vec::new(),
            diagnostics: Vec::new(),
        });
    }
    let lib = Library {
        laws,
        bad: Vec::new(),
    };
    let dir = temp_dir("limit");
    search::index::build(&dir, &lib, &mut |_, _| {}).expect("index builds");
    let e = Engine::open(&dir).expect("index opens");

    let word = search(&e, "оператор", 10);
    assert!(!word.total_exact);
    assert_eq!(word.by_state["kz"], search::COUNT_LIMIT);
    assert_eq!(word.by_state["ru"], 300);
    assert_eq!(word.total, search::COUNT_LIMIT + 300);

    // Two words, both under the limit: exact.
    let two = search(&e, "оператор данных", 10);
    assert!(two.total_exact);
    assert_eq!(two.by_state["kz"], n.div_ceil(3));
    assert_eq!(two.by_state["ru"], 100);
    assert_eq!(two.total, n.div_ceil(3) + 100);

    // Words of every clause ("Статья" is the label, searched with the text): counting stops at
    // the limit and says so; an exhaustive search counts them all.
    let every = search(&e, "оператор статья", 10);
    assert!(!every.total_exact);
    assert_eq!(every.by_state["kz"], search::COUNT_LIMIT);
    assert_eq!(every.by_state["ru"], 300);
    let exhaustive = e
        .search(&SearchRequest {
            q: "оператор статья".into(),
            limit: 10,
            exhaustive: true,
            ..Default::default()
        })
        .unwrap();
    assert!(exhaustive.total_exact);
    assert_eq!(exhaustive.by_state["kz"], n);
    assert_eq!(
        every.hits.iter().map(|h| &h.permalink).collect::<Vec<_>>(),
        exhaustive
            .hits
            .iter()
            .map(|h| &h.permalink)
            .collect::<Vec<_>>()
    );

    // The states filter: the total is the asked state's count; by_state shows both.
    let ru = e
        .search(&SearchRequest {
            q: "оператор".into(),
            states: vec!["RU".into()],
            limit: 10,
            ..Default::default()
        })
        .unwrap();
    assert!(ru.total_exact && ru.total == 300);
    assert!(ru.hits.iter().all(|h| h.state == "ru"));
    assert_eq!(ru.by_state.len(), 2);

    // The pruned path (a word) and the visited one (the word twice, AND) rank alike: same order
    // of scores, ties by law and document order, across pages.
    let pages = |q: &str| -> Vec<(String, f32)> {
        (0..3)
            .flat_map(|p| {
                e.search(&SearchRequest {
                    q: q.into(),
                    limit: 10,
                    offset: p * 10,
                    ..Default::default()
                })
                .unwrap()
                .hits
                .into_iter()
                .map(|h| (h.permalink, h.score))
            })
            .collect()
    };
    let pruned = pages("данных");
    let visited = pages("данных AND данных");
    assert_eq!(pruned.len(), 30);
    assert_eq!(
        pruned.iter().map(|h| &h.0).collect::<Vec<_>>(),
        visited.iter().map(|h| &h.0).collect::<Vec<_>>()
    );
    for w in pruned.windows(2) {
        assert!(w[0].1 >= w[1].1, "scores descend: {w:?}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The pruned paths (block-max over one term per word or word pair per language field, counts
/// stopping at the limit) find what the exhaustive search finds: the same counts where they say
/// they are exact, and the same ranked hits with the same scores, page after page.
#[test]
fn pruned_searches_agree_with_the_exhaustive_search() {
    let Some(e) = engine() else { return };
    let mut compared_hits = 0;
    for q in [
        "персональных данных",
        "\"персональных данных\"",
        "\"обработки персональных данных\"",
        "\"субъекта персональных данных\"",
        "оператор AND согласие",
        "информации NOT интернет",
        "персональных данных -биометрических",
        "\"лишением свободы на срок\"",
        "компьютерной информации state:ru",
        "\"неправомерный доступ\" state:ru",
        "\"неправомерный доступ к компьютерной информации\"",
        "критической инфраструктуры",
        "\"essential entities\"",
        "\"personal data\" processing",
        "incident notification",
        "уничтожение AND блокирование AND модификация",
        "7-1 статья",
        "персональных",
        "инцидент state:kz",
        "информации OR угроз",
    ] {
        // All states, then the states asked for (the segments of the others skipped).
        for states in [vec![], vec!["ru".to_string(), "kz".to_string()]] {
            let q = q.to_string();
            let page = |exhaustive: bool, offset: usize| {
                e.search(&SearchRequest {
                    q: q.clone(),
                    states: states.clone(),
                    limit: 10,
                    offset,
                    exhaustive,
                    ..Default::default()
                })
                .unwrap_or_else(|err| panic!("{q}: {err}"))
            };
            let (fast, slow) = (page(false, 0), page(true, 0));
            assert!(slow.total_exact);
            assert!(
                slow.total > 0 || !states.is_empty(),
                "{q}: no match in the real texts"
            );
            if fast.total_exact {
                assert_eq!(fast.by_state, slow.by_state, "{q}");
                assert_eq!(fast.total, slow.total, "{q}");
            }
            for offset in [0, 10, 20] {
                let key = |r: SearchResults| {
                    r.hits
                        .into_iter()
                        .map(|h| (h.permalink, (h.score * 1000.0).round() as i64))
                        .collect::<Vec<_>>()
                };
                let (a, b) = (key(page(false, offset)), key(page(true, offset)));
                compared_hits += a.len();
                assert_eq!(a, b, "{q} at offset {offset} in {states:?}");
            }
        }
    }
    assert!(compared_hits > 200, "few hits compared: {compared_hits}");
}

/// `exact:` matches the words as printed: every hit holds that form, and the stemmed phrase finds
/// more (its other inflections).
#[test]
fn exact_phrases_match_the_printed_form_only() {
    let Some(e) = engine() else { return };
    let exact = search(e, "exact:\"персональных данных\"", 100);
    let stemmed = search(e, "\"персональных данных\"", 100);
    assert!(exact.total > 0);
    assert!(
        exact.total < stemmed.total,
        "{} vs {}",
        exact.total,
        stemmed.total
    );
    let re = regex::Regex::new(r"персональных[\s\p{P}]+данных").unwrap();
    for h in &exact.hits {
        assert!(re.is_match(&clause_text(e, h)), "{}", h.permalink);
    }
}

/// A phrase of three words or more is looked up by its word triples (shingles) and their offsets:
/// it matches exactly the clauses whose heading line or text holds the words' stems one after the
/// other, as an independent scan of every Russian clause finds them.
#[test]
fn long_phrases_match_where_their_words_follow_each_other() {
    use lexharmony::search::analysis::{analyse, Reduction};
    let Some(e) = engine() else { return };
    let russian = Reduction::Stem(frostem::Algorithm::Russian);
    let stems =
        |text: &str| -> Vec<String> { analyse(text, russian).into_iter().map(|t| t.0).collect() };
    let mut checked = 0;
    for phrase in [
        "обработки персональных данных",
        "лишением свободы на срок",
        "неправомерный доступ к компьютерной информации",
        "в соответствии с законодательством Российской Федерации",
        "в порядке, установленном законодательством Российской Федерации",
        "на срок до двух лет",
    ] {
        let wanted = stems(phrase);
        let holds = |text: &str| stems(text).windows(wanted.len()).any(|w| w == wanted);
        let mut expected = std::collections::BTreeSet::new();
        for law in e.laws() {
            if law.law.lang.as_deref() != Some("rus") {
                continue;
            }
            for c in &law.clauses {
                let titled = format!(
                    "{} {} {}",
                    c.label,
                    c.num,
                    c.heading.as_deref().unwrap_or("")
                );
                if holds(&titled) || holds(&c.text) {
                    expected.insert((law.uri().to_string(), c.eid.clone()));
                }
            }
        }
        let mut found = std::collections::BTreeSet::new();
        let mut offset = 0;
        loop {
            let page = e
                .search(&SearchRequest {
                    q: format!("\"{phrase}\" lang:rus"),
                    limit: search::MAX_LIMIT,
                    offset,
                    exhaustive: true,
                    ..Default::default()
                })
                .unwrap_or_else(|err| panic!("{phrase}: {err}"));
            let n = page.hits.len();
            found.extend(
                page.hits
                    .into_iter()
                    .filter(|h| !h.eid.is_empty())
                    .map(|h| (h.uri, h.eid)),
            );
            offset += n;
            if n < search::MAX_LIMIT || offset > search::MAX_OFFSET {
                break;
            }
        }
        assert!(!expected.is_empty(), "{phrase}: not in the real texts");
        assert_eq!(found, expected, "{phrase}");
        checked += expected.len();
    }
    assert!(checked > 100, "few clauses checked: {checked}");
}

/// The index is built state by state: every segment holds one state's documents (what lets a
/// search skip the segments of other states and count a state by a term's document frequency).
#[test]
fn every_segment_holds_one_state() {
    let Some(e) = engine() else { return };
    let searcher = e.index().reader().expect("reader").searcher();
    let mut states = std::collections::BTreeSet::new();
    for reader in searcher.segment_readers() {
        let column = reader
            .fast_fields()
            .str("state")
            .expect("state column")
            .expect("state column");
        assert_eq!(column.num_terms(), 1, "a segment of several states");
        let mut state = String::new();
        column.ord_to_str(0, &mut state).expect("state");
        states.insert(state);
    }
    assert!(states.len() >= 6, "states: {states:?}");
}
