// matrix-sdk-ui's timeline futures nest deeply; proving them `Send` needs a deeper query limit.
#![recursion_limit = "256"]

//! Encryption set-up against Synapse: cross-signing at sign-in, recovery key set up on one
//! device and used on a new one, and SAS emoji verification between two devices of one account
//! and between two people.

use std::pin::pin;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use sparks_domain::{NewRoom, NewRoomKind, Recovery, Security, VerificationStep};
use sparks_matrix::{SecurityError, Session, Verification};
use sparks_tests::{Error, Homeserver, sign_in, two_people};

const WAIT: Duration = Duration::from_secs(60);

/// Reads `stream` until `done` holds for an item, which it returns.
async fn until<T: std::fmt::Debug>(
    stream: &mut (impl Stream<Item = T> + Unpin),
    what: &str,
    done: impl Fn(&T) -> bool,
) -> Result<T, Error> {
    let mut last = None;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        match tokio::time::timeout_at(deadline, stream.next()).await {
            Err(_) => return Err(format!("timed out waiting for {what}; last: {last:?}").into()),
            Ok(None) => {
                return Err(format!("stream ended waiting for {what}; last: {last:?}").into());
            }
            Ok(Some(item)) if done(&item) => return Ok(item),
            Ok(Some(item)) => last = Some(item),
        }
    }
}

async fn security_until(
    session: &Session,
    what: &str,
    done: impl Fn(&Security) -> bool,
) -> Result<Security, Error> {
    let mut states = pin!(session.security());
    until(&mut states, what, done).await
}

/// One side of a verification, as a person at the screen would do it: accept if asked, wait
/// for the emoji, say they match, wait for the end. Returns the emoji shown and the last step.
async fn drive(
    verification: Verification,
) -> Result<(Vec<sparks_domain::SasEmoji>, VerificationStep), Error> {
    let mut steps = pin!(verification.steps());
    if verification.peer().incoming {
        until(&mut steps, "the request", |s| *s == VerificationStep::Asked).await?;
        verification.accept().await?;
    }
    let shown = until(&mut steps, "emoji", |s| {
        matches!(s, VerificationStep::Compare(_)) || s.is_final()
    })
    .await?;
    let VerificationStep::Compare(emoji) = shown else {
        return Err(format!("ended before the emoji: {shown:?}").into());
    };
    verification.confirm().await?;
    let last = until(&mut steps, "the end", VerificationStep::is_final).await?;
    Ok((emoji, last))
}

