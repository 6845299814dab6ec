//! Turning the bytes of a file into text.
//!
//! This module owns encoding detection and decoding for every input format: UTF-8 (with or
//! without a byte-order mark), UTF-16 LE/BE with a byte-order mark, and Windows-1251, which
//! has no signature and is accepted only on evidence (its non-ASCII bytes are Cyrillic letters
//! and common punctuation, and the result reads as words). Binary data and anything else is a
//! clear [`IngestError`]. Line endings are normalised to `\n`; nothing else in the text is
//! changed (no Unicode normalisation, no trimming).

use std::path::Path;

use super::error::IngestError;

/// The encoding a file was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextEncoding {
    Utf8,
    Utf8Bom,
    Utf16Le,
    Utf16Be,
    Windows1251,
}

/// Share of control characters (other than `\t`, `\n`, `\r`, `\x0c`) above which the input is
/// taken for binary data: 2 %.
const MAX_CONTROL_PERMILLE: usize = 20;

/// Decode a whole file. `path` is only for error messages.
///
/// Returns the text with line endings normalised to `\n`, and the encoding it was read in.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<(String, TextEncoding), IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
        });
    }
    let undecodable = |reason: String| IngestError::Undecodable {
        path: path.to_path_buf(),
        reason,
    };

    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|e| {
            let at = 3 + e.valid_up_to();
            undecodable(format!(
                "starts with a UTF-8 byte-order mark but byte 0x{:02x} at offset {at} is not valid UTF-8",
                bytes[at]
            ))
        })?;
        (text.to_owned(), TextEncoding::Utf8Bom)
    } else if bytes.starts_with(b"\xFF\xFE\x00\x00") || bytes.starts_with(b"\x00\x00\xFE\xFF") {
        return Err(undecodable(
            "starts with a UTF-32 byte-order mark; UTF-32 is not supported".to_owned(),
        ));
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let text = decode_utf16(rest, false).map_err(|(at, what)| {
            undecodable(format!(
                "UTF-16LE (byte-order mark): {what} at offset {}",
                at + 2
            ))
        })?;
        (text, TextEncoding::Utf16Le)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let text = decode_utf16(rest, true).map_err(|(at, what)| {
            undecodable(format!(
                "UTF-16BE (byte-order mark): {what} at offset {}",
                at + 2
            ))
        })?;
        (text, TextEncoding::Utf16Be)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(text) => (text.to_owned(), TextEncoding::Utf8),
            Err(e) => {
                let at = e.valid_up_to();
                // Binary data is the likelier story for invalid UTF-8 full of control bytes.
                // Bytes >= 0x80 are not controls in any single-byte encoding we might accept.
                let ascii_view = bytes
                    .iter()
                    .map(|&b| if b < 0x80 { b as char } else { 'x' });
                check_not_binary(path, ascii_view)?;
                match windows_1251_verdict(bytes) {
                    Ok(()) => {
                        let (text, _) = encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes);
                        (text.into_owned(), TextEncoding::Windows1251)
                    }
                    Err(why) => {
                        return Err(undecodable(format!(
                            "not valid UTF-8 (first bad byte 0x{:02x} at offset {at}) and not Windows-1251 text ({why})",
                            bytes[at]
                        )))
                    }
                }
            }
        }
    };
    if text.is_empty() {
        // Only a byte-order mark.
        return Err(IngestError::Empty {
            path: path.to_path_buf(),
        });
    }
    check_not_binary(path, text.chars())?;
    Ok((normalise_line_endings(text), encoding))
}

/// Decode UTF-16 code units (without the BOM). Errors carry the byte offset (relative to `bytes`)
/// and what is wrong there.
fn decode_utf16(bytes: &[u8], big_endian: bool) -> Result<String, (usize, &'static str)> {
    if !bytes.len().is_multiple_of(2) {
        return Err((bytes.len() - 1, "odd number of bytes, a lone trailing byte"));
    }
    let units = bytes.chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    });
    let mut text = String::with_capacity(bytes.len());
    let mut offset = 0;
    for unit in char::decode_utf16(units) {
        match unit {
            Ok(c) => {
                text.push(c);
                offset += 2 * c.len_utf16();
            }
            Err(_) => return Err((offset, "unpaired surrogate")),
        }
    }
    Ok(text)
}

