//! Akoma Ntoso 3.0 XML: one document per law expression.
//!
//! - `<meta><identification>` holds the FRBR triple (work, expression, manifestation) with
//!   FRBRthis / FRBRuri / FRBRdate / FRBRauthor, FRBRcountry and FRBRnumber on the work and
//!   FRBRlanguage on the expression; `<references>` names the organisations the FRBRauthor
//!   attributes point to; `<proprietary>` carries our provenance (text kind, source URL, file
//!   hash) in the `urn:lexharmony:export:1` namespace.
//! - `<preface>` prints the title and number; `<body>` holds the clause tree, each element with
//!   `eId` equal to the library's eId: part, chapter, section, title, article, paragraph (our
//!   `para`), point, alinea, and `hcontainer name="note"` for notes. A clause without children
//!   has `<content><p>…</p></content>`; one with children has its own text in `<intro>` and the
//!   children after it (AKN's hierarchy allows content or children, not both).
//! - A repealed clause has `status="removed"`.
//!
//! Dates AKN requires but the law does not give are written as `0001-01-01` (the convention
//! of the `cobalt` library for an unknown date). The output is checked against the official
//! schema (`akomantoso30.xsd`) in `.ci/run` when `xmllint` and the schema can be had.

use std::collections::HashMap;
use std::io::{self, Write};

use super::table::{date_days, format_date, text_kind, work_of};
use crate::library::StoredLaw;
use crate::model::{Clause, ClauseKind, Status};

pub const AKN_NAMESPACE: &str = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0";
/// Our own namespace for the provenance kept in `<proprietary>`.
pub const LH_NAMESPACE: &str = "urn:lexharmony:export:1";
/// An unknown date where AKN requires one.
pub const NULL_DATE: &str = "0001-01-01";

/// The AKN element of a clause kind, and the `name` attribute a generic `hcontainer` needs.
pub fn element(kind: ClauseKind) -> (&'static str, Option<&'static str>) {
    match kind {
        ClauseKind::Part => ("part", None),
        ClauseKind::Chapter => ("chapter", None),
        ClauseKind::Section => ("section", None),
        ClauseKind::Title => ("title", None),
        ClauseKind::Article => ("article", None),
        ClauseKind::Para => ("paragraph", None),
        ClauseKind::Point => ("point", None),
        ClauseKind::Alinea => ("alinea", None),
        ClauseKind::Note => ("hcontainer", Some("note")),
    }
}

/// A file name for an expression's document: the URI without `/akn/`, `/` as `_`, anything but
/// ASCII letters, digits, `-`, `.` and `@` as `_`: `kz_act_2015-11-24_418-v_rus@2020-06-25.xml`.
pub fn file_name(uri: &str) -> String {
    let mut name: String = uri
        .trim_start_matches("/akn/")
        .trim_start_matches('/')
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '@') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if name.is_empty() {
        name.push_str("law");
    }
    name.push_str(".xml");
    name
}

