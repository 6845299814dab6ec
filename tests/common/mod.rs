//! Shared helpers of the integration tests: where `../shared` is, and skipping honestly when it is not.

#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared/corpus-real`, or None (with the reason printed) when it is absent and not required.
/// With `LEXHARMONY_REQUIRE_SHARED=1` its absence fails the test.
pub fn corpus_real() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-real");
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("LEXHARMONY_REQUIRE_SHARED").is_ok_and(|v| v == "1") {
        panic!(
            "{} is missing and LEXHARMONY_REQUIRE_SHARED=1 says it must be there",
            dir.display()
        );
    }
    eprintln!(
        "skipped: {} is absent (set LEXHARMONY_REQUIRE_SHARED=1 to make this an error)",
        dir.display()
    );
    None
}
