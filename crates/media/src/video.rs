//! Video: RGBA frames, a moving test pattern with the capture time drawn into it, and the
//! checks that read the time and the colours back after a trip through a codec.

/// One picture, RGBA, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoFrame {
    pub width: u32,
    pub height: u32,
    pub rgba: Vec<u8>,
    /// Microseconds since the source started.
    pub timestamp_us: u64,
}

/// A picture in I420 (what VP8 encodes): full-size luma, chroma at half width and height,
/// rows packed without padding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct I420 {
    pub width: u32,
    pub height: u32,
    pub y: Vec<u8>,
    pub u: Vec<u8>,
    pub v: Vec<u8>,
}

impl I420 {
    /// BT.601, limited range, chroma averaged over 2 × 2 pixels. Odd sizes lose their last
    /// column or row; a buffer shorter than its size gives a black picture.
    pub fn from_rgba(frame: &VideoFrame) -> I420 {
        let (w, h) = (frame.width & !1, frame.height & !1);
        let (luma, chroma) = ((w * h) as usize, (w / 2 * (h / 2)) as usize);
        let mut picture = I420 {
            width: w,
            height: h,
            y: vec![16; luma],
            u: vec![128; chroma],
            v: vec![128; chroma],
        };
        let mut planes = yuv::YuvPlanarImageMut {
            y_plane: yuv::BufferStoreMut::Borrowed(&mut picture.y),
            y_stride: w,
            u_plane: yuv::BufferStoreMut::Borrowed(&mut picture.u),
            u_stride: w / 2,
            v_plane: yuv::BufferStoreMut::Borrowed(&mut picture.v),
            v_stride: w / 2,
            width: w,
            height: h,
        };
        if w > 0 && h > 0 {
            // Its only error is a buffer that does not match the size: the picture stays black.
            let _ = yuv::rgba_to_yuv420(
                &mut planes,
                &frame.rgba,
                frame.width * 4,
                yuv::YuvRange::Limited,
                yuv::YuvStandardMatrix::Bt601,
                yuv::YuvConversionMode::Balanced,
            );
        }
        picture
    }

    /// The picture at half its width and height (even sizes), each sample the mean of four.
    pub fn halved(&self) -> I420 {
        let (w, h) = (self.width as usize, self.height as usize);
        let (hw, hh) = (((w / 2).max(2)) & !1, ((h / 2).max(2)) & !1);
        I420 {
            width: hw as u32,
            height: hh as u32,
            y: halve_plane(&self.y, w, h, hw, hh),
            u: halve_plane(&self.u, w / 2, h / 2, hw / 2, hh / 2),
            v: halve_plane(&self.v, w / 2, h / 2, hw / 2, hh / 2),
        }
    }
}

/// A `w` × `h` plane scaled to `to_w` × `to_h` (about half), by the mean of 2 × 2 samples.
fn halve_plane(plane: &[u8], w: usize, h: usize, to_w: usize, to_h: usize) -> Vec<u8> {
    let mut out = vec![128u8; to_w * to_h];
    if w < 2 || h < 2 || plane.len() < w * h || to_w * 2 > w || to_h * 2 > h {
        // Too small to halve, or not a whole plane: the nearest samples, grey past the end.
        let at = |x: usize, y: usize| {
            plane.get(y.min(h.saturating_sub(1)) * w + x.min(w.saturating_sub(1)))
        };
        for (i, sample) in out.iter_mut().enumerate() {
            if let Some(value) = at(2 * (i % to_w), 2 * (i / to_w)) {
                *sample = *value;
            }
        }
        return out;
    }
    for (row, pair) in out
        .chunks_exact_mut(to_w.max(1))
        .zip(plane.chunks_exact(w * 2))
    {
        let (upper, lower) = pair.split_at(w);
        let pairs = upper[..to_w * 2]
            .chunks_exact(2)
            .zip(lower[..to_w * 2].chunks_exact(2));
        for (sample, (top, bottom)) in row.iter_mut().zip(pairs) {
            // Two samples as one word, split by masks: this is what the compiler vectorises.
            let (a, b) = (
                u16::from_le_bytes([top[0], top[1]]),
                u16::from_le_bytes([bottom[0], bottom[1]]),
            );
            let sum = (a & 0xff) + (a >> 8) + (b & 0xff) + (b >> 8);
            *sample = ((sum + 2) >> 2) as u8;
        }
    }
    out
}

