//! What a plan sweeps — the grid — built from the caller's flags and the input's defaults, and its
//! deterministic split into units and shards.

use dialer::{DialerMode, Regime, Scenario};
use serde::{Deserialize, Serialize};

use crate::error::PlanError;
use crate::range::{Range, round9};
use crate::regime::{self, windows_needed};
use crate::simulation::validate_point;
use crate::strategy::{DEFAULT_STRATEGIES, Sweep, describe, parse_strategies};

/// Default `--risk`.
pub const DEFAULT_RISK: f64 = 0.05;
/// The default band is at least this far either side of the planning answer rate (the pipeline's
/// probability-adjustment step: a band narrower than one adjustment would not be a band).
pub const MIN_BAND_HALF_WIDTH: f64 = 0.02;
/// Lowest and highest answer rate a band may reach (the payload's own bounds).
pub const ANSWER_RATE_BOUNDS: (f64, f64) = (0.05, 0.95);
/// Answer rates of a band given without a step.
const DEFAULT_RATE_POINTS: usize = 3;

/// What the breach risk of a setting is counted over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskBasis {
    /// Each simulated window (shift) on its own: `windows_over_limit`.
    Window,
    /// The regime's own period: `share_over_limit`.
    Period,
}

impl RiskBasis {
    /// The key of the compliance entry the risk is read from.
    pub fn key(self) -> &'static str {
        match self {
            RiskBasis::Window => "windows_over_limit",
            RiskBasis::Period => "share_over_limit",
        }
    }
}

/// The caller's flags; `None` = the default from the input.
#[derive(Debug, Clone, Default)]
pub struct PlanFlags {
    /// `--answer-rate`.
    pub answer_rate: Option<String>,
    /// `--agents`.
    pub agents: Option<String>,
    /// `--strategy`.
    pub strategy: Option<String>,
    /// `--regime` (default fcc), by its key.
    pub regime: Option<String>,
    /// `--risk` (default 0.05).
    pub risk: Option<f64>,
    /// `--risk-basis` (default window).
    pub risk_basis: Option<RiskBasis>,
    /// `--target-connects-per-hour`.
    pub target_connects_per_hour: Option<f64>,
    /// `--replications`.
    pub replications: Option<u32>,
    /// `--seed` (default 0).
    pub seed: Option<u64>,
}

/// What the input says about itself.
pub struct PlanInput<'a> {
    /// How the input is named in output (its path).
    pub name: String,
    /// The answer rate the campaign is planned at (the payload's `answer_rate`).
    pub answer_rate: f64,
    /// The input's own agents (given or inferred).
    pub agents: u32,
    /// The input's own dialer setting.
    pub dialer: DialerMode,
    /// Answer rates per history bucket (the shape the default band is drawn from).
    pub bucket_rates: Vec<f64>,
    /// The input's scenario at another answer rate (for a payload: its mapping, DESIGN §5.5).
    pub scenario_at: &'a dyn Fn(f64) -> Result<Scenario, String>,
}

/// A default the plan used, for the record (every default is printed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DefaultUsed {
    /// The flag not given.
    pub flag: String,
    /// The value used.
    pub value: String,
    /// Where it comes from.
    pub why: String,
}

/// The grid and every setting of the plan: all a run, a shard or a merge needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlanSpec {
    /// The input's name.
    pub input: String,
    /// The answer rate the recommendation is ranked at.
    pub planning_answer_rate: f64,
    /// Its position in `answer_rates`.
    pub planning_index: usize,
    /// The band of answer rates, ascending.
    pub answer_rates: Vec<f64>,
    /// The input's scenario at each answer rate of the band (agents and dialer are set per row).
    pub bases: Vec<Scenario>,
    /// Agent counts, ascending.
    pub agents: Vec<u32>,
    /// What is swept for every agent count.
    pub sweeps: Vec<Sweep>,
    /// The regime the risk is held to.
    #[serde(with = "crate::regime")]
    pub regime: Regime,
    /// The highest breach-risk upper bound a recommended setting may have.
    pub risk: f64,
    /// What the risk is counted over.
    pub risk_basis: RiskBasis,
    /// With it: the fewest agents reaching this many connects per hour.
    pub target_connects_per_hour: Option<f64>,
    /// Replications (simulated windows) per row.
    pub replications: u32,
    /// Seed of every row (common random numbers).
    pub seed: u64,
    /// Defaults used.
    pub defaults: Vec<DefaultUsed>,
    /// Remarks the reader must see (e.g. too few replications for the risk).
    pub notes: Vec<String>,
}

