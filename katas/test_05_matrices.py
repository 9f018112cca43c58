"""Kata 05: matrix operations. Edit src/matrices.py until these pass.

The expected values here are worked out entry by entry with plain Python
loops, straight from the definitions.
"""

import pytest
import torch

from katakit.testing import FLOATS, NUMERIC, TOLERANCES, Spec, assert_tensor, cover, wide
from learner import matrices

# a sum of k products rounds k times: looser than one rounding for the narrow floats
SUM_TOL = {torch.float16: (1e-2, 1e-2), torch.bfloat16: (3e-2, 1e-1)}

FLOAT_TOL = {"rtol": 1e-5, "atol": 1e-5}


def _tol(t):
    return FLOAT_TOL if t.is_floating_point() else {}


def _product_by_definition(a, b):
    rows, inner = a.tolist(), b.tolist()
    return torch.tensor(
        [
            [sum(row[k] * inner[k][j] for k in range(len(inner))) for j in range(len(inner[0]))]
            for row in rows
        ],
        dtype=a.dtype,
    )


def _transpose_by_definition(m):
    rows = m.tolist()
    return torch.tensor(
        [[rows[i][j] for i in range(len(rows))] for j in range(len(rows[0]))], dtype=m.dtype
    )


def _call(name, *args):
    """Call matrices.<name>(*args) and check that it left every argument as it was."""
    before = [a.clone() for a in args]
    result = getattr(matrices, name)(*args)
    for i, (arg, old) in enumerate(zip(args, before, strict=True)):
        assert_tensor(arg, old, what=f"argument {i + 1} after {name}(...) (inputs must not change)")
    return result


def _ints(*shape):
    return torch.randint(-9, 10, shape)


CHAPTER_A = [[1, 2], [3, 4]]
CHAPTER_B = [[5, 6], [7, 8]]

# name: (build a, build b); all of these can be multiplied
PRODUCTS = {
    "chapter-2x2": lambda: (torch.tensor(CHAPTER_A), torch.tensor(CHAPTER_B)),
    "int-3x3": lambda: (_ints(3, 3), _ints(3, 3)),
    "int-3x4-4x2": lambda: (_ints(3, 4), _ints(4, 2)),
    "int-1x5-5x3": lambda: (_ints(1, 5), _ints(5, 3)),
    "float-4x4": lambda: (torch.randn(4, 4), torch.randn(4, 4)),
    "float-2x6-6x1": lambda: (torch.randn(2, 6), torch.randn(6, 1)),
}
SQUARE = [name for name in PRODUCTS if name in ("chapter-2x2", "int-3x3", "float-4x4")]


@pytest.fixture(params=list(PRODUCTS), ids=list(PRODUCTS))
def factors(request):
    return PRODUCTS[request.param]()


# -- matrix product and element-wise product -----------------------------------


def test_matmul_on_the_chapter_example():
    result = _call("matmul", torch.tensor(CHAPTER_A), torch.tensor(CHAPTER_B))
    assert_tensor(
        result,
        torch.tensor([[19, 22], [43, 50]]),
        what="matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]])",
    )


def test_matmul(factors):
    a, b = factors
    expected = _product_by_definition(a, b)
    result = _call("matmul", a, b)
    assert_tensor(
        result, expected, what=f"matmul(<{tuple(a.shape)}>, <{tuple(b.shape)}>)", **_tol(a)
    )


@pytest.mark.parametrize("name", SQUARE)
def test_star_is_elementwise_not_the_matrix_product(name):
    a, b = PRODUCTS[name]()
    expected = torch.tensor(
        [
            [x * y for x, y in zip(ra, rb, strict=True)]
            for ra, rb in zip(a.tolist(), b.tolist(), strict=True)
        ],
        dtype=a.dtype,
    )
    assert_tensor(_call("hadamard", a, b), expected, what=f"hadamard <{name}>", **_tol(a))
    assert_tensor(
        _call("matmul", a, b), _product_by_definition(a, b), what=f"matmul <{name}>", **_tol(a)
    )


