"""``kata watch``: re-run the katas on every save, without ptw, and answer single keys.

Watches ``src/`` and ``katas/`` (file events, or ``--poll`` where they do not
arrive, e.g. on bind mounts), runs what changed first through the warm runner
(see ``katakit.runner``), clears the screen between runs. Between runs a key
does the rest: ``h`` the next hint, ``l`` the list of katas, ``r`` or ``n`` run
again, ``s`` the solution of the last finished kata, ``q`` quit (Ctrl-C too).
Where stdin is no terminal, the same letters are read as lines.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import queue
import select
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from katakit.checkout import NOT_A_CHECKOUT, find_root
from katakit.console import WATCHED, clear_screen
from katakit.runner import client

KEYS = "h hint, l list, r run again, s solution, q quit"
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


def _handler(events: queue.Queue[Path]):
    from watchdog.events import FileSystemEventHandler

    class Changes(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
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
        clear_screen()


USAGE_ERRORS = (3, 4)  # pytest's exit status for an internal error and a usage error


class Keys:
    """Keys typed between runs: single keys from a terminal, else one letter per line."""

    def __init__(self, stream=None) -> None:
        stream = sys.stdin if stream is None else stream
        try:
            self.fd: int | None = stream.fileno()
        except (AttributeError, OSError, ValueError):
            self.fd = None
        self.tty = self.fd is not None and os.isatty(self.fd)
        self.pending: list[str] = []
        self._partial = ""

    def poll(self, timeout: float) -> str | None:
        """The next key, waiting at most ``timeout`` seconds; None when there is none."""
        if self.pending:
            return self.pending.pop(0)
        if self.fd is None:
            time.sleep(timeout)
            return None
        ready, _, _ = select.select([self.fd], [], [], timeout)
        data = os.read(self.fd, 256) if ready else None
        if data is None:
            return None
        if not data:  # end of input: no more keys, the watching goes on
            self.fd = None
            return None
        text = data.decode("utf-8", "replace")
        if self.tty:
            self.pending += [c.lower() for c in text if not c.isspace()]
        else:
            *lines, self._partial = (self._partial + text).split("\n")
            self.pending += [ln.strip()[:1].lower() for ln in lines if ln.strip()]
        return self.pending.pop(0) if self.pending else None

    @contextlib.contextmanager
    def single(self) -> Iterator[None]:
        """While inside, a terminal delivers each key at once (cbreak mode; Ctrl-C works)."""
        saved = None
        if self.tty and self.fd is not None:
            import termios
            import tty

            saved = termios.tcgetattr(self.fd)
            tty.setcbreak(self.fd)
        try:
            yield
        finally:
            if saved is not None and self.fd is not None:
                import termios

                termios.tcsetattr(self.fd, termios.TCSADRAIN, saved)


def _wait(events: queue.Queue[Path], keys: Keys) -> list[Path] | str:
    """The files that changed next, or the key typed first."""
    with keys.single():
        while True:
            key = keys.poll(0.1)
            if key is not None:
                return key
            try:
                first = events.get_nowait()
            except queue.Empty:
                continue
            return _drain(events, first)


def _finished(root: Path) -> str | None:
    """The id of the last kata, in order, whose tests all pass."""
    from katakit import results
    from katakit.catalog import load

    saved = results.load(root)
    done = [k.id for k in load(root).katas if k.id in saved and saved[k.id].state == "done"]
    return done[-1] if done else None


def _answer(key: str, root: Path) -> None:
    """Do what a key other than q, r and n asks."""
    from katakit import cli

    print()
    if key == "h":
        cli.main(["hint"])
    elif key == "l":
        cli.main(["list"])
    elif key == "s":
        kata = _finished(root)
        if kata is None:
            _say("No kata is finished yet: `s` shows a reference solution once one passes.")
        else:
            cli.main(["solution", kata])
    else:
        _say(f"kata watch keys: {KEYS}; saving a file runs the katas again.")
    sys.stdout.flush()


def _say(text: str) -> None:
    from katakit.view import cli_width, wrap

    print("\n".join(wrap(text, cli_width(), "  ")))


def _header(what: str) -> str:
    from katakit.view import clip, size

    return clip(f"[{time.strftime('%H:%M:%S')}] {what}  (kata watch: {KEYS})", size()[0])


def main(argv: list[str]) -> int:
    """Watch and re-run until q or Ctrl-C; 0 when stopped, 2 outside a checkout or on bad arguments.

    When pytest rejects the arguments on the first run (a usage error), this
    stops at once instead of waiting for changes that cannot help.
    """
    options, pytest_args = _parser().parse_known_args(argv)
    root = find_root()
    if root is None:
        print(f"kata watch: {NOT_A_CHECKOUT}", file=sys.stderr)
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
    keys = Keys()
    changed: list[Path] | None = None
    try:
        while True:
            if not options.no_clear:
                _clear()
            what = ", ".join(os.path.relpath(p) for p in changed) if changed else "start"
            print(_header(what), flush=True)
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
                got = _wait(events, keys)
                if isinstance(got, list):
                    changed = got
                    break
                if got == "q":
                    return 0
                if got in ("r", "n"):
                    changed = None
                    break
                _answer(got, root)
    except KeyboardInterrupt:
        print()
        return 0
    finally:
        observer.stop()
        observer.join()
