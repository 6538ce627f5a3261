//! A report as a spreadsheet a coordinator can open: one sheet per indicator, its title, who is
//! counted and the rule above a table of places by the breakdown's values. Withheld counts
//! read "fewer than 11", never a number. Text from records (district names) is written as text
//! in any script, and text a spreadsheet would run as a formula (starting with `= + - @`, a tab
//! or a carriage return) gets a leading `'`, as Homeward's CSV exports do.

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::report::{IndicatorTable, Report};
use crate::ReportError;

/// What a withheld count reads in the sheet.
pub fn withheld_text(threshold: u64) -> String {
    format!("fewer than {threshold}")
}

/// Text as written in a cell: a leading `'` where a spreadsheet would run it as a formula.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn xlsx_error(e: XlsxError) -> ReportError {
    ReportError::Shape(format!("spreadsheet: {e}"))
}

/// The whole report as an XLSX file.
pub fn workbook(report: &Report) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    for table in &report.indicators {
        let sheet = book.add_worksheet();
        // Sheet names are at most 31 characters; ids are shorter and unique.
        sheet
            .set_name(table.id.chars().take(31).collect::<String>())
            .map_err(xlsx_error)?;
        fill(sheet, report, table, &bold).map_err(xlsx_error)?;
    }
    book.save_to_buffer().map_err(xlsx_error)
}

/// One table as a spreadsheet of one sheet named `sheet`: the header in bold, then the rows,
/// every cell written as text in whatever script it holds, neutralised as every cell Homeward
/// writes is.
pub fn table_workbook(
    sheet: &str,
    headers: &[String],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = book.add_worksheet();
    ws.set_name(sheet.chars().take(31).collect::<String>())
        .map_err(xlsx_error)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, h, &bold)
            .map_err(xlsx_error)?;
    }
    for (r, row) in rows.into_iter().enumerate() {
        for (c, cell) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            ws.write_string(r as u32 + 1, c as u16, neutralise(cell))
                .map_err(xlsx_error)?;
        }
    }
    book.save_to_buffer().map_err(xlsx_error)
}

fn fill(
    sheet: &mut Worksheet,
    report: &Report,
    table: &IndicatorTable,
    bold: &Format,
) -> Result<(), XlsxError> {
    let withheld = withheld_text(report.suppress_below);
    sheet.write_string_with_format(0, 0, table.title, bold)?;
    sheet.write_string(1, 0, format!("Counted: {}", table.population))?;
    if let Some(n) = table.numerator {
        sheet.write_string(2, 0, format!("Share: {n}"))?;
    }
    sheet.write_string(3, 0, format!("Rule: {}", table.rule))?;
    let area = report.area.as_deref().map(neutralise);
    sheet.write_string(
        4,
        0,
        format!(
            "Period {}, {}. {}",
            report.period,
            area.unwrap_or_else(|| "all places in scope".into()),
            if report.exact {
                "Exact figures: do not share outside the people who need them.".to_string()
            } else {
                format!(
                    "Counts under {} are withheld, with the counts that would give them away.",
                    report.suppress_below
                )
            }
        ),
    )?;
    let head = 6;
    sheet.write_string_with_format(head, 0, "Place", bold)?;
    let share = table.rows.iter().any(|r| r.of.is_some());
    let per_column: u16 = if share { 3 } else { 1 };
    for (c, name) in table.columns.iter().enumerate() {
        let col = 1 + c as u16 * per_column;
        sheet.write_string_with_format(head, col, neutralise(name), bold)?;
        if share {
            sheet.write_string_with_format(head, col + 1, format!("{name}: of"), bold)?;
            sheet.write_string_with_format(head, col + 2, format!("{name}: %"), bold)?;
        }
    }
    for (r, row) in table.rows.iter().enumerate() {
        let at = head + 1 + r as u32;
        sheet.write_string(at, 0, neutralise(&row.place))?;
        for c in 0..table.columns.len() {
            let col = 1 + c as u16 * per_column;
            count_cell(
                sheet,
                at,
                col,
                row.count.get(c).copied().flatten(),
                &withheld,
            )?;
            if let Some(of) = &row.of {
                count_cell(sheet, at, col + 1, of.get(c).copied().flatten(), &withheld)?;
                match row
                    .percent
                    .as_ref()
                    .and_then(|p| p.get(c).copied().flatten())
                {
                    Some(p) => sheet.write_number(at, col + 2, p)?,
                    None => sheet.write_string(at, col + 2, "")?,
                };
            }
        }
        if let Some(Some(m)) = row.median_days.as_ref().and_then(|m| m.first()) {
            sheet.write_string_with_format(head, 1 + per_column, "median days", bold)?;
            sheet.write_number(at, 1 + per_column, *m)?;
        }
    }
    Ok(())
}

fn count_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    n: Option<u64>,
    withheld: &str,
) -> Result<(), XlsxError> {
    match n {
        Some(n) => sheet.write_number(row, col, n as f64).map(|_| ()),
        None => sheet.write_string(row, col, withheld).map(|_| ()),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Cursor;

    use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

    use super::*;
    use crate::indicators::tests::case;
    use crate::report::{build, Request};

    #[test]
    fn a_spreadsheet_reader_opens_it_with_every_script_and_no_formula() {
        let child = |district: &str, sex: &str| {
            case(
                serde_json::json!({"protection_status": "separated", "stage": "registered", "sex": sex,
                    "age": 9, "district": district, "registration_date": "2026-06-10"}),
                vec![],
            )
        };
        let mut facts: Vec<_> = (0..30).map(|_| child("ধুবুৰী", "female")).collect();
        facts.extend((0..2).map(|_| child("=HYPERLINK(\"http://x\")", "male")));
        facts.extend((0..12).map(|_| child("बारपेटा", "male")));
        let req = Request::parse(
            Some("2026-06"),
            None,
            Some("sex"),
            Some("uasc_registered,tracing_started"),
            false,
        )
        .unwrap();
        let bytes = workbook(&build(&req, &facts).unwrap()).unwrap();
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            vec!["uasc_registered", "tracing_started"]
        );
        let range = book.worksheet_range("uasc_registered").unwrap();
        let cells: Vec<String> = range
            .rows()
            .flat_map(|r| r.iter().map(|c| c.to_string()))
            .collect();
        assert!(cells.iter().any(|c| c == "ধুবুৰী"), "{cells:?}");
        assert!(cells.iter().any(|c| c == "बारपेटा"), "{cells:?}");
        assert!(cells.iter().any(|c| c == "fewer than 11"), "{cells:?}");
        for c in &cells {
            assert!(!c.starts_with('='), "a formula reached the sheet: {c}");
        }
        assert!(
            cells.iter().any(|c| c.starts_with("'=HYPERLINK")),
            "{cells:?}"
        );
        // Every number in the sheet is 11 or more.
        for r in range.rows() {
            for c in r {
                if let Data::Float(n) = c {
                    assert!(*n >= 11.0, "{n}");
                }
            }
        }
    }

    #[test]
    fn text_a_spreadsheet_would_run_is_neutralised() {
        for bad in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("Dhubri"), "Dhubri");
    }
}
