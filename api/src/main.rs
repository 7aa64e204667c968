//! `placement`: the command line over the optimiser (see `placement --help`).

use std::io::Write;
use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;

fn main() -> ExitCode {
    // Logs go to stderr, off unless RUST_LOG asks for them.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("off")),
        )
        .init();
    let cli = api::cli::Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e)
            if e.downcast_ref::<api::ApiError>()
                .is_some_and(api::ApiError::is_broken_pipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            let code = e
                .downcast_ref::<api::ApiError>()
                .map_or(api::error::EXIT_FAILURE, api::ApiError::exit_code);
            ExitCode::from(code)
        }
    }
}

fn run(cli: api::cli::Cli) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    api::cli::run(cli, &mut out)?;
    out.flush().context("writing to standard output")?;
    Ok(())
}
