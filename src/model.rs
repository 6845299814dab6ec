//! The data model every other module works on: a law (work), one language edition of it (expression),
//! and the tree of clauses inside, with Akoma Ntoso style identifiers (DESIGN.md section 3).
//!
//! This module owns identifiers: number cleaning, eIds, work/expression URIs and permalinks.
//! It knows nothing about file formats (that is `ingest`) or indexes.

use serde::{Deserialize, Serialize};

/// The kind of a clause; its eId abbreviation is [`ClauseKind::abbrev`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ClauseKind {
    /// Раздел, Section of a code, Teil, Part.
    Part,
    /// Глава, тарау, Chapter, Kapitel.
    Chapter,
    /// Параграф, Section (inside a chapter), Abschnitt.
    Section,
    /// Title (inside a section of a Council of Europe treaty).
    Title,
    /// Статья, бап, берене, модда, հոդված, артыкул, Article, §.
    Article,
    /// A numbered unit "1.": часть in Russia, пункт in Kazakhstan; German "(1)".
    Para,
    /// A point "1)", "а)", "(a)".
    Point,
    /// A substantive note inside an article or chapter ("Примечание." of a code).
    Note,
    /// An unnumbered paragraph.
    Alinea,
}

impl ClauseKind {
    pub fn abbrev(self) -> &'static str {
        match self {
            ClauseKind::Part => "part",
            ClauseKind::Chapter => "chp",
            ClauseKind::Section => "sec",
            ClauseKind::Title => "title",
            ClauseKind::Article => "art",
            ClauseKind::Para => "para",
            ClauseKind::Point => "point",
            ClauseKind::Note => "note",
            ClauseKind::Alinea => "al",
        }
    }

    /// Containers hold articles; their rank orders them (a smaller rank holds a larger one).
    pub fn container_rank(self) -> Option<u8> {
        match self {
            ClauseKind::Part => Some(0),
            ClauseKind::Chapter => Some(1),
            ClauseKind::Section => Some(2),
            ClauseKind::Title => Some(3),
            _ => None,
        }
    }

    pub fn is_container(self) -> bool {
        self.container_rank().is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    #[default]
    InForce,
    Repealed,
    NotYetInForce,
}

/// One clause of the tree. `parent` is the eId of the enclosing clause (None at top level).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clause {
    pub eid: String,
    pub kind: ClauseKind,
    /// The number as printed ("7-1", "274.1", "IV", "а").
    pub num: String,
    /// The national label as printed ("Статья", "бап", "п.", "ч.", "Article").
    pub label: String,
    pub heading: Option<String>,
    /// The clause's own text, without the text of its children and without its heading line's label and
    /// number; lines joined with '\n'.
    pub text: String,
    pub status: Status,
    /// 1-based source line range of the whole clause, children included.
    pub line_start: usize,
    pub line_end: usize,
    pub parent: Option<String>,
    /// The source lines whose text is this clause's own (heading line included), as inclusive ranges.
    pub own_lines: Vec<(usize, usize)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BlockKind {
    /// File header or front matter: metadata about the text, not the text.
    Metadata,
    Title,
    Preamble,
    Toc,
    /// An editorial note of the publisher ("Сноска.", "Примечание ИЗПИ!"), not law.
    Note,
    Signature,
    Annex,
    /// A translation of the text into another language printed in the same file.
    Translation,
    /// Text that matched no structure at all.
    Unstructured,
}

/// A run of lines that is not a clause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    pub kind: BlockKind,
    pub line_start: usize,
    pub line_end: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// Metadata of a law and of the edition parsed. Unknown values stay `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LawMeta {
    /// ISO 3166-1 alpha-2 lowercase, or a regional code (cis, csto, eu, coe).
    pub country: Option<String>,
    /// Document type: act, code, agreement, convention, directive...
    pub doc_type: Option<String>,
    pub number: Option<String>,
    pub title: Option<String>,
    pub title_en: Option<String>,
    /// ISO 639-2/T language code of this edition (rus, kaz, eng, ...).
    pub lang: Option<String>,
    pub adopted: Option<String>,
    pub published: Option<String>,
    pub in_force: Option<String>,
    /// Consolidation date of this edition.
    pub edition: Option<String>,
    pub repealed: Option<String>,
    pub source_url: Option<String>,
    /// Where the file came from (path as given).
    pub source_file: Option<String>,
    pub retrieved: Option<String>,
    /// Hex SHA-256 of the file's bytes.
    pub content_hash: Option<String>,
    /// The format the file was read as.
    pub format: Option<String>,
    pub encoding: Option<String>,
    /// The title as printed at the top of the text (the first title line), when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_printed: Option<String>,
    /// Expression URI, when country, date and number are known.
    pub uri: Option<String>,
    /// Further front matter keys, kept as given.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub extra: std::collections::BTreeMap<String, String>,
}

