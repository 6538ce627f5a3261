//! A small horizontal bar chart drawn as SVG markup in the page: no script, no style
//! attributes (the CSP forbids them), colours from classes in the stylesheet.

/// One bar, with its geometry worked out for the template.
pub struct Bar {
    /// Label left of the bar.
    pub label: String,
    /// The count, right of the bar.
    pub value: i64,
    /// Class for the colour.
    pub class: &'static str,
    /// Top of the bar.
    pub y: u32,
    /// Baseline of the texts.
    pub text_y: u32,
    /// Length of the bar.
    pub width: u32,
    /// Where the count is written.
    pub value_x: u32,
}

/// Width of the drawing, in SVG units.
pub const WIDTH: u32 = 320;
const LABEL_W: u32 = 120;
const BAR_MAX: u32 = 150;
const ROW: u32 = 30;
/// Height of a bar.
pub const BAR_H: u32 = 20;

/// Where bars start.
pub const BAR_X: u32 = LABEL_W;

/// Lays out bars for `(label, value, class)` rows.
pub fn bars(rows: Vec<(String, i64, &'static str)>) -> (Vec<Bar>, u32) {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1);
    let bars: Vec<Bar> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, value, class))| {
            let y = i as u32 * ROW + 4;
            let width = ((value.max(0) as f64 / max as f64) * f64::from(BAR_MAX)).round() as u32;
            Bar {
                label,
                value,
                class,
                y,
                text_y: y + 15,
                // A zero still shows a sliver, so the row does not look missing.
                width: width.max(2),
                value_x: LABEL_W + width.max(2) + 6,
            }
        })
        .collect();
    let height = bars.len() as u32 * ROW + 8;
    (bars, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_largest_bar_fills_the_width() {
        let (b, h) = bars(vec![
            ("a".into(), 10, "x"),
            ("b".into(), 5, "y"),
            ("c".into(), 0, "z"),
        ]);
        assert_eq!(b[0].width, BAR_MAX);
        assert_eq!(b[1].width, BAR_MAX / 2);
        assert_eq!(b[2].width, 2);
        assert_eq!(h, 98);
    }
}
