//! CSV as Homeward writes it for people to open in a spreadsheet: a UTF-8 byte-order mark (so
//! Bengali and Devanagari show correctly), quoting where needed, and every cell that a
//! spreadsheet would run as a formula prefixed with `'` (OWASP's CSV injection advice).

/// What makes a spreadsheet read a cell as a formula, as OWASP lists it.
pub const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// The byte-order mark a file starts with.
pub const BOM: &str = "\u{feff}";

/// A cell as written to a file a spreadsheet may open: a formula-looking text gets a `'`.
pub fn neutralise(cell: String) -> String {
    if cell.starts_with(FORMULA_STARTS) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// A cell as read back from such a file: the `'` [`neutralise`] added is taken off.
pub fn unneutralise(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
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
}
