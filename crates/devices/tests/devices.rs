//! The devices through the real platform layers. This machine has no sound card and no
//! camera, but ALSA's `null` device is a real PCM (it records silence and swallows what it is
//! given, as fast as it is asked) that cpal opens and drives like any other.

use std::time::{Duration, Instant};

use sparks_devices::{Camera, DeviceError, DeviceKind, Microphone, Speaker, list};
use sparks_media::{AudioSink, AudioSource, SAMPLES_PER_FRAME, Tone};

fn null(kind: DeviceKind) -> Option<String> {
    let devices = list(kind).expect("the sound system answers");
    let null = devices.into_iter().find(|d| d.id.ends_with(":null"));
    if null.is_none() {
        eprintln!("no ALSA null device here; skipped");
    }
    null.map(|d| d.id)
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_microphone_records_through_cpal() {
    let Some(id) = null(DeviceKind::Microphone) else {
        return;
    };
    let mut microphone = Microphone::open(Some(&id)).expect("the null device opens");
    wait_for("100 ms recorded", || microphone.recorded() >= 4800);
    assert_eq!(microphone.problem(), None);
    let first = microphone.next_frame();
    let second = microphone.next_frame();
    assert_eq!(first.samples.len(), SAMPLES_PER_FRAME);
    assert_eq!(second.timestamp, first.timestamp + SAMPLES_PER_FRAME as u64);
    // `null` records silence.
    assert!(first.samples.iter().all(|s| *s == 0.0));
}

#[test]
fn a_speaker_takes_what_it_is_given() {
    let Some(id) = null(DeviceKind::Speaker) else {
        return;
    };
    let mut speaker = Speaker::open(Some(&id)).expect("the null device opens");
    let mut tone = Tone::new(440.0, 0.5);
    for _ in 0..20 {
        speaker.play(&tone.next_frame());
    }
    wait_for("the device to take samples", || speaker.played() >= 4800);
    assert_eq!(speaker.problem(), None);
}

#[test]
fn devices_that_are_not_there_are_errors() {
    assert!(matches!(
        Microphone::open(Some("alsa:no-such-device")).err(),
        Some(DeviceError::NotFound(_) | DeviceError::Unusable(_))
    ));
    assert!(matches!(
        Speaker::open(Some("not an id")).err(),
        Some(DeviceError::NotFound(_))
    ));
    // No camera on this machine (or one we may not open): a typed error, never a panic.
    if list(DeviceKind::Camera).map_or(true, |cameras| cameras.is_empty()) {
        assert!(Camera::open(None, 1280, 720).is_err());
    }
    assert!(Camera::open(Some("/dev/no-such-camera"), 640, 360).is_err());
}
