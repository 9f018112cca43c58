"""Kata 07: autograd basics. Edit src/autograd.py until these pass.

Every expected gradient here is worked out by hand from the derivative rules
and compared with what autograd finds through your code.
"""

import math
import random

import pytest
import torch

from katakit.testing import assert_tensor
from learner import autograd

_rng = random.Random(7)
# Points away from the chapter's examples, so a copied answer does not pass.
POINTS = [(3.0, 4.0)] + [(_rng.uniform(-2, 2), _rng.uniform(-2, 2)) for _ in range(4)]


def _leaf(value, shape=(), dtype=torch.float64):
    return torch.full(shape, value, dtype=dtype, requires_grad=True)


def _f64(value):
    return torch.tensor(value, dtype=torch.float64)


def _count_gradients(*leaves):
    """Count, per leaf, how often autograd computes a gradient for it (backward or grad).

    A tensor hook runs only when autograd itself works out that tensor's gradient;
    a value written into ``.grad`` by hand never triggers it.
    """
    counts = [0] * len(leaves)
    for i, leaf in enumerate(leaves):

        def bump(grad, i=i):
            counts[i] += 1

        leaf.register_hook(bump)
    return counts


def _require_graph(result, what):
    assert isinstance(result, torch.Tensor), f"{what} should return a tensor, got {result!r}"
    assert result.requires_grad and result.grad_fn is not None, (
        f"{what} returned a tensor with no computation graph (requires_grad="
        f"{result.requires_grad}, grad_fn={result.grad_fn}): a Python number or "
        "torch.tensor(...) re-wrapping somewhere cut it off from its inputs"
    )


# -- tracked ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", [2.0, -1.5, 0.0, 3.25])
def test_tracked_is_a_float32_leaf_that_requires_grad(value):
    t = autograd.tracked(value)
    assert_tensor(t.detach(), torch.tensor(value), what=f"tracked({value})")
    assert t.requires_grad, f"tracked({value}) must have requires_grad=True"
    assert t.is_leaf, f"tracked({value}) must be a leaf tensor (created, not computed)"


@pytest.mark.parametrize("value", [2, -3, 0])
def test_tracked_turns_whole_numbers_into_floats(value):
    # torch.tensor(2, requires_grad=True) fails: integer tensors cannot have gradients.
    t = autograd.tracked(value)
    assert_tensor(t.detach(), torch.tensor(float(value)), what=f"tracked({value})")
    assert t.requires_grad and t.is_leaf, f"tracked({value}) must be a leaf that requires grad"


# -- quadratic_grad --------------------------------------------------------------------


def test_quadratic_grad_chapter_example():
    x = torch.tensor([2.0], requires_grad=True)
    assert_tensor(autograd.quadratic_grad(x), torch.tensor([7.0]), what="quadratic_grad(x=2)")


@pytest.mark.parametrize("shape", [(1,), ()], ids=["shape(1,)", "shape()"])
@pytest.mark.parametrize("value", [2.0, -1.5, 0.0, 4.25, -3.0])
def test_quadratic_grad_is_2x_plus_3(value, shape):
    x = _leaf(value, shape, torch.float32)
    expected = torch.full(shape, 2 * value + 3)
    assert_tensor(autograd.quadratic_grad(x), expected, what=f"quadratic_grad(x={value})")


@pytest.mark.parametrize("value", [2.0, -0.5, 6.0])
def test_quadratic_grad_lands_in_x_grad(value):
    x = _leaf(value, (1,), torch.float32)
    autograd.quadratic_grad(x)
    assert x.grad is not None, (
        "x.grad is still None: backward() was never called on a result built from "
        "this very x (a formula typed in by hand, or a copy of x, leaves x.grad empty)"
    )
    assert_tensor(
        x.grad, torch.tensor([2 * value + 3]), what=f"x.grad after quadratic_grad({value})"
    )


@pytest.mark.parametrize("value", [1.25, -4.0])
def test_quadratic_grad_is_found_by_backward(value):
    x = _leaf(value, (1,), torch.float32)
    counts = _count_gradients(x)
    autograd.quadratic_grad(x)
    assert counts == [1], (
        f"autograd worked out a gradient for x {counts[0]} times during quadratic_grad({value}); "
        "expected exactly once, by y.backward(): a derivative typed in or estimated from "
        "differences and stored in x.grad does not count"
    )


