//! The HTTP service's store on real files: datasets and their versions,
//! tokens (hash only on disk), the append-only runs (enforced by the
//! database), the job queue across a restart, and `placement token` through
//! the real binary.

use std::path::{Path, PathBuf};

use api::store::{
    sha256_hex, JobOutcome, JobStatus, NewDataset, NewJob, NewRun, NewToken, Role, RunFilter,
    RunResult, Store, StoreError,
};
use serde_json::{json, Value};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};
use sqlx::Row;

mod support;

use support::{run, stderr, stdout};

fn db_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("store.db")
}

/// A plain connection to the file, going around the store (as an operator
/// with the `sqlite3` shell would).
async fn raw(path: &Path) -> SqlitePool {
    SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::new().filename(path))
        .await
        .expect("opens the file directly")
}

fn dataset(name: &str, authorities: &[&str], children: u32) -> NewDataset {
    let body = json!({"version": 1, "name": name, "children": children}).to_string();
    NewDataset {
        name: name.to_string(),
        authorities: authorities.iter().map(|a| a.to_string()).collect(),
        sha256: sha256_hex(body.as_bytes()),
        body,
        children,
        places: 2 * children,
        created_by: Some("tok_test".into()),
    }
}

fn token(role: Role, authorities: &[&str]) -> NewToken {
    NewToken {
        role,
        authorities: authorities.iter().map(|a| a.to_string()).collect(),
        expires_at: None,
        label: Some("test".into()),
    }
}

fn new_run(token: &str, scope: &[&str], objective: f64) -> NewRun {
    NewRun {
        token_id: Some(token.into()),
        role: Some(Role::Commissioner),
        scope: scope.iter().map(|a| a.to_string()).collect(),
        kind: "match".into(),
        dataset_id: Some("ds_0000000000000000".into()),
        dataset_version: Some(2),
        input_sha256: sha256_hex(b"input"),
        params: json!({"distance_weight": 20.0, "time_limit": null}),
        status: "optimal".into(),
        objective: Some(objective),
        gap: Some(0.0),
        build_ms: Some(1.5),
        solve_ms: Some(2.5),
        total_ms: 4.25,
        result: RunResult::of(&json!({"assignments": [{"child": "CH1", "place": "C7"}]})).unwrap(),
        job_id: None,
    }
}

fn new_job(kind: &str, token: &str) -> NewJob {
    NewJob {
        kind: kind.into(),
        token_id: Some(token.into()),
        role: Some(Role::Planner),
        scope: vec!["E06000044".into()],
        dataset_id: None,
        dataset_version: None,
        inline_body: Some(format!("{{\"job\": \"{kind}\"}}")),
        params: json!({"top": 5}),
    }
}

#[tokio::test]
async fn datasets_are_versioned_listed_and_deleted_with_their_bodies() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).await.unwrap();

    let a1 = store
        .create_dataset(dataset("south", &["E06000044", "E06000045"], 3))
        .await
        .unwrap();
    assert_eq!(a1.version, 1);
    assert!(a1.id.starts_with("ds_") && a1.id.len() == 19, "{}", a1.id);
    let b1 = store
        .create_dataset(dataset("north", &["E08000003"], 1))
        .await
        .unwrap();
    assert_ne!(a1.id, b1.id);

    let a2 = store
        .replace_dataset(&a1.id, dataset("south v2", &["E06000044"], 5))
        .await
        .unwrap()
        .expect("a live dataset can be replaced");
    assert_eq!((a2.id.as_str(), a2.version), (a1.id.as_str(), 2));

    // Both versions stay readable; the latest is the default.
    let v1 = store.dataset(&a1.id, Some(1)).await.unwrap().unwrap();
    assert_eq!(v1.meta, a1);
    assert!(v1.body.contains("\"south\""));
    let latest = store.dataset(&a1.id, None).await.unwrap().unwrap();
    assert_eq!(latest.meta, a2);
    assert!(latest.body.contains("south v2"));
    assert_eq!(sha256_hex(latest.body.as_bytes()), a2.sha256);
    assert_eq!(
        store.dataset_meta(&a1.id, Some(2)).await.unwrap(),
        Some(a2.clone())
    );
    assert_eq!(store.dataset_meta(&a1.id, Some(3)).await.unwrap(), None);
    assert_eq!(store.dataset("ds_unknown", None).await.unwrap(), None);

    // Latest version of each, in creation order.
    let list = store.list_datasets().await.unwrap();
    assert_eq!(list, vec![a2.clone(), b1.clone()]);

    assert_eq!(
        store
            .replace_dataset("ds_unknown", dataset("x", &["E06000044"], 1))
            .await
            .unwrap(),
        None
    );

    // A body that does not match its hash is refused.
    let mut bad = dataset("bad", &["E06000044"], 1);
    bad.sha256 = sha256_hex(b"something else");
    assert!(matches!(
        store.create_dataset(bad).await,
        Err(StoreError::Invalid(_))
    ));

    // Deletion: gone from reads and the list, every body erased on disk.
    assert!(store.delete_dataset(&a1.id).await.unwrap());
    assert!(!store.delete_dataset(&a1.id).await.unwrap());
    assert_eq!(store.dataset(&a1.id, Some(1)).await.unwrap(), None);
    assert_eq!(store.dataset_meta(&a1.id, None).await.unwrap(), None);
    assert_eq!(store.list_datasets().await.unwrap(), vec![b1.clone()]);
    assert_eq!(
        store
            .replace_dataset(&a1.id, dataset("again", &["E06000044"], 1))
            .await
            .unwrap(),
        None
    );
    let pool = raw(&db_path(&dir)).await;
    let bodies: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT version, body FROM dataset_versions WHERE dataset_id = ?")
            .bind(&a1.id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(bodies, vec![(1, None), (2, None)]);
    pool.close().await;
    store.close().await;
}

