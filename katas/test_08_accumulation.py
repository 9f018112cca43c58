"""Kata 08: gradient accumulation. Edit src/accumulation.py until these pass."""

import math
import random

import pytest
import torch

from katakit import testing
from katakit.testing import assert_tensor
from learner import accumulation

# name -> (function of a tensor, its derivative as a function of a float)
FUNCTIONS = {
    "x**2": (lambda x: x**2, lambda v: 2 * v),
    "x**3": (lambda x: x**3, lambda v: 3 * v**2),
    "sin(x)": (torch.sin, math.cos),
    "exp(x)": (torch.exp, math.exp),
    "4*x": (lambda x: 4 * x, lambda v: 4.0),
}

_rng = random.Random(8)
CASES = [(1.0, ["x**2", "x**3"])] + [
    (round(_rng.uniform(-2, 2), 3), _rng.sample(sorted(FUNCTIONS), k)) for k in (2, 3, 3, 4, 5)
]
IDS = [f"x={x}:{'+'.join(names)}" for x, names in CASES]


def _leaf(value, dtype=torch.float64):
    return torch.tensor([value], dtype=dtype, requires_grad=True)


def _count_backward_passes(leaf):
    """A list whose one entry counts the backward passes that reach ``leaf``.

    A tensor hook runs once for every backward() (or autograd.grad) that works
    out a gradient for that tensor.
    """
    count = [0]

    def bump(grad):
        count[0] += 1

    leaf.register_hook(bump)
    return count


@pytest.fixture
def junk_in_fresh_memory():
    """Fresh memory reads as NaN until written, so a missing initialisation shows."""
    with testing.junk_in_fresh_memory():
        yield


def _fns(names):
    return [FUNCTIONS[name][0] for name in names]


def _derivatives(x, names):
    return [FUNCTIONS[name][1](x) for name in names]


# -- accumulate ------------------------------------------------------------------------


def test_accumulate_chapter_example():
    x = torch.tensor([1.0], requires_grad=True)
    total = accumulation.accumulate(x, [lambda t: t**2, lambda t: t**3])
    assert_tensor(total, torch.tensor([5.0]), what="accumulate(1, [x**2, x**3])")


@pytest.mark.parametrize(("x", "names"), CASES, ids=IDS)
def test_accumulate_adds_up_every_gradient(x, names):
    t = _leaf(x)
    passes = _count_backward_passes(t)
    total = accumulation.accumulate(t, _fns(names))
    expected = torch.tensor([sum(_derivatives(x, names))], dtype=torch.float64)
    assert_tensor(total, expected, what=f"accumulate({x}, {names}) (the sum of all derivatives)")
    assert t.grad is not None, "x.grad is None: backward() was never called on x"
    assert_tensor(t.grad, expected, what="x.grad after accumulate")
    assert passes == [len(names)], (
        f"accumulate({x}, {names}) ran {passes[0]} backward passes through x, expected "
        f"{len(names)}: one backward() per function, each adding onto x.grad"
    )


# -- separate_grads --------------------------------------------------------------------


def _check_list(result, expected, what):
    assert isinstance(result, list), f"{what} should return a list, got {type(result).__name__}"
    assert len(result) == len(expected), (
        f"{what} returned {len(result)} gradients, not {len(expected)}"
    )
    for i, (got, want) in enumerate(zip(result, expected, strict=True)):
        assert_tensor(got, torch.tensor([want], dtype=torch.float64), what=f"{what}[{i}]")


def test_separate_grads_chapter_example():
    x = torch.tensor([1.0], requires_grad=True)
    result = accumulation.separate_grads(x, [lambda t: t**2, lambda t: t**3])
    assert isinstance(result, list) and len(result) == 2, f"expected a list of 2, got {result!r}"
    assert_tensor(result[0], torch.tensor([2.0]), what="separate_grads(1, [x**2, x**3])[0]")
    assert_tensor(result[1], torch.tensor([3.0]), what="separate_grads(1, [x**2, x**3])[1]")


