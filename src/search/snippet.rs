//! Highlighted snippets, computed by re-analysing the clause text with the same analyzers as the
//! index, so a stemmed match ("инцидентов" for "инцидент") is marked on the word as printed, offsets
//! always fall on character boundaries, and every piece of text is HTML-escaped.

use std::collections::HashSet;

use crate::search::analysis::{self, Reduction};
use crate::search::query::{Query, TextField};

/// The terms of a query's positive words and phrases, per analysis.
#[derive(Debug, Default)]
pub struct Highlight {
    exact: HashSet<String>,
    russian: HashSet<String>,
    english: HashSet<String>,
    armenian: HashSet<String>,
    prefix: HashSet<String>,
}

const RUSSIAN: Reduction = Reduction::Stem(frostem::Algorithm::Russian);
const ENGLISH: Reduction = Reduction::Stem(frostem::Algorithm::English);
const ARMENIAN: Reduction = Reduction::Stem(frostem::Algorithm::Armenian);
const PREFIX: Reduction = Reduction::Prefix(analysis::PREFIX_CHARS);

impl Highlight {
    pub fn from_query(q: &Query) -> Highlight {
        let mut h = Highlight::default();
        h.collect(q);
        h
    }

    fn collect(&mut self, q: &Query) {
        match q {
            Query::Term {
                field: Some(TextField::Exact),
                word,
            } => self.add_exact(word),
            Query::Phrase {
                field: Some(TextField::Exact),
                words,
                ..
            } => words.iter().for_each(|w| self.add_exact(w)),
            Query::Term { field, word } if *field != Some(TextField::Heading) => self.add(word),
            Query::Phrase { field, words, .. } if *field != Some(TextField::Heading) => {
                for w in words {
                    self.add(w);
                }
            }
            Query::And(items) | Query::Or(items) => items.iter().for_each(|i| self.collect(i)),
            _ => {}
        }
    }

    /// A word asked as printed marks only its own form.
    fn add_exact(&mut self, word: &str) {
        let terms = analysis::analyse(word, Reduction::None);
        self.exact.extend(terms.into_iter().map(|t| t.0));
    }

    fn add(&mut self, word: &str) {
        for (set, red) in [
            (&mut self.exact, Reduction::None),
            (&mut self.russian, RUSSIAN),
            (&mut self.english, ENGLISH),
            (&mut self.armenian, ARMENIAN),
            (&mut self.prefix, PREFIX),
        ] {
            set.extend(analysis::analyse(word, red).into_iter().map(|t| t.0));
        }
    }

    /// Byte spans of the words of `text` that match, for a text in `lang`: words whose reduction
    /// for the language or whose exact form is one of the query's (one pass over the text).
    pub fn spans(&self, text: &str, lang: &str) -> Vec<(usize, usize)> {
        let (set, red) = match lang {
            "rus" => (&self.russian, RUSSIAN),
            "eng" => (&self.english, ENGLISH),
            "hye" => (&self.armenian, ARMENIAN),
            _ => (&self.prefix, PREFIX),
        };
        let stemmer = match red {
            Reduction::Stem(alg) if !set.is_empty() => Some(frostem::Stemmer::new(alg)),
            _ => None,
        };
        let mut spans = Vec::new();
        let mut word = String::new();
        for (a, b) in analysis::word_spans(text) {
            word.clear();
            analysis::normalise_into(&text[a..b], &mut word);
            if word.is_empty() || word.len() > analysis::MAX_TOKEN_BYTES {
                continue;
            }
            if self.exact.contains(&word) {
                spans.push((a, b));
                continue;
            }
            if set.is_empty() {
                continue;
            }
            let term = analysis::reduce(&word, red, stemmer.as_ref());
            if !term.is_empty() && term.len() <= analysis::MAX_TOKEN_BYTES && set.contains(&term) {
                spans.push((a, b));
            }
        }
        spans
    }

    /// The fragment of about `max_chars` characters with the most matches, escaped, matches in
    /// `<mark>`; the start of the text when nothing matches.
    pub fn snippet_html(&self, text: &str, lang: &str, max_chars: usize) -> String {
        let spans = self.spans(text, lang);
        let max_bytes = max_chars * 2;
        let (start, end) = best_window(text, &spans, max_bytes);
        let mut out = String::new();
        if start > 0 {
            out.push('…');
        }
        let mut pos = start;
        for &(a, b) in spans.iter().filter(|(a, b)| *a >= start && *b <= end) {
            if a < pos {
                continue;
            }
            out.push_str(&escape(&text[pos..a]));
            out.push_str("<mark>");
            out.push_str(&escape(&text[a..b]));
            out.push_str("</mark>");
            pos = b;
        }
        out.push_str(&escape(&text[pos..end]));
        if end < text.len() {
            out.push('…');
        }
        out
    }
}

/// A window of at most `max_bytes` bytes, on character boundaries, holding the most spans.
fn best_window(text: &str, spans: &[(usize, usize)], max_bytes: usize) -> (usize, usize) {
    let floor = |mut i: usize| {
        i = i.min(text.len());
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    if text.len() <= max_bytes {
        return (0, text.len());
    }
    let mut best = (0usize, 0usize); // (count, start)
    let mut j = 0;
    for (i, &(a, _)) in spans.iter().enumerate() {
        while j < spans.len() && spans[j].1 <= a + max_bytes {
            j += 1;
        }
        if j - i > best.0 {
            best = (j - i, a);
        }
    }
    if best.0 == 0 {
        return (0, floor(max_bytes));
    }
    // Start a little before the first match, at a word boundary.
    let mut start = floor(best.1.saturating_sub(max_bytes / 6));
    if start > 0 {
        if let Some(sp) = text[start..best.1].find(' ') {
            start += sp + 1;
        }
    }
    let end = floor(start + max_bytes);
    (start, end)
}

/// HTML-escape text for element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(w: &str) -> Query {
        Query::Term {
            field: None,
            word: w.to_string(),
        }
    }

    #[test]
    fn stemmed_matches_are_marked_as_printed() {
        let h = Highlight::from_query(&term("инцидентов"));
        let html = h.snippet_html("О компьютерном инциденте <важно> & срочно", "rus", 240);
        assert_eq!(
            html,
            "О компьютерном <mark>инциденте</mark> &lt;важно&gt; &amp; срочно"
        );
    }

    #[test]
    fn long_texts_are_cut_around_matches_on_char_boundaries() {
        let text = format!(
            "{} персональные данные {}",
            "слово ".repeat(300),
            "конец ".repeat(300)
        );
        let h = Highlight::from_query(&Query::Phrase {
            field: None,
            words: vec!["персональных".into(), "данных".into()],
            slop: 0,
        });
        let html = h.snippet_html(&text, "rus", 100);
        assert!(
            html.contains("<mark>персональные</mark> <mark>данные</mark>"),
            "{html}"
        );
        assert!(html.starts_with('…') && html.ends_with('…'));
    }
}
