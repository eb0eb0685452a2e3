//! The state of a session's encryption, and interactive verification as the app shows it.

/// How far this session's encryption is set up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Security {
    /// Whether this device is verified by the account's cross-signing identity; `None` until
    /// known.
    pub device_verified: Option<bool>,
    pub recovery: Recovery,
}

/// Key backup and the recovery key that unlocks it on a new device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Recovery {
    /// Not known yet (first sync still running).
    #[default]
    Unknown,
    /// No recovery key exists: messages cannot be read again on a new device.
    Disabled,
    /// Backup and recovery work; this device holds every secret.
    Enabled,
    /// A recovery key exists, but this device has not been unlocked with it yet.
    Incomplete,
}

/// One step of an interactive (SAS) verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerificationStep {
    /// The other side asked; nobody has answered yet.
    Asked,
    /// Waiting for the other side to answer or to start comparing.
    Waiting,
    /// Compare these seven emoji with the other screen.
    Compare(Vec<SasEmoji>),
    /// We said they match; waiting for the other side to say so too.
    Confirmed,
    /// Both sides confirmed: the other device or person is verified.
    Done,
    /// The verification ended without success.
    Cancelled { by_us: bool, reason: String },
}

impl VerificationStep {
    /// Whether nothing more will happen.
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Done | Self::Cancelled { .. })
    }
}

/// One emoji of a short authentication string: its index in the specification's table (which
/// the app translates) and the symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SasEmoji {
    pub index: u8,
    pub symbol: String,
    /// The English description from the specification's table.
    pub description: String,
}

/// Who a verification is with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationPeer {
    pub user_id: String,
    /// Another device of our own account.
    pub own_device: bool,
    /// They asked us.
    pub incoming: bool,
}
