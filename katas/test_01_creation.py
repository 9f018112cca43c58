"""Kata 01: creating tensors. Edit src/creation.py until these pass."""

import random

import pytest
import torch

from katakit import testing
from katakit.testing import BEYOND_FLOAT32, Spec, assert_tensor
from learner import creation

# 0-d, empty, one element and several dimensions: every shape the docstrings allow
SHAPES = [(3, 4), (5,), (2, 1, 3), (), (2, 0)]


def _exact(result, values, dtype, what):
    """``result`` holds exactly ``values`` (Python numbers) as ``dtype``."""
    __tracebackhide__ = True
    assert_tensor(result, torch.tensor(values, dtype=dtype), what=what, rtol=0, atol=0)


@pytest.mark.parametrize("values", [[1, 2, 3, 4, 5], [7], [-3, 0, 42, 9], list(range(10, 0, -2))])
def test_from_list_of_whole_numbers_is_int64(values):
    assert_tensor(
        creation.from_list(values),
        torch.tensor(values, dtype=torch.int64),
        what=f"from_list({values})",
    )


@pytest.mark.parametrize("values", [[1.0, 2.0, 3.0], [0.5, -1.25], [3.14]])
def test_from_list_of_decimals_is_float32(values):
    assert_tensor(
        creation.from_list(values),
        torch.tensor(values, dtype=torch.float32),
        what=f"from_list({values})",
    )


# Python lists as a learner's caller would pass them, some from seeded tensors
BIG_INTS = Spec((6,), torch.int64).make(1, low=-(2**40), high=2**40).tolist()
LISTS = {
    "mixed-int-first": [1, 2.5, -3],
    "mixed-float-last": [4, 0, 7, -1.5],
    "ints-beyond-2**24": [BEYOND_FLOAT32 + 1, -(BEYOND_FLOAT32 + 3), *BIG_INTS],
    "seeded-decimals": Spec((5,), torch.float64).make(2).tolist(),
    "empty": [],
    "one-int": [BEYOND_FLOAT32 + 7],
}


def _inferred(values):
    """The docstring's rule: int64 if every value is an int, else float32."""
    whole = values and all(isinstance(v, int) for v in values)
    return torch.int64 if whole else torch.float32


@pytest.mark.parametrize("values", list(LISTS.values()), ids=list(LISTS))
def test_from_list_of_any_values_the_docstring_allows(values):
    result = creation.from_list(values)
    _exact(result, values, _inferred(values), f"from_list({values})")
    assert result.ndim == 1, f"from_list({values}) should be 1-D, got shape {tuple(result.shape)}"


@pytest.mark.parametrize(
    "rows", [[[1, 2], [3, 4], [5, 6]], [[1, 2, 3]], [[9], [8], [7], [6]], [[0.5, 1.5], [2.5, 3.5]]]
)
def test_matrix_is_two_dimensional(rows):
    result = creation.matrix(rows)
    assert_tensor(result, torch.tensor(rows), what=f"matrix({rows})")
    assert result.ndim == 2


@pytest.mark.parametrize(
    ("rows", "dtype"),
    [
        ([[1, 2], [0.5, 3]], torch.float32),
        ([[4, 5, 6], [7, 8, 9.25]], torch.float32),
        ([[BEYOND_FLOAT32 + 1], [-(2**40) - 1]], torch.int64),
        ([[]], torch.float32),
        ([[], [], []], torch.float32),
    ],
    ids=["mixed-second-row", "mixed-last-value", "big-ints", "one-empty-row", "no-columns"],
)
def test_matrix_of_any_rows_the_docstring_allows(rows, dtype):
    result = creation.matrix(rows)
    _exact(result, rows, dtype, f"matrix({rows})")
    assert result.ndim == 2, f"matrix({rows}) should be 2-D, got shape {tuple(result.shape)}"


@pytest.mark.parametrize("values", [[1, 2, 3], [1.0, 2.0, 3.0], [-4, 5], [2.5]])
def test_float32_tensor_has_dtype_float32(values):
    assert_tensor(
        creation.float32_tensor(values),
        torch.tensor(values, dtype=torch.float32),
        what=f"float32_tensor({values})",
    )


@pytest.mark.parametrize("values", list(LISTS.values()), ids=list(LISTS))
def test_float32_tensor_of_any_values_the_docstring_allows(values):
    _exact(creation.float32_tensor(values), values, torch.float32, f"float32_tensor({values})")


@pytest.fixture
def junk_memory():
    """Make fresh, unfilled memory hold junk, so an answer that never fills it shows.

    ``torch.empty`` returns whatever its memory held, often zeros. With
    deterministic algorithms on, PyTorch fills such memory with NaN (ints: their
    largest value) every time; a NaN tensor of the same size is also allocated
    and freed first, for allocators that hand the same block back.
    """

    def spoil(shape):
        junk = torch.full(shape, float("nan"))
        del junk

    with testing.junk_in_fresh_memory():
        yield spoil


@pytest.mark.parametrize("shape", SHAPES)
def test_zeros(shape, junk_memory):
    for call in range(3):  # several fresh calls, each after junk was freed
        junk_memory(shape)
        assert_tensor(
            creation.zeros(shape), torch.zeros(shape), what=f"zeros({shape}), call {call + 1}"
        )


