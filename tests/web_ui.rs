//! The web UI as HTML: every page kind parses as HTML5 without a single parse error (html5ever, the
//! WHATWG parser, with exact error reporting), has unique ids, a label on every form field, `lang`
//! on the document, in-page links that land; and text from requests or from law files is escaped
//! on every page that shows it. In process (`tower::ServiceExt::oneshot`), no socket.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use html5ever::driver::ParseOpts;
use html5ever::tendril::TendrilSink;
use html5ever::tree_builder::TreeBuilderOpts;
use markup5ever_rcdom::{Handle, NodeData, RcDom};
use tower::ServiceExt;

use lexharmony::library::{self, Library};
use lexharmony::search::{self, Engine};
use lexharmony::web::{app, AppState};

/// The only script tag a page may have: our own optional enhancements.
const OWN_SCRIPT: &str = concat!(
    "<script src=\"/static/app.js?v=",
    env!("CARGO_PKG_VERSION"),
    "\" defer></script>"
);

const KZ_418: &str = "/akn/kz/act/2015-11-24/418-v/rus@2020-06-25";
const KZ_418_ENG: &str = "/akn/kz/act/2015-11-24/418-v/eng@2020-06-25";

/// A folder of its own under the system temp dir (removed by the test that made it).
fn temp_dir(tag: &str) -> PathBuf {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!(
        "lexharmony-web-ui-{tag}-{}-{stamp}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn engine_of(corpus: &[PathBuf], index: &std::path::Path) -> Arc<Engine> {
    let lib = Library::load(corpus);
    assert!(lib.bad.is_empty(), "bad corpus files: {:?}", lib.bad);
    search::index::build(index, &lib, &mut |_, _| {}).expect("index builds");
    Arc::new(Engine::open(index).expect("index opens"))
}

/// One server state over the bundled corpus for every test of this file (the gap analysis is
/// computed once).
fn bundled() -> AppState {
    static STATE: OnceLock<AppState> = OnceLock::new();
    STATE
        .get_or_init(|| {
            let dir = temp_dir("bundled");
            AppState::new(engine_of(&[library::default_corpus_dir()], &dir))
        })
        .clone()
}

async fn get(state: &AppState, uri: &str) -> (StatusCode, String) {
    let req = Request::builder()
        .uri(uri)
        .body(Body::empty())
        .expect("request");
    let resp = app(state.clone())
        .oneshot(req)
        .await
        .expect("the router always answers");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), 64 * 1024 * 1024)
        .await
        .expect("body");
    (status, String::from_utf8(bytes.to_vec()).expect("utf-8"))
}

