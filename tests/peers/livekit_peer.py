"""A participant driven by LiveKit's official Python SDK (the `livekit` wheel, which carries
LiveKit's own Rust engine and libwebrtc), for the meeting engine's interop tests.

    livekit_peer.py --url ws://HOST:PORT --token JWT --send TEXT --expect N --timeout S
    livekit_peer.py --url ws://HOST:PORT --token JWT --publish R,G,B:HZ --listen S

Joins, sends TEXT on the reliable data channel (topic "chat") once someone else is in the room,
and prints one JSON line per event: {"event": "connected"}, {"event": "data", "from": ...,
"topic": ..., "payload": ...}; it leaves after N data messages or S seconds, printing
{"event": "done", "received": N}.

With --publish it sends a tone of HZ and a 320x240 picture of colour R,G,B, listens for S
seconds to what others send, and prints {"event": "media", "from": ..., "kind": "audio",
"frames": N, "pitch": HZ} or {..., "kind": "video", "frames": N, "colour": [R, G, B], "row":
[[R, G, B] x 16], "size": [W, H]} per track ("colour" is the centre of the last picture that was
not black, "row" sixteen points across it at three quarters of its height).
"""
import argparse
import asyncio
import collections
import json
import math
import sys

from livekit import rtc

WIDTH, HEIGHT = 320, 240
RATE = 48000


def say(**fields):
    print(json.dumps(fields), flush=True)


def pitch(samples):
    """Rising zero crossings per second of a (mostly) pure tone."""
    crossings = [i for i in range(1, len(samples)) if samples[i - 1] <= 0 < samples[i]]
    if len(crossings) < 2:
        return None
    return (len(crossings) - 1) * RATE / (crossings[-1] - crossings[0])


async def send_tone(source, hz, stop):
    n = 0
    while not stop.is_set():
        frame = rtc.AudioFrame.create(RATE, 1, RATE // 100)
        data = memoryview(frame.data)
        for i in range(RATE // 100):
            data[i] = int(0.4 * 32767 * math.sin(2 * math.pi * hz * (n + i) / RATE))
        n += RATE // 100
        await source.capture_frame(frame)


async def send_picture(source, colour, stop):
    picture = bytes([*colour, 255]) * (WIDTH * HEIGHT)
    k = 0
    while not stop.is_set():
        source.capture_frame(rtc.VideoFrame(WIDTH, HEIGHT, rtc.VideoBufferType.RGBA, picture),
                             timestamp_us=k * 33333)
        k += 1
        await asyncio.sleep(1 / 30)


async def watch(track, participant, stop, results):
    key = (participant.identity, "audio" if track.kind == rtc.TrackKind.KIND_AUDIO else "video")
    # The last second of audio: the first may be the jitter buffer filling.
    result = results.setdefault(key, {"frames": 0, "samples": collections.deque(maxlen=RATE),
                                      "colour": None, "row": None, "black": 0, "size": None})
    stream = (rtc.AudioStream(track, sample_rate=RATE, num_channels=1)
              if key[1] == "audio" else rtc.VideoStream(track))
    async for event in stream:
        result["frames"] += 1
        if key[1] == "audio":
            result["samples"].extend(memoryview(event.frame.data).tolist())
        else:
            rgba = event.frame.convert(rtc.VideoBufferType.RGBA)
            w, h = rgba.width, rgba.height
            at = ((h // 2) * w + w // 2) * 4
            colour = list(bytes(rgba.data[at:at + 3]))
            result["size"] = [w, h]
            if max(colour) < 8:
                # Black: a picture the decoder made up before it had a keyframe.
                result["black"] += 1
            else:
                result["colour"] = colour
                y = h * 3 // 4
                points = [((y * w) + (2 * i + 1) * w // 32) * 4 for i in range(16)]
                result["row"] = [list(bytes(rgba.data[p:p + 3])) for p in points]
        if stop.is_set():
            break


async def publish_and_listen(room, args):
    colour_text, hz = args.publish.split(":")
    colour = [int(c) for c in colour_text.split(",")]
    stop = asyncio.Event()
    results = {}
    watchers = []

    @room.on("track_subscribed")
    def on_track(track, publication, participant):
        say(event="subscribed", **{"from": participant.identity}, kind=str(track.kind))
        watchers.append(asyncio.ensure_future(watch(track, participant, stop, results)))

    audio = rtc.AudioSource(RATE, 1)
    video = rtc.VideoSource(WIDTH, HEIGHT)
    for track, source in [
        (rtc.LocalAudioTrack.create_audio_track("tone", audio), rtc.TrackSource.SOURCE_MICROPHONE),
        (rtc.LocalVideoTrack.create_video_track("pattern", video), rtc.TrackSource.SOURCE_CAMERA),
    ]:
        try:
            await asyncio.wait_for(room.local_participant.publish_track(
                track, rtc.TrackPublishOptions(source=source)), args.timeout)
        except Exception as error:  # the test reads the reason from the output
            say(event="error", error=f"publishing {track.name}: {error!r}")
            return False
    say(event="published")
    senders = [asyncio.ensure_future(send_tone(audio, float(hz), stop)),
               asyncio.ensure_future(send_picture(video, colour, stop))]
    await asyncio.sleep(args.listen)
    stop.set()
    for task in senders + watchers:
        task.cancel()
    for (identity, kind), result in sorted(results.items()):
        fields = {"from": identity, "kind": kind, "frames": result["frames"]}
        if kind == "audio":
            fields["pitch"] = pitch(list(result["samples"]))
        else:
            fields["colour"] = result["colour"]
            fields["row"] = result["row"]
            fields["black"] = result["black"]
            fields["size"] = result["size"]
        say(event="media", **fields)
    return True


async def leave(room):
    """Leaves, giving up after a few seconds: the results are already printed."""
    try:
        await asyncio.wait_for(room.disconnect(), 5)
    except asyncio.TimeoutError:
        say(event="error", error="leaving timed out")


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--send", default="")
    parser.add_argument("--expect", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--publish", default="")
    parser.add_argument("--listen", type=float, default=6)
    args = parser.parse_args()

    room = rtc.Room()
    received = []
    enough = asyncio.Event()
    someone = asyncio.Event()

    @room.on("data_received")
    def on_data(packet):
        sender = packet.participant.identity if packet.participant else None
        text = bytes(packet.data).decode("utf-8", "replace")
        received.append(text)
        say(event="data", **{"from": sender}, topic=packet.topic, payload=text)
        if len(received) >= args.expect:
            enough.set()

    @room.on("participant_connected")
    def on_participant(participant):
        say(event="participant", identity=participant.identity)
        someone.set()

    try:
        await asyncio.wait_for(
            room.connect(args.url, args.token, rtc.RoomOptions(auto_subscribe=True)),
            args.timeout,
        )
    except Exception as error:  # the test reads the reason from the output
        say(event="error", error=str(error))
        return 1
    say(event="connected", sid=room.local_participant.sid)
    if args.publish:
        published = await publish_and_listen(room, args)
        say(event="done", received=len(received))
        await leave(room)
        return 0 if published else 1
    if room.remote_participants:
        someone.set()
    try:
        await asyncio.wait_for(someone.wait(), args.timeout)
        if args.send:
            await room.local_participant.publish_data(args.send.encode(), reliable=True, topic="chat")
            say(event="sent")
        await asyncio.wait_for(enough.wait(), args.timeout)
    except asyncio.TimeoutError:
        say(event="error", error="timed out")
    finally:
        say(event="done", received=len(received))
        await leave(room)
    return 0 if len(received) >= args.expect else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