#[tokio::test]
async fn tokens_authenticate_until_revoked_or_expired_and_only_the_hash_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let store = Store::open(&path).await.unwrap();

    let (info, secret) = store
        .create_token(token(Role::Commissioner, &["E06000044", "E10000014"]))
        .await
        .unwrap();
    assert!(info.id.starts_with("tok_"));
    assert!(
        secret.starts_with("plc_") && secret.len() == 4 + 64,
        "{secret}"
    );
    let (_, other_secret) = store.create_token(token(Role::Admin, &[])).await.unwrap();
    assert_ne!(secret, other_secret);

    let now = api::store::now();
    assert_eq!(
        store.authenticate(&secret, now).await.unwrap(),
        Some(info.clone())
    );
    assert_eq!(store.authenticate("plc_wrong", now).await.unwrap(), None);
    let mut near = secret.clone();
    near.pop();
    near.push(if secret.ends_with('0') { '1' } else { '0' });
    assert_eq!(store.authenticate(&near, now).await.unwrap(), None);
    assert_eq!(store.authenticate("", now).await.unwrap(), None);
    assert_eq!(
        store.authenticate(&"x".repeat(100_000), now).await.unwrap(),
        None
    );

    // Expiry: refused from the expiry second on.
    let mut expiring = token(Role::Placement, &["E06000044"]);
    expiring.expires_at = Some(now + 10);
    let (exp, exp_secret) = store.create_token(expiring).await.unwrap();
    assert_eq!(
        store.authenticate(&exp_secret, now + 9).await.unwrap(),
        Some(exp.clone())
    );
    assert_eq!(
        store.authenticate(&exp_secret, now + 10).await.unwrap(),
        None
    );

    // Revocation.
    assert!(store.revoke_token(&info.id).await.unwrap());
    assert!(!store.revoke_token(&info.id).await.unwrap());
    assert!(!store.revoke_token("tok_unknown").await.unwrap());
    assert_eq!(store.authenticate(&secret, now).await.unwrap(), None);
    let listed = store.list_tokens().await.unwrap();
    assert_eq!(listed.len(), 3);
    assert!(listed[0].revoked_at.is_some() && listed[0].id == info.id);
    assert_eq!(store.token(&exp.id).await.unwrap(), Some(exp));

    // Scope rules are the store's too.
    for (role, auths) in [
        (Role::Placement, vec!["E06000044", "E06000045"]),
        (Role::Placement, vec![]),
        (Role::Commissioner, vec![]),
        (Role::Planner, vec!["Portsmouth"]),
        (Role::Admin, vec!["E06000044", "E06000044"]),
    ] {
        assert!(
            matches!(
                store.create_token(token(role, &auths)).await,
                Err(StoreError::Invalid(_))
            ),
            "{role} {auths:?}"
        );
    }
    store.close().await;

    // On disk: the SHA-256 of the secret, never the secret.
    let pool = raw(&path).await;
    let rows = sqlx::query("SELECT * FROM tokens")
        .fetch_all(&pool)
        .await
        .unwrap();
    let hashes: Vec<String> = rows.iter().map(|r| r.get("secret_hash")).collect();
    assert!(hashes.contains(&sha256_hex(secret.as_bytes())));
    for row in &rows {
        for k in 0..row.len() {
            let cell: Option<String> = row.try_get_unchecked(k).unwrap_or(None);
            let cell = cell.unwrap_or_default();
            assert!(
                !cell.contains(&secret[4..]),
                "a secret is stored in column {k}"
            );
            assert!(!cell.contains(&other_secret[4..]));
        }
    }
    pool.close().await;
    for file in ["store.db", "store.db-wal"] {
        let bytes = std::fs::read(dir.path().join(file)).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&secret[4..]), "the secret is in {file}");
    }
}

