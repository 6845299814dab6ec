//! What a single line looks like, in every language of DESIGN.md's table: a container heading
//! (раздел, глава, тарау, Chapter, Abschnitt ...), an article heading (Статья, бап, берене, Моддаи,
//! Հոդված, Артыкул, Article, §), a numbered part or point, an editorial note, a table of contents
//! marker, an annex or a signature. The structure detector decides from the sequence what a line is.

use std::sync::LazyLock;

use regex::Regex;

use crate::model::ClauseKind;

/// The language family a heading keyword belongs to; a second family of article headings in one
/// file means a translation is printed after the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeywordLang {
    /// Russian, Belarusian, Kazakh, Kyrgyz, Tajik and Armenian keywords: the languages of our states.
    Cis,
    English,
    German,
    Dutch,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    pub kind: ClauseKind,
    pub label: String,
    /// The number as printed, without the label.
    pub num: String,
    /// Whatever follows the number on the same line.
    pub rest: String,
    pub lang: KeywordLang,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Marker {
    /// "1." "2-1." "12.1." — a numbered part.
    Para(String),
    /// "(1)" in German law — a numbered Absatz.
    ParaParen(String),
    /// "1)" "3-1)" "(1)" outside German law.
    NumPoint(String),
    /// "а)" "b)" "(a)".
    LetterPoint(String),
    /// "(i)" "(ii)".
    RomanPoint(String),
}

impl Marker {
    /// Depth of the marker inside an article: parts hold points, points hold letter points.
    pub fn depth(&self) -> u8 {
        match self {
            Marker::Para(_) | Marker::ParaParen(_) => 1,
            Marker::NumPoint(_) => 2,
            Marker::LetterPoint(_) => 3,
            Marker::RomanPoint(_) => 4,
        }
    }

    pub fn num(&self) -> &str {
        match self {
            Marker::Para(n)
            | Marker::ParaParen(n)
            | Marker::NumPoint(n)
            | Marker::LetterPoint(n)
            | Marker::RomanPoint(n) => n,
        }
    }

    pub fn kind(&self) -> ClauseKind {
        match self {
            Marker::Para(_) | Marker::ParaParen(_) => ClauseKind::Para,
            _ => ClauseKind::Point,
        }
    }

    /// The national label of such a unit, for a citation resolver.
    pub fn label(&self, lang: KeywordLang) -> &'static str {
        match (self, lang) {
            (Marker::Para(_), KeywordLang::Cis) => "ч.",
            (Marker::NumPoint(_), KeywordLang::Cis) => "п.",
            (Marker::LetterPoint(_) | Marker::RomanPoint(_), KeywordLang::Cis) => "пп.",
            (Marker::Para(_) | Marker::ParaParen(_), KeywordLang::German) => "Abs.",
            (Marker::Para(_) | Marker::ParaParen(_), _) => "para.",
            _ => "point",
        }
    }
}

const NUM: &str = r"(\d+(?:[.\-‐–]\d+)*[¹²³⁴⁵⁶⁷⁸⁹⁰]*)";
const ROMAN_OR_NUM: &str = r"([IVXLCІ]+|\d+(?:[.\-]\d+)*)";

struct HeadingPattern {
    re: Regex,
    kind: ClauseKind,
    lang: KeywordLang,
    /// Index of the capture group holding the label, when the label is a word before the number.
    label_group: Option<usize>,
    /// The label when it is a suffix ("5-бап").
    fixed_label: &'static str,
}

fn pat(
    re: &str,
    kind: ClauseKind,
    lang: KeywordLang,
    label_group: Option<usize>,
    fixed_label: &'static str,
) -> HeadingPattern {
    HeadingPattern {
        re: Regex::new(re).expect("heading pattern compiles"),
        kind,
        lang,
        label_group,
        fixed_label,
    }
}

