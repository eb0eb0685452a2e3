use std::fmt;

/// Why signing in failed, in terms the app can explain to a person.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoginError {
    #[error("no username given")]
    UsernameEmpty,
    #[error("no password given")]
    PasswordEmpty,
    #[error("`{0}` is not a valid Matrix user id")]
    InvalidUserId(String),
    #[error("`{0}` is not a valid server address")]
    InvalidUrl(String),
    #[error("no homeserver given and the username is not a full user id")]
    HomeserverMissing,
    #[error("{server} cannot be reached: {details}")]
    Unreachable { server: String, details: String },
    #[error("{server} publishes no homeserver in its .well-known")]
    Discovery { server: String },
    #[error("{server} is not a Matrix homeserver")]
    NotMatrix { server: String },
    #[error("the username or password is wrong")]
    WrongPassword,
    #[error("the account is deactivated")]
    Deactivated,
    #[error("too many attempts")]
    RateLimited,
    #[error("the local store cannot be opened: {0}")]
    Store(String),
    #[error("the session cannot be stored: {0}")]
    Secrets(String),
    #[error("{0}")]
    Other(String),
}

/// Why a saved session could not be brought back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RestoreError {
    #[error("the secret store cannot be read: {0}")]
    Secrets(String),
    #[error("the saved session is unreadable: {0}")]
    Corrupt(String),
    #[error("the local store cannot be opened: {0}")]
    Store(String),
}

/// Shortens an error chain to one line for logs and "details" in messages.
pub(crate) fn details(error: &dyn std::error::Error) -> String {
    struct Chain<'a>(&'a dyn std::error::Error);
    impl fmt::Display for Chain<'_> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}", self.0)?;
            let mut source = self.0.source();
            while let Some(error) = source {
                write!(f, ": {error}")?;
                source = error.source();
            }
            Ok(())
        }
    }
    Chain(error).to_string()
}
