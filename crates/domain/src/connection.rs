/// How the client's link to its server is doing, as the app shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Connection {
    /// Starting up: showing what the local store has while the first sync runs.
    #[default]
    Connecting,
    /// Syncing normally.
    Online,
    /// The server cannot be reached; retrying. Local data is still shown.
    Offline,
    /// Sync stopped with an error it cannot recover from by itself.
    Failed,
}
