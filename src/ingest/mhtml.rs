//! Reading a saved web page into text lines.
//!
//! This module owns two steps:
//! - MHTML (a page saved by Chrome as "single file"): the MIME headers, the multipart boundary,
//!   the first `text/html` part, its Content-Transfer-Encoding (quoted-printable, base64,
//!   7bit/8bit/binary) and its charset. While decoding it keeps a map from offsets in the decoded
//!   HTML back to lines of the `.mhtml` file, so every extracted line can be reported as
//!   `file:line` of the file the user has.
//! - HTML to lines: tokenised with `html5gum` (a WHATWG tokenizer that reports byte spans).
//!   Block elements end a line, inline elements join, a table row becomes one line with its cells
//!   joined by a space, entities are decoded, whitespace (including no-break space) is collapsed,
//!   empty lines are dropped. `<script>`, `<style>`, `<head>` (except `<title>`, returned
//!   separately), `<nav>` and form controls are skipped. A line that is only a list marker
//!   (`1.`, `(a)`, `—`) is joined to the line after it, as EUR-Lex puts the number of a paragraph
//!   or point in its own element.
//!
//! EUR-Lex pages: when the page has an element with class `eli-container` (else id `document1`,
//! else class `tabContent`), only the contents of such elements are read, which leaves out the
//! site's navigation, the table of contents sidebar and the footnotes below the act. The
//! consolidation markers of consolidated texts (`▼B`, `►C1`, `◄`) are dropped. Title paragraphs
//! (`title-article-norm`, `oj-ti-art`, ...) and `h1`-`h6` give lines with `heading = true`.

use std::path::Path;
use std::sync::OnceLock;

use base64::Engine as _;
use html5gum::{DefaultEmitter, Token, Tokenizer};
use regex::Regex;

use super::error::IngestError;

/// One line of text extracted from the page, with the 1-based line of the source file where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct HtmlLine {
    pub text: String,
    pub source_line: usize,
    pub heading: bool,
}

const FORMAT: &str = "mhtml";

/// Whether `text` is a MIME document (an MHTML file) rather than plain HTML: its first line is a
/// header line, and the header block before the first empty line has `MIME-Version` or a
/// `Content-Type` header.
pub fn looks_like_mhtml(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.lines().next().is_some_and(is_header_start) {
        return false;
    }
    text.lines()
        .take(200)
        .take_while(|l| !l.trim().is_empty())
        .any(|l| {
            let l = l.trim_start().as_bytes();
            let starts = |p: &[u8]| l.len() >= p.len() && l[..p.len()].eq_ignore_ascii_case(p);
            starts(b"mime-version:") || starts(b"content-type:")
        })
}

/// `text` is the whole decoded file (MHTML or HTML). Returns the page's lines in reading order, and its <title> if any.
pub fn read_html_lines(
    path: &Path,
    text: &str,
) -> Result<(Vec<HtmlLine>, Option<String>), IngestError> {
    if looks_like_mhtml(text) {
        let (html, map) = extract_html_part(path, text)?;
        Ok(html_to_lines(&html, &map))
    } else {
        let map = identity_map(text);
        Ok(html_to_lines(text, &map))
    }
}

// ---------------------------------------------------------------------------------------------
// Offsets to source lines

/// Sorted pairs (offset in the decoded HTML, 1-based source line starting there).
type LineMap = Vec<(usize, usize)>;

fn identity_map(text: &str) -> LineMap {
    let mut map = vec![(0, 1)];
    let mut line = 1;
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            line += 1;
            map.push((i + 1, line));
        }
    }
    map
}

fn source_line(map: &[(usize, usize)], offset: usize) -> usize {
    let i = map.partition_point(|&(o, _)| o <= offset);
    if i == 0 {
        map.first().map_or(1, |&(_, l)| l)
    } else {
        map[i - 1].1
    }
}

// ---------------------------------------------------------------------------------------------
// MIME

/// One line of the MHTML file: its text without the line ending, and its 1-based number.
#[derive(Clone, Copy)]
struct SrcLine<'a> {
    text: &'a str,
    no: usize,
}

struct Header {
    name: String, // lower case
    value: String,
    line: usize,
}

fn is_header_start(line: &str) -> bool {
    match line.split_once(':') {
        Some((name, _)) => {
            !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }
        None => false,
    }
}

/// Parse a header block starting at `lines[start]`. Stops at the first empty line (returned
/// index is the line after it) or at a line for which `stop` is true (returned index is that
/// line). `None` as the end when the input ends without an empty line.
fn parse_headers(
    lines: &[SrcLine<'_>],
    start: usize,
    stop: impl Fn(&str) -> bool,
) -> (Vec<Header>, Option<usize>) {
    let mut headers: Vec<Header> = Vec::new();
    let mut i = start;
    while i < lines.len() {
        let l = lines[i];
        if l.text.trim().is_empty() {
            return (headers, Some(i + 1));
        }
        if stop(l.text) {
            return (headers, Some(i));
        }
        if l.text.starts_with([' ', '\t']) {
            if let Some(h) = headers.last_mut() {
                h.value.push(' ');
                h.value.push_str(l.text.trim());
            }
        } else if let Some((name, value)) = l.text.split_once(':') {
            headers.push(Header {
                name: name.trim().to_ascii_lowercase(),
                value: value.trim().to_owned(),
                line: l.no,
            });
        }
        i += 1;
    }
    (headers, None)
}

fn header<'h>(headers: &'h [Header], name: &str) -> Option<&'h Header> {
    headers.iter().find(|h| h.name == name)
}

/// Split a Content-Type value into the lower-case media type and its parameters (names lower
/// case, values unquoted).
fn parse_content_type(value: &str) -> (String, Vec<(String, String)>) {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\\' if in_quotes => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            ';' if !in_quotes => parts.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    parts.push(cur);
    let mime = parts[0].trim().to_ascii_lowercase();
    let params = parts[1..]
        .iter()
        .filter_map(|p| {
            let (k, v) = p.split_once('=')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        })
        .collect();
    (mime, params)
}

fn param<'p>(params: &'p [(String, String)], name: &str) -> Option<&'p str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn malformed(path: &Path, line: usize, reason: String) -> IngestError {
    IngestError::Malformed {
        path: path.to_path_buf(),
        line,
        format: FORMAT,
        reason,
    }
}

