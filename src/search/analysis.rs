//! Text analysis for the index: one tokenizer for every language and one analyzer per field
//! (DESIGN.md section 6 and pitfalls 1-4).
//!
//! - Tokens are Unicode words (UAX #29), so "12.1" and "сям'я" stay whole; words joined by a hyphen
//!   where one side holds a digit ("7-1", "187-ФЗ", "418-V") are merged back into one token.
//! - Token text is NFC, lowercase, without stress marks (U+0301), with ё folded into е; offsets
//!   still point into the original text, so highlights fall on the words as printed.
//! - No length cut below 255 bytes: "телекоммуникационных" (40 bytes) is indexed.
//! - Stemming by Snowball (frostem): Russian, English, Armenian. Kazakh, Kyrgyz, Tajik and
//!   Belarusian have no stemmer; their recall aid is a prefix field (the first six letters).
//! - The language fields also hold every pair and every triple of neighbouring terms as one term
//!   ("персональн дан", "обработк персональн дан", at the position of the first word; shingles, as
//!   Lucene's `ShingleFilter` with unigrams and `max_shingle_size` 3), so a phrase of two or three
//!   common words reads one short posting list instead of the positions of every clause holding
//!   its words, and a longer one checks the positions of a few rare triples (see [`pair_term`],
//!   [`triple_term`]).
//!
//! Custom tokenizers are not stored in the index: [`register`] must run after every open.

use std::sync::Arc;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Tokens longer than this many bytes are dropped (tantivy's own default of 40 loses Cyrillic words).
pub const MAX_TOKEN_BYTES: usize = 255;
/// Length of the prefix kept by the recall-aid analyzer.
pub const PREFIX_CHARS: usize = 6;

pub const EXACT: &str = "lh_exact";
pub const RUSSIAN: &str = "lh_rus";
pub const ENGLISH: &str = "lh_eng";
pub const ARMENIAN: &str = "lh_hye";
pub const PREFIX: &str = "lh_prefix";
/// The prefix analysis with word pairs and triples, for the text of languages without a stemmer
/// (headings use [`PREFIX`], without them).
pub const PREFIX_TEXT: &str = "lh_prefix_text";

/// How a token's normalised text is reduced for a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reduction {
    None,
    Stem(frostem::Algorithm),
    Prefix(usize),
}

/// The analyzer of each field, by name: its reduction, and whether it adds word pairs and triples.
pub fn analyzers() -> Vec<(&'static str, Reduction, bool)> {
    vec![
        (EXACT, Reduction::None, false),
        (RUSSIAN, Reduction::Stem(frostem::Algorithm::Russian), true),
        (ENGLISH, Reduction::Stem(frostem::Algorithm::English), true),
        (
            ARMENIAN,
            Reduction::Stem(frostem::Algorithm::Armenian),
            true,
        ),
        (PREFIX, Reduction::Prefix(PREFIX_CHARS), false),
        (PREFIX_TEXT, Reduction::Prefix(PREFIX_CHARS), true),
    ]
}

/// Register every analyzer on an index (after every open: they are not stored in the index).
pub fn register(index: &tantivy::Index) {
    for (name, reduction, shingles) in analyzers() {
        let tokenizer = LawTokenizer::new(reduction).with_shingles(shingles);
        index
            .tokenizers()
            .register(name, TextAnalyzer::from(tokenizer));
    }
}

/// The term of two neighbouring terms of a language field. A space never occurs inside a word's
/// term, so a pair never collides with a word.
pub fn pair_term(first: &str, second: &str) -> String {
    let mut t = String::with_capacity(first.len() + 1 + second.len());
    t.push_str(first);
    t.push(' ');
    t.push_str(second);
    t
}

/// The term of three neighbouring terms of a language field (two spaces: never a word nor a pair).
pub fn triple_term(first: &str, second: &str, third: &str) -> String {
    let mut t = String::with_capacity(first.len() + second.len() + third.len() + 2);
    t.push_str(first);
    t.push(' ');
    t.push_str(second);
    t.push(' ');
    t.push_str(third);
    t
}

/// Normalise one word the way the index does: NFC, lowercase, no stress marks, ё -> е.
pub fn normalise_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    normalise_into(word, &mut out);
    out
}

