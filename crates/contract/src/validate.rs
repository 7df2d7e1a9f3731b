//! Validation rules shared by the payload file and the simulate request body.
//!
//! The per-field ranges live in [`crate::fields`], the one table per type; this module adds the rules
//! across fields (answered calls at most the attempts, buckets that do not overlap, the inferred agents).
//!
//! Every rule appends to a list instead of stopping, so a user sees every mistake in one go, each with
//! the path of the field that holds it (`historical_matrix[2].calls_answered`).

use crate::fields;
use crate::payload::{AmdSettings, HistoricalBucket};

pub use violation::Violation;

/// Longest campaign id: it goes into a URL path.
pub const MAX_CAMPAIGN_ID_LEN: usize = 128;
/// Most history buckets: one a minute for a whole day.
pub const MAX_BUCKETS: usize = 1440;
/// Most agents on one campaign.
pub const MAX_AGENTS: u32 = 10_000;
/// Longest talk time a bucket may claim: a day.
pub const MAX_TALK_SECONDS: f64 = 86_400.0;
/// Most lines a request may ask for (`maxCalls`, the payload's `max_lines`).
pub const MAX_MAX_CALLS: u32 = 100_000;
/// Largest share of attempts answering machines may take (as the answer rate's ceiling).
pub const MAX_MACHINE_SHARE: f64 = 0.95;
/// Longest answering-machine detection time, in seconds.
pub const MAX_DETECT_SECONDS: f64 = 30.0;
/// How far the answer rate and the machine share may sum above 1 (rounding).
pub const SHARE_TOLERANCE: f64 = 1e-9;

/// Agents needed for the busiest bucket's talk load at this efficiency (DESIGN §5.5):
/// `ceil(max_b(answered_b × talk_b / bucket_seconds_b) / efficiency)`, at least 1. Buckets whose
/// time does not parse are skipped.
pub fn infer_agents(history: &[HistoricalBucket], agent_efficiency: f64) -> u64 {
    agents_for_load(
        history.iter().filter_map(|b| {
            let span = TimeBucket::parse(&b.time_bucket).ok()?;
            Some((
                b.calls_answered,
                b.avg_talk_time_seconds,
                span.end_minute - span.start_minute,
            ))
        }),
        agent_efficiency,
    )
}

/// [`infer_agents`] over `(calls_answered, avg_talk_seconds, bucket_minutes)` per bucket: the one
/// copy of the formula. Buckets of 0 minutes are skipped.
pub fn agents_for_load(
    buckets: impl IntoIterator<Item = (u64, f64, u32)>,
    agent_efficiency: f64,
) -> u64 {
    let load = buckets
        .into_iter()
        .filter(|&(_, _, minutes)| minutes > 0)
        .map(|(answered, talk, minutes)| answered as f64 * talk / (f64::from(minutes) * 60.0))
        .fold(0.0, f64::max);
    let agents = (load / agent_efficiency).ceil();
    if agents.is_finite() && agents >= 1.0 {
        agents.min(u64::MAX as f64) as u64
    } else {
        1
    }
}

pub(crate) fn finish(out: Vec<Violation>) -> Result<(), Vec<Violation>> {
    if out.is_empty() { Ok(()) } else { Err(out) }
}

/// The paths of a check's violations, in order (none when it passed): what the tests compare.
#[cfg(test)]
pub(crate) fn paths(checked: Result<(), Vec<Violation>>) -> Vec<String> {
    checked
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|v| v.path)
        .collect()
}

/// The campaign-id rule: 1–128 characters of `[A-Za-z0-9_-]`, because the id goes into a URL path.
/// `Err` holds what is wrong, worded to follow the field's name (`campaign_id must not be empty`).
pub fn check_campaign_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        Err("must not be empty".to_owned())
    } else if id.len() > MAX_CAMPAIGN_ID_LEN {
        Err(format!(
            "is {} characters long; at most {MAX_CAMPAIGN_ID_LEN} are allowed",
            id.len()
        ))
    } else if !id
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Err(format!(
            "{id:?} may contain only letters, digits, '-' and '_' (it goes into a URL path)"
        ))
    } else {
        Ok(())
    }
}