@pytest.mark.parametrize(("x", "names"), CASES, ids=IDS)
def test_separate_grads_one_at_a_time(x, names):
    t = _leaf(x)
    passes = _count_backward_passes(t)
    result = accumulation.separate_grads(t, _fns(names))
    _check_list(result, _derivatives(x, names), f"separate_grads({x}, {names})")
    assert passes == [len(names)], (
        f"separate_grads({x}, {names}) ran {passes[0]} backward passes through x, "
        f"expected {len(names)}: one per function"
    )


@pytest.mark.parametrize(("x", "names"), CASES[1:4], ids=IDS[1:4])
def test_separate_grads_ignores_an_old_gradient_on_x(x, names):
    t = _leaf(x)
    (100 * t).backward()  # leaves x.grad = 100 from earlier work
    result = accumulation.separate_grads(t, _fns(names))
    _check_list(result, _derivatives(x, names), f"separate_grads({x}, {names}) with x.grad = 100")


@pytest.mark.parametrize("old", [math.nan, math.inf, -math.inf], ids=["nan", "inf", "-inf"])
def test_separate_grads_clears_an_old_nan_or_inf(old):
    # a diverged step can leave nan or inf in x.grad; 0 * nan and 0 * inf are both nan
    x, names = CASES[2]
    t = _leaf(x)
    t.grad = torch.full_like(t, old)
    result = accumulation.separate_grads(t, _fns(names))
    _check_list(
        result,
        _derivatives(x, names),
        f"separate_grads({x}, {names}) with x.grad = {old} from earlier work (it must not "
        "leak into any result)",
    )


@pytest.mark.parametrize(("x", "names"), CASES[1:4], ids=IDS[1:4])
def test_separate_grads_results_survive_later_resets(x, names):
    t = _leaf(x)
    result = accumulation.separate_grads(t, _fns(names))
    if t.grad is not None:
        t.grad.zero_()  # what the next training step would do
    _check_list(
        result, _derivatives(x, names), f"separate_grads({x}, {names}) after x.grad.zero_()"
    )


def test_chapter_sequence_accumulate_then_reset():
    x = torch.tensor([1.0], requires_grad=True)
    assert_tensor(
        accumulation.accumulate(x, [lambda t: t**2]), torch.tensor([2.0]), what="first gradient"
    )
    assert_tensor(
        accumulation.accumulate(x, [lambda t: t**3]),
        torch.tensor([5.0]),
        what="second (accumulated)",
    )
    (third,) = accumulation.separate_grads(x, [lambda t: t**3])
    assert_tensor(third, torch.tensor([3.0]), what="third gradient, after a reset")


# -- microbatch_grad -------------------------------------------------------------------


def _full_batch_grad(w, inputs, targets):
    # d/dw of mean((Xw - y)^2) is (2/N) X^T (Xw - y).
    residual = inputs @ w - targets
    return 2 * inputs.T @ residual / inputs.shape[0]


# (N, D, batch size): chunks that divide N exactly, a short last chunk, one row per
# chunk, and a batch size equal to or larger than N (one chunk)
SIZES = [(10, 3, 4), (12, 2, 3), (7, 1, 7), (9, 4, 1), (10, 3, 25), (11, 2, 5), (10, 2, 5)]


