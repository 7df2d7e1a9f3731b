//! The robust recommendation (DESIGN §10): the most connects per agent hour at the planning answer
//! rate — or the fewest agents reaching a target — among the settings whose breach risk's upper
//! bound stays within the risk at *every* answer rate of the band; and the staffing frontier, the
//! best such setting at each agent count.

use dialer::DialerMode;
use serde::Serialize;

use crate::row::RowSummary;
use crate::spec::PlanSpec;
use crate::strategy::describe;

/// One setting (a dialer with its parameters, and agents) over the band.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// Its unit.
    pub unit: usize,
    /// Its step within the unit.
    pub step: usize,
    /// The dialer.
    pub strategy: DialerMode,
    /// Agents.
    pub agents: u32,
    /// Its rows, in the order they ran (ascending answer rates; a bisection step runs the highest
    /// first and may stop early), with their positions in the plan's rows.
    pub rows: Vec<(usize, RowSummary)>,
}

impl Setting {
    /// The highest breach-risk upper bound over the band, and the row it comes from.
    pub fn worst(&self) -> &RowSummary {
        let mut worst = &self.rows[0].1;
        for (_, r) in &self.rows {
            if r.breach_upper > worst.breach_upper {
                worst = r;
            }
        }
        worst
    }

    /// The highest breach share over the band.
    pub fn worst_share(&self) -> f64 {
        self.rows
            .iter()
            .map(|(_, r)| r.breach_share)
            .fold(0.0, f64::max)
    }

    /// The row at the planning answer rate.
    pub fn at_planning(&self, spec: &PlanSpec) -> Option<&RowSummary> {
        self.rows
            .iter()
            .map(|(_, r)| r)
            .find(|r| r.answer_rate == spec.planning_answer_rate)
    }

    fn complete(&self, spec: &PlanSpec) -> bool {
        self.rows.len() == spec.answer_rates.len()
    }

    /// Whether its breach risk stays within the plan's risk at every answer rate.
    pub fn qualifies(&self, spec: &PlanSpec) -> bool {
        self.complete(spec) && self.worst().breach_upper <= spec.risk
    }
}

/// Gathers rows (in plan order) into settings.
#[derive(Debug, Default)]
pub struct Collector {
    settings: Vec<Setting>,
    rows: usize,
}

impl Collector {
    /// Adds the next row.
    pub fn add(&mut self, row: &RowSummary) {
        let index = self.rows;
        self.rows += 1;
        if let Some(last) = self.settings.last_mut()
            && (last.unit, last.step) == (row.unit, row.step)
        {
            last.rows.push((index, *row));
            return;
        }
        self.settings.push(Setting {
            unit: row.unit,
            step: row.step,
            strategy: row.strategy,
            agents: row.agents,
            rows: vec![(index, *row)],
        });
    }

    /// Rows added.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The recommendation and the frontier.
    pub fn finish(self, spec: &PlanSpec) -> Outcome {
        let recommendation = recommend(spec, &self.settings);
        let frontier = frontier(spec, &self.settings);
        Outcome {
            recommendation,
            frontier,
            settings: self.settings,
        }
    }
}

/// What a plan concludes.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The recommended setting, or why there is none.
    pub recommendation: Result<Recommendation, String>,
    /// Positions (in `settings`) of the frontier: the best setting within the risk per agent count.
    pub frontier: Vec<usize>,
    /// Every setting, in plan order.
    pub settings: Vec<Setting>,
}

/// The recommended setting (DESIGN §10's `recommendation` object).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    /// The dialer with its parameters.
    pub strategy: DialerMode,
    /// The same, for people.
    pub setting: String,
    /// Agents.
    pub agents: u32,
    /// Connects per agent hour at the planning answer rate.
    pub connects_per_agent_hour: f64,
    /// Connects per hour for the team at the planning answer rate.
    pub connects_per_hour: f64,
    /// Compliance abandon rate at the planning answer rate.
    pub abandon_rate: f64,
    /// The highest breach-risk upper bound over the band.
    pub worst_breach_risk: f64,
    /// The highest breach share over the band.
    pub worst_breach_share: f64,
    /// The answer rate of the worst bound.
    pub worst_at_answer_rate: f64,
    /// Its rows, one per answer rate.
    pub rows: Vec<usize>,
    /// Why this one.
    pub why: String,
    /// Its position in the settings (not written).
    #[serde(skip)]
    pub setting_index: usize,
}