#[tokio::test]
async fn runs_are_recorded_read_back_and_listed_by_authority_overlap() {
    let store = Store::open_in_memory().await.unwrap();
    let r1 = store
        .record_run(new_run("tok_a", &["E06000044", "E06000045"], 100.0))
        .await
        .unwrap();
    let r2 = store
        .record_run(new_run("tok_b", &["E10000014"], 200.0))
        .await
        .unwrap();
    let mut admin = new_run("tok_admin", &[], 300.0);
    admin.role = Some(Role::Admin);
    admin.gap = Some(f64::NAN);
    admin.objective = None;
    let r3 = store.record_run(admin).await.unwrap();
    assert!(r1.id.starts_with("run_"));
    assert_eq!(r3.gap, None);

    let back = store.run(&r1.id).await.unwrap().unwrap();
    assert_eq!(back, r1);
    assert_eq!(back.params["distance_weight"], 20.0);
    assert_eq!(
        back.result.to_value().unwrap()["assignments"][0]["place"],
        "C7"
    );
    assert_eq!(back.objective, Some(100.0));
    assert_eq!(store.run("run_unknown").await.unwrap(), None);

    let ids =
        |list: Vec<api::store::RunSummary>| list.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let all = store.list_runs(&RunFilter::default()).await.unwrap();
    assert_eq!(
        ids(all.clone()),
        vec![r3.id.clone(), r2.id.clone(), r1.id.clone()]
    );
    assert_eq!(all[2].total_ms, 4.25);
    let overlap = |a: &[&str]| RunFilter {
        authorities: Some(a.iter().map(|s| s.to_string()).collect()),
        ..RunFilter::default()
    };
    assert_eq!(
        ids(store.list_runs(&overlap(&["E06000045"])).await.unwrap()),
        vec![r1.id.clone()]
    );
    assert_eq!(
        ids(store
            .list_runs(&overlap(&["E10000014", "E06000044", "E06000044"]))
            .await
            .unwrap()),
        vec![r2.id.clone(), r1.id.clone()]
    );
    assert!(store
        .list_runs(&overlap(&["E09000001"]))
        .await
        .unwrap()
        .is_empty());
    assert!(store.list_runs(&overlap(&[])).await.unwrap().is_empty());
    let by_token = RunFilter {
        token_id: Some("tok_b".into()),
        ..overlap(&["E10000014", "E06000044"])
    };
    assert_eq!(
        ids(store.list_runs(&by_token).await.unwrap()),
        vec![r2.id.clone()]
    );
    let one = RunFilter {
        limit: Some(1),
        ..RunFilter::default()
    };
    assert_eq!(
        ids(store.list_runs(&one).await.unwrap()),
        vec![r3.id.clone()]
    );
    // Within: a run's whole scope among the authorities (what a caller with
    // them may read); applied before the limit.
    let within = |a: &[&str], limit: Option<u32>| RunFilter {
        within: Some(a.iter().map(|s| s.to_string()).collect()),
        limit,
        ..RunFilter::default()
    };
    assert!(store
        .list_runs(&within(&["E06000044"], None))
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        ids(store
            .list_runs(&within(&["E06000045", "E06000044"], None))
            .await
            .unwrap()),
        vec![r1.id.clone()]
    );
    assert_eq!(
        ids(store
            .list_runs(&within(&["E10000014", "E06000044", "E06000045"], Some(1)))
            .await
            .unwrap()),
        vec![r2.id.clone()]
    );
    assert!(store
        .list_runs(&within(&[], None))
        .await
        .unwrap()
        .is_empty());

    let mut bad = new_run("tok_a", &[], 1.0);
    bad.total_ms = f64::NAN;
    assert!(matches!(
        store.record_run(bad).await,
        Err(StoreError::Invalid(_))
    ));
}

