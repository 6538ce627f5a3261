//! CSV as Homeward writes it for people to open in a spreadsheet: a UTF-8 byte-order mark (so
//! Bengali and Devanagari show correctly), quoting where needed, and every cell that a
//! spreadsheet would run as a formula prefixed with `'` (OWASP's CSV injection advice).

/// What makes a spreadsheet read a cell as a formula, as OWASP lists it.
pub const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// The byte-order mark a file starts with.
pub const BOM: &str = "\u{feff}";

/// Whether a cell, once the `'`s in front of it are set aside, would be read as a formula. The
/// `'`s count so that a value typed with its own `'` in front (`'=1`) gets one more, and reading
/// the file back ([`unneutralise`]) gives the typed value, not `=1`.
fn needs_quote(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A cell as written to a file a spreadsheet may open: a formula-looking text gets a `'`.
pub fn neutralise(cell: String) -> String {
    if needs_quote(&cell) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// A cell as read back from such a file: the `'` [`neutralise`] added is taken off.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

/// One line of CSV (with its line break), every cell neutralised and quoted when it holds a
/// comma, a quote or a line break.
pub fn line<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> String {
    let mut out = String::new();
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let cell = neutralise(cell.as_ref().to_string());
        if cell.contains([',', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&cell.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&cell);
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_cells_quoted() {
        assert_eq!(
            line(["=HYPERLINK(\"x\")", "a,b", "রহিম"]),
            "\"'=HYPERLINK(\"\"x\"\")\",\"a,b\",রহিম\n"
        );
        assert_eq!(unneutralise(&neutralise("-1".into())), "-1");
        assert_eq!(unneutralise("'quoted"), "'quoted");
    }

    /// Found by the csv round trip in fuzz/ (record_json): a name typed `'=1+2` came back from
    /// export and import as `=1+2`.
    #[test]
    fn a_typed_quote_before_a_formula_survives_export_and_import() {
        for typed in [
            "'=1+2", "''@cmd", "'-5", "'", "''", "'quoted", "=1", "plain",
        ] {
            let written = neutralise(typed.to_string());
            assert_eq!(
                unneutralise(&written),
                typed,
                "{typed:?} written as {written:?}"
            );
            // What a spreadsheet shows: the cell without its first `'` when that `'` was added.
            assert!(
                !written.starts_with(FORMULA_STARTS),
                "{written:?} runs as a formula"
            );
        }
        assert_eq!(neutralise("'=1+2".into()), "''=1+2");
    }
}
