//! The web UI in a real browser: Debian's headless Chromium, driven through Debian's chromedriver
//! (WebDriver) with fantoccini, against the real server on a free loopback port with an index of
//! the bundled corpus. Each test is a journey a user makes: search in Russian and see the
//! highlighted words, open a result and land on its clause, compare two laws through the form,
//! follow a gap-matrix cell to its evidence and on to the clause, download an export. A screenshot
//! of each page goes to `tests/output/browser/`, and every page's text is checked for WCAG AA
//! contrast against its rendered background.
//!
//! Never downloads a browser or a driver (DESIGN.md pitfall 12): it uses `chromium` and
//! `chromedriver` from the PATH (or `LEXHARMONY_CHROMIUM` / `LEXHARMONY_CHROMEDRIVER`). Without
//! them the tests skip with a printed reason, unless `LEXHARMONY_REQUIRE_BROWSER=1` (which
//! `.ci/run` sets, after installing Debian's `chromium` and `chromium-driver`).

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, ensure, Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

use lexharmony::library::{self, Library};
use lexharmony::search::{self, Engine};
use lexharmony::web::{self, AppState};

const KZ_94: &str = "/akn/kz/act/2013-05-21/94-v/rus@2026-01-09";
const BY_99: &str = "/akn/by/act/2021-05-07/99-z/rus@";

/// How long a page may take to show what a step waits for (generous: CI machines are slow).
const STEP: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------------
// The browser and the server

/// A program from `$var` or the PATH.
fn program(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| names.iter().map(move |n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Chromium and chromedriver, or None (with the reason printed) when either is missing and
/// `LEXHARMONY_REQUIRE_BROWSER=1` does not say they must be there.
fn browser_programs() -> Option<(PathBuf, PathBuf)> {
    let chromium = program("LEXHARMONY_CHROMIUM", &["chromium", "chromium-browser"]);
    let driver = program("LEXHARMONY_CHROMEDRIVER", &["chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        (c, d) => {
            let missing = [("chromium", c.is_none()), ("chromedriver", d.is_none())]
                .iter()
                .filter(|(_, m)| *m)
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(" and ");
            if std::env::var("LEXHARMONY_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
                panic!(
                    "{missing} not found and LEXHARMONY_REQUIRE_BROWSER=1 says the browser tests \
                     must run (Debian: apt-get install chromium chromium-driver)"
                );
            }
            eprintln!(
                "skipped: {missing} not found (Debian: apt-get install chromium chromium-driver; \
                 set LEXHARMONY_REQUIRE_BROWSER=1 to make this an error)"
            );
            None
        }
    }
}

fn output_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/output/browser");
    std::fs::create_dir_all(&dir).expect("tests/output/browser");
    dir
}

fn temp_dir(tag: &str) -> PathBuf {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let dir = std::env::temp_dir().join(format!(
        "lexharmony-browser-{tag}-{}-{stamp}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The server, started once for every test of this binary: the real app over an index of the
/// bundled corpus, on its own runtime and thread (each test's runtime ends with the test).
fn server() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("a runtime");
            rt.block_on(async move {
                let index = temp_dir("index");
                let lib = Library::load(&[library::default_corpus_dir()]);
                assert!(lib.bad.is_empty(), "bad corpus files: {:?}", lib.bad);
                search::index::build(&index, &lib, &mut |_, _| {}).expect("index builds");
                let engine = Arc::new(Engine::open(&index).expect("index opens"));
                let state = AppState::new(engine);
                state.gaps(); // as `serve` does: the matrix is ready before the first request
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("a loopback port");
                tx.send(listener.local_addr().expect("address"))
                    .expect("the tests wait");
                web::serve_on(listener, state).await.expect("serves");
            });
        });
        let addr = rx
            .recv_timeout(Duration::from_secs(120))
            .expect("the server started");
        format!("http://{addr}")
    })
}

struct Browser {
    client: Client,
    driver: Child,
    downloads: PathBuf,
    profile: PathBuf,
}

