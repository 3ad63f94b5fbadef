//! The worked examples of the chargeback and return rules, through the public
//! API only. Every figure here must come out exactly.

use doorbraak::canvas::{Horizon, LineItem, Quantity, ScenarioLine, ScenarioLineFields};
use doorbraak::catalogue::Unit;
use doorbraak::chargeback::{AgreementTerms, ChargeKind, StreamAvoided, beneficiary_key};
use doorbraak::returns::line_total;
use doorbraak::stream::StreamKind;
use doorbraak::{Money, Percentage, StreamCode};

fn eur(s: &str) -> Money {
    Money::parse(s).expect("amount")
}

fn internal(stream: StreamCode, avoided: &str) -> StreamAvoided {
    StreamAvoided {
        stream,
        kind: StreamKind::Internal,
        avoided: eur(avoided),
        agreement: None,
    }
}

fn zvw(avoided: &str, agreement: bool) -> StreamAvoided {
    StreamAvoided {
        stream: StreamCode::ZVW,
        kind: StreamKind::External,
        avoided: eur(avoided),
        agreement: agreement.then_some(AgreementTerms {
            agreement: 1,
            payer_share: Percentage::HUNDRED,
            cap_remaining: None,
        }),
    }
}

fn groningen_case(with_agreement: bool) -> Vec<StreamAvoided> {
    vec![
        internal(StreamCode::PARTICIPATIEWET, "6.000,00"),
        internal(StreamCode::JEUGDWET, "12.000,00"),
        internal(StreamCode::WGS, "2.000,00"),
        zvw("5.000,00", with_agreement),
        internal(StreamCode::WMO, "-1.500,00"),
    ]
}

#[test]
fn beneficiary_key_without_a_zvw_agreement() {
    let a = beneficiary_key(eur("3.000,00"), StreamCode::WMO, &groningen_case(false))
        .expect("allocation");
    assert_eq!(a.charge_for(StreamCode::PARTICIPATIEWET), eur("900,00"));
    assert_eq!(a.charge_for(StreamCode::JEUGDWET), eur("1.800,00"));
    assert_eq!(a.charge_for(StreamCode::WGS), eur("300,00"));
    assert_eq!(a.charge_for(StreamCode::ZVW), Money::ZERO);
    assert_eq!(a.residual(), eur("0,00"));
    assert_eq!(a.not_charged(), &[StreamCode::ZVW]);
}

#[test]
fn beneficiary_key_with_a_zvw_agreement() {
    let a = beneficiary_key(eur("3.000,00"), StreamCode::WMO, &groningen_case(true))
        .expect("allocation");
    assert_eq!(a.charge_for(StreamCode::PARTICIPATIEWET), eur("720,00"));
    assert_eq!(a.charge_for(StreamCode::JEUGDWET), eur("1.440,00"));
    assert_eq!(a.charge_for(StreamCode::WGS), eur("240,00"));
    assert_eq!(a.charge_for(StreamCode::ZVW), eur("600,00"));
    let zvw = a
        .charges()
        .iter()
        .find(|c| c.stream == StreamCode::ZVW)
        .expect("zvw");
    assert_eq!(zvw.kind, ChargeKind::Claim);
    assert_eq!(a.residual(), Money::ZERO);
}

#[test]
fn a_stream_is_never_charged_more_than_it_avoided() {
    let avoided = [
        internal(StreamCode::PARTICIPATIEWET, "1.000,00"),
        internal(StreamCode::JEUGDWET, "1.000,00"),
    ];
    let a = beneficiary_key(eur("5.000,00"), StreamCode::WMO, &avoided).expect("allocation");
    assert_eq!(a.charge_for(StreamCode::PARTICIPATIEWET), eur("1.000,00"));
    assert_eq!(a.charge_for(StreamCode::JEUGDWET), eur("1.000,00"));
    assert_eq!(a.residual(), eur("3.000,00"));
}

#[test]
fn the_wmo_share_is_never_charged_elsewhere() {
    let avoided = [
        internal(StreamCode::WMO, "2.000,00"),
        internal(StreamCode::PARTICIPATIEWET, "2.000,00"),
    ];
    let a = beneficiary_key(eur("1.000,00"), StreamCode::WMO, &avoided).expect("allocation");
    assert_eq!(a.charge_for(StreamCode::PARTICIPATIEWET), eur("500,00"));
    assert_eq!(a.charge_for(StreamCode::WMO), Money::ZERO);
    assert_eq!(a.residual(), eur("500,00"));
}

#[test]
fn cents_are_split_by_largest_remainder() {
    let avoided = [
        internal(StreamCode::PARTICIPATIEWET, "900,00"),
        internal(StreamCode::JEUGDWET, "900,00"),
        internal(StreamCode::WGS, "900,00"),
    ];
    let a = beneficiary_key(eur("100,00"), StreamCode::WMO, &avoided).expect("allocation");
    // Equal remainders: the extra cent goes to the lowest stream code (JW).
    assert_eq!(a.charge_for(StreamCode::JEUGDWET), eur("33,34"));
    assert_eq!(a.charge_for(StreamCode::PARTICIPATIEWET), eur("33,33"));
    assert_eq!(a.charge_for(StreamCode::WGS), eur("33,33"));
    assert_eq!(a.residual(), Money::ZERO);
}

#[test]
fn a_monthly_line_past_the_horizon_counts_only_the_months_inside() {
    let line = ScenarioLine::new(ScenarioLineFields {
        stream: StreamCode::PARTICIPATIEWET,
        item: LineItem::Catalogue {
            code: "PW-03".into(),
            name: "Bijstand".into(),
        },
        unit: Unit::PerMonth,
        quantity: Quantity::one(),
        unit_price: eur("1.401,50"),
        probability: Percentage::HUNDRED,
        start_month: 4,
        duration_months: 24,
    })
    .expect("line");
    assert_eq!(
        line_total(&line, Horizon::DEFAULT).ok(),
        Some(eur("12.613,50"))
    );
}