fn recommend(spec: &PlanSpec, settings: &[Setting]) -> Result<Recommendation, String> {
    let qualified: Vec<(usize, &Setting, &RowSummary)> = settings
        .iter()
        .enumerate()
        .filter(|(_, s)| s.qualifies(spec))
        .filter_map(|(i, s)| s.at_planning(spec).map(|r| (i, s, r)))
        .collect();
    let basis = match spec.risk_basis {
        crate::spec::RiskBasis::Window => "windows",
        crate::spec::RiskBasis::Period => "periods",
    };
    if qualified.is_empty() {
        let lowest = settings
            .iter()
            .filter(|s| s.complete(spec))
            .min_by(|a, b| a.worst().breach_upper.total_cmp(&b.worst().breach_upper));
        let best = lowest.map_or(String::new(), |s| {
            format!(
                "; the lowest is {:.1} % ({}, {} agents)",
                s.worst().breach_upper * 100.0,
                describe(&s.strategy),
                s.agents
            )
        });
        return Err(format!(
            "no setting keeps the upper bound of its breach risk ({} {basis} over the {} limit of {} %) \
             within {} % at every answer rate from {} to {}{best}",
            spec.regime.key(),
            spec.regime.key(),
            spec.regime.limit() * 100.0,
            spec.risk * 100.0,
            spec.answer_rates[0],
            spec.answer_rates[spec.answer_rates.len() - 1],
        ));
    }
    let more_productive = |a: &RowSummary, b: &RowSummary| {
        a.connects_per_agent_hour
            .total_cmp(&b.connects_per_agent_hour)
    };
    let chosen = match spec.target_connects_per_hour {
        None => qualified.iter().copied().reduce(|best, next| {
            if more_productive(next.2, best.2).is_gt() {
                next
            } else {
                best
            }
        }),
        Some(target) => {
            let reaching = qualified
                .iter()
                .copied()
                .filter(|(_, _, r)| r.connects_per_hour() >= target);
            let chosen = reaching.reduce(|best, next| {
                let fewer = next.1.agents < best.1.agents;
                let same_more =
                    next.1.agents == best.1.agents && more_productive(next.2, best.2).is_gt();
                if fewer || same_more { next } else { best }
            });
            if chosen.is_none() {
                let most = qualified
                    .iter()
                    .max_by(|a, b| a.2.connects_per_hour().total_cmp(&b.2.connects_per_hour()));
                let most = most.map_or(String::new(), |(_, s, r)| {
                    format!(
                        "; the most is {:.1} ({}, {} agents)",
                        r.connects_per_hour(),
                        describe(&s.strategy),
                        s.agents
                    )
                });
                return Err(format!(
                    "no setting within the risk reaches {target} connects per hour at answer rate {}{most}",
                    spec.planning_answer_rate
                ));
            }
            chosen
        }
    };
    // Invariant: `qualified` is not empty, so the first branch always chooses; the second returned.
    let Some((index, setting, at)) = chosen else {
        unreachable!("a non-empty list has a best element")
    };
    let worst = setting.worst();
    let goal = match spec.target_connects_per_hour {
        None => "the most connects per agent hour".to_string(),
        Some(t) => format!("the fewest agents reaching {t} connects per hour"),
    };
    let why = format!(
        "{goal} at answer rate {} among the {} of {} settings whose breach risk stays within {} % at \
         every answer rate from {} to {}: {:.2} connects per agent hour ({:.1} per hour), abandonment \
         {:.2} %, at worst {} of {} {basis} over the {} % limit (upper bound {:.1} %, at answer rate {})",
        spec.planning_answer_rate,
        qualified.len(),
        settings.len(),
        spec.risk * 100.0,
        spec.answer_rates[0],
        spec.answer_rates[spec.answer_rates.len() - 1],
        at.connects_per_agent_hour,
        at.connects_per_hour(),
        at.abandon_rate * 100.0,
        (worst.breach_share * worst.breach_n as f64).round(),
        worst.breach_n,
        spec.regime.limit() * 100.0,
        worst.breach_upper * 100.0,
        worst.answer_rate,
    );
    Ok(Recommendation {
        strategy: setting.strategy,
        setting: describe(&setting.strategy),
        agents: setting.agents,
        connects_per_agent_hour: at.connects_per_agent_hour,
        connects_per_hour: at.connects_per_hour(),
        abandon_rate: at.abandon_rate,
        worst_breach_risk: worst.breach_upper,
        worst_breach_share: setting.worst_share(),
        worst_at_answer_rate: worst.answer_rate,
        rows: setting.rows.iter().map(|(i, _)| *i).collect(),
        why,
        setting_index: index,
    })
}

