//! The query language of the clause search: a hand-written parser from the string a user types to a
//! [`Query`] tree, which `search` turns into tantivy queries.
//!
//! # What a query looks like
//!
//! ```text
//! персональные данные                 both words (adjacent items are ANDed: drafters expect all words)
//! "персональных данных"~2             a phrase; ~N allows N positions of slop (at most 100)
//! данные OR сведения                  either word; also ||
//! данные AND NOT биометрические       AND / && are optional; NOT or a leading - excludes
//! (данные OR сведения) -"open data"   parentheses group; NOT > AND > OR
//! heading:защита  title:"общие положения"  text:оператор
//! state:kz  law:418-v  lang:rus  kind:article  status:repealed  law:"418-V"
//! adopted:2015  adopted:2015..2020  adopted:[2015-01-01 TO 2020-12-31]  adopted:[* TO 2020]
//! adopted:>=2015-01-01  edition:<2020-01-01  inforce:2024-01-01
//! ```
//!
//! # Grammar
//!
//! ```text
//! query   = or
//! or      = and { ("OR" | "||") and }
//! and     = unary { ["AND" | "&&"] unary }          (no operator between two items: AND)
//! unary   = { "NOT" | "-" } primary                 ("-" only when glued to what follows)
//! primary = word | phrase | field ":" value | "(" or ")"
//! phrase  = quote { any } quote [ "~" digits ]      (quotes: "…"  «…»  “…”  „…“)
//! word    = letter-or-digit { letter-or-digit | mark | inner }
//!           inner = one of - . ' ’ (and the hyphens U+2010, U+2011, read as -) between letters or digits
//! ```
//!
//! * Words are runs of letters and digits in any script (Cyrillic, Kazakh, Armenian, Latin, …), so
//!   "7-1", "12.1", "187-ФЗ" and "сям'я" are one word each. The parser does not lowercase words (the
//!   analyzers do), but normalises them like the ingest does: NFC, with stress marks (U+0301), soft
//!   hyphens, zero-width spaces and BOMs removed. Other punctuation between words is ignored.
//! * `AND`, `OR` and `NOT` are operators only in upper case; "and", "or", "not" are words.
//! * Field names are case-insensitive and have aliases: `heading`/`title`, `text`, `state`/`country`,
//!   `law`/`act`, `lang`/`language`, `kind`/`type`, `status`, `adopted`/`date`, `edition`,
//!   `inforce`/`in_force`. `heading:` and `text:` take a word or a quoted phrase; the filter fields take a
//!   value (lowercased, may be quoted); the date fields take a date, a year, a month (`2015-06`), a range
//!   `[a TO b]` with `*` for an open end, `a..b` (either side may be empty), or a comparison `>=`, `>`,
//!   `<=`, `<`. Ranges are inclusive; a year or a month as an end covers the whole period. Dates are
//!   `YYYY-MM-DD` or `DD.MM.YYYY`. `inforce:` takes one full date.
//! * A query must contain at least one word, phrase or filter that is not negated (`NOT a` alone would
//!   match almost every clause); inside an `OR`, every alternative needs one unless the `OR` is ANDed
//!   with something positive.
//!
//! # What it does not support
//!
//! Lucene syntax that we do not implement is refused with an error rather than silently misread
//! (DESIGN.md pitfall 7): wildcards (`dat*`, `da?a`), fuzzy terms (`data~1`), boosts (`^`), escapes
//! (`\`), `!` as negation, a single `&` or `|`, exclusive ranges (`{a TO b}`), brackets outside a date
//! field, and a field applied to a parenthesised group (`state:(kz OR ru)`: write
//! `(state:kz OR state:ru)`). There are no regular expressions, no proximity between non-adjacent
//! items other than phrase slop, and no lowercase operators.
//!
//! Errors are [`QueryError`]s with a lowercase message and the 0-based *character* (not byte)
//! position of the offending part. The parser never panics; queries longer than [`MAX_QUERY_CHARS`]
//! characters and nesting (parentheses and NOTs) deeper than [`MAX_NESTING`] are refused.

use std::fmt;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;
/// The deepest nesting of parentheses and NOTs accepted.
pub const MAX_NESTING: usize = 32;
/// The largest phrase slop accepted.
pub const MAX_SLOP: u32 = 100;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// A word. `field`: None or Some(TextField::Text) = the clause heading and text, in its
    /// language's analysis; Some(TextField::Heading) = heading only; Some(TextField::Exact) = the
    /// heading and text as printed (unstemmed).
    Term {
        field: Option<TextField>,
        word: String,
    },
    /// "a b c" with an optional slop: "a b"~3.
    Phrase {
        field: Option<TextField>,
        words: Vec<String>,
        slop: u32,
    },
    /// state:kz  law:418-v  lang:rus  kind:article  status:repealed  (value lowercased; a quoted value
    /// allowed: law:"418-v")
    Filter {
        field: FilterField,
        value: String,
    },
    /// adopted:[2015-01-01 TO 2020-12-31], adopted:>=2015-01-01, adopted:<2020-01-01, adopted:2015 (a
    /// whole year), adopted:2015..2020 (years or dates, inclusive); open ends allowed
    /// ([* TO 2020-12-31]).
    DateRange {
        field: DateField,
        from: Option<Date>,
        to: Option<Date>,
    },
    /// inforce:2024-01-01 (also in_force:) — clauses of laws in force on that date.
    InForceAt(Date),
    And(Vec<Query>),
    Or(Vec<Query>),
    Not(Box<Query>),
}

impl Query {
    /// Whether the query selects from the clauses matched by its non-negated parts (a leaf; an AND
    /// with at least one positive part; an OR whose parts are all positive), rather than from
    /// "everything except". [`parse`] only returns positive queries; parts of them may not be.
    pub fn is_positive(&self) -> bool {
        match self {
            Query::Term { .. }
            | Query::Phrase { .. }
            | Query::Filter { .. }
            | Query::DateRange { .. }
            | Query::InForceAt(_) => true,
            Query::And(items) => items.iter().any(Query::is_positive),
            Query::Or(items) => items.iter().all(Query::is_positive),
            Query::Not(_) => false,
        }
    }
}

/// The text fields a word or phrase can be restricted to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    Text,
    Heading,
    Exact,
}

impl TextField {
    /// The canonical field name.
    pub fn name(self) -> &'static str {
        match self {
            TextField::Text => "text",
            TextField::Heading => "heading",
            TextField::Exact => "exact",
        }
    }
}

/// The exact-value filter fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterField {
    State,
    Law,
    Lang,
    Kind,
    Status,
}

impl FilterField {
    /// The canonical field name.
    pub fn name(self) -> &'static str {
        match self {
            FilterField::State => "state",
            FilterField::Law => "law",
            FilterField::Lang => "lang",
            FilterField::Kind => "kind",
            FilterField::Status => "status",
        }
    }
}

/// The date fields a range can apply to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Adopted,
    Edition,
}

impl DateField {
    /// The canonical field name.
    pub fn name(self) -> &'static str {
        match self {
            DateField::Adopted => "adopted",
            DateField::Edition => "edition",
        }
    }
}

/// A calendar date, validated (month 1-12, day valid for the month, leap years; year 1-9999).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// A valid date, or None.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parse `YYYY-MM-DD` or `DD.MM.YYYY` (exactly, ASCII digits, no surrounding spaces).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = &b[r];
            if !part.iter().all(u8::is_ascii_digit) {
                return None;
            }
            Some(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
        };
        let (y, m, d) = if b[4] == b'-' && b[7] == b'-' {
            (num(0..4)?, num(5..7)?, num(8..10)?)
        } else if b[2] == b'.' && b[5] == b'.' {
            (num(6..10)?, num(3..5)?, num(0..2)?)
        } else {
            return None;
        };
        Date::new(
            i32::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        )
    }

    /// `YYYY-MM-DD`.
    pub fn to_iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Whether `year` is a leap year in the Gregorian calendar.
    pub fn is_leap_year(year: i32) -> bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    /// The next day, or None after 9999-12-31.
    pub fn succ(&self) -> Option<Date> {
        if self.day < days_in_month(self.year, self.month) {
            Date::new(self.year, self.month, self.day + 1)
        } else if self.month < 12 {
            Date::new(self.year, self.month + 1, 1)
        } else {
            Date::new(self.year + 1, 1, 1)
        }
    }

    /// The previous day, or None before 0001-01-01.
    pub fn pred(&self) -> Option<Date> {
        if self.day > 1 {
            Date::new(self.year, self.month, self.day - 1)
        } else if self.month > 1 {
            let m = self.month - 1;
            Date::new(self.year, m, days_in_month(self.year, m))
        } else {
            Date::new(self.year - 1, 12, 31)
        }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso())
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if Date::is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// A malformed query: what is wrong, and the 0-based character position of the offending part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (at character {position})")]
pub struct QueryError {
    pub message: String,
    pub position: usize,
}

