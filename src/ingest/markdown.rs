//! The Markdown reader: front matter, headings and the text of every line, by pulldown-cmark.
//!
//! Markdown's block structure is not clause structure (DESIGN.md pitfall 10: "а)" is not a list
//! item, "2." after a paragraph line does not start a list, four-space indents become code), so
//! this reader only turns each source line into clean text, keeps the heading level, and puts back
//! the numbers that Markdown took as list markers. Clauses are found later, over the lines.

use std::collections::BTreeMap;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::ingest::source::{clean_text, LineHint, SourceLine};

/// Front matter as `key: value` pairs (the subset of YAML the corpus uses).
pub type FrontMatter = BTreeMap<String, String>;

pub fn read(text: &str) -> (Vec<SourceLine>, FrontMatter) {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| match line_starts.binary_search(&offset) {
        Ok(i) => i,
        Err(i) => i - 1,
    };
    let raw_lines: Vec<&str> = text.split('\n').collect();
    let mut parts: Vec<String> = vec![String::new(); raw_lines.len()];
    let mut levels: Vec<Option<u8>> = vec![None; raw_lines.len()];
    let mut item_lines: Vec<usize> = Vec::new();
    let mut meta_lines: Vec<usize> = Vec::new();
    let mut front = FrontMatter::new();
    let mut in_meta = false;

    let options = Options::ENABLE_YAML_STYLE_METADATA_BLOCKS | Options::ENABLE_TABLES;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Start(Tag::MetadataBlock(_)) => {
                in_meta = true;
                let (a, b) = (line_of(range.start), line_of(range.end.saturating_sub(1)));
                meta_lines.extend(a..=b);
            }
            Event::End(TagEnd::MetadataBlock(_)) => in_meta = false,
            Event::Start(Tag::Heading { level, .. }) => {
                levels[line_of(range.start)] = Some(level as u8);
            }
            Event::Start(Tag::Item) => item_lines.push(line_of(range.start)),
            Event::Text(t) | Event::Code(t) if in_meta => parse_front_matter(&t, &mut front),
            Event::Text(t) | Event::Code(t) => {
                let mut line = line_of(range.start);
                // Code blocks and some texts span lines: keep each piece on its own line.
                for (k, piece) in t.split('\n').enumerate() {
                    if k > 0 {
                        line += 1;
                    }
                    if let Some(slot) = parts.get_mut(line) {
                        slot.push_str(piece);
                    }
                }
            }
            Event::Html(t) | Event::InlineHtml(t) => {
                let stripped = strip_tags(&t);
                if !stripped.trim().is_empty() {
                    let mut line = line_of(range.start);
                    for (k, piece) in stripped.split('\n').enumerate() {
                        if k > 0 {
                            line += 1;
                        }
                        if let Some(slot) = parts.get_mut(line) {
                            slot.push_str(piece);
                        }
                    }
                }
            }
            Event::FootnoteReference(t) => parts[line_of(range.start)].push_str(&t),
            Event::SoftBreak | Event::HardBreak => {}
            Event::Start(Tag::TableCell) => parts[line_of(range.start)].push(' '),
            _ => {}
        }
    }
    // Markdown took "1." and "2)" at the start of a line as list markers: put the numbers back.
    for &l in &item_lines {
        if let Some(marker) = list_marker(raw_lines[l]) {
            let p = &mut parts[l];
            if !p.trim_start().starts_with(&marker) {
                *p = format!("{marker} {}", p.trim_start());
            }
        }
    }

    let lines = parts
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let mut line = SourceLine {
                no: i + 1,
                text: clean_text(&text),
                heading_level: levels[i],
                hint: None,
            };
            // "###Article 7": no space after the hashes, so CommonMark saw a paragraph; a heading all the same.
            if line.heading_level.is_none() && raw_lines[i].starts_with('#') {
                let hashes = line.text.chars().take_while(|&c| c == '#').count();
                if (1..=6).contains(&hashes) && line.text.len() > hashes {
                    line.text = line.text[hashes..].trim().to_string();
                    line.heading_level = Some(hashes as u8);
                }
            }
            if meta_lines.contains(&i) {
                line.text = clean_text(raw_lines[i]);
                line.hint = Some(LineHint::Metadata);
            }
            line
        })
        .collect();
    (lines, front)
}

fn list_marker(raw: &str) -> Option<String> {
    let t = raw.trim_start().trim_start_matches('>').trim_start();
    let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        return None;
    }
    let after = &t[digits.len()..];
    let delim = after.chars().next()?;
    if delim == '.' || delim == ')' {
        Some(format!("{digits}{delim}"))
    } else {
        None
    }
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn parse_front_matter(block: &str, out: &mut FrontMatter) {
    for line in block.lines() {
        let line = line.trim_end();
        if line.trim_start().starts_with('#') || line.starts_with([' ', '\t', '-']) {
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let mut value = value.trim();
        // An unquoted value ends at " #" (a YAML comment).
        if !value.starts_with(['"', '\'']) {
            if let Some(p) = value.find(" #") {
                value = value[..p].trim_end();
            }
        }
        let value = value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
            .unwrap_or(value);
        out.insert(key.trim().to_string(), value.replace("\\\"", "\""));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_front_matter_and_list_numbers() {
        let src = "---\ncountry: kz # a comment\ntitle: \"О примере\"\n---\n# Закон\n\n## Статья 1. Термины\n\n1. Первая часть.\n2. Вторая часть:\n\nа) подпункт;\n\n    4. отступ\n<a id=\"st2\"></a>\n**Сноска.** Изменено.\n";
        let (lines, fm) = read(src);
        assert_eq!(fm.get("country").map(String::as_str), Some("kz"));
        assert_eq!(fm.get("title").map(String::as_str), Some("О примере"));
        let text: Vec<(&str, Option<u8>)> = lines
            .iter()
            .filter(|l| !l.is_blank() && l.hint.is_none())
            .map(|l| (l.text.as_str(), l.heading_level))
            .collect();
        assert_eq!(
            text,
            vec![
                ("Закон", Some(1)),
                ("Статья 1. Термины", Some(2)),
                ("1. Первая часть.", None),
                ("2. Вторая часть:", None),
                ("а) подпункт;", None),
                ("4. отступ", None),
                ("Сноска. Изменено.", None),
            ]
        );
        assert_eq!(lines[6].no, 7);
        assert!(lines[..4]
            .iter()
            .all(|l| l.hint == Some(LineHint::Metadata)));
    }
}
