//! Plain-text readers: text as printed by official portals (adilet.zan.kz, pravo.by,
//! cbd.minjust.gov.kg), and text exported by scrapers that put their own header lines on top
//! ("Belarus source: ...", "Source URL: ...") and a separator before every article
//! ("Section 12. Original section/article: 7-1. Source: ...").

use std::sync::LazyLock;

use regex::Regex;

use crate::ingest::source::{LineHint, SourceLine};

pub fn read_plain(text: &str) -> Vec<SourceLine> {
    text.split('\n')
        .enumerate()
        .map(|(i, raw)| SourceLine::new(i + 1, raw))
        .collect()
}

static SCRAPER_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<key>[A-Z][A-Za-z ]{1,40} source|Category|Source URL|Source|Note|Title|URL|Retrieved|Edition|Language)\s*:\s*(?P<value>.*)$")
        .expect("scraper header")
});

static SCRAPER_SECTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Section\s+\d+\.\s+Original section/article:\s*(?P<num>[^\s]+?)\.?\s+Source:")
        .expect("scraper section")
});

/// Whether the text is a scraper export: header lines on top and article separators.
pub fn looks_scraped(text: &str) -> bool {
    let mut header = 0;
    for line in text.lines().take(8) {
        if SCRAPER_HEADER.is_match(line.trim()) {
            header += 1;
        }
    }
    header >= 2
        || text
            .lines()
            .take(400)
            .any(|l| SCRAPER_SECTION.is_match(l.trim()))
}

/// The scraper's header as key/value pairs, and the lines with headers and separators marked.
pub fn read_scraped(text: &str) -> (Vec<SourceLine>, Vec<(String, String)>) {
    let mut lines = read_plain(text);
    let mut header = Vec::new();
    let mut in_header = true;
    for line in &mut lines {
        if in_header {
            if line.is_blank() {
                if !header.is_empty() {
                    in_header = false;
                }
                continue;
            }
            if let Some(c) = SCRAPER_HEADER.captures(&line.text) {
                header.push((c["key"].to_string(), c["value"].trim().to_string()));
                line.hint = Some(LineHint::Metadata);
                continue;
            }
            in_header = false;
        }
        if let Some(c) = SCRAPER_SECTION.captures(&line.text) {
            line.hint = Some(LineHint::ArticleMarker {
                num: c["num"].to_string(),
            });
        }
    }
    (lines, header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scraper_headers_and_separators() {
        let src = "Belarus source: Law on Examples\nCategory: Digital services\nSource URL: https://example.org/x\n\nSection 3. Original section/article: 7-1. Source: Law on Examples.\nНазвание статьи\nТекст.\n";
        assert!(looks_scraped(src));
        let (lines, header) = read_scraped(src);
        assert_eq!(header.len(), 3);
        assert_eq!(
            header[2],
            ("Source URL".into(), "https://example.org/x".into())
        );
        assert_eq!(lines[0].hint, Some(LineHint::Metadata));
        assert_eq!(
            lines[4].hint,
            Some(LineHint::ArticleMarker { num: "7-1".into() })
        );
        assert!(!looks_scraped("Статья 1. Текст\nСтатья 2. Текст\n"));
    }
}