/// Something that makes pictures: a camera, or the test pattern.
pub trait VideoSource: Send {
    fn size(&self) -> (u32, u32);
    /// The picture for `timestamp_us`, stamped with `wallclock_ms` (the capture time).
    fn next_frame(&mut self, timestamp_us: u64, wallclock_ms: u64) -> VideoFrame;
}

/// The test pattern's colour bars, left to right before they move.
pub const BARS: [[u8; 3]; 8] = [
    [235, 235, 235],
    [235, 235, 16],
    [16, 235, 235],
    [16, 235, 16],
    [235, 16, 235],
    [235, 16, 16],
    [16, 16, 235],
    [16, 16, 16],
];

/// Cells in the barcode: 32 bits of capture time (ms), 8 of the frame count, 8 of checksum.
const CELLS: u32 = 48;

/// Colour bars that scroll a little each frame, under a barcode band holding the capture time
/// and the frame count.
#[derive(Debug, Clone)]
pub struct TestPattern {
    width: u32,
    height: u32,
    frame: u64,
}

impl TestPattern {
    /// A pattern of `width` × `height` (at least 96 × 48; smaller sizes are raised to that).
    pub fn new(width: u32, height: u32) -> TestPattern {
        TestPattern {
            width: width.max(96) & !1,
            height: height.max(48) & !1,
            frame: 0,
        }
    }
}

/// How far the bars have moved in frame `frame`.
fn offset(width: u32, frame: u8) -> u32 {
    (u32::from(frame) * (width / 64).max(1)) % width
}

fn band(height: u32) -> u32 {
    (height / 8).max(8)
}

fn checksum(ms: u32, frame: u8) -> u8 {
    ms.to_le_bytes()
        .iter()
        .fold(frame ^ 0x5a, |sum, b| sum.rotate_left(1) ^ b)
}

impl VideoSource for TestPattern {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn next_frame(&mut self, timestamp_us: u64, wallclock_ms: u64) -> VideoFrame {
        let (w, h) = (self.width, self.height);
        let count = (self.frame % 256) as u8;
        self.frame += 1;
        let ms = (wallclock_ms % (1 << 32)) as u32;
        let bits: u64 =
            u64::from(ms) | (u64::from(count) << 32) | (u64::from(checksum(ms, count)) << 40);
        let band = band(h);
        let shift = offset(w, count);
        let bar = w / BARS.len() as u32;
        // Every row of the band is the same, and so is every row of the bars: draw one of
        // each and copy it.
        let barcode: Vec<u8> = (0..w)
            .flat_map(|x| {
                // Cells in proportion to the width, so a scaled picture reads back too.
                let index = x * CELLS / w;
                let on = index < CELLS && (bits >> index) & 1 == 1;
                if on {
                    [255, 255, 255, 255]
                } else {
                    [0, 0, 0, 255]
                }
            })
            .collect();
        let bars: Vec<u8> = (0..w)
            .flat_map(|x| {
                let moved = (x + w - shift) % w;
                let [r, g, b] = BARS[((moved / bar) as usize).min(BARS.len() - 1)];
                [r, g, b, 255]
            })
            .collect();
        let mut rgba = Vec::with_capacity((w * h * 4) as usize);
        for y in 0..h {
            rgba.extend_from_slice(if y < band { &barcode } else { &bars });
        }
        VideoFrame {
            width: w,
            height: h,
            rgba,
            timestamp_us,
        }
    }
}

