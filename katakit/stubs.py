"""Learner stubs are made from the reference solutions, so the two never drift.

A stub keeps a solution module's imports, constants, signatures and docstrings,
drops private helpers (``_name``), and replaces the body of every public
function, and of every method of a public class, with
``raise NotImplementedError(...)``. ``python -m katakit.stubs`` rewrites ``src/``;
``kata check`` and ``kata reset`` use the same function.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from katakit.backup import backup
from katakit.catalog import Kata, load
from katakit.checkout import NOT_A_CHECKOUT, find_root
from katakit.definitions import functions


def make_stub(source: str, kata: Kata) -> str:
    """The learner's starting point for the solution module ``source``."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    # (first line, last line, replacement) with 1-based inclusive line numbers
    edits: list[tuple[int, int, list[str]]] = []
    for name, node in functions(tree):
        start = min([d.lineno for d in node.decorator_list] + [node.lineno])
        if name.startswith("_"):
            edits.append((start, node.end_lineno, []))
            continue
        body = node.body
        has_doc = (
            isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        )
        first = body[0].end_lineno + 1 if has_doc else body[0].lineno
        indent = " " * body[0].col_offset
        message = f"kata {kata.id}: implement {name}() in {kata.module_file()}"
        edits.append(
            (first, node.end_lineno, [f'{indent}raise NotImplementedError("{message}")\n'])
        )
    for first, last, replacement in sorted(edits, reverse=True):
        lines[first - 1 : last] = replacement
    text = "".join(lines)
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text.rstrip("\n") + "\n"


def stub_for(root: Path, kata: Kata) -> str:
    solution = root / kata.module_file("solutions")
    return make_stub(solution.read_text(encoding="utf-8"), kata)


def main() -> int:
    """Rewrite src/ from solutions/ (maintainers only: it overwrites learner files)."""
    root = find_root()
    if root is None:
        print(f"python -m katakit.stubs: {NOT_A_CHECKOUT}", file=sys.stderr)
        return 2
    for kata in load(root).katas:
        if not (root / kata.module_file("solutions")).is_file():
            print(f"skipped {kata.label}: no {kata.module_file('solutions')}", file=sys.stderr)
            continue
        target = root / kata.module_file()
        stub = stub_for(root, kata)
        if not target.exists() or target.read_text(encoding="utf-8") != stub:
            saved = backup(root, kata.module_file())
            target.write_text(stub, encoding="utf-8")
            print(f"wrote {kata.module_file()}" + (f" (old file kept as {saved})" if saved else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
