//! VP8 through libvpx (Debian's libvpx-dev, bound by `env-libvpx-sys`): the meetings' video
//! codec, real-time, error resilient, in constant bitrate. This module is the only unsafe code
//! in Sparks: the FFI calls, each with the invariant it relies on next to it.

#![allow(unsafe_code)]

use std::ffi::c_int;
use std::mem::MaybeUninit;
use std::ptr;

use vpx_sys as vpx;

use crate::video::{I420, VideoFrame};

/// The RTP clock of video.
const CLOCK: i32 = 90_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the VP8 codec failed: {0}")]
pub struct Vp8Error(String);

fn check(result: vpx::vpx_codec_err_t, what: &str) -> Result<(), Vp8Error> {
    if result == vpx::vpx_codec_err_t::VPX_CODEC_OK {
        Ok(())
    } else {
        Err(Vp8Error(format!("{what}: {result:?}")))
    }
}

/// One encoded picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Vp8Frame {
    pub data: Vec<u8>,
    pub keyframe: bool,
}

pub struct Vp8Encoder {
    context: Box<vpx::vpx_codec_ctx_t>,
    width: u32,
    height: u32,
}

// The context is only touched through `&mut self`.
unsafe impl Send for Vp8Encoder {}

impl Vp8Encoder {
    /// An encoder for `width` × `height` (even sizes) at `kbps`.
    pub fn new(width: u32, height: u32, kbps: u32) -> Result<Vp8Encoder, Vp8Error> {
        if width == 0 || height == 0 || !width.is_multiple_of(2) || !height.is_multiple_of(2) {
            return Err(Vp8Error(format!("{width}×{height} is not an even size")));
        }
        // SAFETY: the interface is a static of libvpx; the configuration is written by
        // libvpx before it is read.
        let mut config = unsafe {
            let mut config = MaybeUninit::<vpx::vpx_codec_enc_cfg_t>::zeroed();
            check(
                vpx::vpx_codec_enc_config_default(vpx::vpx_codec_vp8_cx(), config.as_mut_ptr(), 0),
                "default configuration",
            )?;
            config.assume_init()
        };
        config.g_w = width;
        config.g_h = height;
        config.g_timebase = vpx::vpx_rational { num: 1, den: CLOCK };
        // Threads as libwebrtc picks them: libvpx's threads wait on each other by spinning,
        // which only pays where cores are to spare.
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let pixels = width * height;
        config.g_threads = if pixels >= 1280 * 720 && cores > 4 {
            3
        } else if pixels > 640 * 480 && cores > 2 {
            2
        } else {
            1
        };
        config.g_lag_in_frames = 0;
        config.g_error_resilient = vpx::VPX_ERROR_RESILIENT_DEFAULT;
        config.rc_end_usage = vpx::vpx_rc_mode::VPX_CBR;
        config.rc_target_bitrate = kbps;
        config.kf_max_dist = 300;
        // libwebrtc's real-time settings: a small buffer (low delay), quick to undershoot,
        // slow to overshoot, frames dropped rather than delayed when the bitrate is tight.
        config.rc_undershoot_pct = 100;
        config.rc_overshoot_pct = 15;
        config.rc_buf_initial_sz = 500;
        config.rc_buf_optimal_sz = 600;
        config.rc_buf_sz = 1000;
        config.rc_dropframe_thresh = 30;
        config.rc_min_quantizer = 2;
        config.rc_max_quantizer = 56;
        // SAFETY: a zeroed context is what vpx_codec_enc_init_ver expects to fill in; it is
        // boxed so its address stays put for libvpx.
        let mut context: Box<vpx::vpx_codec_ctx_t> =
            Box::new(unsafe { MaybeUninit::zeroed().assume_init() });
        check(
            unsafe {
                vpx::vpx_codec_enc_init_ver(
                    &mut *context,
                    vpx::vpx_codec_vp8_cx(),
                    &config,
                    0,
                    vpx::VPX_ENCODER_ABI_VERSION as i32,
                )
            },
            "encoder",
        )?;
        // Speed as libwebrtc sets it on desktops (-6: real time with room to spare), static
        // blocks skipped, no denoising (the source is clean or a camera's own).
        for (control, value) in [
            (vpx::vp8e_enc_control_id::VP8E_SET_CPUUSED, -6),
            (vpx::vp8e_enc_control_id::VP8E_SET_STATIC_THRESHOLD, 1),
            (vpx::vp8e_enc_control_id::VP8E_SET_NOISE_SENSITIVITY, 0),
        ] {
            // SAFETY: the context is initialised; these controls take one int.
            let result =
                unsafe { vpx::vpx_codec_control_(&mut *context, control as i32, value as c_int) };
            if let Err(error) = check(result, "encoder setting") {
                // SAFETY: the context was initialised above and is not used again.
                unsafe { vpx::vpx_codec_destroy(&mut *context) };
                return Err(error);
            }
        }
        Ok(Vp8Encoder {
            context,
            width,
            height,
        })
    }

