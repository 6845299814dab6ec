//! The query string of `/search` and `/api/search`: read by hand (repeated and comma-separated
//! filters, numbers checked with a message naming the parameter), after a length check.

/// Longer query strings are refused before they are parsed.
pub const MAX_QUERY_STRING: usize = 8192;

/// Search parameters as given; the library validates what it owns (the query, limit 0, deep offsets).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Params {
    /// The query, trimmed ("" when absent).
    pub q: String,
    pub states: Vec<String>,
    pub laws: Vec<String>,
    pub limit: Option<usize>,
    pub offset: usize,
}

/// A parameter the request got wrong; the message is shown to the user as is.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError(pub String);

pub fn parse(raw: Option<&str>) -> Result<Params, ParamError> {
    let raw = raw.unwrap_or("");
    if raw.len() > MAX_QUERY_STRING {
        return Err(ParamError(format!(
            "query string too long: {} bytes, at most {MAX_QUERY_STRING}",
            raw.len()
        )));
    }
    let mut p = Params::default();
    let mut q: Option<String> = None;
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        match &*key {
            // The first q counts.
            "q" if q.is_none() => q = Some(value.trim().to_string()),
            "state" => push_list(&mut p.states, &value, true),
            "law" => push_list(&mut p.laws, &value, false),
            "limit" => p.limit = number("limit", &value)?,
            "offset" => p.offset = number("offset", &value)?.unwrap_or(0),
            _ => {}
        }
    }
    p.q = q.unwrap_or_default();
    Ok(p)
}

/// Values may be repeated (`state=kz&state=ru`) or comma-separated (`state=kz,ru`).
fn push_list(out: &mut Vec<String>, value: &str, lowercase: bool) {
    for v in value.split(',') {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let v = if lowercase {
            v.to_lowercase()
        } else {
            v.to_string()
        };
        if !out.contains(&v) {
            out.push(v);
        }
    }
}

/// A whole number; empty means absent. Digits too many for a number are "very large" (the library
/// caps the page size, and refuses deep offsets with its own message).
fn number(name: &str, value: &str) -> Result<Option<usize>, ParamError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    if !v.bytes().all(|b| b.is_ascii_digit()) {
        let shown: String = v.chars().take(40).collect();
        return Err(ParamError(format!(
            "invalid parameter {name}: expected a whole number, got \"{shown}\""
        )));
    }
    Ok(Some(v.parse().unwrap_or(usize::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_comma_separated_filters() {
        let p = parse(Some(
            "q=%D0%B4+x&state=KZ,ru&state=by&state=kz&law=418-V&limit=5",
        ))
        .unwrap();
        assert_eq!(p.q, "д x");
        assert_eq!(p.states, ["kz", "ru", "by"]);
        assert_eq!(p.laws, ["418-V"]);
        assert_eq!(p.limit, Some(5));
        assert_eq!(p.offset, 0);
    }

    #[test]
    fn numbers_are_checked_and_named() {
        let e = parse(Some("q=a&limit=abc")).unwrap_err();
        assert!(e.0.contains("limit"), "{e:?}");
        let e = parse(Some("q=a&offset=-1")).unwrap_err();
        assert!(e.0.contains("offset"), "{e:?}");
        let p = parse(Some("q=a&limit=99999999999999999999999999&offset=")).unwrap();
        assert_eq!(p.limit, Some(usize::MAX));
        assert_eq!(p.offset, 0);
    }

    #[test]
    fn long_query_strings_are_refused_first() {
        let raw = format!("limit=abc&q={}", "a".repeat(MAX_QUERY_STRING));
        assert!(parse(Some(&raw)).unwrap_err().0.contains("too long"));
        assert_eq!(parse(None).unwrap(), Params::default());
    }
}
