//! `/v1/datasets`: store, list, read, replace (a new version) and delete
//! datasets. A dataset is validated on the way in (JSON in contract v1, or
//! the CSV tables as a multipart upload) and stored as its JSON contract; the
//! authorities it covers are recorded, and decide who may see it.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use optimiser::dataset::{Dataset, RawDataset};
use serde::{Deserialize, Serialize};

use super::auth::{Action, Caller};
use super::body;
use super::state::{AppState, Loaded};
use crate::error::ApiError;
use crate::service::reports::Scope;
use crate::store::{DatasetMeta, NewDataset};

/// A stored dataset version, as the API shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DatasetView {
    /// Dataset id.
    pub id: String,
    /// Version (1 for the first; each replace adds one).
    pub version: u32,
    /// A name given at upload.
    pub name: String,
    /// Authorities (GSS codes) the dataset covers.
    pub authorities: Vec<String>,
    /// SHA-256 of the stored JSON contract.
    pub sha256: String,
    /// Children waiting.
    pub children: u32,
    /// Places (carers and homes).
    pub places: u32,
    /// Unix seconds.
    pub created_at: i64,
}

impl From<DatasetMeta> for DatasetView {
    fn from(m: DatasetMeta) -> Self {
        DatasetView {
            id: m.id,
            version: m.version,
            name: m.name,
            authorities: m.authorities,
            sha256: m.sha256,
            children: m.children,
            places: m.places,
            created_at: m.created_at,
        }
    }
}

/// `?version=` and `?name=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct VersionQuery {
    /// A version (default: the latest).
    #[param(minimum = 1)]
    pub version: Option<u32>,
}

/// `?name=` of an upload.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// A name for the dataset (default `dataset`).
    pub name: Option<String>,
}

/// Reads an upload: a JSON body, or a multipart form whose parts are the
/// CSV tables (`authorities.csv`, `carers.csv`, …, by file name or part
/// name). Returns the stored form (the JSON contract) and the dataset.
async fn read_upload(state: &AppState, request: Request) -> Result<(String, Dataset), ApiError> {
    let limit = state.config().max_body_bytes;
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        let mut form = Multipart::from_request(request, state)
            .await
            .map_err(|e| ApiError::InvalidArgument(e.body_text()))?;
        let mut files = HashMap::new();
        while let Some(field) = form.next_field().await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::BodyTooLarge { limit }
            } else {
                ApiError::InvalidArgument(e.body_text())
            }
        })? {
            let name = field
                .file_name()
                .or(field.name())
                .unwrap_or_default()
                .to_string();
            let bytes = field.bytes().await.map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::BodyTooLarge { limit }
                } else {
                    ApiError::InvalidArgument(e.body_text())
                }
            })?;
            files.insert(name, bytes.to_vec());
        }
        state
            .run_blocking(move || {
                let (raw, data) = crate::load::dataset_from_csv(&files)?;
                Ok((serde_json::to_string(&raw)?, data))
            })
            .await
    } else {
        let bytes: Result<Bytes, BytesRejection> = Bytes::from_request(request, state).await;
        let text = body::text(bytes, limit)?;
        state
            .run_blocking(move || {
                let (raw, data) = crate::load::dataset_from_json(&text, "dataset.json")?;
                Ok((serde_json::to_string(&raw)?, data))
            })
            .await
    }
}

fn new_dataset(caller: &Caller, name: Option<String>, body: String, data: &Dataset) -> NewDataset {
    let name = name.unwrap_or_else(|| "dataset".to_string());
    NewDataset::of(name, body, data, Some(caller.token.id.clone()))
}

/// A commissioner (or admin) may store a dataset only when it covers at
/// least one of its authorities (else it could not read it back).
fn check_upload_scope(caller: &Caller, new: &NewDataset) -> Result<(), ApiError> {
    if caller.sees_dataset(&new.authorities) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "the dataset covers none of the token's authorities".into(),
        ))
    }
}

fn created(meta: DatasetMeta) -> Response {
    let location = format!("/v1/datasets/{}?version={}", meta.id, meta.version);
    (
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(DatasetView::from(meta)),
    )
        .into_response()
}

