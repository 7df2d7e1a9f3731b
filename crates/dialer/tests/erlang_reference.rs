//! The `erlang` module against 50-digit references (DESIGN §5.7: closed forms "to 1e-9").
//!
//! Every `REF_*` constant is printed by `tests/reference/erlang_reference.py` (mpmath, 50 digits,
//! textbook formulas written independently of the Rust code) and is quoted here to 25 significant
//! digits. The engine must match each to 1e-9 relative. The design's published figures, rounded to
//! 4–7 digits, are checked against the same references at their own precision: the reference must
//! round to the published digits (within half a unit in the last published place).

// The references keep the script's 25 digits so they can be compared with its output verbatim.
#![allow(clippy::excessive_precision)]

use dialer::erlang;

/// The engine's closed forms must match the references to this relative error.
const RELATIVE: f64 = 1e-9;

/// Asserts `value` is within [`RELATIVE`] of `reference` (exactly equal when the reference is 0).
fn assert_reference(name: &str, value: f64, reference: f64) {
    if reference == 0.0 {
        assert_eq!(value, 0.0, "{name}: {value} vs the reference 0");
        return;
    }
    let error = (value / reference - 1.0).abs();
    assert!(
        error <= RELATIVE,
        "{name}: {value:.17e} vs the reference {reference:.17e} (relative error {error:e})"
    );
}

/// Asserts a published figure, given as it is printed (`"0.1741319"`), is the reference rounded to
/// the published decimal places: `|reference − published| ≤ ½·10^(−places)`.
fn assert_published(name: &str, reference: f64, published: &str) {
    let places = published.split_once('.').map_or(0, |(_, d)| d.len());
    let half_unit = 0.5 * 10f64.powi(-i32::try_from(places).unwrap());
    let value: f64 = published.parse().unwrap();
    assert!(
        (reference - value).abs() <= half_unit,
        "{name}: the reference {reference} does not round to the published {published}"
    );
}

// Erlang C: 100 calls / 30 min, 180 s handle, 14 agents, 20 s target (10 Erlangs).
const REF_C_100_PER_HALF_HOUR_WAIT: f64 = 0.1741319335950498426447070;
const REF_C_100_PER_HALF_HOUR_SL: f64 = 0.8883500191794668842482187;
const REF_C_100_PER_HALF_HOUR_ASA: f64 = 7.835937011777242919011814;
// Erlang C: 2 calls / min, 240 s handle, 10 agents, 30 s target (8 Erlangs).
const REF_C_2_PER_MINUTE_WAIT: f64 = 0.4091801507964435320126117;
const REF_C_2_PER_MINUTE_SL: f64 = 0.6813301781424542488971335;
const REF_C_2_PER_MINUTE_ASA: f64 = 49.10161809557322384151340;
// Erlang B tables.
const REF_B_10_8: f64 = 0.1216610642529515100353386;
const REF_B_20_15: f64 = 0.04559321558981183872955875;
// Erlang A (M/M/n+M): 10 calls / min, 60 s handle, 10 agents, mean patience 2 s.
const REF_A_ABANDON: f64 = 0.2020286000277882355345336;
const REF_A_WAIT: f64 = 0.2605317503698410645769669;
const REF_A_OCCUPANCY: f64 = 0.7979713999722117644654664;
// M/M/n+D: 10 calls / min, 60 s handle, 10 agents, fixed patience 2 s.
const REF_D2_ABANDON: f64 = 0.2002583728185882149987562;
const REF_D2_WAIT: f64 = 0.2670111637581176199983415;
const REF_D2_OCCUPANCY: f64 = 0.7997416271814117850012438;
const REF_D2_MEAN_WAIT: f64 = 0.08346794598499414602568911;
const REF_D2_P90_WAIT: f64 = 0.0;
// M/M/n+D: the same with fixed patience 10 s.
const REF_D10_ABANDON: f64 = 0.1580557287471692008240410;
const REF_D10_WAIT: f64 = 0.4214819433257845355307761;
const REF_D10_OCCUPANCY: f64 = 0.8419442712528307991759590;
const REF_D10_MEAN_WAIT: f64 = 1.564392226261196492829867;
const REF_D10_P90_WAIT: f64 = 6.803870592000000000000000;
// M/M/n+D: 8 calls / min (λ < nμ), fixed patience 10 s.
const REF_D10_LIGHT_ABANDON: f64 = 0.07660625127458382565401098;
const REF_D10_LIGHT_WAIT: f64 = 0.2281381754920460466287967;
const REF_D10_LIGHT_OCCUPANCY: f64 = 0.7387149989803329394767912;
const REF_D10_LIGHT_MEAN_WAIT: f64 = 0.7750162525818466138663246;
const REF_D10_LIGHT_P90_WAIT: f64 = 3.520654572879387270388975;
// M/M/n+D: 12 calls / min (λ > nμ), fixed patience 10 s.
const REF_D10_HEAVY_ABANDON: f64 = 0.2454577173831782028288429;
const REF_D10_HEAVY_WAIT: f64 = 0.5933556046639719704487070;
const REF_D10_HEAVY_OCCUPANCY: f64 = 0.9054507391401861566053885;
const REF_D10_HEAVY_MEAN_WAIT: f64 = 2.433195982560257364097945;
const REF_D10_HEAVY_P90_WAIT: f64 = 8.096452924310497748365795;
// Engset: 15 sources, 10 servers, β = 0.25 / 20 · 60 = 0.75.
const REF_ENGSET_CALL: f64 = 0.02247626548088719355865445;
const REF_ENGSET_TIME: f64 = 0.03890550530981149879023898;
const REF_ENGSET_OCCUPANCY: f64 = 0.6345202488621832502592345;