impl Browser {
    /// A fresh headless Chromium with its own profile and download folder, or None when the
    /// tests skip.
    async fn start(tag: &str) -> Option<Browser> {
        let (chromium, chromedriver) = browser_programs()?;
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = std::fs::File::create(output_dir().join(format!("chromedriver-{tag}.log")))
            .expect("driver log");
        let mut driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", chromedriver.display()));
        let ready = Instant::now() + STEP;
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > ready {
                let _ = driver.kill();
                panic!("chromedriver did not listen on port {port} within {STEP:?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = temp_dir(&format!("{tag}-profile"));
        let downloads = temp_dir(&format!("{tag}-downloads"));
        // The flags the machine needs (DESIGN.md pitfall 12): no sandbox as root, no background
        // connections to Google's hosts (the network is closed), a profile of our own.
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                    "download.directory_upgrade": true,
                },
            },
        });
        let Value::Object(caps) = caps else {
            unreachable!("a JSON object")
        };
        let client = match ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
        {
            Ok(c) => c,
            Err(e) => {
                let _ = driver.kill();
                panic!("no browser session through {}: {e}", chromedriver.display());
            }
        };
        Some(Browser {
            client,
            driver,
            downloads,
            profile,
        })
    }

    /// End the session and the driver; then fail the test if the journey failed.
    async fn finish(mut self, journey: Result<()>) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
        let _ = std::fs::remove_dir_all(&self.downloads);
        if let Err(e) = journey {
            panic!("{e:#}");
        }
    }

    async fn goto(&self, path: &str) -> Result<()> {
        self.client
            .goto(&format!("{}{path}", server()))
            .await
            .with_context(|| format!("opening {path}"))
    }

    async fn find(&self, css: &str) -> Result<fantoccini::elements::Element> {
        match self
            .client
            .wait()
            .at_most(STEP)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(e) => Ok(e),
            Err(e) => Err(anyhow!("no element {css} on {}: {e}", self.url().await)),
        }
    }

    async fn find_all(&self, css: &str) -> Result<Vec<fantoccini::elements::Element>> {
        self.find(css).await?;
        Ok(self.client.find_all(Locator::Css(css)).await?)
    }

    async fn url(&self) -> String {
        self.client
            .current_url()
            .await
            .map_or_else(|e| format!("(no URL: {e})"), |u| u.to_string())
    }

    /// Wait until the page's path starts with `prefix` (after a click that navigates).
    async fn wait_for_path(&self, prefix: &str) -> Result<String> {
        let end = Instant::now() + STEP;
        loop {
            let url = self.client.current_url().await?;
            let ready: Value = self
                .client
                .execute("return document.readyState", vec![])
                .await?;
            if url.path().starts_with(prefix) && ready == "complete" {
                return Ok(url.to_string());
            }
            if Instant::now() > end {
                bail!("still on {url} after {STEP:?}, waiting for {prefix}");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn screenshot(&self, name: &str) -> Result<()> {
        let png = self.client.screenshot().await?;
        ensure!(png.starts_with(b"\x89PNG"), "{name}: not a PNG screenshot");
        let path = output_dir().join(format!("{name}.png"));
        std::fs::write(&path, png).with_context(|| path.display().to_string())?;
        Ok(())
    }

    /// Text whose contrast with its background is below WCAG 2 AA (4.5:1, or 3:1 for large
    /// text), as "tag.class 'text' ratio", at most 10. Colours are the computed ones; a
    /// background is composited from the element's ancestors over white.
    async fn contrast_problems(&self) -> Result<Vec<String>> {
        let found = self
            .client
            .execute(
                r#"
                function rgba(s) {
                  var m = (s.match(/[\d.]+/g) || [0, 0, 0, 0]).map(Number);
                  return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
                }
                function over(top, under) {
                  var a = top[3];
                  return [0, 1, 2].map(function (i) { return top[i] * a + under[i] * (1 - a); }).concat([1]);
                }
                function lum(c) {
                  var v = [0, 1, 2].map(function (i) {
                    var x = c[i] / 255;
                    return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4);
                  });
                  return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
                }
                function background(el) {
                  var chain = [];
                  for (var e = el; e && e.nodeType === 1; e = e.parentElement) {
                    chain.push(rgba(getComputedStyle(e).backgroundColor));
                  }
                  var bg = [255, 255, 255, 1];
                  for (var i = chain.length - 1; i >= 0; i--) { bg = over(chain[i], bg); }
                  return bg;
                }
                var out = [];
                var all = document.body.querySelectorAll('*');
                for (var i = 0; i < all.length && out.length < 10; i++) {
                  var el = all[i];
                  var own = Array.prototype.some.call(el.childNodes, function (n) {
                    return n.nodeType === 3 && n.textContent.trim().length > 0;
                  });
                  if (!own) continue;
                  var st = getComputedStyle(el);
                  var r = el.getBoundingClientRect();
                  if (st.visibility === 'hidden' || st.display === 'none' || r.width <= 1 || r.height <= 1) continue;
                  var bg = background(el);
                  var fg = over(rgba(st.color), bg);
                  var l1 = lum(fg), l2 = lum(bg);
                  var ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
                  var size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight, 10) >= 700;
                  var need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
                  if (ratio < need) {
                    out.push(el.tagName.toLowerCase() + '.' + el.className + ' "' +
                      el.textContent.trim().slice(0, 30) + '" ' + ratio.toFixed(2) + ' < ' + need);
                  }
                }
                return out;
                "#,
                vec![],
            )
            .await?;
        Ok(found
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default())
    }

    /// The page's text is readable: no contrast below WCAG AA.
    async fn readable(&self, page: &str) -> Result<()> {
        let problems = self.contrast_problems().await?;
        ensure!(problems.is_empty(), "{page}: low contrast: {problems:#?}");
        Ok(())
    }

    /// The page shows the clause its URL's fragment names: the element exists, is the CSS
    /// `:target`, and was scrolled into the viewport.
    async fn landed_on_fragment(&self) -> Result<String> {
        let seen = self
            .client
            .execute(
                "var id = decodeURIComponent(location.hash.slice(1));
                 var el = id && document.getElementById(id);
                 if (!el) return {id: id, found: false};
                 var r = el.getBoundingClientRect();
                 return {id: id, found: true, target: el.matches(':target'),
                         top: r.top, height: window.innerHeight};",
                vec![],
            )
            .await?;
        let id = seen["id"].as_str().unwrap_or_default().to_string();
        ensure!(!id.is_empty(), "no fragment in {}", self.url().await);
        ensure!(
            seen["found"] == true,
            "no element #{id} on {}",
            self.url().await
        );
        ensure!(seen["target"] == true, "#{id} is not the :target");
        let (top, height) = (
            seen["top"].as_f64().unwrap_or(-1.0),
            seen["height"].as_f64().unwrap_or(0.0),
        );
        ensure!(
            (-1.0..height).contains(&top),
            "#{id} is not in view (top {top}, viewport {height})"
        );
        Ok(id)
    }
}