@pytest.mark.parametrize(
    ("n", "d", "batch_size"), SIZES, ids=[f"N{n}-D{d}-B{b}" for n, d, b in SIZES]
)
def test_microbatch_grad_equals_the_full_batch_gradient(n, d, batch_size):
    inputs = torch.randn(n, d, dtype=torch.float64)
    targets = torch.randn(n, dtype=torch.float64)
    w = torch.randn(d, dtype=torch.float64, requires_grad=True)
    before = inputs.clone(), targets.clone(), w.detach().clone()
    passes = _count_backward_passes(w)
    expected = _full_batch_grad(w.detach(), inputs, targets)
    result = accumulation.microbatch_grad(w, inputs, targets, batch_size)
    what = f"microbatch_grad(N={n}, D={d}, batch_size={batch_size})"
    assert_tensor(result, expected, what=what)
    assert w.grad is not None, "w.grad is None: the gradients must add up in w.grad"
    assert_tensor(w.grad, expected, what=f"w.grad after {what}")
    chunks = -(-n // batch_size)
    assert passes == [chunks], (
        f"{what} ran {passes[0]} backward passes through w, expected {chunks}: one "
        f"backward() per chunk of {batch_size} consecutive rows (the last may be shorter)"
    )
    for name, now, then in zip(
        ("inputs", "targets", "w"), (inputs, targets, w), before, strict=True
    ):
        assert_tensor(now.detach(), then, what=f"{name} after {what} (it must not change)")


def test_microbatch_grad_in_float32():
    inputs, targets = torch.randn(9, 2), torch.randn(9)
    w = torch.randn(2, requires_grad=True)
    expected = _full_batch_grad(w.detach().double(), inputs.double(), targets.double())
    result = accumulation.microbatch_grad(w, inputs, targets, 4)
    assert_tensor(result, expected.float(), what="microbatch_grad(float32, N=9, batch_size=4)")


@pytest.mark.parametrize("old", [math.nan, math.inf], ids=["nan", "inf"])
def test_microbatch_grad_clears_an_old_nan_or_inf(old):
    inputs = torch.randn(6, 2, dtype=torch.float64)
    targets = torch.randn(6, dtype=torch.float64)
    w = torch.randn(2, dtype=torch.float64, requires_grad=True)
    w.grad = torch.full_like(w, old)
    expected = _full_batch_grad(w.detach(), inputs, targets)
    result = accumulation.microbatch_grad(w, inputs, targets, 4)
    assert_tensor(result, expected, what=f"microbatch_grad(N=6, batch_size=4) with w.grad = {old}")


@pytest.mark.parametrize("batch_size", [2, 5])
def test_microbatch_grad_starts_from_zero(batch_size, junk_in_fresh_memory):
    inputs = torch.randn(10, 3, dtype=torch.float64)
    targets = torch.randn(10, dtype=torch.float64)
    w = torch.randn(3, dtype=torch.float64, requires_grad=True)
    (w * 7).sum().backward()  # an old gradient from a previous step
    expected = _full_batch_grad(w.detach(), inputs, targets)
    result = accumulation.microbatch_grad(w, inputs, targets, batch_size)
    assert_tensor(
        result, expected, what=f"microbatch_grad(batch_size={batch_size}) with an old w.grad"
    )


# -- train -------------------------------------------------------------------------

# name -> a function of the parameters that makes their optimiser
OPTIMISERS = {
    "SGD": lambda ps: torch.optim.SGD(ps, lr=0.05),
    "SGD-momentum": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9),
    "Adam": lambda ps: torch.optim.Adam(ps, lr=0.1),
    "two-groups": lambda ps: torch.optim.SGD(
        [{"params": ps[:1]}, {"params": ps[1:], "lr": 0.01}], lr=0.05
    ),
}


def _problem(n=20, d=3, dtype=torch.float64):
    """Parameters (w of shape (d,), b of shape ()) and a mean squared error over seeded data."""
    inputs, targets = torch.randn(n, d, dtype=dtype), torch.randn(n, dtype=dtype)
    start = [torch.randn(d, dtype=dtype), torch.randn((), dtype=dtype)]

    def loss_of(params):
        w, b = params
        return ((inputs @ w + b - targets) ** 2).mean()

    return start, loss_of