#[test]
fn erlang_c_100_calls_per_half_hour() {
    let traffic = 100.0 / 1_800.0 * 180.0;
    let (wait, sl, asa) = (
        erlang::erlang_c(14, traffic),
        erlang::service_level(14, traffic, 180.0, 20.0),
        erlang::average_speed_of_answer(14, traffic, 180.0),
    );
    assert_reference("P(wait)", wait, REF_C_100_PER_HALF_HOUR_WAIT);
    assert_reference("service level", sl, REF_C_100_PER_HALF_HOUR_SL);
    assert_reference("ASA", asa, REF_C_100_PER_HALF_HOUR_ASA);
    assert_published("P(wait)", REF_C_100_PER_HALF_HOUR_WAIT, "0.1741319");
    assert_published("service level", REF_C_100_PER_HALF_HOUR_SL, "0.8883500");
    assert_published("ASA", REF_C_100_PER_HALF_HOUR_ASA, "7.835937");
    assert_reference("occupancy", erlang::occupancy(14, traffic), 10.0 / 14.0);
}

#[test]
fn erlang_c_2_calls_per_minute() {
    let traffic = 2.0 / 60.0 * 240.0;
    let (wait, sl, asa) = (
        erlang::erlang_c(10, traffic),
        erlang::service_level(10, traffic, 240.0, 30.0),
        erlang::average_speed_of_answer(10, traffic, 240.0),
    );
    assert_reference("P(wait)", wait, REF_C_2_PER_MINUTE_WAIT);
    assert_reference("service level", sl, REF_C_2_PER_MINUTE_SL);
    assert_reference("ASA", asa, REF_C_2_PER_MINUTE_ASA);
    assert_published("P(wait)", REF_C_2_PER_MINUTE_WAIT, "0.4091802");
    assert_published("service level", REF_C_2_PER_MINUTE_SL, "0.6813302");
    assert_published("ASA", REF_C_2_PER_MINUTE_ASA, "49.10162");
}

#[test]
fn erlang_b_tables() {
    assert_reference("B(10, 8)", erlang::erlang_b(10, 8.0), REF_B_10_8);
    assert_reference("B(20, 15)", erlang::erlang_b(20, 15.0), REF_B_20_15);
    assert_published("B(10, 8)", REF_B_10_8, "0.1216611");
    assert_published("B(20, 15)", REF_B_20_15, "0.0455932");
    // The simulation check quotes it to 5 digits.
    assert_published("B(10, 8)", REF_B_10_8, "0.12166");
}

