"""The functions of a solution module: what a stub leaves to write and a mutant may change.

These are the module's top-level functions and the methods of its public
top-level classes (an ``nn.Module`` the learner writes, say), each named as the
learner would call it: ``fit_line``, ``Polynomial.forward``. Only the standard
library is imported here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

Function = ast.FunctionDef | ast.AsyncFunctionDef


def functions(tree: ast.Module) -> Iterator[tuple[str, Function]]:
    """``(qualified name, node)`` of each function in ``tree``, in source order."""
    for node in tree.body:
        if isinstance(node, Function):
            yield node.name, node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, Function):
                    yield f"{node.name}.{item.name}", item


def is_method(name: str) -> bool:
    """Whether a qualified name from ``functions`` is a method (``Polynomial.forward``)."""
    return "." in name
