//! Key values of a topic read from the text of its supporting clauses: reporting deadlines
//! ("в течение 24 часов", "в течение одного рабочего дня", "незамедлительно", "within 72 hours",
//! "without undue delay") and penalty ranges ("лишение свободы до семи лет", "штраф до 160 МРП",
//! "imprisonment for up to two years", "EUR 10 000 000 or 2 % of the total worldwide annual
//! turnover"), by regular expressions over Russian and English text.

use std::sync::OnceLock;

use regex::Regex;
use serde::Serialize;

use super::framework::ValueKind;

/// One value found in a text.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct KeyValue {
    /// The words as printed.
    pub text: String,
    /// A normalised form for comparing states: "24 h", "1 working day", "immediately",
    /// "imprisonment up to 7 years", "fine up to 160 МРП".
    pub value: String,
    /// Deadlines: the time in hours when the value has one (working days count 24 h), for sorting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<f32>,
}

/// A number written in digits or in Russian or English words (nominative or genitive).
pub fn number(word: &str) -> Option<f32> {
    let w = word
        .trim()
        .to_lowercase()
        .replace('ё', "е")
        .replace([' ', '\u{a0}'], "");
    if let Ok(n) = w.replace(',', ".").parse::<f32>() {
        return Some(n);
    }
    let n = match w.as_str() {
        "один" | "одного" | "одна" | "одной" | "одну" | "one" | "a" | "an" => {
            1.0
        }
        "два" | "двух" | "две" | "two" => 2.0,
        "три" | "трех" | "three" => 3.0,
        "четыре" | "четырех" | "four" => 4.0,
        "пять" | "пяти" | "five" => 5.0,
        "шесть" | "шести" | "six" => 6.0,
        "семь" | "семи" | "seven" => 7.0,
        "восемь" | "восьми" | "eight" => 8.0,
        "девять" | "девяти" | "nine" => 9.0,
        "десять" | "десяти" | "ten" => 10.0,
        "двенадцать" | "двенадцати" | "twelve" => 12.0,
        "пятнадцать" | "пятнадцати" | "fifteen" => 15.0,
        "двадцать" | "двадцати" | "twenty" => 20.0,
        "тридцать" | "тридцати" | "thirty" => 30.0,
        "двадцатичетырех" | "twenty-four" => 24.0,
        "семидесятидвух" | "seventy-two" => 72.0,
        _ => return None,
    };
    Some(n)
}

const NUM_RU: &str = r"\d+(?:[.,]\d+)?|одного|одной|одну|один|одна|двух|два|две|трех|трёх|три|четырех|четырёх|четыре|пяти|пять|шести|шесть|семи|семь|восьми|восемь|девяти|девять|десяти|десять|двенадцати|двенадцать|пятнадцати|пятнадцать|двадцати|двадцать|тридцати|тридцать|двадцати четырех|семидесяти двух";
const NUM_EN: &str = r"\d+(?:[.,]\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|twenty-four|seventy-two";

fn fmt_num(n: f32) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

fn deadline_res() -> &'static [(Regex, bool)] {
    static RES: OnceLock<Vec<(Regex, bool)>> = OnceLock::new();
    RES.get_or_init(|| {
        let ru = format!(
            r"(?i)\b(?:в течение|не позднее|не позже|в срок,? не превышающий|в срок до|в пределах)\s+(?P<n>{NUM_RU})?\s*(?P<w>рабоч\w*\s+|календарн\w*\s+)?(?P<u>час\w*|сут\w*|дн\w*|день|недел\w*|месяц\w*)"
        );
        let en = format!(
            r"(?i)\b(?:within|not later than|no later than|in no more than)\s+(?:a\s+period\s+of\s+)?(?P<n>{NUM_EN})?\s*(?P<w>working\s+|calendar\s+|business\s+)?(?P<u>hours?|days?|weeks?|months?)"
        );
        vec![
            (Regex::new(&ru).expect("static regex"), true),
            (Regex::new(&en).expect("static regex"), true),
            (
                Regex::new(r"(?i)\b(незамедлительн\w*|немедленн\w*|безотлагательн\w*|без промедления|immediately|without undue delay|without delay|forthwith)")
                    .expect("static regex"),
                false,
            ),
            (
                Regex::new(r"(?i)\b(?:в недельный срок|в однодневный срок)").expect("static regex"),
                false,
            ),
        ]
    })
}