/// [`normalise_word`] appending to `out` (so a caller can reuse one buffer).
///
/// Text made only of characters below U+0300 (Latin, no combining marks) or of basic Cyrillic
/// (U+0400 to U+04FF) is already NFC, so `nfc()` runs only on the rest; ASCII and Russian capitals
/// are lowercased directly, other characters by `char::to_lowercase`.
pub fn normalise_into(word: &str, out: &mut String) {
    let plain = word
        .chars()
        .all(|c| (c as u32) < 0x300 || ('\u{400}'..='\u{4FF}').contains(&c));
    if plain {
        for c in word.chars() {
            push_lower(c, out);
        }
    } else {
        for c in word.nfc() {
            push_lower(c, out);
        }
    }
}

#[inline]
fn push_lower(c: char, out: &mut String) {
    match c {
        '\u{0301}' | '\u{00AD}' => {}
        'ё' | 'Ё' => out.push('е'),
        'a'..='z' | '0'..='9' | 'а'..='я' => out.push(c),
        'A'..='Z' => out.push(c.to_ascii_lowercase()),
        // А..Я -> а..я
        '\u{410}'..='\u{42F}' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
        c if c.is_ascii() => out.push(c),
        c => out.extend(c.to_lowercase()),
    }
}

/// Split `text` into (byte start, byte end) word spans, merging hyphenated numbers.
pub fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = Vec::new();
    for (start, word) in text.unicode_word_indices() {
        let end = start + word.len();
        if let Some(last) = spans.last_mut() {
            let gap = &text[last.1..start];
            if matches!(gap, "-" | "‐" | "‑") {
                let left = &text[last.0..last.1];
                if left.chars().any(|c| c.is_ascii_digit())
                    || word.chars().any(|c| c.is_ascii_digit())
                {
                    last.1 = end;
                    continue;
                }
            }
        }
        spans.push((start, end));
    }
    spans
}

/// Reduce a normalised word for a field.
pub fn reduce(word: &str, reduction: Reduction, stemmer: Option<&frostem::Stemmer>) -> String {
    match reduction {
        Reduction::None => word.to_string(),
        Reduction::Stem(_) => match stemmer {
            // Numbers and codes ("7-1", "187-фз") are not words to stem.
            Some(s) if !word.chars().any(|c| c.is_ascii_digit()) => s.stem(word).into_owned(),
            _ => word.to_string(),
        },
        Reduction::Prefix(n) => word.chars().take(n).collect(),
    }
}

/// Analyse a whole text for a field: (normalised and reduced term, byte start, byte end).
pub fn analyse(text: &str, reduction: Reduction) -> Vec<(String, usize, usize)> {
    let stemmer = match reduction {
        Reduction::Stem(alg) => Some(frostem::Stemmer::new(alg)),
        _ => None,
    };
    word_spans(text)
        .into_iter()
        .filter_map(|(a, b)| {
            let word = normalise_word(&text[a..b]);
            let term = reduce(&word, reduction, stemmer.as_ref());
            (!term.is_empty() && term.len() <= MAX_TOKEN_BYTES).then_some((term, a, b))
        })
        .collect()
}

#[derive(Clone)]
pub struct LawTokenizer {
    reduction: Reduction,
    stemmer: Option<Arc<frostem::Stemmer>>,
    shingles: bool,
    /// Stems of the words seen by this tokenizer (tantivy keeps one per field and segment
    /// writer): most words of law text recur, and Snowball is the dearest step of the analysis.
    stems: rustc_hash::FxHashMap<String, String>,
}

/// Words whose stems a tokenizer keeps, at most (a few megabytes).
const STEM_CACHE_WORDS: usize = 100_000;

/// A text's words: byte span and normalised word.
type Words = std::rc::Rc<Vec<(usize, usize, String)>>;

/// The last texts tokenizers split on this thread, with their words, newest last.
#[derive(Default)]
struct LastWords {
    texts: Vec<(String, Words)>,
}

/// How many texts [`LastWords`] keeps: a clause's heading and text, twice over.
const LAST_TEXTS: usize = 4;

thread_local! {
    /// tantivy indexes a document field by field on one thread, so a clause's heading and text
    /// reach the exact field's tokenizer and then its language field's: the second reuses the
    /// first one's split and normalisation.
    static LAST_WORDS: std::cell::RefCell<LastWords> = std::cell::RefCell::default();
}