fn enc(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

// ---------------------------------------------------------------------------------------------
// The checker

/// What is wrong with a page as HTML: the parser's errors, then our own rules.
fn html_problems(html: &str) -> Vec<String> {
    let opts = ParseOpts {
        tree_builder: TreeBuilderOpts {
            exact_errors: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let dom = html5ever::parse_document(RcDom::default(), opts).one(html);
    let mut problems: Vec<String> = dom
        .errors
        .borrow()
        .iter()
        .map(|e| format!("parse error: {e}"))
        .collect();
    let mut walk = Walk::default();
    walk.node(&dom.document, false);
    for (id, n) in &walk.ids {
        if *n > 1 {
            problems.push(format!("id {id:?} is used {n} times"));
        }
    }
    for field in &walk.fields {
        match field {
            Field::Labelled => {}
            Field::ById(id) if walk.label_for.contains(id) => {}
            Field::ById(id) => problems.push(format!("form field #{id} has no <label for>")),
            Field::Unlabelled(what) => problems.push(format!("form field without a label: {what}")),
        }
    }
    for target in &walk.fragments {
        if !walk.ids.contains_key(target) {
            problems.push(format!("in-page link #{target} has no target"));
        }
    }
    if !walk.html_lang {
        problems.push("<html> has no lang".into());
    }
    problems
}

enum Field {
    Labelled,
    ById(String),
    Unlabelled(String),
}

#[derive(Default)]
struct Walk {
    ids: HashMap<String, usize>,
    label_for: BTreeSet<String>,
    fields: Vec<Field>,
    /// `href="#x"` targets, decoded.
    fragments: Vec<String>,
    html_lang: bool,
}

impl Walk {
    fn node(&mut self, node: &Handle, in_label: bool) {
        let mut in_label = in_label;
        if let NodeData::Element { name, attrs, .. } = &node.data {
            let tag = name.local.to_string();
            let attrs: HashMap<String, String> = attrs
                .borrow()
                .iter()
                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                .collect();
            if let Some(id) = attrs.get("id") {
                *self.ids.entry(id.clone()).or_default() += 1;
            }
            match tag.as_str() {
                "html" => self.html_lang = attrs.get("lang").is_some_and(|l| !l.is_empty()),
                "label" => {
                    if let Some(f) = attrs.get("for") {
                        self.label_for.insert(f.clone());
                    }
                    in_label = true;
                }
                "input" | "select" | "textarea" => {
                    let kind = attrs.get("type").map(String::as_str).unwrap_or("text");
                    if !matches!(kind, "hidden" | "submit" | "button" | "reset") {
                        self.fields.push(
                            if in_label
                                || attrs.contains_key("aria-label")
                                || attrs.contains_key("aria-labelledby")
                            {
                                Field::Labelled
                            } else if let Some(id) = attrs.get("id") {
                                Field::ById(id.clone())
                            } else {
                                Field::Unlabelled(format!("<{tag} name={:?}>", attrs.get("name")))
                            },
                        );
                    }
                }
                "a" => {
                    if let Some(frag) = attrs.get("href").and_then(|h| h.strip_prefix('#')) {
                        if !frag.is_empty() {
                            let decoded = percent_encoding::percent_decode_str(frag)
                                .decode_utf8_lossy()
                                .to_string();
                            self.fragments.push(decoded);
                        }
                    }
                }
                _ => {}
            }
        }
        for child in node.children.borrow().iter() {
            self.node(child, in_label);
        }
    }
}

fn assert_valid(uri: &str, html: &str) {
    let problems = html_problems(html);
    assert!(
        problems.is_empty(),
        "{uri} is not valid HTML:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn the_checker_finds_what_it_looks_for() {
    // Each rule fails on a page that breaks it, so a clean page means something.
    let ok = "<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body>\
              <label for=\"a\">A</label><input id=\"a\"><a href=\"#a\">a</a></body></html>";
    assert!(html_problems(ok).is_empty(), "{:?}", html_problems(ok));
    let bad = [
        ("<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><p><div></p></div></body></html>", "parse error"),
        ("<html lang=\"en\"><head><title>t</title></head><body></body></html>", "parse error"),
        ("<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><b><i></b></i></body></html>", "parse error"),
        ("<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><p a=1 a=2>x</p></body></html>", "parse error"),
        ("<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><p id=x></p><p id=x></p></body></html>", "used 2 times"),
        ("<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><input id=q></body></html>", "no <label for>"),
        ("<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><select name=s></select></body></html>", "without a label"),
        ("<!DOCTYPE html><html lang=\"en\"><head><title>t</title></head><body><a href=\"#nowhere\">x</a></body></html>", "no target"),
        ("<!DOCTYPE html><html><head><title>t</title></head><body></body></html>", "no lang"),
    ];
    for (html, expected) in bad {
        let problems = html_problems(html);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{html}: expected {expected:?}, got {problems:?}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Every page kind

/// One page of every kind the site has (and a few variants), with the status it must answer.
fn page_kinds(state: &AppState) -> Vec<(String, StatusCode)> {
    let engine = state.engine();
    let mut pages: Vec<(String, StatusCode)> = [
        ("/", StatusCode::OK),
        ("/laws", StatusCode::OK),
        ("/search", StatusCode::OK),
        ("/compare", StatusCode::OK),
        ("/gaps", StatusCode::OK),
        ("/definitions", StatusCode::OK),
        ("/concordance", StatusCode::OK),
        ("/concordance?instrument=csto", StatusCode::OK),
        ("/export", StatusCode::OK),
        ("/no/such/page", StatusCode::NOT_FOUND),
        (
            "/law/akn/zz/act/1900-01-01/none/rus@",
            StatusCode::NOT_FOUND,
        ),
    ]
    .into_iter()
    .map(|(u, s)| (u.to_string(), s))
    .collect();
    pages.push((
        format!("/search?q={}", enc("персональных данных")),
        StatusCode::OK,
    ));
    pages.push((
        format!("/search?q={}&state=kz", enc("инцидент")),
        StatusCode::OK,
    ));
    pages.push((
        format!("/search?q={}", enc("(данные OR")),
        StatusCode::BAD_REQUEST,
    ));
    // Every law page: each has its own structure (sections nest by the law's own tree).
    for law in engine.laws() {
        if !law.uri().is_empty() {
            pages.push((format!("/law{}", law.uri()), StatusCode::OK));
        }
    }
    pages.push((format!("/law{KZ_418}?parallel=eng"), StatusCode::OK));
    pages.push((format!("/law{KZ_418_ENG}?parallel=rus"), StatusCode::OK));
    pages.push((
        format!("/law{KZ_418}?parallel=xyz"),
        StatusCode::BAD_REQUEST,
    ));
    pages.push((format!("{KZ_418}/~art_99999"), StatusCode::NOT_FOUND));
    pages.push((
        format!(
            "/compare?laws={}",
            enc(&format!("{KZ_418},/akn/by/act/2008-11-10/455-z/rus@"))
        ),
        StatusCode::OK,
    ));
    // A law known by name only cannot be compared: the form says so.
    pages.push((
        format!(
            "/compare?laws={}",
            enc(&format!("{KZ_418},/akn/ru/act/2006-07-27/149-fz/rus@"))
        ),
        StatusCode::BAD_REQUEST,
    ));
    pages.push((
        format!("/compare?laws={}", enc(&format!("{KZ_418},{KZ_418_ENG}"))),
        StatusCode::OK,
    ));
    pages.push((
        format!("/compare?first={}&at=part_1__chp_2__art_5", enc(KZ_418)),
        StatusCode::OK,
    ));
    pages.push(("/compare?laws=nothing".into(), StatusCode::BAD_REQUEST));
    let gaps = state.gaps();
    let cell = gaps
        .matrix
        .states
        .iter()
        .flat_map(|s| gaps.framework.topics.iter().map(move |t| (s, t)))
        .find(|(s, t)| {
            gaps.matrix
                .cell(s, &t.id)
                .is_some_and(|c| !c.support.is_empty())
        })
        .expect("a covered cell");
    pages.push((format!("/gaps/{}/{}", cell.0, cell.1.id), StatusCode::OK));
    pages.push(("/gaps/zz/nothing".into(), StatusCode::NOT_FOUND));
    pages
}

#[tokio::test]
async fn every_page_is_valid_html_with_the_layout() {
    let state = bundled();
    let pages = page_kinds(&state);
    assert!(pages.len() > 40, "{} pages", pages.len());
    for (uri, expected) in pages {
        let (status, html) = get(&state, &uri).await;
        assert_eq!(status, expected, "{uri}");
        assert_valid(&uri, &html);
        // The layout: product name, the nav with its seven entries, a search box, the corpus
        // banner, the footer with the version and the API link.
        assert!(html.contains("class=\"brand\""), "{uri}: product name");
        for (href, text) in [
            ("/", "Overview"),
            ("/search", "Search"),
            ("/laws", "Laws"),
            ("/compare", "Compare"),
            ("/gaps", "Gaps"),
            ("/definitions", "Definitions"),
            ("/export", "Export"),
        ] {
            let at = html
                .find(&format!("<a href=\"{href}\""))
                .unwrap_or_else(|| panic!("{uri}: nav entry {href}"));
            assert!(
                html[at..].contains(&format!(">{text}</a>")),
                "{uri}: {text}"
            );
        }
        assert!(
            html.contains("name=\"q\" type=\"search\""),
            "{uri}: a search box"
        );
        assert!(
            html.contains("class=\"corpus-banner\""),
            "{uri}: corpus banner"
        );
        assert!(
            html.contains(&format!("lexharmony {}", env!("CARGO_PKG_VERSION"))),
            "{uri}: version in the footer"
        );
        assert!(html.contains("href=\"/api/"), "{uri}: the API link");
        assert_eq!(
            html.matches("<script").count(),
            html.matches(OWN_SCRIPT).count(),
            "{uri}: only our own script"
        );
    }
}

#[tokio::test]
async fn the_current_page_is_marked_in_the_nav() {
    let state = bundled();
    for (uri, href) in [
        ("/", "/"),
        ("/search", "/search"),
        ("/laws", "/laws"),
        ("/compare", "/compare"),
        ("/gaps", "/gaps"),
        ("/definitions", "/definitions"),
        ("/export", "/export"),
    ] {
        let (_, html) = get(&state, uri).await;
        let nav = &html[html.find("<nav aria-label=\"Main\">").expect("nav")..];
        let nav = &nav[..nav.find("</nav>").unwrap()];
        assert!(
            nav.contains(&format!("<a href=\"{href}\" aria-current=\"page\">")),
            "{uri}: {nav}"
        );
        assert_eq!(nav.matches("aria-current").count(), 1, "{uri}: {nav}");
    }
    let (_, html) = get(&state, &format!("/law{KZ_418}")).await;
    assert!(html.contains("<a href=\"/laws\" aria-current=\"true\">"));
}

// ---------------------------------------------------------------------------------------------
// The law reader

#[tokio::test]
async fn law_reader_has_topics_copy_data_parallel_view_and_source() {
    let state = bundled();
    let (status, html) = get(&state, &format!("/law{KZ_418}")).await;
    assert_eq!(status, StatusCode::OK);
    // Per clause: permalink (a plain link without JavaScript) and the data the copy buttons use.
    let engine = state.engine();
    let law = engine.law(KZ_418).unwrap();
    assert_eq!(
        html.matches("data-permalink=\"/akn/").count(),
        law.clauses.len(),
        "every clause can be copied"
    );
    assert!(html.contains(&format!(
        "data-permalink=\"{KZ_418}/~part_1__chp_2__art_5\""
    )));
    assert!(
        html.contains(
            "data-citation=\"Об информатизации, № 418-V (2015-11-24; edition 2020-06-25), Статья 5"
        ),
        "a citation with number, dates and the clause"
    );
    // Topics of the gap analysis, each linking to its gap-matrix cell.
    let topics = state
        .gaps()
        .topics
        .get(KZ_418)
        .expect("the law is classified");
    let with_topics = topics.clauses.iter().find(|c| !c.links.is_empty()).unwrap();
    let section = &html[html.find(&format!("id=\"{}\"", with_topics.eid)).unwrap()..];
    let section = &section[..section.find("class=\"plink\"").unwrap()];
    assert!(section.contains("class=\"topics\""), "{section}");
    assert!(
        section.contains(&format!("href=\"/gaps/kz/{}\"", with_topics.links[0].topic)),
        "{section}"
    );
    // Compare with other states, the official source, the digest label, the toggle.
    assert!(html.contains(&format!(
        "href=\"/compare?first={}&#38;at=part_1__chp_2__art_5\"",
        enc(KZ_418)
    )));
    assert!(html.contains("href=\"https://adilet.zan.kz/rus/docs/Z1500000418\""));
    assert!(html.contains("badge-digest"));
    assert!(html.contains(&format!("href=\"/law{KZ_418}?parallel=eng\"")));
    assert!(
        !html.contains("class=\"pair\""),
        "no parallel view by default"
    );

    let (status, html) = get(&state, &format!("/law{KZ_418}?parallel=eng")).await;
    assert_eq!(status, StatusCode::OK);
    let eng = engine.law(KZ_418_ENG).unwrap();
    let art5 = eng
        .clause("part_1__chp_2__art_5")
        .expect("the English edition has art. 5");
    assert!(
        html.contains("class=\"other\" lang=\"en\""),
        "English side marked"
    );
    assert!(
        html.contains(&askama_escape(&art5.text)),
        "the English text of art. 5 is shown beside the Russian"
    );
    assert!(html.matches("class=\"pair\"").count() >= law.articles().count());
    assert!(html.contains(&format!("href=\"/law{KZ_418}\">hide</a>")));

    let (status, html) = get(&state, &format!("/law{KZ_418}?parallel=xyz")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("role=\"alert\""));
    assert!(html.contains("class=\"clause"), "the law is still shown");
}

/// What askama makes of a text (enough for law text: no markup in the bundled digests).
fn askama_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

#[tokio::test]
async fn law_text_carries_bcp47_lang_attributes() {
    let state = bundled();
    for law in state.engine().laws().iter().filter(|l| l.has_text()) {
        let expected = match law.law.lang.as_deref() {
            Some("rus") => "ru",
            Some("eng") => "en",
            Some("kaz") => "kk",
            _ => continue,
        };
        let (_, html) = get(&state, &format!("/law{}", law.uri())).await;
        assert!(
            html.contains(&format!("<div class=\"clauses\" lang=\"{expected}\">")),
            "{}: text in {expected}",
            law.uri()
        );
    }
}

#[tokio::test]
async fn errors_are_pages_with_a_way_back() {
    let state = bundled();
    for uri in [
        "/law/akn/zz/act/1900-01-01/none/rus@".to_string(),
        format!("{KZ_418}/~art_99999"),
        "/no/such/page".to_string(),
    ] {
        let (status, html) = get(&state, &uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(html.contains("<h1>Not found</h1>"), "{uri}");
        assert!(html.contains("href=\"/search\""), "{uri}");
        assert!(html.contains("href=\"/\""), "{uri}");
    }
    let (_, html) = get(&state, &format!("{KZ_418}/~art_99999")).await;
    assert!(
        html.contains(&format!("<a href=\"/law{KZ_418}\">")),
        "back to the law"
    );
    // A malformed search: the message is beside the box on the search page itself.
    let (status, html) = get(&state, &format!("/search?q={}", enc("\"открытая"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let input = html.find("id=\"q\"").unwrap();
    let error = html.find("id=\"q-error\"").expect("message");
    assert!(error > input && error - input < 600);
}

#[tokio::test]
async fn print_styles_cover_the_reader_compare_and_gaps() {
    let (_, css) = get(&bundled(), "/static/style.css").await;
    let print = &css[css.find("@media print").expect("a print stylesheet")..];
    for hidden in [
        "header.site",
        ".plink",
        "nav.toc",
        "footer.site",
        "form",
        "button",
    ] {
        assert!(print.contains(hidden), "print hides {hidden}");
    }
    for kept in [".compare-table", ".gaps-scroll", ".gcell", ".clause"] {
        assert!(print.contains(kept), "print styles {kept}");
    }
    assert!(css.contains(":focus-visible"), "visible focus");
}

// ---------------------------------------------------------------------------------------------
// Escaping

const EVIL: &str = "<script>alert(1)</script>";

fn escaped(html: &str) -> bool {
    html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
        || html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
}

fn assert_no_raw_script(uri: &str, html: &str) {
    assert_eq!(
        html.matches("<script").count(),
        html.matches(OWN_SCRIPT).count(),
        "{uri}: a raw <script>"
    );
    assert!(!html.contains("<img"), "{uri}: a raw <img>");
}

#[tokio::test]
async fn script_through_a_query_is_escaped_on_every_page_that_shows_it() {
    let state = bundled();
    let e = enc(EVIL);
    // (uri, whether the page shows the value back)
    let cases: Vec<(String, bool)> = vec![
        (format!("/search?q={e}"), true),
        (
            format!("/search?q={}", enc(&format!("данные {EVIL}"))),
            true,
        ),
        (format!("/search?q=data&law={e}"), true),
        (format!("/search?q=data&state={e}"), false),
        (format!("/search?q=data&offset={e}"), true),
        (format!("/laws?x={e}"), false),
        (format!("/compare?laws={e}"), true),
        (format!("/compare?laws={},{e}", enc(KZ_418)), true),
        (format!("/compare?first={e}&at={e}"), true),
        (format!("/compare?first={}&at={e}", enc(KZ_418)), true),
        (format!("/gaps?state={e}"), false),
        (format!("/gaps/{e}/{e}"), true),
        (format!("/gaps/kz/{e}"), true),
        (format!("/concordance?instrument={e}"), true),
        ("/definitions".to_string(), false),
        (format!("/export?state={e}"), false),
        (format!("/law/akn/{e}@"), true),
        (format!("/law{KZ_418}?parallel={e}"), true),
        (format!("{KZ_418}/~{e}"), true),
        (format!("/{e}"), true),
    ];
    for (uri, shows) in cases {
        let (_, html) = get(&state, &uri).await;
        assert_no_raw_script(&uri, &html);
        assert_valid(&uri, &html);
        if shows {
            assert!(escaped(&html), "{uri}: the value is shown escaped\n{html}");
        }
    }
}

/// A temporary corpus with markup in every field a page shows: titles, headings, text, a defined
/// term, a source URL; two language editions of one law and a law of a second state.
fn evil_corpus(dir: &std::path::Path) {
    let law = |lang: &str, title: &str, heading: &str, body: &str| {
        format!(
            "---\ncountry: kz\ntype: act\nnumber: 1-<b>\ntitle: \"Закон {EVIL}\"\n\
             title_en: \"Law {EVIL} <img src=x onerror=alert(1)>\"\nlang: {lang}\n\
             adopted: 2020-01-01\nedition: 2021-01-01\nsource_url: \"javascript:alert(1)\"\ntext: digest\n---\n\n\
             # {title}\n\n## Глава 1. Общие положения {EVIL}\n\n\
             #### Статья 1. {heading}\n\n{body}\n\n\
             #### Статья 2. Инциденты {EVIL}\n\n\
             Оператор критически важных объектов обязан сообщить об инциденте информационной \
             безопасности {EVIL} в уполномоченный орган в течение 24 часов.\n"
        )
    };
    std::fs::write(
        dir.join("evil.rus.md"),
        law(
            "rus",
            &format!("Закон {EVIL}"),
            &format!("Основные понятия {EVIL}"),
            &format!(
                "В настоящем Законе используются следующие основные понятия:\n\n\
                 1) информационная безопасность {EVIL} – состояние защищенности электронных ресурсов;\n\n\
                 2) «{EVIL}» – термин для проверки экранирования."
            ),
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("evil.eng.md"),
        law(
            "eng",
            &format!("Law {EVIL}"),
            &format!("Basic concepts {EVIL}"),
            &format!("Information security {EVIL} means the protection of electronic resources."),
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("other.rus.md"),
        format!(
            "---\ncountry: ru\ntype: act\nnumber: 2-ФЗ\ntitle: \"Об информации {EVIL}\"\nlang: rus\n\
             adopted: 2019-01-01\ntext: digest\n---\n\n# Об информации\n\n\
             #### Статья 1. Основные понятия {EVIL}\n\n\
             В настоящем Федеральном законе используются следующие основные понятия:\n\n\
             1) информационная безопасность {EVIL} – защищенность информации.\n\n\
             #### Статья 2. Инциденты\n\n\
             Оператор обязан сообщить об инциденте {EVIL} в течение 3 часов.\n"
        ),
    )
    .unwrap();
}

#[tokio::test]
async fn script_in_a_corpus_file_is_escaped_on_every_page_that_shows_it() {
    let dir = temp_dir("evil");
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    evil_corpus(&corpus);
    let engine = engine_of(&[corpus], &dir.join("index"));
    let state = AppState::new(engine.clone());
    let rus = engine
        .laws()
        .iter()
        .find(|l| l.state() == "kz" && l.law.lang.as_deref() == Some("rus"))
        .expect("the Russian edition")
        .uri()
        .to_string();
    let eng = engine
        .laws()
        .iter()
        .find(|l| l.law.lang.as_deref() == Some("eng"))
        .expect("the English edition")
        .uri()
        .to_string();
    let other = engine
        .laws()
        .iter()
        .find(|l| l.state() == "ru")
        .expect("the second state's law")
        .uri()
        .to_string();
    let gaps = state.gaps();
    let cell = gaps
        .matrix
        .cell("kz", "incident-reporting-obligation")
        .filter(|c| !c.support.is_empty());
    let mut pages: Vec<(String, bool)> = vec![
        ("/".into(), false),
        ("/laws".into(), true),
        (format!("/law{rus}"), true),
        (format!("/law{rus}?parallel=eng"), true),
        (format!("/law{eng}"), true),
        (
            format!("/search?q={}", enc("информационной безопасности")),
            true,
        ),
        // Markdown drops inline HTML tags as markup, so the text keeps only "alert(1)": a search for
        // it shows the law's title (front matter, kept as written) on the hit.
        (format!("/search?q={}", enc("alert")), true),
        (
            format!("/compare?laws={}", enc(&format!("{rus},{other}"))),
            true,
        ),
        (
            format!("/compare?laws={}", enc(&format!("{rus},{eng}"))),
            true,
        ),
        (format!("/compare?first={}", enc(&rus)), true),
        ("/gaps".into(), false),
        ("/definitions".into(), true),
        ("/export".into(), false),
    ];
    if cell.is_some() {
        pages.push(("/gaps/kz/incident-reporting-obligation".into(), true));
    }
    for (uri, shows) in pages {
        let (status, html) = get(&state, &uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}\n{html}");
        assert_no_raw_script(&uri, &html);
        assert!(!html.contains("href=\"javascript:"), "{uri}: a script link");
        assert_valid(&uri, &html);
        if shows {
            assert!(
                escaped(&html),
                "{uri}: the law's markup is shown escaped\n{html}"
            );
        }
    }
    assert!(
        cell.is_some(),
        "the evil law's incident clause supports a gap cell (so its evidence page was checked)"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
