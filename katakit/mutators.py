"""The mutation operators: each finds the places in a node where it applies.

They model a PyTorch learner's slips (an in-place underscore dropped or added,
a ``clone()`` forgotten, a stray ``detach()``, no gradient reset, no
``torch.no_grad()``, a dtype swapped, a tensor not moved) as well as the
classic ones (a comparison flipped, a constant or default changed, a return
value lost, two arguments swapped). An operator takes one node of a function
and returns its replacements (a node, or a list of statements for a
statement), none where it does not apply. Only the standard library is used.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable
from dataclasses import dataclass

Replacement = ast.AST | list[ast.stmt]

# in-place tensor methods whose out-of-place twin has the same name without "_"
IN_PLACE = frozenset(
    "abs acos add addcdiv addcmul addmm asin atan ceil clamp clamp_max clamp_min cos cumsum "
    "detach div exp expm1 floor fmod log log1p masked_fill mul neg pow reciprocal relu "
    "remainder round rsqrt sigmoid sign sin sqrt square squeeze sub t tanh transpose tril "
    "triu trunc unsqueeze".split()
)
MOVES = frozenset({"to", "cpu", "cuda"})
COPIES = frozenset({"clone", "copy"})
ZEROING = frozenset({"zero_", "zero_grad"})
DTYPE_SWAPS = {
    "float32": "float64",
    "float64": "float32",
    "float": "double",
    "double": "float",
    "float16": "float32",
    "half": "float",
    "bfloat16": "float16",
    "int64": "int32",
    "int32": "int64",
    "long": "int",
    "int": "long",
    "int16": "int32",
    "int8": "uint8",
    "uint8": "int8",
    "bool": "uint8",
    "complex64": "complex128",
    "complex128": "complex64",
}
GRADIENT_WORDS = ("grad", "backward", "autograd", "optim", "Parameter")
CONVERSIONS = frozenset({"float", "double", "half", "long", "int"})  # x.float() and the like
FLIPS = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}


@dataclass(frozen=True)
class Scope:
    """What an operator may need to know about the function it mutates."""

    modules: frozenset[str]  # names bound by the module's imports (torch, np, nn, ...)
    first_param: str | None
    autograd: bool  # whether the function works with gradients
    zone: str  # "body" or "defaults"


Operator = Callable[[ast.AST, Scope], list[Replacement]]


def _method(node: ast.AST) -> tuple[ast.expr, str] | None:
    """``(receiver, name)`` when ``node`` calls a method (``receiver.name(...)``)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.value, node.func.attr
    return None


def _renamed(node: ast.Call, name: str) -> ast.Call:
    new = copy.deepcopy(node)
    new.func.attr = name  # type: ignore[attr-defined]
    return new


def _on_module(receiver: ast.expr, scope: Scope) -> bool:
    return isinstance(receiver, ast.Name) and receiver.id in scope.modules


def drop_underscore(node: ast.AST, scope: Scope) -> list[Replacement]:
    """``x.add_(y)`` -> ``x.add(y)``; ``x -= y`` -> ``x = x - y``."""
    if isinstance(node, ast.AugAssign):
        value = ast.BinOp(copy.deepcopy(node.target), node.op, node.value)
        return [ast.Assign([node.target], value, lineno=node.lineno)]
    call = _method(node)
    if call and call[1].endswith("_") and call[1][:-1] in IN_PLACE:
        return [_renamed(node, call[1][:-1])]  # type: ignore[arg-type]
    return []


def add_underscore(node: ast.AST, scope: Scope) -> list[Replacement]:
    """``x.add(y)`` -> ``x.add_(y)`` (tensor methods, not module functions)."""
    call = _method(node)
    if call and call[1] in IN_PLACE and not _on_module(call[0], scope):
        return [_renamed(node, call[1] + "_")]  # type: ignore[arg-type]
    return []


