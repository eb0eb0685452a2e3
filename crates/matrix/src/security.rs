//! Encryption set-up: cross-signing (bootstrapped at sign-in), key backup with a recovery key,
//! and interactive SAS verification of our other devices and of other people.

use futures_util::{Stream, StreamExt};
use matrix_sdk::Client;
use matrix_sdk::encryption::recovery::RecoveryState;
use matrix_sdk::encryption::verification::{
    SasState, SasVerification, Verification as SdkVerification, VerificationRequest,
    VerificationRequestState,
};
use matrix_sdk::encryption::{BackupDownloadStrategy, EncryptionSettings, VerificationState};
use matrix_sdk::ruma::events::key::verification::request::ToDeviceKeyVerificationRequestEvent;
use matrix_sdk::ruma::events::room::message::{MessageType, OriginalSyncRoomMessageEvent};
use matrix_sdk::ruma::{OwnedUserId, UserId};
use sparks_domain::{Recovery, SasEmoji, Security, VerificationPeer, VerificationStep};
use tokio::sync::mpsc;

use crate::error::details;

/// Why an encryption action failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecurityError {
    /// The recovery key (or passphrase) does not open the account's secret storage.
    #[error("the recovery key is wrong")]
    WrongKey,
    /// `{0}` is not a user id, or the user has no cross-signing identity to verify.
    #[error("{0} cannot be verified: they have not set up encryption")]
    NoIdentity(String),
    #[error("{0}")]
    Failed(String),
}

impl SecurityError {
    fn failed(error: impl std::error::Error) -> Self {
        Self::Failed(details(&error))
    }
}

/// How every session sets up encryption: cross-signing is created at the first password sign-in
/// (the password answers the server's authentication step), a key backup exists from the start,
/// and keys missing on this device are fetched from the backup when a message cannot be read.
pub(crate) fn settings() -> EncryptionSettings {
    EncryptionSettings {
        auto_enable_cross_signing: true,
        backup_download_strategy: BackupDownloadStrategy::AfterDecryptionFailure,
        auto_enable_backups: true,
    }
}

impl crate::Session {
    /// This device's verification and the account's recovery, now and on every change.
    pub fn security(&self) -> impl Stream<Item = Security> + Send + use<> {
        let encryption = self.inner.client.encryption();
        let verification = encryption.verification_state();
        let recovery = encryption.recovery().state_stream();
        let mut current = Security {
            device_verified: device_verified(verification.get()),
            recovery: recovery_of(encryption.recovery().state()),
        };
        enum Change {
            Device(VerificationState),
            Recovery(RecoveryState),
        }
        let changes = futures_util::stream::select(
            verification.map(Change::Device),
            recovery.map(Change::Recovery),
        );
        futures_util::stream::once(async move { current }).chain(changes.map(move |change| {
            match change {
                Change::Device(state) => current.device_verified = device_verified(state),
                Change::Recovery(state) => current.recovery = recovery_of(state),
            }
            current
        }))
    }

    /// Creates secret storage and a recovery key for the account's backup. The key is shown to
    /// the person once; it is the only way to read old messages on a new device without another
    /// signed-in one.
    pub async fn enable_recovery(&self) -> Result<String, SecurityError> {
        let encryption = self.inner.client.encryption();
        // Right after sign-in the SDK may still be creating the account's first backup; enabling
        // recovery at the same moment would find that backup on the server and refuse.
        encryption.wait_for_e2ee_initialization_tasks().await;
        let recovery = encryption.recovery();
        let result = if recovery.state() == RecoveryState::Enabled {
            recovery.reset_key().await
        } else {
            recovery.enable().wait_for_backups_to_upload().await
        };
        result.map_err(SecurityError::failed)
    }

    /// Unlocks this device with the recovery key: it gets the cross-signing keys (so it is
    /// verified) and the backup key (so old messages decrypt).
    pub async fn recover(&self, key: &str) -> Result<(), SecurityError> {
        use matrix_sdk::encryption::recovery::RecoveryError;
        use matrix_sdk::encryption::secret_storage::SecretStorageError;
        let key = key.trim();
        match self.inner.client.encryption().recovery().recover(key).await {
            Ok(()) => Ok(()),
            Err(RecoveryError::SecretStorage(SecretStorageError::SecretStorageKey(_))) => {
                Err(SecurityError::WrongKey)
            }
            Err(error) => Err(SecurityError::failed(error)),
        }
    }

    /// Asks our other signed-in devices to verify this one.
    pub async fn verify_this_device(&self) -> Result<Verification, SecurityError> {
        let client = &self.inner.client;
        let own = client.user_id().map(ToOwned::to_owned).unwrap_or_else(|| {
            // Only reachable before sign-in, which a `Session` never is.
            OwnedUserId::try_from("@unknown:invalid").expect("valid user id")
        });
        self.request(&own).await
    }

    /// Asks `user_id` to verify each other (in our direct chat with them, created if needed).
    pub async fn verify_user(&self, user_id: &str) -> Result<Verification, SecurityError> {
        let user = UserId::parse(user_id).map_err(|_| SecurityError::NoIdentity(user_id.into()))?;
        self.request(&user).await
    }

