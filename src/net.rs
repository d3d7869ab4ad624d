//! The one HTTP client builder: every HTTP client labforge makes (remote
//! lab sources, `http` checks, `process` check steps) starts here, so each
//! gets the same TLS set-up.
//!
//! TLS is rustls with the ring crypto provider, installed on first use.
//! reqwest's default provider, aws-lc-rs, probes the CPU in a constructor
//! at every start of labforge and brings 10 pages of start-up relocations,
//! whether or not the command ever opens a connection (docs/dependencies.md).

/// A blocking client builder whose TLS uses the ring provider.
pub(crate) fn client_builder() -> reqwest::blocking::ClientBuilder {
    // Err only when a provider is installed already, which is this one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_build_with_the_ring_provider() {
        client_builder().build().expect("a client with TLS");
        client_builder().build().expect("a second client");
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
    }
}
