//! The definitions table: every term defined in a definitions article, per state, with its text;
//! terms defined by several states grouped (by the stems of their words), with the differences of
//! their definitions as word diffs (`compare::diff`).
//!
//! A definitions article is one whose heading says so ("Основные понятия", "Термины и
//! определения", "Definitions", "Use of terms", "Негізгі ұғымдар"), or whose text opens a list of
//! definitions ("Для целей настоящего Соглашения используются следующие термины"). Entries are
//! read from it in three ways:
//! - `term – definition` (dash, em dash or spaced hyphen), one a line, a point (`1) term – ...`) or
//!   a sentence (official texts);
//! - terms in quotes («...», "...", “...”) anywhere in the article, each with the sentences of the
//!   article that speak of it (the project's digests name the terms they summarise in quotes);
//! - a plain list after "Определены:" / "defines:" (digests), items without commas only.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::Serialize;

use super::classify::shorten;
use crate::compare::diff::{self as wdiff, DiffOptions, Op};
use crate::library::StoredLaw;
use crate::model::{permalink, Clause, ClauseKind};
use crate::search::analysis::{self, Reduction};

/// Whether an article (its heading and the start of its text) is a definitions article.
pub fn is_definitions_article(heading: Option<&str>, text: &str) -> bool {
    static HEAD: OnceLock<regex::Regex> = OnceLock::new();
    static OPEN: OnceLock<regex::Regex> = OnceLock::new();
    let head = HEAD.get_or_init(|| {
        regex::Regex::new(
            r"(?i)(основн\w*\s+понят|\bпонятий\b|понят\w*[,]?\s+(использ|применя)|термин\w*\s+и\s+определени|основн\w*\s+термин|^\s*(термины|понятия|определения)\b|\bdefinitions?\b|use of terms|terms used|terms and definitions|basic (concepts|terms)|main terms|негізгі ұғым|ұғымдар)",
        )
        .expect("static regex")
    });
    let open = OPEN.get_or_init(|| {
        regex::Regex::new(
            r"(?i)^\W{0,3}(((основные\s+)?(понятия|термины)(\s+и\s+определения)?\s+)?(для целей настоящего\s+\w+\s+(используются|применяются|приведенные|используемые)|в настоящем\s+\w+\s+используются следующие|термины и определения|основные понятия|for the purposes of this\s+\w+[^.]{0,40}(following|means|shall mean)))",
        )
        .expect("static regex")
    });
    if heading.is_some_and(|h| head.is_match(h)) {
        return true;
    }
    let start: String = text.chars().take(300).collect();
    open.is_match(&start)
}

/// One term as one law defines it.
#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    pub state: String,
    pub law_uri: String,
    pub law_title: String,
    pub number: String,
    pub lang: String,
    pub digest: bool,
    /// The term as printed.
    pub term: String,
    /// The definition text (an official entry, or the digest's sentences on the term); None when
    /// the law names the term without a definition we could read.
    pub definition: Option<String>,
    /// The clause the entry is in.
    pub eid: String,
    pub permalink: String,
    /// How it was read: entry (term – definition), quoted or list.
    pub how: &'static str,
}

/// A word diff of one definition against the group's first.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    pub state: String,
    pub against_state: String,
    pub inline: bool,
    pub similarity: Option<f32>,
    /// Why it is shown side by side, when it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    pub ops: Vec<Op>,
}

