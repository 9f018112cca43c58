"""Kata 04: arithmetic and in-place operations. Edit src/arithmetic.py until these pass.

Several tests take a view of a tensor *before* calling your function and look
at it afterwards: a view shares memory with its base, so it shows whether
your function changed the memory itself or only made a new tensor.
"""

import pytest
import torch

from katakit.testing import NUMERIC, SHAPES, SPECIALS, Spec, assert_tensor, cover, wide
from learner import arithmetic


def _exactly(actual, expected, what):
    __tracebackhide__ = True
    assert_tensor(actual, expected, what=what, rtol=0, atol=0)


def _operands(spec, seed):
    """x with NaN, inf, -inf and -0.0 first (floats), y with zeros among its first values."""
    floating = spec.dtype.is_floating_point
    x = spec.make(seed, first=SPECIALS if floating else ())
    y = spec.make(seed + 1, first=(1, 0, 2, -0.0, 0) if floating else (1, 0))
    return x, y


def _int_pair(shape):
    x = torch.randint(-20, 20, shape)
    magnitude = torch.randint(1, 10, shape)
    sign = torch.where(torch.rand(shape) < 0.5, -1, 1)
    return x, magnitude * sign  # y has no zeros, so x / y is always defined


def _float_pair(shape):
    return torch.randn(shape), torch.randn(shape) + 3.0


PAIRS = {
    "chapter": lambda: (torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])),
    "int-5": lambda: _int_pair((5,)),
    "int-3x4": lambda: _int_pair((3, 4)),
    "int-2x3x2": lambda: _int_pair((2, 3, 2)),
    "float-4x2": lambda: _float_pair((4, 2)),
    "float64-3": lambda: tuple(t.double() for t in _float_pair((3,))),
}


@pytest.fixture(params=list(PAIRS), ids=list(PAIRS))
def pair(request):
    return PAIRS[request.param]()


# -- element-wise operators ----------------------------------------------------


def test_elementwise_on_the_chapter_example():
    x, y = torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])
    result = arithmetic.elementwise(x, y)
    assert isinstance(result, tuple) and len(result) == 4, (
        f"elementwise should return a tuple of four tensors, got {result!r}"
    )
    total, difference, product, quotient = result
    assert_tensor(total, torch.tensor([5, 7, 9]), what="sum of [1, 2, 3] and [4, 5, 6]")
    assert_tensor(difference, torch.tensor([-3, -3, -3]), what="[1, 2, 3] - [4, 5, 6]")
    assert_tensor(product, torch.tensor([4, 10, 18]), what="[1, 2, 3] * [4, 5, 6]")
    assert_tensor(
        quotient, torch.tensor([0.25, 0.4, 0.5]), what="[1, 2, 3] / [4, 5, 6] (true division)"
    )


def test_elementwise_matches_the_function_forms(pair):
    x, y = pair
    x_before, y_before = x.clone(), y.clone()
    total, difference, product, quotient = arithmetic.elementwise(x, y)
    assert_tensor(total, torch.add(x_before, y_before), what="sum (torch.add)")
    assert_tensor(difference, torch.sub(x_before, y_before), what="difference (torch.sub)")
    assert_tensor(product, torch.mul(x_before, y_before), what="product (torch.mul)")
    assert_tensor(quotient, torch.div(x_before, y_before), what="quotient (torch.div)")
    assert_tensor(x, x_before, what="x after elementwise(x, y) (it must not change)")
    assert_tensor(y, y_before, what="y after elementwise(x, y) (it must not change)")


def test_division_is_true_division(pair):
    x, y = pair
    quotient = arithmetic.elementwise(x, y)[3]
    assert quotient.is_floating_point(), (
        f"x / y is true division: for {x.dtype} inputs it gives floats, got {quotient.dtype}"
    )
    expected = x.double() / y.double()
    assert_tensor(
        quotient.double(), expected, what="quotient (compared in float64)", rtol=1e-6, atol=1e-6
    )


# -- the function form: torch.add with alpha -----------------------------------


@pytest.mark.parametrize("alpha", [2, -0.5, 0, 1.5, 10])
def test_add_scaled_floats(alpha):
    x, y = torch.randn(3, 4), torch.randn(3, 4)
    expected = x + alpha * y
    assert_tensor(
        arithmetic.add_scaled(x, y, alpha),
        expected,
        what=f"add_scaled(x, y, alpha={alpha})",
        rtol=1e-5,
        atol=1e-5,
    )


@pytest.mark.parametrize("alpha", [3, -1, 0])
def test_add_scaled_integers(alpha):
    x, y = _int_pair((6,))
    expected = torch.tensor([a + alpha * b for a, b in zip(x.tolist(), y.tolist(), strict=True)])
    assert_tensor(
        arithmetic.add_scaled(x, y, alpha), expected, what=f"add_scaled(x, y, alpha={alpha})"
    )


