//! Stored datasets: every version kept (and readable) until the dataset is
//! deleted, which erases every version's body.

use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;

use super::{
    get, get_json, get_u32, is_sha256_hex, new_id, now, sha256_hex, sql, to_json, Store, StoreError,
};

/// A dataset (or a new version of one) to store. The caller has validated
/// `body` against the dataset contract v1 and counted it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewDataset {
    /// A name for people (not unique).
    pub name: String,
    /// GSS codes of the authorities the dataset covers.
    pub authorities: Vec<String>,
    /// The dataset's JSON text.
    pub body: String,
    /// SHA-256 of `body` (64 lowercase hex digits); checked against it.
    pub sha256: String,
    /// Children waiting in it.
    pub children: u32,
    /// Places (carers and homes) in it.
    pub places: u32,
    /// The token that stored it.
    pub created_by: Option<String>,
}

impl NewDataset {
    /// The version to store for `data`, validated from `body` (its JSON
    /// contract): authorities, counts and the body's SHA-256 from the data.
    pub fn of(
        name: String,
        body: String,
        data: &optimiser::dataset::Dataset,
        created_by: Option<String>,
    ) -> NewDataset {
        NewDataset {
            name,
            authorities: data.authorities().iter().map(|a| a.id.clone()).collect(),
            sha256: super::sha256_hex(body.as_bytes()),
            children: u32::try_from(data.children().len()).unwrap_or(u32::MAX),
            places: u32::try_from(data.places().len()).unwrap_or(u32::MAX),
            body,
            created_by,
        }
    }
}

/// One version of a stored dataset, without its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatasetMeta {
    /// `ds_` and 16 hex digits.
    pub id: String,
    /// 1 for the first, one more for each replacement.
    pub version: u32,
    /// Its name.
    pub name: String,
    /// GSS codes of the authorities it covers.
    pub authorities: Vec<String>,
    /// SHA-256 of the body.
    pub sha256: String,
    /// Children waiting in it.
    pub children: u32,
    /// Places in it.
    pub places: u32,
    /// When this version was stored (unix seconds).
    pub created_at: i64,
    /// The token that stored this version.
    pub created_by: Option<String>,
}

/// One version of a dataset with its body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredDataset {
    /// What it is.
    pub meta: DatasetMeta,
    /// The dataset's JSON text.
    pub body: String,
}

fn check(new: &NewDataset) -> Result<(), StoreError> {
    if !is_sha256_hex(&new.sha256) {
        return Err(StoreError::Invalid(
            "a dataset's sha256 is 64 lowercase hex digits".into(),
        ));
    }
    if sha256_hex(new.body.as_bytes()) != new.sha256 {
        return Err(StoreError::Invalid(
            "the dataset's sha256 is not the SHA-256 of its body".into(),
        ));
    }
    Ok(())
}

fn meta_from_row(row: &SqliteRow) -> Result<DatasetMeta, StoreError> {
    Ok(DatasetMeta {
        id: get(row, "dataset_id")?,
        version: get_u32(row, "version")?,
        name: get(row, "name")?,
        authorities: get_json(row, "authorities")?,
        sha256: get(row, "sha256")?,
        children: get_u32(row, "children")?,
        places: get_u32(row, "places")?,
        created_at: get(row, "created_at")?,
        created_by: get(row, "created_by")?,
    })
}

impl Store {
    /// Stores a new dataset as version 1 under a new id.
    pub async fn create_dataset(&self, new: NewDataset) -> Result<DatasetMeta, StoreError> {
        check(&new)?;
        let id = new_id("ds_")?;
        let at = now();
        let mut tx = self.write().await?;
        sqlx::query(sql::INSERT_DATASET)
            .bind(&id)
            .bind(at)
            .bind(&new.created_by)
            .execute(&mut *tx)
            .await?;
        let meta = insert_version(&mut tx, id, 1, new, at).await?;
        tx.commit().await?;
        Ok(meta)
    }

    /// Stores a new version of a live dataset (the old ones stay readable);
    /// `None` if there is no such dataset or it was deleted.
    pub async fn replace_dataset(
        &self,
        id: &str,
        new: NewDataset,
    ) -> Result<Option<DatasetMeta>, StoreError> {
        check(&new)?;
        let mut tx = self.write().await?;
        let latest: Option<i64> = sqlx::query_scalar(sql::LIVE_LATEST_VERSION)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let Some(latest) = latest else {
            return Ok(None);
        };
        let version = u32::try_from(latest)
            .ok()
            .and_then(|v| v.checked_add(1))
            .ok_or_else(|| StoreError::Corrupt(format!("latest_version: {latest}")))?;
        sqlx::query(sql::SET_LATEST_VERSION)
            .bind(i64::from(version))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let meta = insert_version(&mut tx, id.to_string(), version, new, now()).await?;
        tx.commit().await?;
        Ok(Some(meta))
    }

    /// One version of a live dataset with its body (the latest when
    /// `version` is `None`).
    pub async fn dataset(
        &self,
        id: &str,
        version: Option<u32>,
    ) -> Result<Option<StoredDataset>, StoreError> {
        let row = sqlx::query(sql::DATASET_WITH_BODY)
            .bind(id)
            .bind(version.map(i64::from))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let meta = meta_from_row(&row)?;
        let body: Option<String> = get(&row, "body")?;
        let body = body.ok_or_else(|| {
            StoreError::Corrupt(format!("{} version {} has no body", meta.id, meta.version))
        })?;
        Ok(Some(StoredDataset { meta, body }))
    }

    /// [`Store::dataset`] without the body.
    pub async fn dataset_meta(
        &self,
        id: &str,
        version: Option<u32>,
    ) -> Result<Option<DatasetMeta>, StoreError> {
        let row = sqlx::query(sql::DATASET_META)
            .bind(id)
            .bind(version.map(i64::from))
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(meta_from_row).transpose()
    }

    /// The latest version of every live dataset, in the order they were
    /// created.
    pub async fn list_datasets(&self) -> Result<Vec<DatasetMeta>, StoreError> {
        let rows = sqlx::query(sql::LIST_DATASETS)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(meta_from_row).collect()
    }

    /// Deletes a dataset: it is no longer listed or readable, and every
    /// version's body is erased (overwritten on disk, `secure_delete`).
    /// Its metadata rows stay, so runs that name it keep their meaning.
    /// `false` if there was no such live dataset.
    pub async fn delete_dataset(&self, id: &str) -> Result<bool, StoreError> {
        let mut tx = self.write().await?;
        let marked = sqlx::query(sql::MARK_DATASET_DELETED)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if marked.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(sql::ERASE_DATASET_BODIES)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}

async fn insert_version(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    id: String,
    version: u32,
    new: NewDataset,
    at: i64,
) -> Result<DatasetMeta, StoreError> {
    sqlx::query(sql::INSERT_DATASET_VERSION)
        .bind(&id)
        .bind(i64::from(version))
        .bind(&new.name)
        .bind(to_json(&new.authorities)?)
        .bind(&new.sha256)
        .bind(i64::from(new.children))
        .bind(i64::from(new.places))
        .bind(&new.body)
        .bind(at)
        .bind(&new.created_by)
        .execute(&mut **tx)
        .await?;
    Ok(DatasetMeta {
        id,
        version,
        name: new.name,
        authorities: new.authorities,
        sha256: new.sha256,
        children: new.children,
        places: new.places,
        created_at: at,
        created_by: new.created_by,
    })
}