#[tokio::test]
async fn the_database_refuses_to_update_or_delete_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let store = Store::open(&path).await.unwrap();
    let r = store
        .record_run(new_run("tok_a", &["E06000044"], 100.0))
        .await
        .unwrap();

    let pool = raw(&path).await;
    for statement in [
        "UPDATE runs SET status = 'tampered'",
        "UPDATE runs SET objective = 1 WHERE id = ?",
        "DELETE FROM runs",
        "DELETE FROM runs WHERE id = ?",
        "UPDATE run_scope SET authority = 'E09000001'",
        "DELETE FROM run_scope",
    ] {
        let q = sqlx::query(statement);
        let q = if statement.contains('?') {
            q.bind(&r.id)
        } else {
            q
        };
        let err = q.execute(&pool).await.expect_err(statement);
        assert!(
            err.to_string().contains("runs are append-only"),
            "{statement}: {err}"
        );
    }
    pool.close().await;
    assert_eq!(store.run(&r.id).await.unwrap(), Some(r.clone()));
    let filter = RunFilter {
        authorities: Some(vec!["E06000044".into()]),
        ..RunFilter::default()
    };
    assert_eq!(store.list_runs(&filter).await.unwrap().len(), 1);
}

#[tokio::test]
async fn jobs_are_claimed_oldest_first_once_and_cancellation_wins() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).await.unwrap();
    let j1 = store.enqueue_job(new_job("match", "tok_a")).await.unwrap();
    let j2 = store.enqueue_job(new_job("rank", "tok_b")).await.unwrap();
    let j3 = store
        .enqueue_job(new_job("commission", "tok_a"))
        .await
        .unwrap();
    assert_eq!(j1.status, JobStatus::Queued);
    assert!(j1.id.starts_with("job_"));
    assert_eq!(store.queued_jobs().await.unwrap(), 3);

    let c1 = store.claim_next_job().await.unwrap().unwrap();
    assert_eq!(c1.id, j1.id);
    assert_eq!(c1.status, JobStatus::Running);
    assert_eq!(c1.attempts, 1);
    assert!(c1.started_at.is_some());
    assert_eq!(c1.inline_body, j1.inline_body);

    // Cancel the queued second job: the next claim skips it.
    assert_eq!(
        store.cancel_job(&j2.id).await.unwrap(),
        Some(JobStatus::Cancelled)
    );
    let c3 = store.claim_next_job().await.unwrap().unwrap();
    assert_eq!(c3.id, j3.id);
    assert_eq!(store.claim_next_job().await.unwrap(), None);
    assert_eq!(store.queued_jobs().await.unwrap(), 0);

    // Progress while running; finish.
    assert!(store
        .set_job_progress(&c1.id, 0.5, "half way")
        .await
        .unwrap());
    let mid = store.job(&c1.id).await.unwrap().unwrap();
    assert_eq!((mid.progress, mid.message.as_str()), (0.5, "half way"));
    assert!(store
        .finish_job(
            &c1.id,
            JobOutcome::Done {
                result: json!({"objective": 800.0}),
                run_id: Some("run_0123456789abcdef".into()),
            }
        )
        .await
        .unwrap());
    let done = store.job(&c1.id).await.unwrap().unwrap();
    assert_eq!(done.status, JobStatus::Done);
    assert_eq!(done.progress, 1.0);
    assert_eq!(done.result, Some(json!({"objective": 800.0})));
    assert_eq!(done.run_id.as_deref(), Some("run_0123456789abcdef"));
    assert_eq!(
        done.inline_body, None,
        "the body is erased when the job ends"
    );
    assert!(done.finished_at.is_some());
    assert!(!store
        .finish_job(
            &c1.id,
            JobOutcome::Failed {
                error: json!("again"),
                run_id: None
            }
        )
        .await
        .unwrap());
    assert_eq!(
        store.cancel_job(&c1.id).await.unwrap(),
        Some(JobStatus::Done)
    );

    // Cancel while running: the worker's progress and finish are refused.
    assert_eq!(
        store.cancel_job(&c3.id).await.unwrap(),
        Some(JobStatus::Cancelled)
    );
    assert!(!store.set_job_progress(&c3.id, 0.9, "late").await.unwrap());
    assert!(!store
        .finish_job(
            &c3.id,
            JobOutcome::Done {
                result: json!({}),
                run_id: None
            }
        )
        .await
        .unwrap());
    let cancelled = store.job(&c3.id).await.unwrap().unwrap();
    assert_eq!(cancelled.status, JobStatus::Cancelled);
    assert_eq!(cancelled.result, None);
    assert_eq!(store.cancel_job("job_unknown").await.unwrap(), None);

    // Listings: newest first, by token, without bodies.
    let all = store.list_jobs(None).await.unwrap();
    let ids: Vec<&str> = all.iter().map(|j| j.id.as_str()).collect();
    assert_eq!(ids, vec![j3.id.as_str(), j2.id.as_str(), j1.id.as_str()]);
    assert!(all.iter().all(|j| j.inline_body.is_none()));
    let a: Vec<String> = store
        .list_jobs(Some("tok_a"))
        .await
        .unwrap()
        .into_iter()
        .map(|j| j.id)
        .collect();
    assert_eq!(a, vec![j3.id.clone(), j1.id.clone()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_workers_never_claim_a_job_twice() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&db_path(&dir)).await.unwrap();
    let mut queued = Vec::new();
    for k in 0..10 {
        queued.push(
            store
                .enqueue_job(new_job(&format!("k{k}"), "tok_a"))
                .await
                .unwrap()
                .id,
        );
    }
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                while let Some(job) = store.claim_next_job().await.unwrap() {
                    mine.push(job.id);
                }
                mine
            })
        })
        .collect();
    let mut claimed = Vec::new();
    for w in workers {
        claimed.extend(w.await.unwrap());
    }
    claimed.sort();
    queued.sort();
    assert_eq!(claimed, queued, "each job claimed exactly once");
}

