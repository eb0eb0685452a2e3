//! The configuration's checks: every mistake names its key, secrets never show.

use super::*;

#[test]
fn the_example_is_valid() {
    let config = Config::parse(
        &EXAMPLE
            .replace(
                "api_secret = { env = \"SPARKS_LIVEKIT_SECRET\" }",
                "api_secret = \"example-secret-of-enough-length\"",
            )
            .replace(
                "credentials_key = { env = \"SPARKS_CREDENTIALS_KEY\" }",
                "credentials_key = \"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\"",
            ),
    )
    .expect("the example parses");
    let nextcloud = config.tenants[0].source("nextcloud").expect("a source");
    assert_eq!(nextcloud.kind, SourceKind::Dav);
    assert!(config.tenants[0].calendar() && config.tenants[0].contacts());
    assert!(config.credentials_key.is_some());
    let (tenant, hs) = config.homeserver("example.org").expect("a homeserver");
    assert_eq!(tenant.id, "example");
    assert!(hs.local);
    assert_eq!(
        tenant
            .livekit
            .as_ref()
            .map(|lk| lk.api_url().scheme().to_owned()),
        Some("https".into())
    );
}

/// The smallest valid configuration: one tenant `t`, with `extra` added to it.
pub(crate) fn minimal(extra: &str) -> String {
    format!(
        r#"
[server]
listen = "127.0.0.1:0"
public_url = "http://127.0.0.1:8090"
[storage]
database = "sqlite::memory:"
[[tenant]]
id = "t"
{extra}
"#
    )
}

#[test]
fn mistakes_name_their_key() {
    let hs = "[[tenant.homeservers]]\nserver_name = \"a.org\"\nurl = \"https://a.org\"\n";
    let cases = [
        (minimal(""), "missing field `homeservers`"),
        (
            minimal(&hs.replace("https://a.org", "ftp://a.org")),
            "`tenant[0].homeservers[0].url`",
        ),
        (
            minimal(&format!(
                "{hs}[tenant.livekit]\nurl = \"wss://sfu\"\napi_key = \"k\"\napi_secret = {{ env = \"SPARKS_TEST_UNSET_VARIABLE\" }}\n"
            )),
            "`tenant[0].livekit.api_secret`: environment variable SPARKS_TEST_UNSET_VARIABLE is not set",
        ),
        (
            minimal(&format!("{hs}colour = \"red\"\n")),
            "unknown field `colour`",
        ),
        (
            minimal(&format!(
                "{hs}[tenant.oidc]\nissuer = \"https://id.a.org\"\naudience = \"sparks\"\nalgorithms = [\"HS256\"]\n"
            )),
            "`tenant[0].oidc.algorithms`: HS256 is symmetric",
        ),
        (
            minimal(&format!(
                "{hs}[tenant.oidc]\nissuer = \"https://id.a.org\"\naudience = \"sparks\"\nserver_name = \"b.org\"\n"
            )),
            "`tenant[0].oidc.server_name`: b.org is not one of this tenant's homeservers",
        ),
        (
            minimal(&format!(
                "{hs}[[tenant.sources]]\nid = \"dav\"\nname = \"D\"\nkind = \"dav\"\nurl = \"https://dav.a.org\"\n"
            )),
            "`storage.credentials_key`: is needed",
        ),
        (
            minimal(&format!(
                "{hs}[[tenant.sources]]\nid = \"dav\"\nname = \"D\"\nkind = \"dav\"\nurl = \"https://dav.a.org\"\nshared = [\"https://evil.example/x/\"]\n"
            )),
            "`tenant[0].sources[0].shared[0]`: must be on the same server",
        ),
        (
            minimal(&format!(
                "{hs}[[tenant.sources]]\nid = \"Bad Id\"\nname = \"D\"\nkind = \"dav\"\nurl = \"https://dav.a.org\"\n"
            )),
            "`tenant[0].sources[0].id`",
        ),
        (
            minimal(&format!("{hs}{hs}")),
            "`tenant[0].homeservers[1].server_name`: a.org belongs to tenant t already",
        ),
    ];
    for (text, expected) in cases {
        let error = Config::parse(&text).expect_err("invalid").to_string();
        assert!(
            error.contains(expected),
            "{error} should mention {expected}"
        );
    }
}

#[test]
fn secrets_come_from_files_and_never_show() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("secret");
    std::fs::write(&file, "from-a-file\n").expect("write");
    let text = minimal(&format!(
        "[[tenant.homeservers]]\nserver_name = \"a.org\"\nurl = \"https://a.org\"\nadmin_token = {{ file = \"{}\" }}\n",
        file.display()
    ));
    let config = Config::parse(&text).expect("valid");
    let token = config.tenants[0].homeservers[0]
        .admin_token
        .clone()
        .expect("a token");
    assert_eq!(token.expose(), "from-a-file");
    assert!(!format!("{config:?}").contains("from-a-file"));
}

#[test]
fn syntax_mistakes_say_where_but_never_show_values() {
    let hs = "[[tenant.homeservers]]\nserver_name = \"a.org\"\nurl = \"https://a.org\"\n";
    // A secret given where a number belongs, and a line TOML cannot read.
    let wrong_type =
        minimal(hs).replace("[server]", "[server]\nsession_minutes = \"hunter2-secret\"");
    let error = Config::parse(&wrong_type).expect_err("a string is no number");
    let shown = error.to_string();
    assert!(shown.starts_with("line "), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    let broken = format!("{hs}admin_token = \"hunter2-secret\n");
    let shown = Config::parse(&minimal(&broken))
        .expect_err("unclosed")
        .to_string();
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("line "), "{shown}");
    // A quote inside the secret does not end what is hidden.
    let quoted = minimal(hs).replace("[server]", "[server]\nsession_minutes = 'hun\"ter2-secret'");
    let shown = Config::parse(&quoted)
        .expect_err("a string is no number")
        .to_string();
    assert!(!shown.contains("ter2"), "{shown}");
}
