//! Try exercise 1 by hand against a running practice API:
//! `cargo run -q -p client --example first-call -- 42` (the README shows how
//! to start the API and export PRACTICE_API_URL and the credentials).
//!
//! The token is fetched by hand here; once exercise 2 is done,
//! `ApiClient::from_env()` fetches tokens itself.

use std::process::ExitCode;

use client::auth::StaticToken;
use client::{ApiClient, config};

fn main() -> ExitCode {
    let id: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let run = || -> Result<(), Box<dyn std::error::Error>> {
        let url = config::base_url_from_env()?;
        let secret = std::env::var("PRACTICE_API_CLIENT_SECRET")?;
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", "lab-client"),
            ("client_secret", secret.as_str()),
        ];
        let answer: serde_json::Value = reqwest::blocking::Client::new()
            .post(format!("{url}/oauth/token"))
            .form(&form)
            .timeout(std::time::Duration::from_secs(5))
            .send()?
            .json()?;
        let token = answer["access_token"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let client = ApiClient::new(&url, StaticToken(token))?;
        println!("{:#?}", client.get_product(id)?);
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
