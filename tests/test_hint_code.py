"""A learner who follows a function's hints to the last one ends with passing code.

A last hint "is code" when its code spans, one per line, make the body of the
function it is for (with a ``return``), or of the class (with a ``def``). Each
such body is put in place of the reference's, and the katas still pass.
"""

from __future__ import annotations

import ast
import re
import shutil
import textwrap
from pathlib import Path

# imported once here: in-process runs must not import them afresh (katas 08-10 use dynamo)
import torch._dynamo  # noqa: F401

from katakit import hints
from katakit.catalog import load

ROOT = Path(__file__).resolve().parents[1]
# the functions whose last hint must be code
ANSWERED = {"to_numpy_tracked", "train", "Polynomial", "make_data", "predict"}


def _body(hint: str, node: ast.AST) -> list[ast.stmt] | None:
    """The statements the hint's code spans make, if they are a body for ``node``."""
    try:
        body = ast.parse("\n".join(re.findall(r"`([^`]+)`", hint))).body
    except SyntaxError:
        return None
    if isinstance(node, ast.ClassDef):
        wanted = any(isinstance(s, ast.FunctionDef) for s in body)
    else:
        wanted = any(isinstance(n, ast.Return) for s in body for n in ast.walk(s))
    return body if wanted else None


def _answered(source: str, last_hints: dict[str, str]) -> tuple[str, list[str]]:
    """``source`` with each definition whose last hint is code given that code as its body."""
    lines = source.splitlines(keepends=True)
    nodes = {n.name: n for n in ast.parse(source).body if hasattr(n, "name")}
    edits, names = [], []
    for name, hint in last_hints.items():
        node = nodes.get(name)
        body = _body(hint, node) if node is not None else None
        if body is None:
            continue
        doc = ast.get_docstring(node, clean=False) is not None
        first = node.body[1 if doc else 0].lineno
        indent = " " * node.body[0].col_offset
        code = textwrap.indent(ast.unparse(body), indent) + "\n"
        edits.append((first, node.end_lineno, code))
        names.append(name)
    for first, last, code in sorted(edits, reverse=True):
        lines[first - 1 : last] = [code]
    return "".join(lines), names


def test_the_last_hint_of_a_function_passes_where_it_is_code(kata_repo, inline_pytest):
    catalog = load(ROOT)
    impl = kata_repo.parent / "hinted"
    shutil.copytree(kata_repo / "solutions", impl)
    answered, files = [], []
    for kata in catalog.katas:
        last = {name: given[-1] for name, given in hints.function_hints(ROOT, kata).items()}
        path = impl / f"{kata.module}.py"
        text, names = _answered(path.read_text(encoding="utf-8"), last)
        if names:
            path.write_text(text, encoding="utf-8")
            answered += names
            files.append(kata.tests)
    assert ANSWERED <= set(answered), f"not code: {sorted(ANSWERED - set(answered))}"
    result = inline_pytest(f"--impl={impl}", "-q", *files)
    failed = [ln for ln in result.stdout.splitlines() if ln.startswith(("FAILED", "ERROR"))]
    assert result.returncode == 0, f"hinted code of {sorted(answered)} fails: {failed[:5]}"


def test_a_hint_whose_code_is_wrong_is_caught(kata_repo, inline_pytest):
    kata = load(ROOT).find("10")
    impl = kata_repo.parent / "hinted"
    shutil.copytree(kata_repo / "solutions", impl)
    path = impl / f"{kata.module}.py"
    text, names = _answered(path.read_text(), {"predict": "`return model(x)`"})
    assert names == ["predict"] and "with torch.no_grad()" not in text.split("def predict")[1]
    path.write_text(text)
    result = inline_pytest(f"--impl={impl}", "-q", kata.tests)
    assert result.returncode != 0