/// The staffing frontier: for each agent count, the setting with the most connects per agent hour
/// at the planning rate among those within the risk at every answer rate, fewest agents first.
fn frontier(spec: &PlanSpec, settings: &[Setting]) -> Vec<usize> {
    let mut best: Vec<(u32, usize, f64)> = Vec::new();
    for (i, s) in settings.iter().enumerate() {
        let Some(at) = s.at_planning(spec).filter(|_| s.qualifies(spec)) else {
            continue;
        };
        let cpah = at.connects_per_agent_hour;
        match best.iter_mut().find(|(agents, _, _)| *agents == s.agents) {
            Some(entry) if cpah > entry.2 => *entry = (s.agents, i, cpah),
            Some(_) => {}
            None => best.push((s.agents, i, cpah)),
        }
    }
    best.sort_by_key(|(agents, _, _)| *agents);
    best.into_iter().map(|(_, i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::PlanFlags;

    fn spec(target: Option<f64>) -> PlanSpec {
        let flags = PlanFlags {
            answer_rate: Some("0.28..0.32:0.02".into()),
            agents: Some("10".into()),
            strategy: Some("progressive".into()),
            target_connects_per_hour: target,
            ..PlanFlags::default()
        };
        crate::spec::test_spec(10, 60.0, &flags)
    }

    /// A setting's rows at 0.28, 0.30, 0.32 with the given bounds.
    fn rows(unit: usize, agents: u32, level: f64, cpah: f64, bounds: [f64; 3]) -> Vec<RowSummary> {
        [0.28, 0.3, 0.32]
            .into_iter()
            .zip(bounds)
            .map(|(answer_rate, upper)| RowSummary {
                unit,
                step: 0,
                answer_rate,
                agents,
                strategy: DialerMode::Ratio { level },
                abandon_rate: 0.01,
                connects_per_agent_hour: cpah,
                breach_share: if upper > 0.05 { 0.1 } else { 0.0 },
                breach_upper: upper,
                breach_n: 80,
                occupancy: 0.8,
            })
            .collect()
    }

    fn collect(spec: &PlanSpec, settings: &[Vec<RowSummary>]) -> Outcome {
        let mut c = Collector::default();
        settings.iter().flatten().for_each(|r| c.add(r));
        c.finish(spec)
    }

    #[test]
    fn the_most_productive_setting_within_the_risk_at_every_rate_wins() {
        let spec = spec(None);
        let outcome = collect(
            &spec,
            &[
                rows(0, 10, 1.0, 15.0, [0.045, 0.045, 0.045]),
                // More productive, but over the risk at one rate of the band: not robust.
                rows(1, 10, 1.5, 19.0, [0.045, 0.045, 0.2]),
                rows(2, 12, 1.2, 17.0, [0.045, 0.03, 0.049]),
            ],
        );
        let r = outcome.recommendation.unwrap();
        assert_eq!(r.agents, 12);
        assert_eq!(r.strategy, DialerMode::Ratio { level: 1.2 });
        assert_eq!(r.rows, vec![6, 7, 8]);
        assert_eq!(r.worst_breach_risk, 0.049);
        assert_eq!(r.worst_at_answer_rate, 0.32);
        assert!(r.why.contains("2 of 3 settings"), "{}", r.why);
        // The frontier: the best within the risk per agent count.
        assert_eq!(outcome.frontier, vec![0, 2]);
    }

    #[test]
    fn a_target_picks_the_fewest_agents_reaching_it() {
        let spec = spec(Some(160.0));
        let settings = [
            rows(0, 8, 1.0, 19.0, [0.04; 3]), // 152 per hour: short of the target
            rows(1, 10, 1.0, 16.5, [0.04; 3]), // 165
            rows(2, 10, 1.2, 17.0, [0.04; 3]), // 170: same agents, more productive
            rows(3, 12, 1.0, 18.0, [0.04; 3]),
        ];
        let r = collect(&spec, &settings).recommendation.unwrap();
        assert_eq!((r.agents, r.connects_per_hour), (10, 170.0));
        let spec = self::spec(Some(1000.0));
        let reason = collect(&spec, &settings).recommendation.unwrap_err();
        assert!(
            reason.contains("reaches 1000 connects per hour"),
            "{reason}"
        );
        assert!(reason.contains("the most is 216.0"), "{reason}");
    }

    #[test]
    fn nothing_within_the_risk_gives_the_reason_and_the_closest() {
        let spec = spec(None);
        let outcome = collect(
            &spec,
            &[
                rows(0, 10, 1.0, 15.0, [0.06, 0.045, 0.045]),
                rows(1, 10, 2.0, 19.0, [0.5, 0.6, 0.7]),
            ],
        );
        let reason = outcome.recommendation.unwrap_err();
        assert!(
            reason.contains("the lowest is 6.0 % (ratio 1, 10 agents)"),
            "{reason}"
        );
        assert!(outcome.frontier.is_empty());
        // An incomplete setting (a bisection step cut short) never qualifies.
        let cut = rows(0, 10, 1.0, 15.0, [0.01; 3]);
        let outcome = collect(&spec, &[cut[..2].to_vec()]);
        assert!(outcome.recommendation.is_err());
    }
}
