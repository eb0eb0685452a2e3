//! Calls the middleware makes to other servers: only to addresses the operator's configuration
//! names, never following redirects (a redirect could point anywhere), with a timeout, and
//! reading at most a bounded answer.

use std::time::Duration;

/// Outbound calls give up after this long.
const TIMEOUT: Duration = Duration::from_secs(10);
/// The largest answer read from another server.
const MAX_ANSWER: usize = 1024 * 1024;

/// The HTTP client for calls to configured servers.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap_or_default()
}

/// Reads a JSON answer of at most [`MAX_ANSWER`] bytes. The error is a sentence without the
/// URL (which may carry a token).
pub async fn json<T: serde::de::DeserializeOwned>(
    mut response: reqwest::Response,
) -> Result<T, String> {
    if response
        .content_length()
        .is_some_and(|length| length > MAX_ANSWER as u64)
    {
        return Err("the answer is too large".into());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| e.without_url().to_string())?
    {
        if body.len() + chunk.len() > MAX_ANSWER {
            return Err("the answer is too large".into());
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|e| format!("the answer is not what was expected: {e}"))
}
