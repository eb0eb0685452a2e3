//! The Sparks middleware: found through the homeserver after sign-in, signed in to with a
//! Matrix OpenID token; what it says the organisation has decides what the rail offers.

use iced::Task;
use sparks_matrix::{OpenIdError, Session};
use sparks_middleware_client::{ClientError, Middleware, OpenIdToken, Services};

use super::{Message, Screen, Sparks};
use crate::errors;
use crate::screen::service::Offer;

/// Why the middleware could not be asked.
#[derive(Debug, Clone)]
pub enum ServicesError {
    OpenId(OpenIdError),
    Middleware(ClientError),
}

/// The middleware and what it says, or `None` when the homeserver announces none.
pub type Connected = Option<(Middleware, Services)>;

/// Finds the homeserver's middleware and signs in to it.
async fn connect(session: Session) -> Result<Connected, ServicesError> {
    let homeserver = url::Url::parse(&session.homeserver())
        .map_err(|e| ServicesError::Middleware(ClientError::Protocol(e.to_string())))?;
    let Some(base) = sparks_middleware_client::discover(&homeserver, &session.server_name())
        .await
        .map_err(ServicesError::Middleware)?
    else {
        return Ok(None);
    };
    let middleware = Middleware::connect(base, &session.server_name())
        .await
        .map_err(ServicesError::Middleware)?;
    let token = session
        .openid_token()
        .await
        .map_err(ServicesError::OpenId)?;
    let services = middleware
        .sign_in(openid(token))
        .await
        .map_err(ServicesError::Middleware)?;
    Ok(Some((middleware, services)))
}

/// A Matrix OpenID token as the middleware takes it.
pub(super) fn openid(token: sparks_matrix::OpenIdToken) -> OpenIdToken {
    OpenIdToken {
        access_token: token.access_token,
        token_type: "Bearer".into(),
        matrix_server_name: token.matrix_server_name,
        expires_in: token.expires_in_secs,
    }
}

impl Sparks {
    /// Asks the middleware (again) what the organisation has.
    pub(super) fn connect_services(session: &Session) -> Task<Message> {
        let session = session.clone();
        Task::perform(connect(session), Message::Services)
    }

    pub(super) fn services_known(
        &mut self,
        result: Result<Connected, ServicesError>,
    ) -> Task<Message> {
        let Screen::Home {
            home, middleware, ..
        } = &mut self.screen
        else {
            return Task::none();
        };
        let offer = match result {
            Ok(Some((connected, services))) => {
                tracing::info!(middleware = %connected.base_url(), ?services, "Sparks middleware signed in");
                *middleware = Some(connected);
                Offer::Known(services)
            }
            Ok(None) => {
                tracing::info!("the homeserver announces no Sparks middleware");
                *middleware = None;
                Offer::NoMiddleware
            }
            Err(error) => {
                tracing::warn!(?error, "the Sparks middleware cannot be asked");
                *middleware = None;
                Offer::Failed(errors::services(&self.i18n, &error))
            }
        };
        let calendar = offer.has(crate::screen::service::Service::Calendar);
        home.set_offer(offer);
        if calendar {
            // Today's events for the main screen (and the calendar, when it opens).
            let action = home.calendar_mut().load();
            return self.calendar_action(action);
        }
        Task::none()
    }
}