static HEADINGS: LazyLock<Vec<HeadingPattern>> = LazyLock::new(|| {
    use ClauseKind::*;
    use KeywordLang::*;
    let r = |body: &str| body.replace("RNUM", ROMAN_OR_NUM).replace("NUM", NUM);
    vec![
        // Articles.
        pat(
            &r(r"^(Статья|СТАТЬЯ|Артыкул|АРТЫКУЛ)\s*NUM(.*)$"),
            Article,
            Cis,
            Some(1),
            "",
        ),
        pat(
            &r(r"^NUM\s*-\s*(бап)(?:$|[^\w](.*)$)"),
            Article,
            Cis,
            None,
            "бап",
        ),
        pat(
            &r(r"^NUM\s*-\s*(берене)(?:$|[^\w](.*)$)"),
            Article,
            Cis,
            None,
            "берене",
        ),
        pat(
            &r(r"^(Моддаи|МОДДАИ)\s*NUM(.*)$"),
            Article,
            Cis,
            Some(1),
            "",
        ),
        pat(
            &r(r"^(Հոդված|ՀՈԴՎԱԾ)\s*NUM(.*)$"),
            Article,
            Cis,
            Some(1),
            "",
        ),
        pat(
            &r(r"^(Article|ARTICLE|Art\.)\s*NUM(.*)$"),
            Article,
            English,
            Some(1),
            "",
        ),
        pat(r"^(§)\s*(\d+[a-z]?)(.*)$", Article, German, Some(1), ""),
        pat(&r(r"^(Art)\s+NUM(.*)$"), Article, German, Some(1), ""),
        pat(
            &r(r"^(Artikel|ARTIKEL)\s+NUM(.*)$"),
            Article,
            Dutch,
            Some(1),
            "",
        ),
        // Containers.
        pat(
            &r(r"^(Раздел|РАЗДЕЛ|Раздзел|РАЗДЗЕЛ|Фасли|ФАСЛИ|Бөлүм|БӨЛҮМ)\s+RNUM(.*)$"),
            Part,
            Cis,
            Some(1),
            "",
        ),
        pat(
            &r(r"^NUM\s*-\s*(бөлім|бөлүм)(?:$|[^\w](.*)$)"),
            Part,
            Cis,
            None,
            "бөлім",
        ),
        pat(
            &r(r"^(Глава|ГЛАВА|Боби|БОБИ)\s+RNUM(.*)$"),
            Chapter,
            Cis,
            Some(1),
            "",
        ),
        pat(
            &r(r"^NUM\s*-\s*(тарау|глава)(?:$|[^\w](.*)$)"),
            Chapter,
            Cis,
            None,
            "тарау",
        ),
        pat(
            &r(r"^(Գլուխ|ԳԼՈՒԽ|Բաժին|ԲԱԺԻՆ)\s*RNUM(.*)$"),
            Chapter,
            Cis,
            Some(1),
            "",
        ),
        pat(
            &r(r"^(Параграф|ПАРАГРАФ)\s+RNUM(.*)$"),
            Section,
            Cis,
            Some(1),
            "",
        ),
        pat(
            &r(r"^NUM\s*-\s*(параграф)(?:$|[^\w](.*)$)"),
            Section,
            Cis,
            None,
            "параграф",
        ),
        pat(&r(r"^(PART|Part)\s+RNUM(.*)$"), Part, English, Some(1), ""),
        pat(
            &r(r"^(CHAPTER|Chapter)\s+RNUM(.*)$"),
            Chapter,
            English,
            Some(1),
            "",
        ),
        pat(
            &r(r"^(SECTION|Section)\s+RNUM(.*)$"),
            Section,
            English,
            Some(1),
            "",
        ),
        pat(
            &r(r"^(TITLE|Title)\s+RNUM(.*)$"),
            Title,
            English,
            Some(1),
            "",
        ),
        pat(&r(r"^(Teil|TEIL)\s+RNUM(.*)$"), Part, German, Some(1), ""),
        pat(
            &r(r"^(Kapitel|KAPITEL)\s+RNUM(.*)$"),
            Chapter,
            German,
            Some(1),
            "",
        ),
        pat(
            &r(r"^(Abschnitt|ABSCHNITT)\s+RNUM(.*)$"),
            Section,
            German,
            Some(1),
            "",
        ),
        pat(
            &r(r"^(HOOFDSTUK|Hoofdstuk)\s+RNUM(.*)$"),
            Chapter,
            Dutch,
            Some(1),
            "",
        ),
        pat(
            &r(r"^(AFDELING|Afdeling)\s+RNUM(.*)$"),
            Section,
            Dutch,
            Some(1),
            "",
        ),
        pat(&r(r"^(TITEL|Titel)\s+RNUM(.*)$"), Title, Dutch, Some(1), ""),
    ]
});

/// Kyrgyz calls a chapter "бап" and an article "берене"; Kazakh calls an article "бап".
#[derive(Debug, Clone, Copy, Default)]
pub struct DocConventions {
    pub kyrgyz: bool,
    pub german: bool,
}