    async fn request(&self, user: &UserId) -> Result<Verification, SecurityError> {
        let client = &self.inner.client;
        // A person whose keys we never fetched has no identity locally yet.
        let identity = match client.encryption().get_user_identity(user).await {
            Ok(Some(identity)) => identity,
            _ => client
                .encryption()
                .request_user_identity(user)
                .await
                .map_err(SecurityError::failed)?
                .ok_or_else(|| SecurityError::NoIdentity(user.to_string()))?,
        };
        let request = identity
            .request_verification()
            .await
            .map_err(SecurityError::failed)?;
        if let Some(room) = request.room_id() {
            self.subscribe(room.as_str()).await;
        }
        Ok(Verification::new(client, request))
    }

    /// Verification requests other devices or people send us, as they arrive.
    pub fn verification_requests(&self) -> impl Stream<Item = Verification> + Send + use<> {
        let client = self.inner.client.clone();
        let (sender, mut receiver) = mpsc::channel::<(OwnedUserId, String)>(8);
        let to_device = {
            let sender = sender.clone();
            client.add_event_handler(move |event: ToDeviceKeyVerificationRequestEvent| {
                let sender = sender.clone();
                async move {
                    let _ = sender
                        .send((event.sender, event.content.transaction_id.to_string()))
                        .await;
                }
            })
        };
        let in_room = client.add_event_handler(move |event: OriginalSyncRoomMessageEvent| {
            let sender = sender.clone();
            async move {
                if let MessageType::VerificationRequest(_) = &event.content.msgtype {
                    let _ = sender
                        .send((event.sender, event.event_id.to_string()))
                        .await;
                }
            }
        });
        // The handlers go away with the stream.
        let guards = (
            client.event_handler_drop_guard(to_device),
            client.event_handler_drop_guard(in_room),
        );
        let session = self.clone();
        futures_util::stream::poll_fn(move |cx| receiver.poll_recv(cx))
            .then(move |(user, flow)| {
                let session = session.clone();
                let _guards = &guards;
                async move {
                    let client = &session.inner.client;
                    let request = client
                        .encryption()
                        .get_verification_request(&user, &flow)
                        .await?;
                    // Our own requests echo back from the room; they are not incoming.
                    if request.we_started() {
                        return None;
                    }
                    if let Some(room) = request.room_id() {
                        session.subscribe(room.as_str()).await;
                    }
                    Some(Verification::new(client, request))
                }
            })
            .filter_map(std::future::ready)
    }
}

fn device_verified(state: VerificationState) -> Option<bool> {
    match state {
        VerificationState::Unknown => None,
        VerificationState::Verified => Some(true),
        VerificationState::Unverified => Some(false),
    }
}

fn recovery_of(state: RecoveryState) -> Recovery {
    match state {
        RecoveryState::Unknown => Recovery::Unknown,
        RecoveryState::Disabled => Recovery::Disabled,
        RecoveryState::Enabled => Recovery::Enabled,
        RecoveryState::Incomplete => Recovery::Incomplete,
    }
}

/// One interactive verification, incoming or outgoing: a cheap, cloneable handle.
#[derive(Clone)]
pub struct Verification {
    client: Client,
    request: VerificationRequest,
}

impl std::fmt::Debug for Verification {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verification")
            .field("flow_id", &self.id())
            .field("peer", &self.peer())
            .finish()
    }
}

impl Verification {
    fn new(client: &Client, request: VerificationRequest) -> Self {
        Self {
            client: client.clone(),
            request,
        }
    }

    /// Identifies this verification among others.
    pub fn id(&self) -> &str {
        self.request.flow_id()
    }

    pub fn peer(&self) -> VerificationPeer {
        VerificationPeer {
            user_id: self.request.other_user_id().to_string(),
            own_device: self.request.is_self_verification(),
            incoming: !self.request.we_started(),
        }
    }

    /// Says yes to an incoming request.
    pub async fn accept(&self) -> Result<(), SecurityError> {
        self.request.accept().await.map_err(SecurityError::failed)
    }

    /// The emoji match on both screens.
    pub async fn confirm(&self) -> Result<(), SecurityError> {
        match self.sas().await {
            Some(sas) => sas.confirm().await.map_err(SecurityError::failed),
            None => Err(SecurityError::Failed("nothing to confirm yet".into())),
        }
    }

    /// The emoji differ: someone may be in the middle. Ends the verification.
    pub async fn mismatch(&self) -> Result<(), SecurityError> {
        match self.sas().await {
            Some(sas) => sas.mismatch().await.map_err(SecurityError::failed),
            None => self.cancel().await,
        }
    }

    /// Stops the verification (declines an incoming request).
    pub async fn cancel(&self) -> Result<(), SecurityError> {
        if let Some(sas) = self.sas().await {
            return sas.cancel().await.map_err(SecurityError::failed);
        }
        self.request.cancel().await.map_err(SecurityError::failed)
    }