/// One unit of work: a sweep at one agent count, over every answer rate of the band. Units are
/// numbered sweeps first, agents second; shards take every N-th unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    /// Position in the grid.
    pub index: usize,
    /// What is swept.
    pub sweep: Sweep,
    /// Agents.
    pub agents: u32,
}

/// Shard `index` of `count`: the units whose index is `index` modulo `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// From 0.
    pub index: u32,
    /// Above 0.
    pub count: u32,
}

impl Shard {
    /// Checks `index < count`, naming `flag`.
    pub fn new(index: u32, count: u32, flag: &'static str) -> Result<Self, PlanError> {
        if count == 0 {
            return Err(PlanError::flag(flag, "the shard count must be at least 1"));
        }
        if index >= count {
            return Err(PlanError::flag(
                flag,
                format!(
                    "shard {index} of {count} does not exist: shards are numbered 0 to {}",
                    count - 1
                ),
            ));
        }
        Ok(Self { index, count })
    }

    /// Parses `I/N`.
    pub fn parse(text: &str, flag: &'static str) -> Result<Self, PlanError> {
        let bad = || PlanError::flag(flag, format!("`{text}` is not I/N (e.g. 0/4)"));
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let i = i.trim().parse().map_err(|_| bad())?;
        let n = n.trim().parse().map_err(|_| bad())?;
        Self::new(i, n, flag)
    }

    /// Whether the unit is this shard's.
    pub fn takes(&self, unit: &Unit) -> bool {
        unit.index % self.count as usize == self.index as usize
    }
}

impl PlanSpec {
    /// Builds the grid from the flags, filling every flag not given from the input.
    pub fn build(flags: &PlanFlags, input: &PlanInput<'_>) -> Result<Self, PlanError> {
        let mut defaults = Vec::new();
        let mut notes = Vec::new();
        let mut used = |flag: &str, value: String, why: &str| {
            defaults.push(DefaultUsed {
                flag: flag.into(),
                value,
                why: why.into(),
            })
        };

        let risk = flags.risk.unwrap_or(DEFAULT_RISK);
        if !(risk > 0.0 && risk < 1.0) {
            return Err(PlanError::flag(
                "--risk",
                format!("must be above 0 and below 1 (a share: 0.05 = 5 %), got {risk}"),
            ));
        }
        if flags.risk.is_none() {
            used("--risk", risk.to_string(), "a 5 % chance of a breach");
        }
        let needed = windows_needed(risk);
        let replications = match flags.replications {
            Some(0) => {
                return Err(PlanError::flag(
                    "--replications",
                    "must be at least 1 (the windows simulated per row)",
                ));
            }
            Some(n) => n,
            None => {
                let n = needed.div_ceil(10) * 10;
                used(
                    "--replications",
                    n.to_string(),
                    &format!(
                        "0 breaches in {needed} windows is the fewest whose Wilson upper bound is under the risk"
                    ),
                );
                n
            }
        };
        if replications < needed {
            notes.push(format!(
                "{replications} replications: even 0 breaches gives a Wilson upper bound over the risk \
                 {risk} (it needs {needed}), so no setting can qualify; raise --replications"
            ));
        }
        let seed = flags.seed.unwrap_or(0);
        if flags.seed.is_none() {
            used(
                "--seed",
                "0".into(),
                "every row uses it (common random numbers)",
            );
        }
        let regime = regime::resolve(flags.regime.as_deref().unwrap_or("fcc"))?;
        if flags.regime.is_none() {
            used("--regime", "fcc".into(), "the US FCC/FTC rule");
        }
        let risk_basis = flags.risk_basis.unwrap_or(RiskBasis::Window);
        if flags.risk_basis.is_none() {
            used("--risk-basis", "window".into(), "each shift on its own");
        }
        if let Some(target) = flags.target_connects_per_hour
            && !(target.is_finite() && target > 0.0)
        {
            return Err(PlanError::flag(
                "--target-connects-per-hour",
                format!("must be a number above 0, got {target}"),
            ));
        }

        let (answer_rates, planning_index) = answer_rates(flags, input, &mut used, &mut notes)?;
        let agents = agent_counts(flags, input, &mut used)?;
        let mut sweeps = match &flags.strategy {
            Some(text) => parse_strategies(text)?,
            None => {
                let mut sweeps = parse_strategies(DEFAULT_STRATEGIES)?;
                let own = Sweep::Fixed {
                    dialer: input.dialer,
                };
                let value = if sweeps.contains(&own) {
                    DEFAULT_STRATEGIES.to_string()
                } else {
                    sweeps.push(own);
                    format!(
                        "{DEFAULT_STRATEGIES} and the input's own {}",
                        describe(&input.dialer)
                    )
                };
                used(
                    "--strategy",
                    value,
                    "progressive, predictive at three targets, a ratio bisection, the input's setting",
                );
                sweeps
            }
        };
        sweeps.dedup();

        let mut bases = Vec::with_capacity(answer_rates.len());
        for &rate in &answer_rates {
            let mut base = (input.scenario_at)(rate).map_err(|message| {
                PlanError::flag(
                    "--answer-rate",
                    format!("the input cannot be simulated at {rate}: {message}"),
                )
            })?;
            base.replications = replications;
            base.seed = seed;
            bases.push(base);
        }
        let spec = Self {
            input: input.name.clone(),
            planning_answer_rate: input.answer_rate,
            planning_index,
            answer_rates,
            bases,
            agents,
            sweeps,
            regime,
            risk,
            risk_basis,
            target_connects_per_hour: flags.target_connects_per_hour,
            replications,
            seed,
            defaults,
            notes,
        };
        spec.check_scenarios()?;
        Ok(spec)
    }