// ---------------------------------------------------------------------------------------------
// The journeys

#[tokio::test]
async fn a_russian_search_highlights_inflected_forms_and_a_result_opens_at_its_clause() {
    let Some(b) = Browser::start("search").await else {
        return;
    };
    let journey = async {
        b.goto("/search").await?;
        b.find("#q").await?.send_keys("инцидентов").await?;
        b.find("form.search button[type=submit]")
            .await?
            .click()
            .await?;
        b.wait_for_path("/search").await?;
        let marks = b.find_all("ol.hits .snippet mark").await?;
        let mut words = Vec::new();
        for m in &marks {
            words.push(m.text().await?.to_lowercase());
        }
        ensure!(!words.is_empty(), "no highlighted word");
        ensure!(
            words.iter().all(|w| w.starts_with("инцидент")),
            "a highlight off the query's word: {words:?}"
        );
        ensure!(
            words.iter().any(|w| w != "инцидентов"),
            "only the exact form is highlighted, no other inflection: {words:?}"
        );
        b.screenshot("search-ru").await?;
        b.readable("search-ru").await?;

        // The first result's heading links to the clause in its law.
        let link = b.find("ol.hits li.hit h3 a").await?;
        let href = link.attr("href").await?.unwrap_or_default();
        link.click().await?;
        let url = b.wait_for_path("/law/").await?;
        let eid = b.landed_on_fragment().await?;
        ensure!(
            href.ends_with(&format!("~{eid}")) || href.ends_with(&format!("#{eid}")),
            "the result {href} opened {url}, not its clause"
        );
        b.screenshot("law-at-clause").await?;
        b.readable("law-at-clause").await?;

        // Keyboard: "/" puts the cursor in the search box (our optional script).
        b.find("body").await?.send_keys("/").await?;
        let active: Value = b
            .client
            .execute("return document.activeElement.id", vec![])
            .await?;
        ensure!(
            active == "site-q",
            "'/' focused {active}, not the search box"
        );
        Ok(())
    }
    .await;
    b.finish(journey).await;
}

#[tokio::test]
async fn the_compare_form_shows_aligned_rows_with_marked_differences() {
    let Some(b) = Browser::start("compare").await else {
        return;
    };
    let journey = async {
        b.goto("/compare").await?;
        b.find("#first").await?.select_by_value(KZ_94).await?;
        b.find(&format!(
            "fieldset.laws input[type=checkbox][value=\"{BY_99}\"]"
        ))
        .await?
        .click()
        .await?;
        b.find("form.compare-form button[type=submit]")
            .await?
            .click()
            .await?;
        b.wait_for_path("/compare").await?;
        let heads = b.find_all("table.compare-table thead th").await?;
        ensure!(heads.len() == 2, "{} columns, not 2", heads.len());
        // Aligned rows: a clause of each law side by side.
        let rows = b.find_all("table.compare-table tbody tr").await?;
        let mut aligned = 0;
        for row in &rows {
            if row.find_all(Locator::Css(".cmp-clause")).await?.len() == 2 {
                aligned += 1;
            }
        }
        ensure!(
            aligned >= 5,
            "{aligned} aligned rows of {} for two personal-data laws",
            rows.len()
        );
        // Differences are marked, and not by colour alone: the marks carry visible symbols.
        let ins = b.find_all("table.compare-table ins").await?;
        let del = b.find_all("table.compare-table del").await?;
        ensure!(!ins.is_empty() && !del.is_empty(), "no marked difference");
        let ins_text = ins[0].text().await?;
        ensure!(
            ins_text.contains("[+") && ins_text.ends_with("+]"),
            "an insertion without its visible marks: {ins_text:?}"
        );
        let del_text = del[0].text().await?;
        ensure!(
            del_text.contains("[−") && del_text.ends_with("−]"),
            "a deletion without its visible marks: {del_text:?}"
        );
        b.screenshot("compare").await?;
        b.readable("compare").await?;
        // The contrast check can fail: light grey text on white is caught.
        b.client
            .execute(
                "var p = document.createElement('p'); p.style.color = '#bbb';
                 p.textContent = 'faint line'; document.querySelector('main').appendChild(p);",
                vec![],
            )
            .await?;
        let caught = b.contrast_problems().await?;
        ensure!(
            caught.iter().any(|p| p.contains("faint line")),
            "the contrast check missed #bbb on white: {caught:?}"
        );
        Ok(())
    }
    .await;
    b.finish(journey).await;
}

