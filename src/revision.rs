//! What changed between two versions of a canvas: the approver of a revision
//! reads what the professional changed since the version that was returned.
//!
//! Lines and cost lines are compared as multisets: a line whose figures
//! changed shows as one removed and one added, so nothing changes unseen.

use std::fmt;

use crate::canvas::{Canvas, CostLine, ScenarioLine, TriangleJudgement};
use crate::money::Money;
use crate::returns;

/// One change, said in Dutch by its `Display`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// A text part, by its label.
    Text(&'static str),
    Horizon {
        from: u16,
        to: u16,
    },
    LifeDomains,
    BlockerAdded(String),
    BlockerRemoved(String),
    LineAdded {
        scenario: &'static str,
        line: String,
    },
    LineRemoved {
        scenario: &'static str,
        line: String,
    },
    CostAdded(String),
    CostRemoved(String),
    /// A corner of the value triangle, by its label.
    Triangle(&'static str),
    Investment {
        from: Money,
        to: Money,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Text(label) => write!(f, "{label}: tekst gewijzigd"),
            Change::Horizon { from, to } => {
                write!(f, "Horizon: van {from} naar {to} maanden")
            }
            Change::LifeDomains => write!(f, "Leefgebieden gewijzigd"),
            Change::BlockerAdded(b) => write!(f, "Knelpunt toegevoegd: {b}"),
            Change::BlockerRemoved(b) => write!(f, "Knelpunt verwijderd: {b}"),
            Change::LineAdded { scenario, line } => {
                write!(f, "{scenario}: regel toegevoegd: {line}")
            }
            Change::LineRemoved { scenario, line } => {
                write!(f, "{scenario}: regel verwijderd: {line}")
            }
            Change::CostAdded(c) => write!(f, "Kosten van de doorbraak: toegevoegd: {c}"),
            Change::CostRemoved(c) => write!(f, "Kosten van de doorbraak: verwijderd: {c}"),
            Change::Triangle(corner) => write!(f, "Waardendriehoek, {corner}: gewijzigd"),
            Change::Investment { from, to } => {
                write!(f, "Investering: van {from} naar {to}")
            }
        }
    }
}

/// A scenario line in words: item, stream, quantity, unit, price and total.
pub fn describe_line(line: &ScenarioLine, horizon: crate::canvas::Horizon) -> String {
    let total = returns::line_total(line, horizon)
        .map(|t| format!(" = {t}"))
        .unwrap_or_default();
    format!(
        "{} ({}): {} × {} {}, kans {}, maand {} gedurende {} maanden{total}",
        line.item().label(),
        line.stream(),
        line.quantity(),
        line.unit_price(),
        line.unit().label_nl(),
        line.probability(),
        line.start_month(),
        line.duration_months(),
    )
}

fn describe_cost(c: &CostLine) -> String {
    if c.supplier.is_empty() {
        format!("{} {}", c.description, c.amount)
    } else {
        format!("{} bij {} {}", c.description, c.supplier, c.amount)
    }
}

/// The items of `after` not in `before` and of `before` not in `after`,
/// counting duplicates.
fn multiset_diff<'a, T: PartialEq>(before: &'a [T], after: &'a [T]) -> (Vec<&'a T>, Vec<&'a T>) {
    let mut unmatched: Vec<&T> = before.iter().collect();
    let mut added = Vec::new();
    for item in after {
        match unmatched.iter().position(|b| *b == item) {
            Some(i) => {
                unmatched.swap_remove(i);
            }
            None => added.push(item),
        }
    }
    // Keep the order of `before` for what was removed.
    let removed = before
        .iter()
        .enumerate()
        .filter(|(_, b)| unmatched.iter().any(|u| std::ptr::eq(*u, *b)))
        .map(|(_, b)| b)
        .collect();
    (added, removed)
}

