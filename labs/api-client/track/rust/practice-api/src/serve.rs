//! The accept loop: axum's router served by hyper, one task per connection,
//! with a way for a handler to drop the connection without answering.
//!
//! `axum::serve` cannot reset a connection on purpose, and the `flaky`
//! scenario needs exactly that. A handler marks its response with
//! [`ResetConnection`]; the service then fails, and hyper closes the socket
//! with no response written, as a crashed upstream would.

use std::convert::Infallible;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

/// Response extension: close the connection instead of sending this response.
#[derive(Clone, Copy, Debug)]
pub struct ResetConnection;

#[derive(Debug)]
struct Reset;

impl std::fmt::Display for Reset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection reset on purpose (flaky scenario)")
    }
}

impl std::error::Error for Reset {}

/// Serves `app` on `listener` until `stop` fires (or its sender is dropped).
pub async fn serve(
    listener: TcpListener,
    app: Router,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    loop {
        let (stream, _peer) = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(_) => continue,
            },
        };
        let app = app.clone();
        // A second handle on the same socket, to set SO_LINGER 0 (a TCP reset) when asked.
        let (stream, twin) = match twin(stream) {
            Ok(pair) => pair,
            Err(_) => continue,
        };
        let twin = std::sync::Arc::new(twin);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
                let app = app.clone();
                let twin = twin.clone();
                async move {
                    let resp = app
                        .oneshot(req.map(Body::new))
                        .await
                        .unwrap_or_else(|e: Infallible| match e {});
                    if resp.extensions().get::<ResetConnection>().is_some() {
                        let _ = twin.set_zero_linger();
                        return Err(Reset);
                    }
                    Ok(resp)
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// The stream plus a duplicate of its socket.
fn twin(stream: TcpStream) -> std::io::Result<(TcpStream, TcpStream)> {
    let std_stream = stream.into_std()?;
    let dup = std_stream.try_clone()?;
    Ok((TcpStream::from_std(std_stream)?, TcpStream::from_std(dup)?))
}
