//! The OpenAPI description of the emulator, generated from the wire types (`GET /openapi.json`).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The emulator's API: the token and simulate endpoints, and the CXone wire types they speak.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "cxone-sim emulator",
        description = "A CXone-compatible outbound simulate API answered by a discrete-event dialer engine."
    ),
    paths(crate::oauth::token, crate::simulate_endpoint::simulate, crate::operations::healthz),
    components(schemas(
        contract::SimulateRequest,
        contract::SimulateResponse,
        contract::DialerSettings,
        contract::SimulatedSettings,
        contract::HistoricalBucket,
        contract::DialerType,
        contract::ErrorBody,
        contract::token::TokenResponse,
        contract::token::OAuthErrorBody,
        crate::oauth::TokenForm,
        crate::operations::Health,
    )),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_both_endpoints_and_the_wire_types() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let paths = doc["paths"].as_object().unwrap();
        assert!(paths.contains_key("/api/v2/oauth/token"));
        assert!(paths.contains_key("/api/v2/outbound/campaigns/{campaignId}/simulate"));
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        assert!(schemas.contains_key("SimulateRequest"));
        assert!(schemas.contains_key("SimulatedSettings"));
        assert!(schemas.contains_key("TokenResponse"));
        assert_eq!(
            doc["components"]["securitySchemes"]["bearer"]["scheme"],
            "bearer"
        );
    }
}
