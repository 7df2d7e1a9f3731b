//! The OpenAPI description of the emulator, generated from the wire types (`GET /openapi.json`).
//!
//! [`document`] adds what the types alone cannot say: the ranges and item counts the server enforces
//! (read from the field tables of `contract::fields`, the one home of the ranges), the patterns, the answers every endpoint may give (405, 408, 413, 415, 501 and `Retry-After`), and the
//! token endpoint's HTTP Basic client authentication. Rules across fields (answered calls at most the
//! attempts, buckets that do not overlap) are stated in the descriptions.

use std::sync::OnceLock;

use serde_json::{Value, json};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use violation::shape::Kind;

use crate::idempotency::MAX_KEY_LEN;

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
        contract::AmdSettings,
        contract::DialerType,
        contract::ComplianceReport,
        contract::RegimeCompliance,
        contract::ShareEstimate,
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

/// The document `GET /openapi.json` serves: [`ApiDoc`] with the server's real rules.
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_else(|_| json!({}));
        add_rules(&mut doc);
        doc
    })
}

/// Merges `extra`'s keys into the object at `pointer`, if there is one.
fn merge(doc: &mut Value, pointer: &str, extra: Value) {
    if let (Some(Value::Object(target)), Value::Object(extra)) = (doc.pointer_mut(pointer), extra) {
        target.extend(extra);
    }
}

fn error_answer(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    })
}

/// A field kind's range as JSON Schema keywords (`minimum`, `exclusiveMinimum`, `maximum`,
/// `minItems`, `maxItems`); none for kinds the generated schema already states in full.
fn schema_rule(kind: &Kind) -> Option<Value> {
    let mut rule = serde_json::Map::new();
    match *kind {
        Kind::Whole { min, max } => {
            rule.insert("minimum".into(), min.into());
            if max < u64::from(u32::MAX) {
                rule.insert("maximum".into(), max.into());
            }
        }
        Kind::Number {
            min,
            max,
            above_min,
        } => {
            if min.is_finite() {
                let key = if above_min {
                    "exclusiveMinimum"
                } else {
                    "minimum"
                };
                rule.insert(key.into(), min.into());
            }
            if max.is_finite() {
                rule.insert("maximum".into(), max.into());
            }
        }
        Kind::List { min, max, .. } => {
            rule.insert("minItems".into(), min.into());
            rule.insert("maxItems".into(), max.into());
        }
        _ => return None,
    }
    Some(Value::Object(rule))
}

