//! Cameras through nokhwa (V4L2, AVFoundation, Media Foundation): the newest picture, as
//! RGBA, whenever the meeting asks for one.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use nokhwa::pixel_format::RgbAFormat;
use nokhwa::utils::{
    ApiBackend, CameraFormat, CameraIndex, FrameFormat, RequestedFormat, RequestedFormatType,
    Resolution,
};
use sparks_media::{VideoFrame, VideoSource};

use crate::{DeviceError, DeviceInfo, DeviceKind};

const OPEN_TIMEOUT: Duration = Duration::from_secs(5);
/// Capture errors in a row after which the camera counts as gone.
const FAILURES: u32 = 30;

pub(crate) fn list() -> Result<Vec<DeviceInfo>, DeviceError> {
    let cameras =
        nokhwa::query(ApiBackend::Auto).map_err(|e| DeviceError::Unusable(e.to_string()))?;
    Ok(cameras
        .into_iter()
        .map(|camera| DeviceInfo {
            id: camera.index().as_string(),
            name: camera.human_name(),
            kind: DeviceKind::Camera,
        })
        .collect())
}

#[derive(Default)]
struct Shared {
    latest: Mutex<Option<Vec<u8>>>,
    problem: Mutex<Option<String>>,
    stop: AtomicBool,
    captured: AtomicU64,
}

/// A camera, capturing on its own thread as fast as it delivers.
pub struct Camera {
    shared: Arc<Shared>,
    size: (u32, u32),
}

impl Camera {
    /// The camera with `id` (from [`crate::list`]) or the first one, as close to
    /// `width` × `height` at 30 frames a second as it can do.
    pub fn open(id: Option<&str>, width: u32, height: u32) -> Result<Camera, DeviceError> {
        let index = match id {
            Some(id) => id
                .parse::<u32>()
                .map_or_else(|_| CameraIndex::String(id.to_owned()), CameraIndex::Index),
            None => list()?
                .first()
                .map(|camera| {
                    camera.id.parse::<u32>().map_or_else(
                        |_| CameraIndex::String(camera.id.clone()),
                        CameraIndex::Index,
                    )
                })
                .ok_or(DeviceError::NoDevice(DeviceKind::Camera))?,
        };
        let wanted = RequestedFormat::new::<RgbAFormat>(RequestedFormatType::Closest(
            CameraFormat::new(Resolution::new(width, height), FrameFormat::MJPEG, 30),
        ));
        let shared = Arc::new(Shared::default());
        let (opened, wait) = mpsc::channel();
        let worker = shared.clone();
        std::thread::Builder::new()
            .name("camera".into())
            .spawn(move || {
                let camera = nokhwa::Camera::new(index, wanted).and_then(|mut camera| {
                    camera.open_stream()?;
                    Ok(camera)
                });
                match camera {
                    Ok(camera) => {
                        let resolution = camera.resolution();
                        let _ = opened.send(Ok((resolution.width(), resolution.height())));
                        capture(camera, &worker);
                    }
                    Err(error) => {
                        let _ = opened.send(Err(DeviceError::Unusable(error.to_string())));
                    }
                }
            })
            .map_err(|e| DeviceError::Unusable(e.to_string()))?;
        let size = wait
            .recv_timeout(OPEN_TIMEOUT)
            .map_err(|_| DeviceError::Unusable("the camera did not open in time".into()))??;
        Ok(Camera { shared, size })
    }

    /// Why the camera stopped, if it did.
    pub fn problem(&self) -> Option<String> {
        self.shared
            .problem
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Pictures captured since it opened.
    pub fn captured(&self) -> u64 {
        self.shared.captured.load(Ordering::Relaxed)
    }
}

fn capture(mut camera: nokhwa::Camera, shared: &Shared) {
    let mut failures = 0;
    while !shared.stop.load(Ordering::Relaxed) {
        match camera
            .frame()
            .and_then(|buffer| buffer.decode_image::<RgbAFormat>())
        {
            Ok(picture) => {
                failures = 0;
                *shared.latest.lock().unwrap_or_else(|e| e.into_inner()) = Some(picture.into_raw());
                shared.captured.fetch_add(1, Ordering::Relaxed);
            }
            Err(error) => {
                failures += 1;
                if failures >= FAILURES {
                    tracing::warn!(%error, "the camera stopped delivering");
                    *shared.problem.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some(error.to_string());
                    break;
                }
                std::thread::sleep(Duration::from_millis(30));
            }
        }
    }
    let _ = camera.stop_stream();
}

impl VideoSource for Camera {
    fn size(&self) -> (u32, u32) {
        self.size
    }

    /// The newest picture; black until the first arrives.
    fn next_frame(&mut self, timestamp_us: u64, _wallclock_ms: u64) -> VideoFrame {
        let (width, height) = self.size;
        let expected = width as usize * height as usize * 4;
        let rgba = self
            .shared
            .latest
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
            .filter(|picture| picture.len() == expected)
            .unwrap_or_else(|| {
                let mut black = vec![0; expected];
                black.iter_mut().skip(3).step_by(4).for_each(|a| *a = 255);
                black
            });
        VideoFrame {
            width,
            height,
            rgba,
            timestamp_us,
        }
    }
}

impl Drop for Camera {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }
}
