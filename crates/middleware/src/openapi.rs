//! The OpenAPI document of the middleware's HTTP API, generated from the handlers' annotations
//! and the `sparks-api` types. `openapi.json` beside this crate is the checked-in copy; a test
//! fails when it differs from what the code says (`SPARKS_BLESS=1` rewrites it).

use utoipa::OpenApi;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sparks middleware",
        description = "Discovery, sessions, Element Call compatible meeting tokens, and calendars and contacts from every backend for Sparks clients.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        crate::http::discovery,
        crate::http::healthz,
        crate::http::readyz,
        crate::http::metrics_text,
        crate::http::sign_in,
        crate::http::oidc_sign_in,
        crate::http::refresh,
        crate::http::services_of,
        crate::http::get_token,
        crate::http::sfu_get,
        crate::pim::routes::sources,
        crate::pim::routes::connect,
        crate::pim::routes::disconnect,
        crate::pim::routes::calendars,
        crate::pim::routes::events,
        crate::pim::routes::create,
        crate::pim::routes::update,
        crate::pim::routes::delete,
        crate::pim::routes::reply,
        crate::pim::routes::free_busy,
        crate::pim::routes::contacts,
    ),
    modifiers(&Bearer),
)]
struct Document;

/// Declares the `bearer` scheme the session endpoints use.
struct Bearer;

impl utoipa::Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document as the code describes it.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut document = Document::openapi();
    // The crate's version, not the build's: the checked-in copy stays the same across builds.
    document.info.version = "1".into();
    document
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_checked_in_document_is_what_the_code_says() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
        let generated = match super::document().to_pretty_json() {
            Ok(json) => json + "\n",
            Err(error) => panic!("the document does not serialise: {error}"),
        };
        if std::env::var_os("SPARKS_BLESS").is_some() {
            std::fs::write(path, &generated).expect("openapi.json written");
        }
        let checked_in = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "crates/middleware/openapi.json is out of date: run \
             `SPARKS_BLESS=1 cargo test -p sparks-middleware openapi` and commit it"
        );
    }
}
