//! The router ([`app`]) and the server loop ([`run`]).
//!
//! The loop serves HTTP/1.1 with hyper directly, so a hostile client cannot hold the server: a
//! connection gets [`EmulatorConfig::header_read_timeout`] to send each request's headers (which also
//! closes idle keep-alive connections), at most [`EmulatorConfig::max_connections`] are open at once (one
//! more is answered 503 and closed), and a shutdown waits [`EmulatorConfig::shutdown_grace`] for
//! requests in flight, then closes whatever is left.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Request, StatusCode};
use axum::middleware;
use axum::routing::{get, post};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::io::AsyncWriteExt as _;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::config::EmulatorConfig;
use crate::state::AppState;
use crate::{framing, oauth, operations, simulate_endpoint};

/// Path of the token endpoint.
pub const TOKEN_PATH: &str = "/api/v2/oauth/token";
/// Path of the simulate endpoint, `{campaignId}` being the campaign.
pub const SIMULATE_PATH: &str = "/api/v2/outbound/campaigns/{campaignId}/simulate";
/// Largest token request body: a form of four short fields.
pub const TOKEN_BODY_LIMIT: usize = 16 * 1024;

/// The emulator's routes and middleware around `state`, ready for `axum::serve` or `oneshot`.
///
/// Every answer carries `x-request-id` (the caller's, or a new UUID); every request is logged through
/// `tracing` with it; bodies over `max_body_bytes` get 413 (at once when `Content-Length` says so),
/// requests over `request_timeout` get 408, and badly framed or encoded bodies are refused before any
/// handler runs (see `framing`).
pub fn app(state: AppState) -> Router {
    let max_body = state.config().max_body_bytes;
    let request_timeout = state.config().request_timeout;
    Router::new()
        .route(
            TOKEN_PATH,
            post(oauth::token).layer(DefaultBodyLimit::max(TOKEN_BODY_LIMIT.min(max_body))),
        )
        .route(SIMULATE_PATH, post(simulate_endpoint::simulate))
        .route("/healthz", get(operations::healthz))
        .route("/openapi.json", get(operations::openapi_json))
        .fallback(operations::not_found)
        .method_not_allowed_fallback(operations::method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            framing::check,
        ))
        .with_state(state)
        .layer(
            ServiceBuilder::new()
                .layer(middleware::map_request(operations::hide_credentials))
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                        .make_span_with(|request: &Request<_>| {
                            let request_id = request
                                .headers()
                                .get("x-request-id")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("-");
                            // Only method, path and id: headers (tokens, secrets) are never logged.
                            tracing::info_span!(
                                "request",
                                method = %request.method(),
                                path = %request.uri().path(),
                                request_id = %request_id,
                            )
                        }),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    request_timeout,
                )),
        )
}

/// Serves an emulator configured by `config` on `listener` until `shutdown` completes, then finishes the
/// requests in flight and returns.
///
/// Tests bind `127.0.0.1:0`; the `serve` command binds its `--addr` and passes ctrl-c / SIGTERM as
/// `shutdown`.
pub async fn run(
    listener: TcpListener,
    config: EmulatorConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    run_with_state(listener, AppState::new(config), shutdown).await
}

/// [`run`] with state the caller keeps a handle on (for example to read
/// [`AppState::simulations_run`]).
pub async fn run_with_state(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let addr = listener.local_addr()?;
    let config = state.config().clone();
    let router = app(state);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout);
    let slots = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut connections = JoinSet::new();
    tracing::info!(%addr, max_connections = config.max_connections, "emulator listening");
    tokio::pin!(shutdown);
    loop {
        // Reap finished connections so the set holds only live ones.
        while connections.try_join_next().is_some() {}
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: not fatal; pause so
                    // the loop does not spin while the condition lasts.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = slots.clone().try_acquire_owned() else {
            tracing::warn!(%peer, "connection refused: max_connections reached");
            connections.spawn(refuse_busy(stream));
            continue;
        };
        let connection = http.serve_connection(
            TokioIo::new(stream),
            TowerToHyperService::new(router.clone()),
        );
        let connection = graceful.watch(connection);
        connections.spawn(async move {
            let _permit = permit;
            if let Err(e) = connection.await {
                tracing::debug!(%peer, error = %e, "connection closed with an error");
            }
        });
    }
    drop(listener);
    tracing::info!(%addr, "emulator stopping: finishing requests in flight");
    if tokio::time::timeout(config.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            %addr,
            open = connections.len(),
            "requests still in flight after the shutdown grace; closing their connections"
        );
    }
    connections.shutdown().await;
    tracing::info!(%addr, "emulator stopped");
    Ok(())
}

/// Answers a connection over the cap with 503 and closes it, without reading the request.
async fn refuse_busy(mut stream: TcpStream) {
    const BODY: &str = r#"{"detail":"too many open connections; retry later"}"#;
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\nretry-after: 1\r\n\
         connection: close\r\ncontent-length: {}\r\n\r\n{BODY}",
        BODY.len()
    );
    let write = async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await
    };
    // A client that does not read gets its connection closed after a second either way.
    let _ = tokio::time::timeout(Duration::from_secs(1), write).await;
}