/// Find the first `text/html` part of an MHTML document, decode it, and map its offsets back to
/// lines of `text`.
fn extract_html_part(path: &Path, text: &str) -> Result<(String, LineMap), IngestError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<SrcLine<'_>> = text
        .split('\n')
        .enumerate()
        .map(|(i, l)| SrcLine {
            text: l.strip_suffix('\r').unwrap_or(l),
            no: i + 1,
        })
        .collect();

    let (top, body_start) = parse_headers(&lines, 0, |_| false);
    let Some(body_start) = body_start else {
        return Err(malformed(
            path,
            lines.len(),
            "the MIME headers never end (no empty line after them)".to_owned(),
        ));
    };
    let Some(ct) = header(&top, "content-type") else {
        return Err(malformed(path, 1, "no Content-Type header".to_owned()));
    };
    let (mime, params) = parse_content_type(&ct.value);

    if mime == "text/html" {
        // A single-part document.
        return decode_part(path, &top, &lines[body_start..], ct.line);
    }
    if !mime.starts_with("multipart/") {
        return Err(malformed(
            path,
            ct.line,
            format!("content type {mime:?} is neither multipart nor text/html"),
        ));
    }
    let Some(boundary) = param(&params, "boundary").filter(|b| !b.is_empty()) else {
        return Err(malformed(
            path,
            ct.line,
            "multipart content type without a boundary parameter".to_owned(),
        ));
    };
    let delimiter = format!("--{boundary}");
    let is_delimiter = |l: &str| {
        l.strip_prefix(delimiter.as_str())
            .is_some_and(|rest| rest.trim_end().is_empty() || rest.trim_end() == "--")
    };

    let mut i = body_start;
    let mut seen_delimiter = false;
    let mut parts = 0usize;
    while i < lines.len() {
        if !is_delimiter(lines[i].text) {
            i += 1;
            continue;
        }
        seen_delimiter = true;
        if lines[i].text.trim_end().ends_with("--") && lines[i].text.trim_end() != delimiter {
            break; // closing delimiter
        }
        parts += 1;
        let (headers, body) = parse_headers(&lines, i + 1, is_delimiter);
        let body = body.unwrap_or(lines.len());
        let end = (body..lines.len())
            .find(|&j| is_delimiter(lines[j].text))
            .unwrap_or(lines.len());
        let part_ct = header(&headers, "content-type");
        let part_mime = part_ct.map_or_else(
            || "text/plain".to_owned(),
            |h| parse_content_type(&h.value).0,
        );
        if part_mime == "text/html" {
            let ct_line = part_ct.map_or(lines[i].no, |h| h.line);
            return decode_part(path, &headers, &lines[body..end], ct_line);
        }
        i = end;
    }
    if !seen_delimiter {
        return Err(malformed(
            path,
            ct.line,
            format!("the multipart boundary {boundary:?} never occurs in the file"),
        ));
    }
    Err(malformed(
        path,
        ct.line,
        format!("no text/html part among the {parts} parts"),
    ))
}

