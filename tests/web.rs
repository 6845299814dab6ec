//! The web layer in process: the router answered with `tower::ServiceExt::oneshot`, no socket, over an
//! index of the bundled `corpus/` built once into a temporary folder.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::response::Response;
use serde_json::Value;
use tower::ServiceExt;

use lexharmony::library::{self, Library};
use lexharmony::search::{self, Engine};
use lexharmony::web::{app, AppState};

/// One index of the bundled corpus for every test of this file.
fn engine() -> Arc<Engine> {
    static ENGINE: OnceLock<Arc<Engine>> = OnceLock::new();
    ENGINE
        .get_or_init(|| {
            let dir = temp_dir();
            let lib = Library::load(&[library::default_corpus_dir()]);
            assert!(lib.bad.is_empty(), "bad corpus files: {:?}", lib.bad);
            search::index::build(&dir, &lib, &mut |_, _| {}).expect("index builds");
            Arc::new(Engine::open(&dir).expect("index opens"))
        })
        .clone()
}

/// A folder of its own under the system temp dir; earlier runs' folders are removed.
fn temp_dir() -> PathBuf {
    let base = std::env::temp_dir();
    let prefix = "lexharmony-web-test-";
    if let Ok(entries) = std::fs::read_dir(&base) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            let old = e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age.as_secs() > 3600);
            if name.starts_with(prefix) && old {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    }
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let dir = base.join(format!("{prefix}{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

async fn get(uri: &str) -> Response {
    let req = Request::builder()
        .uri(uri)
        .body(Body::empty())
        .expect("request");
    app(AppState::new(engine()))
        .oneshot(req)
        .await
        .expect("the router always answers")
}

async fn body_text(resp: Response) -> String {
    let bytes = axum::body::to_bytes(resp.into_body(), 16 * 1024 * 1024)
        .await
        .expect("body");
    String::from_utf8(bytes.to_vec()).expect("utf-8 body")
}

async fn get_text(uri: &str) -> (StatusCode, String) {
    let resp = get(uri).await;
    let status = resp.status();
    (status, body_text(resp).await)
}

async fn get_json(uri: &str) -> (StatusCode, Value) {
    let resp = get(uri).await;
    let status = resp.status();
    let ct = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        ct.starts_with("application/json"),
        "{uri}: content type {ct}"
    );
    let text = body_text(resp).await;
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{uri}: {e}: {text}"));
    (status, json)
}

fn enc(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

/// The expression URI of a law with text, and one of its articles.
fn some_article() -> (String, String) {
    let engine = engine();
    let law = engine
        .law("/akn/kz/act/2015-11-24/418-v/rus@2020-06-25")
        .expect("the bundled corpus has KZ 418-V in Russian");
    let art = law.articles().next().expect("an article");
    (law.uri().to_string(), art.eid.clone())
}

#[tokio::test]
async fn api_search_returns_highlighted_hits_in_a_stable_shape() {
    let (status, json) = get_json(&format!("/api/search?q={}", enc("персональных данных"))).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert!(json["total"].as_u64().unwrap() > 0, "{json}");
    assert!(json["by_state"].is_object());
    let hits = json["hits"].as_array().expect("hits");
    assert!(!hits.is_empty() && hits.len() <= 10, "default limit 10");
    for key in [
        "uri",
        "eid",
        "permalink",
        "state",
        "law",
        "law_title",
        "lang",
        "kind",
        "num",
        "label",
        "heading",
        "snippet_html",
        "score",
        "digest",
    ] {
        assert!(hits[0].get(key).is_some(), "hit lacks {key}: {}", hits[0]);
    }
    assert!(
        hits.iter()
            .any(|h| h["snippet_html"].as_str().unwrap().contains("<mark>")),
        "{json}"
    );
    let limited = get_json(&format!("/api/search?q={}&limit=3", enc("данных"))).await;
    assert_eq!(limited.1["hits"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn api_state_filter_restricts_repeated_or_comma_separated() {
    let q = enc("персональных данных");
    let (_, all) = get_json(&format!("/api/search?q={q}&limit=100")).await;
    let states: Vec<&String> = all["by_state"].as_object().unwrap().keys().collect();
    assert!(states.len() > 1, "the query spans states: {states:?}");
    let (status, kz) = get_json(&format!("/api/search?q={q}&state=kz&limit=100")).await;
    assert_eq!(status, StatusCode::OK);
    let hits = kz["hits"].as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["state"] == "kz"), "{kz}");
    assert_eq!(kz["total"], all["by_state"]["kz"]);
    let (_, two) = get_json(&format!("/api/search?q={q}&state=kz,by&limit=100")).await;
    let (_, repeated) = get_json(&format!("/api/search?q={q}&state=kz&state=by&limit=100")).await;
    assert_eq!(two["total"], repeated["total"]);
    assert!(two["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["state"] == "kz" || h["state"] == "by"));
    let (_, law) = get_json(&format!("/api/search?q={q}&law=418-V&limit=100")).await;
    assert!(law["hits"]
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["law"] == "418-V"));
}

#[tokio::test]
async fn api_user_errors_are_400_with_a_message_and_the_server_keeps_serving() {
    let long = "a".repeat(10 * 1024);
    let cases: Vec<(String, &str)> = vec![
        (format!("q={}", enc("\"персональных данных")), "quote"),
        (format!("q={}", enc("(данные OR сведения")), "paren"),
        (format!("q={}", enc("foo:bar")), "unknown field"),
        (format!("q={}", enc("NOT")), "bare NOT"),
        ("q=".to_string(), "empty q"),
        (String::new(), "no q"),
        (format!("q={long}"), "10 KB q"),
        ("q=data&limit=0".to_string(), "limit=0"),
        ("q=data&limit=abc".to_string(), "limit=abc"),
        ("q=data&offset=-5".to_string(), "offset=-5"),
        ("q=data&offset=999999999".to_string(), "deep offset"),
    ];
    for (query, what) in cases {
        let (status, json) = get_json(&format!("/api/search?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{what}: {json}");
        let message = json["error"].as_str().unwrap_or_default();
        assert!(!message.is_empty(), "{what}: {json}");
        if what.starts_with("limit") {
            assert!(message.contains("limit"), "{what}: {message}");
        }
    }
    // A huge page size is capped, not refused.
    let (status, json) = get_json("/api/search?q=data&limit=1000000").await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert!(json["hits"].as_array().unwrap().len() <= search::MAX_LIMIT);
    let (status, json) = get_json(&format!("/api/search?q={}", enc("информатизации"))).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert!(json["total"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn unknown_api_endpoint_is_json_404() {
    let (status, json) = get_json("/api/nothing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(json["error"].is_string());
}

#[tokio::test]
async fn search_page_renders_results_with_links_counts_and_paging() {
    let (status, html) = get_text(&format!("/search?q={}", enc("персональных данных"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<label for=\"q\">"), "labelled box");
    assert!(html.contains("<mark>"), "snippets keep their marks");
    assert!(html.contains("href=\"/law/akn/"), "links to the law pages");
    assert!(html.contains("~chp_") || html.contains("/~"), "permalinks");
    assert!(html.contains("href=\"/search?q="), "state counts filter");
    assert!(html.contains("rel=\"next\""), "more than one page");
    assert!(html.contains("badge-digest"), "digest badge");
    assert!(
        html.contains("name=\"state\" value=\"kz\""),
        "state checkboxes"
    );
    let (status, page2) = get_text(&format!(
        "/search?q={}&offset=20",
        enc("персональных данных")
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(page2.contains("rel=\"prev\""));
    // Filtered to one state, the counts of the others still link.
    let (_, kz) = get_text(&format!(
        "/search?q={}&state=kz",
        enc("персональных данных")
    ))
    .await;
    assert!(kz.contains("state=by"), "other states stay as filters");
    assert!(
        kz.contains("aria-current=\"true\""),
        "the active state is marked"
    );
    assert!(kz.contains("value=\"kz\" checked"), "its box stays checked");
}

#[tokio::test]
async fn search_page_without_query_shows_the_form_and_the_syntax() {
    let (status, html) = get_text("/search").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<form class=\"search\""));
    assert!(html.contains("Query syntax"));
    assert!(!html.contains("role=\"alert\""));
}

#[tokio::test]
async fn search_page_shows_a_malformed_query_next_to_the_box() {
    let (status, html) = get_text(&format!("/search?q={}", enc("(данные OR"))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        html.contains("<form class=\"search\""),
        "the page renders normally"
    );
    let input = html.find("id=\"q\"").expect("the box");
    let error = html.find("id=\"q-error\"").expect("the error message");
    assert!(
        error > input && error - input < 600,
        "the message is next to the box"
    );
    assert!(html.contains("malformed query"), "{html}");
    assert!(html.contains("aria-invalid=\"true\""));
    let (status, html) = get_text("/search?q=data&offset=abc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("offset"));
}

/// `<script` tags other than our own optional `app.js` (which every page loads).
fn foreign_scripts(html: &str) -> usize {
    let own = concat!(
        "<script src=\"/static/app.js?v=",
        env!("CARGO_PKG_VERSION"),
        "\" defer>"
    );
    html.matches("<script").count() - html.matches(own).count()
}

#[tokio::test]
async fn script_in_the_query_is_escaped() {
    let evil = "<script>alert(1)</script> \"><img src=x onerror=alert(1)>";
    for q in [evil, "данные <script>alert(1)</script>", "foo:<script>"] {
        let (_, html) = get_text(&format!("/search?q={}", enc(q))).await;
        assert_eq!(foreign_scripts(&html), 0, "raw <script> in {html}");
        assert!(!html.contains("<img"), "raw <img> in {html}");
        assert!(html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"));
    }
    let (_, json) = get_json(&format!("/api/search?q={}", enc(evil))).await;
    assert!(json.is_object());
    let (status, html) = get_text("/law/akn/%3Cscript%3Ealert(1)%3C%2Fscript%3E@").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(foreign_scripts(&html), 0, "{html}");
    assert!(html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"));
}

#[tokio::test]
async fn law_page_has_anchors_toc_metadata_and_the_digest_banner() {
    let (uri, eid) = some_article();
    let (status, html) = get_text(&format!("/law{uri}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&format!("id=\"{eid}\"")),
        "clause anchor {eid}"
    );
    assert!(html.contains(&format!("href=\"#{eid}\"")), "toc link");
    assert!(html.contains("not the official text"), "digest banner");
    assert!(html.contains("lang=\"ru\""), "law text language");
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("418-V"), "number");
    assert!(html.contains("unverified"), "unverified values are marked");
    assert!(
        html.contains(&format!("{uri}/~{eid}")),
        "permalink per clause"
    );
    let engine = engine();
    let law = engine.law(&uri).unwrap();
    let anchors = html.matches("<section class=\"clause").count();
    assert_eq!(anchors, law.clauses.len(), "every clause rendered once");
    assert_eq!(
        html.matches("<section").count(),
        html.matches("</section>").count(),
        "sections balanced"
    );
}

#[tokio::test]
async fn law_page_works_for_uris_ending_with_at() {
    let engine = engine();
    let law = engine
        .laws()
        .iter()
        .find(|l| l.uri().ends_with('@'))
        .expect("a law without an edition date");
    let (status, html) = get_text(&format!("/law{}", law.uri())).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("badge-metadata"), "labelled metadata only");
    // The list of laws links to it as it is.
    let (_, laws) = get_text("/laws").await;
    assert!(laws.contains(&format!("href=\"/law{}\"", law.uri())));
}

#[tokio::test]
async fn unknown_law_is_404_with_a_link_back() {
    let (status, html) = get_text("/law/akn/zz/act/1900-01-01/none/rus@").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("href=\"/search\""));
    let (status, _) = get_text("/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn permalinks_redirect_to_the_clause_on_its_law_page() {
    let (uri, eid) = some_article();
    let resp = get(&format!("{uri}/~{eid}")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.headers()[header::LOCATION].to_str().unwrap();
    assert_eq!(location, format!("/law{uri}#{eid}"));
    let resp = get(&uri).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        resp.headers()[header::LOCATION].to_str().unwrap(),
        format!("/law{uri}")
    );
    // A work URI goes to an edition of it.
    let work = uri.rsplit_once('/').unwrap().0;
    let resp = get(work).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert!(resp.headers()[header::LOCATION]
        .to_str()
        .unwrap()
        .starts_with(&format!("/law{work}/")));
    let (status, _) = get_text(&format!("{uri}/~art_99999")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get_text("/akn/zz/act/1900-01-01/none/rus@/~art_1").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn overview_lists_the_six_member_states_and_links_the_laws() {
    let (status, overview) = get_text("/").await;
    assert_eq!(status, StatusCode::OK);
    let (status, html) = get_text("/laws").await;
    assert_eq!(status, StatusCode::OK);
    for (code, name) in [
        ("am", "Armenia"),
        ("by", "Belarus"),
        ("kg", "Kyrgyzstan"),
        ("kz", "Kazakhstan"),
        ("ru", "Russia"),
        ("tj", "Tajikistan"),
    ] {
        assert!(html.contains(&format!("id=\"state-{code}\"")), "{code}");
        assert!(html.contains(name), "{name}");
        assert!(
            overview.contains(&format!("id=\"summary-{code}\"")) && overview.contains(name),
            "the overview's summary row of {name}"
        );
    }
    assert!(html.contains("href=\"/law/akn/kz/act/2015-11-24/418-v/rus@2020-06-25\""));
    assert!(html.contains("metadata only"));
    assert!(html.contains("digest"));
}

#[tokio::test]
async fn static_css_is_served_with_type_and_cache_headers() {
    let resp = get("/static/style.css").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()[header::CONTENT_TYPE].to_str().unwrap(),
        "text/css; charset=utf-8"
    );
    assert!(resp.headers()[header::CACHE_CONTROL]
        .to_str()
        .unwrap()
        .contains("max-age"));
    assert!(body_text(resp).await.contains(":focus-visible"));
    let (status, _) = get_text("/static/nothing.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn pages_carry_security_headers_and_the_layout() {
    let resp = get("/").await;
    let csp = resp.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    assert_eq!(resp.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let html = body_text(resp).await;
    assert!(html.contains("lexharmony"));
    assert!(
        html.contains(env!("CARGO_PKG_VERSION")),
        "version in the footer"
    );
    assert!(html.contains("href=\"/search\""));
    assert!(
        html.contains("<label for=\"site-q\">"),
        "search box on every page"
    );
    assert_eq!(foreign_scripts(&html), 0, "no JavaScript but our own");
    // Links to official sources are fine; nothing may be loaded from elsewhere.
    assert!(
        !html.contains("src=\"http"),
        "nothing loaded from elsewhere"
    );
    assert!(
        !html.contains("stylesheet\" href=\"http"),
        "no stylesheet from elsewhere"
    );
}

/// A law whose metadata and text carry markup: every page shows it as text.
#[tokio::test]
async fn law_derived_strings_are_escaped() {
    let dir = temp_dir();
    let corpus = dir.join("corpus");
    std::fs::create_dir_all(&corpus).unwrap();
    std::fs::write(
        corpus.join("evil.rus.md"),
        "---\ncountry: kz\ntype: act\nnumber: 1-<b>\ntitle: \"Закон <script>alert(1)</script>\"\n\
         title_en: \"<img src=x onerror=alert(1)>\"\nlang: rus\nadopted: 2020-01-01\n\
         source_url: \"javascript:alert(1)\"\ntext: digest\n---\n\n# Закон\n\n\
         #### Статья 1. Заголовок <script>alert(2)</script>\n\n\
         Текст о данных с <script>alert(3)</script> и &lt;b&gt; внутри.\n",
    )
    .unwrap();
    let lib = Library::load(&[corpus]);
    let index = dir.join("index");
    search::index::build(&index, &lib, &mut |_, _| {}).expect("index builds");
    let engine = Arc::new(Engine::open(&index).expect("index opens"));
    let law = engine.laws()[0].clone();
    let eid = law.clauses.last().expect("a clause").eid.clone();
    let pages = [
        "/".to_string(),
        format!("/law{}", law.uri()),
        format!("/search?q={}", enc("данных")),
    ];
    for uri in pages {
        let req = Request::builder().uri(&uri).body(Body::empty()).unwrap();
        let resp = app(AppState::new(engine.clone()))
            .oneshot(req)
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{uri}");
        let html = body_text(resp).await;
        assert_eq!(foreign_scripts(&html), 0, "{uri}: raw <script>\n{html}");
        assert!(!html.contains("<img"), "{uri}: raw <img>\n{html}");
        assert!(!html.contains("href=\"javascript:"), "{uri}: script link");
        if uri.starts_with("/law") {
            assert!(html.contains(&format!("id=\"{eid}\"")));
            assert!(html.contains("&lt;script&gt;") || html.contains("&#60;script&#62;"));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