/// The mean colour of the `size` × `size` square around (`x`, `y`).
fn sample(frame: &VideoFrame, x: u32, y: u32, size: u32) -> [f32; 3] {
    let mut sum = [0f32; 3];
    let mut n = 0f32;
    let half = size / 2;
    for yy in y.saturating_sub(half)..(y + half + 1).min(frame.height) {
        for xx in x.saturating_sub(half)..(x + half + 1).min(frame.width) {
            let at = ((yy * frame.width + xx) * 4) as usize;
            if let Some(pixel) = frame.rgba.get(at..at + 3) {
                for (s, p) in sum.iter_mut().zip(pixel) {
                    *s += f32::from(*p);
                }
                n += 1.0;
            }
        }
    }
    sum.map(|s| s / n.max(1.0))
}

/// The capture time (ms, modulo 2³²) and frame count the test pattern drew into `frame`, if
/// its barcode reads back with a matching checksum.
pub fn read_stamp(frame: &VideoFrame) -> Option<(u32, u8)> {
    if frame.width < CELLS || frame.rgba.len() < (frame.width * frame.height * 4) as usize {
        return None;
    }
    let cell = frame.width / CELLS;
    let y = band(frame.height) / 2;
    let mut bits = 0u64;
    for index in 0..CELLS {
        let centre = (2 * index + 1) * frame.width / (2 * CELLS);
        let [r, g, b] = sample(frame, centre, y, (cell / 2).max(1));
        if (r + g + b) / 3.0 > 128.0 {
            bits |= 1 << index;
        }
    }
    let ms = (bits & 0xffff_ffff) as u32;
    let count = ((bits >> 32) & 0xff) as u8;
    (((bits >> 40) & 0xff) as u8 == checksum(ms, count)).then_some((ms, count))
}