#[test]
fn erlang_a_10_calls_per_minute() {
    let a = erlang::erlang_a(10.0 / 60.0, 60.0, 10, 2.0);
    assert_reference("P(abandon)", a.abandon_probability, REF_A_ABANDON);
    assert_reference("P(wait)", a.wait_probability, REF_A_WAIT);
    assert_reference("occupancy", a.occupancy, REF_A_OCCUPANCY);
    assert_published("P(abandon)", REF_A_ABANDON, "0.202029");
    // The simulation check quotes abandon and occupancy to 4 digits.
    assert_published("P(abandon)", REF_A_ABANDON, "0.2020");
    assert_published("occupancy", REF_A_OCCUPANCY, "0.7980");
}

#[test]
fn fixed_patience_at_below_and_above_capacity() {
    let handle = 60.0;
    for (per_minute, patience, abandon, wait, occupancy, mean, p90) in [
        (
            10.0,
            2.0,
            REF_D2_ABANDON,
            REF_D2_WAIT,
            REF_D2_OCCUPANCY,
            REF_D2_MEAN_WAIT,
            REF_D2_P90_WAIT,
        ),
        (
            10.0,
            10.0,
            REF_D10_ABANDON,
            REF_D10_WAIT,
            REF_D10_OCCUPANCY,
            REF_D10_MEAN_WAIT,
            REF_D10_P90_WAIT,
        ),
        (
            8.0,
            10.0,
            REF_D10_LIGHT_ABANDON,
            REF_D10_LIGHT_WAIT,
            REF_D10_LIGHT_OCCUPANCY,
            REF_D10_LIGHT_MEAN_WAIT,
            REF_D10_LIGHT_P90_WAIT,
        ),
        (
            12.0,
            10.0,
            REF_D10_HEAVY_ABANDON,
            REF_D10_HEAVY_WAIT,
            REF_D10_HEAVY_OCCUPANCY,
            REF_D10_HEAVY_MEAN_WAIT,
            REF_D10_HEAVY_P90_WAIT,
        ),
    ] {
        let rate = per_minute / 60.0;
        let d = erlang::fixed_patience(rate, handle, 10, patience);
        let w = erlang::fixed_patience_waits(rate, handle, 10, patience);
        assert_reference("P(abandon)", d.abandon_probability, abandon);
        assert_reference("P(wait)", d.wait_probability, wait);
        assert_reference("occupancy", d.occupancy, occupancy);
        assert_reference("mean wait", w.mean_seconds, mean);
        assert_reference("p90 wait", w.p90_seconds, p90);
    }
}

#[test]
fn engset_ratio_dialer() {
    let e = erlang::engset(15, 10, 0.25 / 20.0 * 60.0);
    assert_reference("call congestion", e.call_congestion, REF_ENGSET_CALL);
    assert_reference("time congestion", e.time_congestion, REF_ENGSET_TIME);
    assert_reference("occupancy", e.occupancy, REF_ENGSET_OCCUPANCY);
    assert_published("call congestion", REF_ENGSET_CALL, "0.022476");
    assert_published("occupancy", REF_ENGSET_OCCUPANCY, "0.634520");
}

/// The helpers themselves: a 2e-9 error fails, a wrong published digit fails.
#[test]
fn the_checks_have_teeth() {
    assert!(std::panic::catch_unwind(|| assert_reference("x", 1.0 + 2e-9, 1.0)).is_err());
    assert!(std::panic::catch_unwind(|| assert_reference("x", 1e-300, 0.0)).is_err());
    assert!(std::panic::catch_unwind(|| assert_published("x", REF_B_10_8, "0.1216612")).is_err());
    assert!(std::panic::catch_unwind(|| assert_published("x", REF_A_ABANDON, "0.202028")).is_err());
}
