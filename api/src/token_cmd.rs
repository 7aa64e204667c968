//! `placement token create | list | revoke`: the bearer tokens of the HTTP
//! service, kept in its store ([`crate::store`]).
//!
//! A secret is printed once, by `create`; the store keeps only its SHA-256,
//! and `list` shows neither.

use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;

use crate::error::ApiError;
use crate::render::table::Table;
use crate::store::{check_token_scope, now, NewToken, Role, Store, TokenInfo};

/// The store file `placement token` and `placement serve` use unless told
/// otherwise (relative to the working directory).
pub const DEFAULT_DB_PATH: &str = "placement.db";

/// The longest lifetime `--expires` accepts, in days (100 years).
pub const MAX_EXPIRY_DAYS: i64 = 36_500;

const SECONDS_A_DAY: i64 = 86_400;

/// `placement token`.
#[derive(Debug, Clone, Args)]
pub struct TokenArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: TokenCommand,
}

/// The `token` subcommands.
#[derive(Debug, Clone, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print its secret (shown this once only).
    #[command(allow_negative_numbers = true)]
    Create(CreateArgs),
    /// List tokens (never their secrets).
    List(ListArgs),
    /// Revoke a token: it is refused from now on.
    Revoke(RevokeArgs),
}

/// Output format of the `token` commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TokenFormat {
    /// Readable text.
    #[default]
    Table,
    /// JSON (machine-readable).
    Json,
}

/// `placement token create`.
#[derive(Debug, Clone, Args)]
pub struct CreateArgs {
    /// What the token may do.
    #[arg(long, value_enum)]
    pub role: Role,
    /// A local authority it acts for, by GSS code (E06000044); repeat for
    /// more. `placement` takes exactly one, `commissioner` and `planner` at
    /// least one, `admin` any number.
    #[arg(long = "authority", value_name = "GSS")]
    pub authorities: Vec<String>,
    /// When it stops working: a number of days from now, or a date
    /// (YYYY-MM-DD, from 00:00 UTC that day). Default: never.
    #[arg(long, value_name = "DAYS|YYYY-MM-DD")]
    pub expires: Option<String>,
    /// A note shown by `token list` (who holds it, what for).
    #[arg(long, value_name = "TEXT")]
    pub label: Option<String>,
    /// The store file (created if missing).
    #[arg(long, value_name = "PATH", default_value = DEFAULT_DB_PATH)]
    pub db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TokenFormat::Table)]
    pub format: TokenFormat,
}

/// `placement token list`.
#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// The store file.
    #[arg(long, value_name = "PATH", default_value = DEFAULT_DB_PATH)]
    pub db: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TokenFormat::Table)]
    pub format: TokenFormat,
}

/// `placement token revoke`.
#[derive(Debug, Clone, Args)]
pub struct RevokeArgs {
    /// The token's id (`tok_…`, from `token list`).
    #[arg(value_name = "ID")]
    pub id: String,
    /// The store file.
    #[arg(long, value_name = "PATH", default_value = DEFAULT_DB_PATH)]
    pub db: PathBuf,
}

/// `create --format json`.
#[derive(Serialize)]
struct Created<'a> {
    token: &'a TokenInfo,
    secret: &'a str,
    warning: &'static str,
}

const SHOWN_ONCE: &str =
    "this secret is shown only now and cannot be shown again (the store keeps only its hash)";

/// Runs `placement token …`, writing its output to `out`.
pub fn run(args: &TokenArgs, out: &mut dyn Write) -> Result<(), ApiError> {
    let now = now();
    let text = match &args.command {
        // Everything is checked before the store is opened (or created).
        TokenCommand::Create(a) => {
            let new = new_token(a, now)?;
            block_on(create(a, new))?
        }
        TokenCommand::List(a) => block_on(list(a, now))?,
        TokenCommand::Revoke(a) => block_on(revoke(a))?,
    };
    out.write_all(text.as_bytes())
        .map_err(|e| ApiError::io("<stdout>", e))
}

/// Runs one command's store work on a current-thread runtime.
fn block_on(
    work: impl std::future::Future<Output = Result<String, ApiError>>,
) -> Result<String, ApiError> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::io("<tokio runtime>", e))?
        .block_on(work)
}

fn new_token(a: &CreateArgs, now: i64) -> Result<NewToken, ApiError> {
    check_token_scope(a.role, &a.authorities).map_err(ApiError::InvalidArgument)?;
    let expires_at = a
        .expires
        .as_deref()
        .map(|e| parse_expires(e, now))
        .transpose()
        .map_err(|e| ApiError::InvalidArgument(format!("--expires {e}")))?;
    Ok(NewToken {
        role: a.role,
        authorities: a.authorities.clone(),
        expires_at,
        label: a.label.clone(),
    })
}

/// An existing store file (`list` and `revoke` never create one).
async fn open_existing(db: &Path) -> Result<Store, ApiError> {
    if !db.is_file() {
        return Err(ApiError::InvalidArgument(format!(
            "no store at {} (`placement token create` makes one; or pass --db PATH)",
            db.display()
        )));
    }
    Ok(Store::open(db).await?)
}

async fn create(a: &CreateArgs, new: NewToken) -> Result<String, ApiError> {
    let store = Store::open(&a.db).await?;
    let (token, secret) = store.create_token(new).await?;
    store.close().await;
    tracing::info!(id = %token.id, role = %token.role, "token created");
    match a.format {
        TokenFormat::Json => {
            let mut text = serde_json::to_string_pretty(&Created {
                token: &token,
                secret: &secret,
                warning: SHOWN_ONCE,
            })?;
            text.push('\n');
            Ok(text)
        }
        TokenFormat::Table => {
            let mut text = format!(
                "created token {} (role {}, authorities {}, expires {})\n",
                token.id,
                token.role,
                authorities(&token),
                token.expires_at.map_or("never".into(), format_time),
            );
            let _ = writeln!(text, "secret: {secret}");
            let _ = writeln!(text, "warning: {SHOWN_ONCE}");
            Ok(text)
        }
    }
}

