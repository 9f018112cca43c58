"""Kata 01: creating tensors. Edit src/creation.py until these pass."""

import random

import pytest
import torch

from katakit import testing
from katakit.testing import assert_tensor
from learner import creation

SHAPES = [(3, 4), (2, 3), (5,), (2, 1, 3)]


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


@pytest.mark.parametrize(
    "rows", [[[1, 2], [3, 4], [5, 6]], [[1, 2, 3]], [[9], [8], [7], [6]], [[0.5, 1.5], [2.5, 3.5]]]
)
def test_matrix_is_two_dimensional(rows):
    result = creation.matrix(rows)
    assert_tensor(result, torch.tensor(rows), what=f"matrix({rows})")
    assert result.ndim == 2


@pytest.mark.parametrize("values", [[1, 2, 3], [1.0, 2.0, 3.0], [-4, 5], [2.5]])
def test_float32_tensor_has_dtype_float32(values):
    assert_tensor(
        creation.float32_tensor(values),
        torch.tensor(values, dtype=torch.float32),
        what=f"float32_tensor({values})",
    )


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


def _check_random(result, shape, name):
    assert isinstance(result, torch.Tensor), f"{name}{shape} should return a tensor"
    assert result.shape == shape, f"{name}{shape} has shape {tuple(result.shape)}"
    assert result.dtype == torch.float32, f"{name}{shape} has dtype {result.dtype}"


@pytest.mark.parametrize("shape", [(2, 2), (3, 5), (7,)])
def test_uniform_shape_and_range(shape):
    result = creation.uniform(shape)
    _check_random(result, shape, "uniform")
    assert result.min() >= 0 and result.max() < 1, "uniform values must lie in [0, 1)"


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


@pytest.mark.parametrize("shape", [(2, 2), (3, 5), (7,)])
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


def test_normal_draws_new_values_each_call():
    shape = (random.randint(2, 5), 3)
    assert not torch.equal(creation.normal(shape), creation.normal(shape))