@pytest.mark.parametrize("shape", [(2, 3), (5,), (1, 4), (3, 2, 2)])
def test_hadamard_any_shape(shape):
    a, b = torch.randn(shape), torch.randn(shape)
    expected = torch.tensor(
        [x * y for x, y in zip(a.flatten().tolist(), b.flatten().tolist(), strict=True)]
    ).reshape(shape)
    assert_tensor(
        _call("hadamard", a, b), expected, what=f"hadamard of two {shape} tensors", **FLOAT_TOL
    )


# -- transpose -----------------------------------------------------------------


def test_transpose_on_the_chapter_example():
    assert_tensor(
        _call("transpose", torch.tensor(CHAPTER_A)),
        torch.tensor([[1, 3], [2, 4]]),
        what="transpose([[1, 2], [3, 4]])",
    )


@pytest.mark.parametrize(
    "m",
    [_ints(2, 3), _ints(4, 1), _ints(3, 3), torch.randn(3, 5)],
    ids=["int-2x3", "int-4x1", "int-3x3", "float-3x5"],
)
def test_transpose(m):
    assert_tensor(
        _call("transpose", m),
        _transpose_by_definition(m),
        what=f"transpose(<{tuple(m.shape)}>) (rows become columns; a reshape keeps the order)",
    )


# -- dot product ---------------------------------------------------------------


def test_dot_on_the_chapter_example():
    result = _call("dot", torch.tensor([1, 2, 3]), torch.tensor([4, 5, 6]))
    assert_tensor(result, torch.tensor(32), what="dot([1, 2, 3], [4, 5, 6])")


@pytest.mark.parametrize("length", [1, 4, 7, 10])
def test_dot_of_integer_vectors(length):
    u, v = _ints(length), _ints(length)
    expected = torch.tensor(sum(x * y for x, y in zip(u.tolist(), v.tolist(), strict=True)))
    assert_tensor(
        _call("dot", u, v),
        expected,
        what=f"dot of two length-{length} vectors (one number: a 0-d tensor)",
    )


@pytest.mark.parametrize("length", [3, 8])
def test_dot_of_float_vectors(length):
    u, v = torch.randn(length), torch.randn(length)
    expected = torch.tensor(
        sum(x * y for x, y in zip(u.tolist(), v.tolist(), strict=True)), dtype=torch.float32
    )
    assert_tensor(
        _call("dot", u, v), expected, what=f"dot of two length-{length} vectors", **FLOAT_TOL
    )


# -- shapes that do not fit ----------------------------------------------------


def test_checked_matmul_multiplies_when_the_shapes_fit(factors):
    a, b = factors
    assert_tensor(
        _call("checked_matmul", a, b),
        _product_by_definition(a, b),
        what=f"checked_matmul(<{tuple(a.shape)}>, <{tuple(b.shape)}>)",
        **_tol(a),
    )


def _as_tuple(shape):
    return "(" + ", ".join(str(d) for d in shape) + ")"


@pytest.mark.parametrize(
    ("shape_a", "shape_b"),
    [((2, 3), (4, 5)), ((3, 2), (3, 2)), ((1, 4), (5, 1)), ((4, 4), (3, 4)), ((6, 2), (3, 6))],
)
def test_checked_matmul_rejects_a_mismatch_clearly(shape_a, shape_b):
    a, b = torch.randn(shape_a), torch.randn(shape_b)
    try:
        _call("checked_matmul", a, b)
    except ValueError as exc:
        message = str(exc)
    except Exception as exc:
        pytest.fail(
            f"checked_matmul({shape_a}, {shape_b}) should raise ValueError, "
            f"but raised {type(exc).__name__}: {exc}"
        )
    else:
        pytest.fail(f"checked_matmul({shape_a}, {shape_b}) should raise ValueError, returned")
    for shape in (shape_a, shape_b):
        assert _as_tuple(shape) in message, (
            f"the error message should name the shape {shape} written as a tuple, "
            f"{_as_tuple(shape)!r}; it says: {message!r}"
        )