impl QueryError {
    fn new(message: impl Into<String>, position: usize) -> Self {
        QueryError {
            message: message.into(),
            position,
        }
    }
}

type Result<T> = std::result::Result<T, QueryError>;

const KNOWN_FIELDS: &str =
    "state, law, lang, kind, status, heading, text, adopted, edition, inforce";
const NEEDS_POSITIVE: &str =
    "a query needs at least one word, phrase or filter that is not negated";
const NO_WILDCARDS: &str =
    "wildcards (* and ?) are not supported: search for whole words (the search already matches word forms)";

/// Parse a query string. See the module documentation for the language.
pub fn parse(input: &str) -> Result<Query> {
    if input.chars().nth(MAX_QUERY_CHARS).is_some() {
        return Err(QueryError::new(
            format!("query too long: at most {MAX_QUERY_CHARS} characters are allowed"),
            MAX_QUERY_CHARS,
        ));
    }
    if input.trim().is_empty() {
        return Err(QueryError::new("empty query", 0));
    }
    let chars: Vec<char> = input.chars().collect();
    let tokens = Lexer {
        chars: &chars,
        i: 0,
        out: Vec::new(),
    }
    .run()?;
    if tokens.is_empty() {
        return Err(QueryError::new(
            "empty query: it has no words, phrases or filters",
            0,
        ));
    }
    Parser {
        toks: tokens,
        i: 0,
        depth: 0,
    }
    .parse_query()
}

// ---------------------------------------------------------------------------------------------------
// Fields

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Text(TextField),
    Filter(FilterField),
    Date(DateField),
    InForce,
}

fn field_by_name(name: &str) -> Option<Field> {
    Some(match name.to_lowercase().as_str() {
        "heading" | "title" => Field::Text(TextField::Heading),
        "text" => Field::Text(TextField::Text),
        "exact" => Field::Text(TextField::Exact),
        "state" | "country" => Field::Filter(FilterField::State),
        "law" | "act" => Field::Filter(FilterField::Law),
        "lang" | "language" => Field::Filter(FilterField::Lang),
        "kind" | "type" => Field::Filter(FilterField::Kind),
        "status" => Field::Filter(FilterField::Status),
        "adopted" | "date" => Field::Date(DateField::Adopted),
        "edition" => Field::Date(DateField::Edition),
        "inforce" | "in_force" => Field::InForce,
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------------------
// Characters

/// Dropped from words, as the ingest drops them from text.
fn is_ignorable(c: char) -> bool {
    matches!(c, '\u{0301}' | '\u{00AD}' | '\u{200B}' | '\u{FEFF}')
}

fn is_word_start(c: char) -> bool {
    c.is_alphanumeric()
}

/// A character that continues a word by itself. The Armenian emphasis, exclamation and question
/// marks are written over a vowel inside the word (as UAX#29 word segmentation also treats them).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || is_combining_mark(c)
        || is_ignorable(c)
        || matches!(c, '\u{055B}' | '\u{055C}' | '\u{055E}')
}

/// A character kept inside a word when a letter or digit follows it; what it becomes.
fn inner_joiner(c: char) -> Option<char> {
    match c {
        '-' | '\u{2010}' | '\u{2011}' => Some('-'),
        '.' | '\'' | '\u{2019}' | '\u{055A}' => Some(c),
        _ => None,
    }
}

/// The closing quote for an opening quote.
fn closing_quote(open: char) -> Option<&'static [char]> {
    match open {
        '"' => Some(&['"']),
        '«' => Some(&['»']),
        '“' => Some(&['”']),
        '„' => Some(&['“', '”']),
        _ => None,
    }
}

/// NFC, without stress marks, soft hyphens, zero-width spaces and BOMs.
fn clean(raw: &str) -> String {
    raw.nfc().filter(|&c| !is_ignorable(c)).collect()
}

// ---------------------------------------------------------------------------------------------------
// Lexer

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Leaf(Query),
    And,
    Or,
    Not,
    LParen,
    RParen,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    pos: usize,
    /// The operator as typed, for messages.
    text: &'static str,
}

struct Lexer<'a> {
    chars: &'a [char],
    i: usize,
    out: Vec<Token>,
}

