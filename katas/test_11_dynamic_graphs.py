"""Kata 11: dynamic computation graphs. Edit src/dynamic_graphs.py until these pass.

The same Python function is called again and again with inputs that send it
down different paths: a different number of loop turns, the other branch of
an ``if``. Each call must record its own graph, and each gradient must be the
derivative of the path that call actually took.
"""

import math
import random

import pytest
import torch

from katakit import testing
from katakit.testing import assert_tensor
from learner import dynamic_graphs as dg


def _leaf(value):
    return torch.tensor(value, dtype=torch.float64, requires_grad=True)


def _grad_of(result, x, what):
    assert isinstance(result, torch.Tensor), f"{what} should return a tensor, got {result!r}"
    assert result.requires_grad, (
        f"{what} returned a tensor with no graph back to its input (requires_grad="
        f"{result.requires_grad}): a Python number (.item(), abs(), math.*) or a fresh "
        "torch.tensor(...) was used along the way"
    )
    result.backward()
    assert x.grad is not None, f"backward() through {what} did not reach the input"
    return x.grad


def _f64(value):
    return torch.tensor(value, dtype=torch.float64)


@pytest.fixture
def junk_in_fresh_memory():
    """Fresh memory reads as NaN until written, so a missing initialisation shows."""
    with testing.junk_in_fresh_memory():
        yield


def _operations(t):
    """The names of all recorded operations in t's graph (each node once), sorted."""
    seen, todo = set(), [t.grad_fn]
    while todo:
        node = todo.pop()
        if node is None or node in seen or type(node).__name__ == "AccumulateGrad":
            continue
        seen.add(node)
        todo.extend(child for child, _ in node.next_functions)
    return sorted(type(node).__name__ for node in seen)


# -- power_until -----------------------------------------------------------------------


def _factors(x, limit):
    """How many factors of x the loop multiplies together (the spec, in plain floats)."""
    y, k = x, 1
    while y < limit:
        y, k = y * x, k + 1
    return k


_rng = random.Random(11)
# the first four land exactly on the limit (2**3 = 8, 3**2 = 9, 1.5**2 = 2.25, 4 = 4):
# the loop runs while y < limit, so it stops there
POWER_CASES = [(2.0, 8.0), (3.0, 9.0), (1.5, 2.25), (4.0, 4.0)]
POWER_CASES += [(2.0, 100.0), (1.5, 10.0), (3.0, 2.0), (1.1, 5.0)] + [
    (round(_rng.uniform(1.05, 4.0), 3), round(_rng.uniform(2.0, 500.0), 1)) for _ in range(4)
]


@pytest.mark.parametrize(("x", "limit"), POWER_CASES)
def test_power_until_value_and_gradient(x, limit):
    k = _factors(x, limit)
    t = _leaf(x)
    y = dg.power_until(t, limit)
    what = f"power_until({x}, {limit})"
    assert isinstance(y, torch.Tensor), f"{what} should return a tensor, got {y!r}"
    assert_tensor(y.detach(), _f64(x**k), what=f"{what} (= x**{k})")
    assert_tensor(
        _grad_of(y, t, what), _f64(k * x ** (k - 1)), what=f"d/dx {what} (= {k} x**{k - 1})"
    )


def test_each_call_records_its_own_graph():
    limit = 50.0
    graphs = []
    for x in [1.2, 7.0, 3.0, 1.2, 1.6]:  # 22, 3, 4, 22 and 9 factors
        k = _factors(x, limit)
        t = _leaf(x)
        y = dg.power_until(t, limit)
        multiplications = _operations(y).count("MulBackward0")
        assert multiplications == k - 1, (
            f"power_until({x}, {limit}) should record {k - 1} multiplications (y = y * x "
            f"once per turn of the loop), found {multiplications} in {_operations(y)}"
        )
        grad = _grad_of(y, t, f"power_until({x}, {limit})")
        assert_tensor(grad, _f64(k * x ** (k - 1)), what=f"d/dx power_until({x}, {limit})")
        graphs.append(y.grad_fn)
    assert graphs[0] is not graphs[3], "two calls with the same input must still build two graphs"


