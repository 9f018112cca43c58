"""Automatic mutants of the reference solutions, made from their syntax trees.

A mutant is a solution module with one change in one function or method, made
by one of the operators in ``katakit.mutators``. ``kata check --mutate`` runs
the kata's tests against every mutant: a test must fail for each, unless
``mutants.toml`` explains why the mutant behaves exactly like the solution.

Mutant ids are ``<module>.<function>/<operator>/<n>`` (a method's function is
``<Class>.<method>``), ``n`` counting that operator's changes in that function
in source order, so they stay put while other functions change. Only the
standard library is imported here.
"""

from __future__ import annotations

import ast
import copy
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, replace

from katakit.definitions import functions, is_method
from katakit.mutators import GRADIENT_WORDS, OPERATORS, Operator, Replacement, Scope


@dataclass(frozen=True)
class Mutant:
    """One function of a solution module changed in one place."""

    id: str  # "<module>.<function>/<operator>/<n>"
    module: str
    function: str
    operator: str
    line: int  # line of the change in the solution file
    change: str  # "before -> after", one line
    source: str  # the whole mutated module


_SKIPPED_FIELDS = ("annotation", "returns", "type_comment", "ctx")


def _slots(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[tuple[ast.AST, str, int, str]]:
    """``(parent, field, index, zone)`` of every node in ``fn``'s defaults and body.

    The order is fixed by the tree's shape, so a deep copy yields the same slots.
    Annotations are skipped: they describe the function, they do not run in it.
    """

    def visit(parent: ast.AST, name: str, zone: str) -> Iterator[tuple[ast.AST, str, int, str]]:
        value = getattr(parent, name)
        for index, node in enumerate(value if isinstance(value, list) else [value]):
            if not isinstance(node, ast.AST):
                continue
            yield parent, name, index, zone
            for child, inner in ast.iter_fields(node):
                if child not in _SKIPPED_FIELDS and isinstance(inner, ast.AST | list):
                    yield from visit(node, child, zone)

    yield from visit(fn.args, "defaults", "defaults")
    yield from visit(fn.args, "kw_defaults", "defaults")
    yield from visit(fn, "body", "body")


def _node(parent: ast.AST, name: str, index: int) -> ast.AST:
    value = getattr(parent, name)
    return value[index] if isinstance(value, list) else value


def _replace(parent: ast.AST, name: str, index: int, new: Replacement) -> None:
    value = getattr(parent, name)
    if not isinstance(value, list):
        setattr(parent, name, new)
    elif isinstance(new, list):
        value[index : index + 1] = new
    else:
        value[index] = new


def _sites(fn: ast.FunctionDef | ast.AsyncFunctionDef, operator: Operator, scope: Scope):
    """``(slot number, choice, replaced node, replacement)`` for each change ``operator``
    makes in ``fn``, in source order."""
    found = []
    for number, (parent, name, index, zone) in enumerate(list(_slots(fn))):
        node = _node(parent, name, index)
        for choice, new in enumerate(operator(node, replace(scope, zone=zone))):
            position = (getattr(node, "lineno", 0), getattr(node, "col_offset", 0))
            found.append((position, number, choice, node, new))
    return [site[1:] for site in sorted(found, key=lambda site: site[:3])]


def _changed(
    fn: ast.FunctionDef | ast.AsyncFunctionDef, operator: Operator, scope: Scope, site: tuple
) -> str:
    """The code of ``fn`` with the change at ``site`` made (on a copy)."""
    number, choice = site[:2]
    changed = copy.deepcopy(fn)
    parent, name, index, zone = list(_slots(changed))[number]
    new = operator(_node(parent, name, index), replace(scope, zone=zone))[choice]
    _replace(parent, name, index, new)
    return ast.unparse(ast.fix_missing_locations(changed))


def _one_line(node: Replacement) -> str:
    text = "; ".join(ast.unparse(n) for n in node) if isinstance(node, list) else ast.unparse(node)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


def _imported(tree: ast.Module) -> frozenset[str]:
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return frozenset(names)


def mutants(module: str, source: str) -> list[Mutant]:
    """Every mutant of the functions and methods of the module ``module`` (its ``source``).

    A change that leaves a function's code as it was, or as another mutant of the
    same function already has it, is left out.
    """
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    found = []
    modules = _imported(tree)
    for name, fn in functions(tree):
        params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args)][is_method(name) :]
        code = ast.unparse(fn)
        autograd = any(word in code for word in GRADIENT_WORDS)
        scope = Scope(modules, params[0] if params else None, autograd, "body")
        start = min([d.lineno for d in fn.decorator_list] + [fn.lineno])
        before, after = "".join(lines[: start - 1]), "".join(lines[fn.end_lineno :])
        seen = {code}
        for op_name, operator in OPERATORS.items():
            for ordinal, site in enumerate(_sites(fn, operator, scope), start=1):
                text = _changed(fn, operator, scope, site)
                if text in seen:
                    continue
                seen.add(text)
                node, new = site[2:]
                found.append(
                    Mutant(
                        id=f"{module}.{name}/{op_name}/{ordinal}",
                        module=module,
                        function=name,
                        operator=op_name,
                        line=getattr(node, "lineno", fn.lineno),
                        change=f"{_one_line(node)} -> {_one_line(new)}",
                        source=before + textwrap.indent(text, " " * fn.col_offset) + "\n" + after,
                    )
                )
    return found
