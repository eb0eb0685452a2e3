"""A second, independent Matrix client for the E2EE interop tests: matrix-nio with libolm.

It signs in, joins a room, says one thing and waits to read another, printing one line per
step so the test that runs it can follow:

    READY              joined, device keys uploaded
    SENT <event id>    our message is out (encrypted if the room is)
    GOT <body>         the expected message arrived and was decrypted

It exits 0 once it got what it expected, 1 on timeout or error (with the reason on stderr).
"""

import argparse
import asyncio
import sys

from nio import (
    AsyncClient,
    AsyncClientConfig,
    JoinError,
    LoginError,
    MegolmEvent,
    RoomMessageText,
    RoomSendError,
)


def say(line: str) -> None:
    print(line, flush=True)


async def run(args: argparse.Namespace) -> int:
    config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True)
    client = AsyncClient(args.homeserver, args.user, store_path=args.store, config=config)
    try:
        login = await client.login(args.password, device_name="nio interop peer")
        if isinstance(login, LoginError):
            print(f"login failed: {login.message}", file=sys.stderr)
            return 1
        await client.sync(timeout=1000, full_state=True)
        joined = await client.join(args.room)
        if isinstance(joined, JoinError):
            print(f"join failed: {joined.message}", file=sys.stderr)
            return 1
        await client.sync(timeout=1000, full_state=True)
        if client.should_upload_keys:
            await client.keys_upload()
        say("READY")

        if args.say:
            if client.should_query_keys:
                await client.keys_query()
            sent = await client.room_send(
                args.room,
                "m.room.message",
                {"msgtype": "m.text", "body": args.say},
                ignore_unverified_devices=True,
            )
            if isinstance(sent, RoomSendError):
                print(f"send failed: {sent.message}", file=sys.stderr)
                return 1
            say(f"SENT {sent.event_id}")

        if not args.expect:
            return 0
        waiting: list[MegolmEvent] = []
        deadline = asyncio.get_running_loop().time() + args.timeout
        while asyncio.get_running_loop().time() < deadline:
            response = await client.sync(timeout=1000)
            events = []
            room = getattr(response, "rooms", None)
            if room is not None and args.room in room.join:
                events = list(room.join[args.room].timeline.events)
            # Messages that came before their key: try again now that more keys arrived.
            retry, waiting = waiting, []
            for event in retry:
                try:
                    events.append(client.decrypt_event(event))
                except Exception:  # still no key
                    waiting.append(event)
            for event in events:
                if isinstance(event, MegolmEvent):
                    waiting.append(event)
                elif isinstance(event, RoomMessageText) and event.body == args.expect:
                    say(f"GOT {event.body}")
                    return 0
        print(f"timed out waiting for {args.expect!r}", file=sys.stderr)
        return 1
    finally:
        await client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homeserver", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--room", required=True)
    parser.add_argument("--store", required=True)
    parser.add_argument("--say")
    parser.add_argument("--expect")
    parser.add_argument("--timeout", type=float, default=60.0)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
