//! `cxone-sim serve`: the emulator on a socket, until SIGINT or SIGTERM.

use std::time::Duration;

use anyhow::anyhow;
use emulator::{EmulatorConfig, RegisteredClient};
use secrecy::ExposeSecret;

use crate::args::ServeArgs;
use crate::failure::{Failure, Outcome, notice};

/// Builds the configuration, binds, serves, and shuts down gracefully on a signal.
pub async fn run(args: &ServeArgs) -> Outcome {
    let config = config_from(args)?;
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| {
            Failure::runtime(anyhow!("could not listen on {}: {e}", args.addr)).hint(
                "choose another address with --addr (for example 127.0.0.1:0 for any free port)",
            )
        })?;
    let local = listener
        .local_addr()
        .map_err(|e| Failure::runtime(anyhow!("{e}")))?;
    let dev_client = config.clients.iter().any(|c| {
        c.id == emulator::DEV_CLIENT_ID && c.secret.expose_secret() == emulator::DEV_CLIENT_SECRET
    });
    if dev_client {
        notice(
            "WARN",
            &format!(
                "warning: the development client {} / {} is registered; it is for local use only",
                emulator::DEV_CLIENT_ID,
                emulator::DEV_CLIENT_SECRET
            ),
            &[],
        );
    }
    let url = format!("http://{local}");
    notice(
        "INFO",
        &format!("cxone-sim emulator listening on {url}"),
        &[
            ("url", &url),
            ("token", &format!("POST {url}/api/v2/oauth/token")),
            (
                "simulate",
                &format!("POST {url}/api/v2/outbound/campaigns/{{campaignId}}/simulate"),
            ),
            (
                "client",
                &format!("point a client at it with CXONE_BASE_URL={url}"),
            ),
        ],
    );
    let grace = config.shutdown_grace;
    emulator::run(
        listener,
        config,
        shutdown_signal(crate::signals::Signals::install(), grace),
    )
    .await
    .map_err(|e| Failure::runtime(anyhow!("the emulator stopped: {e}")))?;
    notice("INFO", "cxone-sim emulator stopped", &[]);
    Ok(())
}

fn config_from(args: &ServeArgs) -> Result<EmulatorConfig, Failure> {
    if !(0.0..=1.0).contains(&args.fault_rate) {
        return Err(Failure::invalid(anyhow!(
            "--fault-rate is {}; it must be between 0 and 1",
            args.fault_rate
        )));
    }
    if args.token_ttl_seconds == 0 {
        return Err(Failure::invalid(anyhow!(
            "--token-ttl-seconds must be at least 1"
        )));
    }
    let mut clients = vec![RegisteredClient {
        id: args.client_id.clone(),
        secret: args.client_secret.clone(),
        scopes: vec![
            cxone::token::SCOPE_VIEW.to_owned(),
            cxone::token::SCOPE_EDIT.to_owned(),
        ],
    }];
    if let Some(path) = &args.clients {
        let text = std::fs::read_to_string(path).map_err(|e| {
            Failure::invalid(anyhow!(
                "could not read the --clients file {}: {e}",
                path.display()
            ))
            .hint("check the path given to --clients (a TOML file of [[client]] tables)")
        })?;
        let more = emulator::load_clients_toml(&text)
            .map_err(|e| Failure::invalid(anyhow!("{}: {e}", path.display())))?;
        clients.retain(|c| !more.iter().any(|m| m.id == c.id));
        clients.extend(more);
    }
    Ok(EmulatorConfig {
        clients,
        token_ttl: Duration::from_secs(args.token_ttl_seconds),
        rate_limit_per_second: (args.rate_limit_per_second > 0)
            .then_some(args.rate_limit_per_second),
        fault_rate: args.fault_rate,
        fault_seed: args.fault_seed,
        shutdown_grace: args.shutdown_grace_seconds,
        work_limits: emulator::WorkLimits {
            regime: args.regime,
            ..emulator::WorkLimits::default()
        },
        ..EmulatorConfig::default()
    })
}

async fn shutdown_signal(signals: crate::signals::Signals, grace: Duration) {
    let name = signals.wait().await;
    notice(
        "INFO",
        &format!(
            "shutting down: finishing requests in flight ({} s at most)",
            grace.as_secs_f64()
        ),
        &[("signal", name)],
    );
}
