//! The maatwerkcanvas: scenario lines, the breakthrough's cost, the value
//! triangle, and versions (an approved version is frozen).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::bsn::{BsnFound, ensure_no_bsn};
use crate::catalogue::Unit;
use crate::money::{Money, MoneyError, Percentage};
use crate::stream::StreamCode;

/// A unit price above this is not a realistic cost line (ten million euros).
pub const MAX_UNIT_PRICE_EUROS: i64 = 10_000_000;
/// More than this many units on one line is not realistic.
pub const MAX_QUANTITY: i64 = 100_000;
/// The longest horizon and the latest start month (ten years).
pub const MAX_MONTHS: u16 = 120;
/// Free text fields are at most this many characters.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// Lines per scenario; more is a tampered form, not a household.
pub const MAX_LINES: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanvasError {
    #[error("Het aantal moet groter dan nul zijn.")]
    QuantityNotPositive,
    #[error("Het aantal is onrealistisch groot (hoogstens 100.000).")]
    QuantityTooLarge,
    #[error("Een aantal heeft hoogstens drie cijfers achter de komma.")]
    QuantityPrecision,
    #[error("Een prijs kan niet negatief zijn.")]
    NegativePrice,
    #[error("De prijs is onrealistisch hoog (hoogstens € 10.000.000 per eenheid).")]
    PriceTooLarge,
    #[error("De startmaand ligt tussen 1 en 120.")]
    StartMonth,
    #[error("De looptijd is minstens 1 en hoogstens 120 maanden.")]
    Duration,
    #[error("De horizon is minstens 1 en hoogstens 120 maanden.")]
    Horizon,
    #[error("Een vrije regel heeft een omschrijving en een reden nodig.")]
    FreeItemIncomplete,
    #[error(
        "Een kostenpost van de doorbraak heeft een omschrijving en een bedrag groter dan nul nodig."
    )]
    CostLineIncomplete,
    #[error("Het veld '{field}' is te lang (hoogstens 4.000 tekens).")]
    TextTooLong { field: String },
    #[error("{field}: {found}")]
    Privacy { field: String, found: BsnFound },
    #[error("Deze versie van het canvas is vastgesteld en kan niet meer worden gewijzigd.")]
    Frozen,
    #[error("Het canvas is nog niet compleet: {}.", .0.join(", "))]
    Incomplete(Vec<&'static str>),
    #[error("Een scenario heeft hoogstens 100 regels.")]
    TooManyLines,
    #[error(transparent)]
    Money(#[from] MoneyError),
}

/// A positive quantity, at most [`MAX_QUANTITY`], with at most three decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Quantity(Decimal);

impl Quantity {
    pub fn new(value: Decimal) -> Result<Quantity, CanvasError> {
        if value <= Decimal::ZERO {
            return Err(CanvasError::QuantityNotPositive);
        }
        if value > Decimal::from(MAX_QUANTITY) {
            return Err(CanvasError::QuantityTooLarge);
        }
        let value = value.normalize();
        if value.scale() > 3 {
            return Err(CanvasError::QuantityPrecision);
        }
        Ok(Quantity(value))
    }

    pub fn one() -> Quantity {
        Quantity(Decimal::ONE)
    }

    pub fn value(self) -> Decimal {
        self.0
    }
}

/// With a decimal comma: `1,5`.
impl std::fmt::Display for Quantity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.normalize().to_string().replace('.', ","))
    }
}

impl TryFrom<Decimal> for Quantity {
    type Error = CanvasError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Quantity::new(value)
    }
}

impl From<Quantity> for Decimal {
    fn from(value: Quantity) -> Self {
        value.0
    }
}

/// The period over which the return is calculated, in months (default 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u16", into = "u16")]
pub struct Horizon(u16);

impl Horizon {
    pub const DEFAULT: Horizon = Horizon(12);

    pub fn months(months: u16) -> Result<Horizon, CanvasError> {
        if (1..=MAX_MONTHS).contains(&months) {
            Ok(Horizon(months))
        } else {
            Err(CanvasError::Horizon)
        }
    }

    pub fn get(self) -> u16 {
        self.0
    }
}