    /// Encodes `frame` (of the encoder's size) taken at `timestamp` (90 kHz); `keyframe`
    /// forces a picture that decodes on its own (after a loss, for a new subscriber).
    pub fn encode(
        &mut self,
        frame: &VideoFrame,
        timestamp: u32,
        keyframe: bool,
    ) -> Result<Vec<Vp8Frame>, Vp8Error> {
        if frame.rgba.len() < (frame.width * frame.height * 4) as usize {
            return Err(Vp8Error("a picture shorter than its size".into()));
        }
        self.encode_i420(&I420::from_rgba(frame), timestamp, keyframe)
    }

    /// [`Vp8Encoder::encode`] for a picture already in I420 (simulcast layers are scaled
    /// there, at a third of RGBA's bytes).
    pub fn encode_i420(
        &mut self,
        picture: &I420,
        timestamp: u32,
        keyframe: bool,
    ) -> Result<Vec<Vp8Frame>, Vp8Error> {
        let (w, h) = (self.width as usize, self.height as usize);
        if (picture.width, picture.height) != (self.width, self.height)
            || picture.y.len() < w * h
            || picture.u.len() < w / 2 * (h / 2)
            || picture.v.len() < w / 2 * (h / 2)
        {
            return Err(Vp8Error(format!(
                "a {}×{} picture for a {}×{} encoder",
                picture.width, picture.height, self.width, self.height
            )));
        }
        // The picture is handed to libvpx where it is, not copied: an image that describes
        // its three planes. SAFETY: with a buffer given, vpx_img_wrap only fills in the
        // description; the planes set after it are at least stride × rows bytes (checked
        // above) and libvpx only reads them, during the encode call below.
        let mut image = MaybeUninit::<vpx::vpx_image_t>::zeroed();
        let image = unsafe {
            let wrapped = vpx::vpx_img_wrap(
                image.as_mut_ptr(),
                vpx::vpx_img_fmt::VPX_IMG_FMT_I420,
                self.width,
                self.height,
                1,
                picture.y.as_ptr().cast_mut(),
            );
            if wrapped.is_null() {
                return Err(Vp8Error("libvpx refused the picture".into()));
            }
            image.assume_init_mut()
        };
        image.planes[1] = picture.u.as_ptr().cast_mut();
        image.planes[2] = picture.v.as_ptr().cast_mut();
        image.stride[0] = w as c_int;
        image.stride[1] = (w / 2) as c_int;
        image.stride[2] = (w / 2) as c_int;
        let flags = if keyframe {
            vpx::VPX_EFLAG_FORCE_KF as i64
        } else {
            0
        };
        // SAFETY: the context is initialised and the image describes the picture.
        check(
            unsafe {
                vpx::vpx_codec_encode(
                    &mut *self.context,
                    image,
                    i64::from(timestamp),
                    3_000,
                    flags,
                    u64::from(vpx::VPX_DL_REALTIME),
                )
            },
            "encode",
        )?;
        let mut frames = Vec::new();
        let mut iterator: vpx::vpx_codec_iter_t = ptr::null();
        loop {
            // SAFETY: packets stay valid until the next encode call; they are copied at once.
            let packet = unsafe { vpx::vpx_codec_get_cx_data(&mut *self.context, &mut iterator) };
            if packet.is_null() {
                break;
            }
            let packet = unsafe { &*packet };
            if packet.kind != vpx::vpx_codec_cx_pkt_kind::VPX_CODEC_CX_FRAME_PKT {
                continue;
            }
            let data = unsafe { packet.data.frame };
            let bytes =
                unsafe { std::slice::from_raw_parts(data.buf as *const u8, data.sz as usize) };
            frames.push(Vp8Frame {
                data: bytes.to_vec(),
                keyframe: data.flags & vpx::VPX_FRAME_IS_KEY != 0,
            });
        }
        Ok(frames)
    }
}