# -- chapter_graph ---------------------------------------------------------------------


def _chapter_f(a, b):
    c = a * b
    return math.sin(c**2) + c


def _chapter_grads(a, b):
    # f = sin(c^2) + c with c = ab, so df/dc = 2c cos(c^2) + 1 and dc/da = b, dc/db = a.
    c = a * b
    df_dc = 2 * c * math.cos(c**2) + 1
    return df_dc * b, df_dc * a


@pytest.mark.parametrize(("a", "b"), POINTS)
def test_chapter_graph_value(a, b):
    f = autograd.chapter_graph(_leaf(a), _leaf(b))
    _require_graph(f, f"chapter_graph({a:.3f}, {b:.3f})")
    assert_tensor(
        f.detach(),
        torch.tensor(_chapter_f(a, b), dtype=torch.float64),
        what=f"chapter_graph({a:.3f}, {b:.3f})",
    )


@pytest.mark.parametrize(("a", "b"), POINTS)
def test_chapter_graph_gradients_match_the_chain_rule(a, b):
    ta, tb = _leaf(a), _leaf(b)
    f = autograd.chapter_graph(ta, tb)
    _require_graph(f, f"chapter_graph({a:.3f}, {b:.3f})")
    f.backward()
    da, db = _chapter_grads(a, b)
    assert ta.grad is not None and tb.grad is not None, "backward() did not reach a and b"
    assert_tensor(
        ta.grad, torch.tensor(da, dtype=torch.float64), what=f"df/da at ({a:.3f}, {b:.3f})"
    )
    assert_tensor(
        tb.grad, torch.tensor(db, dtype=torch.float64), what=f"df/db at ({a:.3f}, {b:.3f})"
    )


def test_chapter_graph_in_float32_like_the_chapter():
    a = torch.tensor([3.0], requires_grad=True)
    b = torch.tensor([4.0], requires_grad=True)
    autograd.chapter_graph(a, b).backward()
    da, db = _chapter_grads(3.0, 4.0)
    # d = 144 is exact in float32, and sin/cos of it are correctly rounded to ~1e-7,
    # so the float32 gradients (about -34 and -25) agree with float64 to ~1e-5.
    assert_tensor(
        a.grad,
        torch.tensor([da], dtype=torch.float32),
        what="df/da at (3, 4)",
        rtol=1e-5,
        atol=1e-4,
    )
    assert_tensor(
        b.grad,
        torch.tensor([db], dtype=torch.float32),
        what="df/db at (3, 4)",
        rtol=1e-5,
        atol=1e-4,
    )


# -- exercise3 -------------------------------------------------------------------------


@pytest.mark.parametrize(("x", "y"), [(1.0, 2.0)] + POINTS)
def test_exercise3_value(x, y):
    f = autograd.exercise3(_leaf(x), _leaf(y))
    _require_graph(f, f"exercise3({x:.3f}, {y:.3f})")
    expected = x**2 + y**2 + 2 * x * y
    assert_tensor(
        f.detach(), torch.tensor(expected, dtype=torch.float64), what=f"exercise3({x:.3f}, {y:.3f})"
    )


@pytest.mark.parametrize(("x", "y"), [(1.0, 2.0)] + POINTS)
def test_exercise3_partials_are_2x_plus_2y(x, y):
    tx, ty = _leaf(x), _leaf(y)
    f = autograd.exercise3(tx, ty)
    _require_graph(f, f"exercise3({x:.3f}, {y:.3f})")
    f.backward()
    expected = torch.tensor(2 * x + 2 * y, dtype=torch.float64)  # 6 and 6 at (1, 2)
    assert_tensor(tx.grad, expected, what=f"df/dx of exercise 3 at ({x:.3f}, {y:.3f})")
    assert_tensor(ty.grad, expected, what=f"df/dy of exercise 3 at ({x:.3f}, {y:.3f})")


# -- partials --------------------------------------------------------------------------

