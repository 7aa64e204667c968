//! `placement serve` as a user runs it: the real binary, the README's
//! commands, a real socket, and SIGTERM for a graceful stop.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use support::{run, stdout, BIN};

#[tokio::test]
async fn the_readme_commands_serve_the_demo_and_stop_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("placement.db");
    let db_arg = db.to_str().expect("utf-8 path");
    let created = run(&[
        "token",
        "create",
        "--role",
        "placement",
        "--authority",
        "E06000044",
        "--db",
        db_arg,
    ]);
    assert!(created.status.success(), "{created:?}");
    let secret = stdout(&created)
        .split_whitespace()
        .find(|w| w.starts_with("plc_"))
        .expect("the secret is printed once")
        .to_string();
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/demo/south_coast.json");
    let mut server = Command::new(BIN)
        .args([
            "serve",
            "--addr",
            "127.0.0.1:0",
            "--db",
            db_arg,
            "--seed-dataset",
            demo,
        ])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("placement serve starts");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("a line");
    let base = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string();
    let client = reqwest::Client::new();
    let datasets: serde_json::Value = client
        .get(format!("{base}/v1/datasets"))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert_eq!(datasets[0]["name"], "south_coast", "{datasets}");
    assert_eq!(datasets[0]["children"], 120);
    // SIGTERM: a graceful stop, exit 0.
    let pid = libc::pid_t::try_from(server.id()).expect("a pid");
    // SAFETY: sends a signal to the child process this test spawned and
    // still owns (it has not been waited for, so the pid is not reused).
    let sent = unsafe { libc::kill(pid, libc::SIGTERM) };
    assert_eq!(sent, 0, "SIGTERM sent");
    let status = server.wait().expect("the server stops");
    assert!(status.success(), "{status:?}");
    // The store keeps the dataset; the token works against a new server.
    let listed = run(&["token", "list", "--db", db_arg]);
    assert!(stdout(&listed).contains("placement"), "{listed:?}");
}
