//! The router ([`app`]) and the server loop ([`run`]).

use std::future::Future;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Request, StatusCode};
use axum::middleware;
use axum::routing::{get, post};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use crate::config::EmulatorConfig;
use crate::state::AppState;
use crate::{oauth, operations, simulate_endpoint};

/// Path of the token endpoint.
pub const TOKEN_PATH: &str = "/api/v2/oauth/token";
/// Path of the simulate endpoint, `{campaignId}` being the campaign.
pub const SIMULATE_PATH: &str = "/api/v2/outbound/campaigns/{campaignId}/simulate";

/// The emulator's routes and middleware around `state`, ready for `axum::serve` or `oneshot`.
///
/// Every answer carries `x-request-id` (the caller's, or a new UUID); every request is logged through
/// `tracing` with it; bodies over `max_body_bytes` get 413 and requests over `request_timeout` get 408.
pub fn app(state: AppState) -> Router {
    let max_body = state.config().max_body_bytes;
    let request_timeout = state.config().request_timeout;
    Router::new()
        .route(TOKEN_PATH, post(oauth::token))
        .route(SIMULATE_PATH, post(simulate_endpoint::simulate))
        .route("/healthz", get(operations::healthz))
        .route("/openapi.json", get(operations::openapi_json))
        .fallback(operations::not_found)
        .method_not_allowed_fallback(operations::method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body))
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
    tracing::info!(%addr, "emulator listening");
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await?;
    tracing::info!(%addr, "emulator stopped");
    Ok(())
}