def drop_clone(node: ast.AST, scope: Scope) -> list[Replacement]:
    """``x.clone()``, ``a.copy()``, ``torch.clone(x)`` -> ``x``."""
    call = _method(node)
    if call and call[1] in COPIES:
        args = node.args  # type: ignore[attr-defined]
        if not _on_module(call[0], scope):
            return [] if args else [call[0]]
        return [args[0]] if len(args) == 1 else []
    return []


def _may_carry_a_graph(value: ast.expr, scope: Scope) -> bool:
    """Whether detaching ``value`` could change anything: not a gradient (``x.grad``), not a
    fresh tensor from a factory (``torch.zeros_like(w)``) unless it asks for ``requires_grad``,
    not a tensor detached already."""
    if isinstance(value, ast.Attribute):
        return value.attr != "grad"
    call = _method(value)
    if call and call[1] == "detach":
        return False  # detached already
    if call and _on_module(call[0], scope):
        return any(k.arg == "requires_grad" for k in value.keywords)  # type: ignore[attr-defined]
    return isinstance(value, ast.Call | ast.BinOp | ast.Name | ast.Subscript)


def add_detach(node: ast.AST, scope: Scope) -> list[Replacement]:
    """A returned or assigned expression ``e`` -> ``e.detach()``, in functions that work
    with gradients (elsewhere a detached tensor is the same tensor to every test)."""
    if not scope.autograd or not isinstance(node, ast.Return | ast.Assign) or node.value is None:
        return []
    values = node.value.elts if isinstance(node.value, ast.Tuple) else [node.value]
    found: list[Replacement] = []
    for i, value in enumerate(values):
        if _may_carry_a_graph(value, scope):
            new = copy.deepcopy(node)
            targets = new.value.elts if isinstance(new.value, ast.Tuple) else None
            detached = ast.Call(ast.Attribute(copy.deepcopy(value), "detach"), [], [])
            if targets is None:
                new.value = detached
            else:
                targets[i] = detached
            found.append(new)
    return found


def drop_zero_grad(node: ast.AST, scope: Scope) -> list[Replacement]:
    """Remove a gradient reset: ``x.grad.zero_()``, ``opt.zero_grad()``, ``x.grad = None``."""
    call = _method(node.value) if isinstance(node, ast.Expr) else None
    if call and call[1] in ZEROING:
        return [[ast.Pass()]]
    if (
        isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Attribute)
        and node.targets[0].attr == "grad"
        and isinstance(node.value, ast.Constant)
        and node.value.value is None
    ):
        return [[ast.Pass()]]
    return []


def drop_no_grad(node: ast.AST, scope: Scope) -> list[Replacement]:
    """``with torch.no_grad(): body`` -> ``body``."""
    if isinstance(node, ast.With) and all(
        isinstance(item.context_expr, ast.Call)
        and ast.unparse(item.context_expr.func).split(".")[-1] in ("no_grad", "inference_mode")
        for item in node.items
    ):
        return [node.body]
    return []


def flip_compare(node: ast.AST, scope: Scope) -> list[Replacement]:
    """``<`` <-> ``<=``, ``>`` <-> ``>=``, ``==`` <-> ``!=``, ``is`` <-> ``is not``, ..."""
    if not isinstance(node, ast.Compare):
        return []
    found: list[Replacement] = []
    for i, op in enumerate(node.ops):
        new = copy.deepcopy(node)
        new.ops[i] = FLIPS[type(op)]()
        found.append(new)
    return found