fn add_rules(doc: &mut Value) {
    let s = "/components/schemas";
    // A reported `dialerType` is a known mode or any other string: a known one is a string too, so
    // it matches both alternatives, which `anyOf` allows and `oneOf` (what an untagged enum
    // generates) does not.
    if let Some(Value::Object(reported)) = doc.pointer_mut(&format!("{s}/ReportedDialerType"))
        && let Some(alternatives) = reported.remove("oneOf")
    {
        reported.insert("anyOf".into(), alternatives);
    }
    // Ranges and item counts from the field tables, their one home (contract::fields).
    for (schema, shape) in [
        ("SimulateRequest", &contract::fields::REQUEST),
        ("DialerSettings", &contract::fields::DIALER_SETTINGS),
        ("HistoricalBucket", &contract::fields::BUCKET),
        ("AmdSettings", &contract::fields::AMD),
    ] {
        for field in shape.fields {
            if let Some(rule) = schema_rule(&field.kind) {
                merge(
                    doc,
                    &format!("{s}/{schema}/properties/{}", field.name),
                    rule,
                );
            }
        }
    }
    merge(
        doc,
        &format!("{s}/SimulateRequest/properties/historicalData"),
        json!({
            "description": "History by time bucket: buckets must not overlap, at least one must have \
                attempts and at least one answered call among them; the history must also fit the \
                server's work limits."
        }),
    );
    let clock = "([01][0-9]|2[0-3]):[0-5][0-9]";
    merge(
        doc,
        &format!("{s}/HistoricalBucket/properties/time_bucket"),
        json!({"pattern": format!("^{clock}-({clock}|24:00)$"),
               "description": "`HH:MM-HH:MM`, the end after the start (`24:00` allowed as an end)."}),
    );
    merge(
        doc,
        &format!("{s}/HistoricalBucket/properties/calls_answered"),
        json!({"description": "Attempts a live person answered: at most calls_attempted."}),
    );
    merge(
        doc,
        &format!("{s}/TokenForm/properties/grant_type"),
        json!({"enum": ["client_credentials"]}),
    );

    // Path and header parameters of the simulate endpoint.
    let simulate = "/paths/~1api~1v2~1outbound~1campaigns~1{campaignId}~1simulate/post";
    if let Some(Value::Array(params)) = doc.pointer_mut(&format!("{simulate}/parameters")) {
        for param in params {
            let rule = match param["name"].as_str() {
                Some("campaignId") => json!({"pattern": format!(
                    "^[A-Za-z0-9_-]{{1,{}}}$", contract::validate::MAX_CAMPAIGN_ID_LEN)}),
                Some("Idempotency-Key") => {
                    json!({"pattern": format!("^[!-~]{{1,{MAX_KEY_LEN}}}$")})
                }
                _ => continue,
            };
            if let (Some(Value::Object(schema)), Value::Object(rule)) =
                (param.get_mut("schema"), rule)
            {
                schema.extend(rule);
            }
        }
    }

    // Answers every endpoint may give, whatever its handler.
    let common = [
        ("405", "Method not allowed on this path"),
        ("408", "The request took longer than the request timeout"),
        (
            "413",
            "The body (or its declared Content-Length) is over the body limit",
        ),
        ("501", "A Transfer-Encoding other than chunked"),
    ];
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for item in paths.values_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for operation in item.values_mut() {
                let Some(Value::Object(responses)) = operation.get_mut("responses") else {
                    continue;
                };
                for (status, description) in common {
                    responses
                        .entry(status)
                        .or_insert_with(|| error_answer(description));
                }
                responses.entry("415").or_insert_with(|| {
                    error_answer("A Content-Encoding was sent, or the Content-Type is wrong")
                });
                responses.entry("503").or_insert_with(|| {
                    let mut answer = error_answer("Too many open connections");
                    answer["headers"] = json!({"Retry-After": {
                        "description": "Seconds to wait before retrying",
                        "schema": {"type": "integer", "minimum": 0}}});
                    answer
                });
            }
        }
    }

    // The token endpoint: client credentials in the form, or HTTP Basic (RFC 6749 §2.3.1).
    merge(
        doc,
        "/components/securitySchemes",
        json!({"basic": {"type": "http", "scheme": "basic",
            "description": "Client authentication at the token endpoint: client_id and client_secret \
                as the Basic user and password, instead of the form fields (not both)."}}),
    );
    merge(
        doc,
        "/paths/~1api~1v2~1oauth~1token/post",
        json!({"security": [{}, {"basic": []}]}),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_states_the_servers_rules() {
        let doc = document();
        let settings = &doc["components"]["schemas"]["DialerSettings"]["properties"];
        assert_eq!(settings["answerRate"]["minimum"], 0.05);
        assert_eq!(
            settings["maxCalls"]["maximum"],
            contract::validate::MAX_MAX_CALLS
        );
        // Every range of the field tables is in the document.
        for (schema, shape) in [
            ("DialerSettings", &contract::fields::DIALER_SETTINGS),
            ("HistoricalBucket", &contract::fields::BUCKET),
            ("SimulateRequest", &contract::fields::REQUEST),
        ] {
            let props = &doc["components"]["schemas"][schema]["properties"];
            for field in shape.fields {
                if let Some(Value::Object(rule)) = schema_rule(&field.kind) {
                    for (key, value) in rule {
                        assert_eq!(props[field.name][&key], value, "{schema}.{}", field.name);
                    }
                }
            }
        }
        let bucket = &doc["components"]["schemas"]["HistoricalBucket"]["properties"];
        assert_eq!(bucket["avg_talk_time_seconds"]["exclusiveMinimum"], 0.0);
        let request = &doc["components"]["schemas"]["SimulateRequest"]["properties"];
        assert_eq!(request["historicalData"]["maxItems"], 1440);
        assert_eq!(request["simulationWindowMinutes"]["minimum"], 10);
        let simulate = &doc["paths"]["/api/v2/outbound/campaigns/{campaignId}/simulate"]["post"];
        for status in ["405", "408", "413", "415", "429", "501", "503"] {
            assert!(
                simulate["responses"].get(status).is_some(),
                "{status} is documented"
            );
        }
        assert!(
            simulate["responses"]["429"]["headers"]
                .get("Retry-After")
                .is_some()
        );
        let pattern = simulate["parameters"][0]["schema"]["pattern"]
            .as_str()
            .unwrap();
        assert!(pattern.contains("A-Za-z0-9_-"), "{pattern}");
        assert_eq!(
            doc["components"]["securitySchemes"]["basic"]["scheme"],
            "basic"
        );
        let token = &doc["paths"]["/api/v2/oauth/token"]["post"];
        assert_eq!(token["security"][1]["basic"], json!([]));
    }

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