#[tokio::test]
async fn everything_survives_a_reopen_and_interrupted_jobs_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let store = Store::open(&path).await.unwrap();
    store.ready().await.unwrap();
    let ds = store
        .create_dataset(dataset("south", &["E06000044"], 3))
        .await
        .unwrap();
    let (tok, secret) = store
        .create_token(token(Role::Planner, &["E06000044"]))
        .await
        .unwrap();
    let run = store
        .record_run(new_run(&tok.id, &["E06000044"], 5.0))
        .await
        .unwrap();
    let job = store.enqueue_job(new_job("match", &tok.id)).await.unwrap();
    let waiting = store.enqueue_job(new_job("rank", &tok.id)).await.unwrap();
    let running = store.claim_next_job().await.unwrap().unwrap();
    assert_eq!(running.id, job.id);
    // The process "dies" with the job running.
    drop(store);

    // Reopening applies the migrations again, which is a no-op.
    let store = Store::open(&path).await.unwrap();
    store.ready().await.unwrap();
    assert_eq!(store.dataset(&ds.id, None).await.unwrap().unwrap().meta, ds);
    assert_eq!(
        store
            .authenticate(&secret, api::store::now())
            .await
            .unwrap(),
        Some(tok)
    );
    assert_eq!(store.run(&run.id).await.unwrap(), Some(run));
    assert_eq!(
        store.job(&job.id).await.unwrap().unwrap().status,
        JobStatus::Running
    );

    assert_eq!(store.requeue_interrupted_jobs().await.unwrap(), 1);
    assert_eq!(store.requeue_interrupted_jobs().await.unwrap(), 0);
    assert_eq!(store.queued_jobs().await.unwrap(), 2);
    let again = store.claim_next_job().await.unwrap().unwrap();
    assert_eq!(again.id, job.id, "the interrupted job keeps its place");
    assert_eq!(again.attempts, 2);
    assert_eq!(again.inline_body, job.inline_body);
    assert_eq!(
        store.claim_next_job().await.unwrap().unwrap().id,
        waiting.id
    );
    store.close().await;

    let store = Store::open(&path).await.unwrap();
    store.ready().await.unwrap();
    store.close().await;

    // The file is in WAL mode.
    let pool = raw(&path).await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    pool.close().await;
}