#[tokio::test]
async fn a_gap_matrix_cell_leads_to_its_evidence_and_on_to_the_clause() {
    let Some(b) = Browser::start("gaps").await else {
        return;
    };
    let journey = async {
        b.goto("/gaps").await?;
        b.find("table.gaps").await?;
        b.screenshot("gaps").await?;
        b.readable("gaps").await?;
        // Missing data looks different from absence, in words too.
        let legend = b.find("ul.gap-legend").await?.text().await?;
        for word in ["covered", "not found", "no text"] {
            ensure!(legend.to_lowercase().contains(word), "legend: {legend}");
        }
        let cell = b.find("table.gaps td.gcell.covered a").await?;
        let label = cell.text().await?;
        ensure!(
            !label.trim().is_empty(),
            "a covered cell with no visible symbol"
        );
        cell.click().await?;
        b.wait_for_path("/gaps/").await?;
        let evidence = b.find_all("section.evidence h3 a").await?;
        ensure!(
            !evidence.is_empty(),
            "a covered cell without supporting clauses"
        );
        let status = b.find("p.cell-status").await?.text().await?;
        ensure!(status.contains("covered"), "cell status: {status}");
        b.screenshot("gaps-cell").await?;
        b.readable("gaps-cell").await?;
        evidence[0].click().await?;
        b.wait_for_path("/law/").await?;
        b.landed_on_fragment().await?;
        b.screenshot("gaps-evidence-clause").await?;
        Ok(())
    }
    .await;
    b.finish(journey).await;
}

/// The one finished download in `dir`.
async fn downloaded(dir: &Path) -> Result<PathBuf> {
    let end = Instant::now() + STEP;
    loop {
        let done: Vec<PathBuf> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            // Chromium writes `.org.chromium.*` and then `*.crdownload` until it is complete.
            .filter(|p| p.extension().is_none_or(|x| x != "crdownload"))
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
            })
            .collect();
        if let [file] = done.as_slice() {
            return Ok(file.clone());
        }
        if done.len() > 1 {
            bail!("several downloads: {done:?}");
        }
        if Instant::now() > end {
            bail!("no download in {} after {STEP:?}", dir.display());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_export_downloads_from_its_page_and_matches_its_manifest() {
    let Some(b) = Browser::start("export").await else {
        return;
    };
    let journey = async {
        b.goto("/export").await?;
        b.screenshot("export").await?;
        b.readable("export").await?;
        b.find("a[href=\"/api/export/csv\"][download]")
            .await?
            .click()
            .await?;
        let file = downloaded(&b.downloads).await?;
        let bytes = std::fs::read(&file)?;
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let header = reader.headers()?.clone();
        ensure!(
            header.get(0) == Some("permalink"),
            "{}: header {header:?}",
            file.display()
        );
        let mut rows = 0usize;
        for record in reader.records() {
            let record = record.with_context(|| format!("{}", file.display()))?;
            ensure!(
                record.get(0).is_some_and(|p| p.starts_with("/akn/")),
                "row {rows}: {record:?}"
            );
            rows += 1;
        }
        // The manifest, as the page links it, counts the same clauses.
        b.goto("/api/export/csv/manifest").await?;
        let text: Value = b
            .client
            .execute("return document.body.innerText", vec![])
            .await?;
        let manifest: Value = serde_json::from_str(text.as_str().unwrap_or_default())
            .map_err(|e| anyhow!("the manifest is not JSON: {e}"))?;
        ensure!(
            manifest["counts"]["clauses"] == json!(rows) && rows > 100,
            "downloaded {rows} clauses, the manifest says {}",
            manifest["counts"]
        );
        Ok(())
    }
    .await;
    b.finish(journey).await;
}