    /// The scenario of one grid point.
    pub fn scenario(&self, rate_index: usize, agents: u32, dialer: DialerMode) -> Scenario {
        let mut scenario = self.bases[rate_index].clone();
        scenario.agents = agents;
        scenario.dialer = dialer;
        scenario
    }

    /// Every unit, in grid order.
    pub fn units(&self) -> Vec<Unit> {
        let mut units = Vec::with_capacity(self.sweeps.len() * self.agents.len());
        for &sweep in &self.sweeps {
            for &agents in &self.agents {
                units.push(Unit {
                    index: units.len(),
                    sweep,
                    agents,
                });
            }
        }
        units
    }

    /// The engine's checks (work limits among them) on the most demanding point of each sweep, so
    /// a bad grid fails before the first row rather than in the middle.
    fn check_scenarios(&self) -> Result<(), PlanError> {
        let most = self.agents.iter().copied().max().unwrap_or(1);
        for i in 0..self.answer_rates.len() {
            for sweep in &self.sweeps {
                let dialer = match *sweep {
                    Sweep::Fixed { dialer } => dialer,
                    Sweep::Bisect { hi, .. } => DialerMode::Ratio { level: hi },
                };
                validate_point(&self.scenario(i, most, dialer))?;
            }
        }
        Ok(())
    }
}

type Used<'a> = dyn FnMut(&str, String, &str) + 'a;

/// The band: the flag's points, or the history's per-bucket spread around the planning rate; the
/// planning rate is always one of them.
fn answer_rates(
    flags: &PlanFlags,
    input: &PlanInput<'_>,
    used: &mut Used<'_>,
    notes: &mut Vec<String>,
) -> Result<(Vec<f64>, usize), PlanError> {
    const FLAG: &str = "--answer-rate";
    let planning = input.answer_rate;
    let mut rates = match &flags.answer_rate {
        Some(text) => {
            let rates = Range::parse(text, FLAG)?.points(DEFAULT_RATE_POINTS, FLAG)?;
            let (lo, hi) = ANSWER_RATE_BOUNDS;
            if let Some(bad) = rates.iter().find(|r| !(lo..=hi).contains(*r)) {
                return Err(PlanError::flag(
                    FLAG,
                    format!("answer rates must be between {lo} and {hi}, got {bad}"),
                ));
            }
            if !rates.contains(&planning) {
                notes.push(format!(
                    "the input's answer rate {planning} was added to the band: the recommendation is ranked there"
                ));
            }
            rates
        }
        None => {
            let (lo, hi) = default_band(planning, &input.bucket_rates);
            used(
                FLAG,
                format!("{lo}..{hi}"),
                "the history's per-bucket spread around the input's answer rate, at least ±0.02",
            );
            vec![lo, hi]
        }
    };
    rates.push(planning);
    rates.sort_by(f64::total_cmp);
    rates.dedup();
    let index = rates.iter().position(|&r| r == planning).unwrap_or(0);
    Ok((rates, index))
}

