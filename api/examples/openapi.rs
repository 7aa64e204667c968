//! Prints the HTTP API's OpenAPI document (what `docs/openapi.json` holds):
//! `cargo run -p api --example openapi > docs/openapi.json`.

fn main() {
    println!("{}", api::http::openapi::document());
}