@pytest.mark.parametrize("shape", SHAPES)
def test_ones(shape, junk_memory):
    for call in range(3):
        junk_memory(shape)
        assert_tensor(
            creation.ones(shape), torch.ones(shape), what=f"ones({shape}), call {call + 1}"
        )


@pytest.mark.parametrize("name", ["zeros", "ones", "uniform", "normal"])
def test_each_call_is_a_fresh_tensor_of_its_own(name):
    for shape in [(3, 4), (5,), ()]:
        _check_fresh(getattr(creation, name), name, shape)


def _check_fresh(make, name, shape):
    __tracebackhide__ = True
    first = make(shape)
    before = first.clone()
    try:
        first[(0,) * len(shape)] = 7.0
    except RuntimeError as exc:
        pytest.fail(
            f"{name}({shape}) returned a tensor that cannot be written one element at a time "
            f"(an expanded view repeats one memory location): {exc}"
        )
    changed = int((first != before).sum())
    assert changed == 1, (
        f"writing one element of {name}({shape}) changed {changed} elements: the elements "
        "share memory, where each should have its own"
    )
    second = make(shape)
    assert second is not first and second.data_ptr() != first.data_ptr(), (
        f"{name}({shape}) returned the same tensor on two calls: each call should make a new one"
    )
    if name in ("zeros", "ones"):
        fill = 0.0 if name == "zeros" else 1.0
        assert_tensor(
            second,
            torch.full(shape, fill),
            what=f"{name}({shape}) after the last result was written to (a new tensor each call)",
        )


def _check_random(result, shape, name):
    assert isinstance(result, torch.Tensor), f"{name}{shape} should return a tensor"
    assert result.shape == shape, f"{name}{shape} has shape {tuple(result.shape)}"
    assert result.dtype == torch.float32, f"{name}{shape} has dtype {result.dtype}"


@pytest.mark.parametrize("shape", [(2, 2), (3, 5), (7,), (), (0, 3)])
def test_uniform_shape_and_range(shape):
    result = creation.uniform(shape)
    _check_random(result, shape, "uniform")
    assert bool(((result >= 0) & (result < 1)).all()), "uniform values must lie in [0, 1)"


def test_uniform_is_uniform_on_a_large_sample():
    sample = creation.uniform((200, 500))
    _check_random(sample, (200, 500), "uniform")
    assert 0 <= sample.min() and sample.max() < 1, "uniform values must lie in [0, 1)"
    # For U[0, 1): mean 1/2, variance 1/12, a quarter of the values in each quarter.
    assert abs(sample.mean().item() - 0.5) < 0.01
    assert abs(sample.var().item() - 1 / 12) < 0.005
    quarters = torch.histc(sample, bins=4, min=0, max=1) / sample.numel()
    assert torch.allclose(quarters, torch.full((4,), 0.25), atol=0.01)


def test_uniform_draws_new_values_each_call():
    assert not torch.equal(creation.uniform((4, 4)), creation.uniform((4, 4)))


@pytest.mark.parametrize("shape", [(2, 2), (3, 5), (7,), (), (0, 3)])
def test_normal_shape(shape):
    _check_random(creation.normal(shape), shape, "normal")


def test_normal_is_standard_normal_on_a_large_sample():
    sample = creation.normal((200, 500))
    _check_random(sample, (200, 500), "normal")
    # 100,000 draws: the mean's standard error is about 0.003.
    assert abs(sample.mean().item()) < 0.02, f"mean {sample.mean().item():.3f}, expected about 0"
    assert abs(sample.std().item() - 1) < 0.02, f"std {sample.std().item():.3f}, expected about 1"
    within_one_std = (sample.abs() < 1).float().mean().item()
    assert abs(within_one_std - 0.6827) < 0.01, "about 68% of a standard normal lies within ±1"


def test_normal_has_the_tails_of_a_standard_normal():
    sample = creation.normal((500, 400))
    _check_random(sample, (500, 400), "normal")
    # P(|z| > 3) = 0.0027: about 540 of 200,000 draws, give or take 23
    beyond_three = int((sample.abs() > 3).sum())
    assert 400 < beyond_three < 680, (
        f"{beyond_three} of 200,000 draws lie beyond ±3, expected about 540: "
        "are the values clipped, or not drawn from a standard normal?"
    )


def test_normal_draws_each_value_on_its_own():
    # The mean of 8 independent standard normal draws has standard deviation 1/sqrt(8).
    means = torch.stack([creation.normal((8,)).mean() for _ in range(400)])
    spread = means.std().item()
    assert 0.28 < spread < 0.43, (
        f"the means of 400 calls of normal((8,)) spread by {spread:.3f}, expected about "
        f"{8**-0.5:.3f}: values rescaled or shifted after drawing (to a mean of exactly 0, "
        "say) are no longer independent draws"
    )


@pytest.mark.parametrize("name", ["uniform", "normal"])
def test_random_draws_follow_torch_manual_seed(name):
    make = getattr(creation, name)
    seed = random.randrange(2**31)
    torch.manual_seed(seed)
    first = make((3, 4))
    torch.manual_seed(seed)
    again = make((3, 4))
    assert torch.equal(first, again), (
        f"after torch.manual_seed({seed}) twice, {name}((3, 4)) drew different values: "
        "draw from torch's own random generator"
    )


def test_normal_draws_new_values_each_call():
    shape = (random.randint(2, 5), 3)
    assert not torch.equal(creation.normal(shape), creation.normal(shape))