/// A term (by stems) and every law that defines it.
#[derive(Debug, Clone, Serialize)]
pub struct TermGroup {
    /// The stem key ("персональн дан").
    pub key: String,
    pub lang: String,
    /// The term as printed by the first definition.
    pub term: String,
    pub states: Vec<String>,
    pub definitions: Vec<Definition>,
    /// For each further state's definition, its diff against the first state's.
    pub differences: Vec<Difference>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DefinitionsTable {
    /// Terms defined by two states or more, most states first.
    pub shared: Vec<TermGroup>,
    /// Terms only one state defines.
    pub single: Vec<TermGroup>,
    /// How the differences are shown.
    pub diff_method: &'static str,
}

fn reduction_for(lang: &str) -> Reduction {
    match lang {
        "eng" => Reduction::Stem(frostem::Algorithm::English),
        "hye" => Reduction::Stem(frostem::Algorithm::Armenian),
        "kaz" | "kir" => Reduction::Prefix(analysis::PREFIX_CHARS),
        _ => Reduction::Stem(frostem::Algorithm::Russian),
    }
}

/// The stem key of a term: words stemmed, parentheses dropped.
pub fn term_key(term: &str, lang: &str) -> String {
    static PAREN: OnceLock<regex::Regex> = OnceLock::new();
    let paren = PAREN.get_or_init(|| regex::Regex::new(r"\([^)]*\)").expect("static regex"));
    let t = paren.replace_all(term, " ");
    analysis::analyse(&t, reduction_for(lang))
        .into_iter()
        .map(|(s, _, _)| s)
        .collect::<Vec<_>>()
        .join(" ")
}

fn clean_term(t: &str) -> String {
    let t = t
        .trim()
        .trim_matches(|c: char| {
            matches!(
                c,
                '«' | '»' | '"' | '“' | '”' | '„' | '\'' | ':' | ';' | ',' | '.' | '-' | '–' | '—'
            ) || c.is_whitespace()
        })
        .trim();
    t.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn plausible_term(t: &str) -> bool {
    let words = t.split_whitespace().count();
    (1..=10).contains(&words) && t.chars().count() >= 3 && t.chars().any(char::is_alphabetic)
}

fn strip_number(line: &str) -> &str {
    static NUM: OnceLock<regex::Regex> = OnceLock::new();
    let re = NUM.get_or_init(|| {
        regex::Regex::new(r"^\s*(\d+(?:[-.]\d+)*\)|\(?[a-zа-я]\)|\d+(?:[-.]\d+)*\.)\s*")
            .expect("static regex")
    });
    match re.find(line) {
        Some(m) => &line[m.end()..],
        None => line,
    }
}

/// `term – definition` entries of a text (lines, then sentences of long lines).
fn entries(text: &str) -> Vec<(String, String)> {
    static DASH: OnceLock<regex::Regex> = OnceLock::new();
    static SENT: OnceLock<regex::Regex> = OnceLock::new();
    let dash = DASH.get_or_init(|| {
        regex::Regex::new(
            r#"^\s*[«"“]?(?P<term>[^–—:;.«»"“”]{2,140}?)[»"”]?\s+[-–—−]\s+(?P<def>\S.*)$"#,
        )
        .expect("static regex")
    });
    // A sentence boundary: ". " or "; " before a capital letter or a quote.
    let sent = SENT.get_or_init(|| {
        regex::Regex::new(r#"[.;]\s+(?P<next>[«"“]?\p{Lu})"#).expect("static regex")
    });
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let line = strip_number(line.trim());
        if line.is_empty() {
            continue;
        }
        // Split a long line into sentences and try each.
        let mut pieces: Vec<&str> = Vec::new();
        let mut last = 0;
        for m in sent.captures_iter(line) {
            let next = m.name("next").expect("group");
            pieces.push(&line[last..next.start()]);
            last = next.start();
        }
        pieces.push(&line[last..]);
        for piece in pieces {
            let piece = piece.trim();
            if let Some(c) = dash.captures(piece) {
                let term = clean_term(&c["term"]);
                let def = c["def"]
                    .trim()
                    .trim_end_matches([';', '.'])
                    .trim()
                    .to_string();
                if plausible_term(&term) && !def.is_empty() {
                    out.push((term, def));
                    continue;
                }
            }
            // A sentence that continues the previous definition.
            if let Some(prev) = out.last_mut() {
                if !piece.is_empty() && prev.1.len() < 4000 {
                    prev.1.push(' ');
                    prev.1.push_str(piece.trim_end_matches([';', '.']));
                }
            }
        }
    }
    out
}

/// Terms in quotes.
fn quoted(text: &str) -> Vec<String> {
    static Q: OnceLock<regex::Regex> = OnceLock::new();
    let re = Q.get_or_init(|| {
        regex::Regex::new(r#"«([^«»]{2,100})»|“([^“”]{2,100})”|"([^"]{2,100})""#)
            .expect("static regex")
    });
    let mut out: Vec<String> = Vec::new();
    for c in re.captures_iter(text) {
        let t = c
            .get(1)
            .or(c.get(2))
            .or(c.get(3))
            .map(|m| clean_term(m.as_str()))
            .unwrap_or_default();
        if plausible_term(&t) && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// A plain list after "Определены:" / "defines:" up to the end of the sentence, items without
/// commas.
fn listed(text: &str) -> Vec<String> {
    static L: OnceLock<regex::Regex> = OnceLock::new();
    let re = L.get_or_init(|| {
        regex::Regex::new(
            r"(?i)(определены|определяются|даны определения|defines|defined)\s*:\s*([^.]+)",
        )
        .expect("static regex")
    });
    let mut out = Vec::new();
    for c in re.captures_iter(text) {
        for item in c[2].split(';') {
            let t = clean_term(item);
            if t.contains(',')
                || t.contains(" и ")
                || t.contains(" and ")
                || t.contains('«')
                || t.contains('"')
            {
                continue;
            }
            if plausible_term(&t) && !out.contains(&t) {
                out.push(t);
            }
        }
    }
    out
}

fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &ch) in chars.iter().enumerate() {
        cur.push(ch);
        if matches!(ch, '.' | '\n') && chars.get(i + 1).is_none_or(|c| c.is_whitespace()) {
            let s = cur.trim().to_string();
            if !s.is_empty() {
                out.push(s);
            }
            cur.clear();
        }
    }
    if !cur.trim().is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// The sentences of `text` that speak of `term` (its stems in order) and are not a list of terms.
fn sentences_on(text: &str, term: &str, lang: &str) -> Option<String> {
    let key: Vec<String> = term_key(term, lang)
        .split(' ')
        .map(str::to_string)
        .collect();
    if key.is_empty() {
        return None;
    }
    let mut found = Vec::new();
    for s in sentences(text) {
        if quoted(&s).len() >= 3 || listed(&s).len() >= 2 {
            continue;
        }
        let stems: Vec<String> = analysis::analyse(&s, reduction_for(lang))
            .into_iter()
            .map(|t| t.0)
            .collect();
        if stems.windows(key.len()).any(|w| w == key.as_slice()) {
            found.push(s);
        }
    }
    (!found.is_empty()).then(|| shorten(&found.join(" "), 1200))
}

fn law_info(law: &StoredLaw) -> (String, String, String) {
    (
        law.title().to_string(),
        law.law.number.clone().unwrap_or_default(),
        law.law.lang.clone().unwrap_or_default(),
    )
}

/// Every definition in a law's definitions articles.
pub fn law_definitions(law: &StoredLaw) -> Vec<Definition> {
    let (title, number, lang) = law_info(law);
    let mut out: Vec<Definition> = Vec::new();
    let arts: Vec<&Clause> = law
        .clauses
        .iter()
        .filter(|c| {
            c.kind == ClauseKind::Article && is_definitions_article(c.heading.as_deref(), &c.text)
        })
        .collect();
    for art in arts {
        let prefix = format!("{}__", art.eid);
        let inside: Vec<&Clause> = std::iter::once(art)
            .chain(law.clauses.iter().filter(|c| c.eid.starts_with(&prefix)))
            .collect();
        let full: String = inside
            .iter()
            .map(|c| c.text.as_str())
            .collect::<Vec<_>>()
            .join("\n");
        let mut keys: Vec<String> = Vec::new();
        let mut push = |term: String,
                        def: Option<String>,
                        eid: &str,
                        how: &'static str,
                        out: &mut Vec<Definition>| {
            let key = term_key(&term, &lang);
            if key.is_empty() || keys.contains(&key) {
                return;
            }
            keys.push(key);
            out.push(Definition {
                state: law.state().to_string(),
                law_uri: law.uri().to_string(),
                law_title: title.clone(),
                number: number.clone(),
                lang: lang.clone(),
                digest: law.is_digest(),
                term,
                definition: def.map(|d| shorten(&d, 1500)),
                eid: eid.to_string(),
                permalink: if law.uri().is_empty() {
                    String::new()
                } else {
                    permalink(law.uri(), eid)
                },
                how,
            });
        };
        for c in &inside {
            for (term, def) in entries(&c.text) {
                push(term, Some(def), &c.eid, "entry", &mut out);
            }
        }
        for term in quoted(&full).into_iter().chain(listed(&full)) {
            let def = sentences_on(&full, &term, &lang);
            let how = if def.is_some() { "quoted" } else { "list" };
            push(term, def, &art.eid, how, &mut out);
        }
    }
    out
}

/// The table over laws: member states' definitions grouped by stem key and language.
pub fn table(laws: &[StoredLaw], states: &[&str]) -> DefinitionsTable {
    let mut groups: BTreeMap<(String, String), Vec<Definition>> = BTreeMap::new();
    for law in laws
        .iter()
        .filter(|l| l.has_text() && states.contains(&l.state()))
    {
        for d in law_definitions(law) {
            let key = term_key(&d.term, &d.lang);
            groups.entry((d.lang.clone(), key)).or_default().push(d);
        }
    }
    let opts = DiffOptions::default();
    let mut shared = Vec::new();
    let mut single = Vec::new();
    for ((lang, key), mut defs) in groups {
        defs.sort_by(|a, b| (&a.state, &a.law_uri).cmp(&(&b.state, &b.law_uri)));
        let mut states: Vec<String> = defs.iter().map(|d| d.state.clone()).collect();
        states.dedup();
        let mut differences = Vec::new();
        if states.len() > 1 {
            if let Some(first) = defs.iter().find(|d| d.definition.is_some()) {
                for d in defs.iter().filter(|d| d.state != first.state) {
                    let (Some(a), Some(b)) = (&first.definition, &d.definition) else {
                        continue;
                    };
                    let diff = wdiff::diff(a, b, reduction_for(&lang), &opts);
                    differences.push(Difference {
                        state: d.state.clone(),
                        against_state: first.state.clone(),
                        inline: diff.is_inline(),
                        similarity: diff.similarity,
                        fallback: diff.fallback.map(|f| f.message().to_string()),
                        ops: diff.ops,
                    });
                }
            }
        }
        let g = TermGroup {
            term: defs[0].term.clone(),
            key,
            lang,
            states,
            definitions: defs,
            differences,
        };
        if g.states.len() > 1 {
            shared.push(g);
        } else {
            single.push(g);
        }
    }
    shared.sort_by(|a, b| b.states.len().cmp(&a.states.len()).then(a.key.cmp(&b.key)));
    DefinitionsTable {
        shared,
        single,
        diff_method:
            "word diff by stems (compare::diff): each state's definition against the first state's",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definitions_articles_are_recognised() {
        assert!(is_definitions_article(
            Some("Основные понятия, используемые в настоящем Законе"),
            ""
        ));
        assert!(is_definitions_article(Some("Термины и определения"), ""));
        assert!(is_definitions_article(Some("Definitions"), ""));
        assert!(is_definitions_article(Some("Use of terms"), ""));
        assert!(is_definitions_article(
            None,
            "Для целей настоящего Протокола используются термины, перечисленные ниже:"
        ));
        assert!(is_definitions_article(
            None,
            "Термины и определения Для целей настоящего Закона применяются"
        ));
        assert!(!is_definitions_article(
            Some("Согласие субъекта"),
            "Субъект дает согласие"
        ));
        assert!(!is_definitions_article(
            None,
            "Стороны сотрудничают в области определения угроз."
        ));
    }

    #[test]
    fn entries_quotes_and_lists_are_read() {
        let e = entries("\"компьютерная атака\" - целенаправленное воздействие на системы;\n1) персональные данные – сведения о человеке;");
        assert_eq!(e[0].0, "компьютерная атака");
        assert!(e[0].1.starts_with("целенаправленное"));
        assert_eq!(e[1].0, "персональные данные");
        let e = entries("Перечень персональных данных - список категорий данных. Массив персональных данных - любая совокупность. К массивам относятся архивы.");
        assert_eq!(e.len(), 2);
        assert!(e[1].1.contains("архивы"));
        assert_eq!(
            quoted("defines «компьютерный инцидент» and \"critical infrastructure\""),
            ["компьютерный инцидент", "critical infrastructure"]
        );
        assert_eq!(listed("Определены: биометрические данные; персональные данные; блокирование, сбор и уничтожение."), ["биометрические данные", "персональные данные"]);
    }

    #[test]
    fn keys_meet_across_inflection() {
        assert_eq!(
            term_key("персональные данные", "rus"),
            term_key("персональных данных", "rus")
        );
        assert_eq!(
            term_key("Computer incidents", "eng"),
            term_key("computer incident", "eng")
        );
    }
}