impl Default for Horizon {
    fn default() -> Self {
        Horizon::DEFAULT
    }
}

impl TryFrom<u16> for Horizon {
    type Error = CanvasError;
    fn try_from(value: u16) -> Result<Self, Self::Error> {
        Horizon::months(value)
    }
}

impl From<Horizon> for u16 {
    fn from(value: Horizon) -> Self {
        value.0
    }
}

/// What a scenario line prices: a catalogue item, or a free item with a reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LineItem {
    Catalogue { code: String, name: String },
    Free { description: String, reason: String },
}

impl LineItem {
    pub fn label(&self) -> &str {
        match self {
            LineItem::Catalogue { name, .. } => name,
            LineItem::Free { description, .. } => description,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ScenarioLineFields")]
pub struct ScenarioLine {
    stream: StreamCode,
    item: LineItem,
    unit: Unit,
    quantity: Quantity,
    unit_price: Money,
    probability: Percentage,
    start_month: u16,
    duration_months: u16,
}

/// The unvalidated fields of a scenario line (the serde and form shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioLineFields {
    pub stream: StreamCode,
    pub item: LineItem,
    pub unit: Unit,
    pub quantity: Quantity,
    pub unit_price: Money,
    pub probability: Percentage,
    pub start_month: u16,
    pub duration_months: u16,
}

impl TryFrom<ScenarioLineFields> for ScenarioLine {
    type Error = CanvasError;
    fn try_from(f: ScenarioLineFields) -> Result<Self, Self::Error> {
        ScenarioLine::new(f)
    }
}

impl ScenarioLine {
    pub fn new(f: ScenarioLineFields) -> Result<ScenarioLine, CanvasError> {
        if f.unit_price.is_negative() {
            return Err(CanvasError::NegativePrice);
        }
        if f.unit_price > Money::from_euros(MAX_UNIT_PRICE_EUROS)? {
            return Err(CanvasError::PriceTooLarge);
        }
        if !(1..=MAX_MONTHS).contains(&f.start_month) {
            return Err(CanvasError::StartMonth);
        }
        if !(1..=MAX_MONTHS).contains(&f.duration_months) {
            return Err(CanvasError::Duration);
        }
        if let LineItem::Free {
            description,
            reason,
        } = &f.item
        {
            if description.trim().is_empty() || reason.trim().is_empty() {
                return Err(CanvasError::FreeItemIncomplete);
            }
            check_text("omschrijving", description)?;
            check_text("reden", reason)?;
        }
        Ok(ScenarioLine {
            stream: f.stream,
            item: f.item,
            unit: f.unit,
            quantity: f.quantity,
            unit_price: f.unit_price,
            probability: f.probability,
            start_month: f.start_month,
            duration_months: f.duration_months,
        })
    }

    pub fn stream(&self) -> StreamCode {
        self.stream
    }
    pub fn item(&self) -> &LineItem {
        &self.item
    }
    pub fn unit(&self) -> Unit {
        self.unit
    }
    pub fn quantity(&self) -> Quantity {
        self.quantity
    }
    pub fn unit_price(&self) -> Money {
        self.unit_price
    }
    pub fn probability(&self) -> Percentage {
        self.probability
    }
    pub fn start_month(&self) -> u16 {
        self.start_month
    }
    pub fn duration_months(&self) -> u16 {
        self.duration_months
    }

    pub fn fields(&self) -> ScenarioLineFields {
        ScenarioLineFields {
            stream: self.stream,
            item: self.item.clone(),
            unit: self.unit,
            quantity: self.quantity,
            unit_price: self.unit_price,
            probability: self.probability,
            start_month: self.start_month,
            duration_months: self.duration_months,
        }
    }
}

/// Checks a free-text field: length and no BSN.
pub fn check_text(field: &str, text: &str) -> Result<(), CanvasError> {
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(CanvasError::TextTooLong {
            field: field.to_string(),
        });
    }
    ensure_no_bsn(text).map_err(|found| CanvasError::Privacy {
        field: field.to_string(),
        found,
    })
}

/// A cost of the breakthrough itself; together they are the investment I.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CostLine {
    pub description: String,
    pub supplier: String,
    pub amount: Money,
}

