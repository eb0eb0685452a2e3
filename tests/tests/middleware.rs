//! The middleware against Synapse: sign-in with a Matrix OpenID token, session refresh,
//! lk-jwt-service-compatible meeting tokens for room members only, and bad input.
//!
//! LiveKit's RoomService is played by the testkit's LiveKit-protocol SFU (a LiveKit server
//! cannot run here), which only creates rooms for tokens that grant `roomCreate`; the join
//! tokens are checked by verifying their signature with the API secret and reading their
//! grants.

use base64::Engine;
use hmac::{Hmac, Mac};
use matrix_sdk::ruma::api::client::room::create_room::v3::Request as CreateRoom;
use sparks_api::{ErrorBody, OpenIdToken, Session, SfuToken};
use sparks_middleware::config::Config;
use sparks_middleware::store::Store;
use sparks_tests::{Error, Homeserver, meeting_tenant, openid, serve};

const SECRET: &str = "a-livekit-secret-long-enough-for-hs256";
const METRICS_TOKEN: &str = "the-operators-metrics-token";
const REQUESTS_PER_MINUTE: usize = 10;

/// A LiveKit token's claims, after checking its HS256 signature with the API secret.
fn claims(jwt: &str) -> Result<serde_json::Value, Error> {
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, payload, signature] = parts[..] else {
        return Err("not a JWT".into());
    };
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(SECRET.as_bytes())?;
    mac.update(format!("{header}.{payload}").as_bytes());
    let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    mac.verify_slice(&engine.decode(signature)?)
        .map_err(|_| "the signature does not verify with the API secret")?;
    Ok(serde_json::from_slice(&engine.decode(payload)?)?)
}

struct Middleware {
    url: String,
    database: String,
    _dir: tempfile::TempDir,
}

/// Where a middleware under test keeps its sessions.
#[derive(Clone, Copy)]
enum Db {
    Sqlite,
    /// A fresh database in the PostgreSQL that `cargo xtask test` started.
    Postgres,
}

async fn database(db: Db, dir: &std::path::Path) -> Result<String, Error> {
    match db {
        Db::Sqlite => Ok(format!("sqlite://{}?mode=rwc", dir.join("mw.db").display())),
        Db::Postgres => {
            let server = std::env::var("SPARKS_TEST_POSTGRES").map_err(
                |_| "SPARKS_TEST_POSTGRES is not set: run the tests with `cargo xtask test`",
            )?;
            let name = sparks_tests::unique("mw").replace('-', "_");
            sqlx::any::install_default_drivers();
            let pool = sqlx::AnyPool::connect(&server).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&pool)
                .await?;
            Ok(format!("{}/{name}", server.trim_end_matches("/postgres")))
        }
    }
}

async fn start(
    server: &Homeserver,
    livekit: &str,
    admin_token: &str,
    db: Db,
) -> Result<Middleware, Error> {
    let dir = tempfile::tempdir()?;
    let database = database(db, dir.path()).await?;
    let lines =
        format!("metrics_token = \"{METRICS_TOKEN}\"\nrequests_per_minute = {REQUESTS_PER_MINUTE}");
    let text = meeting_tenant(server, &database, admin_token, livekit, SECRET, &lines);
    let url = serve(Config::parse(&text)?).await?;
    Ok(Middleware {
        url,
        database,
        _dir: dir,
    })
}

/// The SFU fixture, with the API key and secret the middleware is configured with.
async fn sfu() -> Result<sparks_testkit::Sfu, Error> {
    Ok(sparks_testkit::Sfu::start(sparks_testkit::Options {
        api_key: "sparks".into(),
        api_secret: SECRET.into(),
        ..sparks_testkit::Options::default()
    })
    .await?)
}

/// POSTs JSON; returns the status and the body as JSON.
async fn post(
    http: &reqwest::Client,
    url: String,
    body: &serde_json::Value,
) -> Result<(u16, serde_json::Value), Error> {
    let response = http.post(url).json(body).send().await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or_default()))
}

