//! `cxone-sim run`: validate → simulate (with probability adjustment) → variance check → webhook
//! (only when compliant) → audit (always).

use std::process::ExitCode;
use std::time::Instant;

use anyhow::anyhow;
use cxone::backend::simulate_with_adjustments;
use cxone::{Payload, SimulateRequest, SimulateResponse, VarianceAnalysis};
use serde::Serialize;

use crate::args::{Backend, RunArgs};
use crate::audit::{self, AuditEntry, PayloadSnapshot, RunOutcome, WebhookRecord};
use crate::backends;
use crate::config;
use crate::failure::{ExitKind, Failure};
use crate::input;
use crate::output;
use crate::webhook::{self, Webhook};

/// The seed's example payload, run when no payload file is given.
pub const SEED_EXAMPLE: &str = include_str!("../../../examples/seed_payload.json");

/// The result object `run --json` prints: the seed's shape plus `backend` and our bookkeeping.
#[derive(Debug, Serialize)]
pub struct RunResult {
    /// SUCCESS, REJECTED or FAILED.
    pub status: RunOutcome,
    /// `local` or `cxone`.
    pub backend: &'static str,
    /// The server's answer, when there is one.
    pub simulation_result: Option<SimulateResponse>,
    /// The variance check, when it ran.
    pub variance_analysis: Option<VarianceAnalysis>,
    /// Time spent simulating (all attempts and adjustments), milliseconds.
    pub latency_ms: f64,
    /// Unique id of this run, also in the audit line.
    pub run_id: String,
    /// The campaign, once the payload named one.
    pub campaign_id: Option<String>,
    /// Simulate attempts, retries included.
    pub attempts: u32,
    /// Answer-rate adjustments made.
    pub adjustments: u32,
    /// The answer rate of the last request sent.
    pub answer_rate_requested: Option<f64>,
    /// What happened to the workforce-planner notification.
    pub webhook: Option<WebhookRecord>,
    /// Why the run was rejected or failed.
    pub error: Option<String>,
    /// What to do about it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    /// The regime whose rate and limit decide the probability adjustment and the REJECTED verdict
    /// (`compliance_regime`, its key); absent for a cxone backend, whose server applies its own.
    #[serde(
        rename = "compliance_regime",
        serialize_with = "regime_key",
        skip_serializing_if = "Option::is_none"
    )]
    pub regime: Option<dialer::Regime>,
    /// Simulated against historical abandonment, bucket by bucket, when history records abandons.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub abandonment_by_bucket: Vec<BucketAbandonment>,
    /// The payload's key settings, for the audit line.
    #[serde(skip)]
    snapshot: Option<PayloadSnapshot>,
}

/// One history bucket's abandon rate beside the simulated one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BucketAbandonment {
    /// The history bucket, `HH:MM-HH:MM`.
    pub time_bucket: String,
    /// `abandons / calls_answered` in history.
    pub historical_abandon_rate: f64,
    /// The simulated abandon rate of the bucket's first occurrence in the window.
    pub simulated_abandon_rate: f64,
}

/// Pairs each history bucket that records abandons with its simulated bucket: the window runs the
/// history in time order from its first bucket (DESIGN §5.5), so simulated bucket `i` is history
/// bucket `i` in time order; buckets the window does not reach are left out.
pub fn abandonment_by_bucket(
    history: &[contract::HistoricalBucket],
    response: &SimulateResponse,
) -> Vec<BucketAbandonment> {
    let Some(simulated) = &response.buckets else {
        return Vec::new();
    };
    let mut ordered: Vec<&contract::HistoricalBucket> = history.iter().collect();
    // `HH:MM-HH:MM` sorts by its start.
    ordered.sort_by(|a, b| a.time_bucket.cmp(&b.time_bucket));
    ordered
        .iter()
        .zip(simulated)
        .filter_map(|(h, sim)| {
            let historical = h.abandon_rate()?;
            let rate = sim
                .metrics
                .compliance_abandon_rate
                .or(sim.metrics.abandon_rate)?;
            Some(BucketAbandonment {
                time_bucket: h.time_bucket.clone(),
                historical_abandon_rate: historical,
                simulated_abandon_rate: rate.mean,
            })
        })
        .collect()
}

fn regime_key<S: serde::Serializer>(
    regime: &Option<dialer::Regime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_some(&regime.map(dialer::Regime::key))
}