impl CostLine {
    pub fn new(description: &str, supplier: &str, amount: Money) -> Result<CostLine, CanvasError> {
        if description.trim().is_empty() || !amount.is_positive() {
            return Err(CanvasError::CostLineIncomplete);
        }
        if amount > Money::from_euros(MAX_UNIT_PRICE_EUROS)? {
            return Err(CanvasError::PriceTooLarge);
        }
        check_text("kostenpost", description)?;
        check_text("leverancier", supplier)?;
        Ok(CostLine {
            description: description.trim().to_string(),
            supplier: supplier.trim().to_string(),
            amount,
        })
    }
}

/// Which cost lines a standing payment already covers, matched on supplier
/// (case and spacing aside) and amount, each payment once.
pub fn paid_costs(costs: &[CostLine], payments: &[(&str, Money)]) -> Vec<bool> {
    let same = |a: &str, b: &str| a.trim().to_lowercase() == b.trim().to_lowercase();
    let mut unused: Vec<(&str, Money)> = payments.to_vec();
    costs
        .iter()
        .map(|c| {
            match unused
                .iter()
                .position(|(s, m)| *m == c.amount && same(s, &c.supplier))
            {
                Some(i) => {
                    unused.swap_remove(i);
                    true
                }
                None => false,
            }
        })
        .collect()
}

/// A judgement of the plan against the threatening scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Judgement {
    Better,
    Equal,
    Worse,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriangleJudgement {
    pub judgement: Judgement,
    pub justification: String,
}

/// The value triangle (*waardendriehoek*): the plan must score better than the
/// threatening scenario on legitimacy, return and involvement.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ValueTriangle {
    pub legitimacy: Option<TriangleJudgement>,
    pub return_: Option<TriangleJudgement>,
    pub involvement: Option<TriangleJudgement>,
}

impl ValueTriangle {
    /// Every corner judged *better*, each with a justification.
    pub fn is_complete(&self) -> bool {
        [&self.legitimacy, &self.return_, &self.involvement]
            .iter()
            .all(|j| {
                j.as_ref().is_some_and(|j| {
                    j.judgement == Judgement::Better && !j.justification.trim().is_empty()
                })
            })
    }
}

/// A rule, provision or organisation that blocked the household (*knelpunt*).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocker {
    /// The law or scheme it sits in: a code from the administrator's list of
    /// laws, which holds every financing stream and laws that are not one
    /// (Toeslagen, DUO, Woningwet…). Law codes have the form of stream codes.
    pub law: StreamCode,
    pub rule: String,
    pub organisation: String,
    pub description: String,
    /// None only in canvases saved before knelpunten had a category, and in
    /// drafts: a canvas is submitted with a category for each knelpunt.
    #[serde(default)]
    pub category: Option<BlockerCategory>,
}

/// What kind of knelpunt it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockerCategory {
    /// A rule of a law or regulation.
    Rule,
    /// How an organisation carries it out.
    Execution,
    /// Organisations that do not work together.
    Cooperation,
    /// Money that cannot move between budgets.
    Financing,
}

impl BlockerCategory {
    pub const ALL: [BlockerCategory; 4] = [
        BlockerCategory::Rule,
        BlockerCategory::Execution,
        BlockerCategory::Cooperation,
        BlockerCategory::Financing,
    ];

    pub fn code(self) -> &'static str {
        match self {
            BlockerCategory::Rule => "rule",
            BlockerCategory::Execution => "execution",
            BlockerCategory::Cooperation => "cooperation",
            BlockerCategory::Financing => "financing",
        }
    }

    pub fn from_code(code: &str) -> Option<BlockerCategory> {
        BlockerCategory::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label_nl(self) -> &'static str {
        match self {
            BlockerCategory::Rule => "Regel",
            BlockerCategory::Execution => "Uitvoering",
            BlockerCategory::Cooperation => "Samenwerking",
            BlockerCategory::Financing => "Financiering",
        }
    }
}