/// Recognise a heading line. `rest` still has to pass [`plausible_heading_rest`].
pub fn heading(text: &str, conv: DocConventions) -> Option<Heading> {
    if !may_be_heading(text) {
        return None;
    }
    for p in HEADINGS.iter() {
        let Some(caps) = p.re.captures(text) else {
            continue;
        };
        let (label, num_group) = match p.label_group {
            Some(g) => (caps.get(g).map_or("", |m| m.as_str()).to_string(), g + 1),
            None => (p.fixed_label.to_string(), 1),
        };
        let num = caps.get(num_group).map_or("", |m| m.as_str()).to_string();
        let rest = caps
            .get(caps.len() - 1)
            .map_or("", |m| m.as_str())
            .to_string();
        let mut kind = p.kind;
        let mut label = label;
        if p.fixed_label == "бап" && conv.kyrgyz {
            kind = ClauseKind::Chapter;
        }
        if p.fixed_label == "тарау" {
            label = caps.get(2).map_or("тарау", |m| m.as_str()).to_string();
        }
        if p.fixed_label == "бөлім" {
            label = caps.get(2).map_or("бөлім", |m| m.as_str()).to_string();
        }
        if p.lang == KeywordLang::German && label == "Art" && !conv.german {
            continue;
        }
        let lang = if p.lang == KeywordLang::Dutch && conv.german {
            KeywordLang::German
        } else {
            p.lang
        };
        if !plausible_heading_rest(&rest) {
            return None;
        }
        return Some(Heading {
            kind,
            label,
            num: num.replace(['‐', '–'], "-"),
            rest: tidy_rest(&rest),
            lang,
        });
    }
    None
}

/// Words a heading can start with; a line starting otherwise (and not with a digit or "§") is not
/// one, which spares the regular expressions on almost every line of a law.
const HEADING_WORDS: &[&str] = &[
    "статья",
    "артыкул",
    "моддаи",
    "հոդված",
    "article",
    "art",
    "art.",
    "artikel",
    "раздел",
    "раздзел",
    "фасли",
    "бөлүм",
    "глава",
    "боби",
    "գլուխ",
    "բաժին",
    "параграф",
    "part",
    "chapter",
    "section",
    "title",
    "teil",
    "kapitel",
    "abschnitt",
    "hoofdstuk",
    "afdeling",
    "titel",
];

fn may_be_heading(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if first == '§' {
        return true;
    }
    if first.is_ascii_digit() {
        // "5-бап", "2-тарау", "7-1-берене": a number-first heading names its kind right after the number.
        let head: String = text.chars().take(24).flat_map(char::to_lowercase).collect();
        return [
            "бап",
            "берене",
            "тарау",
            "бөлім",
            "бөлүм",
            "глава",
            "параграф",
        ]
        .iter()
        .any(|w| head.contains(w));
    }
    // The keyword may be glued to its number ("Статья5"); compare the letters before any digit.
    let word: String = text
        .chars()
        .take_while(|c| c.is_alphabetic() || *c == '.')
        .take(12)
        .flat_map(char::to_lowercase)
        .collect();
    HEADING_WORDS.contains(&word.as_str()) || HEADING_WORDS.contains(&word.trim_end_matches('.'))
}

/// A heading's number is followed by nothing, by punctuation and a title, or by a title glued on
/// ("Статья 5Название"). Running text that merely starts with "Статья 5 настоящего Закона" or
/// "Article 12(1)" is not a heading.
fn plausible_heading_rest(rest: &str) -> bool {
    if rest.chars().count() > 1000 {
        return false;
    }
    let trimmed = rest.trim_start();
    let Some(first) = trimmed.chars().next() else {
        return true;
    };
    if matches!(
        first,
        '.' | ':' | '-' | '–' | '—' | '*' | '_' | '¹' | '²' | '³'
    ) {
        return true;
    }
    if first == '(' || first == ',' || first == ';' {
        return false;
    }
    if first.is_lowercase() {
        return false;
    }
    true
}

fn tidy_rest(rest: &str) -> String {
    rest.trim()
        .trim_start_matches(['.', ':', '-', '–', '—', '*', '_'])
        .trim_end_matches(['*', '_'])
        .trim()
        .to_string()
}