    async fn sas(&self) -> Option<SasVerification> {
        let other = self.request.other_user_id();
        match self
            .client
            .encryption()
            .get_verification(other, self.request.flow_id())
            .await
        {
            Some(SdkVerification::SasV1(sas)) => Some(sas),
            _ => None,
        }
    }

    /// The steps as they happen, starting with the current one; ends after the final step.
    ///
    /// The side that asked starts the emoji comparison once the other side is ready; the other
    /// side accepts it. That is what Element does, so either can be on the other end.
    pub fn steps(&self) -> impl Stream<Item = VerificationStep> + Send + use<> {
        let request = self.request.clone();
        let client = self.client.clone();
        let in_room = request.room_id().is_some();
        async_stream::stream! {
            let mut changes = request.changes();
            let mut state = request.state();
            let sas = loop {
                match state {
                    VerificationRequestState::Created { .. } => yield VerificationStep::Waiting,
                    VerificationRequestState::Requested { .. } => yield VerificationStep::Asked,
                    VerificationRequestState::Ready { .. } => {
                        yield VerificationStep::Waiting;
                        if request.we_started()
                            && let Err(error) = request.start_sas().await
                        {
                            tracing::warn!(error = %details(&error), "could not start SAS");
                        }
                    }
                    VerificationRequestState::Transitioned { verification } => {
                        match verification {
                            SdkVerification::SasV1(sas) => break sas,
                            _ => {
                                // A QR code flow started elsewhere: Sparks compares emoji only.
                                let _ = request.cancel().await;
                            }
                        }
                    }
                    VerificationRequestState::Done => {
                        yield VerificationStep::Done;
                        return;
                    }
                    VerificationRequestState::Cancelled(info) => {
                        yield cancelled(info.cancelled_by_us(), info.reason());
                        return;
                    }
                }
                match changes.next().await {
                    Some(next) => state = next,
                    None => return,
                }
            };
            if !sas.we_started() && let Err(error) = sas.accept().await {
                tracing::warn!(error = %details(&error), "could not accept SAS");
            }
            let mut changes = sas.changes();
            let mut state = sas.state();
            loop {
                if in_room {
                    wake_encryption_sync(&client).await;
                }
                match state {
                    SasState::Created { .. } | SasState::Started { .. } | SasState::Accepted { .. } => {
                        yield VerificationStep::Waiting;
                    }
                    SasState::KeysExchanged { emojis, .. } => match emojis {
                        Some(short) => yield VerificationStep::Compare(
                            short
                                .indices
                                .iter()
                                .zip(short.emojis.iter())
                                .map(|(index, emoji)| SasEmoji {
                                    index: *index,
                                    symbol: emoji.symbol.to_owned(),
                                    description: emoji.description.to_owned(),
                                })
                                .collect(),
                        ),
                        None => {
                            // Decimals only: not offered by Sparks, and every client offers emoji.
                            let _ = sas.cancel().await;
                        }
                    },
                    SasState::Confirmed => yield VerificationStep::Confirmed,
                    SasState::Done { .. } => {
                        yield VerificationStep::Done;
                        return;
                    }
                    SasState::Cancelled(info) => {
                        yield cancelled(info.cancelled_by_us(), info.reason());
                        return;
                    }
                }
                match changes.next().await {
                    Some(next) => state = next,
                    None => return,
                }
            }
        }
    }
}

/// Makes the encryption sync send what the crypto machine has queued, now.
///
/// In a room, the crypto machine answers some verification events by itself (its key after the
/// other side's accept, "done" after both confirmed) but only queues the answer. matrix-sdk-ui's
/// room-list sync, which brings room events, never sends that queue; the encryption sync does,
/// at the start of each of its rounds, which otherwise wait up to 30 seconds for to-device
/// traffic. An empty to-device message to our own device ends that wait.
async fn wake_encryption_sync(client: &Client) {
    use matrix_sdk::ruma::TransactionId;
    use matrix_sdk::ruma::api::client::to_device::send_event_to_device::v3::Request;
    use matrix_sdk::ruma::events::ToDeviceEventType;
    use matrix_sdk::ruma::serde::Raw;
    use matrix_sdk::ruma::to_device::DeviceIdOrAllDevices;
    let (Some(user), Some(device)) = (client.user_id(), client.device_id()) else {
        return;
    };
    let Ok(empty) = Raw::from_json_string("{}".to_owned()) else {
        return;
    };
    let messages = [(
        user.to_owned(),
        [(DeviceIdOrAllDevices::DeviceId(device.to_owned()), empty)].into(),
    )]
    .into();
    let request = Request::new_raw(
        ToDeviceEventType::from("org.sparks.wake"),
        TransactionId::new(),
        messages,
    );
    if let Err(error) = client.send(request).await {
        tracing::debug!(error = %details(&error), "could not wake the encryption sync");
    }
}

fn cancelled(by_us: bool, reason: &str) -> VerificationStep {
    VerificationStep::Cancelled {
        by_us,
        reason: reason.to_owned(),
    }
}