impl Lexer<'_> {
    fn at(&self, j: usize) -> Option<char> {
        self.chars.get(j).copied()
    }

    fn push(&mut self, tok: Tok, pos: usize, text: &'static str) {
        self.out.push(Token { tok, pos, text });
    }

    fn starts_operand(&self, j: usize) -> bool {
        match self.at(j) {
            Some(c) => is_word_start(c) || closing_quote(c).is_some() || c == '(',
            None => false,
        }
    }

    fn run(mut self) -> Result<Vec<Token>> {
        while let Some(c) = self.at(self.i) {
            let pos = self.i;
            if c.is_whitespace() {
                self.i += 1;
                continue;
            }
            match c {
                '(' => {
                    self.push(Tok::LParen, pos, "(");
                    self.i += 1;
                }
                ')' => {
                    self.push(Tok::RParen, pos, ")");
                    self.i += 1;
                }
                '»' | '”' => {
                    return Err(QueryError::new(
                        format!("unbalanced quote: closing {c} without an opening one"),
                        pos,
                    ))
                }
                '&' | '|' => {
                    if self.at(pos + 1) == Some(c) {
                        if c == '&' {
                            self.push(Tok::And, pos, "&&");
                        } else {
                            self.push(Tok::Or, pos, "||");
                        }
                        self.i += 2;
                    } else {
                        return Err(QueryError::new(
                            format!("a single \"{c}\" is not an operator: use AND or && for all words, OR or || for either"),
                            pos,
                        ));
                    }
                }
                '-' => {
                    if self.starts_operand(pos + 1) {
                        self.push(Tok::Not, pos, "-");
                    }
                    self.i += 1;
                }
                '!' => {
                    if self.starts_operand(pos + 1) {
                        return Err(QueryError::new(
                            "\"!\" is not supported: use NOT or a leading - to exclude",
                            pos,
                        ));
                    }
                    self.i += 1;
                }
                '*' | '?' => return Err(QueryError::new(NO_WILDCARDS, pos)),
                '~' => {
                    return Err(QueryError::new(
                        "\"~\" is only allowed right after a quoted phrase, as in \"a b\"~3",
                        pos,
                    ))
                }
                '[' | ']' | '{' | '}' => {
                    return Err(QueryError::new(
                        format!("unexpected \"{c}\": ranges in brackets are only allowed after adopted: or edition:"),
                        pos,
                    ))
                }
                '^' => {
                    return Err(QueryError::new(
                        "boosting with \"^\" is not supported",
                        pos,
                    ))
                }
                '\\' => {
                    return Err(QueryError::new(
                        "escaping with \"\\\" is not supported: put the text in quotes",
                        pos,
                    ))
                }
                c if closing_quote(c).is_some() => {
                    let (words, slop) = self.phrase()?;
                    self.push(
                        Tok::Leaf(Query::Phrase {
                            field: None,
                            words,
                            slop,
                        }),
                        pos,
                        "",
                    );
                }
                c if is_word_start(c) => self.word_or_field()?,
                // Other punctuation separates words.
                _ => self.i += 1,
            }
        }
        Ok(self.out)
    }

    /// A word from `self.i` (a word start): (raw text, with hyphen variants as '-').
    fn raw_word(&mut self) -> String {
        let mut raw = String::new();
        while let Some(c) = self.at(self.i) {
            if is_word_char(c) {
                raw.push(c);
            } else if let Some(j) =
                inner_joiner(c).filter(|_| self.at(self.i + 1).is_some_and(is_word_start))
            {
                raw.push(j);
            } else {
                break;
            }
            self.i += 1;
        }
        raw
    }

    /// A word, refusing a fuzzy `~` or a wildcard glued to it.
    fn word(&mut self) -> Result<String> {
        let raw = self.raw_word();
        match self.at(self.i) {
            Some('~') => Err(QueryError::new(
                format!("fuzzy search (\"{raw}~\") is not supported: remove the \"~\" (words already match their forms), or use \"~N\" after a quoted phrase for slop"),
                self.i,
            )),
            Some('*' | '?') => Err(QueryError::new(NO_WILDCARDS, self.i)),
            _ => Ok(raw),
        }
    }

    fn word_or_field(&mut self) -> Result<()> {
        let start = self.i;
        let mut j = start;
        while self
            .at(j)
            .is_some_and(|c| is_word_char(c) || c == '_' || c == '-')
        {
            j += 1;
        }
        if self.at(j) == Some(':') {
            let name: String = self.chars[start..j].iter().collect();
            let value_follows = self
                .at(j + 1)
                .is_some_and(|c| !c.is_whitespace() && c != ')');
            if let Some(field) = field_by_name(&name) {
                self.i = j + 1;
                return self.field_value(field, &name, start);
            }
            if value_follows {
                return Err(QueryError::new(
                    format!("unknown field \"{name}\"; known fields: {KNOWN_FIELDS}"),
                    start,
                ));
            }
            // "Статья 5: ..." — the colon is punctuation.
        }
        let raw = self.word()?;
        let tok = match raw.as_str() {
            "AND" => (Tok::And, "AND"),
            "OR" => (Tok::Or, "OR"),
            "NOT" => (Tok::Not, "NOT"),
            _ => (
                Tok::Leaf(Query::Term {
                    field: None,
                    word: clean(&raw),
                }),
                "",
            ),
        };
        self.push(tok.0, start, tok.1);
        Ok(())
    }

    /// A quoted phrase from `self.i` (an opening quote), with its slop.
    fn phrase(&mut self) -> Result<(Vec<String>, u32)> {
        let open = self.i;
        let closers = self
            .at(open)
            .and_then(closing_quote)
            .ok_or_else(|| QueryError::new("expected a quote", open))?;
        self.i += 1;
        let mut words = Vec::new();
        loop {
            let Some(c) = self.at(self.i) else {
                return Err(QueryError::new(
                    "unbalanced quote: the phrase opened here is not closed",
                    open,
                ));
            };
            if closers.contains(&c) {
                self.i += 1;
                break;
            }
            if is_word_start(c) {
                let raw = self.raw_word();
                words.push(clean(&raw));
            } else if c == '*' || c == '?' {
                return Err(QueryError::new(NO_WILDCARDS, self.i));
            } else {
                self.i += 1;
            }
        }
        if words.is_empty() {
            return Err(QueryError::new(
                "empty phrase: no words between the quotes",
                open,
            ));
        }
        let mut slop = 0;
        if self.at(self.i) == Some('~') {
            let tilde = self.i;
            self.i += 1;
            let digits_start = self.i;
            while self.at(self.i).is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            let digits: String = self.chars[digits_start..self.i].iter().collect();
            if digits.is_empty() {
                return Err(QueryError::new(
                    "\"~\" after a phrase must be followed by a whole number (the slop), as in \"a b\"~3",
                    tilde,
                ));
            }
            let glued = self.at(self.i).is_some_and(|c| {
                is_word_char(c) || (c == '.' && self.at(self.i + 1).is_some_and(is_word_start))
            });
            if glued {
                return Err(QueryError::new(
                    "the slop after \"~\" must be a whole number, as in \"a b\"~3",
                    tilde,
                ));
            }
            let value = digits
                .trim_start_matches('0')
                .parse::<u32>()
                .ok()
                .or_else(|| digits.chars().all(|c| c == '0').then_some(0))
                .unwrap_or(u32::MAX);
            if value > MAX_SLOP {
                return Err(QueryError::new(
                    format!("slop {digits} is too large: at most {MAX_SLOP}"),
                    tilde,
                ));
            }
            slop = value;
        }
        Ok((words, slop))
    }

    /// The value of a known field, from `self.i` (just after the colon).
    fn field_value(&mut self, field: Field, name: &str, field_pos: usize) -> Result<()> {
        let vpos = self.i;
        match self.at(vpos) {
            None => {
                return Err(QueryError::new(
                    format!("empty value for field \"{name}\""),
                    field_pos,
                ))
            }
            Some(c) if c.is_whitespace() || c == ')' => {
                return Err(QueryError::new(
                    format!("empty value for field \"{name}\""),
                    field_pos,
                ))
            }
            Some('(') => {
                return Err(QueryError::new(
                    format!("a field applied to a parenthesised group (\"{name}:(...)\") is not supported: repeat the field for each value, as in (state:kz OR state:ru)"),
                    field_pos,
                ))
            }
            Some('*' | '?') => return Err(QueryError::new(NO_WILDCARDS, vpos)),
            _ => {}
        }
        let leaf = match field {
            Field::Text(tf) => {
                let c = self.at(vpos).unwrap_or(' ');
                if closing_quote(c).is_some() {
                    let (words, slop) = self.phrase()?;
                    Query::Phrase {
                        field: Some(tf),
                        words,
                        slop,
                    }
                } else if is_word_start(c) {
                    let raw = self.word()?;
                    Query::Term {
                        field: Some(tf),
                        word: clean(&raw),
                    }
                } else {
                    return Err(QueryError::new(
                        format!("the value of \"{name}:\" must be a word or a \"quoted phrase\""),
                        vpos,
                    ));
                }
            }
            Field::Filter(ff) => {
                let (raw, quoted) = self.raw_value(name)?;
                Query::Filter {
                    field: ff,
                    value: filter_value(&raw, quoted, name, vpos)?,
                }
            }
            Field::Date(df) => {
                let (from, to) = if self.at(vpos) == Some('[') {
                    let inner = self.bracket(vpos)?;
                    bracket_range(&inner)
                } else if self.at(vpos) == Some('{') {
                    return Err(QueryError::new(
                        "exclusive ranges in { } are not supported: use [from TO to] (inclusive) or >, <",
                        vpos,
                    ));
                } else {
                    let (raw, _) = self.raw_value(name)?;
                    plain_range(raw.trim())
                }
                .map_err(|m| QueryError::new(format!("{m} (in the value of \"{name}:\")"), vpos))?;
                if let (Some(a), Some(b)) = (from, to) {
                    if a > b {
                        return Err(QueryError::new(
                            format!("bad range for \"{name}:\": {a} is after {b}"),
                            vpos,
                        ));
                    }
                }
                Query::DateRange {
                    field: df,
                    from,
                    to,
                }
            }
            Field::InForce => {
                let (raw, _) = self.raw_value(name)?;
                let raw = raw.trim();
                match Date::parse(raw) {
                    Some(d) => Query::InForceAt(d),
                    None => {
                        if raw.contains(['*', '?']) {
                            return Err(QueryError::new(NO_WILDCARDS, vpos));
                        }
                        return Err(QueryError::new(
                            format!("bad date \"{raw}\" for \"{name}:\": expected a full valid date such as 2024-01-01 or 01.01.2024"),
                            vpos,
                        ));
                    }
                }
            }
        };
        self.push(Tok::Leaf(leaf), field_pos, "");
        Ok(())
    }

    /// A quoted value, or the characters up to a space or a parenthesis: (text, quoted).
    fn raw_value(&mut self, name: &str) -> Result<(String, bool)> {
        let vpos = self.i;
        if let Some(closers) = self.at(vpos).and_then(closing_quote) {
            let mut j = vpos + 1;
            while self.at(j).is_some_and(|c| !closers.contains(&c)) {
                j += 1;
            }
            if j >= self.chars.len() {
                return Err(QueryError::new(
                    "unbalanced quote: the value opened here is not closed",
                    vpos,
                ));
            }
            let text: String = self.chars[vpos + 1..j].iter().collect();
            self.i = j + 1;
            if text.trim().is_empty() {
                return Err(QueryError::new(
                    format!("empty value for field \"{name}\""),
                    vpos,
                ));
            }
            return Ok((text, true));
        }
        let mut j = vpos;
        while self
            .at(j)
            .is_some_and(|c| !c.is_whitespace() && c != '(' && c != ')')
        {
            j += 1;
        }
        self.i = j;
        Ok((self.chars[vpos..j].iter().collect(), false))
    }

    /// The inside of `[ ... ]` starting at `open`.
    fn bracket(&mut self, open: usize) -> Result<String> {
        let mut j = open + 1;
        loop {
            match self.at(j) {
                None => {
                    return Err(QueryError::new(
                        "unbalanced bracket: the range opened here is not closed with \"]\"",
                        open,
                    ))
                }
                Some(']') => break,
                Some('}') => {
                    return Err(QueryError::new(
                        "bad range: \"[\" closed with \"}\"; exclusive ends are not supported",
                        j,
                    ))
                }
                Some('[' | '{' | '(' | ')') => {
                    return Err(QueryError::new(
                        "bad range: unexpected bracket inside [from TO to]",
                        j,
                    ))
                }
                _ => j += 1,
            }
        }
        let inner = self.chars[open + 1..j].iter().collect();
        self.i = j + 1;
        Ok(inner)
    }
}