fn unit_hours(unit: &str) -> (f32, &'static str) {
    let u = unit.to_lowercase();
    if u.starts_with("час") || u.starts_with("hour") {
        (1.0, "h")
    } else if u.starts_with("сут")
        || u.starts_with("дн")
        || u.starts_with("день")
        || u.starts_with("day")
    {
        (24.0, "days")
    } else if u.starts_with("недел") || u.starts_with("week") {
        (168.0, "weeks")
    } else {
        (720.0, "months")
    }
}

/// Deadlines in a text.
pub fn deadlines(text: &str) -> Vec<KeyValue> {
    let mut out: Vec<KeyValue> = Vec::new();
    for (re, with_number) in deadline_res() {
        for c in re.captures_iter(text) {
            let whole = c.get(0).expect("match").as_str().trim().to_string();
            let kv = if *with_number {
                let n = c.name("n").and_then(|m| number(m.as_str())).unwrap_or(1.0);
                let (h, unit) = unit_hours(&c["u"]);
                let working = c.name("w").is_some_and(|w| {
                    let w = w.as_str().to_lowercase();
                    w.starts_with("рабоч") || w.starts_with("working") || w.starts_with("business")
                });
                let unit = match (unit, working) {
                    ("days", true) => "working days",
                    (u, _) => u,
                };
                let value = if unit == "h" {
                    format!("{} h", fmt_num(n))
                } else {
                    let one = unit.trim_end_matches('s');
                    if n == 1.0 {
                        format!("1 {one}")
                    } else {
                        format!("{} {unit}", fmt_num(n))
                    }
                };
                KeyValue {
                    text: whole,
                    value,
                    hours: Some(n * h),
                }
            } else {
                let lower = whole.to_lowercase();
                let value = if lower.contains("недельн") {
                    ("1 week", Some(168.0))
                } else if lower.contains("однодневн") {
                    ("1 day", Some(24.0))
                } else if lower.contains("undue") {
                    ("without undue delay", Some(0.0))
                } else {
                    ("immediately", Some(0.0))
                };
                KeyValue {
                    text: whole,
                    value: value.0.to_string(),
                    hours: value.1,
                }
            };
            if !out.iter().any(|o| o.value == kv.value) {
                out.push(kv);
            }
        }
    }
    out
}

fn penalty_res() -> &'static [(Regex, &'static str)] {
    static RES: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    RES.get_or_init(|| {
        let n = NUM_RU;
        let e = NUM_EN;
        vec![
            (
                Regex::new(&format!(r"(?i)лишени\w*\s+свобод\w*(?:\s+на\s+срок)?\s+(?:от\s+(?P<a>{n})\s+)?до\s+(?P<b>{n})\s+(?P<u>лет|года?|месяц\w*)")).expect("static regex"),
                "imprisonment",
            ),
            (
                Regex::new(&format!(r"(?i)imprisonment\s+(?:for|of)\s+(?:a\s+term\s+of\s+)?(?:up\s+to\s+|(?P<a>{e})\s+to\s+)(?P<b>{e})\s+(?P<u>years?|months?)")).expect("static regex"),
                "imprisonment",
            ),
            (
                Regex::new(&format!(r"(?i)штраф\w*(?:\s+в\s+размере)?\s+(?:от\s+(?P<a>{n})\s+)?до\s+(?P<b>[\d\s]*\d)\s*(?P<u>МРП|РП|месячн\w+\s+расч[её]тн\w+\s+показател\w+|расч[её]тн\w+\s+показател\w+|базов\w+\s+величин\w*|рубл\w*|сом\w*|евро)")).expect("static regex"),
                "fine",
            ),
            (
                Regex::new(r"(?i)fines?\s+(?:of\s+)?(?:a\s+maximum\s+of\s+)?(?:at\s+least\s+|up\s+to\s+|from\s+(?P<a>[\d ]*\d)\s+to\s+)?(?P<b>(?:EUR|€)\s*[\d  ,.]*\d|[\d ]*\d\s*(?:MCI|monthly calculation indices|base units|calculation units|roubles|rubles|som|RP))")
                    .expect("static regex"),
                "fine",
            ),
            (
                Regex::new(r"(?i)(?P<b>\d+(?:[.,]\d+)?\s*%)\s+of\s+(?:the\s+)?(?:total\s+)?worldwide\s+annual\s+turnover").expect("static regex"),
                "fine (share of turnover)",
            ),
        ]
    })
}

