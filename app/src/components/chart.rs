//! Charts drawn on the server as SVG: no canvas, no script, no chart
//! library. A chart is a `<figure>` with a caption that states its main
//! message; the SVG is an image with a title and a description; every bar
//! carries its value as a direct label, and the second series a hatch
//! pattern as well as a colour, so colour is never the only cue. Marks have
//! at least 3:1 contrast against the white background. The numbers are
//! always also in the data table the page shows beside the chart.

use doorbraak::Money;
use leptos::prelude::*;

use crate::components::form::html_escape;

/// One series of bars: its name and a value per category; none where the
/// value is hidden (fewer than 5 households), drawn as "< 5".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<Money>>,
}

/// The colours of the series, each with at least 3:1 contrast on white:
/// dark blue (9.4:1), dark teal (6.6:1), purple (9.9:1), dark orange
/// (6.3:1). Every series after the first also has its own pattern.
const COLOURS: [&str; 4] = ["#1f4e79", "#00665e", "#5b2a86", "#8a4b00"];

/// The fill of series `i` in chart `id`.
fn fill(id: &str, i: usize) -> String {
    match i % COLOURS.len() {
        0 => COLOURS[0].to_string(),
        k => format!("url(#{id}-patroon-{k})"),
    }
}

/// The patterns of a chart: diagonal hatch, cross-hatch, dots.
fn patterns(id: &str) -> String {
    let marks = [
        r##"<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/>"##,
        r##"<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="1.5"/><line x1="0" y1="3" x2="6" y2="3" stroke="#ffffff" stroke-width="1.5"/>"##,
        r##"<circle cx="3" cy="3" r="1.3" fill="#ffffff"/>"##,
    ];
    let mut defs = String::from("<defs>");
    for (k, mark) in marks.iter().enumerate() {
        let k = k + 1;
        let rotate = if k == 3 {
            ""
        } else {
            r##" patternTransform="rotate(45)""##
        };
        defs.push_str(&format!(
            r##"<pattern id="{id}-patroon-{k}" width="6" height="6" patternUnits="userSpaceOnUse"{rotate}><rect width="6" height="6" fill="{}"/>{mark}</pattern>"##,
            COLOURS[k]
        ));
    }
    defs.push_str("</defs>");
    defs
}

/// The legend, on one line at the top: a swatch and the name of each series.
fn legend(id: &str, names: &[&str]) -> String {
    let mut out = String::new();
    let mut x = LABEL;
    for (i, name) in names.iter().enumerate() {
        out.push_str(&format!(
            r##"<rect x="{x}" y="6" width="14" height="14" fill="{}" stroke="{}"/><text x="{}" y="18" class="chart-legend">{}</text>"##,
            fill(id, i),
            COLOURS[i % COLOURS.len()],
            x + 20,
            html_escape(name)
        ));
        x += 40 + 8 * name.chars().count() as u32;
    }
    out
}

fn open_svg(id: &str, height: u32, title: &str, description: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-titel {id}-uitleg"><title id="{id}-titel">{}</title><desc id="{id}-uitleg">{}</desc>{}"##,
        html_escape(title),
        html_escape(description),
        patterns(id),
    )
}

const WIDTH: u32 = 720;
const LABEL: u32 = 220;
const BAR: u32 = 18;
const GAP: u32 = 14;
const VALUE_ROOM: u32 = 110;