fn filter_value(raw: &str, quoted: bool, name: &str, vpos: usize) -> Result<String> {
    let offset = usize::from(quoted);
    for (k, c) in raw.chars().enumerate() {
        let ok = is_word_char(c)
            || inner_joiner(c).is_some()
            || matches!(c, '_' | '/' | '@' | '+' | '#' | '!')
            || (quoted && c.is_whitespace());
        if ok {
            continue;
        }
        if c == '*' || c == '?' {
            return Err(QueryError::new(NO_WILDCARDS, vpos + offset + k));
        }
        return Err(QueryError::new(
            format!("invalid character \"{c}\" in the value of \"{name}:\""),
            vpos + offset + k,
        ));
    }
    let value: String = clean(raw)
        .chars()
        .map(|c| inner_joiner(c).unwrap_or(c))
        .collect::<String>()
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if value.is_empty() {
        return Err(QueryError::new(
            format!("empty value for field \"{name}\""),
            vpos,
        ));
    }
    Ok(value)
}

// ---------------------------------------------------------------------------------------------------
// Dates and ranges

/// A date, a month (`YYYY-MM`) or a year (`YYYY`) as (first day, last day).
fn parse_period(s: &str) -> Option<(Date, Date)> {
    if let Some(d) = Date::parse(s) {
        return Some((d, d));
    }
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() == 4 && digits(0..4) {
        let y: i32 = s.parse().ok()?;
        return Some((Date::new(y, 1, 1)?, Date::new(y, 12, 31)?));
    }
    if b.len() == 7 && b[4] == b'-' && digits(0..4) && digits(5..7) {
        let y: i32 = s[0..4].parse().ok()?;
        let m: u8 = s[5..7].parse().ok()?;
        let first = Date::new(y, m, 1)?;
        return Some((first, Date::new(y, m, days_in_month(y, m))?));
    }
    None
}

type Range = (Option<Date>, Option<Date>);

/// One end of a range: None for an open end (`*`, or empty when `empty_ok`).
fn range_end(s: &str, empty_ok: bool) -> std::result::Result<Option<(Date, Date)>, String> {
    if s == "*" || (empty_ok && s.is_empty()) {
        return Ok(None);
    }
    if s.contains(['*', '?']) {
        return Err(NO_WILDCARDS.to_string());
    }
    parse_period(s).map(Some).ok_or_else(|| {
        format!("bad date \"{s}\": expected YYYY-MM-DD, DD.MM.YYYY, YYYY-MM or YYYY")
    })
}

fn both_open() -> String {
    "bad range: at least one end must be a date".to_string()
}

/// The inside of `[from TO to]`.
fn bracket_range(inner: &str) -> std::result::Result<Range, String> {
    let parts: Vec<&str> = inner.split_whitespace().collect();
    if parts.len() != 3 || !parts[1].eq_ignore_ascii_case("to") {
        return Err(format!(
            "bad range \"[{}]\": expected [from TO to], e.g. [2015-01-01 TO 2020-12-31]",
            inner.trim()
        ));
    }
    let from = range_end(parts[0], false)?;
    let to = range_end(parts[2], false)?;
    if from.is_none() && to.is_none() {
        return Err(both_open());
    }
    Ok((from.map(|p| p.0), to.map(|p| p.1)))
}

/// `2015`, `2015-06`, `2015-01-01`, `2015..2020`, `>=2015-01-01`, `>2015`, `<=2020`, `<2020-01-01`.
fn plain_range(s: &str) -> std::result::Result<Range, String> {
    let past_end = || format!("bad range \"{s}\": no date lies beyond it");
    for (op, rest) in [
        (">=", s.strip_prefix(">=")),
        ("<=", s.strip_prefix("<=")),
        (">", s.strip_prefix('>')),
        ("<", s.strip_prefix('<')),
    ] {
        let Some(rest) = rest else { continue };
        if rest.is_empty() {
            return Err(format!("bad range \"{s}\": a date must follow \"{op}\""));
        }
        if rest.contains(['*', '?']) {
            return Err(NO_WILDCARDS.to_string());
        }
        let (first, last) = range_end(rest, false)?.ok_or_else(both_open)?;
        return match op {
            ">=" => Ok((Some(first), None)),
            "<=" => Ok((None, Some(last))),
            ">" => Ok((Some(last.succ().ok_or_else(past_end)?), None)),
            _ => Ok((None, Some(first.pred().ok_or_else(past_end)?))),
        };
    }
    if let Some((a, b)) = s.split_once("..") {
        let from = range_end(a, true)?;
        let to = range_end(b, true)?;
        if from.is_none() && to.is_none() {
            return Err(both_open());
        }
        return Ok((from.map(|p| p.0), to.map(|p| p.1)));
    }
    if s == "*" {
        return Err(both_open());
    }
    let (first, last) = range_end(s, false)?.ok_or_else(both_open)?;
    Ok((Some(first), Some(last)))
}

// ---------------------------------------------------------------------------------------------------
// Parser

/// A parsed part and, when it is not positive, where the negation that makes it so is and whether
/// an OR is the reason.
struct Parsed {
    q: Query,
    neg: Option<(usize, bool)>,
}