/// Clean a printed number into its eId form: "13.1", "13-1", "13¹" -> "13-1"; "IV" stays "iv";
/// letters are lowercased; anything else becomes '-'.
pub fn clean_num(printed: &str) -> String {
    let mut out = String::with_capacity(printed.len());
    let mut prev_superscript = false;
    for ch in printed.trim().chars() {
        if let Some(d) = superscript_digit(ch) {
            // A superscript run follows its base number after one dash: "274¹²" reads as 274-12.
            if !prev_superscript && !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            out.push(d);
            prev_superscript = true;
            continue;
        }
        prev_superscript = false;
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn superscript_digit(ch: char) -> Option<char> {
    Some(match ch {
        '⁰' => '0',
        '¹' => '1',
        '²' => '2',
        '³' => '3',
        '⁴' => '4',
        '⁵' => '5',
        '⁶' => '6',
        '⁷' => '7',
        '⁸' => '8',
        '⁹' => '9',
        _ => return None,
    })
}

/// One level of an eId: `art_13-1`.
pub fn eid_part(kind: ClauseKind, num: &str) -> String {
    format!("{}_{}", kind.abbrev(), clean_num(num))
}

/// Join a parent eId and a child level.
pub fn join_eid(parent: Option<&str>, part: &str) -> String {
    match parent {
        Some(p) if !p.is_empty() => format!("{p}__{part}"),
        _ => part.to_string(),
    }
}

/// `/akn/{cc}/{type}/{date}/{number}` — the work URI.
pub fn work_uri(country: &str, doc_type: &str, date: &str, number: &str) -> String {
    format!(
        "/akn/{}/{}/{}/{}",
        country.to_lowercase(),
        doc_type.to_lowercase(),
        date,
        uri_number(number)
    )
}

/// `/akn/{cc}/act/{date}/{number}/{lang}@{edition}` — the expression URI; without an edition date the
/// `@` stands alone, as Akoma Ntoso allows for "the current edition".
pub fn expression_uri(work: &str, lang: &str, edition: Option<&str>) -> String {
    format!("{work}/{lang}@{}", edition.unwrap_or(""))
}

/// Expression URI + `/~` + eId.
pub fn permalink(expression: &str, eid: &str) -> String {
    format!("{expression}/~{eid}")
}

/// Numbers in URIs: lowercase, Cyrillic letters transliterated so URIs stay ASCII ("418-V" -> "418-v",
/// "187-ФЗ" -> "187-fz", "99-З" -> "99-z").
pub fn uri_number(number: &str) -> String {
    let mut out = String::new();
    for ch in number.trim().chars().flat_map(char::to_lowercase) {
        match ch {
            'a'..='z' | '0'..='9' | '-' | '.' => out.push(ch),
            ' ' | '/' | '_' => out.push('-'),
            c => {
                if let Some(t) = translit(c) {
                    out.push_str(t)
                } else if c.is_alphanumeric() {
                    out.push('-')
                }
            }
        }
    }
    out
}

fn translit(c: char) -> Option<&'static str> {
    Some(match c {
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' | 'ё' => "e",
        'ж' => "zh",
        'з' => "z",
        'и' | 'і' => "i",
        'й' => "i",
        'к' => "k",
        'л' => "l",
        'м' => "m",
        'н' => "n",
        'о' => "o",
        'п' => "p",
        'р' => "r",
        'с' => "s",
        'т' => "t",
        'у' | 'ў' => "u",
        'ф' => "f",
        'х' => "kh",
        'ц' => "ts",
        'ч' => "ch",
        'ш' => "sh",
        'щ' => "shch",
        'ъ' | 'ь' => "",
        'ы' => "y",
        'э' => "e",
        'ю' => "iu",
        'я' => "ia",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_cleaned_alike() {
        assert_eq!(clean_num("13.1"), "13-1");
        assert_eq!(clean_num("13-1"), "13-1");
        assert_eq!(clean_num("13¹"), "13-1");
        assert_eq!(clean_num("274¹²"), "274-12");
        assert_eq!(clean_num("7-1."), "7-1");
        assert_eq!(clean_num("IV"), "iv");
        assert_eq!(clean_num("а"), "а");
        assert_eq!(clean_num(" 3 "), "3");
    }

    #[test]
    fn eids_and_uris() {
        let chp = eid_part(ClauseKind::Chapter, "3");
        let art = join_eid(Some(&chp), &eid_part(ClauseKind::Article, "13.1"));
        let para = join_eid(Some(&art), &eid_part(ClauseKind::Para, "2"));
        let point = join_eid(Some(&para), &eid_part(ClauseKind::Point, "4"));
        assert_eq!(point, "chp_3__art_13-1__para_2__point_4");
        let work = work_uri("KZ", "act", "2015-11-24", "418-V");
        assert_eq!(work, "/akn/kz/act/2015-11-24/418-v");
        let expr = expression_uri(&work, "rus", Some("2020-01-01"));
        assert_eq!(expr, "/akn/kz/act/2015-11-24/418-v/rus@2020-01-01");
        assert_eq!(
            permalink(&expr, "art_7-1__para_2"),
            "/akn/kz/act/2015-11-24/418-v/rus@2020-01-01/~art_7-1__para_2"
        );
        assert_eq!(uri_number("187-ФЗ"), "187-fz");
        assert_eq!(uri_number("99-З"), "99-z");
    }
}