/// Escape text or an attribute value; characters XML 1.0 cannot hold become U+FFFD.
fn esc(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    esc(out, value);
    out.push('"');
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

/// `<name a="v" .../>` on its own line.
fn empty_el(out: &mut String, depth: usize, name: &str, attrs: &[(&str, &str)]) {
    indent(out, depth);
    out.push('<');
    out.push_str(name);
    for (k, v) in attrs {
        attr(out, k, v);
    }
    out.push_str("/>\n");
}

/// `<name>text</name>` on its own line.
fn text_el(out: &mut String, depth: usize, name: &str, text: &str) {
    indent(out, depth);
    out.push('<');
    out.push_str(name);
    out.push('>');
    esc(out, text);
    out.push_str("</");
    out.push_str(name);
    out.push_str(">\n");
}

/// A date for an AKN date attribute: the law's date as `YYYY-MM-DD`, or [`NULL_DATE`].
fn akn_date(s: Option<&str>) -> String {
    date_days(s).map_or_else(|| NULL_DATE.to_string(), format_date)
}

/// Write the document of one law expression.
///
/// `source_file` is the file as shown (relative to the repository for the bundled corpus).
pub fn write_document(
    law: &StoredLaw,
    source_file: Option<&str>,
    out: impl Write,
) -> io::Result<()> {
    let mut w = io::BufWriter::with_capacity(64 * 1024, out);
    let mut s = String::with_capacity(16 * 1024);
    let m = &law.law;
    let expression = law.uri();
    let work = work_of(expression);
    let doc_type = m.doc_type.as_deref().unwrap_or("act");
    let country = law.state();
    let lang = m.lang.as_deref().unwrap_or("und");
    let kind = text_kind(law);
    // The work's date is the adoption date (the date in its URI).
    let work_date = akn_date(m.adopted.as_deref().or(work.rsplit('/').nth(1)));
    let expression_date = akn_date(m.edition.as_deref().or(m.adopted.as_deref()));
    // The manifestation is made from the source file: its retrieval date when known, else the
    // expression's date (never the export's date: the same corpus gives the same bytes).
    let (manifestation_date, manifestation_date_name) = match date_days(m.retrieved.as_deref()) {
        Some(d) => (format_date(d), "retrieved"),
        None => (expression_date.clone(), "edition"),
    };
    let expression_author = if kind == "digest" {
        "#lexharmony"
    } else {
        "#lawmaker"
    };

    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str("<akomaNtoso");
    attr(&mut s, "xmlns", AKN_NAMESPACE);
    attr(&mut s, "xmlns:lh", LH_NAMESPACE);
    s.push_str(">\n");
    s.push_str("  <act");
    attr(&mut s, "name", doc_type);
    s.push_str(">\n");
    s.push_str("    <meta>\n");
    s.push_str("      <identification source=\"#lexharmony\">\n");

    s.push_str("        <FRBRWork>\n");
    empty_el(
        &mut s,
        5,
        "FRBRthis",
        &[("value", &format!("{work}/!main"))],
    );
    empty_el(&mut s, 5, "FRBRuri", &[("value", work)]);
    if let Some(t) = m.title.as_deref().filter(|t| !t.trim().is_empty()) {
        empty_el(&mut s, 5, "FRBRalias", &[("value", t), ("name", "title")]);
    }
    if let Some(t) = m.title_en.as_deref().filter(|t| !t.trim().is_empty()) {
        empty_el(
            &mut s,
            5,
            "FRBRalias",
            &[("value", t), ("name", "title_en")],
        );
    }
    empty_el(
        &mut s,
        5,
        "FRBRdate",
        &[("date", &work_date), ("name", "adopted")],
    );
    empty_el(&mut s, 5, "FRBRauthor", &[("href", "#lawmaker")]);
    empty_el(&mut s, 5, "FRBRcountry", &[("value", country)]);
    if let Some(n) = m.number.as_deref().filter(|n| !n.trim().is_empty()) {
        empty_el(&mut s, 5, "FRBRnumber", &[("value", n)]);
    }
    s.push_str("        </FRBRWork>\n");

    s.push_str("        <FRBRExpression>\n");
    empty_el(
        &mut s,
        5,
        "FRBRthis",
        &[("value", &format!("{expression}/!main"))],
    );
    empty_el(&mut s, 5, "FRBRuri", &[("value", expression)]);
    empty_el(
        &mut s,
        5,
        "FRBRdate",
        &[("date", &expression_date), ("name", "edition")],
    );
    empty_el(&mut s, 5, "FRBRauthor", &[("href", expression_author)]);
    empty_el(&mut s, 5, "FRBRlanguage", &[("language", lang)]);
    s.push_str("        </FRBRExpression>\n");

    s.push_str("        <FRBRManifestation>\n");
    empty_el(
        &mut s,
        5,
        "FRBRthis",
        &[("value", &format!("{expression}/!main.xml"))],
    );
    empty_el(
        &mut s,
        5,
        "FRBRuri",
        &[("value", &format!("{expression}.xml"))],
    );
    empty_el(
        &mut s,
        5,
        "FRBRdate",
        &[
            ("date", &manifestation_date),
            ("name", manifestation_date_name),
        ],
    );
    empty_el(&mut s, 5, "FRBRauthor", &[("href", "#lexharmony")]);
    s.push_str("        </FRBRManifestation>\n");
    s.push_str("      </identification>\n");

    s.push_str("      <references source=\"#lexharmony\">\n");
    empty_el(
        &mut s,
        4,
        "TLCOrganization",
        &[
            ("eId", "lexharmony"),
            ("href", "/ontology/organization/lexharmony"),
            ("showAs", "lexharmony"),
        ],
    );
    empty_el(
        &mut s,
        4,
        "TLCOrganization",
        &[
            ("eId", "lawmaker"),
            (
                "href",
                &format!("/ontology/organization/{country}/lawmaker"),
            ),
            ("showAs", &format!("lawmaker ({country})")),
        ],
    );
    s.push_str("      </references>\n");

    s.push_str("      <proprietary source=\"#lexharmony\">\n");
    indent(&mut s, 4);
    s.push_str("<lh:provenance");
    attr(&mut s, "textKind", kind);
    for (name, value) in [
        ("sourceUrl", m.source_url.as_deref()),
        ("sourceFile", source_file),
        ("contentHash", m.content_hash.as_deref()),
        ("format", m.format.as_deref()),
    ] {
        if let Some(v) = value {
            attr(&mut s, name, v);
        }
    }
    s.push_str("/>\n");
    s.push_str("      </proprietary>\n");
    s.push_str("    </meta>\n");

    let title = law.title();
    s.push_str("    <preface>\n");
    indent(&mut s, 3);
    s.push_str("<p class=\"title\"><docTitle>");
    esc(&mut s, title);
    s.push_str("</docTitle></p>\n");
    if let Some(n) = m.number.as_deref().filter(|n| !n.trim().is_empty()) {
        indent(&mut s, 3);
        s.push_str("<p class=\"number\"><docNumber>");
        esc(&mut s, n);
        s.push_str("</docNumber></p>\n");
    }
    s.push_str("    </preface>\n");
    w.write_all(s.as_bytes())?;
    s.clear();

    s.push_str("    <body>\n");
    let tree = Tree::new(&law.clauses);
    for &root in &tree.roots {
        tree.write(&mut s, &mut w, root, 3)?;
    }
    s.push_str("    </body>\n");
    s.push_str("  </act>\n");
    s.push_str("</akomaNtoso>\n");
    w.write_all(s.as_bytes())?;
    w.flush()
}

/// The clause tree by index: children in document order.
struct Tree<'a> {
    clauses: &'a [Clause],
    children: Vec<Vec<usize>>,
    roots: Vec<usize>,
}