@pytest.mark.parametrize("alpha", [2.0, 0])
def test_add_scaled_leaves_inputs_alone(alpha):
    x, y = torch.randn(5), torch.randn(5)
    x_before, y_before = x.clone(), y.clone()
    result = arithmetic.add_scaled(x, y, alpha)
    assert_tensor(x, x_before, what=f"x after add_scaled(x, y, {alpha}) (it must not change)")
    assert_tensor(y, y_before, what=f"y after add_scaled(x, y, {alpha}) (it must not change)")
    assert isinstance(result, torch.Tensor) and result.data_ptr() not in (
        x.data_ptr(),
        y.data_ptr(),
    ), f"add_scaled(x, y, {alpha}) should return a new tensor, not one sharing an input's memory"


# -- in place versus out of place ----------------------------------------------


def test_add_in_place_on_the_chapter_example():
    x, y = torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6])
    arithmetic.add_in_place(x, y)
    assert_tensor(x, torch.tensor([5, 7, 9]), what="x after add_in_place(x, y)")


def test_add_in_place_changes_x(pair):
    x, y = pair
    expected, y_before = x + y, y.clone()
    result = arithmetic.add_in_place(x, y)
    assert_tensor(
        x,
        expected,
        what="x after add_in_place(x, y) (x itself must now hold the sum)",
    )
    assert result is x, (
        "add_in_place should return x itself, the tensor it changed, "
        f"not {'None' if result is None else 'a different tensor'}"
    )
    assert_tensor(y, y_before, what="y after add_in_place(x, y) (it must not change)")


def test_add_in_place_reuses_the_same_memory(pair):
    x, y = pair
    address = x.data_ptr()
    alias = x.view(-1)  # shares x's memory
    expected = (x + y).view(-1)
    arithmetic.add_in_place(x, y)
    assert x.data_ptr() == address, (
        "x now points at different memory: the sum went into a new block "
        "instead of being written into x's own"
    )
    assert_tensor(
        alias,
        expected,
        what="a view of x taken before add_in_place (it shares x's memory, so it sees the sum)",
    )


def test_add_out_of_place(pair):
    x, y = pair
    x_before, y_before = x.clone(), y.clone()
    alias = x.view(-1)
    result = arithmetic.add_out_of_place(x, y)
    assert_tensor(result, x_before + y_before, what="add_out_of_place(x, y)")
    assert_tensor(x, x_before, what="x after add_out_of_place(x, y) (it must not change)")
    assert_tensor(y, y_before, what="y after add_out_of_place(x, y) (it must not change)")
    assert_tensor(alias, x_before.view(-1), what="a view of x taken before add_out_of_place")
    assert result.data_ptr() not in (x.data_ptr(), y.data_ptr()), (
        "the result shares memory with an input: it should be a new tensor"
    )


# -- views follow their base ---------------------------------------------------

MATRICES = [(3, 4, 0), (3, 4, 2), (5, 2, -1), (4, 6, 1)]


@pytest.mark.parametrize(("rows", "cols", "i"), MATRICES)
def test_row_view_values(rows, cols, i):
    matrix = torch.randn(rows, cols)
    before = matrix.clone()
    assert_tensor(arithmetic.row_view(matrix, i), before[i], what=f"row_view(<{rows}x{cols}>, {i})")
    assert_tensor(matrix, before, what="the matrix after row_view (it must not change)")


@pytest.mark.parametrize(("rows", "cols", "i"), MATRICES)
def test_row_view_follows_in_place_changes_of_its_base(rows, cols, i):
    matrix = torch.randn(rows, cols)
    row = arithmetic.row_view(matrix, i)
    matrix.mul_(2).add_(10)
    assert_tensor(
        row,
        matrix.clone()[i],
        what=f"row {i} after matrix.mul_(2).add_(10) (a view sees its base change in place)",
    )


@pytest.mark.parametrize(("rows", "cols", "i"), MATRICES)
def test_row_view_writes_reach_the_base(rows, cols, i):
    matrix = torch.randn(rows, cols)
    row = arithmetic.row_view(matrix, i)
    row[0] = 99.0
    assert matrix[i, 0].item() == 99.0, (
        f"after row[0] = 99 the matrix still has {matrix[i, 0].item():.4f} at [{i}, 0]: "
        "the row is a copy, not a view"
    )


@pytest.mark.parametrize("shape", [(4,), (2, 3), (3, 1, 2)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.int64])
def test_frozen_copy_keeps_the_old_values(shape, dtype):
    t = torch.randint(-9, 9, shape).to(dtype)
    before = t.clone()
    copy = arithmetic.frozen_copy(t)
    assert_tensor(copy, before, what="frozen_copy(t)")
    t.add_(5)
    t.mul_(3)
    assert_tensor(
        copy,
        before,
        what="frozen_copy(t) after t.add_(5) and t.mul_(3) (a copy must not follow t)",
    )


def test_frozen_copy_writes_do_not_reach_the_original():
    t = torch.randn(3, 3)
    before = t.clone()
    copy = arithmetic.frozen_copy(t)
    copy.zero_()
    assert_tensor(t, before, what="t after frozen_copy(t).zero_() (t must not change)")
    assert copy.data_ptr() != t.data_ptr(), "the copy shares t's memory"


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int64])
def test_frozen_copy_is_never_t_itself(dtype):
    # Conversions such as contiguous(), to(dtype) and as_tensor hand back t itself
    # when there is nothing to convert: no copy at all.
    t = torch.randint(-9, 9, (2, 4)).to(dtype)
    copy = arithmetic.frozen_copy(t)
    assert copy is not t and copy.data_ptr() != t.data_ptr(), (
        f"frozen_copy(<{dtype} tensor>) returned {'t itself' if copy is t else 'a view of t'}, "
        "not a copy with its own memory"
    )