/// Decode one part's body (its transfer encoding, then its charset).
fn decode_part(
    path: &Path,
    headers: &[Header],
    body: &[SrcLine<'_>],
    ct_line: usize,
) -> Result<(String, LineMap), IngestError> {
    let cte = header(headers, "content-transfer-encoding");
    let cte_name = cte.map_or_else(String::new, |h| h.value.trim().to_ascii_lowercase());
    let (bytes, map) = match cte_name.as_str() {
        "quoted-printable" => decode_quoted_printable(body),
        "base64" => decode_base64(path, body)?,
        "" | "7bit" | "8bit" | "binary" => {
            // No transfer encoding: the lines as they are.
            let mut out = Vec::new();
            let mut map = Vec::with_capacity(body.len());
            for (k, l) in body.iter().enumerate() {
                map.push((out.len(), l.no));
                out.extend_from_slice(l.text.as_bytes());
                if k + 1 < body.len() {
                    out.push(b'\n');
                }
            }
            (out, map)
        }
        other => {
            return Err(malformed(
                path,
                cte.map_or(ct_line, |h| h.line),
                format!("unsupported Content-Transfer-Encoding {other:?}"),
            ))
        }
    };

    let declared = header(headers, "content-type")
        .and_then(|h| param(&parse_content_type(&h.value).1, "charset").map(str::to_owned));
    let encoding = match declared {
        Some(label) => encoding_rs::Encoding::for_label(label.trim().as_bytes())
            .ok_or_else(|| malformed(path, ct_line, format!("unknown charset {label:?}")))?,
        None => {
            // Browsers save the page as UTF-8; trust a <meta charset> only when the bytes are
            // not UTF-8.
            if std::str::from_utf8(&bytes).is_ok() {
                encoding_rs::UTF_8
            } else {
                sniff_meta_charset(&bytes).unwrap_or(encoding_rs::UTF_8)
            }
        }
    };
    Ok(decode_charset(encoding, bytes, map))
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Quoted-printable (RFC 2045 §6.7), leniently: a malformed escape is kept as written, raw
/// 8-bit bytes are kept. A line ending in `=` is a soft line break.
///
/// Written here rather than taken from the `quoted_printable` crate because we need the offset
/// of every source line in the output, and that crate silently drops 8-bit bytes.
fn decode_quoted_printable(body: &[SrcLine<'_>]) -> (Vec<u8>, LineMap) {
    let mut out = Vec::with_capacity(body.iter().map(|l| l.text.len() + 1).sum());
    let mut map = Vec::with_capacity(body.len());
    for (k, l) in body.iter().enumerate() {
        map.push((out.len(), l.no));
        let line = l.text.trim_end_matches([' ', '\t']).as_bytes();
        let (content, soft) = match line.strip_suffix(b"=") {
            Some(c) => (c, true),
            None => (line, false),
        };
        let mut j = 0;
        while j < content.len() {
            let b = content[j];
            if b == b'=' {
                if let (Some(h), Some(lo)) = (
                    content.get(j + 1).copied().and_then(hex_value),
                    content.get(j + 2).copied().and_then(hex_value),
                ) {
                    out.push(h << 4 | lo);
                    j += 3;
                    continue;
                }
            }
            out.push(b);
            j += 1;
        }
        if !soft && k + 1 < body.len() {
            out.push(b'\n');
        }
    }
    (out, map)
}

fn decode_base64(path: &Path, body: &[SrcLine<'_>]) -> Result<(Vec<u8>, LineMap), IngestError> {
    let mut chars = Vec::new();
    let mut starts = Vec::with_capacity(body.len()); // (chars before the line, line)
    for l in body {
        starts.push((chars.len(), l.no));
        chars.extend(l.text.bytes().filter(|b| !b.is_ascii_whitespace()));
    }
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
    );
    let line_of = |offset: usize| source_line(&starts, offset);
    let bytes = engine.decode(&chars).map_err(|e| {
        let (line, what) = match e {
            base64::DecodeError::InvalidByte(at, b) => {
                (line_of(at), format!("invalid base64 byte 0x{b:02x}"))
            }
            base64::DecodeError::InvalidLastSymbol(at, b) => {
                (line_of(at), format!("invalid last base64 symbol 0x{b:02x}"))
            }
            other => (
                body.last().map_or(1, |l| l.no),
                format!("invalid base64: {other}"),
            ),
        };
        malformed(path, line, what)
    })?;
    let map = starts
        .into_iter()
        .map(|(c, no)| (c / 4 * 3 + (c % 4) * 3 / 4, no))
        .collect();
    Ok((bytes, map))
}

/// Look for `<meta charset=...>` or `content="...; charset=..."` near the start of the HTML.
fn sniff_meta_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let at = lower.windows(8).position(|w| w == b"charset=")? + 8;
    let rest = &lower[at..];
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.')))
        .unwrap_or(rest.len());
    encoding_rs::Encoding::for_label(&rest[..end])
}

/// Decode `bytes` in `encoding`, converting the map's byte offsets to offsets in the string.
fn decode_charset(
    encoding: &'static encoding_rs::Encoding,
    bytes: Vec<u8>,
    map: LineMap,
) -> (String, LineMap) {
    let bytes = if encoding == encoding_rs::UTF_8 {
        match String::from_utf8(bytes) {
            Ok(s) => return (s, map),
            Err(e) => e.into_bytes(),
        }
    } else {
        bytes
    };
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut new_map = Vec::with_capacity(map.len());
    let bounds: Vec<usize> = map
        .iter()
        .map(|&(o, _)| o.min(bytes.len()))
        .chain(std::iter::once(bytes.len()))
        .collect();
    let first = bounds.first().copied().unwrap_or(0);
    let mut chunks: Vec<(&[u8], Option<usize>)> = vec![(&bytes[..first], None)];
    for (k, &(_, line)) in map.iter().enumerate() {
        let (a, b) = (bounds[k], bounds[k + 1].max(bounds[k]));
        chunks.push((&bytes[a..b], Some(line)));
    }
    let n = chunks.len();
    for (k, (chunk, line)) in chunks.into_iter().enumerate() {
        if let Some(line) = line {
            new_map.push((out.len(), line));
        }
        let last = k + 1 == n;
        let mut input = chunk;
        loop {
            let need = decoder
                .max_utf8_buffer_length(input.len())
                .unwrap_or(input.len() * 3 + 16);
            out.reserve(need);
            let (result, read, _) = decoder.decode_to_string(input, &mut out, last);
            input = &input[read..];
            if result == encoding_rs::CoderResult::InputEmpty {
                break;
            }
        }
    }
    (out, new_map)
}

// ---------------------------------------------------------------------------------------------
// HTML to lines

/// Elements whose contents are not page text.
const SKIPPED: &[&[u8]] = &[
    b"script",
    b"style",
    b"head",
    b"noscript",
    b"template",
    b"nav",
    b"button",
    b"select",
    b"textarea",
    b"svg",
    b"math",
    b"iframe",
    b"object",
];

/// Elements that end a line where they start and where they end.
const BLOCKS: &[&[u8]] = &[
    b"address",
    b"article",
    b"aside",
    b"blockquote",
    b"body",
    b"caption",
    b"center",
    b"dd",
    b"details",
    b"dialog",
    b"dir",
    b"div",
    b"dl",
    b"dt",
    b"fieldset",
    b"figcaption",
    b"figure",
    b"footer",
    b"form",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"header",
    b"hgroup",
    b"html",
    b"legend",
    b"li",
    b"listing",
    b"main",
    b"menu",
    b"ol",
    b"p",
    b"pre",
    b"section",
    b"summary",
    b"table",
    b"tbody",
    b"td",
    b"tfoot",
    b"th",
    b"thead",
    b"title",
    b"tr",
    b"ul",
    b"xmp",
];

/// Start tags that close an open `<p>` (WHATWG "close a p element").
const CLOSES_P: &[&[u8]] = &[
    b"address",
    b"article",
    b"aside",
    b"blockquote",
    b"center",
    b"details",
    b"dialog",
    b"dir",
    b"div",
    b"dl",
    b"fieldset",
    b"figcaption",
    b"figure",
    b"footer",
    b"form",
    b"h1",
    b"h2",
    b"h3",
    b"h4",
    b"h5",
    b"h6",
    b"header",
    b"hgroup",
    b"hr",
    b"li",
    b"dd",
    b"dt",
    b"main",
    b"menu",
    b"nav",
    b"ol",
    b"p",
    b"pre",
    b"section",
    b"summary",
    b"table",
    b"ul",
];

/// Elements that may stay inside `<head>`; any other start tag closes it.
const HEAD_CONTENT: &[&[u8]] = &[
    b"head",
    b"title",
    b"meta",
    b"link",
    b"style",
    b"script",
    b"base",
    b"noscript",
    b"template",
];

const VOID: &[&[u8]] = &[
    b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"param",
    b"source", b"track", b"wbr",
];

/// EUR-Lex classes of title paragraphs (consolidated texts and Official Journal layout).
const HEADING_CLASSES: &[&str] = &[
    "title-article-norm",
    "stitle-article-norm",
    "title-division-1",
    "title-division-2",
    "title-doc-first",
    "title-annex-1",
    "title-annex-2",
    "oj-ti-art",
    "oj-sti-art",
    "oj-ti-section-1",
    "oj-ti-section-2",
    "oj-doc-ti",
];

/// Where the act's text lives on EUR-Lex pages, best first.
#[derive(Clone, Copy)]
enum Root {
    Class(&'static str),
    Id(&'static str),
}
const ROOTS: &[Root] = &[
    Root::Class("eli-container"),
    Root::Id("document1"),
    Root::Class("tabContent"),
];

/// Bits of an open element.
const F_BLOCK: u8 = 1;
const F_HEADING: u8 = 2;
const F_SKIP: u8 = 4;
const F_TITLE: u8 = 8;
const F_TABLE: u8 = 16;
const F_ROW: u8 = 32;
const F_HEAD: u8 = 64;

struct Open {
    name: Vec<u8>,
    flags: u8,
    roots: u8, // bit i: matches ROOTS[i]
}

/// Line under construction, and the finished lines, for one candidate root.
#[derive(Default)]
struct Builder {
    lines: Vec<HtmlLine>,
    cur: String,
    cur_start: Option<usize>,
    cur_heading: bool,
    pending_space: bool,
    /// A line that is only a list marker, waiting for the text it numbers.
    held: Option<(String, usize, bool)>,
}

impl Builder {
    fn text(&mut self, s: &str, offset: usize, heading: bool) {
        for c in s.chars() {
            if c.is_whitespace() {
                self.pending_space = true;
                continue;
            }
            if self.cur.is_empty() {
                self.cur_start.get_or_insert(offset);
            } else if self.pending_space {
                self.cur.push(' ');
            }
            self.pending_space = false;
            self.cur_heading |= heading;
            self.cur.push(c);
        }
    }

    fn space(&mut self) {
        self.pending_space = true;
    }

    fn end_line(&mut self, map: &[(usize, usize)]) {
        self.pending_space = false;
        if self.cur.is_empty() {
            return;
        }
        let text = std::mem::take(&mut self.cur);
        let start = self.cur_start.take().unwrap_or(0);
        let heading = std::mem::take(&mut self.cur_heading);
        let (text, start, heading) = match self.held.take() {
            Some((marker, m_start, _)) => (format!("{marker} {text}"), m_start, heading),
            None => (text, start, heading),
        };
        if is_marker(&text) || self.held_is_chain(&text) {
            self.held = Some((text, start, heading));
            return;
        }
        self.lines.push(HtmlLine {
            text,
            source_line: source_line(map, start),
            heading,
        });
    }

    /// "(a) (i)": a marker joined to another marker is still waiting for its text.
    fn held_is_chain(&self, text: &str) -> bool {
        text.len() <= 24 && text.split(' ').count() > 1 && text.split(' ').all(is_marker)
    }

    fn finish(mut self, map: &[(usize, usize)]) -> Vec<HtmlLine> {
        self.end_line(map);
        if let Some((text, start, heading)) = self.held.take() {
            self.lines.push(HtmlLine {
                text,
                source_line: source_line(map, start),
                heading,
            });
        }
        self.lines
    }
}

/// A list marker standing alone: `1.`, `2-1.`, `1)`, `(1)`, `(a)`, `a)`, `(iv)`, `а)`, `—`.
fn is_marker(text: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"^(?:\d{1,4}(?:[.\-]\d{1,4})*[.)]|\(\d{1,4}(?:[.\-]\d{1,4})*\p{Ll}?\)|\(\p{Ll}{1,6}\)|\p{Ll}{1,2}\)|[—–\-•·▪])$",
        )
        .expect("marker pattern is valid")
    });
    text.len() <= 16 && re.is_match(text)
}

/// Consolidation markers of EUR-Lex consolidated texts: `▼B`, `►M1`, `◄`.
fn is_consolidation_marker(text: &str) -> bool {
    let t = text.trim();
    let mut chars = t.chars();
    match chars.next() {
        Some('►' | '▼' | '◄') => {}
        _ => return false,
    }
    let rest = chars.as_str().trim_start();
    rest.len() <= 5
        && rest
            .bytes()
            .enumerate()
            .all(|(i, b)| b.is_ascii_digit() || (i < 2 && b.is_ascii_uppercase()))
}

struct Walker<'m> {
    map: &'m [(usize, usize)],
    stack: Vec<Open>,
    builders: Vec<Builder>, // one per ROOTS entry, then the whole page
    root_depth: Vec<usize>,
    heading_depth: usize,
    skip_depth: usize,
    title_depth: usize,
    head_open: usize,
    /// For each open table: whether a row is open in it.
    tables: Vec<bool>,
    title: Option<String>,
    title_buf: String,
}

