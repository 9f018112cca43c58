"""The ``kata`` command: progress, hints, reset, solutions and a shell for the katas.

Every verb reads ``katas.toml`` and ``.kata/``; none but ``shell`` imports torch,
so ``kata status`` answers at once. A learner's mistake (an unknown id, a bad
flag, no checkout around) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

from katakit.catalog import Catalog, CatalogError, Kata
from katakit.console import Declined, KataError, checkout

DELEGATED = {
    "check": "katakit.check",
    "watch": "katakit.watch",
    "dashboard": "katakit.workshop.dashboard",
}

EPILOG = """\
the loop: keep `ptw` running in a second terminal, edit the file it points at,
save, read the next failure. `kata hint` when stuck, `kata status` to see where
you are, `kata reset ID` to start a kata over (your file is backed up first).

IDs are a kata's number (3 or 03) or its name (see `kata list`)."""


class Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line (``KataError``), never usage + exit."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise KataError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> argparse.ArgumentParser:
    """The ``kata`` argument parser (``check`` and ``watch`` pass their arguments on)."""
    parser = Parser(
        prog="kata",
        description="Work through the torch-katas: progress, hints, reset, solutions, a shell.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verbs = parser.add_subparsers(dest="verb", metavar="VERB", title="verbs")

    status = verbs.add_parser(
        "status", help="progress of every kata and the next one (the default verb)"
    )
    status.add_argument("--run", action="store_true", help="run the katas first (pytest -q)")
    status.add_argument(
        "--json", action="store_true", help="print one JSON object (for facilitators)"
    )

    verbs.add_parser("list", help="all katas with their title, chapter section and state")

    hint = verbs.add_parser("hint", help="the next hint for the current or named kata")
    hint.add_argument("id", nargs="?", metavar="ID", help="kata number or name (default: next)")
    hint.add_argument("--all", action="store_true", help="show every hint of the kata")

    reset = verbs.add_parser("reset", help="restore a kata's starting stub (backs your file up)")
    reset.add_argument("id", nargs="?", metavar="ID", help="kata number or name")
    reset.add_argument("--undo", action="store_true", help="bring the newest backup back")
    reset.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")

    solution = verbs.add_parser("solution", help="the reference solution, once the kata passes")
    solution.add_argument("id", nargs="?", metavar="ID", help="kata number or name")
    solution.add_argument("--force", action="store_true", help="show it before the kata passes")
    solution.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")

    shell = verbs.add_parser("shell", help="IPython with torch, numpy and a kata's module loaded")
    shell.add_argument("id", nargs="?", metavar="ID", help="kata number or name (default: next)")

    join = verbs.add_parser("join", help="send your progress to a workshop's dashboard")
    join.add_argument("url", metavar="URL", help="the dashboard, e.g. http://10.0.0.5:8765")
    join.add_argument("code", metavar="CODE", help="the workshop code the facilitator gave")
    join.add_argument("--name", required=True, help='your pair\'s name, e.g. "Ana & Ben"')
    join.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")

    verbs.add_parser("leave", help="stop sending your progress to the workshop's dashboard")
    verbs.add_parser(
        "dashboard", help="facilitators: serve the workshop's live grid", add_help=False
    )
    verbs.add_parser(
        "check", help="maintainers: check the katas, solutions and mistakes", add_help=False
    )
    verbs.add_parser("watch", help="rerun the katas whenever you save", add_help=False)
    return parser


# -- verbs ---------------------------------------------------------------------


def _pick(catalog: Catalog, key: str | None, verb: str) -> Kata:
    if key is None:
        choices = ", ".join(k.label for k in catalog.katas)
        raise KataError(f"say which kata: `kata {verb} ID` with ID one of: {choices}")
    return catalog.find(key)


def _current(root: Path, catalog: Catalog, key: str | None) -> Kata | None:
    """The named kata, or the next unfinished one (None when all are done)."""
    if key is not None:
        return catalog.find(key)
    from katakit import results

    return results.next_kata(catalog, results.load(root))


def cmd_status(root: Path, catalog: Catalog, args: argparse.Namespace) -> int:
    from katakit import progress

    return progress.status(root, catalog, run=args.run, as_json=args.json)


def cmd_list(root: Path, catalog: Catalog, args: argparse.Namespace) -> int:
    from katakit import progress

    return progress.listing(root, catalog)


def cmd_hint(root: Path, catalog: Catalog, args: argparse.Namespace) -> int:
    from katakit import hints, results
    from katakit.view import function_of

    saved = results.load(root)
    kata = catalog.find(args.id) if args.id is not None else results.next_kata(catalog, saved)
    if kata is None:
        print("Every kata is complete, so there is no current one to hint at.")
        print("Next: `kata hint ID` for any kata in `kata list`.")
        return 0
    res = saved.get(kata.id)
    if res is not None and res.state == "done":
        upcoming = results.next_kata(catalog, saved)
        hints.done(root, kata, res.passed, show_all=args.all)
        if upcoming is not None and upcoming.id != kata.id:
            print(f"Next: kata {upcoming.id} ({upcoming.title}): `kata hint` gives its hints.")
        return 0
    function = function_of(res.where) if res is not None else None
    return hints.hint(root, kata, show_all=args.all, function=function)


def cmd_reset(root: Path, catalog: Catalog, args: argparse.Namespace) -> int:
    from katakit import reset

    kata = _pick(catalog, args.id, "reset --undo" if args.undo else "reset")
    if args.undo:
        return reset.undo(root, kata)
    return reset.reset(root, kata, yes=args.yes)


def cmd_solution(root: Path, catalog: Catalog, args: argparse.Namespace) -> int:
    from katakit import solution

    kata = _pick(catalog, args.id, "solution")
    return solution.show(root, catalog, kata, force=args.force, yes=args.yes)


def cmd_shell(root: Path, catalog: Catalog, args: argparse.Namespace) -> int:
    from katakit import shell

    return shell.shell(root, _current(root, catalog, args.id))


def cmd_join(root: Path, catalog: Catalog, args: argparse.Namespace) -> int:
    from katakit.workshop import membership

    return membership.join(root, catalog, args.url, args.code, args.name, yes=args.yes)


def cmd_leave(root: Path, catalog: Catalog, args: argparse.Namespace) -> int:
    from katakit.workshop import membership

    return membership.leave(root)


COMMANDS: dict[str, Callable[[Path, Catalog, argparse.Namespace], int]] = {
    "status": cmd_status,
    "list": cmd_list,
    "hint": cmd_hint,
    "reset": cmd_reset,
    "solution": cmd_solution,
    "shell": cmd_shell,
    "join": cmd_join,
    "leave": cmd_leave,
}


def _delegate(verb: str, argv: list[str]) -> int:
    """``kata check ...`` / ``kata watch ...``: hand every argument to that module's main."""
    entry = importlib.import_module(DELEGATED[verb]).main
    try:
        return int(entry(argv) or 0)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def main(argv: list[str] | None = None) -> int:
    """Run ``kata`` with ``argv`` (default: the command line); the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in DELEGATED:
        return _delegate(argv[0], argv[1:])
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv.insert(0, "status")  # `kata`, `kata --json`, `kata --run`
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as exc:  # --help
            return exc.code if isinstance(exc.code, int) else 0
        root, catalog = checkout()
        return COMMANDS[args.verb](root, catalog, args)
    except (KataError, CatalogError) as exc:
        print(f"kata: {_one_line(exc)}", file=sys.stderr)
        return 2
    except Declined as exc:
        print(f"kata: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nkata: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `kata status --json | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:  # a file the verb needs cannot be read or written
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"kata: {where}{exc.strerror or _one_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