/// Fail with [`IngestError::Binary`] when the characters contain NUL or a high share of other
/// control characters.
fn check_not_binary(path: &Path, chars: impl Iterator<Item = char>) -> Result<(), IngestError> {
    let mut total = 0usize;
    let mut controls = 0usize;
    for (i, c) in chars.enumerate() {
        total += 1;
        if c == '\0' {
            return Err(IngestError::Binary {
                path: path.to_path_buf(),
                reason: format!("NUL character at character {i}"),
            });
        }
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c') {
            controls += 1;
        }
    }
    if controls > 0 && controls * 1000 > total * MAX_CONTROL_PERMILLE {
        return Err(IngestError::Binary {
            path: path.to_path_buf(),
            reason: format!("{controls} of {total} characters are control characters"),
        });
    }
    Ok(())
}

/// Windows-1251 bytes that stand for letters: А..я, Ё ё, and the Belarusian/Ukrainian Ў ў І і.
fn is_1251_letter(b: u8) -> bool {
    matches!(b, 0xC0..=0xFF | 0xA8 | 0xB8 | 0xA1 | 0xA2 | 0xB2 | 0xB3)
}

/// Windows-1251 bytes for punctuation common in legal texts: – — « » “ ” № … ‘ ’ § ° and the
/// no-break space.
fn is_1251_punctuation(b: u8) -> bool {
    matches!(
        b,
        0x96 | 0x97 | 0xAB | 0xBB | 0x93 | 0x94 | 0xB9 | 0x85 | 0x91 | 0x92 | 0xA7 | 0xB0 | 0xA0
    )
}

/// Whether `bytes` (not valid UTF-8) read as Windows-1251 text. `Err` says why not.
fn windows_1251_verdict(bytes: &[u8]) -> Result<(), String> {
    let mut non_ascii = 0usize;
    let mut other = 0usize;
    let mut first_other = None;
    for (i, &b) in bytes.iter().enumerate() {
        if b >= 0x80 {
            non_ascii += 1;
            if !is_1251_letter(b) && !is_1251_punctuation(b) {
                other += 1;
                first_other.get_or_insert(i);
            }
        }
    }
    // "Overwhelmingly": at most 1 in 50 non-ASCII bytes outside the expected set.
    if other * 50 > non_ascii {
        return Err(format!(
            "{other} of {non_ascii} non-ASCII bytes are neither Cyrillic letters nor common punctuation, the first at offset {}",
            first_other.unwrap_or(0)
        ));
    }

    // Does it look like words? Work on the decoded characters.
    let (text, _) = encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes);
    let mut non_space = 0usize;
    let mut letters = 0usize;
    let mut runs = 0usize; // runs of Cyrillic letters
    let mut run_letters = 0usize;
    let mut long_runs = 0usize; // runs of 25 letters or more
    let mut case_flips = 0usize; // lower case followed by upper case inside a run
    let mut run_len = 0usize;
    let mut prev_lower = false;
    let mut cyrillic_letters = 0usize;
    let mut vowels = 0usize;
    fn close_run(len: usize, runs: &mut usize, long_runs: &mut usize) {
        if len > 0 {
            *runs += 1;
            if len >= 25 {
                *long_runs += 1;
            }
        }
    }
    for c in text.chars() {
        if !c.is_whitespace() {
            non_space += 1;
        }
        if c.is_alphabetic() {
            letters += 1;
        }
        let cyrillic = matches!(c, '\u{0400}'..='\u{04FF}');
        if cyrillic {
            cyrillic_letters += 1;
            if is_cyrillic_vowel(c) {
                vowels += 1;
            }
            if run_len > 0 && prev_lower && c.is_uppercase() {
                case_flips += 1;
            }
            run_len += 1;
            run_letters += 1;
            prev_lower = c.is_lowercase();
        } else {
            close_run(run_len, &mut runs, &mut long_runs);
            run_len = 0;
            prev_lower = false;
        }
    }
    close_run(run_len, &mut runs, &mut long_runs);

    if non_space > 0 && letters * 2 < non_space {
        return Err(format!(
            "only {letters} of {non_space} non-space characters would be letters"
        ));
    }
    // Russian, Belarusian and Ukrainian text has about 42 % vowels among its letters; text in
    // another Cyrillic code page (KOI8-R, ISO 8859-5) read as Windows-1251 has about 25 %.
    if cyrillic_letters >= 30 && vowels * 100 < cyrillic_letters * 33 {
        return Err(format!(
            "only {vowels} of {cyrillic_letters} Cyrillic letters would be vowels (another Cyrillic code page?)"
        ));
    }
    if runs > 0 {
        if run_letters > runs * 15 {
            return Err(format!(
                "Cyrillic letters would form {runs} words of {} letters on average",
                run_letters / runs
            ));
        }
        if long_runs * 20 > runs {
            return Err(format!(
                "{long_runs} of {runs} Cyrillic words would be 25 letters or longer"
            ));
        }
        if case_flips * 10 > runs {
            return Err(format!(
                "{case_flips} of {runs} Cyrillic words would switch from lower to upper case inside the word"
            ));
        }
    }
    Ok(())
}