/// A horizontal grouped bar chart as an SVG document: one group per
/// category, one bar per series, each with its value at its end.
pub fn bar_chart_svg(
    id: &str,
    title: &str,
    description: &str,
    categories: &[String],
    series: &[Series],
) -> String {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .map(|m| m.cents().max(0))
        .max()
        .unwrap_or(0)
        .max(1);
    let per_group = BAR * series.len() as u32 + GAP;
    let legend_room = 28;
    let height = legend_room + per_group * categories.len() as u32 + GAP;
    let span = WIDTH - LABEL - VALUE_ROOM;
    let mut svg = open_svg(id, height, title, description);
    let names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    svg.push_str(&legend(id, &names));
    for (c, category) in categories.iter().enumerate() {
        let top = legend_room + per_group * c as u32;
        svg.push_str(&format!(
            r##"<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>"##,
            LABEL - 8,
            top + BAR * series.len() as u32 / 2 + 5,
            html_escape(category)
        ));
        for (i, s) in series.iter().enumerate() {
            let y = top + BAR * i as u32;
            match s.values.get(c).copied().flatten() {
                Some(value) => {
                    let cents = value.cents().max(0);
                    let width = ((i128::from(cents) * i128::from(span)) / i128::from(max)) as u32;
                    svg.push_str(&format!(
                        r##"<rect x="{LABEL}" y="{y}" width="{}" height="{}" fill="{}" stroke="{}"><title>{}: {}</title></rect><text x="{}" y="{}" class="chart-value">{}</text>"##,
                        width.max(1),
                        BAR - 3,
                        fill(id, i),
                        COLOURS[i % COLOURS.len()],
                        html_escape(&s.name),
                        value,
                        LABEL + width.max(1) + 6,
                        y + BAR - 6,
                        value
                    ));
                }
                None => svg.push_str(&format!(
                    r##"<text x="{}" y="{}" class="chart-value">&lt; 5 huishoudens</text>"##,
                    LABEL + 4,
                    y + BAR - 6
                )),
            }
        }
    }
    svg.push_str("</svg>");
    svg
}

/// A horizontal stacked bar chart: per category one bar of the `stacked`
/// series end to end (its total at the end), and under it one bar of the
/// `beside` series, each with its value.
pub fn stacked_bar_svg(
    id: &str,
    title: &str,
    description: &str,
    categories: &[String],
    stacked: &[Series],
    beside: &Series,
) -> String {
    let total = |c: usize| -> i64 {
        stacked
            .iter()
            .filter_map(|s| s.values.get(c).copied().flatten())
            .map(|m| m.cents().max(0))
            .sum()
    };
    let max = (0..categories.len())
        .map(|c| {
            total(c).max(
                beside
                    .values
                    .get(c)
                    .copied()
                    .flatten()
                    .map_or(0, |m| m.cents().max(0)),
            )
        })
        .max()
        .unwrap_or(0)
        .max(1);
    let per_group = 2 * BAR + GAP;
    let height = 28 + per_group * categories.len() as u32 + GAP;
    let span = WIDTH - LABEL - VALUE_ROOM;
    let scale =
        |cents: i64| ((i128::from(cents.max(0)) * i128::from(span)) / i128::from(max)) as u32;
    let mut svg = open_svg(id, height, title, description);
    let mut names: Vec<&str> = stacked.iter().map(|s| s.name.as_str()).collect();
    names.push(beside.name.as_str());
    svg.push_str(&legend(id, &names));
    for (c, category) in categories.iter().enumerate() {
        let top = 28 + per_group * c as u32;
        svg.push_str(&format!(
            r##"<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>"##,
            LABEL - 8,
            top + BAR + 5,
            html_escape(category)
        ));
        let mut x = LABEL;
        for (i, s) in stacked.iter().enumerate() {
            let Some(value) = s.values.get(c).copied().flatten() else {
                continue;
            };
            let width = scale(value.cents());
            svg.push_str(&format!(
                r##"<rect x="{x}" y="{top}" width="{width}" height="{}" fill="{}" stroke="{}"><title>{}: {value}</title></rect>"##,
                BAR - 3,
                fill(id, i),
                COLOURS[i % COLOURS.len()],
                html_escape(&s.name)
            ));
            x += width;
        }
        let sum = Money::from_cents(total(c)).unwrap_or_default();
        svg.push_str(&format!(
            r##"<text x="{}" y="{}" class="chart-value">{sum}</text>"##,
            x + 6,
            top + BAR - 6
        ));
        let k = stacked.len();
        if let Some(value) = beside.values.get(c).copied().flatten() {
            let width = scale(value.cents()).max(1);
            svg.push_str(&format!(
                r##"<rect x="{LABEL}" y="{}" width="{width}" height="{}" fill="{}" stroke="{}"><title>{}: {value}</title></rect><text x="{}" y="{}" class="chart-value">{value}</text>"##,
                top + BAR,
                BAR - 3,
                fill(id, k),
                COLOURS[k % COLOURS.len()],
                html_escape(&beside.name),
                LABEL + width + 6,
                top + 2 * BAR - 6
            ));
        }
    }
    svg.push_str("</svg>");
    svg
}