# -- huber -----------------------------------------------------------------------------


def _huber(x, delta):
    if abs(x) <= delta:
        return 0.5 * x * x, x
    return delta * (abs(x) - 0.5 * delta), math.copysign(delta, x)


HUBER_CASES = [
    (0.3, 1.0),
    (-0.8, 1.0),
    (2.5, 1.0),
    (-3.0, 1.0),
    (0.0, 0.5),
    (1.7, 0.5),
    (-0.9, 0.5),
    (-4.2, 2.0),
    (1.5, 2.0),
    (6.1, 2.0),
]


def _check_huber(x, delta, loss, t, what):
    """Value, slope and curvature: 1 on the quadratic branch, 0 on the straight one."""
    value, slope = _huber(x, delta)
    assert isinstance(loss, torch.Tensor), f"{what} should return a tensor, got {loss!r}"
    assert_tensor(loss.detach(), _f64(value), what=what)
    assert loss.requires_grad, f"{what} has no graph back to x"
    (grad,) = torch.autograd.grad(loss, t, create_graph=True)
    assert_tensor(grad.detach(), _f64(slope), what=f"d/dx {what}")
    if abs(x) == delta:
        return  # the kink: either branch is right there (HuberLoss itself takes the straight one)
    curvature = 1.0 if abs(x) < delta else 0.0
    second = torch.autograd.grad(grad, t, allow_unused=True)[0] if grad.requires_grad else None
    # float(): autograd may answer with a lazy "zero tensor", whose tensor operations
    # go through a slow path that imports torch's compiler
    second = _f64(0.0 if second is None else float(second))
    branch = "0.5 * x**2" if curvature else "delta * (|x| - delta / 2)"
    assert_tensor(second, _f64(curvature), what=f"d2/dx2 {what} (the branch {branch} was due)")


@pytest.mark.parametrize(("x", "delta"), HUBER_CASES)
def test_huber_value_and_gradient(x, delta):
    t = _leaf(x)
    _check_huber(x, delta, dg.huber(t, delta), t, f"huber({x}, delta={delta})")


@pytest.mark.parametrize(("x", "delta"), [(1.0, 1.0), (-1.0, 1.0), (0.5, 0.5), (-2.0, 2.0)])
def test_huber_on_the_boundary(x, delta):
    # |x| == delta: both formulas give the same value and the same slope there
    t = _leaf(x)
    _check_huber(x, delta, dg.huber(t, delta), t, f"huber({x}, delta={delta})")


@pytest.mark.parametrize("x", [0.4, -0.9, 1.3, -2.6])
def test_huber_delta_defaults_to_1(x):
    t = _leaf(x)
    _check_huber(x, 1.0, dg.huber(t), t, f"huber({x}) (delta left at its default)")


def test_huber_builds_only_the_branch_taken():
    inside, outside = _leaf(0.3), _leaf(2.5)
    ops_inside, ops_outside = (
        _operations(dg.huber(inside, 1.0)),
        _operations(dg.huber(outside, 1.0)),
    )
    assert ops_inside != ops_outside, (
        f"huber(0.3) and huber(2.5) recorded the same operations, {ops_inside}: both branches "
        "were built on every call (torch.where or a mask does that); a Python if builds only "
        "the branch taken, so the two graphs differ"
    )


def test_huber_switches_branch_from_call_to_call():
    for x in [0.5, 3.0, -0.25, -2.0, 0.9, 1.1]:
        _, slope = _huber(x, 1.0)
        t = _leaf(x)
        grad = _grad_of(dg.huber(t, 1.0), t, f"huber({x})")
        assert_tensor(grad, _f64(slope), what=f"d/dx huber({x}) after calls on the other branch")


# -- running_state ---------------------------------------------------------------------


def _state(w, inputs):
    h = 0.0
    for x in inputs:
        h = math.tanh(w * h + x)
    return h


def _numeric_derivative(w, inputs, eps=1e-6):
    # Central difference: error about eps^2 (truncation) + 1e-16 / eps (rounding), i.e. ~1e-10.
    return (_state(w + eps, inputs) - _state(w - eps, inputs)) / (2 * eps)


