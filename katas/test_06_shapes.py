"""Kata 06: changing shapes. Edit src/shapes.py until these pass.

Several inputs are non-contiguous: a transposed or permuted tensor, or a
slice of columns. Their elements are not stored in the order in which you
read them, which is exactly where ``view`` and ``reshape`` part ways.
"""

import math

import numpy as np
import pytest
import torch

from katakit.testing import (
    ALL_DTYPES,
    FLOATS,
    SHAPES,
    TOLERANCES,
    Spec,
    assert_tensor,
    cover,
)
from learner import shapes


def _row_order(t):
    """The elements of ``t`` in row order, as a fresh contiguous 1-D tensor."""
    return torch.tensor(t.tolist(), dtype=t.dtype).reshape(-1)


def _unchanged(t, before, name):
    __tracebackhide__ = True
    assert_tensor(
        t,
        before,
        what=f"t after {name}(t) (t keeps its shape and values; the answer is a new tensor)",
    )


# name: (build, target shape given, resulting shape)
RESHAPES = {
    "chapter-2x3x4-to-2x12": (lambda: torch.randn(2, 3, 4), (2, 12), (2, 12)),
    "2x3x4-to-2x-1": (lambda: torch.randn(2, 3, 4), (2, -1), (2, 12)),
    "arange-12-to-3x4": (lambda: torch.arange(12), (3, 4), (3, 4)),
    "int-6-to-3x1x2": (lambda: torch.randint(-9, 9, (6,)), (3, 1, 2), (3, 1, 2)),
    "transposed-6x4-to-3x8": (lambda: torch.randn(4, 6).T, (3, 8), (3, 8)),
    "transposed-5x3-to-15": (lambda: torch.randn(3, 5).T, (-1,), (15,)),
    "permuted-4x2x2-to-4x-1": (
        lambda: torch.randint(0, 50, (2, 4, 2)).permute(1, 0, 2),
        (4, -1),
        (4, 4),
    ),
}

# tensors whose memory is not in row order: view(-1) cannot see them as one row
NON_CONTIGUOUS = {
    "transposed-3x4": lambda: torch.randn(3, 4).T,
    "permuted-2x3x4": lambda: torch.randn(2, 3, 4).permute(2, 0, 1),
    "column-slice": lambda: torch.randn(4, 6)[:, :3],
}

CONTIGUOUS = {
    "chapter-2x3x4": lambda: torch.randn(2, 3, 4),
    "int-2x3": lambda: torch.arange(6).reshape(2, 3),
    "vector-5": lambda: torch.randn(5),
    "randn-5x5": lambda: torch.randn(5, 5),
}


# -- reshape -------------------------------------------------------------------


@pytest.mark.parametrize("name", list(RESHAPES))
def test_reshape_to(name):
    build, target, result_shape = RESHAPES[name]
    t = build()
    expected = _row_order(t).reshape(result_shape)
    before = t.clone()
    result = shapes.reshape_to(t, target)
    _unchanged(t, before, "reshape_to")
    assert_tensor(
        result,
        expected,
        what=f"reshape_to(<{tuple(t.shape)}{'' if t.is_contiguous() else ', non-contiguous'}>, "
        f"{target})",
    )


# -- flatten -------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CONTIGUOUS) + list(NON_CONTIGUOUS))
def test_flatten(name):
    t = {**CONTIGUOUS, **NON_CONTIGUOUS}[name]()
    before = t.clone()
    result = shapes.flatten(t)
    _unchanged(t, before, "flatten")
    assert_tensor(
        result,
        _row_order(t),
        what=f"flatten(<{name}, shape {tuple(t.shape)}>) "
        f"(expected {math.prod(t.shape)} elements in one dimension)",
    )


# -- view: no copies, so it needs contiguous memory ------------------------------


@pytest.mark.parametrize("name", list(CONTIGUOUS))
def test_flat_view_shares_memory(name):
    t = CONTIGUOUS[name]()
    result = shapes.flat_view(t)
    assert_tensor(result, _row_order(t), what=f"flat_view(<{name}>)")
    assert result.data_ptr() == t.data_ptr(), "flat_view returned a copy, not a view of t"
    result[-1] = 77
    assert t.reshape(-1)[-1].item() == 77, (
        "after flat_view(t)[-1] = 77 the last element of t did not change: the result is a copy"
    )