/// `answer_rate × [min_b, max_b](rate_b / mean_rate)`, widened to at least
/// ±[`MIN_BAND_HALF_WIDTH`], within [`ANSWER_RATE_BOUNDS`], to 3 decimals.
pub fn default_band(answer_rate: f64, bucket_rates: &[f64]) -> (f64, f64) {
    let mean = bucket_rates.iter().sum::<f64>() / bucket_rates.len().max(1) as f64;
    let (mut lo, mut hi) = (answer_rate, answer_rate);
    if mean > 0.0 {
        for &r in bucket_rates {
            lo = lo.min(answer_rate * r / mean);
            hi = hi.max(answer_rate * r / mean);
        }
    }
    let lo = lo.min(answer_rate - MIN_BAND_HALF_WIDTH);
    let hi = hi.max(answer_rate + MIN_BAND_HALF_WIDTH);
    let round3 = |x: f64| (x * 1000.0).round() / 1000.0;
    (
        round3(lo.max(ANSWER_RATE_BOUNDS.0)),
        round3(hi.min(ANSWER_RATE_BOUNDS.1)),
    )
}

/// The agent counts: the flag's points, or the input's ±50 % in about four steps.
fn agent_counts(
    flags: &PlanFlags,
    input: &PlanInput<'_>,
    used: &mut Used<'_>,
) -> Result<Vec<u32>, PlanError> {
    const FLAG: &str = "--agents";
    let own = f64::from(input.agents);
    let points = match &flags.agents {
        Some(text) => {
            let range = Range::parse(text, FLAG)?;
            let points = range.points(5, FLAG)?;
            // Without a step, the evenly spaced points are rounded to whole agents.
            if range.step.is_none() && range.lo < range.hi {
                points.into_iter().map(f64::round).collect()
            } else {
                points
            }
        }
        None => {
            let lo = (own * 0.5).round().max(1.0);
            let hi = (own * 1.5).round().max(lo);
            let step = (own / 4.0).round().max(1.0);
            used(
                FLAG,
                format!("{lo}..{hi}:{step}"),
                "the input's agents ±50 %, with its own count",
            );
            let mut points = Range {
                lo,
                hi,
                step: Some(step),
            }
            .points(5, FLAG)?;
            points.push(own);
            points
        }
    };
    // The engine checks its own limit too (DESIGN §3: 1–10 000 agents); here it names the flag.
    let max = 10_000.0;
    let mut agents = Vec::with_capacity(points.len());
    for p in points {
        let p = round9(p);
        if p.fract() != 0.0 || !(1.0..=max).contains(&p) {
            return Err(PlanError::flag(
                FLAG,
                format!("agent counts must be whole numbers from 1 to {max}, got {p}"),
            ));
        }
        agents.push(p as u32);
    }
    agents.sort_unstable();
    agents.dedup();
    Ok(agents)
}

/// A one-hour test scenario at answer rate `rate`: fixed rings, exponential talk of `talk` seconds,
/// a 2-second drop timer.
#[cfg(test)]
pub(crate) fn test_scenario(rate: f64, agents: u32, talk: f64) -> Result<Scenario, String> {
    if !(0.05..=0.95).contains(&rate) {
        return Err(format!("answer_rate {rate} out of range"));
    }
    serde_json::from_value(serde_json::json!({
        "agents": agents, "window_minutes": 60, "dialer": {"mode": "progressive"},
        "live_answer_probability": rate,
        "ring_seconds": {"live": {"dist": "fixed", "mean": 8}, "other": {"dist": "fixed", "mean": 20}},
        "talk_seconds": {"dist": "exp", "mean": talk},
        "patience_seconds": {"dist": "fixed", "mean": 2}
    }))
    .map_err(|e| e.to_string())
}

