//! Sign-in with an identity provider's JWT access token, against a provider fixture that
//! publishes a discovery document and a JWKS on loopback (the keys are made fresh for each
//! run). Every way a token can be wrong gets a 4xx with a JSON error body and leaves the store
//! as it was; unknown keys do not make the middleware fetch the keys more than once a minute.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use axum::Json;
use axum::routing::get;
use base64::Engine;
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use sparks_middleware::config::Config;
use sparks_middleware::store::Store;

type Error = Box<dyn std::error::Error + Send + Sync>;

const AUDIENCE: &str = "sparks";

/// A throwaway P-256 signing key and its public JWK.
fn key(kid: &str) -> Result<(EncodingKey, Jwk), Error> {
    let pkcs8 =
        EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
            .map_err(|_| "no key")?;
    let key = EncodingKey::from_ec_der(pkcs8.as_ref());
    let mut jwk = Jwk::from_encoding_key(&key, Algorithm::ES256)?;
    jwk.common.key_id = Some(kid.to_owned());
    Ok((key, jwk))
}

struct Provider {
    issuer: String,
    fetches: Arc<AtomicUsize>,
}

/// Serves `/.well-known/openid-configuration` and `/jwks` with `keys`, counting key fetches.
async fn provider(keys: Vec<Jwk>) -> Result<Provider, Error> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let issuer = format!("http://{}", listener.local_addr()?);
    let fetches = Arc::new(AtomicUsize::new(0));
    let counted = fetches.clone();
    let discovery = serde_json::json!({
        "issuer": issuer,
        "jwks_uri": format!("{issuer}/jwks"),
    });
    let set = JwkSet { keys };
    let app = axum::Router::new()
        .route(
            "/.well-known/openid-configuration",
            get(move || async move { Json(discovery) }),
        )
        .route(
            "/jwks",
            get(move || async move {
                counted.fetch_add(1, Ordering::SeqCst);
                Json(set)
            }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(Provider { issuer, fetches })
}

struct Middleware {
    url: String,
    database: String,
    _dir: tempfile::TempDir,
}

async fn middleware(issuer: &str) -> Result<Middleware, Error> {
    let dir = tempfile::tempdir()?;
    let database = format!("sqlite://{}?mode=rwc", dir.path().join("mw.db").display());
    let config = Config::parse(&format!(
        r#"
[server]
listen = "127.0.0.1:0"
public_url = "http://127.0.0.1:1"
[storage]
database = "{database}"
[[tenant]]
id = "example"
[[tenant.homeservers]]
server_name = "example.org"
url = "http://127.0.0.1:9"
[tenant.oidc]
issuer = "{issuer}"
audience = "{AUDIENCE}"
algorithms = ["ES256", "RS256"]
"#
    ))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    tokio::spawn(sparks_middleware::serve(
        config,
        listener,
        std::future::pending(),
    ));
    for _ in 0..200 {
        if reqwest::get(format!("{url}/readyz"))
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(Middleware {
                url,
                database,
                _dir: dir,
            });
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    Err("the middleware did not get ready".into())
}

fn now() -> i64 {
    jsonwebtoken::get_current_timestamp() as i64
}

fn claims(issuer: &str) -> serde_json::Value {
    serde_json::json!({
        "iss": issuer,
        "sub": "0f6e1c1a-alice",
        "aud": AUDIENCE,
        "exp": now() + 300,
        "iat": now(),
        "preferred_username": "alice",
    })
}

fn sign(claims: &serde_json::Value, kid: &str, key: &EncodingKey) -> Result<String, Error> {
    let mut header = Header::new(Algorithm::ES256);
    header.kid = Some(kid.to_owned());
    Ok(jsonwebtoken::encode(&header, claims, key)?)
}

/// A token whose header says `alg: none`, without a signature.
fn unsigned(claims: &serde_json::Value) -> String {
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.",
        engine.encode(br#"{"alg":"none","typ":"JWT"}"#),
        engine.encode(claims.to_string())
    )
}

async fn sign_in(mw: &Middleware, token: &str) -> Result<(u16, serde_json::Value), Error> {
    let response = reqwest::Client::new()
        .post(format!("{}/v1/session/oidc", mw.url))
        .json(&serde_json::json!({ "access_token": token }))
        .send()
        .await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or_default()))
}