/// Without `agents`, the count inferred from history must be one the simulator runs.
pub(crate) fn inferred_agents(
    path: &str,
    history: &[HistoricalBucket],
    agent_efficiency: f64,
    out: &mut Vec<Violation>,
) {
    let inferred = infer_agents(history, agent_efficiency);
    if inferred > u64::from(MAX_AGENTS) {
        out.push(Violation::new(
            path,
            format!(
                "its busiest bucket's talk load needs {inferred} agents at agent_efficiency {agent_efficiency}; \
                 at most {MAX_AGENTS} are simulated: give `agents` (1 to {MAX_AGENTS}) or check the counts and talk times"
            ),
        ));
    }
}

/// Where the answering-machine fields sit: the payload's names or the request's wire paths.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MachinePaths {
    pub answer_rate: &'static str,
    pub machine_share: &'static str,
    pub amd: &'static str,
    pub answered_includes_machines: &'static str,
    pub history: &'static str,
}

impl MachinePaths {
    /// The payload file's field names.
    pub const PAYLOAD: Self = Self {
        answer_rate: "answer_rate",
        machine_share: "answering_machine_share",
        amd: "amd",
        answered_includes_machines: "answered_includes_machines",
        history: "historical_matrix",
    };
    /// The simulate request's wire paths.
    pub const REQUEST: Self = Self {
        answer_rate: "predictiveDialerSettings.answerRate",
        machine_share: "predictiveDialerSettings.answeringMachineShare",
        amd: "predictiveDialerSettings.amd",
        answered_includes_machines: "answeredIncludesMachines",
        history: "historicalData",
    };
}

/// The answering-machine fields of a payload or a request.
pub(crate) struct Machines<'a> {
    pub answer_rate: f64,
    pub machine_share: Option<f64>,
    pub amd: Option<&'a AmdSettings>,
    pub answered_includes_machines: bool,
}

/// The answering-machine rules (DESIGN §9): a machine share in 0–0.95 that leaves room for the
/// answer rate (the two sum to at most 1); detection settings only with machines, their
/// probabilities in [0, 1] and a detection time of 0–30 s when enabled; and, when history's
/// answered calls count machines, a machine share to take out of them that leaves every bucket
/// its live answers.
pub(crate) fn machines(
    paths: &MachinePaths,
    m: &Machines<'_>,
    history: &[HistoricalBucket],
    out: &mut Vec<Violation>,
) {
    let before = out.len();
    if let Some(share) = m.machine_share {
        fields::MACHINE_SHARE
            .kind
            .check_number(paths.machine_share, share, out);
        let sum = share + m.answer_rate;
        if out.len() == before && m.answer_rate.is_finite() && sum > 1.0 + SHARE_TOLERANCE {
            out.push(Violation::new(
                paths.machine_share,
                format!(
                    "is {share}; with {} {} the shares of live answers and machines sum to {sum}, \
                     more than every attempt: lower one of them so that they sum to at most 1",
                    paths.answer_rate, m.answer_rate
                ),
            ));
        }
    }
    let share_ok = out.len() == before;
    let has_machines = m.machine_share.is_some_and(|s| s > 0.0);
    if let Some(amd) = m.amd {
        if !has_machines {
            out.push(Violation::new(
                paths.amd,
                format!(
                    "answering-machine detection needs answering machines: give {} above 0, or \
                     leave amd out",
                    paths.machine_share
                ),
            ));
        }
        let at = |field: &str| format!("{}.{field}", paths.amd);
        for (field, value) in [
            (fields::AMD_FALSE_POSITIVE, amd.false_positive),
            (fields::AMD_FALSE_NEGATIVE, amd.false_negative),
        ] {
            field.kind.check_number(&at(field.name), value, out);
        }
        match amd.detect_seconds {
            Some(seconds) => {
                let field = fields::AMD_DETECT_SECONDS;
                field.kind.check_number(&at(field.name), seconds, out);
            }
            None if amd.enabled => out.push(Violation::new(
                at("detect_seconds"),
                format!(
                    "is required when detection is enabled: how long it listens after the answer \
                     before routing, 0 to {MAX_DETECT_SECONDS} seconds (for example 2.5), or set \
                     enabled to false"
                ),
            )),
            None => {}
        }
    }
    if !m.answered_includes_machines {
        return;
    }
    let Some(share) = m.machine_share.filter(|_| has_machines && share_ok) else {
        if !has_machines {
            out.push(Violation::new(
                paths.answered_includes_machines,
                format!(
                    "is true, but there is no machine share to take out of the answered calls: \
                     give {} above 0, or leave answered_includes_machines out",
                    paths.machine_share
                ),
            ));
        }
        return;
    };
    let (mut live_left, mut short) = (false, false);
    for (i, b) in history.iter().enumerate() {
        let Some(rate) = b.answer_rate() else {
            continue;
        };
        if rate < share {
            short = true;
            out.push(Violation::new(
                format!("{}[{i}].calls_answered", paths.history),
                format!(
                    "answers {rate:.4} of its attempts, less than {} {share}, though \
                     {} says the answered calls include the machines: lower the machine \
                     share or check the counts",
                    paths.machine_share, paths.answered_includes_machines
                ),
            ));
        } else if rate > share {
            live_left = true;
        }
    }
    if !live_left && !short {
        out.push(Violation::new(
            paths.history,
            format!(
                "leaves no live answers once {} {share} is taken out of the answered calls: lower \
                 the machine share, or set {} to false",
                paths.machine_share, paths.answered_includes_machines
            ),
        ));
    }
}