/// The life domains a canvas can name (after the Zelfredzaamheid-Matrix).
/// A canvas may hold others, typed before this list existed: they are kept.
pub const LIFE_DOMAINS: [&str; 13] = [
    "Financiën",
    "Werk en dagbesteding",
    "Huisvesting",
    "Huiselijke relaties",
    "Geestelijke gezondheid",
    "Lichamelijke gezondheid",
    "Verslaving",
    "Algemene dagelijkse levensverrichtingen",
    "Sociaal netwerk",
    "Maatschappelijke participatie",
    "Justitie",
    "Opvoeding en ontwikkeling kinderen",
    "Onderwijs",
];

/// The text parts of a canvas. All free text is checked for BSNs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CanvasTexts {
    pub situation: String,
    pub goal: String,
    pub providers: String,
    pub breakthrough: String,
    pub legal_basis: String,
    pub threatening_summary: String,
    pub realistic_summary: String,
}

/// An editable canvas version.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Canvas {
    pub version: u32,
    pub horizon: Horizon,
    pub texts: CanvasTexts,
    pub life_domains: Vec<String>,
    pub blockers: Vec<Blocker>,
    pub threatening: Vec<ScenarioLine>,
    pub realistic: Vec<ScenarioLine>,
    pub costs: Vec<CostLine>,
    pub triangle: ValueTriangle,
}

impl Canvas {
    pub fn new_draft(horizon: Horizon) -> Canvas {
        Canvas {
            version: 1,
            horizon,
            ..Canvas::default()
        }
    }

    /// The investment I: the sum of the breakthrough's cost lines.
    pub fn investment(&self) -> Result<Money, CanvasError> {
        Ok(Money::sum(self.costs.iter().map(|c| c.amount))?)
    }

    /// At most [`MAX_LINES`] lines per scenario.
    pub fn check_size(&self) -> Result<(), CanvasError> {
        if self.threatening.len() > MAX_LINES || self.realistic.len() > MAX_LINES {
            return Err(CanvasError::TooManyLines);
        }
        Ok(())
    }

    /// Adds lines from an earlier canvas or a template after the ones it has.
    pub fn append_lines(
        &mut self,
        threatening: &[ScenarioLine],
        realistic: &[ScenarioLine],
    ) -> Result<(), CanvasError> {
        if self.threatening.len() + threatening.len() > MAX_LINES
            || self.realistic.len() + realistic.len() > MAX_LINES
        {
            return Err(CanvasError::TooManyLines);
        }
        self.threatening.extend_from_slice(threatening);
        self.realistic.extend_from_slice(realistic);
        Ok(())
    }

    /// Every free-text field: length and no BSN.
    pub fn check_privacy(&self) -> Result<(), CanvasError> {
        let t = &self.texts;
        let fields = [
            ("situatie", &t.situation),
            ("perspectief", &t.goal),
            ("betrokken hulpverlening", &t.providers),
            ("doorbraak", &t.breakthrough),
            ("wettelijke grondslag", &t.legal_basis),
            ("dreigend scenario", &t.threatening_summary),
            ("reëel scenario", &t.realistic_summary),
        ];
        for (field, text) in fields {
            check_text(field, text)?;
        }
        for domain in &self.life_domains {
            check_text("leefgebied", domain)?;
        }
        for b in &self.blockers {
            check_text("knelpunt", &b.rule)?;
            check_text("knelpunt", &b.organisation)?;
            check_text("knelpunt", &b.description)?;
        }
        let triangle = [
            &self.triangle.legitimacy,
            &self.triangle.return_,
            &self.triangle.involvement,
        ];
        for j in triangle.into_iter().flatten() {
            check_text("waardendriehoek", &j.justification)?;
        }
        Ok(())
    }