struct Parser {
    toks: Vec<Token>,
    i: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.i)
    }

    fn parse_query(mut self) -> Result<Query> {
        let p = self.parse_or()?;
        if let Some(t) = self.peek() {
            let message = if t.tok == Tok::RParen {
                "unbalanced parenthesis: \")\" has no matching \"(\"".to_string()
            } else {
                format!("unexpected \"{}\"", t.text)
            };
            return Err(QueryError::new(message, t.pos));
        }
        if let Some((pos, via_or)) = p.neg {
            let message = if via_or {
                format!("{NEEDS_POSITIVE}: every alternative of OR needs one, or the query would match almost every clause")
            } else {
                format!("{NEEDS_POSITIVE}: excluding alone would match almost every clause")
            };
            return Err(QueryError::new(message, pos));
        }
        Ok(p.q)
    }

    fn parse_or(&mut self) -> Result<Parsed> {
        let mut parts = vec![self.parse_and(None)?];
        while let Some(t) = self.peek().filter(|t| t.tok == Tok::Or) {
            let op = (t.text, t.pos);
            self.i += 1;
            parts.push(self.parse_and(Some(op))?);
        }
        if parts.len() == 1 {
            return Ok(parts.remove(0));
        }
        let neg = parts.iter().find_map(|p| p.neg).map(|(pos, _)| (pos, true));
        let mut items = Vec::with_capacity(parts.len());
        for p in parts {
            match p.q {
                Query::Or(inner) => items.extend(inner),
                q => items.push(q),
            }
        }
        Ok(Parsed {
            q: Query::Or(items),
            neg,
        })
    }

    fn parse_and(&mut self, prev_op: Option<(&'static str, usize)>) -> Result<Parsed> {
        let mut parts = vec![self.parse_unary(prev_op)?];
        while let Some(t) = self.peek() {
            match t.tok {
                Tok::And => {
                    let op = (t.text, t.pos);
                    self.i += 1;
                    parts.push(self.parse_unary(Some(op))?);
                }
                Tok::Leaf(_) | Tok::Not | Tok::LParen => parts.push(self.parse_unary(None)?),
                Tok::Or | Tok::RParen => break,
            }
        }
        if parts.len() == 1 {
            return Ok(parts.remove(0));
        }
        let neg = if parts.iter().any(|p| p.neg.is_none()) {
            None
        } else {
            parts[0].neg
        };
        let mut items = Vec::with_capacity(parts.len());
        for p in parts {
            match p.q {
                Query::And(inner) => items.extend(inner),
                q => items.push(q),
            }
        }
        Ok(Parsed {
            q: Query::And(items),
            neg,
        })
    }

    fn parse_unary(&mut self, prev_op: Option<(&'static str, usize)>) -> Result<Parsed> {
        let mut nots = Vec::new();
        let mut prev = prev_op;
        while let Some(t) = self.peek().filter(|t| t.tok == Tok::Not) {
            if self.depth + nots.len() >= MAX_NESTING {
                return Err(QueryError::new(
                    format!("query nested too deeply: at most {MAX_NESTING} levels of parentheses and NOTs"),
                    t.pos,
                ));
            }
            nots.push(t.pos);
            prev = Some((t.text, t.pos));
            self.i += 1;
        }
        self.depth += nots.len();
        let primary = self.parse_primary(prev);
        self.depth -= nots.len();
        let mut p = primary?;
        for pos in nots.into_iter().rev() {
            p = Parsed {
                q: Query::Not(Box::new(p.q)),
                neg: Some((pos, false)),
            };
        }
        Ok(p)
    }

    fn parse_primary(&mut self, prev_op: Option<(&'static str, usize)>) -> Result<Parsed> {
        let Some(t) = self.peek().cloned() else {
            return Err(match prev_op {
                Some((op, pos)) => QueryError::new(format!("missing operand after \"{op}\""), pos),
                None => QueryError::new("unexpected end of query", self.end_pos()),
            });
        };
        match t.tok {
            Tok::Leaf(q) => {
                self.i += 1;
                Ok(Parsed { q, neg: None })
            }
            Tok::LParen => {
                if self.depth >= MAX_NESTING {
                    return Err(QueryError::new(
                        format!("query nested too deeply: at most {MAX_NESTING} levels of parentheses and NOTs"),
                        t.pos,
                    ));
                }
                self.i += 1;
                match self.peek().map(|n| &n.tok) {
                    Some(Tok::RParen) => {
                        return Err(QueryError::new("empty parentheses \"()\"", t.pos));
                    }
                    None => {
                        return Err(QueryError::new(
                            "unbalanced parenthesis: \"(\" is not closed",
                            t.pos,
                        ));
                    }
                    _ => {}
                }
                self.depth += 1;
                let inner = self.parse_or();
                self.depth -= 1;
                let inner = inner?;
                match self.peek().map(|n| &n.tok) {
                    Some(Tok::RParen) => {
                        self.i += 1;
                        Ok(inner)
                    }
                    _ => Err(QueryError::new(
                        "unbalanced parenthesis: \"(\" is not closed",
                        t.pos,
                    )),
                }
            }
            Tok::RParen | Tok::And | Tok::Or | Tok::Not => Err(match prev_op {
                Some((op, pos)) if matches!(t.tok, Tok::And | Tok::Or) => QueryError::new(
                    format!("missing operand between \"{op}\" and \"{}\"", t.text),
                    pos,
                ),
                Some((op, pos)) => QueryError::new(format!("missing operand after \"{op}\""), pos),
                None if t.tok == Tok::RParen => {
                    QueryError::new("unbalanced parenthesis: \")\" has no matching \"(\"", t.pos)
                }
                None => QueryError::new(format!("missing operand before \"{}\"", t.text), t.pos),
            }),
        }
    }

    fn end_pos(&self) -> usize {
        self.toks.last().map_or(0, |t| t.pos + 1)
    }
}

// ---------------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn term(w: &str) -> Query {
        Query::Term {
            field: None,
            word: w.to_string(),
        }
    }

    fn fterm(f: TextField, w: &str) -> Query {
        Query::Term {
            field: Some(f),
            word: w.to_string(),
        }
    }

    fn phrase(words: &[&str], slop: u32) -> Query {
        Query::Phrase {
            field: None,
            words: words.iter().map(|w| w.to_string()).collect(),
            slop,
        }
    }

    fn filter(field: FilterField, v: &str) -> Query {
        Query::Filter {
            field,
            value: v.to_string(),
        }
    }

    fn d(y: i32, m: u8, dd: u8) -> Date {
        Date::new(y, m, dd).expect("valid test date")
    }

    fn range(field: DateField, from: Option<Date>, to: Option<Date>) -> Query {
        Query::DateRange { field, from, to }
    }

    fn not(q: Query) -> Query {
        Query::Not(Box::new(q))
    }

    fn ok(input: &str) -> Query {
        match parse(input) {
            Ok(q) => q,
            Err(e) => panic!("{input:?} should parse, got {e}"),
        }
    }

    /// The error, checking the message contains `needle` and the position.
    fn err(input: &str, needle: &str, position: usize) -> QueryError {
        match parse(input) {
            Ok(q) => panic!("{input:?} should fail, got {q:?}"),
            Err(e) => {
                assert!(
                    e.message.contains(needle),
                    "{input:?}: message {:?} should contain {needle:?}",
                    e.message
                );
                assert_eq!(e.position, position, "{input:?}: position of {e}");
                assert!(
                    e.message.chars().next().is_some_and(|c| !c.is_uppercase()),
                    "lowercase message: {}",
                    e.message
                );
                e
            }
        }
    }

    // --- words -------------------------------------------------------------------------------

    #[test]
    fn single_word_and_implicit_and() {
        assert_eq!(ok("данные"), term("данные"));
        assert_eq!(
            ok("  персональные   данные  "),
            Query::And(vec![term("персональные"), term("данные")])
        );
        assert_eq!(
            ok("a b c"),
            Query::And(vec![term("a"), term("b"), term("c")])
        );
    }

    #[test]
    fn words_in_every_script() {
        assert_eq!(
            ok("Қазақстан әғқңөұүһі"),
            Query::And(vec![term("Қазақстан"), term("әғқңөұүһі")])
        );
        assert_eq!(
            ok("անձնական տվյալներ"),
            Query::And(vec![term("անձնական"), term("տվյալներ")])
        );
        // Armenian marks written inside a word do not split it.
        assert_eq!(ok("ի՞նչ"), term("ի՞նչ"));
        assert_eq!(ok("կիբեռանվտանգություն"), term("կիբեռանվտանգություն"));
        assert_eq!(
            ok("кибербезопасность data"),
            Query::And(vec![term("кибербезопасность"), term("data")])
        );
        assert_eq!(
            ok("маълумоти шахсӣ"),
            Query::And(vec![term("маълумоти"), term("шахсӣ")])
        );
    }

    #[test]
    fn inner_punctuation_keeps_words_whole() {
        assert_eq!(ok("7-1"), term("7-1"));
        assert_eq!(ok("12.1"), term("12.1"));
        assert_eq!(ok("187-ФЗ"), term("187-ФЗ"));
        assert_eq!(ok("сям'я"), term("сям'я"));
        assert_eq!(ok("сям’я"), term("сям’я"));
        // Non-breaking hyphen read as "-".
        assert_eq!(ok("187\u{2011}ФЗ"), term("187-ФЗ"));
        // Trailing and leading punctuation is not part of a word.
        assert_eq!(
            ok("данные, сведения. 'цитата'"),
            Query::And(vec![term("данные"), term("сведения"), term("цитата")])
        );
        assert_eq!(
            ok("Статья 5: общие"),
            Query::And(vec![term("Статья"), term("5"), term("общие")])
        );
    }

    #[test]
    fn words_normalised_not_lowercased() {
        assert_eq!(ok("Да\u{301}нные"), term("Данные"));
        // и + combining breve composes to й.
        assert_eq!(ok("и\u{306}од"), term("йод"));
        assert_eq!(ok("персо\u{AD}нальные"), term("персональные"));
        assert_eq!(ok("DATA"), term("DATA"));
    }

    #[test]
    fn lowercase_operators_are_words() {
        assert_eq!(
            ok("data and or not privacy"),
            Query::And(vec![
                term("data"),
                term("and"),
                term("or"),
                term("not"),
                term("privacy")
            ])
        );
        assert_eq!(ok("ANDROID"), term("ANDROID"));
    }

    // --- operators ---------------------------------------------------------------------------

    #[test]
    fn boolean_operators() {
        assert_eq!(ok("a AND b"), Query::And(vec![term("a"), term("b")]));
        assert_eq!(ok("a && b"), Query::And(vec![term("a"), term("b")]));
        assert_eq!(ok("a&&b"), Query::And(vec![term("a"), term("b")]));
        assert_eq!(ok("a OR b"), Query::Or(vec![term("a"), term("b")]));
        assert_eq!(ok("a || b"), Query::Or(vec![term("a"), term("b")]));
        assert_eq!(
            ok("a OR b OR c"),
            Query::Or(vec![term("a"), term("b"), term("c")])
        );
        assert_eq!(ok("a NOT b"), Query::And(vec![term("a"), not(term("b"))]));
        assert_eq!(
            ok("a AND NOT b"),
            Query::And(vec![term("a"), not(term("b"))])
        );
    }

    #[test]
    fn precedence_not_and_or() {
        assert_eq!(
            ok("a b OR c"),
            Query::Or(vec![Query::And(vec![term("a"), term("b")]), term("c")])
        );
        assert_eq!(
            ok("a OR b c"),
            Query::Or(vec![term("a"), Query::And(vec![term("b"), term("c")])])
        );
        assert_eq!(
            ok("a AND NOT b OR c"),
            Query::Or(vec![Query::And(vec![term("a"), not(term("b"))]), term("c")])
        );
        assert_eq!(ok("NOT a b"), Query::And(vec![not(term("a")), term("b")]));
        assert_eq!(
            ok("a NOT NOT b"),
            Query::And(vec![term("a"), not(not(term("b")))])
        );
    }

    #[test]
    fn parentheses() {
        assert_eq!(
            ok("(a OR b) c"),
            Query::And(vec![Query::Or(vec![term("a"), term("b")]), term("c")])
        );
        assert_eq!(
            ok("a AND (b OR (c d))"),
            Query::And(vec![
                term("a"),
                Query::Or(vec![term("b"), Query::And(vec![term("c"), term("d")])])
            ])
        );
        // Nested groups of the same operator are flattened.
        assert_eq!(
            ok("a (b c)"),
            Query::And(vec![term("a"), term("b"), term("c")])
        );
        assert_eq!(
            ok("a OR (b OR c)"),
            Query::Or(vec![term("a"), term("b"), term("c")])
        );
        assert_eq!(ok("((a))"), term("a"));
        assert_eq!(
            ok("a NOT (b OR c)"),
            Query::And(vec![term("a"), not(Query::Or(vec![term("b"), term("c")]))])
        );
        assert_eq!(
            ok("(((((((((((((((((((((((((((((((a)))))))))))))))))))))))))))))))"),
            term("a")
        );
    }

    #[test]
    fn minus_negates() {
        assert_eq!(ok("a -b"), Query::And(vec![term("a"), not(term("b"))]));
        assert_eq!(
            ok("a -\"b c\""),
            Query::And(vec![term("a"), not(phrase(&["b", "c"], 0))])
        );
        assert_eq!(
            ok("a -state:kz"),
            Query::And(vec![term("a"), not(filter(FilterField::State, "kz"))])
        );
        assert_eq!(
            ok("a -(b c)"),
            Query::And(vec![term("a"), not(Query::And(vec![term("b"), term("c")]))])
        );
        assert_eq!(
            ok("a -heading:b"),
            Query::And(vec![term("a"), not(fterm(TextField::Heading, "b"))])
        );
        // A dash not glued to an operand is punctuation; an inner one is part of the word.
        assert_eq!(ok("a - b"), Query::And(vec![term("a"), term("b")]));
        assert_eq!(ok("a-b"), term("a-b"));
    }

    // --- phrases -----------------------------------------------------------------------------

    #[test]
    fn phrases_and_slop() {
        assert_eq!(
            ok("\"персональные данные\""),
            phrase(&["персональные", "данные"], 0)
        );
        assert_eq!(ok("\"a b\"~3"), phrase(&["a", "b"], 3));
        assert_eq!(ok("\"a b\"~0"), phrase(&["a", "b"], 0));
        assert_eq!(ok("\"a b\"~100"), phrase(&["a", "b"], 100));
        assert_eq!(ok("\"a b\"~007"), phrase(&["a", "b"], 7));
        assert_eq!(ok("\"одно\""), phrase(&["одно"], 0));
        assert_eq!(
            ok("\"статья 7-1, пункт 12.1 (187-ФЗ)\""),
            phrase(&["статья", "7-1", "пункт", "12.1", "187-ФЗ"], 0)
        );
        // Operators and field syntax inside quotes are words or punctuation.
        assert_eq!(ok("\"a AND b: c\""), phrase(&["a", "AND", "b", "c"], 0));
        assert_eq!(
            ok("«защита информации»"),
            phrase(&["защита", "информации"], 0)
        );
        assert_eq!(ok("“data protection”"), phrase(&["data", "protection"], 0));
        assert_eq!(
            ok("„Datenschutz Recht“"),
            phrase(&["Datenschutz", "Recht"], 0)
        );
        assert_eq!(
            ok("\"a b\"~2 c"),
            Query::And(vec![phrase(&["a", "b"], 2), term("c")])
        );
        assert_eq!(
            ok("\"a\"\"b\""),
            Query::And(vec![phrase(&["a"], 0), phrase(&["b"], 0)])
        );
    }

    // --- fields ------------------------------------------------------------------------------

    #[test]
    fn text_fields() {
        assert_eq!(ok("heading:защита"), fterm(TextField::Heading, "защита"));
        assert_eq!(ok("Title:Защита"), fterm(TextField::Heading, "Защита"));
        assert_eq!(ok("TEXT:оператор"), fterm(TextField::Text, "оператор"));
        assert_eq!(
            ok("heading:\"общие положения\"~1"),
            Query::Phrase {
                field: Some(TextField::Heading),
                words: vec!["общие".into(), "положения".into()],
                slop: 1
            }
        );
        assert_eq!(ok("text:187-ФЗ"), fterm(TextField::Text, "187-ФЗ"));
        assert_eq!(ok("Exact:данных"), fterm(TextField::Exact, "данных"));
        assert_eq!(ok("heading:AND"), fterm(TextField::Heading, "AND"));
        assert_eq!(ok("(heading:a)"), fterm(TextField::Heading, "a"));
    }

    #[test]
    fn filters_and_aliases() {
        assert_eq!(ok("state:kz"), filter(FilterField::State, "kz"));
        assert_eq!(ok("Country:KZ"), filter(FilterField::State, "kz"));
        assert_eq!(ok("law:418-V"), filter(FilterField::Law, "418-v"));
        assert_eq!(ok("act:\"418-V\""), filter(FilterField::Law, "418-v"));
        assert_eq!(ok("law:187-ФЗ"), filter(FilterField::Law, "187-фз"));
        assert_eq!(ok("lang:rus"), filter(FilterField::Lang, "rus"));
        assert_eq!(ok("language:HYE"), filter(FilterField::Lang, "hye"));
        assert_eq!(ok("kind:article"), filter(FilterField::Kind, "article"));
        assert_eq!(ok("type:Point"), filter(FilterField::Kind, "point"));
        assert_eq!(
            ok("status:repealed"),
            filter(FilterField::Status, "repealed")
        );
        assert_eq!(
            ok("law:\"No  418-V\""),
            filter(FilterField::Law, "no 418-v")
        );
        assert_eq!(
            ok("law:/akn/kz/act/2015-11-24/418-v"),
            filter(FilterField::Law, "/akn/kz/act/2015-11-24/418-v")
        );
        assert_eq!(
            ok("данные state:kz (lang:rus)"),
            Query::And(vec![
                term("данные"),
                filter(FilterField::State, "kz"),
                filter(FilterField::Lang, "rus")
            ])
        );
        assert_eq!(
            ok("(state:kz OR state:ru) данные"),
            Query::And(vec![
                Query::Or(vec![
                    filter(FilterField::State, "kz"),
                    filter(FilterField::State, "ru")
                ]),
                term("данные")
            ])
        );
    }

    #[test]
    fn date_ranges() {
        let a = DateField::Adopted;
        assert_eq!(
            ok("adopted:[2015-01-01 TO 2020-12-31]"),
            range(a, Some(d(2015, 1, 1)), Some(d(2020, 12, 31)))
        );
        assert_eq!(
            ok("adopted:[2015 to 2020]"),
            range(a, Some(d(2015, 1, 1)), Some(d(2020, 12, 31)))
        );
        assert_eq!(
            ok("adopted:[* TO 2020-12-31]"),
            range(a, None, Some(d(2020, 12, 31)))
        );
        assert_eq!(
            ok("adopted:[2015-06-01 TO *]"),
            range(a, Some(d(2015, 6, 1)), None)
        );
        assert_eq!(
            ok("adopted:>=2015-01-01"),
            range(a, Some(d(2015, 1, 1)), None)
        );
        assert_eq!(
            ok("adopted:>2015-12-31"),
            range(a, Some(d(2016, 1, 1)), None)
        );
        assert_eq!(ok("adopted:>2015"), range(a, Some(d(2016, 1, 1)), None));
        assert_eq!(
            ok("adopted:<2020-01-01"),
            range(a, None, Some(d(2019, 12, 31)))
        );
        assert_eq!(
            ok("adopted:<2020-03-01"),
            range(a, None, Some(d(2020, 2, 29)))
        );
        assert_eq!(ok("adopted:<=2020"), range(a, None, Some(d(2020, 12, 31))));
        assert_eq!(
            ok("adopted:2015"),
            range(a, Some(d(2015, 1, 1)), Some(d(2015, 12, 31)))
        );
        assert_eq!(
            ok("adopted:2016-02"),
            range(a, Some(d(2016, 2, 1)), Some(d(2016, 2, 29)))
        );
        assert_eq!(
            ok("adopted:2015-05-21"),
            range(a, Some(d(2015, 5, 21)), Some(d(2015, 5, 21)))
        );
        assert_eq!(
            ok("adopted:21.05.2015"),
            range(a, Some(d(2015, 5, 21)), Some(d(2015, 5, 21)))
        );
        assert_eq!(
            ok("date:2015..2020"),
            range(a, Some(d(2015, 1, 1)), Some(d(2020, 12, 31)))
        );
        assert_eq!(
            ok("adopted:2015-03-01..2020-06-30"),
            range(a, Some(d(2015, 3, 1)), Some(d(2020, 6, 30)))
        );
        assert_eq!(ok("adopted:2015.."), range(a, Some(d(2015, 1, 1)), None));
        assert_eq!(ok("adopted:..2020"), range(a, None, Some(d(2020, 12, 31))));
        assert_eq!(
            ok("edition:2015"),
            range(
                DateField::Edition,
                Some(d(2015, 1, 1)),
                Some(d(2015, 12, 31))
            )
        );
        assert_eq!(
            ok("данные adopted:\"2015\""),
            Query::And(vec![
                term("данные"),
                range(a, Some(d(2015, 1, 1)), Some(d(2015, 12, 31)))
            ])
        );
    }

    #[test]
    fn in_force_at() {
        assert_eq!(ok("inforce:2024-01-01"), Query::InForceAt(d(2024, 1, 1)));
        assert_eq!(ok("in_force:2024-02-29"), Query::InForceAt(d(2024, 2, 29)));
        assert_eq!(ok("InForce:01.01.2024"), Query::InForceAt(d(2024, 1, 1)));
        assert_eq!(
            ok("данные inforce:2024-01-01 state:kz"),
            Query::And(vec![
                term("данные"),
                Query::InForceAt(d(2024, 1, 1)),
                filter(FilterField::State, "kz")
            ])
        );
    }

    #[test]
    fn filters_alone_are_positive() {
        assert_eq!(ok("state:kz"), filter(FilterField::State, "kz"));
        assert_eq!(
            ok("state:kz -status:repealed"),
            Query::And(vec![
                filter(FilterField::State, "kz"),
                not(filter(FilterField::Status, "repealed"))
            ])
        );
        assert_eq!(
            ok("a (NOT b OR NOT c)"),
            Query::And(vec![
                term("a"),
                Query::Or(vec![not(term("b")), not(term("c"))])
            ])
        );
    }

    // --- dates -------------------------------------------------------------------------------

    #[test]
    fn date_parse_and_iso() {
        assert_eq!(Date::parse("2024-02-29"), Some(d(2024, 2, 29)));
        assert_eq!(Date::parse("29.02.2024"), Some(d(2024, 2, 29)));
        assert_eq!(Date::parse("2000-02-29"), Some(d(2000, 2, 29)));
        assert_eq!(Date::parse("1900-02-29"), None);
        assert_eq!(Date::parse("2023-02-29"), None);
        assert_eq!(Date::parse("2023-04-31"), None);
        assert_eq!(Date::parse("2023-13-01"), None);
        assert_eq!(Date::parse("2023-00-01"), None);
        assert_eq!(Date::parse("2023-01-00"), None);
        assert_eq!(Date::parse("0000-01-01"), None);
        assert_eq!(Date::parse("2023-1-01"), None);
        assert_eq!(Date::parse("２０２３-01-01"), None);
        assert_eq!(Date::parse(" 2023-01-01"), None);
        assert_eq!(Date::parse(""), None);
        assert_eq!(d(2024, 1, 5).to_iso(), "2024-01-05");
        assert_eq!(d(7, 1, 5).to_iso(), "0007-01-05");
        assert_eq!(d(2024, 1, 5).to_string(), "2024-01-05");
        assert_eq!(d(2023, 12, 31).succ(), Some(d(2024, 1, 1)));
        assert_eq!(d(2024, 3, 1).pred(), Some(d(2024, 2, 29)));
        assert_eq!(d(9999, 12, 31).succ(), None);
        assert_eq!(d(1, 1, 1).pred(), None);
        assert!(d(2015, 1, 1) < d(2015, 1, 2));
        assert!(d(2014, 12, 31) < d(2015, 1, 1));
    }

    // --- errors ------------------------------------------------------------------------------

    #[test]
    fn empty_and_too_long() {
        err("", "empty query", 0);
        err("   \t\n ", "empty query", 0);
        err(", . ;", "empty query", 0);
        let long = "а".repeat(MAX_QUERY_CHARS + 1);
        let e = err(&long, "too long", MAX_QUERY_CHARS);
        assert!(e.to_string().ends_with("(at character 1000)"), "{e}");
        // Exactly the limit is fine, counted in characters, not bytes.
        assert_eq!(
            ok(&"а".repeat(MAX_QUERY_CHARS)),
            term(&"а".repeat(MAX_QUERY_CHARS))
        );
        // Checked before anything else: a long broken query is "too long".
        err(&"(".repeat(5000), "too long", MAX_QUERY_CHARS);
    }

    #[test]
    fn error_display() {
        let e = parse("").unwrap_err();
        assert_eq!(e.to_string(), "empty query (at character 0)");
    }

    #[test]
    fn unbalanced_quotes() {
        err("\"a b", "unbalanced quote", 0);
        err("a \"b c", "unbalanced quote", 2);
        err("a b\"", "unbalanced quote", 3);
        err("«a b", "unbalanced quote", 0);
        err("a b»", "unbalanced quote", 3);
        err("law:\"418", "unbalanced quote", 4);
        err("heading:\"a", "unbalanced quote", 8);
        err("\"\"", "empty phrase", 0);
        err("\" , \"", "empty phrase", 0);
    }

    #[test]
    fn unbalanced_parentheses() {
        err("(a b", "unbalanced parenthesis", 0);
        err("a (b (c)", "unbalanced parenthesis", 2);
        err("a b)", "unbalanced parenthesis", 3);
        err(")a", "unbalanced parenthesis", 0);
        err("(a))", "unbalanced parenthesis", 3);
        err("(", "unbalanced parenthesis", 0);
        err("a ()", "empty parentheses", 2);
    }

    #[test]
    fn unknown_fields_and_empty_values() {
        let e = err("foo:bar", "unknown field \"foo\"", 0);
        assert_eq!(
            e.message,
            "unknown field \"foo\"; known fields: state, law, lang, kind, status, heading, text, adopted, edition, inforce"
        );
        err("a статья:5", "unknown field \"статья\"", 2);
        err("in-force:2024-01-01", "unknown field \"in-force\"", 0);
        err("state:", "empty value for field \"state\"", 0);
        err("a state: kz", "empty value for field \"state\"", 2);
        err("(state:)", "empty value for field \"state\"", 1);
        err("heading:", "empty value", 0);
        err("adopted:", "empty value", 0);
        err("inforce:", "empty value", 0);
        err("law:\"\"", "empty value", 4);
        err("heading:,", "must be a word or a \"quoted phrase\"", 8);
        err("state:k,z", "invalid character \",\"", 7);
    }

    #[test]
    fn field_on_group_is_refused() {
        let e = err("state:(kz OR ru)", "parenthesised group", 0);
        assert!(e.message.contains("not supported"), "{e}");
        err("a heading:(b c)", "parenthesised group", 2);
    }

    #[test]
    fn bad_dates_and_ranges() {
        err("adopted:2015-02-30", "bad date \"2015-02-30\"", 8);
        err("adopted:15", "bad date", 8);
        err("adopted:[2020 TO 2015]", "bad range", 8);
        err("adopted:2020..2015", "2020-01-01 is after 2015-12-31", 8);
        err("adopted:[2015-01-01 2020-12-31]", "bad range", 8);
        err("adopted:[2015 TO 2020", "unbalanced bracket", 8);
        err("adopted:[2015 TO 2020}", "exclusive", 21);
        err("adopted:{2015 TO 2020}", "exclusive ranges", 8);
        err("adopted:[* TO *]", "at least one end", 8);
        err("adopted:..", "at least one end", 8);
        err("adopted:*", "wildcards", 8);
        err("adopted:>", "a date must follow \">\"", 8);
        err("adopted:>=*", "wildcards", 8);
        err("adopted:>9999-12-31", "no date lies beyond", 8);
        err("adopted:<0001-01-01", "no date lies beyond", 8);
        err("adopted:2015-13", "bad date", 8);
        err("inforce:2024", "bad date \"2024\"", 8);
        err("inforce:2023-02-29", "bad date", 8);
        err("in_force:tomorrow", "bad date", 9);
        err(
            "[2015 TO 2020]",
            "only allowed after adopted: or edition:",
            0,
        );
    }

    #[test]
    fn slop_errors() {
        err("\"a b\"~", "must be followed by a whole number", 5);
        err("\"a b\"~x", "must be followed by a whole number", 5);
        err("\"a b\"~101", "slop 101 is too large", 5);
        err("\"a b\"~99999999999999999999", "too large", 5);
        err("\"a b\"~2.5", "whole number", 5);
        err("\"a b\"~3x", "whole number", 5);
        err("a ~3", "only allowed right after a quoted phrase", 2);
    }

    #[test]
    fn missing_operands() {
        err("a AND", "missing operand after \"AND\"", 2);
        err("a &&", "missing operand after \"&&\"", 2);
        err("OR b", "missing operand before \"OR\"", 0);
        err("AND b", "missing operand before \"AND\"", 0);
        err("NOT", "missing operand after \"NOT\"", 0);
        err("a NOT", "missing operand after \"NOT\"", 2);
        err("a OR OR b", "missing operand between \"OR\" and \"OR\"", 2);
        err(
            "a AND OR b",
            "missing operand between \"AND\" and \"OR\"",
            2,
        );
        err("(a OR) b", "missing operand after \"OR\"", 3);
        err("(OR a)", "missing operand before \"OR\"", 1);
        err("a || || b", "missing operand between", 2);
        err("-AND a", "missing operand between \"-\" and \"AND\"", 0);
    }

    #[test]
    fn only_negative_parts() {
        err("NOT a", NEEDS_POSITIVE, 0);
        err("-a", NEEDS_POSITIVE, 0);
        err("-a -b", NEEDS_POSITIVE, 0);
        err("-\"a b\"", NEEDS_POSITIVE, 0);
        err("-state:kz", NEEDS_POSITIVE, 0);
        err("(NOT a)", NEEDS_POSITIVE, 1);
        let e = err("a OR NOT b", NEEDS_POSITIVE, 5);
        assert!(e.message.contains("alternative of OR"), "{e}");
        err("(a OR -b) OR c", NEEDS_POSITIVE, 6);
        err("NOT NOT a", NEEDS_POSITIVE, 0);
    }

    #[test]
    fn lucene_syntax_we_do_not_have() {
        err("дан*", "wildcards", 3);
        err("d?ta", "wildcards", 1);
        err("*", "wildcards", 0);
        err("a *", "wildcards", 2);
        err("\"a b*\"", "wildcards", 4);
        err("heading:дан*", "wildcards", 11);
        err("heading:*", "wildcards", 8);
        err("state:k*", "wildcards", 7);
        err("adopted:201*", "wildcards", 8);
        err("data~1", "fuzzy search", 4);
        err("data~", "fuzzy search", 4);
        err("heading:data~2", "fuzzy search", 12);
        err("a^2", "boosting", 1);
        err("a\\:b", "escaping", 1);
        err("!a b", "\"!\" is not supported", 0);
        err("a & b", "single \"&\"", 2);
        err("a | b", "single \"|\"", 2);
        // A "!" or "+" used as punctuation is harmless.
        assert_eq!(ok("a! +b"), Query::And(vec![term("a"), term("b")]));
    }

    #[test]
    fn nesting_limit() {
        let depth = |n: usize| format!("{}a{}", "(".repeat(n), ")".repeat(n));
        assert_eq!(ok(&depth(MAX_NESTING)), term("a"));
        err(&depth(MAX_NESTING + 1), "nested too deeply", MAX_NESTING);
        // Unclosed deep nesting: the depth error comes first, no stack overflow.
        err(&"(".repeat(999), "nested too deeply", MAX_NESTING);
        let nots = format!("a {}b", "NOT ".repeat(MAX_NESTING + 1));
        err(&nots, "nested too deeply", 2 + 4 * MAX_NESTING);
        let minus = format!("a {}b", "-".repeat(MAX_NESTING + 1));
        // "--" is punctuation followed by one glued "-": a AND NOT b.
        assert_eq!(ok(&minus), Query::And(vec![term("a"), not(term("b"))]));
        let mixed = format!("a {}b{}", "NOT (".repeat(17), ")".repeat(17));
        err(&mixed, "nested too deeply", 2 + 5 * 16);
    }

    #[test]
    fn is_positive_helper() {
        assert!(term("a").is_positive());
        assert!(!not(term("a")).is_positive());
        assert!(Query::And(vec![term("a"), not(term("b"))]).is_positive());
        assert!(!Query::Or(vec![term("a"), not(term("b"))]).is_positive());
    }

    // --- properties --------------------------------------------------------------------------

    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("(".to_string()),
            Just(")".to_string()),
            Just("\"".to_string()),
            Just("«".to_string()),
            Just("»".to_string()),
            Just("„".to_string()),
            Just("“".to_string()),
            Just(":".to_string()),
            Just(" ".to_string()),
            Just("  ".to_string()),
            Just("AND".to_string()),
            Just("OR".to_string()),
            Just("NOT".to_string()),
            Just("&&".to_string()),
            Just("||".to_string()),
            Just("&".to_string()),
            Just("-".to_string()),
            Just("~".to_string()),
            Just("~3".to_string()),
            Just("~101".to_string()),
            Just("*".to_string()),
            Just("?".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just("{".to_string()),
            Just("}".to_string()),
            Just("TO".to_string()),
            Just("..".to_string()),
            Just(">=".to_string()),
            Just("<".to_string()),
            Just("state:".to_string()),
            Just("heading:".to_string()),
            Just("adopted:".to_string()),
            Just("in_force:".to_string()),
            Just("law:".to_string()),
            Just("foo:".to_string()),
            Just("2015".to_string()),
            Just("2015-02-29".to_string()),
            Just("2024-02-29".to_string()),
            Just("31.12.2020".to_string()),
            Just("7-1".to_string()),
            Just("12.1".to_string()),
            Just("\u{301}".to_string()),
            Just("\u{AD}".to_string()),
            Just("\u{2011}".to_string()),
            Just("'".to_string()),
            Just("’".to_string()),
            Just("\\".to_string()),
            Just("^".to_string()),
            Just("!".to_string()),
            "[a-zа-яәғқңөұүһіա-ֆ0-9]{1,6}",
            any::<char>().prop_map(|c| c.to_string()),
        ]
    }

    fn check_total(input: &str) {
        match parse(input) {
            Ok(q) => assert!(q.is_positive(), "{input:?} gave a non-positive {q:?}"),
            Err(e) => {
                assert!(!e.message.is_empty());
                assert!(
                    e.position <= input.chars().count(),
                    "{input:?}: position {} out of range",
                    e.position
                );
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn fragments_never_panic(parts in prop::collection::vec(fragment(), 0..60)) {
            check_total(&parts.concat());
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            check_total(&s);
        }

        #[test]
        fn syntax_heavy_strings_never_panic(s in "[()\"«»:~*?\\[\\]{}&|!^\\\\ a-cA-Z0-9.<>=_-]{0,80}") {
            check_total(&s);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn plain_words_make_an_and_of_terms(
            words in prop::collection::vec("[a-zа-яёәғқңөұүһіա-ֆ0-9]{1,10}(-[0-9a-zа-я]{1,4})?(\\.[0-9]{1,3})?", 1..12),
            seps in prop::collection::vec("[ \t\n]{1,3}", 12),
        ) {
            let mut input = String::new();
            for (k, w) in words.iter().enumerate() {
                input.push_str(w);
                input.push_str(&seps[k]);
            }
            let q = parse(&input).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let terms: Vec<Query> = words.iter().map(|w| term(w)).collect();
            if terms.len() == 1 {
                prop_assert_eq!(q, terms[0].clone());
            } else {
                prop_assert_eq!(q, Query::And(terms));
            }
        }

        #[test]
        fn dates_round_trip(y in 1i32..=9999, m in 1u8..=12, dd in 1u8..=31) {
            match Date::new(y, m, dd) {
                Some(date) => {
                    prop_assert_eq!(Date::parse(&date.to_iso()), Some(date));
                    prop_assert_eq!(date.succ().and_then(|s| s.pred()).unwrap_or(date), date);
                }
                None => prop_assert!(dd > 28),
            }
        }
    }
}