/// A parsed `HH:MM-HH:MM` bucket, in minutes since midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeBucket {
    /// First minute of the bucket.
    pub start_minute: u32,
    /// First minute after the bucket (1440 for a bucket that ends at `24:00`).
    pub end_minute: u32,
}

impl TimeBucket {
    /// Parses `HH:MM-HH:MM`; the end must come after the start (`24:00` is allowed as an end).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad =
            || format!("{text:?} is not of the form HH:MM-HH:MM (for example \"09:00-10:00\")");
        let (start, end) = text.split_once('-').ok_or_else(bad)?;
        let start_minute = clock_minute(start, false).ok_or_else(bad)?;
        let end_minute = clock_minute(end, true).ok_or_else(bad)?;
        if end_minute <= start_minute {
            return Err(format!(
                "{text:?} ends before it starts; the end must come after the start"
            ));
        }
        Ok(Self {
            start_minute,
            end_minute,
        })
    }
}

fn clock_minute(text: &str, is_end: bool) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let h: u32 = h.parse().ok()?;
    let m: u32 = m.parse().ok()?;
    match (h, m) {
        (24, 0) if is_end => Some(1440),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// The history rules: 1–1440 buckets, well-formed and non-overlapping times, sane counts and talk times,
/// at least one bucket with attempts, and at least one answered call among them.
pub(crate) fn history(path: &str, buckets: &[HistoricalBucket], out: &mut Vec<Violation>) {
    fields::HISTORY.kind.check_len(path, buckets.len(), out);
    if buckets.is_empty() {
        return;
    }
    let mut spans: Vec<(TimeBucket, usize)> = Vec::with_capacity(buckets.len());
    for (i, b) in buckets.iter().enumerate() {
        let at = |field: &str| format!("{path}[{i}].{field}");
        match TimeBucket::parse(&b.time_bucket) {
            Ok(span) => spans.push((span, i)),
            Err(message) => out.push(Violation::new(at("time_bucket"), message)),
        }
        if b.calls_answered > b.calls_attempted {
            out.push(Violation::new(
                at("calls_answered"),
                format!(
                    "is {} but only {} calls were attempted; answered calls cannot exceed attempts",
                    b.calls_answered, b.calls_attempted
                ),
            ));
        }
        if let Some(abandons) = b.abandons
            && abandons > b.calls_answered
        {
            out.push(Violation::new(
                at("abandons"),
                format!(
                    "is {abandons} but only {} calls were answered; abandons cannot exceed answered calls",
                    b.calls_answered
                ),
            ));
        }
        fields::TALK_SECONDS.kind.check_number(
            &at("avg_talk_time_seconds"),
            b.avg_talk_time_seconds,
            out,
        );
    }
    spans.sort_by_key(|(span, _)| span.start_minute);
    // Compare each span with the one reaching furthest so far, not only its neighbour: a long bucket
    // can overlap several that follow it (09:00-12:00 over 10:00-10:30 and 10:45-11:00).
    let mut furthest: Option<(TimeBucket, usize)> = None;
    for &(b, ib) in &spans {
        if let Some((a, ia)) = furthest {
            if b.start_minute < a.end_minute {
                out.push(Violation::new(
                    format!("{path}[{ib}].time_bucket"),
                    format!(
                        "{:?} overlaps {path}[{ia}] ({:?}); buckets must not overlap",
                        buckets[ib].time_bucket, buckets[ia].time_bucket
                    ),
                ));
            }
            if b.end_minute <= a.end_minute {
                continue;
            }
        }
        furthest = Some((b, ib));
    }
    if !buckets.iter().any(|b| b.calls_attempted > 0) {
        out.push(Violation::new(
            path,
            "no bucket has any calls attempted; at least one bucket needs attempts to give a historical answer rate",
        ));
    } else if !buckets
        .iter()
        .any(|b| b.calls_attempted > 0 && b.calls_answered > 0)
    {
        out.push(Violation::new(
            path,
            "no bucket has answered calls; the historical answer rate would be 0 and the variance check undefined",
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(time: &str, attempted: u64, answered: u64) -> HistoricalBucket {
        HistoricalBucket {
            time_bucket: time.into(),
            calls_attempted: attempted,
            calls_answered: answered,
            avg_talk_time_seconds: 140.0,
            abandons: None,
        }
    }

    fn violations(buckets: &[HistoricalBucket]) -> Vec<Violation> {
        let mut out = Vec::new();
        history("historical_matrix", buckets, &mut out);
        out
    }

    #[test]
    fn history_with_attempts_but_no_answers_is_rejected() {
        let found = violations(&[bucket("09:00-10:00", 500, 0), bucket("10:00-11:00", 620, 0)]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "historical_matrix");
        assert!(
            found[0].message.contains("no bucket has answered calls"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn one_answered_call_is_enough() {
        let found = violations(&[bucket("09:00-10:00", 500, 0), bucket("10:00-11:00", 620, 1)]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn a_long_bucket_overlapping_several_later_ones_is_reported_for_each() {
        let found = violations(&[
            bucket("09:00-12:00", 500, 190),
            bucket("10:00-10:30", 100, 40),
            bucket("10:45-11:00", 100, 40),
            bucket("12:00-13:00", 100, 40),
        ]);
        let paths: Vec<&str> = found.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "historical_matrix[1].time_bucket",
                "historical_matrix[2].time_bucket"
            ]
        );
        assert!(
            found
                .iter()
                .all(|v| v.message.contains("historical_matrix[0]"))
        );
    }

    #[test]
    fn touching_buckets_do_not_overlap() {
        let found = violations(&[
            bucket("10:00-11:00", 100, 40),
            bucket("09:00-10:00", 100, 40),
            bucket("11:00-24:00", 100, 40),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn abandons_cannot_exceed_answered_calls() {
        let mut b = bucket("09:00-10:00", 500, 190);
        b.abandons = Some(191);
        let found = violations(&[b.clone()]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].path, "historical_matrix[0].abandons");
        b.abandons = Some(190);
        assert!(violations(&[b]).is_empty());
    }

    #[test]
    fn inferred_agents_follow_the_busiest_bucket() {
        let seed = [
            HistoricalBucket {
                avg_talk_time_seconds: 145.0,
                ..bucket("09:00-10:00", 500, 190)
            },
            HistoricalBucket {
                avg_talk_time_seconds: 138.0,
                ..bucket("10:00-11:00", 620, 245)
            },
            HistoricalBucket {
                avg_talk_time_seconds: 152.0,
                ..bucket("11:00-12:00", 480, 175)
            },
        ];
        assert_eq!(infer_agents(&seed, 0.82), 12);
        assert_eq!(infer_agents(&[], 0.82), 1);
        let mut out = Vec::new();
        let huge = [HistoricalBucket {
            avg_talk_time_seconds: 3600.0,
            ..bucket("09:00-10:00", 20_000, 15_027)
        }];
        inferred_agents("historical_matrix", &huge, 0.82, &mut out);
        assert_eq!(out.len(), 1);
        assert!(
            out[0].message.contains("18326 agents"),
            "{}",
            out[0].message
        );
        assert!(
            out[0].message.contains("give `agents`"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn the_campaign_id_rule_says_what_is_wrong() {
        assert_eq!(check_campaign_id("spring_renewals-2"), Ok(()));
        assert_eq!(check_campaign_id(""), Err("must not be empty".to_owned()));
        let long = check_campaign_id(&"x".repeat(MAX_CAMPAIGN_ID_LEN + 1)).unwrap_err();
        assert!(long.contains("129 characters"), "{long}");
        let slash = check_campaign_id("a/b").unwrap_err();
        assert!(slash.contains("URL path"), "{slash}");
        assert!(check_campaign_id("é").is_err());
    }
}
