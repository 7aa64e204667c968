//! Bearer tokens: roles, scopes (GSS codes of local authorities), creation
//! with a secret shown once, authentication by the secret's hash, revocation.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sqlx::sqlite::SqliteRow;

use super::{get, get_json, new_id, now, random_hex, sha256_hex, sql, Store, StoreError};

/// Every secret starts with this, so a leaked one is recognisable (secret
/// scanners, logs).
pub const TOKEN_PREFIX: &str = "plc_";

/// Random bytes in a secret (256 bits).
const SECRET_BYTES: usize = 32;

/// The longest secret `authenticate` will hash; anything longer is unknown.
const MAX_SECRET_CHARS: usize = 256;

/// Most characters in a token's label.
pub const MAX_LABEL_CHARS: usize = 200;

/// What a token may do (the HTTP layer decides what each role may call).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A placement team, acting for exactly one authority.
    Placement,
    /// A commissioner, for one or more authorities.
    Commissioner,
    /// A planner (sufficiency scenarios), for one or more authorities.
    Planner,
    /// An administrator, for any number of authorities (none included).
    Admin,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [
        Role::Placement,
        Role::Commissioner,
        Role::Planner,
        Role::Admin,
    ];

    /// The role's name as stored and serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Placement => "placement",
            Role::Commissioner => "commissioner",
            Role::Planner => "planner",
            Role::Admin => "admin",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = String;

    fn from_str(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "unknown role {:?} (placement, commissioner, planner or admin)",
                    optimiser::dataset::echo(s)
                )
            })
    }
}

/// A token to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewToken {
    /// Its role.
    pub role: Role,
    /// The GSS codes of the authorities it may act for (see
    /// [`check_token_scope`]).
    pub authorities: Vec<String>,
    /// When it stops working (unix seconds); `None` for never.
    pub expires_at: Option<i64>,
    /// A note for whoever lists tokens (who holds it, what for).
    pub label: Option<String>,
}

/// A stored token, without its secret (which is never stored).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenInfo {
    /// `tok_` and 16 hex digits.
    pub id: String,
    /// Its role.
    pub role: Role,
    /// GSS codes of the authorities in scope.
    pub authorities: Vec<String>,
    /// Creation time (unix seconds).
    pub created_at: i64,
    /// Expiry (unix seconds), if any: from this second on it is refused.
    pub expires_at: Option<i64>,
    /// When it was revoked (unix seconds), if it was.
    pub revoked_at: Option<i64>,
    /// The note given at creation.
    pub label: Option<String>,
}

impl TokenInfo {
    /// Whether the token is neither revoked nor expired at `now`.
    pub fn is_active(&self, now: i64) -> bool {
        self.revoked_at.is_none() && !matches!(self.expires_at, Some(e) if now >= e)
    }
}

/// Whether `s` looks like a GSS code: an upper-case letter and eight digits
/// (`E06000044` Portsmouth, `E10000014` Hampshire, `W06000015` Cardiff).
pub fn is_gss_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 9 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

/// The rules of a token's scope: every authority a GSS code, none twice;
/// `admin` may have none, `placement` exactly one, the others at least one.
pub fn check_token_scope(role: Role, authorities: &[String]) -> Result<(), String> {
    if let Some(bad) = authorities.iter().find(|a| !is_gss_code(a)) {
        return Err(format!(
            "authority {:?} is not a GSS code (a letter and 8 digits, like E06000044)",
            optimiser::dataset::echo(bad)
        ));
    }
    for (k, a) in authorities.iter().enumerate() {
        if authorities[..k].contains(a) {
            return Err(format!("authority {a} is given twice"));
        }
    }
    match (role, authorities.len()) {
        (Role::Admin, _) => Ok(()),
        (Role::Placement, 1) => Ok(()),
        (Role::Placement, n) => Err(format!(
            "a placement token acts for exactly one authority, got {n}"
        )),
        (Role::Commissioner | Role::Planner, 0) => Err(format!(
            "a {role} token needs at least one authority (--authority GSS)"
        )),
        (Role::Commissioner | Role::Planner, _) => Ok(()),
    }
}