# (name, fn, df/dx, df/dy): the derivatives written out by hand.
FUNCTIONS = [
    ("x*y**3", lambda x, y: x * y**3, lambda x, y: y**3, lambda x, y: 3 * x * y**2),
    (
        "sin(x)*exp(y)",
        lambda x, y: torch.sin(x) * torch.exp(y),
        lambda x, y: math.cos(x) * math.exp(y),
        lambda x, y: math.sin(x) * math.exp(y),
    ),
    ("x**2 - 5*y", lambda x, y: x**2 - 5 * y, lambda x, y: 2 * x, lambda x, y: -5.0),
]


@pytest.mark.parametrize(("name", "fn", "dfdx", "dfdy"), FUNCTIONS, ids=[f[0] for f in FUNCTIONS])
@pytest.mark.parametrize(("x", "y"), POINTS[1:])
def test_partials_of_any_function(name, fn, dfdx, dfdy, x, y):
    dx, dy = autograd.partials(fn, _leaf(x), _leaf(y))
    assert_tensor(
        dx,
        torch.tensor(dfdx(x, y), dtype=torch.float64),
        what=f"partials({name}) df/dx at ({x:.3f}, {y:.3f})",
    )
    assert_tensor(
        dy,
        torch.tensor(dfdy(x, y), dtype=torch.float64),
        what=f"partials({name}) df/dy at ({x:.3f}, {y:.3f})",
    )


class _Snap(torch.autograd.Function):
    """Rounds going forward, but tells autograd its slope is 1 (a straight-through step).

    Rounding is flat between its jumps, so no difference of function values can
    find that slope: only autograd, asked through any of its front doors
    (``backward``, ``torch.autograd.grad``, ``torch.func.grad``), reports it.
    """

    @staticmethod
    def forward(x):
        return torch.round(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, grad):
        return grad


@pytest.mark.parametrize(("x", "y"), POINTS[1:3])
def test_partials_come_from_autograd(x, y):
    # f = snap(x) * y**2: autograd's df/dx is y**2 (snap's declared slope 1), df/dy = 2 snap(x) y
    dx, dy = autograd.partials(lambda a, b: _Snap.apply(a) * b**2, _leaf(x), _leaf(y))
    what = f"partials(snap(x) * y**2) at ({x:.3f}, {y:.3f})"
    assert_tensor(dy, _f64(2 * round(x) * y), what=f"{what} df/dy")
    assert isinstance(dx, torch.Tensor) and dx.shape == (), f"{what} df/dx is {dx!r}"
    assert float(dx.detach()) != 0.0 or y == 0, (
        f"{what} gave df/dx = 0, the slope of snap's values (flat between its jumps); autograd "
        f"knows snap's slope as 1, so its df/dx is y**2 = {y * y:.6f}: ask autograd, whose "
        "answer for a function can differ from what its values suggest"
    )
    assert_tensor(dx, _f64(y * y), what=f"{what} df/dx (autograd's gradient)")


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_partials_keep_the_dtype_of_each_variable(dtype):
    x, y = _leaf(0.6, (), dtype), _leaf(-1.3, (), dtype)
    dx, dy = autograd.partials(lambda a, b: a * b**3, x, y)
    assert_tensor(
        dx, torch.tensor(-(1.3**3), dtype=dtype), what=f"partials(x*y**3) df/dx in {dtype}"
    )
    assert_tensor(
        dy, torch.tensor(3 * 0.6 * 1.3**2, dtype=dtype), what=f"partials(x*y**3) df/dy in {dtype}"
    )


def test_partials_keep_the_shape_of_each_variable():
    x = torch.randn(4, dtype=torch.float64, requires_grad=True)
    y = torch.randn(4, dtype=torch.float64, requires_grad=True)
    expected_dx, expected_dy = y.detach() * 2, x.detach() * 2
    dx, dy = autograd.partials(lambda a, b: (2 * a * b).sum(), x, y)
    assert_tensor(dx, expected_dx, what="partials(sum(2*x*y)) df/dx")
    assert_tensor(dy, expected_dy, what="partials(sum(2*x*y)) df/dy")


def test_partials_of_exercise3_at_the_chapter_point():
    dx, dy = autograd.partials(autograd.exercise3, _leaf(1.0), _leaf(2.0))
    assert_tensor(
        dx, torch.tensor(6.0, dtype=torch.float64), what="partials(exercise3) df/dx at (1, 2)"
    )
    assert_tensor(
        dy, torch.tensor(6.0, dtype=torch.float64), what="partials(exercise3) df/dy at (1, 2)"
    )