static PARA: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d+(?:[.\-]\d+)*)\.(?:\s+|$)").expect("para"));
static PARA_PAREN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\((\d+[a-z]?)\)(?:\s+|$)").expect("para paren"));
static NUM_POINT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d+(?:-\d+)*)\)(?:\s+|$)").expect("num point"));
static LETTER_POINT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\(?([а-яёәіңғүұқөһa-z](?:-\d+)?)\)(?:\s+|$)").expect("letter point")
});
static ROMAN_POINT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\(([ivx]{1,5})\)(?:\s+|$)").expect("roman point"));

/// A numbered unit at the start of a line inside an article.
pub fn marker(text: &str, conv: DocConventions) -> Option<Marker> {
    // Every marker starts with a digit, "(" or a single letter followed by ")" or "-".
    let mut chars = text.chars();
    let first = chars.next()?;
    if !(first.is_ascii_digit() || first == '(' || matches!(chars.next(), Some(')' | '-'))) {
        return None;
    }
    if let Some(c) = PARA.captures(text) {
        return Some(Marker::Para(c[1].to_string()));
    }
    if let Some(c) = NUM_POINT.captures(text) {
        return Some(Marker::NumPoint(c[1].to_string()));
    }
    if let Some(c) = PARA_PAREN.captures(text) {
        return Some(if conv.german {
            Marker::ParaParen(c[1].to_string())
        } else {
            Marker::NumPoint(c[1].to_string())
        });
    }
    if let Some(c) = ROMAN_POINT.captures(text) {
        // "(i)" after "(h)" is a letter, not a roman numeral; the detector settles that from the sequence.
        return Some(Marker::RomanPoint(c[1].to_string()));
    }
    if let Some(c) = LETTER_POINT.captures(text) {
        return Some(Marker::LetterPoint(c[1].to_string()));
    }
    None
}

static EDITORIAL_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:",
        r"(?:Сноска|Сноски|Ескерту|Ескертпе|Footnote)(?:[^\w]|$)|",
        r"Примечание\s+(?:ИЗПИ|РЦПИ|ИЗПИ|редакции|ред\.)|",
        r"Примечание\s+[А-ЯЁ]{3,6}\s*!|",
        r"[А-ЯӘІҢҒҮҰҚӨҺ]{3,6}-?(?:ның|нің)\s+ескертпесі|",
        r"Вниманию пользователей|Для удобства пользования|",
        r"\((?:В редакции|в редакции|Дополнение|Дополнен|Статья в редакции|Часть в редакции|Пункт в редакции|",
        r"Подпункт в редакции|Наименование в редакции|Абзац|Утратил|Утратила|Статья утратила|Признан|",
        r"Исключен|Изменен|Введен|Введена|Статья дополнена|Часть дополнена)",
        r")"
    ))
    .expect("editorial note")
});

/// A publisher's note about the text ("Сноска. Статья 3 с изменением, внесенным ..."), not law.
pub fn is_editorial_note(text: &str) -> bool {
    // Every note marker starts with "(" or a capital letter.
    if !text.starts_with(|c: char| c == '(' || c.is_uppercase()) {
        return false;
    }
    if !EDITORIAL_NOTE.is_match(text) {
        return false;
    }
    // A parenthesised amendment note is a whole line of its own.
    !text.starts_with('(') || text.ends_with(')') || text.ends_with(").")
}

/// The note marker alone on its line ("Примечание ИЗПИ!"): the note is the next paragraph.
pub fn is_bare_note_marker(text: &str) -> bool {
    is_editorial_note(text) && text.chars().count() <= 40 && text.ends_with(['!', '.', ':'])
}

static SUBSTANTIVE_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(Примечани[еяй]|Ескерту|Эскертүү|Эзоҳ|Ծանոթություն|Заўвага|Заўвагі|Note|Notes|Anmerkung)\s*[.:](?:\s|$)").expect("note")
});

/// A note that is part of the law ("Примечание. 1. Под ... понимаются ...").
pub fn substantive_note_label(text: &str) -> Option<&str> {
    SUBSTANTIVE_NOTE
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str())
}

static TOC_MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)(оглавление|содержание|мазмұны|мазмуну|мундарича|бովандակություն|змест|table of contents|contents|inhaltsübersicht|inhaltsverzeichnis|inhalt)\s*[.:]?$")
        .expect("toc")
});

pub fn is_toc_marker(text: &str) -> bool {
    TOC_MARKER.is_match(text)
}

static ANNEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(Приложение|ПРИЛОЖЕНИЕ|Приложения|Anhang|ANHANG|Anlage|ANLAGE|Annex|ANNEX|Appendix|APPENDIX|Қосымша|ҚОСЫМША|Тиркеме|ТИРКЕМЕ|Замима|Հավելված|Дадатак)(\s|$|\s*[\dIVX])")
        .expect("annex")
});