    /// What a canvas needs before it can be submitted.
    pub fn check_submittable(&self) -> Result<(), CanvasError> {
        self.check_privacy()?;
        let mut missing = Vec::new();
        if self.texts.situation.trim().is_empty() {
            missing.push("situatie");
        }
        if self.texts.goal.trim().is_empty() {
            missing.push("perspectief van het huishouden");
        }
        if self.blockers.is_empty() {
            missing.push("minstens één knelpunt");
        }
        if self.blockers.iter().any(|b| b.category.is_none()) {
            missing.push("de categorie van elk knelpunt");
        }
        if self.texts.legal_basis.trim().is_empty() {
            missing.push("wettelijke grondslag");
        }
        if self.costs.is_empty() {
            missing.push("kosten van de doorbraak");
        }
        if self.threatening.is_empty() {
            missing.push("dreigend scenario");
        }
        if !self.triangle.is_complete() {
            missing.push("waardendriehoek (drie keer 'beter', met toelichting)");
        }
        if missing.is_empty() {
            Ok(())
        } else {
            Err(CanvasError::Incomplete(missing))
        }
    }

    /// Freezes this version (on approval).
    pub fn freeze(self) -> FrozenCanvas {
        FrozenCanvas(self)
    }
}

/// An approved canvas version: read-only. A revision is a new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrozenCanvas(Canvas);

impl FrozenCanvas {
    pub fn canvas(&self) -> &Canvas {
        &self.0
    }

    /// Starts the next version from this one.
    pub fn revise(&self) -> Canvas {
        let mut next = self.0.clone();
        next.version = self.0.version.saturating_add(1);
        next
    }
}

