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

/// Colours of the series: dark blue and dark teal (contrast on white 9.4:1
/// and 6.6:1), the second hatched.
const FILLS: [&str; 2] = ["#1f4e79", "url(#arcering)"];
const SWATCH: [&str; 2] = ["#1f4e79", "#00665e"];

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
    let legend = 28;
    let height = legend + per_group * categories.len() as u32 + GAP;
    let span = WIDTH - LABEL - VALUE_ROOM;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-titel {id}-uitleg"><title id="{id}-titel">{title}</title><desc id="{id}-uitleg">{description}</desc><defs><pattern id="arcering" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#00665e"/><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>"##,
        title = html_escape(title),
        description = html_escape(description),
    );
    // The legend, on one line above the bars.
    let mut x = LABEL;
    for (i, s) in series.iter().enumerate() {
        let fill = FILLS[i % FILLS.len()];
        svg.push_str(&format!(
            r#"<rect x="{x}" y="6" width="14" height="14" fill="{fill}" stroke="{}"/><text x="{}" y="18" class="chart-legend">{}</text>"#,
            SWATCH[i % SWATCH.len()],
            x + 20,
            html_escape(&s.name)
        ));
        x += 40 + 8 * s.name.chars().count() as u32;
    }
    for (c, category) in categories.iter().enumerate() {
        let top = legend + per_group * c as u32;
        svg.push_str(&format!(
            r#"<text x="{}" y="{}" text-anchor="end" class="chart-label">{}</text>"#,
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
                        r#"<rect x="{LABEL}" y="{y}" width="{}" height="{}" fill="{}" stroke="{}"><title>{}: {}</title></rect><text x="{}" y="{}" class="chart-value">{}</text>"#,
                        width.max(1),
                        BAR - 3,
                        FILLS[i % FILLS.len()],
                        SWATCH[i % SWATCH.len()],
                        html_escape(&s.name),
                        value,
                        LABEL + width.max(1) + 6,
                        y + BAR - 6,
                        value
                    ));
                }
                None => svg.push_str(&format!(
                    r#"<text x="{}" y="{}" class="chart-value">&lt; 5 huishoudens</text>"#,
                    LABEL + 4,
                    y + BAR - 6
                )),
            }
        }
    }
    svg.push_str("</svg>");
    svg
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
            svg.contains(r#"role="img""#)
                && svg.contains("<title id=\"t-titel\">Vermeden &lt;kosten&gt;</title>")
        );
        assert!(svg.contains("Wmo &amp; co") && !svg.contains("Wmo & co"));
        let span = WIDTH - LABEL - VALUE_ROOM;
        assert!(
            svg.contains(&format!(r#"width="{span}""#)),
            "the largest value fills the span"
        );
        assert!(
            svg.contains(&format!(r#"width="{}""#, span / 2)),
            "half the value, half the bar"
        );
        assert!(svg.contains(&format!(r#"width="{}""#, span * 8 / 10)));
        assert!(
            svg.contains("€ 1.000,00") && svg.contains("€ 800,00"),
            "direct labels"
        );
        assert!(
            svg.contains("&lt; 5 huishoudens"),
            "a hidden value is said, not drawn"
        );
        assert!(
            svg.contains("url(#arcering)"),
            "the second series is hatched"
        );
    }
}
