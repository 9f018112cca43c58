"""Sending a joined pair's report to the dashboard: bounded, in the background, never a traceback.

``spawn`` starts ``python -m katakit.workshop.send ROOT`` detached, after a run's
result is on screen, so a slow or unreachable dashboard never delays a learner.
Every send takes at most about 2 s and its outcome is kept in
``.kata/workshop-sent.json`` for ``kata status``. No torch import here.
"""

from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from katakit import statefiles

if TYPE_CHECKING:
    from katakit.workshop.membership import Member

TIMEOUT = 1.0  # seconds per connect and per read: a send ends within about 2 s
CODE_HEADER = "X-Workshop-Code"
FILE = "workshop.json"  # the membership, in .kata/
SENT_FILE = "workshop-sent.json"  # how the last send went, in .kata/


@dataclass(frozen=True)
class Outcome:
    ok: bool
    why: str | None = None
    refused: bool = False  # the dashboard answered 401/403: a wrong code or id


def _post(member: Member, path: str, body: dict) -> Outcome:
    import urllib.error  # here, not above: the pytest plugin imports this module
    import urllib.request

    data = json.dumps(body).encode("utf-8")
    request = urllib.request.Request(
        member.url + path,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json", CODE_HEADER: member.code},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            answer.read(1024)
        return Outcome(True)
    except urllib.error.HTTPError as exc:
        said = exc.read(300).decode("utf-8", "replace").strip() or exc.reason
        refused = exc.code in (401, 403)
        return Outcome(False, f"HTTP {exc.code} from the dashboard ({said})", refused)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        why = getattr(exc, "reason", exc)
        return Outcome(False, f"could not reach {member.url} ({why})")


def deliver(member: Member, report: dict) -> Outcome:
    return _post(member, "/api/report", report)


def leave(member: Member) -> Outcome:
    return _post(member, "/api/leave", {"client": member.client})


def record(root: Path, outcome: Outcome) -> None:
    statefiles.write_json(
        root,
        SENT_FILE,
        {"ok": outcome.ok, "why": outcome.why, "at": time.time()},
        "`kata status` cannot say how the last send went",
    )


def send_now(root: Path) -> int:
    """Send this checkout's report once, if it joined a workshop; 0 when sent."""
    from katakit.catalog import load as load_catalog
    from katakit.workshop import membership, payload

    member = membership.load(root)
    if member is None:
        return 0
    report = payload.build(root, load_catalog(root), name=member.name, client=member.client)
    outcome = deliver(member, report)
    record(root, outcome)
    return 0 if outcome.ok else 1


def joined(root: Path) -> bool:
    return (root / statefiles.STATE_DIR / FILE).exists()


def spawn(root: Path) -> None:
    """Start a detached send when this checkout joined a workshop (one ``stat`` when not)."""
    if not joined(root):
        return
    sys.stdout.flush()
    devnull = [(os.POSIX_SPAWN_OPEN, fd, os.devnull, os.O_RDWR, 0) for fd in (0, 1, 2)]
    try:  # not Popen: nothing here waits for it (the run that started it ends first)
        os.posix_spawn(
            sys.executable,
            [sys.executable, "-m", "katakit.workshop.send", str(root)],
            os.environ,
            file_actions=devnull,
            setsid=True,
        )
    except OSError as exc:
        statefiles.warn(f"could not start the workshop send ({exc.strerror or exc})")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    try:
        return send_now(Path(args[0]))
    except Exception as exc:
        try:
            record(Path(args[0]), Outcome(False, f"{type(exc).__name__}: {exc}"[:200]))
        except Exception:
            pass
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
