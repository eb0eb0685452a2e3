"""The chat benchmark's baseline: matrix-nio doing what `sparks-bench measure` does.

Signs in once (not timed), then, as a client starting with a saved access token: time until
the room list holds every room, and time to show the last screen of the big room. nio keeps no
room state between runs, so its room list always comes from an initial sync; that is the
comparison the benchmark makes. Prints `room_list_ms=… open_room_ms=… rss_mb=…`.
"""

import argparse
import asyncio
import sys
import tempfile
import time

from nio import AsyncClient, AsyncClientConfig, LoginError, RoomMessagesError, RoomMessageText

SCREEN_MESSAGES = 20


def rss_mb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) // 1024
    return 0


async def run(args: argparse.Namespace) -> int:
    store = tempfile.mkdtemp(prefix="nio-bench-")
    config = AsyncClientConfig(encryption_enabled=False)
    first = AsyncClient(args.homeserver, args.user, store_path=store, config=config)
    login = await first.login(args.password, device_name="nio bench")
    if isinstance(login, LoginError):
        print(f"login failed: {login.message}", file=sys.stderr)
        return 1
    token, device = first.access_token, first.device_id
    await first.close()

    started = time.monotonic()
    client = AsyncClient(args.homeserver, args.user, store_path=store, config=config)
    client.restore_login(args.user, device, token)
    try:
        timeline, token = [], None
        while len(client.rooms) < args.rooms:
            response = await client.sync(timeout=0, full_state=True)
            joined = getattr(response, "rooms", None)
            if joined is not None and args.big in joined.join:
                timeline = list(joined.join[args.big].timeline.events)
                token = joined.join[args.big].timeline.prev_batch
        room_list = time.monotonic() - started

        opening = time.monotonic()
        shown = [e for e in timeline if isinstance(e, RoomMessageText)]
        while len(shown) < SCREEN_MESSAGES:
            response = await client.room_messages(args.big, start=token, limit=SCREEN_MESSAGES * 2)
            if isinstance(response, RoomMessagesError):
                print(f"messages failed: {response.message}", file=sys.stderr)
                return 1
            shown += [e for e in response.chunk if isinstance(e, RoomMessageText)]
            token = response.end
        open_room = time.monotonic() - opening
        print(
            f"room_list_ms={int(room_list * 1000)} open_room_ms={int(open_room * 1000)} "
            f"rss_mb={rss_mb()}",
            flush=True,
        )
        return 0
    finally:
        await client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--homeserver", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--big", required=True)
    parser.add_argument("--rooms", type=int, required=True)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
