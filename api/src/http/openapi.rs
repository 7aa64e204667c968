//! The OpenAPI 3.1 document, generated from the handlers' annotations and
//! the request and response types (utoipa), served at `/openapi.json` and
//! committed as `docs/openapi.json` (a test keeps the two equal).

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use optimiser::commission::input;
use optimiser::dataset::raw;

use super::{datasets, health, jobs, problem, runs, solves};
use crate::service::requests;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A token from `placement token create`: 256-bit random, shown once",
                    ))
                    .build(),
            ),
        );
    }
}

/// Adds the answers every `/v1` route can give whatever it does: 401 (no
/// valid token), 403 (role), 404 (absent or out of scope), 413 (body too
/// large), 422 (invalid input), 503 (busy, with `Retry-After`) and 500, all
/// problem documents.
struct CommonErrors;

impl Modify for CommonErrors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ProblemDocument")))
                        .build(),
                )
                .build()
        };
        let common = [
            ("401", "No token, or a wrong, expired or revoked one"),
            ("403", "The token's role may not do this"),
            (
                "404",
                "No such resource, or one outside the token's authorities",
            ),
            ("413", "The body is larger than the server accepts"),
            ("422", "Invalid input: every problem listed"),
            ("500", "An internal error"),
            (
                "503",
                "Busy or shutting down: retry after the Retry-After seconds",
            ),
        ];
        for (path, item) in openapi.paths.paths.iter_mut() {
            if !path.starts_with("/v1/") {
                continue;
            }
            for op in [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
            ]
            .into_iter()
            .flatten()
            {
                for (code, description) in common {
                    op.responses
                        .responses
                        .entry(code.to_string())
                        .or_insert_with(|| problem(description).into());
                }
            }
        }
    }
}

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "placement",
        description = "Placement matching and commissioning for children's social care: datasets, ranked matches, batch placement, constellations, joint commissioning, jobs and the audit of runs.",
        license(name = "MIT OR Apache-2.0")
    ),
    paths(
        health::healthz, health::readyz, health::metrics,
        datasets::create, datasets::list, datasets::read, datasets::replace, datasets::delete, datasets::content,
        solves::matches, solves::match_stored, solves::constellations_stored, solves::match_inline, solves::commission_inline,
        jobs::list, jobs::read, jobs::cancel,
        runs::list, runs::read,
        serve,
    ),
    components(schemas(
        problem::ProblemDocument, datasets::DatasetView, jobs::JobView, runs::RunView, health::Health,
        requests::SolveParams, requests::ConstellationsRequest, requests::CommissionRequest, requests::SharingChoice,
        solves::InlineMatch, solves::InlineCommission, datasets::CsvUpload,
        raw::RawDataset, raw::RawAuthority, raw::RawSchool, raw::RawCarer, raw::RawHome, raw::RawChild,
        raw::RawSiblingGroup, raw::RawLocation, raw::Provider, raw::PlacementKind, raw::KeepTogether,
        input::RawCommission, input::RawResidentialChild, input::RawOption, input::RawWeights, input::OptionKind,
    )),
    modifiers(&BearerAuth, &CommonErrors),
    tags(
        (name = "datasets", description = "Stored datasets and their versions"),
        (name = "solves", description = "Ranked matches (direct) and long solves (jobs)"),
        (name = "jobs", description = "Queued and running solves"),
        (name = "runs", description = "The append-only record of every solve"),
        (name = "health", description = "Liveness, readiness, metrics and this document"),
    )
)]
pub struct ApiDoc;

/// The document as pretty JSON (what `docs/openapi.json` holds).
pub fn document() -> String {
    ApiDoc::openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// `GET /openapi.json`.
#[utoipa::path(get, path = "/openapi.json", tag = "health",
    responses((status = 200, description = "This document (OpenAPI 3.1)", body = Object)))]
pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