/// Penalty ranges in a text.
pub fn penalties(text: &str) -> Vec<KeyValue> {
    let mut out: Vec<KeyValue> = Vec::new();
    for (re, kind) in penalty_res() {
        for c in re.captures_iter(text) {
            let whole = c.get(0).expect("match").as_str().trim().to_string();
            let b = c["b"].trim().replace('\u{a0}', " ");
            let bn = number(&b).map(fmt_num).unwrap_or(b.clone());
            let unit = c
                .name("u")
                .map(|u| u.as_str().to_lowercase())
                .unwrap_or_default();
            let unit =
                if unit.starts_with("лет") || unit.starts_with("год") || unit.starts_with("year")
                {
                    "years".to_string()
                } else if unit.starts_with("месяц") || unit.starts_with("month") {
                    "months".to_string()
                } else {
                    c.name("u")
                        .map(|u| u.as_str().to_string())
                        .unwrap_or_default()
                };
            let range = match c.name("a").and_then(|a| number(a.as_str())) {
                Some(a) => format!("{}-{bn}", fmt_num(a)),
                None => format!("up to {bn}"),
            };
            let value = format!("{kind} {range} {unit}").trim().to_string();
            if !out.iter().any(|o| o.value == value) {
                out.push(KeyValue {
                    text: whole,
                    value,
                    hours: None,
                });
            }
        }
    }
    out
}

/// The values of one kind in a text.
pub fn extract(kind: ValueKind, text: &str) -> Vec<KeyValue> {
    match kind {
        ValueKind::Deadline => deadlines(text),
        ValueKind::Penalty => penalties(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(v: Vec<KeyValue>) -> Vec<String> {
        v.into_iter().map(|k| k.value).collect()
    }

    #[test]
    fn deadlines_in_russian_and_english() {
        assert_eq!(
            values(deadlines(
                "уведомить в течение 24 часов, а отчёт — в течение 72 часов"
            )),
            ["24 h", "72 h"]
        );
        assert_eq!(
            values(deadlines("в течение одного рабочего дня уведомить")),
            ["1 working day"]
        );
        assert_eq!(
            values(deadlines("в течение трех рабочих дней")),
            ["3 working days"]
        );
        assert_eq!(
            values(deadlines("незамедлительно информирует")),
            ["immediately"]
        );
        assert_eq!(values(deadlines("within 24 hours of becoming aware; within 72 hours; a final report within one month")), ["24 h", "72 h", "1 month"]);
        assert_eq!(
            values(deadlines("without undue delay")),
            ["without undue delay"]
        );
        assert_eq!(deadlines("в течение 24 часов")[0].hours, Some(24.0));
    }

    #[test]
    fn penalties_in_russian_and_english() {
        assert_eq!(
            values(penalties("лишение свободы до семи лет")),
            ["imprisonment up to 7 years"]
        );
        assert_eq!(
            values(penalties("лишение свободы от трёх до десяти лет")),
            ["imprisonment 3-10 years"]
        );
        assert_eq!(
            values(penalties("штраф до 160 МРП либо исправительные работы")),
            ["fine up to 160 МРП"]
        );
        assert_eq!(
            values(penalties("штраф от 200 до 500 РП")),
            ["fine 200-500 РП"]
        );
        assert_eq!(
            values(penalties("imprisonment for up to two years")),
            ["imprisonment up to 2 years"]
        );
        assert_eq!(
            values(penalties("imprisonment for three to ten years")),
            ["imprisonment 3-10 years"]
        );
        let nis = penalties("administrative fines of a maximum of at least EUR 10 000 000 or of a maximum of at least 2 % of the total worldwide annual turnover");
        assert_eq!(
            values(nis),
            [
                "fine up to EUR 10 000 000",
                "fine (share of turnover) up to 2 %"
            ]
        );
    }
}