fn check_label(label: Option<&str>) -> Result<(), String> {
    match label {
        Some(l) if l.chars().count() > MAX_LABEL_CHARS => {
            Err(format!("a label has at most {MAX_LABEL_CHARS} characters"))
        }
        Some(l) if l.chars().any(char::is_control) => {
            Err("a label may not contain control characters".to_string())
        }
        _ => Ok(()),
    }
}

fn token_from_row(row: &SqliteRow) -> Result<TokenInfo, StoreError> {
    let role: String = get(row, "role")?;
    Ok(TokenInfo {
        id: get(row, "id")?,
        role: role
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("role: {e}")))?,
        authorities: get_json(row, "authorities")?,
        created_at: get(row, "created_at")?,
        expires_at: get(row, "expires_at")?,
        revoked_at: get(row, "revoked_at")?,
        label: get(row, "label")?,
    })
}

impl Store {
    /// Creates a token and returns it with its secret: `plc_` and 64 hex
    /// digits (32 bytes from the operating system's generator). Only the
    /// secret's SHA-256 is stored; the secret cannot be shown again.
    pub async fn create_token(&self, new: NewToken) -> Result<(TokenInfo, String), StoreError> {
        check_token_scope(new.role, &new.authorities).map_err(StoreError::Invalid)?;
        check_label(new.label.as_deref()).map_err(StoreError::Invalid)?;
        let secret = format!("{TOKEN_PREFIX}{}", random_hex(SECRET_BYTES)?);
        let info = TokenInfo {
            id: new_id("tok_")?,
            role: new.role,
            authorities: new.authorities,
            created_at: now(),
            expires_at: new.expires_at,
            revoked_at: None,
            label: new.label,
        };
        sqlx::query(sql::INSERT_TOKEN)
            .bind(&info.id)
            .bind(sha256_hex(secret.as_bytes()))
            .bind(info.role.as_str())
            .bind(super::to_json(&info.authorities)?)
            .bind(&info.label)
            .bind(info.created_at)
            .bind(info.expires_at)
            .execute(&self.pool)
            .await?;
        Ok((info, secret))
    }

    /// The token whose secret this is, if it is known, not revoked and not
    /// expired at `now` (unix seconds). The secret is looked up by its
    /// SHA-256, so no comparison of secrets happens here.
    pub async fn authenticate(
        &self,
        secret: &str,
        now: i64,
    ) -> Result<Option<TokenInfo>, StoreError> {
        if secret.len() > MAX_SECRET_CHARS {
            return Ok(None);
        }
        let row = sqlx::query(sql::TOKEN_BY_HASH)
            .bind(sha256_hex(secret.as_bytes()))
            .fetch_optional(&self.pool)
            .await?;
        let token = row.as_ref().map(token_from_row).transpose()?;
        Ok(token.filter(|t| t.is_active(now)))
    }

    /// One token by id (active or not).
    pub async fn token(&self, id: &str) -> Result<Option<TokenInfo>, StoreError> {
        let row = sqlx::query(sql::TOKEN_BY_ID)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(token_from_row).transpose()
    }

    /// Every token, revoked and expired ones too, in creation order.
    pub async fn list_tokens(&self) -> Result<Vec<TokenInfo>, StoreError> {
        let rows = sqlx::query(sql::LIST_TOKENS).fetch_all(&self.pool).await?;
        rows.iter().map(token_from_row).collect()
    }

    /// Revokes a token: `true` if it existed and was not revoked yet
    /// (revoking twice keeps the first time).
    pub async fn revoke_token(&self, id: &str) -> Result<bool, StoreError> {
        let done = sqlx::query(sql::REVOKE_TOKEN)
            .bind(now())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
