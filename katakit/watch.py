"""``kata watch``: re-run the katas on every save, without ptw.

Watches ``src/`` and ``katas/`` (file events, or ``--poll`` where they do not
arrive, e.g. on bind mounts), runs what changed first through the warm runner
(see ``katakit.runner``), clears the screen between runs. Ctrl-C stops.
"""

from __future__ import annotations

import argparse
import os
import queue
import sys
import time
from pathlib import Path

from katakit.catalog import find_root
from katakit.runner import client

WATCHED = ("src", "katas")
SETTLE = 0.02  # seconds to wait for the rest of an editor's save to arrive
POLL_INTERVAL = 0.25  # seconds between scans with --poll


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kata watch",
        description="Re-run the katas whenever you save; other arguments go to pytest.",
    )
    parser.add_argument(
        "--poll", action="store_true", help="scan for changes instead of waiting for file events"
    )
    parser.add_argument(
        "--no-clear", action="store_true", help="keep the output of earlier runs on screen"
    )
    return parser


def _handler(events: queue.Queue[Path]):  # noqa: ANN202 (a watchdog handler)
    from watchdog.events import FileSystemEventHandler

    class Changes(FileSystemEventHandler):
        def on_any_event(self, event) -> None:  # noqa: ANN001
            if event.is_directory or event.event_type not in (
                "modified",
                "created",
                "moved",
                "deleted",
            ):
                return
            for path in (event.src_path, getattr(event, "dest_path", "")):
                path = os.fsdecode(path)
                if path.endswith(".py") and "__pycache__" not in path:
                    events.put(Path(path))

    return Changes()


def _drain(events: queue.Queue[Path], first: Path) -> list[Path]:
    changed = [first]
    deadline = time.monotonic() + SETTLE
    while True:
        try:
            changed.append(events.get(timeout=max(0.0, deadline - time.monotonic())))
        except queue.Empty:
            return list(dict.fromkeys(changed))


def _clear() -> None:
    if sys.stdout.isatty():
        sys.stdout.write("\033[H\033[2J\033[3J")
        sys.stdout.flush()


USAGE_ERRORS = (3, 4)  # pytest's exit status for an internal error and a usage error


def main(argv: list[str]) -> int:
    """Watch and re-run until Ctrl-C; 0 when stopped, 2 outside a checkout or on bad arguments.

    When pytest rejects the arguments on the first run (a usage error), this
    stops at once instead of waiting for changes that cannot help.
    """
    options, pytest_args = _parser().parse_known_args(argv)
    root = find_root()
    if root is None:
        print("kata watch: no katas.toml here or above", file=sys.stderr)
        return 2
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    events: queue.Queue[Path] = queue.Queue()
    observer = PollingObserver(timeout=POLL_INTERVAL) if options.poll else Observer()
    handler = _handler(events)
    for name in WATCHED:
        if (root / name).is_dir():
            observer.schedule(handler, str(root / name), recursive=True)
    observer.start()
    changed: list[Path] | None = None
    try:
        while True:
            if not options.no_clear:
                _clear()
            what = ", ".join(os.path.relpath(p) for p in changed) if changed else "start"
            print(f"[{time.strftime('%H:%M:%S')}] {what}  (kata watch: Ctrl-C stops)", flush=True)
            code = client.run(
                list(pytest_args), owner=os.getpid(), changed=changed, reraise_interrupt=True
            )
            if changed is None and code in USAGE_ERRORS:
                given = f" with {' '.join(pytest_args)!r}" if pytest_args else ""
                print(
                    f"kata watch: pytest could not start{given} (exit status {code}, see "
                    "above); fix that and start `kata watch` again",
                    file=sys.stderr,
                )
                return 2
            while True:
                try:
                    first = events.get(timeout=0.5)
                    break
                except queue.Empty:
                    continue
            changed = _drain(events, first)
    except KeyboardInterrupt:
        print()
        return 0
    finally:
        observer.stop()
        observer.join()