pub fn is_annex_heading(text: &str) -> bool {
    text.chars().count() <= 200 && ANNEX.is_match(text)
}

static BARE_ANNEX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\S+(\s+(№\s*)?[IVXLC\d]+(\.\d+)?)?\s*[.:]?$").expect("bare annex")
});

/// "Приложение 2", "Annex I": the annex keyword with at most a number, nothing else.
pub fn is_bare_annex_label(text: &str) -> bool {
    is_annex_heading(text) && BARE_ANNEX.is_match(text)
}

static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:Президент|Председатель|Премьер-министр|Глава государства|Исполняющий обязанности|",
        r"За Правительство|За Республику|За Российскую|За Кыргызскую|За Азербайджанскую|За Туркменистан|",
        r"За Украину|За Грузию|За государство|Совершено в|Совершено(?:[^\w]|$)|Москва, Кремль|",
        r"Астана, Акорда|Нур-Султан, Акорда|Бишкек, Белый дом|г\. Минск|Қазақстан Республикасының Президенті|",
        r"Done at|In witness whereof|IN WITNESS WHEREOF|For the Government of|Zu Urkund|Der Bundespräsident|",
        r"Die Bundeskanzlerin|Der Bundeskanzler|Die Bundesministerin|Der Bundesminister)"
    ))
    .expect("signature")
});

pub fn is_signature_start(text: &str) -> bool {
    text.chars().count() <= 400 && SIGNATURE.is_match(text)
}

static REPEALED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i)[(\[]?(исключена|исключен|исключено|исключены|утратила силу|утратил силу|утратило силу|утратили силу|алынып тасталды|күші жойылды|алынып салынды|repealed|deleted|weggefallen|aufgehoben)(?:[^\w]|$)")
        .expect("repealed")
});

static REPEAL_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:сноска\.\s*)?(?:статья|article|пункт|подпункт|часть)\s+(\d+(?:-\d+)*)\s+(?:исключена|исключен|утратила силу|утратил силу)|\((?:утратила силу|исключена|статья утратила силу)")
        .expect("repeal note")
});

/// An editorial note saying that a unit is repealed: `Some(Some(num))` when it names the unit's
/// number ("Сноска. Статья 47 исключена ..."), `Some(None)` when it is a bare "(Утратила силу ...)".
pub fn repeal_note(text: &str) -> Option<Option<String>> {
    let c = REPEAL_NOTE.captures(text)?;
    Some(c.get(1).map(|m| m.as_str().to_string()))
}

/// A heading that ends by saying it is repealed: "Название (Утратила силу в соответствии с ...)".
pub fn heading_says_repealed(heading: &str) -> bool {
    let lower = heading.to_lowercase();
    says_repealed(heading)
        || lower.contains("(утратила силу")
        || lower.contains("(исключена")
        || lower.contains("(утратил силу")
}

/// Whether a heading's title or a unit's first words say it is repealed.
pub fn says_repealed(text: &str) -> bool {
    REPEALED.is_match(text.trim_start_matches(['.', ' ', '-', '–']))
}

/// A line written in capitals (a title line of a plain-text law: "ЗАКОН РЕСПУБЛИКИ КАЗАХСТАН").
pub fn is_upper_line(text: &str) -> bool {
    let mut letters = 0;
    for ch in text.chars() {
        if ch.is_lowercase() {
            return false;
        }
        if ch.is_alphabetic() {
            letters += 1;
        }
    }
    letters >= 3 && text.chars().count() <= 300
}