#[tokio::test]
async fn ready_fails_when_a_migration_is_missing_and_bad_stored_values_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let store = Store::open(&path).await.unwrap();
    store.ready().await.unwrap();
    store.create_token(token(Role::Admin, &[])).await.unwrap();

    let pool = raw(&path).await;
    sqlx::query("UPDATE tokens SET authorities = 'not json'")
        .execute(&pool)
        .await
        .unwrap();
    assert!(matches!(
        store.list_tokens().await,
        Err(StoreError::Corrupt(_))
    ));
    sqlx::query("UPDATE tokens SET authorities = '[]', role = 'root'")
        .execute(&pool)
        .await
        .expect_err("the role's CHECK constraint refuses an unknown role");
    sqlx::query("DELETE FROM _sqlx_migrations")
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    assert!(matches!(store.ready().await, Err(StoreError::NotReady(_))));
}

#[tokio::test]
async fn the_in_memory_store_is_one_database() {
    let store = Store::open_in_memory().await.unwrap();
    store.ready().await.unwrap();
    let ds = store
        .create_dataset(dataset("mem", &["E06000044"], 1))
        .await
        .unwrap();
    let clone = store.clone();
    assert_eq!(clone.list_datasets().await.unwrap(), vec![ds]);
    let other = Store::open_in_memory().await.unwrap();
    assert!(other.list_datasets().await.unwrap().is_empty());
}

// ------------------------------------------------------- placement token

fn ok(o: std::process::Output) -> std::process::Output {
    assert_eq!(o.status.code(), Some(0), "stderr: {}", stderr(&o));
    o
}

#[test]
fn token_commands_create_list_and_revoke_through_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let db = db_path(&dir);
    let db_arg = db.to_str().unwrap();

    // Nothing to list or revoke yet, and a bad token creates no store.
    let o = run(&["token", "list", "--db", db_arg]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("no store at"), "{}", stderr(&o));
    for bad in [
        vec![
            "--role",
            "placement",
            "--authority",
            "E06000044",
            "--authority",
            "E06000045",
        ],
        vec!["--role", "commissioner"],
        vec!["--role", "planner", "--authority", "Portsmouth"],
        vec!["--role", "admin", "--expires", "-1"],
        vec!["--role", "admin", "--expires", "2001-01-01"],
        vec!["--role", "admin", "--expires", "2030-02-30"],
    ] {
        let mut args = vec!["token", "create", "--db", db_arg];
        args.extend(&bad);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{bad:?}: {}", stderr(&o));
        assert!(
            stderr(&o).contains("invalid argument"),
            "{bad:?}: {}",
            stderr(&o)
        );
    }
    assert!(!db.exists());

    // Create (table): the secret once, with the warning.
    let o = ok(run(&[
        "token",
        "create",
        "--db",
        db_arg,
        "--role",
        "commissioner",
        "--authority",
        "E06000044",
        "--authority",
        "E06000045",
        "--expires",
        "30",
        "--label",
        "Portsmouth commissioning",
    ]));
    let text = stdout(&o);
    assert!(text.contains("cannot be shown again"), "{text}");
    let secret = text
        .lines()
        .find_map(|l| l.strip_prefix("secret: "))
        .expect("a secret line")
        .to_string();
    assert!(secret.starts_with("plc_") && secret.len() == 68, "{secret}");

    // Create (JSON).
    let o = ok(run(&[
        "token", "create", "--db", db_arg, "--role", "admin", "--format", "json",
    ]));
    let created: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let admin_id = created["token"]["id"].as_str().unwrap().to_string();
    let admin_secret = created["secret"].as_str().unwrap().to_string();
    assert_eq!(created["token"]["role"], "admin");
    assert_eq!(created["token"]["authorities"], json!([]));

    // List: both, no secrets, no hashes.
    let table = stdout(&ok(run(&["token", "list", "--db", db_arg])));
    assert!(table.contains("2 token(s)"), "{table}");
    assert!(table.contains("commissioner") && table.contains("E06000044,E06000045"));
    assert!(table.contains("Portsmouth commissioning") && table.contains("active"));
    let listed: Value = serde_json::from_str(&stdout(&ok(run(&[
        "token", "list", "--db", db_arg, "--format", "json",
    ]))))
    .unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    let commissioner = listed.iter().find(|t| t["role"] == "commissioner").unwrap();
    let commissioner_id = commissioner["id"].as_str().unwrap().to_string();
    assert!(commissioner["expires_at"].as_i64().unwrap() > api::store::now() + 29 * 86_400);
    for out in [&table, &serde_json::to_string(&listed).unwrap()] {
        for s in [&secret, &admin_secret] {
            assert!(!out.contains(&s[4..]), "a secret is listed");
            assert!(!out.contains(&sha256_hex(s.as_bytes())), "a hash is listed");
        }
    }

    // The secrets printed are the ones the store accepts.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let check = |s: &str| {
        rt.block_on(async {
            let store = Store::open(&db).await.unwrap();
            let t = store.authenticate(s, api::store::now()).await.unwrap();
            store.close().await;
            t.map(|t| t.id)
        })
    };
    assert_eq!(check(&secret), Some(commissioner_id.clone()));
    assert_eq!(check(&admin_secret), Some(admin_id));

    // Revoke: once, then "already", and an unknown id is refused.
    let o = ok(run(&["token", "revoke", &commissioner_id, "--db", db_arg]));
    assert!(stdout(&o).contains("revoked"), "{}", stdout(&o));
    let o = ok(run(&["token", "revoke", &commissioner_id, "--db", db_arg]));
    assert!(stdout(&o).contains("already revoked"), "{}", stdout(&o));
    let o = run(&["token", "revoke", "tok_unknown", "--db", db_arg]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(check(&secret), None);
    let table = stdout(&ok(run(&["token", "list", "--db", db_arg])));
    assert!(table.contains("revoked"), "{table}");
}