impl RunResult {
    fn new(backend: Backend) -> Self {
        Self {
            status: RunOutcome::Success,
            backend: backend.name(),
            simulation_result: None,
            variance_analysis: None,
            latency_ms: 0.0,
            run_id: uuid::Uuid::new_v4().to_string(),
            campaign_id: None,
            attempts: 0,
            adjustments: 0,
            answer_rate_requested: None,
            webhook: None,
            error: None,
            hint: None,
            regime: None,
            abandonment_by_bucket: Vec::new(),
            snapshot: None,
        }
    }

    /// The simulated compliance abandon rate, from the response's metrics.
    pub fn abandon_rate(&self) -> Option<f64> {
        self.simulation_result
            .as_ref()?
            .metrics
            .as_ref()?
            .compliance_abandon()
    }

    fn audit_entry(&self) -> AuditEntry {
        let response = self.simulation_result.as_ref();
        AuditEntry {
            timestamp: jiff::Timestamp::now()
                .round(jiff::Unit::Millisecond)
                .unwrap_or_else(|_| jiff::Timestamp::now())
                .to_string(),
            campaign_id: self.campaign_id.clone(),
            payload_snapshot: self.snapshot.clone(),
            response_status: response.map_or_else(|| "UNKNOWN".to_owned(), |r| r.status.clone()),
            latency_ms: self.latency_ms,
            variance_analysis: self.variance_analysis.clone(),
            // As in the seed: 0.0 when the server reports no accuracy.
            model_accuracy_rate: response.and_then(|r| r.predicted_accuracy).unwrap_or(0.0),
            run_id: self.run_id.clone(),
            backend: self.backend,
            outcome: self.status,
            attempts: self.attempts,
            adjustments: self.adjustments,
            abandon_rate: self.abandon_rate(),
            webhook: self.webhook.clone(),
            error: self.error.clone(),
            truncated: None,
        }
    }
}

/// Runs the pipeline, appends the audit line, prints the result; the exit code follows DESIGN §3.
pub async fn run(args: &RunArgs) -> ExitCode {
    // SIGINT / SIGTERM stop the run, and the audit line below still records it (as FAILED).
    let signals = crate::signals::Signals::install();
    let mut result = RunResult::new(args.backend);
    if args.backend == Backend::Local {
        result.regime = Some(args.regime);
    }
    let verdict = tokio::select! {
        verdict = pipeline(args, &mut result) => verdict,
        failure = signals.interrupted() => Err(failure),
    };
    if let Err(failure) = &verdict {
        result.status = match failure.kind {
            ExitKind::Compliance => RunOutcome::Rejected,
            _ => RunOutcome::Failed,
        };
        result.error = Some(failure.to_string());
        result.hint = failure.hint.clone();
    }
    let audited = audit::append(&args.audit_log, &result.audit_entry());
    output::print_run(&result, args.json);
    let code = match &verdict {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    };
    match audited {
        Ok(()) => code,
        Err(e) => Failure::runtime(anyhow!(
            "the run was not recorded: could not append to the audit log {}: {e}",
            args.audit_log.display()
        ))
        .hint("check that the file's directory exists (it is not created for you) and is writable, or choose another with --audit-log / CXONE_AUDIT_LOG")
        .report(),
    }
}