def _run(make, start, loss_of, steps, old_grad=None, *, learner=False):
    """Parameters and losses after ``steps`` steps: the learner's ``train`` or a plain loop."""
    params = [p.clone().requires_grad_() for p in start]
    if old_grad is not None:
        for p in params:
            p.grad = torch.full_like(p, old_grad)
    optimiser = make(params)
    calls = [0]

    def loss_fn():
        calls[0] += 1
        return loss_of(params)

    if learner:
        losses = accumulation.train(optimiser, loss_fn, steps)
    else:
        losses = []
        for _ in range(steps):
            optimiser.zero_grad()
            loss = loss_fn()
            loss.backward()
            optimiser.step()
            losses.append(loss.item())
    return params, losses, calls[0]


def _check_train(name, steps, old_grad=None):
    start, loss_of = _problem()
    what = f"train(<{name} optimiser>, loss_fn, steps={steps})"
    if old_grad is not None:
        what += f" with every .grad holding {old_grad} beforehand"
    params, losses, calls = _run(OPTIMISERS[name], start, loss_of, steps, old_grad, learner=True)
    want, want_losses, _ = _run(OPTIMISERS[name], start, loss_of, steps)
    assert isinstance(losses, list) and all(type(v) is float for v in losses), (
        f"{what} returned {testing.describe(losses)}: expected a list of Python floats "
        "(`loss.item()`), not tensors that keep each step's graph alive"
    )
    assert len(losses) == steps, f"{what} returned {len(losses)} losses, expected {steps}"
    assert calls >= steps, f"{what} called loss_fn {calls} times, expected once per step"
    for i, (got, expected) in enumerate(zip(losses, want_losses, strict=True)):
        assert math.isclose(got, expected, rel_tol=1e-9, abs_tol=1e-12), (
            f"{what}: loss {i + 1} was {got!r}, expected {expected!r} (each loss is measured "
            "before its step; are the gradients reset before every backward pass?)"
        )
    for label, p, q in zip(("w", "b"), params, want, strict=True):
        assert_tensor(p.detach(), q.detach(), what=f"{label} after {what}")
        assert p.grad is not None, (
            f"{label}.grad is None after {what}: reset before backward(), not after step(), "
            "so the last gradient is still there"
        )
        assert_tensor(p.grad, q.grad, what=f"{label}.grad after {what} (the last loss's)")


@pytest.mark.parametrize("name", sorted(OPTIMISERS))
def test_train_steps_like_a_training_loop(name):
    _check_train(name, steps=random.randint(2, 6))


@pytest.mark.parametrize("old", [math.nan, math.inf], ids=["nan", "inf"])
@pytest.mark.parametrize("name", ["SGD", "Adam"])
def test_train_forgets_an_old_gradient(name, old):
    _check_train(name, steps=3, old_grad=old)


def test_train_takes_one_step():
    _check_train("SGD-momentum", steps=1, old_grad=1.0)


def test_train_with_no_steps_changes_nothing():
    start, loss_of = _problem()
    params, losses, _ = _run(OPTIMISERS["SGD"], start, loss_of, 0, learner=True)
    assert losses == [], f"train(..., steps=0) returned {losses!r}, expected []"
    for p, q in zip(params, start, strict=True):
        assert_tensor(p.detach(), q, what="a parameter after train(..., steps=0)")


def test_train_fits_the_chapter_line():
    x = torch.randn(100, 1)
    y = 3 * x + 2 + 0.5 * torch.randn(100, 1)
    w, b = torch.zeros(1, requires_grad=True), torch.zeros(1, requires_grad=True)
    losses = accumulation.train(
        torch.optim.SGD([w, b], lr=0.3), lambda: ((w * x + b - y) ** 2).mean(), 30
    )
    assert len(losses) == 30 and losses[-1] < losses[0], (
        f"the loss went from {losses[0]:.4f} to {losses[-1]:.4f} in 30 steps: it should fall"
    )
    assert abs(w.item() - 3) < 0.3 and abs(b.item() - 2) < 0.3, (
        f"fitting y = 3x + 2 + noise gave w = {w.item():.3f}, b = {b.item():.3f}: "
        "expected about 3 and 2"
    )