/// The plan `flags` ask for over a one-bucket progressive campaign of `agents` agents at answer
/// rate 0.3, its scenarios [`test_scenario`]s of `talk`-second calls.
#[cfg(test)]
pub(crate) fn test_spec(agents: u32, talk: f64, flags: &PlanFlags) -> PlanSpec {
    let at = |rate: f64| test_scenario(rate, agents, talk);
    let input = PlanInput {
        name: "t".into(),
        answer_rate: 0.3,
        agents,
        dialer: DialerMode::Progressive,
        bucket_rates: vec![0.3],
        scenario_at: &at,
    };
    PlanSpec::build(flags, &input).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(rate: f64) -> Result<Scenario, String> {
        test_scenario(rate, 12, 140.0)
    }

    fn input() -> PlanInput<'static> {
        PlanInput {
            name: "seed".into(),
            answer_rate: 0.38,
            agents: 12,
            dialer: DialerMode::Predictive {
                abandon_target: 0.025,
            },
            bucket_rates: vec![0.38, 0.395, 0.3646],
            scenario_at: &base,
        }
    }

    #[test]
    fn defaults_come_from_the_input_and_are_recorded() {
        let spec = PlanSpec::build(&PlanFlags::default(), &input()).unwrap();
        assert_eq!(spec.answer_rates, vec![0.36, 0.38, 0.4]);
        assert_eq!(spec.planning_index, 1);
        assert_eq!(spec.agents, vec![6, 9, 12, 15, 18]);
        assert_eq!(spec.replications, 80);
        // progressive, three predictive targets, the bisection, the input's own predictive 2.5 %.
        assert_eq!(spec.sweeps.len(), 6);
        let flags: Vec<&str> = spec.defaults.iter().map(|d| d.flag.as_str()).collect();
        for flag in [
            "--answer-rate",
            "--agents",
            "--strategy",
            "--replications",
            "--risk",
        ] {
            assert!(flags.contains(&flag), "{flag} missing from {flags:?}");
        }
        assert_eq!(spec.units().len(), 6 * 5);
        assert!(spec.bases.iter().all(|b| b.replications == 80));
    }

    #[test]
    fn a_wide_history_widens_the_band_and_the_planning_rate_is_always_in_it() {
        assert_eq!(default_band(0.30, &[0.2, 0.3, 0.4]), (0.2, 0.4));
        assert_eq!(default_band(0.06, &[0.1]), (0.05, 0.08));
        let flags = PlanFlags {
            answer_rate: Some("0.30..0.40:0.05".into()),
            ..PlanFlags::default()
        };
        let spec = PlanSpec::build(&flags, &input()).unwrap();
        assert_eq!(spec.answer_rates, vec![0.3, 0.35, 0.38, 0.4]);
        assert_eq!(spec.planning_index, 2);
        assert_eq!(spec.notes.len(), 1);
    }

    #[test]
    fn agents_without_a_step_are_rounded_to_whole_agents() {
        let flags = PlanFlags {
            agents: Some("5..14".into()),
            ..PlanFlags::default()
        };
        let spec = PlanSpec::build(&flags, &input()).unwrap();
        assert_eq!(spec.agents, vec![5, 7, 10, 12, 14]);
    }

    #[test]
    fn bad_flags_name_themselves() {
        let cases: [(PlanFlags, &str); 7] = [
            (
                PlanFlags {
                    risk: Some(1.0),
                    ..Default::default()
                },
                "--risk: must be above 0 and below 1",
            ),
            (
                PlanFlags {
                    risk: Some(0.0),
                    ..Default::default()
                },
                "--risk",
            ),
            (
                PlanFlags {
                    agents: Some("12..6".into()),
                    ..Default::default()
                },
                "--agents: the range 12..6 is inverted",
            ),
            (
                PlanFlags {
                    agents: Some("6.5".into()),
                    ..Default::default()
                },
                "--agents: agent counts must be whole numbers",
            ),
            (
                PlanFlags {
                    answer_rate: Some("0.5..0.99".into()),
                    ..Default::default()
                },
                "--answer-rate: answer rates must be between",
            ),
            (
                PlanFlags {
                    replications: Some(0),
                    ..Default::default()
                },
                "--replications",
            ),
            (
                PlanFlags {
                    target_connects_per_hour: Some(-3.0),
                    ..Default::default()
                },
                "--target-connects-per-hour",
            ),
        ];
        for (flags, expected) in cases {
            let err = PlanSpec::build(&flags, &input()).unwrap_err().to_string();
            assert!(err.starts_with(expected), "{err}");
        }
    }

    #[test]
    fn shards_split_the_units_between_them() {
        assert!(Shard::parse("4/4", "--shard").is_err());
        assert!(Shard::parse("0/0", "--shard").is_err());
        assert!(Shard::parse("x", "--shard").is_err());
        let spec = PlanSpec::build(&PlanFlags::default(), &input()).unwrap();
        let units = spec.units();
        let mut taken = vec![0; units.len()];
        for i in 0..3 {
            let shard = Shard::parse(&format!("{i}/3"), "--shard").unwrap();
            for u in units.iter().filter(|u| shard.takes(u)) {
                taken[u.index] += 1;
            }
        }
        assert!(taken.iter().all(|&t| t == 1));
    }
}