/// One line of a line chart: its name and a value per category; none
/// where the value is hidden (fewer than 5 households) or absent — the line
/// breaks there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub name: String,
    pub values: Vec<Option<i64>>,
}

/// The colours of lines (the bar colours and a near-black, 12.6:1).
const LINE_COLOURS: [&str; 5] = ["#1f4e79", "#00665e", "#5b2a86", "#8a4b00", "#333333"];

/// The marker of line `i` at (x, y): circle, square, triangle, diamond,
/// cross — so that a line is told apart without its colour.
fn marker(i: usize, x: u32, y: u32, colour: &str) -> String {
    let (x, y) = (x as i64, y as i64);
    match i % 5 {
        0 => format!(r##"<circle cx="{x}" cy="{y}" r="4.5" fill="{colour}"/>"##),
        1 => format!(
            r##"<rect x="{}" y="{}" width="8" height="8" fill="{colour}"/>"##,
            x - 4,
            y - 4
        ),
        2 => format!(
            r##"<path d="M{x} {} L{} {} L{} {} Z" fill="{colour}"/>"##,
            y - 5,
            x + 5,
            y + 4,
            x - 5,
            y + 4
        ),
        3 => format!(
            r##"<path d="M{x} {} L{} {y} L{x} {} L{} {y} Z" fill="{colour}"/>"##,
            y - 5,
            x + 5,
            y + 5,
            x - 5
        ),
        _ => format!(
            r##"<path d="M{} {} L{} {} M{} {} L{} {}" stroke="{colour}" stroke-width="2.5"/>"##,
            x - 4,
            y - 4,
            x + 4,
            y + 4,
            x - 4,
            y + 4,
            x + 4,
            y - 4
        ),
    }
}

/// A line chart as an SVG document: categories along the bottom, a scale
/// with gridlines on the left, every line with its own colour, dash and
/// marker, and its name at its last point.
pub fn line_chart_svg(
    id: &str,
    title: &str,
    description: &str,
    categories: &[String],
    lines: &[Line],
    unit: &str,
) -> String {
    const LEFT: u32 = 60;
    const TOP: u32 = 36;
    // Room at the right for the longest name.
    let longest = lines
        .iter()
        .map(|l| l.name.chars().count())
        .max()
        .unwrap_or(0);
    let right = (50 + 8 * longest as u32).clamp(120, WIDTH / 2);
    const PLOT: u32 = 220;
    let height = TOP + PLOT + 70;
    let max = lines
        .iter()
        .flat_map(|l| l.values.iter().flatten())
        .copied()
        .max()
        .unwrap_or(0)
        .max(1);
    // A round top for the scale: 1, 2 or 5 times a power of ten.
    let mut step = 1i64;
    while max / step > 5 {
        step = match step.to_string().as_bytes()[0] {
            b'1' => step * 2,
            b'2' => step / 2 * 5,
            _ => step * 2,
        };
    }
    let top_value = ((max + step - 1) / step) * step;
    let span = WIDTH - LEFT - right;
    let x_of = |c: usize| {
        let n = categories.len().max(2) as u32 - 1;
        LEFT + span * c as u32 / n
    };
    let y_of = |v: i64| {
        TOP + PLOT - ((i128::from(v.max(0)) * i128::from(PLOT)) / i128::from(top_value)) as u32
    };
    let mut svg = open_svg(id, height, title, description);
    svg.push_str(&format!(
        r##"<text x="4" y="20" class="chart-legend">{}</text>"##,
        html_escape(unit)
    ));
    let mut v = 0;
    while v <= top_value {
        let y = y_of(v);
        svg.push_str(&format!(
            r##"<line x1="{LEFT}" y1="{y}" x2="{}" y2="{y}" stroke="#b0b0b0" stroke-width="1"/><text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>"##,
            WIDTH - right,
            LEFT - 6,
            y + 4,
            doorbraak::money::group_thousands(v as u64)
        ));
        v += step;
    }
    for (c, category) in categories.iter().enumerate() {
        svg.push_str(&format!(
            r##"<text x="{}" y="{}" text-anchor="middle" class="chart-label">{}</text>"##,
            x_of(c),
            TOP + PLOT + 20,
            html_escape(category)
        ));
    }
    let dashes = ["", "8 4", "3 3", "10 3 3 3", "1 4"];
    let mut ends = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let colour = LINE_COLOURS[i % LINE_COLOURS.len()];
        let mut path = String::new();
        let mut pen_down = false;
        let mut last = None;
        let mut points = String::new();
        for (c, value) in line.values.iter().enumerate() {
            match value {
                Some(v) => {
                    let (x, y) = (x_of(c), y_of(*v));
                    path.push_str(&format!("{}{x} {y} ", if pen_down { "L" } else { "M" }));
                    pen_down = true;
                    last = Some((x, y));
                    points.push_str(&format!(
                        "<g>{}<title>{}, {}: {}</title></g>",
                        marker(i, x, y, colour),
                        html_escape(&line.name),
                        html_escape(&categories[c.min(categories.len().saturating_sub(1))]),
                        v
                    ));
                }
                None => pen_down = false,
            }
        }
        if !path.is_empty() {
            svg.push_str(&format!(
                r##"<path d="{}" fill="none" stroke="{colour}" stroke-width="2.5" stroke-dasharray="{}"/>"##,
                path.trim_end(),
                dashes[i % dashes.len()]
            ));
        }
        svg.push_str(&points);
        if let Some((_, y)) = last {
            ends.push((y, i));
        }
    }
    // Each line's name at the right, beside its last point, with its
    // marker; names moved apart where their lines end close together.
    ends.sort();
    let mut previous: Option<u32> = None;
    for (y, i) in ends {
        let y = previous.map_or(y, |p| y.max(p + 16));
        previous = Some(y);
        let x = WIDTH - right + 30;
        let colour = LINE_COLOURS[i % LINE_COLOURS.len()];
        svg.push_str(&marker(i, x, y, colour));
        svg.push_str(&format!(
            r##"<text x="{}" y="{}" class="chart-value">{}</text>"##,
            x + 10,
            y + 4,
            html_escape(&lines[i].name)
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// A line chart as a figure: its caption says the main message.
#[component]
pub fn LineChart(
    id: &'static str,
    caption: String,
    summary: String,
    categories: Vec<String>,
    lines: Vec<Line>,
    /// What the values count ("huishoudens", "dagen").
    unit: &'static str,
) -> impl IntoView {
    let svg = line_chart_svg(id, &caption, &summary, &categories, &lines, unit);
    view! {
        <figure class="chart-figure">
            <div class="chart-image" inner_html=svg></div>
            <figcaption class="utrecht-paragraph"><strong>{caption}</strong>" "{summary}</figcaption>
        </figure>
    }
}

/// A stacked bar chart as a figure: its caption says the main message.
#[component]
pub fn StackedBarChart(
    id: &'static str,
    caption: String,
    summary: String,
    categories: Vec<String>,
    stacked: Vec<Series>,
    beside: Series,
) -> impl IntoView {
    let svg = stacked_bar_svg(id, &caption, &summary, &categories, &stacked, &beside);
    view! {
        <figure class="chart-figure">
            <div class="chart-image" inner_html=svg></div>
            <figcaption class="utrecht-paragraph"><strong>{caption}</strong>" "{summary}</figcaption>
        </figure>
    }
}

/// A bar chart as a figure: its caption says the main message.
#[component]
pub fn BarChart(
    /// Unique on the page: the ids of the SVG's title and description.
    id: &'static str,
    caption: String,
    /// The text alternative: what the chart shows, in a sentence.
    summary: String,
    categories: Vec<String>,
    series: Vec<Series>,
) -> impl IntoView {
    let svg = bar_chart_svg(id, &caption, &summary, &categories, &series);
    view! {
        <figure class="chart-figure">
            <div class="chart-image" inner_html=svg></div>
            <figcaption class="utrecht-paragraph"><strong>{caption}</strong>" "{summary}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn euros(e: i64) -> Option<Money> {
        Some(Money::from_euros(e).expect("money"))
    }

    #[test]
    fn bars_are_proportional_labelled_escaped_and_small_cells_say_so() {
        let svg = bar_chart_svg(
            "t",
            "Vermeden <kosten>",
            "Gerealiseerd 80 % van verwacht.",
            &["Jeugdwet".into(), "Wmo & co".into()],
            &[
                Series {
                    name: "Verwacht".into(),
                    values: vec![euros(1_000), euros(500)],
                },
                Series {
                    name: "Gerealiseerd".into(),
                    values: vec![euros(800), None],
                },
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(
            svg.contains(r##"role="img""##)
                && svg.contains("<title id=\"t-titel\">Vermeden &lt;kosten&gt;</title>")
        );
        assert!(svg.contains("Wmo &amp; co") && !svg.contains("Wmo & co"));
        let span = WIDTH - LABEL - VALUE_ROOM;
        assert!(
            svg.contains(&format!(r##"width="{span}""##)),
            "the largest value fills the span"
        );
        assert!(
            svg.contains(&format!(r##"width="{}""##, span / 2)),
            "half the value, half the bar"
        );
        assert!(svg.contains(&format!(r##"width="{}""##, span * 8 / 10)));
        assert!(
            svg.contains("€ 1.000,00") && svg.contains("€ 800,00"),
            "direct labels"
        );
        assert!(
            svg.contains("&lt; 5 huishoudens"),
            "a hidden value is said, not drawn"
        );
        assert!(
            svg.contains("url(#t-patroon-1)") && svg.contains(r#"<pattern id="t-patroon-1""#),
            "the second series is hatched"
        );
    }

    #[test]
    fn a_stacked_bar_adds_up_and_has_its_neighbour() {
        let part = |e: i64| Series {
            name: format!("deel {e}"),
            values: vec![euros(e)],
        };
        let svg = stacked_bar_svg(
            "f",
            "Fonds",
            "Het fonds per jaar.",
            &["2026".into()],
            &[part(100), part(300)],
            &Series {
                name: "Teruggekomen".into(),
                values: vec![euros(200)],
            },
        );
        let span = WIDTH - LABEL - VALUE_ROOM;
        // 400 in all fills the span: 100 is a quarter, 300 three quarters.
        assert!(svg.contains(&format!(r##"x="{LABEL}" y="28" width="{}""##, span / 4)));
        assert!(svg.contains(&format!(
            r##"x="{}" y="28" width="{}""##,
            LABEL + span / 4,
            span * 3 / 4
        )));
        assert!(
            svg.contains("€ 400,00"),
            "the total at the end of the stack"
        );
        assert!(svg.contains(&format!(r##"width="{}""##, span / 2)) && svg.contains("€ 200,00"));
        assert!(
            svg.contains("url(#f-patroon-2)"),
            "the neighbour has its own pattern"
        );
    }

    #[test]
    fn lines_break_where_a_value_is_hidden_and_carry_their_names() {
        let svg = line_chart_svg(
            "l",
            "Trend",
            "Meer doorbraken.",
            &["2026 K1".into(), "2026 K2".into(), "2026 K3".into()],
            &[
                Line {
                    name: "Ingediend".into(),
                    values: vec![Some(10), None, Some(30)],
                },
                Line {
                    name: "Goedgekeurd <".into(),
                    values: vec![Some(5), Some(7), Some(9)],
                },
            ],
            "huishoudens",
        );
        // The first line starts again after the gap: two moves.
        let first = svg.split("<path d=\"").nth(1).expect("a path");
        assert_eq!(first.split('"').next().expect("d").matches('M').count(), 2);
        assert!(svg.contains("Goedgekeurd &lt;") && !svg.contains("Goedgekeurd <"));
        assert!(svg.contains("<title>Ingediend, 2026 K3: 30</title>"));
        // The scale reaches the highest value.
        assert!(svg.contains(">30</text>"));
    }

    /// The WCAG contrast of `#rrggbb` against white.
    fn contrast_on_white(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        let l = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
        1.05 / (l + 0.05)
    }

    #[test]
    fn every_mark_colour_has_three_to_one_contrast_on_white() {
        for c in COLOURS.iter().chain(&LINE_COLOURS) {
            assert!(
                contrast_on_white(c) >= 3.0,
                "{c}: {:.2}",
                contrast_on_white(c)
            );
        }
        // The check itself can fail: a light grey does not pass.
        assert!(contrast_on_white("#b0b0b0") < 3.0);
    }
}
