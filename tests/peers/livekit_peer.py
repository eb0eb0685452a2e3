"""A participant driven by LiveKit's official Python SDK (the `livekit` wheel, which carries
LiveKit's own Rust engine and libwebrtc), for the meeting engine's interop tests.

    livekit_peer.py --url ws://HOST:PORT --token JWT --send TEXT --expect N --timeout S

Joins, sends TEXT on the reliable data channel (topic "chat") once someone else is in the room,
and prints one JSON line per event: {"event": "connected"}, {"event": "data", "from": ...,
"topic": ..., "payload": ...}; it leaves after N data messages or S seconds, printing
{"event": "done", "received": N}.
"""
import argparse
import asyncio
import json
import sys

from livekit import rtc


def say(**fields):
    print(json.dumps(fields), flush=True)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--send", default="")
    parser.add_argument("--expect", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=30)
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
        await room.disconnect()
    return 0 if len(received) >= args.expect else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