_rng2 = random.Random(12)
RNN_CASES = [(0.5, [1.0]), (0.8, [0.2, -0.4, 0.9]), (-1.3, [0.5, 0.1, -0.2, 0.3, 0.7, -0.6])] + [
    (round(_rng2.uniform(-1.5, 1.5), 3), [round(_rng2.uniform(-1, 1), 3) for _ in range(n)])
    for n in (2, 5, 9)
]


@pytest.mark.parametrize(("w", "inputs"), RNN_CASES, ids=[f"len{len(c[1])}" for c in RNN_CASES])
def test_running_state_value_and_gradient(w, inputs, junk_in_fresh_memory):
    t = _leaf(w)
    h = dg.running_state(t, inputs)
    what = f"running_state({w}, {inputs})"
    assert isinstance(h, torch.Tensor), f"{what} should return a tensor, got {h!r}"
    assert_tensor(h.detach(), _f64(_state(w, inputs)), what=what)
    assert_tensor(
        _grad_of(h, t, what),
        _f64(_numeric_derivative(w, inputs)),
        what=f"d/dw {what}",
        rtol=1e-6,
        atol=1e-8,
    )


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_running_state_starts_from_a_zero_like_w(dtype):
    w = torch.tensor(0.9, dtype=dtype, requires_grad=True)
    h = dg.running_state(w, [])
    assert_tensor(h, torch.tensor(0.0, dtype=dtype), what=f"running_state(<{dtype} w>, [])")
    h = dg.running_state(w, [0.25, -0.5])
    expected = torch.tensor(_state(0.9, [0.25, -0.5]), dtype=dtype)
    assert_tensor(h.detach(), expected, what=f"running_state(<{dtype} w = 0.9>, [0.25, -0.5])")


def test_running_state_graph_grows_with_the_sequence():
    w = _leaf(0.7)
    for n in (1, 2, 4, 8):
        steps = _operations(dg.running_state(w, [0.1] * n)).count("TanhBackward0")
        assert steps == n, (
            f"running_state(w, <{n} inputs>) recorded {steps} tanh steps, expected {n}: "
            "one per input, all in one graph"
        )


# -- graph_depth -----------------------------------------------------------------------


def _x():
    return torch.tensor(0.5, requires_grad=True)


def _chain(n):
    y = _x()
    for _ in range(n):
        y = y + 1
    return y


def _doubled(n):
    # y = y + y feeds the same node into the next twice: n operations deep, but 2**n
    # paths from the top back to x, so walking every path anew never ends in time
    y = _x()
    for _ in range(n):
        y = y + y
    return y


GRAPHS = {
    "leaf x": (lambda: _x(), 0),
    "no grad": (lambda: torch.ones(3) * 2, 0),
    "x * 2": (lambda: _x() * 2, 1),
    "(x * 2 + 1).sin()": (lambda: (_x() * 2 + 1).sin(), 3),
    "x * 2 + x.exp().exp()": (lambda: (lambda x: x * 2 + x.exp().exp())(_x()), 3),
    "x.exp().exp().exp() * x": (lambda: (lambda x: x.exp().exp().exp() * x)(_x()), 4),
    "x * x.exp() + x.sin().cos()": (lambda: (lambda x: x * x.exp() + x.sin().cos())(_x()), 3),
    "(a * b) with two leaves": (lambda: _x() * torch.tensor(2.0, requires_grad=True), 1),
    "40 steps of y = y + 1": (lambda: _chain(40), 40),
    "x * x, one leaf used twice": (lambda: (lambda x: x * x)(_x()), 1),
    "10 steps of y = y + y": (lambda: _doubled(10), 10),
    # the last: an answer that walks every path again runs out of time here
    "64 steps of y = y + y (each node used twice, 2**64 paths)": (lambda: _doubled(64), 64),
}


@pytest.mark.parametrize("name", list(GRAPHS))
def test_graph_depth(name):
    build, expected = GRAPHS[name]
    depth = dg.graph_depth(build())
    assert depth == expected, f"graph_depth({name}) = {depth!r}, expected {expected}"