/// Everything that differs from `before` to `after`, in canvas order.
pub fn changes(before: &Canvas, after: &Canvas) -> Vec<Change> {
    let mut out = Vec::new();
    let (b, a) = (&before.texts, &after.texts);
    let texts = [
        ("Situatie", &b.situation, &a.situation),
        ("Perspectief van het huishouden", &b.goal, &a.goal),
        ("Betrokken hulpverlening", &b.providers, &a.providers),
        ("Voorgestelde doorbraak", &b.breakthrough, &a.breakthrough),
        ("Wettelijke grondslag", &b.legal_basis, &a.legal_basis),
        (
            "Dreigend scenario (toelichting)",
            &b.threatening_summary,
            &a.threatening_summary,
        ),
        (
            "Reëel scenario (toelichting)",
            &b.realistic_summary,
            &a.realistic_summary,
        ),
    ];
    for (label, was, is) in texts {
        if was.trim() != is.trim() {
            out.push(Change::Text(label));
        }
    }
    if before.horizon != after.horizon {
        out.push(Change::Horizon {
            from: before.horizon.get(),
            to: after.horizon.get(),
        });
    }
    if before.life_domains != after.life_domains {
        out.push(Change::LifeDomains);
    }
    let blocker = |k: &crate::canvas::Blocker| format!("{} ({})", k.rule, k.law);
    let (added, removed) = multiset_diff(&before.blockers, &after.blockers);
    out.extend(
        removed
            .into_iter()
            .map(|k| Change::BlockerRemoved(blocker(k))),
    );
    out.extend(added.into_iter().map(|k| Change::BlockerAdded(blocker(k))));
    for (scenario, was, is) in [
        ("Dreigend scenario", &before.threatening, &after.threatening),
        ("Reëel scenario", &before.realistic, &after.realistic),
    ] {
        let (added, removed) = multiset_diff(was, is);
        out.extend(removed.into_iter().map(|l| Change::LineRemoved {
            scenario,
            line: describe_line(l, before.horizon),
        }));
        out.extend(added.into_iter().map(|l| Change::LineAdded {
            scenario,
            line: describe_line(l, after.horizon),
        }));
    }
    let (added, removed) = multiset_diff(&before.costs, &after.costs);
    out.extend(
        removed
            .into_iter()
            .map(|c| Change::CostRemoved(describe_cost(c))),
    );
    out.extend(
        added
            .into_iter()
            .map(|c| Change::CostAdded(describe_cost(c))),
    );
    if let (Ok(from), Ok(to)) = (before.investment(), after.investment())
        && from != to
    {
        out.push(Change::Investment { from, to });
    }
    let corners: [(&str, &Option<TriangleJudgement>, &Option<TriangleJudgement>); 3] = [
        (
            "legitimiteit",
            &before.triangle.legitimacy,
            &after.triangle.legitimacy,
        ),
        (
            "rendement",
            &before.triangle.return_,
            &after.triangle.return_,
        ),
        (
            "betrokkenheid",
            &before.triangle.involvement,
            &after.triangle.involvement,
        ),
    ];
    for (corner, was, is) in corners {
        if was != is {
            out.push(Change::Triangle(corner));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canvas::{Horizon, Judgement, LineItem, Quantity, ScenarioLineFields};
    use crate::catalogue::Unit;
    use crate::{Percentage, StreamCode};
    use rust_decimal_macros::dec;

    fn line(code: &str, euros: i64) -> ScenarioLine {
        ScenarioLine::new(ScenarioLineFields {
            stream: StreamCode::new("JW").expect("stream"),
            item: LineItem::Catalogue {
                code: code.into(),
                name: format!("Item {code}"),
            },
            unit: Unit::PerMonth,
            quantity: Quantity::new(dec!(1)).expect("quantity"),
            unit_price: Money::from_euros(euros).expect("price"),
            probability: Percentage::new(dec!(100)).expect("percentage"),
            start_month: 1,
            duration_months: 12,
        })
        .expect("line")
    }

    fn canvas() -> Canvas {
        let mut c = Canvas::new_draft(Horizon::months(24).expect("horizon"));
        c.texts.situation = "Huurschuld".into();
        c.threatening = vec![line("A", 100), line("B", 200), line("A", 100)];
        c.costs = vec![
            CostLine::new("Schuld", "Woonbron", Money::from_euros(900).expect("m")).expect("cost"),
        ];
        c
    }

    #[test]
    fn an_unchanged_canvas_has_no_changes() {
        assert!(changes(&canvas(), &canvas()).is_empty());
    }

    #[test]
    fn a_changed_price_shows_as_a_line_removed_and_one_added() {
        let before = canvas();
        let mut after = canvas();
        after.threatening[1] = line("B", 250);
        let c = changes(&before, &after);
        assert_eq!(c.len(), 2, "{c:?}");
        assert!(
            c[0].to_string()
                .starts_with("Dreigend scenario: regel verwijderd: Item B")
        );
        assert!(c[0].to_string().ends_with("= € 2.400,00"), "{}", c[0]);
        assert!(c[1].to_string().contains("€ 250,00"), "{}", c[1]);
    }

    #[test]
    fn a_duplicate_line_removed_is_seen() {
        let before = canvas();
        let mut after = canvas();
        after.threatening.pop();
        let c = changes(&before, &after);
        assert_eq!(c.len(), 1, "{c:?}");
        assert!(matches!(&c[0], Change::LineRemoved { line, .. } if line.starts_with("Item A")));
    }

    #[test]
    fn texts_costs_horizon_and_triangle_are_named() {
        let before = canvas();
        let mut after = canvas();
        after.texts.situation = "Huurschuld en energieschuld".into();
        after.horizon = Horizon::months(36).expect("horizon");
        after.costs.push(
            CostLine::new("Energie", "Eneco", Money::from_euros(100).expect("m")).expect("cost"),
        );
        after.triangle.legitimacy = Some(TriangleJudgement {
            judgement: Judgement::Better,
            justification: "Past in beleid".into(),
        });
        let said: Vec<String> = changes(&before, &after)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            said,
            [
                "Situatie: tekst gewijzigd",
                "Horizon: van 24 naar 36 maanden",
                "Kosten van de doorbraak: toegevoegd: Energie bij Eneco € 100,00",
                "Investering: van € 900,00 naar € 1.000,00",
                "Waardendriehoek, legitimiteit: gewijzigd",
            ]
        );
    }
}