impl Drop for Vp8Encoder {
    fn drop(&mut self) {
        // SAFETY: made in `new`, freed once here.
        unsafe {
            vpx::vpx_codec_destroy(&mut *self.context);
        }
    }
}

pub struct Vp8Decoder {
    context: Box<vpx::vpx_codec_ctx_t>,
}

// The context is only touched through `&mut self`.
unsafe impl Send for Vp8Decoder {}

impl Vp8Decoder {
    pub fn new() -> Result<Vp8Decoder, Vp8Error> {
        // SAFETY: as for the encoder; no configuration means libvpx's defaults.
        let mut context: Box<vpx::vpx_codec_ctx_t> =
            Box::new(unsafe { MaybeUninit::zeroed().assume_init() });
        check(
            unsafe {
                vpx::vpx_codec_dec_init_ver(
                    &mut *context,
                    vpx::vpx_codec_vp8_dx(),
                    ptr::null(),
                    0,
                    vpx::VPX_DECODER_ABI_VERSION as i32,
                )
            },
            "decoder",
        )?;
        Ok(Vp8Decoder { context })
    }

    /// The picture in `data`, as RGBA; `None` when the frame shows nothing (yet). Data that
    /// is not VP8 is an error.
    pub fn decode(
        &mut self,
        data: &[u8],
        timestamp_us: u64,
    ) -> Result<Option<VideoFrame>, Vp8Error> {
        let length = u32::try_from(data.len()).map_err(|_| Vp8Error("a frame too large".into()))?;
        // SAFETY: libvpx reads `length` bytes from `data` during the call only.
        check(
            unsafe {
                vpx::vpx_codec_decode(
                    &mut *self.context,
                    data.as_ptr(),
                    length,
                    ptr::null_mut(),
                    0,
                )
            },
            "decode",
        )?;
        let mut iterator: vpx::vpx_codec_iter_t = ptr::null();
        let mut last = None;
        loop {
            // SAFETY: the image stays valid until the next decode call; it is converted now.
            let image = unsafe { vpx::vpx_codec_get_frame(&mut *self.context, &mut iterator) };
            if image.is_null() {
                break;
            }
            let image = unsafe { &*image };
            if image.fmt != vpx::vpx_img_fmt::VPX_IMG_FMT_I420 {
                return Err(Vp8Error(format!("a picture in {:?}", image.fmt)));
            }
            let (w, h) = (image.d_w as usize, image.d_h as usize);
            let strides = [
                image.stride[0] as usize,
                image.stride[1] as usize,
                image.stride[2] as usize,
            ];
            let (y, u, v) = unsafe {
                (
                    std::slice::from_raw_parts(image.planes[0], strides[0] * h),
                    std::slice::from_raw_parts(image.planes[1], strides[1] * h.div_ceil(2)),
                    std::slice::from_raw_parts(image.planes[2], strides[2] * h.div_ceil(2)),
                )
            };
            last = Some(VideoFrame {
                width: w as u32,
                height: h as u32,
                rgba: i420_to_rgba(w, h, (y, strides[0]), (u, strides[1]), (v, strides[2]))?,
                timestamp_us,
            });
        }
        Ok(last)
    }
}

impl Drop for Vp8Decoder {
    fn drop(&mut self) {
        // SAFETY: made in `new`, freed once here.
        unsafe {
            vpx::vpx_codec_destroy(&mut *self.context);
        }
    }
}

type PlaneRef<'a> = (&'a [u8], usize);