/// Erasure at the end of retention (see [`crate::retention`]): every free
/// text of a canvas is blanked to the marker, while the horizon, life
/// domains, the coded knelpunten (law, rule, organisation, category), the
/// catalogue codes, every line's figures and every amount stay — so the
/// return calculated from it stays to the cent.
impl Canvas {
    pub fn erased(&self) -> Canvas {
        use crate::retention::erased_text as blank;
        let line = |l: &ScenarioLine| ScenarioLine {
            item: match &l.item {
                LineItem::Catalogue { .. } => l.item.clone(),
                LineItem::Free {
                    description,
                    reason,
                } => LineItem::Free {
                    description: blank(description),
                    reason: blank(reason),
                },
            },
            ..l.clone()
        };
        let judged = |j: &Option<TriangleJudgement>| {
            j.as_ref().map(|j| TriangleJudgement {
                judgement: j.judgement,
                justification: blank(&j.justification),
            })
        };
        let t = &self.texts;
        Canvas {
            version: self.version,
            horizon: self.horizon,
            texts: CanvasTexts {
                situation: blank(&t.situation),
                goal: blank(&t.goal),
                providers: blank(&t.providers),
                breakthrough: blank(&t.breakthrough),
                legal_basis: blank(&t.legal_basis),
                threatening_summary: blank(&t.threatening_summary),
                realistic_summary: blank(&t.realistic_summary),
            },
            life_domains: self.life_domains.clone(),
            blockers: self
                .blockers
                .iter()
                .map(|b| Blocker {
                    description: blank(&b.description),
                    ..b.clone()
                })
                .collect(),
            threatening: self.threatening.iter().map(line).collect(),
            realistic: self.realistic.iter().map(line).collect(),
            costs: self
                .costs
                .iter()
                .map(|c| CostLine {
                    description: blank(&c.description),
                    supplier: blank(&c.supplier),
                    amount: c.amount,
                })
                .collect(),
            triangle: ValueTriangle {
                legitimacy: judged(&self.triangle.legitimacy),
                return_: judged(&self.triangle.return_),
                involvement: judged(&self.triangle.involvement),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn a_payment_covers_one_cost_line_of_its_supplier_and_amount() {
        let m = |e| Money::from_euros(e).expect("money");
        let costs = [
            CostLine::new("Huurschuld", "Woonbron", m(900)).expect("cost"),
            CostLine::new("Huurschuld", "Woonbron", m(900)).expect("cost"),
            CostLine::new("Fiets", "Fietsenmaker", m(250)).expect("cost"),
        ];
        assert_eq!(paid_costs(&costs, &[]), [false, false, false]);
        assert_eq!(
            paid_costs(&costs, &[(" woonbron ", m(900)), ("Fietsenmaker", m(200))]),
            [true, false, false]
        );
    }

    pub(crate) fn line(
        stream: StreamCode,
        unit: Unit,
        price_cents: i64,
        start: u16,
        duration: u16,
    ) -> ScenarioLine {
        ScenarioLine::new(ScenarioLineFields {
            stream,
            item: LineItem::Catalogue {
                code: "X".into(),
                name: "X".into(),
            },
            unit,
            quantity: Quantity::one(),
            unit_price: Money::from_cents(price_cents).expect("m"),
            probability: Percentage::HUNDRED,
            start_month: start,
            duration_months: duration,
        })
        .expect("line")
    }

    #[test]
    fn an_erased_canvas_keeps_every_figure_and_code_but_no_text() {
        let m = |e| Money::from_euros(e).expect("money");
        let mut canvas = Canvas::new_draft(Horizon::DEFAULT);
        canvas.texts.situation = "Gezin aan de Dorpsstraat 4 met schulden".into();
        canvas.texts.goal = "Huis behouden".into();
        canvas.life_domains = vec!["wonen".into()];
        canvas.blockers.push(Blocker {
            law: StreamCode::WMO,
            rule: "art. 2.3.5".into(),
            organisation: "Woonbron".into(),
            description: "Mevrouw kreeg geen beschikking".into(),
            category: Some(BlockerCategory::ALL[0]),
        });
        canvas
            .threatening
            .push(line(StreamCode::WMO, Unit::PerMonth, 12_345, 1, 12));
        let mut free = line(StreamCode::JEUGDWET, Unit::OneOff, 99_999, 2, 1).fields();
        free.item = LineItem::Free {
            description: "Uithuisplaatsing van zoon".into(),
            reason: "Niet in catalogus".into(),
        };
        canvas
            .threatening
            .push(ScenarioLine::new(free).expect("line"));
        canvas
            .realistic
            .push(line(StreamCode::WMO, Unit::OneOff, 500, 1, 1));
        canvas
            .costs
            .push(CostLine::new("Huurschuld", "Woonbron", m(900)).expect("cost"));
        canvas.triangle.legitimacy = Some(TriangleJudgement {
            judgement: Judgement::Better,
            justification: "Kinderen blijven thuis".into(),
        });
        let erased = canvas.erased();
        let known = [StreamCode::WMO, StreamCode::JEUGDWET]
            .into_iter()
            .collect();
        assert_eq!(
            crate::returns::calculate_canvas(&erased, &known).expect("calc"),
            crate::returns::calculate_canvas(&canvas, &known).expect("calc")
        );
        assert_eq!(erased.investment(), canvas.investment());
        let json = serde_json::to_string(&erased).expect("json");
        for text in [
            "Dorpsstraat",
            "Huis behouden",
            "Mevrouw",
            "zoon",
            "catalogus",
            "Huurschuld",
            "Kinderen",
        ] {
            assert!(!json.contains(text), "{text} survived erasure: {json}");
        }
        assert_eq!(erased.blockers[0].rule, "art. 2.3.5");
        assert_eq!(erased.blockers[0].law, StreamCode::WMO);
        assert_eq!(erased.blockers[0].category, canvas.blockers[0].category);
        assert_eq!(erased.life_domains, canvas.life_domains);
        assert_eq!(erased.erased(), erased, "erasing twice changes nothing");
    }

    #[test]
    fn copied_lines_come_after_the_own_ones_up_to_the_maximum() {
        let mut canvas = Canvas::new_draft(Horizon::DEFAULT);
        canvas
            .threatening
            .push(line(StreamCode::WMO, Unit::PerMonth, 100, 1, 12));
        let source = vec![line(StreamCode::JEUGDWET, Unit::OneOff, 500, 2, 1); 2];
        canvas
            .append_lines(&source, &source[..1])
            .expect("room for three");
        assert_eq!(canvas.threatening.len(), 3);
        assert_eq!(canvas.threatening[0].stream(), StreamCode::WMO);
        assert_eq!(canvas.realistic.len(), 1);
        let many = vec![line(StreamCode::WMO, Unit::OneOff, 1, 1, 1); MAX_LINES - 2];
        assert_eq!(
            canvas.append_lines(&many, &[]),
            Err(CanvasError::TooManyLines)
        );
        assert_eq!(canvas.threatening.len(), 3, "a refused copy adds nothing");
        canvas.threatening.extend(many);
        assert_eq!(canvas.check_size(), Err(CanvasError::TooManyLines));
    }

    #[test]
    fn a_line_refuses_bad_numbers() {
        let ok = line(StreamCode::WMO, Unit::PerMonth, 100, 1, 12).fields();
        let with = |f: fn(&mut ScenarioLineFields)| {
            let mut fields = ok.clone();
            f(&mut fields);
            ScenarioLine::new(fields)
        };
        assert_eq!(with(|f| f.duration_months = 0), Err(CanvasError::Duration));
        assert_eq!(with(|f| f.start_month = 0), Err(CanvasError::StartMonth));
        assert_eq!(
            with(|f| f.unit_price = Money::from_cents(-1).expect("m")),
            Err(CanvasError::NegativePrice)
        );
        assert_eq!(
            with(|f| f.unit_price = Money::from_euros(10_000_001).expect("m")),
            Err(CanvasError::PriceTooLarge)
        );
        assert_eq!(
            with(|f| f.item = LineItem::Free {
                description: "Iets".into(),
                reason: " ".into()
            }),
            Err(CanvasError::FreeItemIncomplete)
        );
        assert!(matches!(
            with(|f| f.item = LineItem::Free {
                description: "BSN 123456782".into(),
                reason: "r".into()
            }),
            Err(CanvasError::Privacy { .. })
        ));
    }

    #[test]
    fn quantities_are_positive_and_bounded() {
        assert_eq!(
            Quantity::new(dec!(0)),
            Err(CanvasError::QuantityNotPositive)
        );
        assert_eq!(
            Quantity::new(dec!(-2)),
            Err(CanvasError::QuantityNotPositive)
        );
        assert_eq!(
            Quantity::new(dec!(100001)),
            Err(CanvasError::QuantityTooLarge)
        );
        assert_eq!(
            Quantity::new(dec!(1.0001)),
            Err(CanvasError::QuantityPrecision)
        );
        assert!(Quantity::new(dec!(2.5)).is_ok());
        assert!(serde_json::from_str::<Quantity>("\"-1\"").is_err());
    }

    #[test]
    fn a_canvas_without_the_value_triangle_cannot_be_submitted() {
        let mut canvas = Canvas::new_draft(Horizon::DEFAULT);
        canvas.texts.situation = "Huurachterstand, dreigende uitzetting".into();
        canvas.texts.goal = "Blijven wonen".into();
        canvas.texts.legal_basis = "Wmo art. 2.3.5".into();
        canvas.blockers.push(Blocker {
            law: StreamCode::PARTICIPATIEWET,
            rule: "Geen bijzondere bijstand voor schulden".into(),
            organisation: "Gemeente".into(),
            description: String::new(),
            category: Some(BlockerCategory::Rule),
        });
        canvas.costs.push(
            CostLine::new(
                "Aflossen huurachterstand",
                "Corporatie",
                Money::from_euros(3000).expect("m"),
            )
            .expect("c"),
        );
        canvas
            .threatening
            .push(line(StreamCode::WMO, Unit::PerDay, 4100, 3, 10));
        assert!(
            matches!(canvas.check_submittable(), Err(CanvasError::Incomplete(m)) if m.len() == 1)
        );
        let better = |t: &str| {
            Some(TriangleJudgement {
                judgement: Judgement::Better,
                justification: t.into(),
            })
        };
        canvas.triangle = ValueTriangle {
            legitimacy: better("Binnen de hardheidsclausule"),
            return_: better("Ratio 5"),
            involvement: better("Gezin wil dit"),
        };
        assert_eq!(canvas.check_submittable(), Ok(()));
        canvas.texts.providers = "contact via 111 222 333".into();
        assert!(matches!(
            canvas.check_submittable(),
            Err(CanvasError::Privacy { .. })
        ));
    }

    #[test]
    fn a_frozen_canvas_is_revised_into_a_new_version() {
        let frozen = Canvas::new_draft(Horizon::DEFAULT).freeze();
        let next = frozen.revise();
        assert_eq!(next.version, 2);
        assert_eq!(frozen.canvas().version, 1);
    }
}