#[tokio::test(flavor = "multi_thread")]
async fn identity_provider_tokens_sign_in_and_bad_ones_are_refused() -> Result<(), Error> {
    sparks_middleware::oidc::install_crypto();
    let (trusted, trusted_jwk) = key("trusted")?;
    let (stranger, _) = key("stranger")?;
    let provider = provider(vec![trusted_jwk]).await?;
    let issuer = provider.issuer.clone();
    let mw = middleware(&issuer).await?;
    let store = Store::open(&mw.database).await?;

    // A good token: a session for the Matrix user the token names.
    let (status, body) = sign_in(&mw, &sign(&claims(&issuer), "trusted", &trusted)?).await?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["user_id"], "@alice:example.org");
    assert_eq!(store.count().await?, 1);
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 1);

    let with = |change: &dyn Fn(&mut serde_json::Value)| {
        let mut claims = claims(&issuer);
        change(&mut claims);
        claims
    };
    let hs256 = {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("trusted".into());
        jsonwebtoken::encode(
            &header,
            &claims(&issuer),
            &EncodingKey::from_secret(b"the public key, misused as a secret"),
        )?
    };
    let cases: Vec<(&str, String, u16, &str)> = vec![
        (
            "alg none",
            unsigned(&claims(&issuer)),
            401,
            "not a signed JWT",
        ),
        (
            "a shared-secret algorithm",
            hs256,
            401,
            "HS256 signatures are not accepted",
        ),
        (
            "wrong audience",
            sign(
                &with(&|c| c["aud"] = "someone-else".into()),
                "trusted",
                &trusted,
            )?,
            401,
            "meant for another service",
        ),
        (
            "expired",
            sign(
                &with(&|c| c["exp"] = (now() - 3_600).into()),
                "trusted",
                &trusted,
            )?,
            401,
            "expired",
        ),
        (
            "an unknown key",
            sign(&claims(&issuer), "stranger", &stranger)?,
            401,
            "a key the provider does not publish",
        ),
        (
            "a known key id on a forged signature",
            sign(&claims(&issuer), "trusted", &stranger)?,
            401,
            "signature does not verify",
        ),
        (
            "no user name",
            sign(
                &with(&|c| {
                    c.as_object_mut().map(|o| o.remove("preferred_username"));
                }),
                "trusted",
                &trusted,
            )?,
            401,
            "no `preferred_username`",
        ),
        (
            "a user name Matrix does not allow",
            sign(
                &with(&|c| c["preferred_username"] = "Alice Smith".into()),
                "trusted",
                &trusted,
            )?,
            401,
            "not a Matrix user name",
        ),
        (
            "an issuer no tenant trusts",
            sign(
                &with(&|c| c["iss"] = "https://elsewhere.example".into()),
                "trusted",
                &trusted,
            )?,
            403,
            "not an identity provider this middleware trusts",
        ),
        (
            "not a JWT at all",
            "garbage".into(),
            401,
            "not a signed JWT",
        ),
    ];
    for (what, token, status, says) in cases {
        let (got, body) = sign_in(&mw, &token).await?;
        let error = body["error"].as_str().unwrap_or_default();
        assert_eq!(got, status, "{what}: {body}");
        assert!(
            error.contains(says),
            "{what}: {error:?} should say {says:?}"
        );
        assert!(body["errcode"].is_string(), "{what}: {body}");
    }
    assert_eq!(store.count().await?, 1, "no failed sign-in stored anything");
    // Keys fetched under a minute ago are not fetched again for unknown key ids: forged
    // tokens cannot make the middleware hammer the provider.
    for _ in 0..5 {
        sign_in(&mw, &sign(&claims(&issuer), "stranger", &stranger)?).await?;
    }
    assert_eq!(provider.fetches.load(Ordering::SeqCst), 1);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn keys_are_only_taken_from_the_issuers_own_host() -> Result<(), Error> {
    sparks_middleware::oidc::install_crypto();
    let (trusted, trusted_jwk) = key("trusted")?;
    // The discovery document points at keys on another host.
    let keys = provider(vec![trusted_jwk]).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let issuer = format!("http://localhost:{}", listener.local_addr()?.port());
    let elsewhere =
        serde_json::json!({ "issuer": issuer, "jwks_uri": format!("{}/jwks", keys.issuer) });
    let app = axum::Router::new().route(
        "/.well-known/openid-configuration",
        get(move || async move { Json(elsewhere) }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    let mw = middleware(&issuer).await?;
    let (status, body) = sign_in(&mw, &sign(&claims(&issuer), "trusted", &trusted)?).await?;
    assert_eq!(status, 502, "{body}");
    assert!(
        body["error"]
            .as_str()
            .is_some_and(|e| e.contains("another host")),
        "{body}"
    );
    assert_eq!(
        keys.fetches.load(Ordering::SeqCst),
        0,
        "the foreign host was never asked"
    );
    Ok(())
}
