"""The baseline for `cargo xtask bench call`: LiveKit's official Python SDK (the `livekit` wheel,
LiveKit's Rust engine over libwebrtc) doing what the Sparks engine is measured doing.

    livekit_bench.py publish --url URL --token JWT --size 1280x720 --seconds S
    livekit_bench.py receive --url URL --token JWT --count N --seconds S

`publish` sends moving colour bars at 30 frames a second (simulcast, as the SDK does by default
at this size) and a 48 kHz tone, and prints the process' CPU time per second of sending.
`receive` joins a room where N participants publish Sparks' test pattern and a tone, decodes
everything to RGBA and PCM, and prints the CPU time per second, the time from starting to join
to the first decoded picture, and the glass-to-glass latency read from the pattern's barcode.
Output: one line of key=value figures.
"""
import argparse
import asyncio
import math
import statistics
import sys
import time

from livekit import rtc

RATE = 48000
CELLS = 48
WARM_UP = 2.0
BARS = [(235, 235, 235), (235, 235, 16), (16, 235, 235), (16, 235, 16),
        (235, 16, 235), (235, 16, 16), (16, 16, 235), (16, 16, 16)]


def cpu():
    return time.process_time()


async def publish(room, args):
    width, height = (int(v) for v in args.size.split("x"))
    # Sixteen positions of scrolling bars, made once (the encoder still sees motion).
    pictures = []
    for step in range(16):
        shift = step * width // 16
        row = bytearray()
        for x in range(width):
            r, g, b = BARS[min(((x + width - shift) % width) // (width // 8), 7)]
            row += bytes((r, g, b, 255))
        pictures.append(bytes(row) * height)
    audio = rtc.AudioSource(RATE, 1)
    video = rtc.VideoSource(width, height)
    await room.local_participant.publish_track(
        rtc.LocalAudioTrack.create_audio_track("tone", audio),
        rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_MICROPHONE))
    await room.local_participant.publish_track(
        rtc.LocalVideoTrack.create_video_track("camera", video),
        rtc.TrackPublishOptions(source=rtc.TrackSource.SOURCE_CAMERA))
    tone = []
    for n in range(100):
        frame = rtc.AudioFrame.create(RATE, 1, RATE // 100)
        data = memoryview(frame.data)
        for i in range(RATE // 100):
            data[i] = int(0.4 * 32767 * math.sin(2 * math.pi * 440 * (n * 480 + i) / RATE))
        tone.append(frame)

    async def send_audio():
        n = 0
        while True:
            await audio.capture_frame(tone[n % len(tone)])
            n += 1

    async def send_video():
        start = time.monotonic()
        k = 0
        while True:
            frame = rtc.VideoFrame(width, height, rtc.VideoBufferType.RGBA, pictures[k % 16])
            video.capture_frame(frame, timestamp_us=k * 33333)
            k += 1
            await asyncio.sleep(max(0.0, start + k / 30 - time.monotonic()))

    tasks = [asyncio.ensure_future(send_audio()), asyncio.ensure_future(send_video())]
    await asyncio.sleep(WARM_UP)
    before = cpu()
    await asyncio.sleep(args.seconds)
    used = cpu() - before
    for task in tasks:
        task.cancel()
    print(f"cpu_ms_per_s={used * 1000 / args.seconds:.0f}", flush=True)


def checksum(ms, count):
    total = count ^ 0x5A
    for byte in ms.to_bytes(4, "little"):
        total = ((total << 1) | (total >> 7)) & 0xFF
        total ^= byte
    return total


def read_stamp(rgba, width, height):
    """The capture time (ms mod 2^32) in Sparks' test pattern, or None."""
    y = max(height // 8, 8) // 2
    bits = 0
    for index in range(CELLS):
        x = (2 * index + 1) * width // (2 * CELLS)
        at = (y * width + x) * 4
        if rgba[at] + rgba[at + 1] + rgba[at + 2] > 3 * 128:
            bits |= 1 << index
    ms, count, check = bits & 0xFFFFFFFF, (bits >> 32) & 0xFF, (bits >> 40) & 0xFF
    return ms if check == checksum(ms, count) else None


async def receive(room, args, started):
    first = asyncio.get_running_loop().create_future()
    latencies = []
    measuring = [False]
    tasks = []

    async def watch(track):
        if track.kind == rtc.TrackKind.KIND_AUDIO:
            async for _ in rtc.AudioStream(track, sample_rate=RATE, num_channels=1):
                pass
            return
        async for event in rtc.VideoStream(track):
            picture = event.frame.convert(rtc.VideoBufferType.RGBA)
            if not first.done():
                first.set_result(time.monotonic() - started)
            if measuring[0]:
                stamp = read_stamp(picture.data, picture.width, picture.height)
                if stamp is not None:
                    now = int(time.time() * 1000) % (1 << 32)
                    latencies.append((now - stamp) % (1 << 32))

    watched = set()
    videos = set()

    @room.on("track_subscribed")
    def on_track(track, publication, participant):
        if track.sid not in watched:
            watched.add(track.sid)
            if track.kind == rtc.TrackKind.KIND_VIDEO:
                videos.add(track.sid)
            tasks.append(asyncio.ensure_future(watch(track)))

    for participant in room.remote_participants.values():
        for publication in participant.track_publications.values():
            if publication.track is not None:
                on_track(publication.track, publication, participant)
    first_ms = await asyncio.wait_for(first, 30) * 1000
    # Measured once all N pictures come in, as the Sparks engine is.
    deadline = time.monotonic() + 30
    while len(videos) < args.count and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    if len(videos) < args.count:
        print(f"only {len(videos)} of {args.count} videos arrived", file=sys.stderr)
        return 1
    await asyncio.sleep(WARM_UP)
    measuring[0] = True
    before = cpu()
    await asyncio.sleep(args.seconds)
    used = cpu() - before
    measuring[0] = False
    for task in tasks:
        task.cancel()
    p50 = statistics.median(latencies) if latencies else -1
    print(f"cpu_ms_per_s={used * 1000 / args.seconds:.0f} first_frame_ms={first_ms:.0f} "
          f"glass_to_glass_ms={p50:.0f} frames={len(latencies)} videos={len(videos)}", flush=True)
    return 0


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["publish", "receive"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--size", default="1280x720")
    parser.add_argument("--count", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    room = rtc.Room()
    started = time.monotonic()
    await room.connect(args.url, args.token, rtc.RoomOptions(auto_subscribe=True))
    if args.mode == "publish":
        await publish(room, args)
        status = 0
    else:
        status = await receive(room, args, started)
    await room.disconnect()
    return status


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