impl Walker<'_> {
    fn each_builder(&mut self, mut f: impl FnMut(&mut Builder)) {
        let page = self.builders.len() - 1;
        for (i, b) in self.builders.iter_mut().enumerate() {
            if i == page || self.root_depth[i] > 0 {
                f(b);
            }
        }
    }

    fn hard_break(&mut self) {
        let map = self.map;
        self.each_builder(|b| b.end_line(map));
    }

    /// A block boundary: a line break, or a space between the cells of a table row.
    fn boundary(&mut self) {
        if self.tables.last() == Some(&true) {
            self.each_builder(Builder::space);
        } else {
            self.hard_break();
        }
    }

    fn text(&mut self, s: &str, offset: usize) {
        if self.title_depth > 0 && self.title.is_none() {
            self.title_buf.push_str(s);
            self.title_buf.push(' ');
        }
        if self.skip_depth > 0 || self.title_depth > 0 {
            return;
        }
        if is_consolidation_marker(s) {
            self.each_builder(Builder::space);
            return;
        }
        let heading = self.heading_depth > 0;
        self.each_builder(|b| b.text(s, offset, heading));
    }

    fn start(
        &mut self,
        name: Vec<u8>,
        class: Option<&[u8]>,
        id: Option<&[u8]>,
        self_closing: bool,
    ) {
        let n = name.as_slice();
        if self.head_open > 0 && !HEAD_CONTENT.contains(&n) {
            // The body has begun even if </head> is missing.
            self.close_within(b"head", &[]);
        }
        if CLOSES_P.contains(&n) {
            self.close_within(
                b"p",
                &[b"table", b"td", b"th", b"caption", b"button", b"template"],
            );
        }
        match n {
            b"li" => self.close_within(b"li", &[b"ul", b"ol", b"table", b"menu"]),
            b"dt" | b"dd" => {
                self.close_within(b"dt", &[b"dl", b"table"]);
                self.close_within(b"dd", &[b"dl", b"table"]);
            }
            b"tr" => self.close_within(b"tr", &[b"table"]),
            b"td" | b"th" => {
                self.close_within(b"td", &[b"tr", b"table"]);
                self.close_within(b"th", &[b"tr", b"table"]);
            }
            _ => {}
        }

        let void = VOID.contains(&n);
        if n == b"br" || n == b"hr" {
            self.boundary();
        }
        if void || self_closing {
            return;
        }

        let mut flags = 0;
        if BLOCKS.contains(&n) {
            flags |= F_BLOCK;
        }
        let classes = class.map(String::from_utf8_lossy).unwrap_or_default();
        let id = id.map(String::from_utf8_lossy).unwrap_or_default();
        let heading_class = classes
            .split_ascii_whitespace()
            .any(|c| HEADING_CLASSES.contains(&c));
        if matches!(n, b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6") || heading_class {
            flags |= F_HEADING;
        }
        if SKIPPED.contains(&n) {
            flags |= F_SKIP;
        }
        if n == b"title" {
            flags |= F_TITLE;
        }
        if n == b"head" {
            flags |= F_HEAD;
            self.head_open += 1;
        }
        if n == b"table" {
            flags |= F_TABLE;
        }
        if n == b"tr" {
            flags |= F_ROW;
        }
        let mut roots = 0u8;
        for (i, r) in ROOTS.iter().enumerate() {
            let hit = match r {
                Root::Class(c) => classes.split_ascii_whitespace().any(|x| x == *c),
                Root::Id(want) => id == *want,
            };
            if hit {
                roots |= 1 << i;
            }
        }

        // Effects, in order: the break comes before entering (so it lands in the builders
        // the text before belongs to).
        if flags & (F_TABLE | F_ROW) != 0 {
            self.hard_break();
        } else if flags & F_BLOCK != 0 {
            self.boundary();
        }
        if n == b"td" || n == b"th" {
            self.each_builder(Builder::space);
        }
        if flags & F_HEADING != 0 {
            self.heading_depth += 1;
        }
        if flags & F_SKIP != 0 {
            self.skip_depth += 1;
        }
        if flags & F_TITLE != 0 {
            self.title_depth += 1;
        }
        if flags & F_TABLE != 0 {
            self.tables.push(false);
        }
        if flags & F_ROW != 0 {
            match self.tables.last_mut() {
                Some(open_row) => *open_row = true,
                None => {
                    // A row outside any table: act as if its table were here.
                    self.tables.push(true);
                    flags |= F_TABLE;
                }
            }
        }
        for i in 0..ROOTS.len() {
            if roots & (1 << i) != 0 {
                self.root_depth[i] += 1;
            }
        }
        self.stack.push(Open { name, flags, roots });
    }

    fn pop(&mut self) {
        let Some(open) = self.stack.pop() else { return };
        let f = open.flags;
        if f & F_ROW != 0 {
            if let Some(open_row) = self.tables.last_mut() {
                *open_row = false;
            }
        }
        if f & F_TABLE != 0 {
            self.tables.pop();
        }
        if f & (F_TABLE | F_ROW) != 0 {
            self.hard_break();
        } else if f & F_BLOCK != 0 {
            self.boundary();
        }
        if f & F_HEADING != 0 {
            self.heading_depth -= 1;
        }
        if f & F_SKIP != 0 {
            self.skip_depth -= 1;
        }
        if f & F_HEAD != 0 {
            self.head_open -= 1;
        }
        if f & F_TITLE != 0 {
            self.title_depth -= 1;
            if self.title.is_none() {
                let t = collapse_whitespace(&self.title_buf);
                if !t.is_empty() {
                    self.title = Some(t);
                }
                self.title_buf.clear();
            }
        }
        if open.roots != 0 {
            // Close the root's last line while still inside it.
            self.hard_break();
        }
        for i in 0..ROOTS.len() {
            if open.roots & (1 << i) != 0 {
                self.root_depth[i] -= 1;
            }
        }
    }

    /// Pop up to and including the nearest open `name`, unless one of `scope` comes first.
    fn close_within(&mut self, name: &[u8], scope: &[&[u8]]) {
        let found = self
            .stack
            .iter()
            .rev()
            .take(256)
            .position(|o| o.name == name || scope.contains(&o.name.as_slice()));
        if let Some(k) = found {
            let idx = self.stack.len() - 1 - k;
            if self.stack[idx].name == name {
                while self.stack.len() > idx {
                    self.pop();
                }
            }
        }
    }

    fn end(&mut self, name: &[u8]) {
        let found = self
            .stack
            .iter()
            .rev()
            .take(256)
            .position(|o| o.name == name);
        match found {
            Some(k) => {
                let idx = self.stack.len() - 1 - k;
                while self.stack.len() > idx {
                    self.pop();
                }
            }
            None if name == b"p" || name == b"br" => self.boundary(),
            None => {}
        }
    }
}

fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Turn HTML into lines; `map` maps offsets in `html` to source lines.
fn html_to_lines(html: &str, map: &[(usize, usize)]) -> (Vec<HtmlLine>, Option<String>) {
    let mut w = Walker {
        map,
        stack: Vec::new(),
        builders: (0..=ROOTS.len()).map(|_| Builder::default()).collect(),
        root_depth: vec![0; ROOTS.len()],
        heading_depth: 0,
        skip_depth: 0,
        title_depth: 0,
        head_open: 0,
        tables: Vec::new(),
        title: None,
        title_buf: String::new(),
    };
    let mut emitter = DefaultEmitter::<usize>::new_with_span();
    emitter.naively_switch_states(true);
    for token in Tokenizer::new_with_emitter(html, emitter) {
        let Ok(token) = token;
        match token {
            Token::StartTag(tag) => {
                let html5gum::StartTag {
                    name,
                    attributes,
                    self_closing,
                    ..
                } = tag;
                let class = attributes
                    .get(b"class".as_slice())
                    .map(|v| v.value.as_slice());
                let id = attributes.get(b"id".as_slice()).map(|v| v.value.as_slice());
                w.start(name.0, class, id, self_closing);
            }
            Token::EndTag(tag) => w.end(&tag.name),
            Token::String(s) => {
                let text = String::from_utf8_lossy(&s.value);
                // Where the visible text starts in the source: skip leading white space.
                let raw = html.get(s.span.start..s.span.end).unwrap_or("");
                let lead = raw.len()
                    - raw
                        .trim_start_matches(|c: char| c.is_ascii_whitespace())
                        .len();
                w.text(&text, s.span.start + lead);
            }
            Token::Comment(_) | Token::Doctype(_) | Token::Error(_) => {}
        }
    }
    while !w.stack.is_empty() {
        w.pop();
    }
    if w.title.is_none() {
        let t = collapse_whitespace(&w.title_buf);
        if !t.is_empty() {
            w.title = Some(t);
        }
    }
    let title = w.title.take();
    let mut builders: Vec<Vec<HtmlLine>> = w.builders.into_iter().map(|b| b.finish(map)).collect();
    let page = builders.pop().unwrap_or_default();
    let lines = builders.into_iter().find(|l| !l.is_empty()).unwrap_or(page);
    (lines, title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const NIS2: &str = "corpus-real/ref/EU_NIS2_2022-2555_consolidated_en.mhtml";

    fn p() -> &'static Path {
        Path::new("page.mhtml")
    }

    /// The real NIS2 page from the shared corpus, or `None` (with the reason printed) when the
    /// shared folder is absent and LEXHARMONY_REQUIRE_SHARED is not 1.
    fn nis2() -> Option<(std::path::PathBuf, String)> {
        let candidates = [
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../shared")
                .join(NIS2),
            Path::new("/work/shared").join(NIS2),
        ];
        for c in &candidates {
            if let Ok(text) = std::fs::read_to_string(c) {
                return Some((c.clone(), text));
            }
        }
        if std::env::var("LEXHARMONY_REQUIRE_SHARED").as_deref() == Ok("1") {
            panic!("LEXHARMONY_REQUIRE_SHARED=1 but {NIS2} is not under ../shared or /work/shared");
        }
        eprintln!("skipped: {NIS2} not found under ../shared or /work/shared");
        None
    }

    fn texts(lines: &[HtmlLine]) -> Vec<&str> {
        lines.iter().map(|l| l.text.as_str()).collect()
    }

    /// A small quoted-printable encoder for building samples: every non-ASCII byte and `=` is
    /// escaped, and a soft line break is put after every `width` output bytes, wherever that
    /// falls (also inside the escapes of one multi-byte character).
    fn qp_encode(s: &str, width: usize) -> String {
        let mut tokens = Vec::new();
        for b in s.bytes() {
            if b == b'\n' {
                tokens.push("\n".to_owned());
            } else if b == b'=' || b >= 0x80 {
                tokens.push(format!("={b:02X}"));
            } else {
                tokens.push((b as char).to_string());
            }
        }
        let mut out = String::new();
        let mut col = 0;
        for t in tokens {
            if t == "\n" {
                out.push('\n');
                col = 0;
                continue;
            }
            if col + t.len() > width {
                out.push_str("=\n");
                col = 0;
            }
            col += t.len();
            out.push_str(&t);
        }
        out
    }

    fn mhtml(part_headers: &str, body: &str) -> String {
        format!(
            "From: <Saved by Blink>\nSubject: sample\nMIME-Version: 1.0\nContent-Type: multipart/related;\n\ttype=\"text/html\";\n\tboundary=\"----B0undary----\"\n\n------B0undary----\nContent-Type: text/css\nContent-Transfer-Encoding: quoted-printable\n\nbody {{ color: red; }}\n------B0undary----\n{part_headers}\n\n{body}\n------B0undary------\n"
        )
    }

    #[test]
    fn nis2_articles_are_heading_lines_in_order() {
        let Some((path, text)) = nis2() else { return };
        assert!(looks_like_mhtml(&text));
        let (lines, title) = read_html_lines(&path, &text).unwrap();
        assert!(
            title.as_deref().unwrap_or("").contains("32022L2555"),
            "{title:?}"
        );

        let articles: Vec<(usize, &HtmlLine)> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| {
                l.text
                    .strip_prefix("Article ")
                    .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
            })
            .collect();
        let numbers: Vec<String> = articles
            .iter()
            .map(|(_, l)| l.text[8..].to_owned())
            .collect();
        let expected: Vec<String> = (1..=46).map(|n| n.to_string()).collect();
        assert_eq!(
            numbers, expected,
            "each of Article 1..46 exactly once, in order"
        );
        assert!(articles.iter().all(|(_, l)| l.heading));

        let (a1, art1) = articles[0];
        assert_eq!(lines[a1 + 1].text, "Subject matter");
        assert!(lines[a1 + 1].heading);
        // Paragraph numbers are on the line of their text.
        assert!(
            lines[a1 + 2].text.starts_with("1. This Directive"),
            "{:?}",
            lines[a1 + 2]
        );
        assert!(!lines[a1 + 2].heading);
        assert!(lines[a1 + 3].text.starts_with("2. "), "{:?}", lines[a1 + 3]);
        // Points are one line each, marker and text together.
        for (k, letter) in ["(a) ", "(b) ", "(c) ", "(d) "].iter().enumerate() {
            let l = &lines[a1 + 4 + k];
            assert!(l.text.starts_with(letter) && l.text.len() > 20, "{l:?}");
        }
        assert!(
            !lines.iter().any(|l| is_marker(&l.text)),
            "no marker left alone"
        );
        assert!(!lines
            .iter()
            .any(|l| l.text.contains('►') || l.text.contains('◄')));

        // The source line of "Article 1" is a line of the .mhtml that has it.
        let src: Vec<&str> = text.lines().collect();
        let at = src[art1.source_line - 1];
        assert!(at.contains("Article"), "line {}: {at}", art1.source_line);
        // Source lines never go backwards.
        assert!(lines
            .windows(2)
            .all(|w| w[0].source_line <= w[1].source_line));
        // The sidebar's table of contents ("article 1 - Subject matter") is left out.
        assert!(!texts(&lines).iter().any(|t| t.starts_with("article 1")));
    }

    #[test]
    fn nis2_reads_fast() {
        let Some((path, text)) = nis2() else { return };
        let t0 = std::time::Instant::now();
        let (lines, _) = read_html_lines(&path, &text).unwrap();
        let took = t0.elapsed();
        eprintln!("NIS2: {} lines in {took:?}", lines.len());
        // Generous: unoptimised test builds are several times slower than release.
        assert!(took < std::time::Duration::from_secs(3), "{took:?}");
    }

    #[test]
    fn qp_soft_breaks_inside_multibyte_chars_and_escaped_equals() {
        let html = "<html><head><title>Проба — страница</title></head><body>\n<p class=\"title-article-norm\">Статья 1</p>\n<p>Кот спит на тёплом подоконнике, а=б.</p>\n</body></html>";
        let qp = qp_encode(html, 19);
        // The encoding did split characters across soft breaks, and escaped `=`.
        assert!(qp.contains("=\n=") && qp.contains("=3D"));
        let file = mhtml(
            "Content-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: quoted-printable",
            &qp,
        );
        assert!(looks_like_mhtml(&file));
        let (lines, title) = read_html_lines(p(), &file).unwrap();
        assert_eq!(title.as_deref(), Some("Проба — страница"));
        assert_eq!(
            texts(&lines),
            ["Статья 1", "Кот спит на тёплом подоконнике, а=б."]
        );
        assert!(
            lines[0].heading,
            "class=3D\"title-article-norm\" was decoded"
        );
        assert!(!lines[1].heading);
        // Each line's source line is where its first character is encoded.
        let src: Vec<&str> = file.lines().collect();
        assert!(
            src[lines[0].source_line - 1].contains("=D0=A1"),
            "{:?}",
            lines[0]
        );
        assert!(
            src[lines[1].source_line - 1].contains("=D0=9A"),
            "{:?}",
            lines[1]
        );
        // Same with CRLF line ends.
        let crlf = file.replace('\n', "\r\n");
        let (lines2, _) = read_html_lines(p(), &crlf).unwrap();
        assert_eq!(lines, lines2);
    }

    #[test]
    fn base64_part() {
        let html = "<html><body><h2>Глава 2</h2><p>Первая фраза о море.</p><p>Вторая фраза о горах и реках, подлиннее первой, чтобы занять несколько строк base64.</p></body></html>";
        let encoded = base64::engine::general_purpose::STANDARD.encode(html);
        let wrapped: Vec<&str> = encoded
            .as_bytes()
            .chunks(76)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        assert!(wrapped.len() >= 4);
        let file = mhtml(
            "Content-Type: text/html; charset=\"UTF-8\"\nContent-Transfer-Encoding: base64",
            &wrapped.join("\n"),
        );
        let (lines, _) = read_html_lines(p(), &file).unwrap();
        assert_eq!(
            texts(&lines),
            [
                "Глава 2",
                "Первая фраза о море.",
                "Вторая фраза о горах и реках, подлиннее первой, чтобы занять несколько строк base64."
            ]
        );
        assert!(lines[0].heading && !lines[1].heading);
        let first_b64_line = file.lines().position(|l| l == wrapped[0]).unwrap() + 1;
        assert_eq!(lines[0].source_line, first_b64_line);
        assert!(lines[2].source_line > first_b64_line);

        let bad = mhtml(
            "Content-Type: text/html\nContent-Transfer-Encoding: base64",
            "PGh0bWw+\nPGJv!!ZHk+",
        );
        let err = read_html_lines(p(), &bad).unwrap_err();
        let line = bad.lines().position(|l| l.contains("!!")).unwrap() + 1;
        assert!(
            err.to_string().contains(&format!("page.mhtml:{line}:")),
            "{err}"
        );
    }

    #[test]
    fn missing_boundary_is_malformed_with_line() {
        let file = "MIME-Version: 1.0\nSubject: x\nContent-Type: multipart/related; type=\"text/html\"\n\n--abc\nContent-Type: text/html\n\n<p>Текст</p>\n--abc--\n";
        let err = read_html_lines(p(), file).unwrap_err();
        assert!(
            matches!(err, IngestError::Malformed { line: 3, .. }),
            "{err}"
        );
        assert!(
            err.to_string().starts_with("page.mhtml:3: malformed mhtml"),
            "{err}"
        );

        let file = "MIME-Version: 1.0\nContent-Type: multipart/related; boundary=\"zzz\"\n\n--abc\nContent-Type: text/html\n\n<p>Текст</p>\n";
        let err = read_html_lines(p(), file).unwrap_err();
        assert!(
            matches!(err, IngestError::Malformed { line: 2, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("never occurs"), "{err}");

        let file = "MIME-Version: 1.0\nContent-Type: multipart/related; boundary=b\n\n--b\nContent-Type: text/css\n\np{}\n--b--\n";
        let err = read_html_lines(p(), file).unwrap_err();
        assert!(err.to_string().contains("no text/html part"), "{err}");

        let file = "MIME-Version: 1.0\nContent-Type: multipart/related; boundary=b";
        let err = read_html_lines(p(), file).unwrap_err();
        assert!(err.to_string().contains("never end"), "{err}");
    }

    #[test]
    fn charset_of_the_part_is_honoured() {
        let html = "<p>Щука плывёт в реке.</p>\n<p>Вторая строка.</p>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(html);
        let body: String = bytes
            .iter()
            .map(|&b| format!("={b:02X}"))
            .collect::<Vec<_>>()
            .chunks(25)
            .map(|c| c.concat())
            .collect::<Vec<_>>()
            .join("=\n");
        let file = mhtml(
            "Content-Type: text/html; charset=windows-1251\nContent-Transfer-Encoding: quoted-printable",
            &body,
        );
        let (lines, _) = read_html_lines(p(), &file).unwrap();
        assert_eq!(texts(&lines), ["Щука плывёт в реке.", "Вторая строка."]);
        assert!(lines[1].source_line > lines[0].source_line);

        let file = mhtml(
            "Content-Type: text/html; charset=no-such-charset",
            "<p>x</p>",
        );
        let err = read_html_lines(p(), &file).unwrap_err();
        assert!(err.to_string().contains("unknown charset"), "{err}");
    }

    #[test]
    fn plain_html_file() {
        let html = "<!DOCTYPE html>\n<html><head>\n<title>Моя  страница\n</title>\n<style>p { color: red }</style>\n<script>var x = '<p>не текст</p>';</script>\n</head>\n<body>\n<nav><a href=\"/\">Главная</a></nav>\n<h1>Закон о&nbsp;садах</h1>\n<p>Яблоки &amp; груши &lt;растут&gt;\n   <b>быстро</b>,<i>но</i> не&#x20;всегда&#33;</p>\n<div>Строка<br>после переноса</div>\n<table><tr><td>(a)</td><td><p>первый пункт</p><p>с двумя абзацами</p></td></tr>\n<tr><td>(b)</td><td>второй пункт</td></tr></table>\n<ul><li>один<li>два</ul>\n<p>   </p>\n</body></html>\n";
        assert!(!looks_like_mhtml(html));
        let (lines, title) = read_html_lines(Path::new("page.html"), html).unwrap();
        assert_eq!(title.as_deref(), Some("Моя страница"));
        assert_eq!(
            texts(&lines),
            [
                "Закон о садах",
                "Яблоки & груши <растут> быстро,но не всегда!",
                "Строка",
                "после переноса",
                "(a) первый пункт с двумя абзацами",
                "(b) второй пункт",
                "один",
                "два",
            ]
        );
        let heading: Vec<bool> = lines.iter().map(|l| l.heading).collect();
        assert_eq!(
            heading,
            [true, false, false, false, false, false, false, false]
        );
        let src: Vec<usize> = lines.iter().map(|l| l.source_line).collect();
        assert_eq!(src, [10, 11, 13, 13, 14, 15, 16, 16]);
    }

    #[test]
    fn eurlex_container_markers_and_joined_numbers() {
        let html = r##"<html><body>
<div id="TOC"><ul><li><a href="#art_1">article 1 - Предмет</a></li></ul></div>
<div class="tabContent"><p class="disclaimer">Отказ от ответственности.</p>
<div class="eli-container">
<p class="arrow">▼B</p>
<p class="title-article-norm">Article&nbsp;1</p>
<div class="eli-title"><p class="stitle-article-norm">Предмет</p></div>
<div class="norm"><span class="no-parag">1.&nbsp;&nbsp;</span><div class="norm inline-element">Первая часть <span class="boldface">►C1</span> про сад<span class="boldface">&nbsp;◄ </span> и дом.</div></div>
<div class="grid-container grid-list"><div class="list grid-list-column-1"><span>(a)&nbsp;</span></div>
<div class="grid-list-column-2"><p class="norm">пункт а;</p></div></div>
<div class="grid-container grid-list"><div class="list grid-list-column-1"><span>(b)&nbsp;</span></div>
<div class="grid-list-column-2"><div class="grid-container grid-list"><div class="list grid-list-column-1"><span>(i)</span></div>
<div class="grid-list-column-2"><p class="norm">подпункт.</p></div></div></div></div>
<p class="oj-ti-art">Article 2</p>
<p>—</p>
</div>
<p class="footnote">(1) Сноска вне акта.</p>
</div></body></html>"##;
        let (lines, title) = read_html_lines(Path::new("page.html"), html).unwrap();
        assert_eq!(title, None);
        assert_eq!(
            texts(&lines),
            [
                "Article 1",
                "Предмет",
                "1. Первая часть про сад и дом.",
                "(a) пункт а;",
                "(b) (i) подпункт.",
                "Article 2",
                "—",
            ]
        );
        let heading: Vec<bool> = lines.iter().map(|l| l.heading).collect();
        assert_eq!(heading, [true, true, false, false, false, true, false]);

        // Without an eli-container the next candidate root (tabContent) is read.
        let no_eli = html.replace("eli-container", "other-container");
        let (lines, _) = read_html_lines(Path::new("page.html"), &no_eli).unwrap();
        assert_eq!(lines[0].text, "Отказ от ответственности.");
        // The lone dash waits for text, and gets the footnote's.
        assert_eq!(lines.last().unwrap().text, "— (1) Сноска вне акта.");
        assert!(!texts(&lines).iter().any(|t| t.starts_with("article 1")));
    }

    #[test]
    fn unclosed_head_and_paragraphs() {
        let html = "<html><head><title>Заголовок</title><meta charset=utf-8>\n<p>Первый абзац\n<p class=\"oj-ti-art\">Статья 2\n<p>Второй абзац</html>";
        let (lines, title) = read_html_lines(Path::new("page.html"), html).unwrap();
        assert_eq!(title.as_deref(), Some("Заголовок"));
        assert_eq!(texts(&lines), ["Первый абзац", "Статья 2", "Второй абзац"]);
        let heading: Vec<bool> = lines.iter().map(|l| l.heading).collect();
        assert_eq!(heading, [false, true, false]);
        let src: Vec<usize> = lines.iter().map(|l| l.source_line).collect();
        assert_eq!(src, [2, 3, 4]);
    }

    #[test]
    fn looks_like_mhtml_cases() {
        assert!(looks_like_mhtml(
            "From: <Saved by Blink>\nMIME-Version: 1.0\nContent-Type: multipart/related; boundary=x\n\n--x\n"
        ));
        assert!(looks_like_mhtml("Content-Type: text/html\n\n<p>x</p>"));
        assert!(!looks_like_mhtml(
            "<html><body>MIME-Version: 1.0</body></html>"
        ));
        assert!(!looks_like_mhtml("Статья 1. Что-то\nMIME-Version: 1.0"));
        assert!(!looks_like_mhtml("Subject: x\n\nMIME-Version: 1.0"));
        assert!(!looks_like_mhtml(""));
    }

    #[test]
    fn single_part_and_unknown_transfer_encoding() {
        let file = "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n<p>Один</p>\n<p>Два</p>\n";
        let (lines, _) = read_html_lines(p(), file).unwrap();
        assert_eq!(texts(&lines), ["Один", "Два"]);
        assert_eq!(lines[1].source_line, 6);

        let file = mhtml(
            "Content-Type: text/html\nContent-Transfer-Encoding: x-uuencode",
            "<p>x</p>",
        );
        let err = read_html_lines(p(), &file).unwrap_err();
        assert!(err.to_string().contains("x-uuencode"), "{err}");
    }

    fn check_lines(text: &str, res: Result<(Vec<HtmlLine>, Option<String>), IngestError>) {
        if let Ok((lines, _)) = res {
            let n = text.split('\n').count();
            for l in lines {
                assert!(l.source_line >= 1 && l.source_line <= n, "{l:?} of {n}");
                assert!(!l.text.is_empty() && l.text.trim() == l.text);
                assert!(!l.text.contains("  "));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn arbitrary_text_never_panics(s in any::<String>()) {
            let res = read_html_lines(p(), &s);
            check_lines(&s, res);
        }

        #[test]
        fn html_like_text_never_panics(s in "([<>/=\"'&;# \n\r\t]|[a-z]{1,6}|p|td|tr|table|title|script|&nbsp;|&#[0-9x]{1,8};|class=eli-container|=[0-9A-F]{2}|=\n|►C1|◄|1\\.|\\(a\\)|Ж){0,80}") {
            let res = read_html_lines(p(), &s);
            check_lines(&s, res);
        }

        #[test]
        fn mhtml_like_text_never_panics(
            headers in "(Content-Type: (text/html|text/css|multipart/related)(; charset=(utf-8|koi8-r|x))?|Content-Transfer-Encoding: (quoted-printable|base64|7bit)|\n|\t[a-z]+)*",
            body in "([<>/=a-zA-Z0-9+\n ]|=[0-9A-F]{2}|=\n|--b|--b--|Ж){0,120}",
        ) {
            let file = format!("MIME-Version: 1.0\nContent-Type: multipart/related; boundary=b\n\n--b\n{headers}\n\n{body}\n--b--\n");
            let res = read_html_lines(p(), &file);
            check_lines(&file, res);
        }
    }
}
