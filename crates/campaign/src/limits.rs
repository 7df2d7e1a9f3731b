//! Work limits: how much engine work one simulate request may ask for.
//!
//! A request within the contract's ranges can still ask for a lot (10 000 agents for a whole day); these
//! limits turn such a request into a [`Refused`] (a 400 from the server) that names the limit, instead
//! of a machine busy for minutes.

use crate::request::Refused;

/// The regime the probability-adjustment rule holds a simulation to unless told otherwise: the
/// FCC/FTC rule, whose limit ([`dialer::Regime::limit`]) the engine's pacing uses too, so the pacing
/// target and the refusal can never disagree.
pub const DEFAULT_REGIME: dialer::Regime = dialer::Regime::Fcc;

/// The engine work one simulate request may ask for, and how many replications it gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkLimits {
    /// Longest simulated window, minutes. Default: 1440 (a day).
    pub max_window_minutes: u32,
    /// Most history buckets in one request. Default: 1440 (one a minute).
    pub max_buckets: usize,
    /// Independent engine runs per simulation, whose mean and 95 % interval are reported. Default: 20.
    pub replications: u32,
    /// Most replications a server or local backend may be configured with. Default: 200.
    pub max_replications: u32,
    /// Most agent-minutes (agents × window minutes × replications) one simulation may cost: the engine's
    /// work grows with it. Default: 20 000 000 (about 700 agents for a day at 20 replications).
    pub max_agent_minutes: u64,
    /// The compliance regime whose rate and limit the probability-adjustment rule holds a
    /// simulation to (`run --regime`, `serve --regime`). Default: FCC/FTC.
    pub regime: dialer::Regime,
}

impl Default for WorkLimits {
    fn default() -> Self {
        Self {
            max_window_minutes: 1440,
            max_buckets: 1440,
            replications: 20,
            max_replications: 200,
            max_agent_minutes: 20_000_000,
            regime: DEFAULT_REGIME,
        }
    }
}

impl WorkLimits {
    /// The limits of the in-process backend: the user's own machine, so every campaign the payload
    /// rules allow (up to 10 000 agents for a whole day) runs at the default 20 replications — about a
    /// minute of engine work at most — while runs of many minutes are still refused.
    pub fn for_local_use() -> Self {
        Self {
            max_agent_minutes: 300_000_000,
            ..Self::default()
        }
    }

    /// Checks what can be checked before the agents are known: window, buckets, replications.
    pub fn check_request(&self, window_minutes: u32, buckets: usize) -> Result<(), Refused> {
        let mut broken = Vec::new();
        if window_minutes > self.max_window_minutes {
            broken.push(format!(
                "simulationWindowMinutes is {window_minutes}; this server's limit max_window_minutes is {}",
                self.max_window_minutes
            ));
        }
        if buckets > self.max_buckets {
            broken.push(format!(
                "historicalData holds {buckets} buckets; this server's limit max_buckets is {}",
                self.max_buckets
            ));
        }
        if self.replications == 0 || self.replications > self.max_replications {
            broken.push(format!(
                "{} replications are configured; the limit max_replications allows 1 to {}",
                self.replications, self.max_replications
            ));
        }
        if broken.is_empty() {
            Ok(())
        } else {
            Err(Refused::new(format!(
                "work limit exceeded: {}",
                broken.join("; ")
            )))
        }
    }

    /// Checks the agent-minutes once the agents are known (given or inferred from history).
    pub fn check_agents(&self, agents: u32, window_minutes: u32) -> Result<(), Refused> {
        let cost = u64::from(agents) * u64::from(window_minutes) * u64::from(self.replications);
        if cost > self.max_agent_minutes {
            return Err(Refused::new(format!(
                "work limit exceeded: {agents} agents for {window_minutes} minutes at {} replications is \
                 {cost} agent-minutes; this server's limit max_agent_minutes is {}; \
                 simulate fewer agents or a shorter window",
                self.replications, self.max_agent_minutes
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_broken_limit_is_named() {
        let limits = WorkLimits {
            max_window_minutes: 60,
            max_buckets: 2,
            ..WorkLimits::default()
        };
        let err = limits.check_request(120, 3).unwrap_err();
        assert!(
            err.detail.contains("max_window_minutes is 60"),
            "{}",
            err.detail
        );
        assert!(err.detail.contains("max_buckets is 2"), "{}", err.detail);
        assert!(limits.check_request(60, 2).is_ok());
    }

    #[test]
    fn local_use_takes_every_payload_campaign_at_default_replications_but_not_ten_times_more() {
        let local = WorkLimits::for_local_use();
        assert!(WorkLimits::default().check_agents(10_000, 1440).is_err());
        assert!(local.check_agents(10_000, 1440).is_ok());
        let heavy = WorkLimits {
            replications: 200,
            ..local
        };
        assert!(heavy.check_agents(10_000, 1440).is_err());
    }

    #[test]
    fn agent_minutes_are_capped() {
        let limits = WorkLimits::default();
        assert!(limits.check_agents(12, 120).is_ok());
        let err = limits.check_agents(10_000, 1440).unwrap_err();
        assert!(err.detail.contains("max_agent_minutes"), "{}", err.detail);
    }
}
