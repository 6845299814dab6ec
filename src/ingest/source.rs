//! The common shape every reader produces and the structure detector consumes: numbered lines of
//! clean text with what the file's own markup said about them.

use unicode_normalization::UnicodeNormalization;

/// What the file's markup (not its words) says about a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineHint {
    /// A file header or front matter line: metadata, not text of the law.
    Metadata,
    /// A scraper's separator line announcing the article with this printed number.
    ArticleMarker { num: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// 1-based line of the source file where this text starts.
    pub no: usize,
    /// The text: NFC, no stress marks, whitespace runs collapsed to one space, trimmed.
    pub text: String,
    /// Heading level when the markup said so (Markdown `#`, HTML `<h2>`, EUR-Lex title classes).
    pub heading_level: Option<u8>,
    pub hint: Option<LineHint>,
}

impl SourceLine {
    pub fn new(no: usize, raw: &str) -> Self {
        SourceLine {
            no,
            text: clean_text(raw),
            heading_level: None,
            hint: None,
        }
    }

    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }
}

/// Normalise a line of text the same way for every format: NFC, U+0301 (stress mark) and soft hyphens
/// dropped, every kind of space collapsed to one ASCII space, trimmed.
pub fn clean_text(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut pending_space = false;
    // Most lines are already NFC: skip the normaliser for them.
    let already_nfc = matches!(
        unicode_normalization::is_nfc_quick(raw.chars()),
        unicode_normalization::IsNormalized::Yes
    );
    let chars: Box<dyn Iterator<Item = char>> = if already_nfc {
        Box::new(raw.chars())
    } else {
        Box::new(raw.nfc())
    };
    for ch in chars {
        match ch {
            '\u{0301}' | '\u{00AD}' | '\u{200B}' | '\u{FEFF}' => {}
            c if c.is_whitespace() || c == '\u{00A0}' => pending_space = true,
            c if c.is_control() => pending_space = true,
            c => {
                if pending_space && !out.is_empty() {
                    out.push(' ');
                }
                pending_space = false;
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_normalised() {
        assert_eq!(
            clean_text("  Статья\u{a0}5.\t Назва\u{301}ние  "),
            "Статья 5. Название"
        );
        assert_eq!(clean_text("е\u{308}"), "ё");
        assert_eq!(clean_text(" \u{2003} "), "");
    }
}
