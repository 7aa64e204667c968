//! The real `placement` binary as the command-line tests run it: one
//! definition of the binary's path, the run (without `RUST_LOG`, so logs
//! never mix into the output) and its text.

#![allow(dead_code)]

use std::process::{Command, Output};

/// The binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_placement");

/// Runs `placement` with `args`.
pub fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("runs placement")
}

/// Standard output as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