async fn pipeline(args: &RunArgs, result: &mut RunResult) -> Result<(), Failure> {
    if args.backend == Backend::Cxone && (args.seed.is_some() || args.replications.is_some()) {
        return Err(Failure::invalid(anyhow!(
            "--seed and --replications apply to the local backend only"
        ))
        .hint("drop them, or use --backend local"));
    }
    let (text, source) = match &args.payload {
        Some(path) => (input::read_text(path)?, path.clone()),
        None => {
            tracing::info!("no payload given: using the built-in seed example");
            (
                SEED_EXAMPLE.to_owned(),
                std::path::PathBuf::from("examples/seed_payload.json"),
            )
        }
    };
    let payload: Payload = input::payload(input::parse_value(&text, "payload", &source)?, &source)?;
    result.campaign_id = Some(payload.campaign_id.clone());
    result.snapshot = Some(PayloadSnapshot {
        answer_rate: payload.answer_rate,
        agent_efficiency: payload.agent_efficiency,
        window_minutes: payload.max_simulation_window_minutes,
    });
    payload.validate().map_err(|violations| {
        output::violations_failure(&input::source_name(&source), &violations)
    })?;
    let webhook = webhook_from_env(args)?;
    let backend = backends::build(args)?;

    let request = SimulateRequest::from_payload(&payload);
    let started = Instant::now();
    let simulated = simulate_with_adjustments(
        &backend,
        &payload.campaign_id,
        &request,
        args.max_adjustments,
    )
    .await;
    result.latency_ms = round2(started.elapsed().as_secs_f64() * 1000.0);
    let simulated = simulated.map_err(|e| {
        result.attempts = e.attempts().unwrap_or(0);
        if let cxone::Error::AdjustmentsExhausted {
            adjustments,
            last_answer_rate,
            last_simulation,
            ..
        } = &e
        {
            result.adjustments = *adjustments;
            result.answer_rate_requested = Some(*last_answer_rate);
            // Rejected for abandonment: the table and --json still show what was simulated.
            if let Some(last) = last_simulation {
                result.abandonment_by_bucket =
                    abandonment_by_bucket(&payload.historical_matrix, last);
                result.simulation_result = Some((**last).clone());
            }
        }
        let mut failure = backends::failure(e);
        if let Some(server) = backend.server()
            && failure.kind != ExitKind::Compliance
        {
            failure.error = failure
                .error
                .context(format!("the server at {server} gave no usable answer"));
        }
        failure
    })?;
    result.attempts = simulated.attempts;
    result.adjustments = simulated.adjustments;
    result.answer_rate_requested = Some(simulated.answer_rate_requested);
    // As the seed reads it: without a simulated rate, the rate requested stands.
    let simulated_rate = simulated
        .response
        .answer_rate_or(simulated.answer_rate_requested);
    result.abandonment_by_bucket =
        abandonment_by_bucket(&payload.historical_matrix, &simulated.response);
    result.simulation_result = Some(simulated.response);

    // Live with live: history's answered calls less the machines they hold, if they count them.
    let analysis = cxone::variance::analyse_live(
        simulated_rate,
        &payload.historical_matrix,
        payload.compliance_threshold_variance,
        payload.machines_in_answered(),
    )
    .map_err(|e| Failure::invalid(anyhow!("the variance check cannot run: {e}")))?;
    let verdict = if analysis.is_compliant {
        Ok(())
    } else {
        Err(Failure {
            kind: ExitKind::Compliance,
            error: anyhow!(
                "variance {:.4} exceeds the threshold {}: the simulated answer rate {:.4} is too far from the historical mean {:.4}",
                analysis.variance, analysis.compliance_threshold, analysis.simulated_rate, analysis.historical_mean_rate
            ),
            hint: Some(
                "revisit answer_rate against history, or raise compliance_threshold_variance if the deviation is expected".to_owned(),
            ),
        })
    };
    let analysis = result.variance_analysis.insert(analysis);
    verdict?;
    if let Some(webhook) = webhook {
        let http = cxone::client_builder()
            .user_agent(backends::USER_AGENT)
            .build()
            .map_err(|e| Failure::runtime(anyhow!("could not set up the HTTP client: {e}")))?;
        let now = jiff::Timestamp::now().as_second();
        result.webhook = Some(
            webhook
                .deliver(&http, &payload.campaign_id, analysis, now)
                .await,
        );
    }
    Ok(())
}

fn webhook_from_env(args: &RunArgs) -> Result<Option<Webhook>, Failure> {
    let Some(url) = args
        .callback_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
    else {
        return Ok(None);
    };
    let url = config::parse_url("WORKFORCE_CALLBACK_URL", url)?;
    config::check_scheme("WORKFORCE_CALLBACK_URL", &url, args.allow_insecure_http)?;
    let signing_key = match config::var("WORKFORCE_CALLBACK_SECRET") {
        Some(secret) => Some(webhook::signing_key(&secret).map_err(|e| {
            Failure::invalid(anyhow!("WORKFORCE_CALLBACK_SECRET {e}"))
                .hint("give the secret exactly as the planner issued it (whsec_ followed by base64), or any other string")
        })?),
        None => None,
    };
    let bearer = config::var("WORKFORCE_CALLBACK_TOKEN").map(secrecy::SecretString::from);
    Ok(Some(Webhook::new(url, signing_key, bearer)))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