@pytest.mark.parametrize("name", list(NON_CONTIGUOUS))
def test_flat_view_refuses_non_contiguous_tensors(name):
    t = NON_CONTIGUOUS[name]()
    assert not t.is_contiguous()
    try:
        result = shapes.flat_view(t)
    except NotImplementedError:  # a RuntimeError too, but it is the unfinished stub's
        raise
    except RuntimeError:
        return
    pytest.fail(
        f"flat_view(<{name}, non-contiguous>) returned a tensor "
        f"{'sharing' if result.data_ptr() == t.data_ptr() else 'NOT sharing'} t's memory; "
        "its elements are not stored in row order, so no 1-D view exists: view(-1) raises "
        "RuntimeError there, while reshape and contiguous() quietly copy"
    )


# -- adding and removing dimensions of length 1 ------------------------------------


@pytest.mark.parametrize("shape", [(3,), (2, 5), (), (4, 1, 2)])
def test_add_batch_dim(shape):
    t = torch.randint(-9, 9, shape)
    before = t.clone()
    expected = torch.tensor([t.tolist()], dtype=t.dtype)
    assert_tensor(
        shapes.add_batch_dim(t),
        expected,
        what=f"add_batch_dim(<shape {shape}>) (expected shape {(1, *shape)})",
    )
    _unchanged(t, before, "add_batch_dim")


def test_add_batch_dim_on_the_chapter_example():
    result = shapes.add_batch_dim(torch.tensor([1, 2, 3]))
    assert_tensor(result, torch.tensor([[1, 2, 3]]), what="add_batch_dim(tensor([1, 2, 3]))")


@pytest.mark.parametrize(
    ("shape", "squeezed"),
    [
        ((1, 3, 1, 4), (3, 4)),
        ((3, 1, 4), (3, 4)),
        ((1, 1, 5), (5,)),
        ((4, 1), (4,)),
        ((2, 3), (2, 3)),
        ((1, 1), ()),
    ],
)
def test_drop_unit_dims(shape, squeezed):
    t = torch.randn(shape)
    before = t.clone()
    expected = _row_order(t).reshape(squeezed)
    assert_tensor(
        shapes.drop_unit_dims(t),
        expected,
        what=f"drop_unit_dims(<shape {shape}>) (expected shape {squeezed})",
    )
    _unchanged(t, before, "drop_unit_dims")


# -- every dtype, shape and layout the docstrings allow ------------------------


def _exactly(actual, expected, what):
    __tracebackhide__ = True
    assert_tensor(actual, expected, what=what, rtol=0, atol=0)


def test_every_function_keeps_any_dtype_shape_and_layout():
    for seed, spec in enumerate(cover(SHAPES, ALL_DTYPES)):
        t = spec.make(seed)
        before, row = t.clone(), _row_order(t)
        n, kept = row.numel(), tuple(d for d in spec.shape if d != 1)
        _exactly(shapes.flatten(t), row, f"flatten(<{spec}>)")
        _exactly(shapes.reshape_to(t, (1, -1)), row.reshape(1, n), f"reshape_to(<{spec}>, (1, -1))")
        _exactly(shapes.add_batch_dim(t), row.reshape(1, *spec.shape), f"add_batch_dim(<{spec}>)")
        padded = t[None, ..., None]  # unit dimensions at both ends, the layout kept
        _exactly(
            shapes.drop_unit_dims(padded), row.reshape(kept), f"drop_unit_dims(<{spec} in 1x...x1>)"
        )
        _exactly(
            t,
            before,
            f"<{spec}> t after flatten, reshape_to, add_batch_dim and "
            "drop_unit_dims (t keeps its shape and values; each answer is a new tensor)",
        )