/// Unnumbered divisions of a code ("ОБЩАЯ ЧАСТЬ"): titles, not clauses.
pub fn is_code_division(text: &str) -> bool {
    if text.len() > 64 {
        return false;
    }
    let t = text.trim_end_matches('.').to_lowercase();
    matches!(
        t.as_str(),
        "общая часть"
            | "особенная часть"
            | "жалпы бөлім"
            | "ерекше бөлім"
            | "general part"
            | "special part"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(text: &str) -> Option<(ClauseKind, String, String)> {
        heading(text, DocConventions::default()).map(|h| (h.kind, h.num, h.rest))
    }

    #[test]
    fn article_headings_in_every_language() {
        use ClauseKind::Article;
        let cases = [
            ("Статья 5. Название", "5", "Название"),
            ("Статья 7-1. Вставная", "7-1", "Вставная"),
            ("Статья 15.1 Точка", "15.1", "Точка"),
            ("Статья 274¹", "274¹", ""),
            ("СТАТЬЯ 3", "3", ""),
            ("Статья 5Название", "5", "Название"),
            ("5-бап. Атауы", "5", "Атауы"),
            ("7-1-бап. Атауы", "7-1", "Атауы"),
            ("5-берене. Аталышы", "5", "Аталышы"),
            ("Моддаи 5. Номгузорӣ", "5", "Номгузорӣ"),
            ("Հոդված 5. Անվանում", "5", "Անվանում"),
            ("Артыкул 5. Назва", "5", "Назва"),
            ("Article 5", "5", ""),
            ("Art. 5 Title", "5", "Title"),
            ("§ 5 Begriffsbestimmungen", "5", "Begriffsbestimmungen"),
        ];
        for (text, num, rest) in cases {
            assert_eq!(h(text), Some((Article, num.into(), rest.into())), "{text}");
        }
    }

    #[test]
    fn containers() {
        assert_eq!(h("Глава 2. Общие").map(|x| x.0), Some(ClauseKind::Chapter));
        assert_eq!(h("ГЛАВА 31").map(|x| x.1), Some("31".into()));
        assert_eq!(h("РАЗДЕЛ XII").map(|x| x.0), Some(ClauseKind::Part));
        assert_eq!(h("2-тарау. Атауы").map(|x| x.0), Some(ClauseKind::Chapter));
        assert_eq!(h("Боби 2. Ном").map(|x| x.0), Some(ClauseKind::Chapter));
        assert_eq!(h("Գլուխ 2. Անուն").map(|x| x.0), Some(ClauseKind::Chapter));
        assert_eq!(h("Chapter II").map(|x| x.0), Some(ClauseKind::Chapter));
        assert_eq!(h("Раздзел I").map(|x| x.0), Some(ClauseKind::Part));
        let kg = DocConventions {
            kyrgyz: true,
            german: false,
        };
        assert_eq!(
            heading("2-бап. Аталышы", kg).map(|x| x.kind),
            Some(ClauseKind::Chapter)
        );
    }

    #[test]
    fn running_text_is_not_a_heading() {
        assert_eq!(h("Статья 5 настоящего Закона применяется"), None);
        assert_eq!(h("Article 12(1) applies"), None);
        assert_eq!(h("Глава 2 настоящего Кодекса"), None);
        assert_eq!(h("статья 99"), None);
    }

    #[test]
    fn markers() {
        let c = DocConventions::default();
        assert_eq!(marker("1. Текст", c), Some(Marker::Para("1".into())));
        assert_eq!(marker("2-1. Текст", c), Some(Marker::Para("2-1".into())));
        assert_eq!(
            marker("3-1) текст", c),
            Some(Marker::NumPoint("3-1".into()))
        );
        assert_eq!(marker("а) текст", c), Some(Marker::LetterPoint("а".into())));
        assert_eq!(marker("(a) text", c), Some(Marker::LetterPoint("a".into())));
        assert_eq!(
            marker("(ii) text", c),
            Some(Marker::RomanPoint("ii".into()))
        );
        assert_eq!(marker("25.06.2020 № 347", c), None);
        assert_eq!(marker("Текст 1. ещё", c), None);
    }

    #[test]
    fn notes_and_blocks() {
        assert!(is_editorial_note(
            "Сноска. Статья 3 с изменением, внесенным Законом"
        ));
        assert!(is_bare_note_marker("Примечание ИЗПИ!"));
        assert!(is_editorial_note(
            "(В редакции Федерального закона от 07.12.2011 № 420-ФЗ)"
        ));
        assert!(!is_editorial_note(
            "(В редакции закона) и далее текст нормы"
        ));
        assert_eq!(
            substantive_note_label("Примечания. 1. Под информацией понимаются"),
            Some("Примечания")
        );
        assert!(is_toc_marker("ОГЛАВЛЕНИЕ"));
        assert!(is_annex_heading("ANNEX I"));
        assert!(is_bare_annex_label("Приложение 2"));
        assert!(!is_bare_annex_label("Anlage oder Teilen davon ausübt,"));
        assert!(is_signature_start("Президент Республики"));
        assert!(says_repealed("Исключена"));
        assert!(says_repealed("исключен Законом РК от 18.03.2019"));
        assert!(!says_repealed("Исключительные права"));
    }
}