/// BT.601 limited range back to RGBA.
fn i420_to_rgba(
    w: usize,
    h: usize,
    y: PlaneRef<'_>,
    u: PlaneRef<'_>,
    v: PlaneRef<'_>,
) -> Result<Vec<u8>, Vp8Error> {
    let mut rgba = vec![255u8; w * h * 4];
    let stride = |s: usize| u32::try_from(s).map_err(|_| Vp8Error("a picture too large".into()));
    let planes = yuv::YuvPlanarImage {
        y_plane: y.0,
        y_stride: stride(y.1)?,
        u_plane: u.0,
        u_stride: stride(u.1)?,
        v_plane: v.0,
        v_stride: stride(v.1)?,
        width: stride(w)?,
        height: stride(h)?,
    };
    yuv::yuv420_to_rgba(
        &planes,
        &mut rgba,
        stride(w * 4)?,
        yuv::YuvRange::Limited,
        yuv::YuvStandardMatrix::Bt601,
    )
    .map_err(|error| Vp8Error(format!("a picture libvpx described wrongly: {error}")))?;
    Ok(rgba)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::video::{BARS, TestPattern, VideoSource, bar_colours, read_stamp};

    #[test]
    fn the_test_pattern_reads_back_after_vp8() -> Result<(), Vp8Error> {
        let mut pattern = TestPattern::new(640, 360);
        let mut encoder = Vp8Encoder::new(640, 360, 800)?;
        let mut decoder = Vp8Decoder::new()?;
        let mut decoded = 0;
        for n in 0..30u32 {
            let wallclock = 1_795_341_600_000 + u64::from(n) * 33;
            let frame = pattern.next_frame(u64::from(n) * 33_333, wallclock);
            let packets = encoder.encode(&frame, n * 3_000, n == 0)?;
            for packet in packets {
                assert_eq!(packet.keyframe, n == 0, "only the first is a keyframe");
                let Some(picture) = decoder.decode(&packet.data, frame.timestamp_us)? else {
                    continue;
                };
                decoded += 1;
                assert_eq!((picture.width, picture.height), (640, 360));
                let stamp = read_stamp(&picture).expect("the stamp survives VP8");
                assert_eq!(u64::from(stamp.0), wallclock % (1 << 32));
                let bars = bar_colours(&picture).expect("bars");
                for (seen, wanted) in bars.iter().zip(BARS) {
                    assert!(
                        seen.iter().zip(wanted).all(|(a, b)| a.abs_diff(b) <= 24),
                        "{seen:?} should be {wanted:?}"
                    );
                }
            }
        }
        assert!(decoded >= 25, "{decoded} pictures decoded");
        Ok(())
    }

    #[test]
    fn simulcast_layers_scaled_in_i420_read_back() -> Result<(), Vp8Error> {
        let frame = TestPattern::new(1280, 720).next_frame(0, 987_654_321);
        let full = I420::from_rgba(&frame);
        let half = full.halved();
        let quarter = half.halved();
        for (picture, size) in [(&half, (640, 360)), (&quarter, (320, 180))] {
            assert_eq!((picture.width, picture.height), size);
            let mut encoder = Vp8Encoder::new(size.0, size.1, 600)?;
            let mut decoder = Vp8Decoder::new()?;
            let packet = encoder.encode_i420(picture, 0, true)?.remove(0);
            let decoded = decoder
                .decode(&packet.data, 0)?
                .expect("a keyframe decodes");
            assert_eq!((decoded.width, decoded.height), size);
            assert_eq!(read_stamp(&decoded).map(|s| s.0), Some(987_654_321));
            let bars = bar_colours(&decoded).expect("bars");
            for (seen, wanted) in bars.iter().zip(BARS) {
                assert!(
                    seen.iter().zip(wanted).all(|(a, b)| a.abs_diff(b) <= 24),
                    "{bars:?}"
                );
            }
        }
        // A picture of the wrong size is refused, not encoded.
        let mut encoder = Vp8Encoder::new(640, 360, 600)?;
        assert!(encoder.encode_i420(&quarter, 0, true).is_err());
        Ok(())
    }

    #[test]
    fn bad_input_is_an_error() -> Result<(), Vp8Error> {
        let mut decoder = Vp8Decoder::new()?;
        assert!(decoder.decode(&[0x12, 0x34, 0x56, 0x78, 0x9a], 0).is_err());
        assert!(Vp8Encoder::new(641, 360, 500).is_err());
        let mut encoder = Vp8Encoder::new(320, 180, 300)?;
        let wrong = TestPattern::new(640, 360).next_frame(0, 0);
        assert!(encoder.encode(&wrong, 0, true).is_err());
        Ok(())
    }
}
