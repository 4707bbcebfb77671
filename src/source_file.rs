//! Reading a source file, shared by `ovsm` and `ovsm-build`.

/// The file's text, or, after saying why on stderr, Err(1): unreadable, or not UTF-8.
pub fn read(file: &str) -> Result<String, i32> {
    std::fs::read(file)
        .map_err(|e| {
            eprintln!("error: cannot read `{file}`: {e}");
            1
        })
        .and_then(|bytes| {
            String::from_utf8(bytes).map_err(|e| {
                eprintln!("error: `{file}` is not UTF-8 text (invalid byte at offset {})", e.utf8_error().valid_up_to());
                1
            })
        })
}
