//! Charts drawn on the server as SVG with plotters (readable without JavaScript; each page also
//! lists the numbers in a table): visits per day, bars per category, quota use.

use crate::timefmt::shanghai_month_day;
use plotters::prelude::*;

const WIDTH: u32 = 560;
const HEIGHT: u32 = 220;
const ACCENT: RGBColor = RGBColor(254, 44, 85);
const GRID: RGBColor = RGBColor(225, 228, 232);
const MUTED: RGBColor = RGBColor(91, 99, 109);

/// One bar of a category chart.
pub struct Bar {
    /// Its label under the axis.
    pub label: String,
    /// Its height.
    pub value: i64,
}

/// Visits per Shanghai day, `series` oldest first as (day, visits).
pub fn daily_visits(series: &[(i64, i64)], title: &str) -> String {
    let bars: Vec<Bar> = series
        .iter()
        .map(|(day, n)| Bar {
            label: shanghai_month_day(*day),
            value: *n,
        })
        .collect();
    bar_chart(&bars, title, 6)
}

/// Bars with their labels (at most `max_labels` labels are written, evenly spaced).
pub fn bar_chart(bars: &[Bar], title: &str, max_labels: usize) -> String {
    let mut svg = String::new();
    let drawn = draw_bars(&mut svg, bars, max_labels).map_err(|e| e.to_string());
    if let Err(e) = drawn {
        tracing::warn!(error = %e, "chart not drawn");
        return String::new();
    }
    accessible(svg, title)
}

fn draw_bars<'a>(
    out: &'a mut String,
    bars: &[Bar],
    max_labels: usize,
) -> Result<(), Box<dyn std::error::Error + 'a>> {
    let root = SVGBackend::with_string(out, (WIDTH, HEIGHT)).into_drawing_area();
    root.fill(&WHITE)?;
    let n = bars.len().max(1);
    let top = bars.iter().map(|b| b.value).max().unwrap_or(0).max(1);
    // Headroom above the highest bar, and whole numbers on the axis.
    let y_max = (top as f64 * 1.15).ceil().max(top as f64 + 1.0);
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(28)
        .y_label_area_size(44)
        .build_cartesian_2d(-0.6f64..(n as f64 - 0.4), 0f64..y_max)?;
    let step = n.div_ceil(max_labels.max(1)).max(1);
    let label = |x: &f64| {
        let i = x.round();
        if (x - i).abs() > 0.01 || i < 0.0 {
            return String::new();
        }
        let i = i as usize;
        if !i.is_multiple_of(step) && i + 1 != n {
            return String::new();
        }
        bars.get(i).map(|b| b.label.clone()).unwrap_or_default()
    };
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(TRANSPARENT)
        .bold_line_style(GRID)
        .axis_style(MUTED)
        .x_labels(n.min(60))
        .x_label_formatter(&label)
        .y_labels(5)
        .y_label_formatter(&|y: &f64| {
            if y.fract().abs() < 1e-9 {
                format!("{y:.0}")
            } else {
                String::new()
            }
        })
        .label_style(("sans-serif", 15).into_font().color(&MUTED))
        .draw()?;
    chart.draw_series(bars.iter().enumerate().map(|(i, b)| {
        let x = i as f64;
        Rectangle::new(
            [(x - 0.38, 0.0), (x + 0.38, b.value as f64)],
            ACCENT.filled(),
        )
    }))?;
    root.present()?;
    Ok(())
}

/// Today's link generations against the daily quota, as one horizontal bar.
pub fn quota(used: i64, limit: i64, title: &str) -> String {
    let mut svg = String::new();
    let drawn = draw_quota(&mut svg, used, limit).map_err(|e| e.to_string());
    if let Err(e) = drawn {
        tracing::warn!(error = %e, "chart not drawn");
        return String::new();
    }
    accessible(svg, title)
}

fn draw_quota(
    out: &mut String,
    used: i64,
    limit: i64,
) -> Result<(), Box<dyn std::error::Error + '_>> {
    let root = SVGBackend::with_string(out, (WIDTH, 64)).into_drawing_area();
    root.fill(&WHITE)?;
    let limit = limit.max(1) as f64;
    let share = (used.max(0) as f64 / limit).min(1.0);
    let (w, left, right) = (f64::from(WIDTH), 8.0, 8.0);
    let span = w - left - right;
    let bar = |from: f64, to: f64| {
        [
            ((left + from * span) as i32, 14),
            ((left + to * span) as i32, 42),
        ]
    };
    root.draw(&Rectangle::new(bar(0.0, 1.0), GRID.filled()))?;
    if share > 0.0 {
        root.draw(&Rectangle::new(bar(0.0, share), ACCENT.filled()))?;
    }
    root.present()?;
    Ok(())
}

/// The SVG made accessible and fluid: `role="img"`, a label and a `<title>`, no fixed size (the
/// stylesheet sizes it; the viewBox keeps its shape).
fn accessible(svg: String, title: &str) -> String {
    let title = crate::links::landing::escape(title);
    let Some(rest) = svg.find("viewBox=").map(|at| &svg[at..]) else {
        return svg;
    };
    let Some(close) = rest.find('>') else {
        return svg;
    };
    format!(
        "<svg role=\"img\" aria-label=\"{title}\" {}><title>{title}</title>{}",
        &rest[..close],
        &rest[close + 1..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_is_an_accessible_svg_with_escaped_title() {
        let svg = daily_visits(&[(20_000, 3), (20_001, 0), (20_002, 7)], "visits <b>");
        assert!(
            svg.starts_with("<svg role=\"img\" aria-label=\"visits &lt;b&gt;\""),
            "{svg}"
        );
        assert!(svg.contains("<title>visits &lt;b&gt;</title>"));
        let open_tag = &svg[..svg.find('>').expect("a tag")];
        assert!(!open_tag.contains("width="), "no fixed size: {open_tag}");
        assert_eq!(svg.matches("<svg").count(), 1);
        assert!(svg.trim_end().ends_with("</svg>"));
    }

    #[test]
    fn empty_and_full_quota_bars_draw() {
        assert!(quota(0, 500_000, "q").contains("<rect"));
        assert!(quota(600, 500, "q").contains("<rect"));
    }
}
