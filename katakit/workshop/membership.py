"""``kata join`` and ``kata leave``: a checkout's place in a workshop (``.kata/workshop.json``).

The file (mode 0600) holds the dashboard's URL, the workshop code, the pair's
name and a random client id. Joining shows exactly what will be sent and asks
first; a code the dashboard refuses leaves nothing saved. No torch import here.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from katakit import statefiles
from katakit.catalog import Catalog
from katakit.console import KataError, confirm
from katakit.workshop import payload, send

_CODE = re.compile(r"[A-Z0-9-]{4,64}")


@dataclass(frozen=True)
class Member:
    url: str  # the dashboard, e.g. http://10.0.0.5:8765
    code: str  # the workshop code
    name: str  # the pair's name as the dashboard shows it
    client: str  # 32 hex digits, made at join time


def clean_url(url: str) -> str:
    """``url`` as ``scheme://host[:port]`` (``KataError`` when it is not an http(s) URL)."""
    parts = urlsplit(url.strip())
    try:
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        parts = parts._replace(netloc="")
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or "@" in parts.netloc
    ):
        raise KataError(f"{url[:80]!r} is not a dashboard URL such as http://HOST:8765")
    return f"{parts.scheme}://{parts.netloc}"


def clean_code(code: str) -> str:
    code = code.strip().upper()
    if not _CODE.fullmatch(code):
        raise KataError("the workshop code is 4 to 64 letters, digits and dashes, e.g. 7KQ2-M4TX")
    return code


def load(root: Path) -> Member | None:
    """This checkout's membership, or None (also when the file is malformed, said once)."""
    data = statefiles.read_json(root, send.FILE, "workshop membership")
    if data is None:
        return None
    try:
        member = Member(**{k: data[k] for k in ("url", "code", "name", "client")})
        if not all(isinstance(v, str) for v in vars(member).values()):
            raise TypeError
        clean_url(member.url), clean_code(member.code), payload.clean_name(member.name)
    except (TypeError, KeyError, ValueError, KataError):
        statefiles.warn(f"ignoring {statefiles.STATE_DIR}/{send.FILE}: it is not a membership")
        return None
    return member


def join(root: Path, catalog: Catalog, url: str, code: str, name: str, *, yes: bool) -> int:
    """Show what will be sent, ask, check the code with the dashboard, then save."""
    try:
        name = payload.clean_name(name)
    except ValueError as exc:
        raise KataError(f"--name: {exc}") from None
    member = Member(clean_url(url), clean_code(code), name, secrets.token_hex(16))
    old = load(root)
    if old is not None and (old.url, old.name) == (member.url, member.name):
        member = Member(member.url, member.code, name, old.client)  # the same pair again
    report = payload.build(root, catalog, name=name, client=member.client)
    print(f"After every run that saves progress, this checkout will send {member.url}:")
    print(payload.shown(report))
    print("No code, no file contents, no paths, no user names. `kata leave` stops it.")
    confirm(
        f"Join the workshop at {member.url} as {name!r}?",
        yes=yes,
        refusal="joining needs a yes: run it in a terminal, or add --yes",
    )
    outcome = send.deliver(member, report)
    if outcome.refused:
        raise KataError(f"the dashboard said no: {outcome.why}; nothing was saved")
    path = statefiles.private_dir(root) / send.FILE
    statefiles.atomic_write(path, json.dumps(vars(member), indent=1).encode("utf-8"), 0o600)
    send.record(root, outcome)
    if outcome.ok:
        print(f"Joined as {name!r}: the dashboard has your progress.")
    else:
        print(f"Joined as {name!r}, but {outcome.why}; each run that saves progress tries again.")
    print("Next: keep `ptw` running and work on; `kata status` says when a send fails.")
    return 0


def leave(root: Path) -> int:
    """Forget the membership (and tell the dashboard, within about 2 s)."""
    member = load(root)
    if member is None:
        print("This checkout is not in a workshop. Next: `kata join URL CODE --name NAME`.")
        return 0
    told = send.leave(member)
    for name in (send.FILE, send.SENT_FILE):
        try:
            os.unlink(root / statefiles.STATE_DIR / name)
        except FileNotFoundError:
            pass
    after = "" if told.ok else f" (the dashboard was not told: {told.why})"
    print(f"Left the workshop at {member.url}: nothing more is sent{after}.")
    return 0


def status_line(root: Path) -> str | None:
    """One line for ``kata status``: the workshop joined and how the last send went."""
    member = load(root)
    if member is None:
        return None
    last = statefiles.read_json(root, send.SENT_FILE, "the last send")
    where = f"workshop: {member.name!r} at {member.url}"
    if not isinstance(last, dict) or not statefiles.finite(last.get("at")):
        return f"{where}; nothing sent yet"
    ago = max(0, int(time.time() - last["at"]))
    if last.get("ok") is True:
        return f"{where}; last sent {ago} s ago"
    why = str(last.get("why") or "unknown")[:120]
    return f"{where}; the last send failed {ago} s ago: {why}"