fn errcode(body: &serde_json::Value) -> String {
    serde_json::from_value::<ErrorBody>(body.clone())
        .map(|e| e.errcode)
        .unwrap_or_else(|_| format!("not an error body: {body}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_refresh_and_meeting_tokens_for_members_only_on_sqlite() -> Result<(), Error> {
    sign_in_refresh_and_meeting_tokens(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_refresh_and_meeting_tokens_for_members_only_on_postgres() -> Result<(), Error> {
    sign_in_refresh_and_meeting_tokens(Db::Postgres).await
}

async fn sign_in_refresh_and_meeting_tokens(db: Db) -> Result<(), Error> {
    let server = Homeserver::from_env();
    let lk = sfu().await?;
    let livekit = lk.url().to_owned();
    let admin = server.new_admin().await?;
    let mw = start(&server, &livekit, &admin, db).await?;
    let http = reqwest::Client::new();
    let (alice, alice_password) = server.new_user("mw-alice").await?;
    let (bob, bob_password) = server.new_user("mw-bob").await?;
    let dirs = (tempfile::tempdir()?, tempfile::tempdir()?);
    let alice = server
        .client(&alice, &alice_password, dirs.0.path())
        .await?;
    let bob = server.client(&bob, &bob_password, dirs.1.path()).await?;
    let alice_id = alice.user_id().ok_or("alice")?.to_string();

    // Sign in with an OpenID token; the session names the user and the tenant's services.
    let token = openid(&alice).await?;
    let (status, body) = post(
        &http,
        format!("{}/v1/session", mw.url),
        &serde_json::json!({ "openid_token": token }),
    )
    .await?;
    assert_eq!(status, 200, "{body}");
    let session: Session = serde_json::from_value(body)?;
    assert_eq!(session.user_id, alice_id);
    assert!(session.services.meetings && !session.services.calendar);
    let services = http
        .get(format!("{}/v1/services", mw.url))
        .bearer_auth(&session.access_token)
        .send()
        .await?;
    assert_eq!(services.status().as_u16(), 200);

    // Refresh: new tokens; the old refresh token works only once.
    let refresh = serde_json::json!({ "refresh_token": session.refresh_token });
    let (status, body) = post(&http, format!("{}/v1/session/refresh", mw.url), &refresh).await?;
    assert_eq!(status, 200, "{body}");
    let renewed: Session = serde_json::from_value(body)?;
    assert_ne!(renewed.access_token, session.access_token);
    let (status, body) = post(&http, format!("{}/v1/session/refresh", mw.url), &refresh).await?;
    assert_eq!((status, errcode(&body)), (401, "M_UNKNOWN_TOKEN".into()));
    let old = http
        .get(format!("{}/v1/services", mw.url))
        .bearer_auth(&session.access_token)
        .send()
        .await?;
    assert_eq!(
        old.status().as_u16(),
        401,
        "the replaced access token is gone"
    );

    // A meeting token for a member of the room, as Element Call asks for it.
    let room = alice.create_room(CreateRoom::new()).await?;
    let room_id = room.room_id().to_string();
    let request = |token: &OpenIdToken, user: &str| {
        serde_json::json!({
            "room_id": room_id,
            "slot_id": "m.call#ROOM",
            "openid_token": token,
            "member": { "id": "member-1", "claimed_user_id": user, "claimed_device_id": "DEVICE" },
        })
    };
    let (status, body) = post(
        &http,
        format!("{}/get_token", mw.url),
        &request(&token, &alice_id),
    )
    .await?;
    assert_eq!(status, 200, "{body}");
    let sfu: SfuToken = serde_json::from_value(body)?;
    assert_eq!(sfu.url.trim_end_matches('/'), livekit);
    let granted = claims(&sfu.jwt)?;
    let alias = sparks_middleware::livekit::room_alias(&room_id, "m.call#ROOM");
    assert_eq!(granted["video"]["room"], alias.as_str());
    assert_eq!(granted["video"]["roomJoin"], true);
    assert_eq!(granted["name"], alice_id.as_str());
    assert_eq!(
        granted["sub"],
        sparks_middleware::livekit::identity(&alice_id, "DEVICE", "member-1").as_str()
    );
    // The room was created on the SFU (which only does so for a token granting roomCreate).
    assert_eq!(lk.created_rooms(), std::slice::from_ref(&alias));

    // The legacy endpoint gives the same room, and the legacy identity.
    let legacy =
        serde_json::json!({ "room": room_id, "openid_token": token, "device_id": "DEVICE" });
    let (status, body) = post(&http, format!("{}/sfu/get", mw.url), &legacy).await?;
    assert_eq!(status, 200, "{body}");
    let legacy: SfuToken = serde_json::from_value(body)?;
    let granted = claims(&legacy.jwt)?;
    assert_eq!(granted["video"]["room"], alias.as_str());
    assert_eq!(granted["sub"], format!("{alice_id}:DEVICE").as_str());

    // Browsers may ask (CORS), as Element Call does.
    let preflight = http
        .request(reqwest::Method::OPTIONS, format!("{}/get_token", mw.url))
        .send()
        .await?;
    assert_eq!(preflight.status().as_u16(), 200);
    assert_eq!(
        preflight
            .headers()
            .get("access-control-allow-origin")
            .map(|v| v.as_bytes()),
        Some(&b"*"[..])
    );

    // Bob is not in the room: refused. Nor may he claim to be Alice.
    let bob_id = bob.user_id().ok_or("bob")?.to_string();
    let bob_token = openid(&bob).await?;
    let (status, body) = post(
        &http,
        format!("{}/get_token", mw.url),
        &request(&bob_token, &bob_id),
    )
    .await?;
    assert_eq!((status, errcode(&body)), (403, "M_FORBIDDEN".into()));
    let (status, body) = post(
        &http,
        format!("{}/get_token", mw.url),
        &request(&bob_token, &alice_id),
    )
    .await?;
    assert_eq!((status, errcode(&body)), (401, "M_UNAUTHORIZED".into()));

    // A forged OpenID token, and one from a server this middleware does not serve.
    let mut forged = token.clone();
    forged.access_token = "forged".into();
    let (status, body) = post(
        &http,
        format!("{}/get_token", mw.url),
        &request(&forged, &alice_id),
    )
    .await?;
    assert_eq!((status, errcode(&body)), (401, "M_UNAUTHORIZED".into()));
    let mut foreign = token.clone();
    foreign.matrix_server_name = "elsewhere.example".into();
    let (status, body) = post(
        &http,
        format!("{}/v1/session", mw.url),
        &serde_json::json!({ "openid_token": foreign }),
    )
    .await?;
    assert_eq!((status, errcode(&body)), (403, "M_FORBIDDEN".into()));

    // One user asking again and again is slowed down; others are not.
    let mut limited = None;
    for _ in 0..REQUESTS_PER_MINUTE {
        let url = format!("{}/get_token", mw.url);
        let (status, body) = post(&http, url, &request(&token, &alice_id)).await?;
        if status != 200 {
            limited = Some((status, errcode(&body)));
            break;
        }
    }
    assert_eq!(limited, Some((429, "M_LIMIT_EXCEEDED".into())));
    let again = serde_json::json!({ "openid_token": bob_token });
    let (status, _) = post(&http, format!("{}/v1/session", mw.url), &again).await?;
    assert_eq!(status, 200, "Bob is not limited by Alice's requests");
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_a_json_error_and_changes_nothing_on_sqlite() -> Result<(), Error> {
    bad_input(Db::Sqlite).await
}

#[tokio::test(flavor = "multi_thread")]
async fn bad_input_gets_a_json_error_and_changes_nothing_on_postgres() -> Result<(), Error> {
    bad_input(Db::Postgres).await
}

async fn bad_input(db: Db) -> Result<(), Error> {
    let server = Homeserver::from_env();
    let lk = sfu().await?;
    let livekit = lk.url().to_owned();
    let admin = server.new_admin().await?;
    let mw = start(&server, &livekit, &admin, db).await?;
    let http = reqwest::Client::new();
    // The store as the middleware left it after starting.
    let store = Store::open(&mw.database).await?;
    let before = store.count().await?;
    let session = format!("{}/v1/session", mw.url);
    let get_token = format!("{}/get_token", mw.url);
    let sfu_get = format!("{}/sfu/get", mw.url);
    let openid = serde_json::json!({
        "access_token": "made-up", "token_type": "Bearer",
        "matrix_server_name": server.server_name, "expires_in": 3600,
    });
    let member = |id: &str, device: &str| {
        serde_json::json!({
            "room_id": "!r:x", "slot_id": "m.call#ROOM", "openid_token": openid,
            "member": {"id": id, "claimed_user_id": "@a:x", "claimed_device_id": device},
        })
    };
    let cases: Vec<(reqwest::RequestBuilder, u16, &str)> = vec![
        // lk-jwt-service's checks, before any server is asked.
        (
            http.post(&get_token).json(&member("", "DEV")),
            400,
            "M_BAD_JSON",
        ),
        (
            http.post(&get_token).json(&member("m1", "")),
            400,
            "M_BAD_JSON",
        ),
        (
            http.post(&get_token)
                .json(&serde_json::json!({"room_id": "!r:x", "openid_token": openid})),
            400,
            "M_BAD_JSON",
        ),
        (
            http.post(&get_token)
                .header("content-type", "application/json")
                .body("[]"),
            400,
            "M_BAD_JSON",
        ),
        (
            http.post(&sfu_get).json(
                &serde_json::json!({"room": "!r:x", "openid_token": openid, "device_id": ""}),
            ),
            400,
            "M_BAD_JSON",
        ),
        (
            http.post(&sfu_get)
                .header("content-type", "text/plain")
                .body("{}"),
            415,
            "M_NOT_JSON",
        ),
        (
            http.post(&session)
                .header("content-type", "application/json")
                .body("{not json"),
            400,
            "M_NOT_JSON",
        ),
        (
            http.post(&session)
                .header("content-type", "application/json")
                .body("{\"openid_token\": 5}"),
            400,
            "M_BAD_JSON",
        ),
        (http.post(&session).body("{}"), 415, "M_NOT_JSON"),
        (
            http.post(&session)
                .header("content-type", "application/json")
                .body(format!("{{\"pad\":\"{}\"}}", "x".repeat(64 * 1024))),
            413,
            "M_TOO_LARGE",
        ),
        (http.get(&session), 405, "M_UNRECOGNIZED"),
        (
            http.get(format!("{}/nowhere", mw.url)),
            404,
            "M_UNRECOGNIZED",
        ),
        (
            http.get(format!("{}/v1/services", mw.url)),
            401,
            "M_MISSING_TOKEN",
        ),
        (
            http.get(format!("{}/v1/services", mw.url))
                .bearer_auth("made-up"),
            401,
            "M_UNKNOWN_TOKEN",
        ),
    ];
    for (request, status, code) in cases {
        let response = request.send().await?;
        let got = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        assert_eq!((got, errcode(&body)), (status, code.to_owned()), "{body}");
    }
    assert_eq!(store.count().await?, before, "nothing was stored");
    let health = http.get(format!("{}/healthz", mw.url)).send().await?;
    assert_eq!(health.status().as_u16(), 200);
    let ready = http.get(format!("{}/readyz", mw.url)).send().await?;
    assert_eq!(ready.status().as_u16(), 200);
    Ok(())
}

/// The middleware `cargo xtask test` started beside Synapse, as the app finds it: announced in
/// the homeserver's `.well-known`, signed in to with a Sparks session's OpenID token.
#[tokio::test(flavor = "multi_thread")]
async fn the_app_finds_the_middleware_through_its_homeserver_and_signs_in() -> Result<(), Error> {
    let started = std::env::var("SPARKS_TEST_MIDDLEWARE")
        .map_err(|_| "SPARKS_TEST_MIDDLEWARE is not set: run the tests with `cargo xtask test`")?;
    let server = Homeserver::from_env();
    let home = tempfile::tempdir()?;
    let (user, password) = server.new_user("mw-app").await?;
    let session =
        sparks_tests::sign_in(&server.login_request(&user, &password), home.path()).await?;

    let homeserver = url::Url::parse(&session.homeserver())?;
    let found = sparks_middleware_client::discover(&homeserver, &session.server_name())
        .await?
        .ok_or("the homeserver announces no middleware")?;
    assert_eq!(found.as_str().trim_end_matches('/'), started);

    let middleware =
        sparks_middleware_client::Middleware::connect(found.clone(), &session.server_name())
            .await?;
    let token = session.openid_token().await?;
    let services = middleware
        .sign_in(OpenIdToken {
            access_token: token.access_token.clone(),
            token_type: "Bearer".into(),
            matrix_server_name: token.matrix_server_name.clone(),
            expires_in: token.expires_in_secs,
        })
        .await?;
    // The generated tenant has a homeserver and Radicale for calendars and contacts.
    assert_eq!(
        services,
        sparks_middleware_client::Services {
            calendar: true,
            contacts: true,
            ..sparks_middleware_client::Services::default()
        }
    );
    assert_eq!(middleware.user_id().await, Some(session.user_id()));
    assert_eq!(middleware.services().await?, services);
    // Discovery said the same before anyone signed in, and says nothing of other servers.
    assert_eq!(middleware.offered(), Some(services));
    let elsewhere =
        sparks_middleware_client::Middleware::connect(found, "not-served.example").await?;
    assert_eq!(elsewhere.offered(), None);

    // The app's typed client signs in to Radicale and reads calendars and a week of events.
    let sources = middleware.sources().await?;
    assert_eq!(sources.len(), 1);
    assert!(!sources[0].connected);
    let wrong = sparks_middleware_client::pim::Credentials {
        username: "alice".into(),
        password: "wrong".into(),
    };
    let refused = middleware.connect_source("radicale", &wrong).await;
    assert!(
        matches!(
            refused,
            Err(sparks_middleware_client::ClientError::Refused { status: 403, .. })
        ),
        "{refused:?}"
    );
    let right = sparks_middleware_client::pim::Credentials {
        username: "alice".into(),
        password: "alicepass".into(),
    };
    middleware.connect_source("radicale", &right).await?;
    assert!(middleware.sources().await?[0].connected);
    let calendars = middleware.calendars().await?;
    assert!(calendars.unavailable.is_empty(), "{calendars:?}");
    let now = chrono::Utc::now();
    let week = middleware
        .events(now, now + chrono::Duration::days(7), "Europe/Berlin")
        .await?;
    assert!(week.unavailable.is_empty(), "{week:?}");
    let people = middleware.contacts("").await?;
    assert!(people.unavailable.is_empty(), "{people:?}");

    // Someone else's OpenID token is someone else's session; a made-up one is refused.
    let forged = OpenIdToken {
        access_token: "made-up".into(),
        token_type: "Bearer".into(),
        matrix_server_name: token.matrix_server_name,
        expires_in: 3600,
    };
    let refused = middleware.sign_in(forged).await;
    assert!(
        refused.as_ref().is_err_and(|e| e.is_refusal()),
        "{refused:?}"
    );
    Ok(())
}

/// The metrics count what was answered, and only the operator's token may read them.
#[tokio::test(flavor = "multi_thread")]
async fn metrics_need_the_operators_token_and_count_requests() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let lk = sfu().await?;
    let livekit = lk.url().to_owned();
    let admin = server.new_admin().await?;
    let mw = start(&server, &livekit, &admin, Db::Sqlite).await?;
    let http = reqwest::Client::new();
    let metrics = format!("{}/metrics", mw.url);
    let missing = http.get(&metrics).send().await?;
    assert_eq!(missing.status().as_u16(), 401);
    let wrong = http.get(&metrics).bearer_auth("guess").send().await?;
    assert_eq!(wrong.status().as_u16(), 401);
    let _ = http
        .get(format!("{}/nowhere/{}", mw.url, "x".repeat(40)))
        .send()
        .await?;
    let _ = http.get(format!("{}/healthz", mw.url)).send().await?;
    let text = http
        .get(&metrics)
        .bearer_auth(METRICS_TOKEN)
        .send()
        .await?
        .text()
        .await?;
    assert!(
        text.contains(
            r#"sparks_middleware_http_requests_total{route="/healthz",method="GET",status="200"} 1"#
        ),
        "{text}"
    );
    assert!(
        text.contains(r#"route="unmatched",method="GET",status="404""#),
        "{text}"
    );
    assert!(!text.contains("xxxxxxxx"), "unknown paths are not labels");
    assert!(
        !text.contains(SECRET) && !text.contains(&admin),
        "no secrets"
    );
    Ok(())
}

/// A real identity provider (oidc-provider, which `cargo xtask test` starts): its RS256 JWT
/// access token signs in, with the keys found through its discovery document; the same token
/// with a damaged signature does not.
#[tokio::test(flavor = "multi_thread")]
async fn a_real_identity_providers_access_token_signs_in() -> Result<(), Error> {
    let issuer = std::env::var("SPARKS_TEST_OIDC_ISSUER")
        .map_err(|_| "SPARKS_TEST_OIDC_ISSUER is not set: run the tests with `cargo xtask test`")?;
    let server = Homeserver::from_env();
    let dir = tempfile::tempdir()?;
    let database = database(Db::Sqlite, dir.path()).await?;
    let config = Config::parse(&format!(
        r#"
[server]
listen = "127.0.0.1:0"
public_url = "http://127.0.0.1:1"
[storage]
database = "{database}"
[[tenant]]
id = "test"
[[tenant.homeservers]]
server_name = "{name}"
url = "{url}"
[tenant.oidc]
issuer = "{issuer}"
audience = "sparks"
algorithms = ["RS256"]
user_claim = "sub"
"#,
        name = server.server_name,
        url = server.url,
    ))?;
    let url = serve(config).await?;

    // The client-credentials grant, as a service account would use it.
    let form: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("grant_type", "client_credentials"),
            ("client_id", "sparks-robot"),
            ("client_secret", "sparks-robot-secret"),
            ("scope", "sparks"),
            ("resource", "urn:sparks:middleware"),
        ])
        .finish();
    let http = reqwest::Client::new();
    let issued: serde_json::Value = http
        .post(format!("{issuer}/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await?
        .json()
        .await?;
    let token = issued["access_token"]
        .as_str()
        .ok_or_else(|| format!("no access token: {issued}"))?;
    assert_eq!(token.split('.').count(), 3, "a JWT: {issued}");

    let sign_in = |token: String| {
        let http = http.clone();
        let url = url.clone();
        async move {
            let response = http
                .post(format!("{url}/v1/session/oidc"))
                .json(&serde_json::json!({ "access_token": token }))
                .send()
                .await?;
            let status = response.status().as_u16();
            Ok::<_, Error>((status, response.json::<serde_json::Value>().await?))
        }
    };
    let (status, body) = sign_in(token.to_owned()).await?;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["user_id"],
        format!("@sparks-robot:{}", server.server_name).as_str()
    );

    let mut damaged = token.to_owned();
    let last = damaged.pop().ok_or("empty token")?;
    damaged.push(if last == 'A' { 'B' } else { 'A' });
    let (status, body) = sign_in(damaged).await?;
    assert_eq!((status, errcode(&body)), (401, "M_UNAUTHORIZED".into()));
    Ok(())
}

/// Two tenants on one middleware: a user of one is given their own tenant's services, sources
/// and SFU, signed with their own tenant's secret, and a token that claims the other tenant's
/// homeserver is checked there, never with the user's own homeserver.
#[tokio::test(flavor = "multi_thread")]
async fn a_user_only_ever_reaches_their_own_tenant() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let lk = sfu().await?;
    let livekit = lk.url().to_owned();
    let admin = server.new_admin().await?;
    let dir = tempfile::tempdir()?;
    let database = database(Db::Sqlite, dir.path()).await?;
    // The other tenant has meetings elsewhere, with another secret, and a calendar source.
    let other = r#"
[[tenant]]
id = "other"
[[tenant.homeservers]]
server_name = "other.example"
url = "http://127.0.0.1:9"
[tenant.livekit]
url = "ws://127.0.0.1:7880"
api_key = "other"
api_secret = "the-other-tenants-secret-long-enough"
[[tenant.sources]]
id = "other-dav"
name = "Other"
kind = "dav"
url = "http://127.0.0.1:9/dav/"
"#;
    let lines = "credentials_key = \"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=\"";
    let text = meeting_tenant(&server, &database, &admin, &livekit, SECRET, "") + other;
    let text = text.replacen("[storage]\n", &format!("[storage]\n{lines}\n"), 1);
    let url = serve(Config::parse(&text)?).await?;
    let http = reqwest::Client::new();
    let (alice, password) = server.new_user("mw-tenant").await?;
    let dir = tempfile::tempdir()?;
    let alice = server.client(&alice, &password, dir.path()).await?;
    let alice_id = alice.user_id().ok_or("alice")?.to_string();

    // Discovery tells each homeserver's users what their own tenant has.
    for (name, calendar) in [
        (server.server_name.as_str(), false),
        ("other.example", true),
    ] {
        let found: sparks_api::Discovery = http
            .get(format!(
                "{url}/.well-known/sparks/client?server_name={name}"
            ))
            .send()
            .await?
            .json()
            .await?;
        let services = found.services.ok_or("no services in discovery")?;
        assert_eq!(
            (services.meetings, services.calendar),
            (true, calendar),
            "{name}"
        );
    }
    let token = openid(&alice).await?;
    let (status, body) = post(
        &http,
        format!("{url}/v1/session"),
        &serde_json::json!({ "openid_token": token }),
    )
    .await?;
    assert_eq!(status, 200, "{body}");
    let session: Session = serde_json::from_value(body)?;
    assert!(
        session.services.meetings && !session.services.calendar,
        "{:?}",
        session.services
    );
    let sources = http
        .get(format!("{url}/v1/sources"))
        .bearer_auth(&session.access_token)
        .send()
        .await?;
    let status = sources.status().as_u16();
    let sources = sources.text().await?;
    assert_eq!(status, 200, "{sources}");
    assert!(!sources.contains("other-dav"), "{sources}");

    let room = alice.create_room(CreateRoom::new()).await?;
    let request = |token: &OpenIdToken, user: &str| {
        serde_json::json!({
            "room_id": room.room_id().to_string(), "slot_id": "m.call#ROOM", "openid_token": token,
            "member": { "id": "m1", "claimed_user_id": user, "claimed_device_id": "DEV" },
        })
    };
    let (status, body) = post(
        &http,
        format!("{url}/get_token"),
        &request(&token, &alice_id),
    )
    .await?;
    assert_eq!(status, 200, "{body}");
    let sfu: SfuToken = serde_json::from_value(body)?;
    assert_eq!(sfu.url.trim_end_matches('/'), livekit);
    claims(&sfu.jwt)?;

    // The same real token, claiming the other tenant's server: it is checked with that
    // server (which is down here), and nobody gets a token.
    let mut foreign = openid(&alice).await?;
    foreign.matrix_server_name = "other.example".into();
    let (status, body) = post(
        &http,
        format!("{url}/get_token"),
        &request(&foreign, "@mw-tenant:other.example"),
    )
    .await?;
    assert!(matches!(status, 401 | 502), "{status} {body}");
    assert!(body.get("jwt").is_none(), "{body}");
    Ok(())
}