fn is_cyrillic_vowel(c: char) -> bool {
    matches!(
        c,
        'а' | 'е'
            | 'ё'
            | 'и'
            | 'о'
            | 'у'
            | 'ы'
            | 'э'
            | 'ю'
            | 'я'
            | 'і'
            | 'ї'
            | 'є'
            | 'А'
            | 'Е'
            | 'Ё'
            | 'И'
            | 'О'
            | 'У'
            | 'Ы'
            | 'Э'
            | 'Ю'
            | 'Я'
            | 'І'
            | 'Ї'
            | 'Є'
    )
}

/// Turn `\r\n` and lone `\r` into `\n`.
fn normalise_line_endings(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find('\r') {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        rest = rest.strip_prefix('\n').unwrap_or(rest);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Our own sentence (not law text), with Ё, №, « » and an em dash.
    const RU: &str = "Ёжик принёс в дом № 5 новую книгу — «Правила для соседей».\r\nВторая строка о погоде и чае.\rТретья строка.\n";
    const RU_NORMALISED: &str = "Ёжик принёс в дом № 5 новую книгу — «Правила для соседей».\nВторая строка о погоде и чае.\nТретья строка.\n";

    fn p() -> &'static Path {
        Path::new("sample.txt")
    }

    fn lcg_bytes(seed: u64, len: usize, lo: u8, hi: u8) -> Vec<u8> {
        let mut s = seed;
        (0..len)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let span = u64::from(hi - lo) + 1;
                lo + ((s >> 33) % span) as u8
            })
            .collect()
    }

    #[test]
    fn empty_or_bom_only_is_empty() {
        let err = decode(p(), b"").unwrap_err();
        assert!(matches!(err, IngestError::Empty { .. }));
        assert!(err.to_string().contains("sample.txt"));
        for bom in [&b"\xEF\xBB\xBF"[..], b"\xFF\xFE", b"\xFE\xFF"] {
            let err = decode(p(), bom).unwrap_err();
            assert!(matches!(err, IngestError::Empty { .. }), "{err}");
        }
    }

    #[test]
    fn utf8_without_bom() {
        let (text, enc) = decode(p(), RU.as_bytes()).unwrap();
        assert_eq!(enc, TextEncoding::Utf8);
        assert_eq!(text, RU_NORMALISED);
    }

    #[test]
    fn utf8_with_bom_is_stripped() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend_from_slice(RU.as_bytes());
        let (text, enc) = decode(p(), &bytes).unwrap();
        assert_eq!(enc, TextEncoding::Utf8Bom);
        assert_eq!(text, RU_NORMALISED);
    }

    #[test]
    fn utf8_bom_then_invalid_names_offset() {
        let err = decode(p(), b"\xEF\xBB\xBFab\xFFcd").unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, IngestError::Undecodable { .. }), "{msg}");
        assert!(msg.contains("offset 5"), "{msg}");
    }

    #[test]
    fn utf16_le_and_be_with_bom() {
        // encoding_rs has no UTF-16 encoder (WHATWG encoders write UTF-8 for UTF-16), so build
        // the code units with the standard library and check them with encoding_rs' decoders.
        let units: Vec<u16> = RU.encode_utf16().collect();
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in &units {
            le.extend_from_slice(&u.to_le_bytes());
            be.extend_from_slice(&u.to_be_bytes());
        }
        // Cross-check our samples with encoding_rs' UTF-16 decoders.
        assert_eq!(
            encoding_rs::UTF_16LE.decode_with_bom_removal(&le[2..]).0,
            RU
        );
        assert_eq!(
            encoding_rs::UTF_16BE.decode_with_bom_removal(&be[2..]).0,
            RU
        );

        let (text, enc) = decode(p(), &le).unwrap();
        assert_eq!((text.as_str(), enc), (RU_NORMALISED, TextEncoding::Utf16Le));
        let (text, enc) = decode(p(), &be).unwrap();
        assert_eq!((text.as_str(), enc), (RU_NORMALISED, TextEncoding::Utf16Be));
    }

    #[test]
    fn utf16_odd_length_and_lone_surrogate() {
        let err = decode(p(), b"\xFF\xFEa\x00b").unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, IngestError::Undecodable { .. }), "{msg}");
        assert!(msg.contains("offset 4"), "{msg}");

        // "a", then a high surrogate followed by "b": unpaired at byte offset 4.
        let err = decode(p(), b"\xFF\xFEa\x00\x00\xD8b\x00").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("unpaired surrogate at offset 4"), "{msg}");
        // A lone low surrogate in big-endian order.
        let err = decode(p(), b"\xFE\xFF\xDC\x00").unwrap_err();
        assert!(err.to_string().contains("offset 2"), "{err}");
    }

    #[test]
    fn utf32_bom_is_refused() {
        let err = decode(p(), b"\xFF\xFE\x00\x00a\x00\x00\x00").unwrap_err();
        assert!(err.to_string().contains("UTF-32"), "{err}");
    }

    #[test]
    fn windows_1251_by_evidence() {
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(RU);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        let (text, enc) = decode(p(), &bytes).unwrap();
        assert_eq!(enc, TextEncoding::Windows1251);
        assert_eq!(text, RU_NORMALISED);
    }

    #[test]
    fn windows_1251_belarusian_letters() {
        let by = "Дзяржаўная сістэма і ўвесь парадак працы.\n";
        let (bytes, _, unmappable) = encoding_rs::WINDOWS_1251.encode(by);
        assert!(!unmappable);
        let (text, enc) = decode(p(), &bytes).unwrap();
        assert_eq!((text.as_str(), enc), (by, TextEncoding::Windows1251));
    }

    #[test]
    fn png_and_elf_headers_are_binary() {
        let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06";
        let err = decode(p(), png).unwrap_err();
        assert!(matches!(err, IngestError::Binary { .. }), "{err}");
        let elf = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x3e\x00";
        let err = decode(p(), elf).unwrap_err();
        assert!(matches!(err, IngestError::Binary { .. }), "{err}");
        assert!(err.to_string().contains("binary"), "{err}");
        // Control bytes without NUL, in valid UTF-8.
        let err = decode(p(), b"\x01\x02\x03\x04abc\x05\x06").unwrap_err();
        assert!(matches!(err, IngestError::Binary { .. }), "{err}");
    }

    #[test]
    fn random_high_bytes_are_undecodable() {
        for seed in 0..20 {
            let bytes = lcg_bytes(seed, 2000, 0x80, 0xFF);
            let err = decode(p(), &bytes).unwrap_err();
            let msg = err.to_string();
            assert!(matches!(err, IngestError::Undecodable { .. }), "{msg}");
            assert!(msg.contains("first bad byte"), "{msg}");
        }
        // Even bytes all in the Cyrillic letter range do not make words.
        for seed in 0..20 {
            let bytes = lcg_bytes(seed, 2000, 0xC0, 0xFF);
            let err = decode(p(), &bytes).unwrap_err();
            assert!(matches!(err, IngestError::Undecodable { .. }), "{err}");
        }
    }

    #[test]
    fn random_cyrillic_letters_with_spaces_are_refused() {
        // Words of random Cyrillic letters: too few vowels, and case switches inside words.
        let mut bytes = lcg_bytes(7, 3000, 0xC0, 0xFF);
        for i in (0..bytes.len()).step_by(7) {
            bytes[i] = b' ';
        }
        let err = decode(p(), &bytes).unwrap_err();
        assert!(matches!(err, IngestError::Undecodable { .. }), "{err}");
        // Random lower-case letters only, with spaces: the vowel share gives it away.
        let mut bytes = lcg_bytes(8, 3000, 0xE0, 0xFF);
        for i in (0..bytes.len()).step_by(6) {
            bytes[i] = b' ';
        }
        let err = decode(p(), &bytes).unwrap_err();
        assert!(err.to_string().contains("vowels"), "{err}");
    }

    #[test]
    fn other_cyrillic_code_pages_are_not_windows_1251() {
        let text =
            "Весной в нашем саду расцветают яблони и вишни. Соседи приходят смотреть на цветы, \
                    пьют чай на веранде и обсуждают погоду. Дети бегают по дорожкам.\n";
        for enc in [encoding_rs::KOI8_R, encoding_rs::ISO_8859_5] {
            let (bytes, _, unmappable) = enc.encode(text);
            assert!(!unmappable);
            let err = decode(p(), &bytes).unwrap_err();
            assert!(
                matches!(err, IngestError::Undecodable { .. }),
                "{}: {err}",
                enc.name()
            );
        }
        // The same text in Windows-1251 is read.
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(text);
        assert_eq!(decode(p(), &bytes).unwrap().1, TextEncoding::Windows1251);
        // So is all-caps text (a heading), which has no case switches.
        let (bytes, _, _) =
            encoding_rs::WINDOWS_1251.encode("ГЛАВА 1. ОБЩИЕ ПОЛОЖЕНИЯ О САДАХ И ОГОРОДАХ");
        assert_eq!(decode(p(), &bytes).unwrap().1, TextEncoding::Windows1251);
    }

    #[test]
    fn latin1_accents_are_not_windows_1251() {
        // Windows-1252 "café" style bytes mixed with C1-range bytes 0x80..0x9F.
        let err = decode(p(), b"Caf\xE9 \x80 \x81 \x8A \x9F \x9A na\xEFve").unwrap_err();
        assert!(matches!(err, IngestError::Undecodable { .. }), "{err}");
    }

    #[test]
    fn line_endings_only_are_changed() {
        let (text, _) = decode(p(), b"a\r\nb\rc\n\r\nd \t\x0ce\r").unwrap();
        assert_eq!(text, "a\nb\nc\n\nd \t\x0ce\n");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn never_panics_and_utf8_round_trips(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            if let Ok((text, enc)) = decode(p(), &bytes) {
                if enc == TextEncoding::Utf8 {
                    let original = std::str::from_utf8(&bytes).unwrap();
                    prop_assert_eq!(text, original.replace("\r\n", "\n").replace('\r', "\n"));
                }
            }
        }

        #[test]
        fn text_without_controls_round_trips(s in "[^\\p{Cc}\\p{Cf}]{1,200}(\n[^\\p{Cc}]{0,80}){0,5}") {
            let (text, enc) = decode(p(), s.as_bytes()).unwrap();
            prop_assert_eq!(enc, TextEncoding::Utf8);
            prop_assert_eq!(text, s);
        }
    }
}