/// The words of `text`, split and normalised, or taken from a tokenizer that just did it.
fn words_of(text: &str) -> Words {
    LAST_WORDS.with(|last| {
        let mut last = last.borrow_mut();
        if let Some((_, words)) = last.texts.iter().find(|(t, _)| t == text) {
            return std::rc::Rc::clone(words);
        }
        let words: Words = std::rc::Rc::new(
            word_spans(text)
                .into_iter()
                .map(|(a, b)| (a, b, normalise_word(&text[a..b])))
                .collect(),
        );
        if last.texts.len() >= LAST_TEXTS {
            last.texts.remove(0);
        }
        last.texts
            .push((text.to_string(), std::rc::Rc::clone(&words)));
        words
    })
}

impl LawTokenizer {
    pub fn new(reduction: Reduction) -> Self {
        let stemmer = match reduction {
            Reduction::Stem(alg) => Some(Arc::new(frostem::Stemmer::new(alg))),
            _ => None,
        };
        LawTokenizer {
            reduction,
            stemmer,
            shingles: false,
            stems: Default::default(),
        }
    }

    /// Also emit each pair and each triple of neighbouring terms ([`pair_term`],
    /// [`triple_term`]) at its first word's position.
    pub fn with_shingles(mut self, shingles: bool) -> Self {
        self.shingles = shingles;
        self
    }
}

pub struct LawTokenStream {
    tokens: Vec<Token>,
    next: usize,
}

impl Tokenizer for LawTokenizer {
    type TokenStream<'a> = LawTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> LawTokenStream {
        let mut tokens: Vec<Token> = Vec::new();
        // The last two words' token indices, for the pair and the triple that end at this word.
        // Shingles go right after their first word's token, so positions never go down.
        let mut previous: Option<usize> = None;
        let mut before_previous: Option<usize> = None;
        let mut position = 0;
        let words = words_of(text);
        for &(a, b, ref word) in words.iter() {
            let term = match self.reduction {
                Reduction::None => word.clone(),
                Reduction::Stem(_) => match self.stems.get(word) {
                    Some(stem) => stem.clone(),
                    None => {
                        let stem = reduce(word, self.reduction, self.stemmer.as_deref());
                        if self.stems.len() < STEM_CACHE_WORDS {
                            self.stems.insert(word.clone(), stem.clone());
                        }
                        stem
                    }
                },
                r => reduce(word, r, None),
            };
            if term.is_empty() || term.len() > MAX_TOKEN_BYTES {
                continue;
            }
            if self.shingles {
                if let (Some(f), Some(p)) = (before_previous, previous) {
                    let first = &tokens[f];
                    let triple = triple_term(&first.text, &tokens[p].text, &term);
                    if triple.len() <= MAX_TOKEN_BYTES {
                        let token = Token {
                            offset_from: first.offset_from,
                            offset_to: b,
                            position: first.position,
                            text: triple,
                            position_length: 3,
                        };
                        // After the first word's pair, before the second word.
                        tokens.insert(p, token);
                        previous = Some(p + 1);
                    }
                }
                if let Some(p) = previous {
                    let first = &tokens[p];
                    let pair = pair_term(&first.text, &term);
                    if pair.len() <= MAX_TOKEN_BYTES {
                        tokens.push(Token {
                            offset_from: first.offset_from,
                            offset_to: b,
                            position: first.position,
                            text: pair,
                            position_length: 2,
                        });
                    }
                }
            }
            before_previous = previous;
            previous = Some(tokens.len());
            tokens.push(Token {
                offset_from: a,
                offset_to: b,
                position,
                text: term,
                position_length: 1,
            });
            position += 1;
        }
        LawTokenStream { tokens, next: 0 }
    }
}

impl TokenStream for LawTokenStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str, r: Reduction) -> Vec<String> {
        analyse(text, r).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn numbers_and_codes_stay_whole() {
        assert_eq!(
            terms(
                "Статья 7-1, пункт 12.1 Закона 187-ФЗ и 418-V",
                Reduction::None
            ),
            [
                "статья",
                "7-1",
                "пункт",
                "12.1",
                "закона",
                "187-фз",
                "и",
                "418-v"
            ]
        );
        assert_eq!(terms("сям'я", Reduction::None), ["сям'я"]);
        assert_eq!(
            terms("кибер-безопасность", Reduction::None),
            ["кибер", "безопасность"]
        );
    }