async fn list(a: &ListArgs, now: i64) -> Result<String, ApiError> {
    let store = open_existing(&a.db).await?;
    let tokens = store.list_tokens().await?;
    store.close().await;
    match a.format {
        TokenFormat::Json => {
            let mut text = serde_json::to_string_pretty(&tokens)?;
            text.push('\n');
            Ok(text)
        }
        TokenFormat::Table => {
            let mut t = Table::new(&[
                ("id", false),
                ("role", false),
                ("authorities", false),
                ("status", false),
                ("created", false),
                ("expires", false),
                ("label", false),
            ]);
            for token in &tokens {
                t.row(vec![
                    token.id.clone(),
                    token.role.to_string(),
                    authorities(token),
                    status(token, now).to_string(),
                    format_time(token.created_at),
                    token.expires_at.map_or("never".into(), format_time),
                    token.label.clone().unwrap_or_else(|| "-".into()),
                ]);
            }
            let mut text = format!("{} token(s) in {}\n", tokens.len(), a.db.display());
            if !tokens.is_empty() {
                t.render(&mut text);
            }
            Ok(text)
        }
    }
}

async fn revoke(a: &RevokeArgs) -> Result<String, ApiError> {
    let store = open_existing(&a.db).await?;
    let revoked = store.revoke_token(&a.id).await?;
    let token = if revoked {
        None
    } else {
        store.token(&a.id).await?
    };
    store.close().await;
    if revoked {
        tracing::info!(id = %a.id, "token revoked");
        return Ok(format!("revoked {}\n", a.id));
    }
    match token.and_then(|t| t.revoked_at) {
        Some(at) => Ok(format!(
            "{} was already revoked ({})\n",
            a.id,
            format_time(at)
        )),
        None => Err(ApiError::InvalidArgument(format!(
            "no token {:?} in {}",
            optimiser::dataset::echo(&a.id),
            a.db.display()
        ))),
    }
}

fn authorities(t: &TokenInfo) -> String {
    if t.authorities.is_empty() {
        "-".into()
    } else {
        t.authorities.join(",")
    }
}

fn status(t: &TokenInfo, now: i64) -> &'static str {
    match (t.revoked_at, t.expires_at) {
        (Some(_), _) => "revoked",
        (None, Some(e)) if now >= e => "expired",
        (None, _) => "active",
    }
}

/// `--expires`: `DAYS` (1 to [`MAX_EXPIRY_DAYS`]) from `now`, or a date
/// `YYYY-MM-DD` (its 00:00 UTC, after `now`), as unix seconds.
pub fn parse_expires(text: &str, now: i64) -> Result<i64, String> {
    let shown = optimiser::dataset::echo(text);
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let days: i64 = text
            .parse()
            .ok()
            .filter(|d| (1..=MAX_EXPIRY_DAYS).contains(d))
            .ok_or_else(|| {
                format!("must be 1 to {MAX_EXPIRY_DAYS} days or a date YYYY-MM-DD, got {shown}")
            })?;
        return Ok(now + days * SECONDS_A_DAY);
    }
    let at = parse_date(text)
        .map(|days| days * SECONDS_A_DAY)
        .ok_or_else(|| format!("must be a number of days or a date YYYY-MM-DD, got {shown:?}"))?;
    if at <= now {
        return Err(format!("{shown} is not in the future"));
    }
    if at > now + MAX_EXPIRY_DAYS * SECONDS_A_DAY {
        return Err(format!("{shown} is more than {MAX_EXPIRY_DAYS} days away"));
    }
    Ok(at)
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian).
fn parse_date(text: &str) -> Option<i64> {
    let b = text.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        b[r].iter().try_fold(0i64, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + i64::from(c - b'0'))
        })
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let month_days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if d < 1 || d > month_days {
        return None;
    }
    Some(days_from_civil(y, m, d))
}

/// Days since 1970-01-01 of a date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day number (the inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// Unix seconds as `YYYY-MM-DD HH:MM UTC`.
pub fn format_time(t: i64) -> String {
    let (days, secs) = (t.div_euclid(SECONDS_A_DAY), t.rem_euclid(SECONDS_A_DAY));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_day_numbers() {
        assert_eq!(parse_date("1970-01-01"), Some(0));
        assert_eq!(parse_date("2000-03-01"), Some(11_017));
        assert_eq!(parse_date("2024-02-29"), Some(19_782));
        assert_eq!(parse_date("2023-02-29"), None);
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("2026-1-01"), None);
        assert_eq!(parse_date("+026-01-01"), None);
        for z in [-1000, 0, 59, 60, 11_016, 19_782, 50_000] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(format_time(1_700_000_000), "2023-11-14 22:13 UTC");
    }

    #[test]
    fn expiry_is_days_or_a_future_date() {
        let now = 1_700_000_000;
        assert_eq!(parse_expires("30", now), Ok(now + 30 * SECONDS_A_DAY));
        assert!(parse_expires("0", now).is_err());
        assert!(parse_expires("-1", now).is_err());
        assert!(parse_expires("36501", now).is_err());
        assert_eq!(
            parse_expires("2024-01-01", now),
            Ok(parse_date("2024-01-01").unwrap() * SECONDS_A_DAY)
        );
        assert!(parse_expires("2023-11-14", now).is_err());
        assert!(parse_expires("tomorrow", now).is_err());
    }
}