# -- every dtype, shape and layout the docstrings allow ------------------------


def test_elementwise_of_every_dtype_shape_and_layout():
    for seed, spec in enumerate(cover(SHAPES, NUMERIC)):
        dtype = spec.dtype
        x, y = _operands(spec, 2 * seed)
        x_before, y_before = x.clone(), y.clone()
        total, difference, product, quotient = arithmetic.elementwise(x, y)
        wx, wy = wide(x_before), wide(y_before)
        what = f"elementwise(<{spec} x>, <{spec} y>)"
        _exactly(total, (wx + wy).to(dtype), f"{what}: the sum")
        _exactly(difference, (wx - wy).to(dtype), f"{what}: the difference")
        _exactly(product, (wx * wy).to(dtype), f"{what}: the product")
        # True division, rounded once; integers divide as float32, by IEEE rules at 0
        floats = dtype if dtype.is_floating_point else torch.float32
        _exactly(
            quotient,
            (x_before.double() / y_before.double()).to(floats),
            f"{what}: the quotient x / y (exact, so no reciprocal; inf and nan where IEEE "
            "division gives them)",
        )
        _exactly(x, x_before, f"x after {what} (it must not change)")
        _exactly(y, y_before, f"y after {what} (it must not change)")


BIG = 2**31  # products of two such values still fit int64; float32 holds none exactly


@pytest.mark.parametrize("alpha", [3, -2, 0, 1])
def test_add_scaled_of_integers_beyond_float32(alpha):
    x = Spec((4, 3), torch.int64, strided=True).make(alpha + 10, low=-BIG, high=BIG)
    y = Spec((4, 3), torch.int64, strided=True).make(alpha + 20, low=-BIG, high=BIG)
    expected = torch.tensor(
        [
            [a + alpha * b for a, b in zip(ra, rb, strict=True)]
            for ra, rb in zip(x.tolist(), y.tolist(), strict=True)
        ]
    )
    _exactly(
        arithmetic.add_scaled(x, y, alpha),
        expected,
        f"add_scaled(<int64 x>, <int64 y>, alpha={alpha}) with values near 2**31 (through "
        "float32 they lose their last digits)",
    )


def test_add_in_place_and_out_of_place_in_every_layout():
    for seed, spec in enumerate(cover(SHAPES, NUMERIC)):
        dtype = spec.dtype
        x, y = _operands(spec, 2 * seed)
        x_before, y_before = x.clone(), y.clone()
        expected = (wide(x_before) + wide(y_before)).to(dtype)
        result = arithmetic.add_out_of_place(x, y)
        _exactly(result, expected, f"add_out_of_place(<{spec} x>, <{spec} y>)")
        _exactly(x, x_before, f"x after add_out_of_place(<{spec} x>, y) (it must not change)")
        alias, address = x[...], x.data_ptr()  # a view of all of x: it sees x's memory
        returned = arithmetic.add_in_place(x, y)
        assert returned is x, f"add_in_place(<{spec} x>, y) should return x itself"
        _exactly(x, expected, f"x after add_in_place(<{spec} x>, y)")
        assert x.data_ptr() == address, (
            f"add_in_place(<{spec} x>, y): x now points at new memory (a 0-d x has no slices)"
        )
        _exactly(alias, expected, f"a view of x taken before add_in_place(<{spec} x>, y)")
        _exactly(y, y_before, f"y after add_in_place(<{spec} x>, y) (it must not change)")


@pytest.mark.parametrize("layout", ["strided", "transposed"])
@pytest.mark.parametrize("i", [0, 2, -1])
def test_row_view_of_a_matrix_in_any_layout(layout, i):
    if layout == "strided":
        matrix = Spec((4, 5), torch.float32, strided=True).make(i + 5)
    else:
        matrix = torch.randn(5, 4).T
    row = arithmetic.row_view(matrix, i)
    matrix.mul_(2)
    _exactly(
        row,
        matrix.clone()[i],
        f"row_view(<{layout} 4x5 matrix>, {i}) after matrix.mul_(2): a view of a "
        "non-contiguous matrix is still a view (a contiguous copy is not)",
    )


def test_frozen_copy_of_every_dtype_shape_and_layout():
    for seed, spec in enumerate(cover(SHAPES, [torch.bool, *NUMERIC, torch.complex64])):
        dtype = spec.dtype
        t = spec.make(seed)
        before = t.clone()
        copy = arithmetic.frozen_copy(t)
        _exactly(copy, before, f"frozen_copy(<{spec} tensor>)")
        t.copy_(~t if dtype == torch.bool else t + 1)
        _exactly(copy, before, f"frozen_copy(<{spec} tensor>) after t changed in place")