    #[test]
    fn fast_normalisation_matches_nfc() {
        for w in [
            "ЗАКОН",
            "Ёлка",
            "ЀЍЎЏ",
            "Ѣѣ Ѳ Ӏ Ӂ Ґ",
            "Straße",
            "İstanbul",
            "Ա Բ",
            "е\u{308}",
            "и\u{306}",
            "soft\u{AD}hyphen",
            "Ǆ ǅ",
        ] {
            let mut slow = String::new();
            for ch in w.nfc() {
                match ch {
                    '\u{0301}' | '\u{00AD}' => {}
                    'ё' | 'Ё' => slow.push('е'),
                    c => slow.extend(c.to_lowercase()),
                }
            }
            assert_eq!(normalise_word(w), slow, "{w}");
        }
    }

    #[test]
    fn long_words_stress_marks_and_yo() {
        let t = terms("телекоммуникационных", Reduction::None);
        assert_eq!(t, ["телекоммуникационных"]);
        assert_eq!(
            terms("зна\u{301}чение ещё", Reduction::None),
            ["значение", "еще"]
        );
        let spans = analyse("зна\u{301}чение", Reduction::None);
        assert_eq!((spans[0].1, spans[0].2), (0, "зна\u{301}чение".len()));
    }

    #[test]
    fn russian_stems_meet() {
        let r = Reduction::Stem(frostem::Algorithm::Russian);
        assert_eq!(terms("инцидентов", r), terms("инцидент", r));
        assert_eq!(
            terms("персональных данных", r),
            terms("персональные данные", r)
        );
        assert_eq!(terms("7-1", r), ["7-1"]);
    }

    #[test]
    fn english_and_armenian_stems() {
        let e = Reduction::Stem(frostem::Algorithm::English);
        assert_eq!(terms("incidents", e), terms("incident", e));
        let h = Reduction::Stem(frostem::Algorithm::Armenian);
        assert_eq!(terms("տվյալների", h).len(), 1);
    }

    fn stream(text: &str, shingles: bool) -> Vec<(String, usize)> {
        let mut t =
            LawTokenizer::new(Reduction::Stem(frostem::Algorithm::Russian)).with_shingles(shingles);
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().text.clone(), s.token().position));
        }
        out
    }

    #[test]
    fn shingles_sit_after_their_first_word_at_its_position() {
        let with = stream("Персональные данные, субъекта", true);
        let t = |s: &str, p: usize| (s.to_string(), p);
        assert_eq!(
            with,
            [
                t("персональн", 0),
                t("персональн дан", 0),
                t("персональн дан субъект", 0),
                t("дан", 1),
                t("дан субъект", 1),
                t("субъект", 2)
            ]
        );
        // Positions never go down, over a longer text too.
        let long = stream(
            "обработка персональных данных субъекта оператором связи",
            true,
        );
        assert!(long.windows(2).all(|w| w[0].1 <= w[1].1), "{long:?}");
        assert_eq!(
            long.iter()
                .filter(|(w, _)| w.matches(' ').count() == 2)
                .count(),
            4
        );
        assert_eq!(
            long.iter()
                .filter(|(w, _)| w.matches(' ').count() == 1)
                .count(),
            5
        );
        // A second text through the same tokenizer (its stems now cached): the same tokens.
        let mut t =
            LawTokenizer::new(Reduction::Stem(frostem::Algorithm::Russian)).with_shingles(true);
        for _ in 0..2 {
            let mut s = t.token_stream("Персональные данные, субъекта");
            let mut again = Vec::new();
            while s.advance() {
                again.push((s.token().text.clone(), s.token().position));
            }
            assert_eq!(again, with);
        }
        // Without shingles, the same words at the same positions.
        let without = stream("Персональные данные, субъекта", false);
        let words: Vec<_> = with.into_iter().filter(|(w, _)| !w.contains(' ')).collect();
        assert_eq!(without, words);
        // The query side forms the same term.
        assert_eq!(pair_term("персональн", "дан"), "персональн дан");
        assert_eq!(
            triple_term("персональн", "дан", "субъект"),
            "персональн дан субъект"
        );
    }

    #[test]
    fn prefix_recall_aid() {
        let p = Reduction::Prefix(PREFIX_CHARS);
        assert_eq!(
            terms("деректерді деректер", p),
            ["деректе", "деректе"][..]
                .iter()
                .map(|s| s.chars().take(6).collect::<String>())
                .collect::<Vec<_>>()
        );
    }
}