# -- every dtype, shape and layout the docstrings allow ------------------------


def _close(dtype):
    """Tolerances for a sum of products in ``dtype``: none for integers."""
    if not dtype.is_floating_point:
        return {"rtol": 0, "atol": 0}
    rtol, atol = SUM_TOL.get(dtype, TOLERANCES[dtype])
    return {"rtol": rtol, "atol": atol}


# (n, k, m): the inner length k may be 0 (the product is then all zeros), so may n or m
PRODUCT_SHAPES = [(3, 4, 2), (2, 0, 3), (0, 3, 2)]


@pytest.mark.parametrize("name", ["matmul", "checked_matmul"])
def test_matrix_product_of_every_dtype_shape_and_layout(name):
    # every dtype in both layouts; the empty shapes in turn
    for seed, dtype in enumerate(NUMERIC):
        full, empty = PRODUCT_SHAPES[0], PRODUCT_SHAPES[1 + seed % 2]
        for (n, k, m), strided in ((full, False), (full, True), (empty, False)):
            a = Spec((n, k), dtype, strided).make(2 * seed)
            b = Spec((k, m), dtype, strided).make(2 * seed + 1)
            # the definition, in a wide type, cast to the inputs' dtype (integers wrap)
            expected = (wide(a) @ wide(b)).to(dtype)
            layout = "strided " if strided else ""
            assert_tensor(
                _call(name, a, b),
                expected,
                what=f"{name}(<{layout}{dtype} {n}x{k}>, <{layout}{dtype} {k}x{m}>)",
                **_close(dtype),
            )


@pytest.mark.parametrize("name", ["matmul", "checked_matmul", "dot"])
def test_products_of_integers_beyond_float32(name):
    # values near 2**20: each product needs 40 bits, far more than float32's 24
    big = {"low": -(2**20), "high": 2**20}
    shapes = ((5,), (5,)) if name == "dot" else ((3, 5), (5, 2))
    a, b = (Spec(shape, torch.int64).make(seed, **big) for seed, shape in enumerate(shapes))
    if name == "dot":
        expected = torch.tensor(sum(x * y for x, y in zip(a.tolist(), b.tolist(), strict=True)))
    else:
        expected = _product_by_definition(a, b)
    assert_tensor(
        _call(name, a, b),
        expected,
        what=f"{name} of int64 values near 2**20 (through float32 they lose their last digits)",
        rtol=0,
        atol=0,
    )


def test_hadamard_and_transpose_exactly_in_every_dtype_and_layout():
    for seed, spec in enumerate(cover([(), (0,), (5,), (2, 0), (2, 3, 2)], NUMERIC)):
        a, b = spec.make(2 * seed), spec.make(2 * seed + 1)
        product = (wide(a) * wide(b)).to(spec.dtype)  # one product, rounded once
        assert_tensor(
            _call("hadamard", a, b), product, what=f"hadamard(<{spec}>, <{spec}>)", rtol=0, atol=0
        )
    for seed, spec in enumerate(cover([(3, 4), (2, 0), (1, 5)], NUMERIC)):
        m = spec.make(seed)
        empty = torch.zeros(spec.shape[::-1], dtype=spec.dtype)
        expected = _transpose_by_definition(m) if m.numel() else empty
        assert_tensor(_call("transpose", m), expected, what=f"transpose(<{spec}>)", rtol=0, atol=0)


def test_dot_of_every_dtype_length_and_layout():
    for seed, spec in enumerate(cover([(0,), (1,), (6,)], [torch.int64, *FLOATS])):
        dtype = spec.dtype
        u, v = spec.make(2 * seed), spec.make(2 * seed + 1)
        expected = (wide(u) * wide(v)).sum().to(dtype)  # 0 for empty vectors
        assert_tensor(
            _call("dot", u, v),
            expected,
            what=f"dot(<{spec}>, <{spec}>) (one number: a 0-d tensor, 0 for empty vectors)",
            **_close(dtype),
        )