/// A dataset as its CSV tables in a multipart/form-data upload: one part
/// per table, named (or with a file name) as the table's file. Only
/// `authorities.csv` is required. Documentation only: the handler reads the
/// parts itself.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[allow(dead_code)]
pub struct CsvUpload {
    /// Local authorities.
    #[serde(rename = "authorities.csv")]
    #[schema(content_media_type = "text/csv")]
    pub authorities: String,
    /// Schools.
    #[serde(rename = "schools.csv", default)]
    #[schema(content_media_type = "text/csv")]
    pub schools: Option<String>,
    /// Foster households.
    #[serde(rename = "carers.csv", default)]
    #[schema(content_media_type = "text/csv")]
    pub carers: Option<String>,
    /// Children's homes.
    #[serde(rename = "homes.csv", default)]
    #[schema(content_media_type = "text/csv")]
    pub homes: Option<String>,
    /// Children waiting.
    #[serde(rename = "children.csv", default)]
    #[schema(content_media_type = "text/csv")]
    pub children: Option<String>,
    /// Sibling groups.
    #[serde(rename = "sibling_groups.csv", default)]
    #[schema(content_media_type = "text/csv")]
    pub sibling_groups: Option<String>,
}

/// `POST /v1/datasets`.
#[utoipa::path(post, path = "/v1/datasets", tag = "datasets",
    params(UploadQuery),
    request_body(description = "A dataset in contract v1 (JSON), or its CSV tables as multipart/form-data (one part per table, named by its file name)",
        content((RawDataset = "application/json"), (CsvUpload = "multipart/form-data"))),
    responses(
        (status = 201, description = "Stored", body = DatasetView),
        (status = 401, description = "No valid token", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
        (status = 403, description = "Role may not store datasets", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
        (status = 422, description = "Invalid dataset: every problem listed", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    query: Result<Query<UploadQuery>, QueryRejection>,
    request: Request,
) -> Result<Response, ApiError> {
    caller.require(Action::WriteDatasets)?;
    let query = body::query(query)?;
    let (text, data) = read_upload(&state, request).await?;
    let new = new_dataset(&caller, query.name, text, &data);
    check_upload_scope(&caller, &new)?;
    let meta = state.store().create_dataset(new).await?;
    state.forget(&meta.id);
    state.cache((meta.id.clone(), meta.version), Arc::new(Loaded::new(data)));
    tracing::info!(dataset = %meta.id, version = meta.version, "dataset stored");
    Ok(created(meta))
}

/// `PUT /v1/datasets/{id}`: a new version; old versions stay readable.
#[utoipa::path(put, path = "/v1/datasets/{id}", tag = "datasets",
    params(("id" = String, Path, description = "Dataset id"), UploadQuery),
    request_body(description = "A dataset in contract v1 (JSON), or its CSV tables as multipart/form-data (one part per table, named by its file name)",
        content((RawDataset = "application/json"), (CsvUpload = "multipart/form-data"))),
    responses(
        (status = 201, description = "Stored as a new version", body = DatasetView),
        (status = 404, description = "No such dataset in scope", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
        (status = 422, description = "Invalid dataset", body = super::problem::ProblemDocument, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn replace(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    query: Result<Query<UploadQuery>, QueryRejection>,
    request: Request,
) -> Result<Response, ApiError> {
    caller.require(Action::WriteDatasets)?;
    let query = body::query(query)?;
    let current = visible_meta(&state, &caller, &id, None).await?;
    let (text, data) = read_upload(&state, request).await?;
    let new = new_dataset(&caller, query.name.or(Some(current.name)), text, &data);
    check_upload_scope(&caller, &new)?;
    let meta = state
        .store()
        .replace_dataset(&id, new)
        .await?
        .ok_or_else(|| not_found(&id))?;
    state.forget(&id);
    state.cache((meta.id.clone(), meta.version), Arc::new(Loaded::new(data)));
    Ok(created(meta))
}

/// `GET /v1/datasets`: the latest version of each dataset in scope.
#[utoipa::path(get, path = "/v1/datasets", tag = "datasets",
    responses((status = 200, description = "Datasets in scope", body = Vec<DatasetView>),
              (status = 401, description = "No valid token", body = super::problem::ProblemDocument, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<DatasetView>>, ApiError> {
    caller.require(Action::ReadDatasets)?;
    let all = state.store().list_datasets().await?;
    Ok(Json(
        all.into_iter()
            .filter(|m| caller.sees_dataset(&m.authorities))
            .map(DatasetView::from)
            .collect(),
    ))
}

pub(crate) fn not_found(id: &str) -> ApiError {
    ApiError::NotFound(format!("no dataset {:?}", optimiser::dataset::echo(id)))
}

/// A dataset version's metadata, if it exists and is in the caller's scope
/// (404 otherwise, either way).
pub(crate) async fn visible_meta(
    state: &AppState,
    caller: &Caller,
    id: &str,
    version: Option<u32>,
) -> Result<DatasetMeta, ApiError> {
    match state.dataset_meta(id, version).await? {
        Some(m) if caller.sees_dataset(&m.authorities) => Ok(m),
        _ => Err(not_found(id)),
    }
}

/// A validated dataset in the caller's scope, from the cache or the store.
pub(crate) async fn load(
    state: &AppState,
    caller: &Caller,
    id: &str,
    version: Option<u32>,
) -> Result<(DatasetMeta, Arc<Loaded>), ApiError> {
    let meta = visible_meta(state, caller, id, version).await?;
    let data = load_version(state, &meta).await?;
    Ok((meta, data))
}

/// A stored dataset version, validated, from the cache or the store (no
/// scope check: for jobs, checked when they were submitted).
pub(crate) async fn load_version(
    state: &AppState,
    meta: &DatasetMeta,
) -> Result<Arc<Loaded>, ApiError> {
    let key = (meta.id.clone(), meta.version);
    if let Some(data) = state.cached(&key) {
        return Ok(data);
    }
    let stored = state
        .store()
        .dataset(&meta.id, Some(meta.version))
        .await?
        .ok_or_else(|| not_found(&meta.id))?;
    let data = state
        .run_blocking(move || {
            crate::load::dataset_from_json(&stored.body, "stored dataset")
                .map(|(_, d)| Loaded::new(d))
        })
        .await?;
    let data = Arc::new(data);
    state.cache(key, data.clone());
    Ok(data)
}

/// `GET /v1/datasets/{id}`.
#[utoipa::path(get, path = "/v1/datasets/{id}", tag = "datasets",
    params(("id" = String, Path, description = "Dataset id"), VersionQuery),
    responses((status = 200, description = "The version's metadata", body = DatasetView),
              (status = 404, description = "No such dataset in scope", body = super::problem::ProblemDocument, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    query: Result<Query<VersionQuery>, QueryRejection>,
) -> Result<Json<DatasetView>, ApiError> {
    caller.require(Action::ReadDatasets)?;
    let q = body::query(query)?;
    Ok(Json(
        visible_meta(&state, &caller, &id, q.version).await?.into(),
    ))
}

/// `GET /v1/datasets/{id}/content`: the dataset in contract v1, with only
/// the children of the caller's authorities (all of them for an admin).
#[utoipa::path(get, path = "/v1/datasets/{id}/content", tag = "datasets",
    params(("id" = String, Path, description = "Dataset id"), VersionQuery),
    responses((status = 200, description = "The dataset (contract v1), children in scope only", body = Object),
              (status = 404, description = "No such dataset in scope", body = super::problem::ProblemDocument, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn content(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    query: Result<Query<VersionQuery>, QueryRejection>,
) -> Result<Json<RawDataset>, ApiError> {
    caller.require(Action::ReadDatasets)?;
    let q = body::query(query)?;
    let meta = visible_meta(&state, &caller, &id, q.version).await?;
    let stored = state
        .store()
        .dataset(&id, Some(meta.version))
        .await?
        .ok_or_else(|| not_found(&id))?;
    let mut raw: RawDataset = serde_json::from_str(&stored.body)
        .map_err(|e| ApiError::Internal(format!("stored dataset {id} is unreadable: {e}")))?;
    restrict(&mut raw, &caller.scope());
    Ok(Json(raw))
}

/// Removes the children (and their links) outside `scope`.
pub fn restrict(raw: &mut RawDataset, scope: &Scope) {
    if *scope == Scope::All {
        return;
    }
    raw.children.retain(|c| scope.allows(&c.authority));
    let kept: BTreeSet<&str> = raw.children.iter().map(|c| c.id.as_str()).collect();
    let groups: BTreeSet<&str> = raw
        .children
        .iter()
        .filter_map(|c| c.sibling_group.as_deref())
        .collect();
    raw.sibling_groups
        .retain(|g| groups.contains(g.id.as_str()));
    for carer in &mut raw.carers {
        carer
            .connected_children
            .retain(|c| kept.contains(c.as_str()));
    }
}

/// `DELETE /v1/datasets/{id}`: every version. Runs keep their own records.
#[utoipa::path(delete, path = "/v1/datasets/{id}", tag = "datasets",
    params(("id" = String, Path, description = "Dataset id")),
    responses((status = 204, description = "Deleted"),
              (status = 404, description = "No such dataset in scope", body = super::problem::ProblemDocument, content_type = "application/problem+json")),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    caller.require(Action::WriteDatasets)?;
    visible_meta(&state, &caller, &id, None).await?;
    let deleted = state.store().delete_dataset(&id).await?;
    state.forget(&id);
    if !deleted {
        return Err(not_found(&id));
    }
    Ok(StatusCode::NO_CONTENT)
}