def test_flat_view_of_any_dtype_and_shape():
    for seed, spec in enumerate(cover(SHAPES, ALL_DTYPES)):
        t = spec.make(seed)
        try:
            result = shapes.flat_view(t)
        except NotImplementedError:  # the stub's; a RuntimeError too, so it goes first
            raise
        except RuntimeError:
            assert spec.strided, (
                f"flat_view(<{spec}>) raised, but a contiguous tensor has a 1-D view"
            )
            continue
        _exactly(result, _row_order(t), f"flat_view(<{spec}>)")
        if t.count_nonzero():
            # every other element of a block still has a 1-D view (stride 2): it must be one
            result.zero_()
            assert not t.count_nonzero(), (
                f"after zeroing flat_view(<{spec}>), t still holds non-zero values: the result "
                "is a copy, not a view"
            )


# -- Exercise 1 ------------------------------------------------------------------

STATS_INPUTS = {
    "randn-5x5-a": lambda: torch.randn(5, 5),
    "randn-5x5-b": lambda: torch.randn(5, 5),
    "randn-5x5-c": lambda: torch.randn(5, 5),
    "shifted-3x7": lambda: torch.randn(3, 7) * 4 + 2,
    "vector-10": lambda: torch.randn(10),
    "uniform-2x2x2": lambda: torch.rand(2, 2, 2),
}


@pytest.mark.parametrize("name", list(STATS_INPUTS))
def test_summary_stats(name):
    t = STATS_INPUTS[name]()
    values = t.double().numpy().ravel()
    expected = {
        "mean": values.mean(),
        "std": values.std(ddof=1),  # the sample standard deviation, torch's default
        "max": values.max(),
        "min": values.min(),
    }
    before = t.clone()
    result = shapes.summary_stats(t)
    _unchanged(t, before, "summary_stats")
    assert isinstance(result, dict) and set(result) == set(expected), (
        f"summary_stats should return a dict with keys {sorted(expected)}, got {result!r}"
    )
    for key, value in expected.items():
        got = result[key]
        assert isinstance(got, float), (
            f"summary_stats(...)[{key!r}] should be a Python float, got {type(got).__name__} "
            f"{got!r} (a tensor's .item() gives its number)"
        )
        assert got == pytest.approx(value, rel=1e-5, abs=1e-6), (
            f"summary_stats(<{name}>)[{key!r}] should be {value:.6f}, got {got:.6f}"
        )


def _stats_of(t):
    values = t.double().numpy().ravel()
    return {
        "mean": float(values.mean()),
        "std": float(values.std(ddof=1)),
        "max": float(values.max()),
        "min": float(values.min()),
    }


def test_summary_stats_of_every_float_dtype():
    for seed, spec in enumerate(cover([(5, 5), (7,), (2, 3, 2)], FLOATS)):
        t = spec.make(seed, low=-4, high=4)
        rtol, atol = TOLERANCES[spec.dtype]
        result = shapes.summary_stats(t)
        for key, value in _stats_of(t).items():
            got = result[key]
            assert isinstance(got, float), (
                f"summary_stats(<{spec}>)[{key!r}] is {got!r}, not a float"
            )
            # the statistic rounded once to t's dtype
            assert got == pytest.approx(value, rel=2 * rtol, abs=atol), (
                f"summary_stats(<{spec}>)[{key!r}] should be {value:.6g}, got {got:.6g}"
            )


def test_summary_stats_keeps_float64_precision():
    # 1e8 plus noise of size 1: float32 spaces its numbers 8 apart there, so a cast to
    # float32 would lose the noise and with it the standard deviation
    t = 1e8 + Spec((4, 6), torch.float64, strided=True).make(3, low=-1, high=1)
    result = shapes.summary_stats(t)
    for key, value in _stats_of(t).items():
        assert result[key] == pytest.approx(value, rel=1e-9), (
            f"summary_stats(<1e8 + noise, float64>)[{key!r}] should be {value!r}, got "
            f"{result[key]!r}: float64 data must keep its digits (no cast to float32)"
        )


def test_exercise_1_from_end_to_end():
    t = torch.randn(5, 5)
    stats = shapes.summary_stats(t)
    flat = shapes.flatten(t)
    assert_tensor(flat, _row_order(t), what="flatten(<5x5 randn>) (25 elements)")
    assert stats["min"] <= stats["mean"] <= stats["max"], f"inconsistent statistics {stats}"
    assert stats["std"] == pytest.approx(float(np.std(flat.numpy(), ddof=1)), rel=1e-5)
