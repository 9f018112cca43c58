"""The Python half of scripts/install.sh: what it asks the target Python about torch and indexes.

Standard library only, so that it runs in any Python 3.10+ before anything is installed.

    installer.py pick REQUESTED          choose a torch release from `pip index versions torch`
                                         output on stdin
    installer.py installed               print "VERSION<tab>BUILD" of a torch that imports and that
                                         the project supports; exit 1 where there is none
    installer.py brought                 the installed packages torch needs, directly or not
    installer.py unneeded NAME...        those of NAME... that nothing installed needs now
    installer.py reach TIMEOUT URL...    exit 1 with "URL: reason" on the first URL that gives no
                                         answer within TIMEOUT seconds (any HTTP status counts
                                         as an answer)
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[1] / "pyproject.toml"


def release(version: str) -> tuple[int, ...]:
    """The numeric release of a version, trailing zeros dropped: "2.13.0+cpu" -> (2, 13)."""
    match = re.match(r"\d+(\.\d+)*", version.strip())
    parts = [int(part) for part in match.group().split(".")] if match else []
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def oldest_supported() -> tuple[int, ...]:
    """The lowest torch the project supports: the `torch>=X` of pyproject.toml's dependencies."""
    found = re.search(r'"torch>=([0-9.]+)', PYPROJECT.read_text(encoding="utf-8"))
    return release(found.group(1)) if found else (0,)


def pick(requested: str, listing: str) -> str:
    """REQUESTED where the listing has it, else the oldest supported release it has, else ""."""
    line = next((s for s in listing.splitlines() if s.startswith("Available versions:")), "")
    offered: dict[tuple[int, ...], str] = {}
    for version in line.partition(":")[2].split(","):
        if version.strip():
            offered.setdefault(release(version), version.strip().partition("+")[0])
    if release(requested) in offered:
        return requested
    usable = sorted(v for v in offered if v >= oldest_supported())
    return offered[usable[0]] if usable else ""


def installed() -> str:
    """ "VERSION<tab>BUILD" of this Python's torch where it imports and is supported, else ""."""
    try:
        import torch
    except Exception:  # a broken torch counts as none
        return ""
    if release(torch.__version__) < oldest_supported():
        return ""
    build = f"CUDA {torch.version.cuda}" if torch.version.cuda else "CPU"
    return f"{torch.__version__}\t{build}"


def _key(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _needs(dist: metadata.Distribution) -> set[str]:
    """Names of what a distribution requires, leaving out its extras' requirements."""
    names = set()
    for requirement in dist.requires or []:
        if re.search(r"\bextra\s*==", requirement):
            continue
        names.add(_key(re.split(r"[\s;<>=!~\[(]", requirement, maxsplit=1)[0]))
    return names


def _installed_dists() -> dict[str, metadata.Distribution]:
    return {_key(d.metadata["Name"]): d for d in metadata.distributions() if d.metadata["Name"]}


def _closure(start: set[str], dists: dict[str, metadata.Distribution]) -> set[str]:
    seen: set[str] = set()
    todo = [name for name in start if name in dists]
    while todo:
        name = todo.pop()
        if name not in seen:
            seen.add(name)
            todo.extend(n for n in _needs(dists[name]) if n in dists and n not in seen)
    return seen


def brought() -> list[str]:
    """The installed packages that torch needs, directly or through each other."""
    dists = _installed_dists()
    if "torch" not in dists:
        return []
    return sorted(_closure(_needs(dists["torch"]), dists))


def unneeded(names: list[str]) -> list[str]:
    """Those of NAMES still installed that no other installed package needs and that were
    not asked for by name (pip and uv mark those with a REQUESTED file)."""
    dists = _installed_dists()
    candidates = {_key(n) for n in names} & dists.keys()
    others = set(dists) - candidates
    needed = _closure(set().union(*(_needs(dists[n]) for n in others)), dists)
    return sorted(n for n in candidates - needed if dists[n].read_text("REQUESTED") is None)


def reach(timeout: float, urls: list[str]) -> str:
    """ "URL: reason" for the first URL that does not answer within TIMEOUT, else ""."""
    import urllib.error
    import urllib.request

    for url in urls:
        head = urllib.request.Request(url, method="HEAD")  # an index's front page can be large
        try:
            urllib.request.urlopen(head, timeout=timeout).close()
        except urllib.error.HTTPError:
            continue  # an answer, if not the one hoped for
        except (urllib.error.URLError, OSError, ValueError) as error:
            reason = getattr(error, "reason", error)
            if isinstance(reason, TimeoutError):
                reason = f"no answer within {timeout:g} s"
            elif isinstance(reason, OSError) and reason.strerror:
                reason = reason.strerror
            return f"{url}: {reason}"
    return ""


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    if command == "pick" and len(args) == 1:
        print(pick(args[0], sys.stdin.read()))
    elif command == "installed" and not args:
        found = installed()
        print(found)
        return 0 if found else 1
    elif command == "brought" and not args:
        print(" ".join(brought()))
    elif command == "unneeded":
        print(" ".join(unneeded(args)))
    elif command == "reach" and len(args) >= 2:
        failure = reach(float(args[0]), args[1:])
        print(failure)
        return 1 if failure else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