// ------------------------------------------------------ killed mid-write

const CRASH_DB: &str = "PLACEMENT_STORE_CRASH_DB";

/// Not a test on its own: run by `a_killed_writer_loses_no_acknowledged_run`
/// in a child process (with `PLACEMENT_STORE_CRASH_DB` set), it records runs
/// and datasets as fast as it can and prints the id of each one the store
/// acknowledged, until it is killed.
#[test]
fn crash_helper_writes_until_killed() {
    use std::io::Write;
    let Some(path) = std::env::var_os(CRASH_DB) else {
        return;
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = Store::open(Path::new(&path)).await.unwrap();
        for k in 0u32.. {
            let run = store
                .record_run(new_run("tok_crash", &["E06000044"], f64::from(k)))
                .await
                .unwrap();
            let ds = store
                .create_dataset(dataset(&format!("d{k}"), &["E06000044"], k))
                .await
                .unwrap();
            let mut out = std::io::stdout().lock();
            writeln!(out, "ack {} {}", run.id, ds.id).unwrap();
            out.flush().unwrap();
        }
    });
}

#[tokio::test]
async fn a_killed_writer_loses_no_acknowledged_run() {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let path = db_path(&dir);
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["crash_helper_writes_until_killed", "--exact", "--nocapture"])
        .env(CRASH_DB, &path)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut acked = Vec::new();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    while acked.len() < 200 {
        let line = lines
            .next()
            .expect("the writer acknowledges writes")
            .unwrap();
        if let Some(ids) = line.strip_prefix("ack ") {
            let (run, ds) = ids.split_once(' ').unwrap();
            acked.push((run.to_string(), ds.to_string()));
        }
    }
    // SIGKILL, in the middle of whatever write comes next.
    child.kill().unwrap();
    child.wait().unwrap();

    let store = Store::open(&path).await.unwrap();
    store.ready().await.unwrap();
    for (run, ds) in &acked {
        assert!(
            store.run(run).await.unwrap().is_some(),
            "acknowledged {run} lost"
        );
        assert!(
            store.dataset(ds, None).await.unwrap().is_some(),
            "acknowledged {ds} lost"
        );
    }
    // Nothing half-written: every run has its scope row.
    let runs = store.list_runs(&RunFilter::default()).await.unwrap();
    let in_scope = RunFilter {
        authorities: Some(vec!["E06000044".into()]),
        ..RunFilter::default()
    };
    assert_eq!(store.list_runs(&in_scope).await.unwrap().len(), runs.len());
    assert!(runs.len() >= acked.len());
}