def _changed(node: ast.AST, bigger: bool) -> list[Replacement]:
    """A different constant: ``True`` <-> ``False``; 0 -> 1; else ``n + 1`` and ``2 * f``
    (``bigger``) or ``n // 2`` (1 -> 2) and ``f / 2``."""
    if not isinstance(node, ast.Constant) or not isinstance(node.value, bool | int | float):
        return []
    value = node.value
    if isinstance(value, bool):
        return [ast.Constant(not value)]
    if not value:
        return [ast.Constant(type(value)(1))]
    if isinstance(value, int):
        return [ast.Constant(value + 1 if bigger or value == 1 else value // 2)]
    return [ast.Constant(value * 2 if bigger else value / 2)]


def change_constant(node: ast.AST, scope: Scope) -> list[Replacement]:
    """A constant in the body: ``n + 1``, ``2 * f``, 0 -> 1, ``True`` <-> ``False``."""
    return _changed(node, bigger=True) if scope.zone == "body" else []


def change_default(node: ast.AST, scope: Scope) -> list[Replacement]:
    """A default argument halved (``100`` -> ``50``, ``0.1`` -> ``0.05``; 0 -> 1, 1 -> 2),
    ``True`` <-> ``False``: far enough from the default for its effect to show."""
    return _changed(node, bigger=False) if scope.zone == "defaults" else []


def swap_dtype(node: ast.AST, scope: Scope) -> list[Replacement]:
    """``torch.float32`` <-> ``torch.float64``, ``int64`` <-> ``int32``, ``x.float()`` -> ..."""
    if (
        isinstance(node, ast.Attribute)
        and node.attr in DTYPE_SWAPS
        and _on_module(node.value, scope)
    ):
        return [ast.Attribute(node.value, DTYPE_SWAPS[node.attr])]
    call = _method(node)
    if call and call[1] in CONVERSIONS and not _on_module(call[0], scope):
        return [_renamed(node, DTYPE_SWAPS[call[1]])]  # type: ignore[arg-type]
    return []


def return_input(node: ast.AST, scope: Scope) -> list[Replacement]:
    """``return <computed>`` -> ``return <first parameter>``: the input, unmoved, unconverted."""
    if (
        isinstance(node, ast.Return)
        and scope.first_param
        and isinstance(node.value, ast.Call | ast.BinOp | ast.Attribute | ast.Subscript | ast.Name)
        and not (isinstance(node.value, ast.Name) and node.value.id == scope.first_param)
    ):
        return [ast.Return(ast.Name(scope.first_param))]
    return []


def drop_to(node: ast.AST, scope: Scope) -> list[Replacement]:
    """``x.to(device)``, ``x.cpu()``, ``x.cuda()`` -> ``x``."""
    call = _method(node)
    return [call[0]] if call and call[1] in MOVES and not _on_module(call[0], scope) else []


def drop_return(node: ast.AST, scope: Scope) -> list[Replacement]:
    """``return e`` -> ``e`` then a bare ``return`` (the value is computed, then lost)."""
    if not isinstance(node, ast.Return) or node.value is None:
        return []
    if isinstance(node.value, ast.Constant) and node.value.value is None:
        return []
    kept = [ast.Expr(node.value)] if isinstance(node.value, ast.Call) else []
    return [[*kept, ast.Return()]]


def swap_args(node: ast.AST, scope: Scope) -> list[Replacement]:
    """``f(a, b)`` -> ``f(b, a)``, for each neighbouring pair of positional arguments."""
    if not isinstance(node, ast.Call):
        return []
    found: list[Replacement] = []
    args = node.args
    for i in range(len(args) - 1):
        a, b = args[i], args[i + 1]
        if isinstance(a, ast.Starred) or isinstance(b, ast.Starred):
            continue
        if ast.dump(a) == ast.dump(b):
            continue
        new = copy.deepcopy(node)
        new.args[i], new.args[i + 1] = new.args[i + 1], new.args[i]
        found.append(new)
    return found


OPERATORS: dict[str, Operator] = {
    "drop-underscore": drop_underscore,
    "add-underscore": add_underscore,
    "drop-clone": drop_clone,
    "add-detach": add_detach,
    "drop-zero-grad": drop_zero_grad,
    "drop-no-grad": drop_no_grad,
    "flip-compare": flip_compare,
    "change-constant": change_constant,
    "change-default": change_default,
    "swap-dtype": swap_dtype,
    "return-input": return_input,
    "drop-to": drop_to,
    "drop-return": drop_return,
    "swap-args": swap_args,
}