/// Both sides at once: the same seven emoji on each screen, and both done.
async fn verify_both(asking: Verification, asked: Verification) -> Result<(), Error> {
    let (ours, theirs) = tokio::join!(drive(asking), drive(asked));
    let ((ours, our_end), (theirs, their_end)) = (ours?, theirs?);
    assert_eq!(ours.len(), 7);
    assert_eq!(ours, theirs, "both screens show the same seven emoji");
    assert_eq!(our_end, VerificationStep::Done);
    assert_eq!(their_end, VerificationStep::Done);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn recovery_key_unlocks_a_new_device() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (me, password) = server.new_user("recovery").await?;
    let first_home = tempfile::tempdir()?;
    let first = sign_in(&server.login_request(&me, &password), first_home.path()).await?;
    first.start().await;
    // Cross-signing was set up at sign-in, so the first device is verified; no recovery yet.
    let state = security_until(&first, "the first device to be verified", |s| {
        s.device_verified == Some(true) && s.recovery != Recovery::Unknown
    })
    .await?;
    assert_eq!(state.recovery, Recovery::Disabled);
    let key = first.enable_recovery().await?;
    assert!(
        key.split_whitespace().count() >= 8,
        "a readable key in groups: {key}"
    );
    security_until(&first, "recovery enabled", |s| {
        s.recovery == Recovery::Enabled
    })
    .await?;

    // A new sign-in starts unverified, with recovery waiting for the key.
    let second_home = tempfile::tempdir()?;
    let second = sign_in(&server.login_request(&me, &password), second_home.path()).await?;
    second.start().await;
    security_until(&second, "the new device to know it is unverified", |s| {
        s.device_verified == Some(false) && s.recovery == Recovery::Incomplete
    })
    .await?;
    let wrong = "EsTj 3yST y93F SLpB jJsz eAXc 2XzA ygD3 w69H fGaN TKBj jXEd";
    assert_eq!(second.recover(wrong).await, Err(SecurityError::WrongKey));
    second.recover(&format!("  {key}\n")).await?;
    security_until(&second, "the new device verified by the key", |s| {
        s.device_verified == Some(true) && s.recovery == Recovery::Enabled
    })
    .await?;

    // A new key replaces the old one, which then no longer works.
    let replaced = first.enable_recovery().await?;
    assert_ne!(replaced, key);
    let third_home = tempfile::tempdir()?;
    let third = sign_in(&server.login_request(&me, &password), third_home.path()).await?;
    third.start().await;
    security_until(&third, "recovery incomplete", |s| {
        s.recovery == Recovery::Incomplete
    })
    .await?;
    assert_eq!(third.recover(&key).await, Err(SecurityError::WrongKey));
    third.recover(&replaced).await?;
    security_until(&third, "verified with the new key", |s| {
        s.device_verified == Some(true)
    })
    .await?;
    for session in [first, second, third] {
        session.logout().await;
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn a_new_device_is_verified_with_emoji_from_the_old_one() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (me, password) = server.new_user("sas").await?;
    let old_home = tempfile::tempdir()?;
    let old = sign_in(&server.login_request(&me, &password), old_home.path()).await?;
    old.start().await;
    security_until(&old, "the first device verified", |s| {
        s.device_verified == Some(true)
    })
    .await?;
    let mut incoming = pin!(old.verification_requests());

    let new_home = tempfile::tempdir()?;
    let new = sign_in(&server.login_request(&me, &password), new_home.path()).await?;
    new.start().await;
    security_until(&new, "the new device unverified", |s| {
        s.device_verified == Some(false)
    })
    .await?;
    let asking = new.verify_this_device().await?;
    assert!(asking.peer().own_device && !asking.peer().incoming);
    let asked = until(&mut incoming, "the request on the old device", |_| true).await?;
    assert_eq!(asked.id(), asking.id());
    assert!(asked.peer().own_device && asked.peer().incoming);
    verify_both(asking, asked).await?;
    security_until(&new, "the new device verified", |s| {
        s.device_verified == Some(true)
    })
    .await?;
    old.logout().await;
    new.logout().await;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
async fn two_people_verify_each_other_and_a_mismatch_cancels() -> Result<(), Error> {
    let server = Homeserver::from_env();
    let (alice, bob, _homes) = two_people(&server, "verify").await?;
    for session in [&alice, &bob] {
        security_until(session, "cross-signing", |s| {
            s.device_verified == Some(true)
        })
        .await?;
    }
    let mut bob_incoming = pin!(bob.verification_requests());

    // Requests between people go into their direct chat.
    let dm = alice
        .create_room(&NewRoom {
            kind: NewRoomKind::Direct,
            name: String::new(),
            topic: String::new(),
            invite: vec![bob.user_id()],
            encrypted: true,
        })
        .await?;
    bob.join(&dm).await?;

    // First attempt: Bob sees different emoji (someone in the middle) and says so.
    let asking = alice.verify_user(&bob.user_id()).await?;
    assert_eq!(asking.peer().user_id, bob.user_id());
    assert!(!asking.peer().own_device);
    let asked = until(&mut bob_incoming, "Alice's request", |_| true).await?;
    assert_eq!(asked.peer().user_id, alice.user_id());
    let bob_side = async {
        let mut steps = pin!(asked.steps());
        until(&mut steps, "asked", |s| *s == VerificationStep::Asked).await?;
        asked.accept().await?;
        until(&mut steps, "emoji", |s| {
            matches!(s, VerificationStep::Compare(_))
        })
        .await?;
        asked.mismatch().await?;
        until(
            &mut steps,
            "the end on Bob's side",
            VerificationStep::is_final,
        )
        .await
    };
    let alice_side = async {
        let mut steps = pin!(asking.steps());
        until(
            &mut steps,
            "the end on Alice's side",
            VerificationStep::is_final,
        )
        .await
    };
    let (bob_end, alice_end) = tokio::join!(bob_side, alice_side);
    let (bob_end, alice_end) = (bob_end?, alice_end?);
    assert!(
        matches!(bob_end, VerificationStep::Cancelled { by_us: true, .. }),
        "{bob_end:?}"
    );
    assert!(
        matches!(alice_end, VerificationStep::Cancelled { by_us: false, .. }),
        "{alice_end:?}"
    );

    // Second attempt succeeds.
    let asking = alice.verify_user(&bob.user_id()).await?;
    let asked = until(&mut bob_incoming, "Alice's second request", |v| {
        v.id() == asking.id()
    })
    .await?;
    verify_both(asking, asked).await?;

    assert!(matches!(
        alice.verify_user("not a user id").await,
        Err(SecurityError::NoIdentity(_))
    ));
    alice.logout().await;
    bob.logout().await;
    Ok(())
}
