//! `cargo run -q -p client --bin sync-products -- [--out products.json] [--limit 50]`
//! (exercise 8: the work happens in `client/src/sync_products.rs`).

fn main() -> std::process::ExitCode {
    client::sync_products::main(std::env::args().skip(1).collect())
}
