"""``kata solution``: a kata's reference solution, shown once the kata passes."""

from __future__ import annotations

from pathlib import Path

from katakit import results
from katakit.catalog import Catalog, Kata
from katakit.console import Declined, confirm, need_file, rel


def show(
    root: Path, catalog: Catalog, kata: Kata, *, force: bool = False, yes: bool = False
) -> int:
    """Print ``kata``'s solution; before a complete passing run only with ``force`` (asked)."""
    path = need_file(root, kata, "solutions", "its reference solution is not written yet")
    res = results.load(root).get(kata.id)
    if res is None or res.state != "done":
        count = f"{res.passed}/{res.total} tests pass" if res and res.total else "not run yet"
        if not force:
            raise Declined(
                f"kata {kata.id} ({kata.title}) is not done yet ({count}), so its solution stays "
                f"hidden: try `kata hint {kata.id}`, or `kata solution {kata.id} --force`"
            )
        confirm(
            f"Kata {kata.id} is not done yet ({count}). Show its solution anyway?",
            yes=yes,
            refusal=f"not showing the solution of unfinished kata {kata.id} without a "
            f"confirmation: no terminal to ask in, so add --yes",
            declined="the solution stays hidden",
        )
    print(f"# {rel(path, root)}: the reference solution of kata {kata.id} ({kata.title})")
    print(path.read_text(encoding="utf-8").rstrip("\n"))
    print()
    others = sorted((root / "alternatives" / kata.module).glob("*.py"))
    if others:
        print("Other right answers: " + ", ".join(rel(p, root) for p in others))
    upcoming = results.next_kata(catalog, results.load(root))
    if upcoming is None:
        print("Next: every kata is complete; compare your other solutions with `kata solution ID`.")
    elif upcoming.id == kata.id:
        print(f"Next: make {kata.module_file()} pass in your own words; ptw tells you when.")
    else:
        print(f"Next: kata {upcoming.id} ({upcoming.title}) in {upcoming.module_file()}.")
    return 0
