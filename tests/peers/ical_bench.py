"""The calendar benchmark's baseline: Python's icalendar (the most used iCalendar library in
Python) parsing the same file as Sparks, best of three. Prints `parse_ms=<n> events=<n>`."""

import sys
import time

import icalendar


def main() -> None:
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    best = None
    events = 0
    for _ in range(3):
        start = time.perf_counter()
        calendar = icalendar.Calendar.from_ical(data)
        took = time.perf_counter() - start
        events = sum(1 for c in calendar.walk("VEVENT"))
        best = took if best is None else min(best, took)
    print(f"parse_ms={best * 1000:.1f} events={events}")


if __name__ == "__main__":
    main()