impl<'a> Tree<'a> {
    fn new(clauses: &'a [Clause]) -> Tree<'a> {
        // Looked up only, never iterated: the order comes from the clauses.
        let mut by_eid: HashMap<&str, usize> = HashMap::with_capacity(clauses.len());
        let mut children = vec![Vec::new(); clauses.len()];
        let mut roots = Vec::new();
        for (i, c) in clauses.iter().enumerate() {
            match c.parent.as_deref().and_then(|p| by_eid.get(p)) {
                Some(&p) => children[p].push(i),
                None => roots.push(i),
            }
            by_eid.entry(c.eid.as_str()).or_insert(i);
        }
        Tree {
            clauses,
            children,
            roots,
        }
    }

    fn write(&self, s: &mut String, w: &mut impl Write, i: usize, depth: usize) -> io::Result<()> {
        let c = &self.clauses[i];
        let (el, name) = element(c.kind);
        indent(s, depth);
        s.push('<');
        s.push_str(el);
        attr(s, "eId", &c.eid);
        if let Some(name) = name {
            attr(s, "name", name);
        }
        if c.status == Status::Repealed {
            attr(s, "status", "removed");
        }
        s.push_str(">\n");
        let num = format!("{} {}", c.label, c.num);
        let num = num.trim();
        if !num.is_empty() {
            text_el(s, depth + 1, "num", num);
        }
        if let Some(h) = c.heading.as_deref().filter(|h| !h.trim().is_empty()) {
            text_el(s, depth + 1, "heading", h);
        }
        let kids = &self.children[i];
        if kids.is_empty() {
            blocks(s, depth + 1, "content", &c.text);
        } else {
            if !c.text.trim().is_empty() {
                blocks(s, depth + 1, "intro", &c.text);
            }
            for &k in kids {
                self.write(s, w, k, depth + 1)?;
            }
        }
        indent(s, depth);
        s.push_str("</");
        s.push_str(el);
        s.push_str(">\n");
        if s.len() > 32 * 1024 {
            w.write_all(s.as_bytes())?;
            s.clear();
        }
        Ok(())
    }
}

/// `<content>` or `<intro>` with one `<p>` per line of text (an empty `<p/>` for no text).
fn blocks(s: &mut String, depth: usize, name: &str, text: &str) {
    indent(s, depth);
    s.push('<');
    s.push_str(name);
    s.push_str(">\n");
    let mut any = false;
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        text_el(s, depth + 1, "p", line);
        any = true;
    }
    if !any {
        indent(s, depth + 1);
        s.push_str("<p/>\n");
    }
    indent(s, depth);
    s.push_str("</");
    s.push_str(name);
    s.push_str(">\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_flat_and_safe() {
        assert_eq!(
            file_name("/akn/kz/act/2015-11-24/418-v/rus@2020-06-25"),
            "kz_act_2015-11-24_418-v_rus@2020-06-25.xml"
        );
        assert_eq!(file_name("/akn/x/../y"), "x_.._y.xml");
        assert_eq!(file_name(""), "law.xml");
    }

    #[test]
    fn escaping() {
        let mut s = String::new();
        esc(&mut s, "a<b>&\"c\u{1}");
        assert_eq!(s, "a&lt;b&gt;&amp;&quot;c\u{FFFD}");
    }
}