/// The colours of the bars in `frame`, in [`BARS`] order (the stamp says how far they moved).
pub fn bar_colours(frame: &VideoFrame) -> Option<Vec<[u8; 3]>> {
    let (_, count) = read_stamp(frame)?;
    let w = frame.width;
    let bar = w / BARS.len() as u32;
    let shift = offset(w, count);
    let band = band(frame.height);
    let y = band + (frame.height - band) / 2;
    Some(
        (0..BARS.len() as u32)
            .map(|i| {
                let x = (i * bar + bar / 2 + shift) % w;
                sample(frame, x, y, (bar / 3).max(1)).map(|c| c.round() as u8)
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: [u8; 3], b: [u8; 3], tolerance: u8) -> bool {
        a.iter().zip(b).all(|(x, y)| x.abs_diff(y) <= tolerance)
    }

    #[test]
    fn the_stamp_and_the_bars_read_back_as_they_move() {
        let mut pattern = TestPattern::new(640, 360);
        let mut shifts = Vec::new();
        for n in 0..70u64 {
            let frame = pattern.next_frame(n * 33_333, 1_795_341_600_000 + n * 33);
            let (ms, count) = read_stamp(&frame).expect("a stamp");
            assert_eq!(u64::from(ms), (1_795_341_600_000 + n * 33) % (1 << 32));
            assert_eq!(u64::from(count), n % 256);
            let bars = bar_colours(&frame).expect("bars");
            assert!(
                bars.iter().zip(BARS).all(|(a, b)| close(*a, b, 1)),
                "{bars:?}"
            );
            shifts
                .push(frame.rgba[(200 * 640 * 4) as usize..(200 * 640 * 4 + 4) as usize].to_vec());
        }
        // It moves: the same pixel does not keep one colour.
        shifts.dedup();
        assert!(shifts.len() > 4);
    }

    #[test]
    fn a_damaged_picture_reads_back_or_says_nothing() {
        let mut pattern = TestPattern::new(320, 180);
        let mut frame = pattern.next_frame(0, 123_456_789);
        // Codec-like noise keeps the stamp readable.
        let mut seed = 7u32;
        for byte in &mut frame.rgba {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            *byte = byte.saturating_add_signed(((seed >> 24) % 41) as i8 - 20);
        }
        assert_eq!(read_stamp(&frame), Some((123_456_789, 0)));
        let bars = bar_colours(&frame).expect("bars");
        assert!(
            bars.iter().zip(BARS).all(|(a, b)| close(*a, b, 12)),
            "{bars:?}"
        );
        // A picture without a stamp is not mistaken for one.
        let grey = VideoFrame {
            width: 320,
            height: 180,
            rgba: vec![128; 320 * 180 * 4],
            timestamp_us: 0,
        };
        assert_eq!(read_stamp(&grey), None);
        assert_eq!(bar_colours(&grey), None);
    }

    fn solid(width: u32, height: u32, [r, g, b]: [u8; 3]) -> VideoFrame {
        VideoFrame {
            width,
            height,
            rgba: [r, g, b, 255].repeat((width * height) as usize),
            timestamp_us: 0,
        }
    }

    #[test]
    fn colours_become_their_bt601_values() {
        // (R, G, B) → (Y, Cb, Cr), limited range, from BT.601's equations.
        for (rgb, wanted) in [
            ([255, 255, 255], [235, 128, 128]),
            ([0, 0, 0], [16, 128, 128]),
            ([255, 0, 0], [82, 90, 240]),
            ([0, 255, 0], [145, 54, 34]),
            ([0, 0, 255], [41, 240, 110]),
        ] {
            let picture = I420::from_rgba(&solid(6, 4, rgb));
            assert_eq!((picture.width, picture.height), (6, 4));
            assert_eq!(
                (picture.y.len(), picture.u.len(), picture.v.len()),
                (24, 6, 6)
            );
            let seen = [picture.y[13], picture.u[4], picture.v[4]];
            assert!(
                close(seen, wanted, 2),
                "{rgb:?} gave {seen:?}, not {wanted:?}"
            );
        }
    }

    #[test]
    fn odd_sizes_lose_an_edge_and_short_buffers_give_black() {
        let mut frame = solid(7, 5, [255, 255, 255]);
        let picture = I420::from_rgba(&frame);
        assert_eq!((picture.width, picture.height, picture.y.len()), (6, 4, 24));
        assert!(picture.y.iter().all(|&y| y.abs_diff(235) <= 2));
        frame.rgba.truncate(10);
        let picture = I420::from_rgba(&frame);
        assert!(picture.y.iter().all(|&y| y == 16) && picture.u.iter().all(|&c| c == 128));
        let empty = I420::from_rgba(&solid(1, 1, [9, 9, 9]));
        assert_eq!((empty.width, empty.height, empty.y.len()), (0, 0, 0));
    }

    #[test]
    fn halving_takes_the_mean_of_each_square() {
        // Columns alternate 0 and 200, rows add 0 and 100: each 2 × 2 square means 75 + its
        // position's ramp.
        let (w, h) = (8, 4);
        let y: Vec<u8> = (0..w * h)
            .map(|i| (i % w % 2 * 100 + i / w % 2 * 50 + i % w / 2 * 10) as u8)
            .collect();
        let picture = I420 {
            width: w as u32,
            height: h as u32,
            y,
            u: vec![60; w / 2 * h / 2],
            v: vec![200; w / 2 * h / 2],
        };
        let half = picture.halved();
        assert_eq!((half.width, half.height), (4, 2));
        assert_eq!(half.y, [75, 85, 95, 105, 75, 85, 95, 105]);
        assert_eq!((half.u, half.v), (vec![60, 60], vec![200, 200]));
        // A picture too small to halve keeps its nearest samples.
        let tiny = I420 {
            width: 2,
            height: 2,
            y: vec![1, 2, 3, 4],
            u: vec![7],
            v: vec![8],
        };
        let small = tiny.halved();
        assert_eq!((small.width, small.height), (2, 2));
        assert_eq!(
            (small.y, small.u, small.v),
            (vec![1, 2, 3, 4], vec![7], vec![8])
        );
    }
}
