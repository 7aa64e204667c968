//! Workspace root: integration tests and benchmarks.
