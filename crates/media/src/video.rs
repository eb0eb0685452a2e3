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

impl VideoFrame {
    /// The picture at 1/`factor` of its width and height (even sizes, as encoders want),
    /// each pixel the mean of the block it stands for.
    pub fn downscaled(&self, factor: u32) -> VideoFrame {
        let factor = factor.max(1);
        let width = (self.width / factor).max(2) & !1;
        let height = (self.height / factor).max(2) & !1;
        let mut rgba = Vec::with_capacity((width * height * 4) as usize);
        let stride = self.width as usize * 4;
        let area = factor * factor;
        for y in 0..height {
            for x in 0..width {
                let mut sum = [0u32; 4];
                for dy in 0..factor {
                    let row = ((y * factor + dy) as usize).min(self.height as usize - 1) * stride;
                    for dx in 0..factor {
                        let at =
                            row + ((x * factor + dx) as usize).min(self.width as usize - 1) * 4;
                        if let Some(pixel) = self.rgba.get(at..at + 4) {
                            for (s, p) in sum.iter_mut().zip(pixel) {
                                *s += u32::from(*p);
                            }
                        }
                    }
                }
                rgba.extend(sum.map(|s| (s / area) as u8));
            }
        }
        VideoFrame {
            width,
            height,
            rgba,
            timestamp_us: self.timestamp_us,
        }
    }
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

    #[test]
    fn downscaled_layers_keep_the_stamp_and_the_bars() {
        let mut pattern = TestPattern::new(1280, 720);
        let frame = pattern.next_frame(0, 987_654_321);
        for (factor, size) in [(2, (640, 360)), (4, (320, 180))] {
            let layer = frame.downscaled(factor);
            assert_eq!((layer.width, layer.height), size);
            assert_eq!(layer.rgba.len(), (size.0 * size.1 * 4) as usize);
            assert_eq!(read_stamp(&layer), Some((987_654_321, 0)));
            let bars = bar_colours(&layer).expect("bars");
            assert!(
                bars.iter().zip(BARS).all(|(a, b)| close(*a, b, 1)),
                "{bars:?}"
            );
        }
        // Odd sizes come out even.
        let odd = TestPattern::new(202, 100).next_frame(0, 0).downscaled(3);
        assert_eq!((odd.width % 2, odd.height % 2), (0, 0));
    }
}
