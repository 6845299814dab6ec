//! URLs of the pages, names of states, and HTML `lang` values: the small vocabulary every page shares.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};

/// Characters percent-encoded in a path or a fragment we build (besides controls and non-ASCII).
/// `@`, `~`, `:` and `/` stay as they are: they are part of Akoma Ntoso URIs.
const PATH: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'\\')
    .add(b'^')
    .add(b'|')
    .add(b'[')
    .add(b']');

/// The six CSTO member states, in the order the pages list them.
pub const MEMBER_STATES: [&str; 6] = ["am", "by", "kg", "kz", "ru", "tj"];

/// A path (or fragment) safe to put in a URL: reserved and non-ASCII characters percent-encoded.
pub fn encode_path(p: &str) -> String {
    utf8_percent_encode(p, PATH).to_string()
}

/// The law page of an expression URI: `/law/akn/kz/act/2015-11-24/418-v/rus@2020-06-25`.
pub fn law(uri: &str) -> String {
    if uri.starts_with('/') {
        format!("/law{}", encode_path(uri))
    } else {
        format!("/law/{}", encode_path(uri))
    }
}

/// A clause inside its law page: `/law/akn/...#chp_1__art_5`.
pub fn clause(uri: &str, eid: &str) -> String {
    format!("{}#{}", law(uri), encode_path(eid))
}

/// A permalink (`/akn/...~eid`) as a link on this server, which redirects it to the law page.
pub fn permalink(permalink: &str) -> String {
    encode_path(permalink)
}

/// The search page for a query, filters and an offset.
pub fn search(q: &str, states: &[String], laws: &[String], offset: usize) -> String {
    let mut ser = form_urlencoded::Serializer::new(String::new());
    ser.append_pair("q", q);
    for s in states {
        ser.append_pair("state", s);
    }
    if !laws.is_empty() {
        ser.append_pair("law", &laws.join(","));
    }
    if offset > 0 {
        ser.append_pair("offset", &offset.to_string());
    }
    format!("/search?{}", ser.finish())
}

/// The gap-matrix cell of a state and a framework topic: `/gaps/kz/incident-reporting`.
pub fn gap_cell(state: &str, topic: &str) -> String {
    format!("/gaps/{}/{}", encode_path(state), encode_path(topic))
}

/// Only http(s) URLs become links (a `javascript:` source URL stays text).
pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// The English name of a state or regional organisation code.
pub fn state_name(code: &str) -> String {
    match code {
        "am" => "Armenia",
        "by" => "Belarus",
        "kg" => "Kyrgyzstan",
        "kz" => "Kazakhstan",
        "ru" => "Russia",
        "tj" => "Tajikistan",
        "cis" => "Commonwealth of Independent States",
        "csto" => "Collective Security Treaty Organization",
        "coe" => "Council of Europe",
        "eu" => "European Union",
        "sco" => "Shanghai Cooperation Organisation",
        other => return other.to_uppercase(),
    }
    .to_string()
}

/// Member states first (in their order), then everything else alphabetically.
pub fn state_sort_key(code: &str) -> (usize, String) {
    let rank = MEMBER_STATES
        .iter()
        .position(|s| *s == code)
        .unwrap_or(MEMBER_STATES.len());
    (rank, code.to_string())
}

/// The HTML `lang` value (BCP 47) of an ISO 639-2/T code; "" when unknown (no attribute is better
/// than a wrong one).
pub fn html_lang(code: &str) -> &'static str {
    match code {
        "rus" => "ru",
        "kaz" => "kk",
        "kir" => "ky",
        "tgk" => "tg",
        "hye" => "hy",
        "bel" => "be",
        "eng" => "en",
        "deu" => "de",
        _ => "",
    }
}

/// The language of a short text (a law title, kept in the original language) from its script and
/// the letters only one language uses; "" when it cannot be told.
pub fn guess_lang(text: &str) -> &'static str {
    let has = |set: &str| {
        text.chars()
            .any(|c| set.contains(c.to_lowercase().next().unwrap_or(c)))
    };
    if text.chars().any(|c| ('\u{0531}'..='\u{058F}').contains(&c)) {
        return "hy";
    }
    if text.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)) {
        return if has("ӣӯҳҷ") {
            "tg"
        } else if has("әғқұһ") {
            "kk"
        } else if has("ўі") {
            "be"
        } else if has("ңөү") {
            "ky"
        } else {
            "ru"
        };
    }
    if text.chars().any(|c| c.is_ascii_alphabetic()) {
        return "en";
    }
    ""
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn law_links_keep_at_and_tilde() {
        assert_eq!(
            law("/akn/kz/act/2015-11-24/418-v/rus@"),
            "/law/akn/kz/act/2015-11-24/418-v/rus@"
        );
        assert_eq!(
            clause(
                "/akn/kz/act/2015-11-24/418-v/rus@2020-06-25",
                "chp_1__art_7-1"
            ),
            "/law/akn/kz/act/2015-11-24/418-v/rus@2020-06-25#chp_1__art_7-1"
        );
        assert_eq!(law("/a b?#<"), "/law/a%20b%3F%23%3C");
        assert_eq!(permalink("/akn/x/rus@/~art_1"), "/akn/x/rus@/~art_1");
    }

    #[test]
    fn search_links_encode_the_query() {
        assert_eq!(
            search("a&b данные", &["kz".into(), "ru".into()], &[], 20),
            "/search?q=a%26b+%D0%B4%D0%B0%D0%BD%D0%BD%D1%8B%D0%B5&state=kz&state=ru&offset=20"
        );
    }

    #[test]
    fn only_web_urls_are_links() {
        assert!(is_web_url("https://adilet.zan.kz/rus/docs/Z1500000418"));
        assert!(!is_web_url("javascript:alert(1)"));
        assert!(!is_web_url(" data:text/html,x"));
    }

    #[test]
    fn languages() {
        assert_eq!(html_lang("kaz"), "kk");
        assert_eq!(html_lang("xyz"), "");
        assert_eq!(guess_lang("Об информатизации"), "ru");
        assert_eq!(guess_lang("Ақпараттандыру туралы"), "kk");
        assert_eq!(guess_lang("Кибербөлүм"), "ky");
        assert_eq!(guess_lang("Аб інфармацыі"), "be");
        assert_eq!(guess_lang("Дар бораи ҳифзи иттилоот"), "tg");
        assert_eq!(guess_lang("Կիբեռանվտանգության մասին"), "hy");
        assert_eq!(guess_lang("Convention on Cybercrime"), "en");
        assert_eq!(state_sort_key("tj").0, 5);
        assert!(state_sort_key("eu") > state_sort_key("tj"));
    }
}
