"""Kata 02: the NumPy bridge. Edit src/numpy_bridge.py until these pass."""

import numpy as np
import pytest
import torch

from katakit.testing import assert_tensor
from learner import numpy_bridge

rng = np.random.default_rng(2)
ARRAYS = [
    np.array([1, 2, 3, 4, 5]),
    rng.integers(-50, 50, size=(3, 4)),
    rng.standard_normal((2, 5)),
    rng.standard_normal(6).astype(np.float32),
]
IDS = ["int-1d", "int-3x4", "float64-2x5", "float32-6"]


@pytest.fixture(params=ARRAYS, ids=IDS)
def array(request):
    return request.param.copy()


def test_to_tensor_shared_keeps_values_and_dtype(array):
    before = array.copy()
    tensor = numpy_bridge.to_tensor_shared(array)
    assert_tensor(tensor, torch.from_numpy(before), what="to_tensor_shared(array)")
    np.testing.assert_array_equal(array, before, err_msg="the input array was modified")


def test_to_tensor_shared_sees_writes_to_the_array(array):
    tensor = numpy_bridge.to_tensor_shared(array)
    array.flat[0] = 100
    assert tensor.flatten()[0].item() == 100, (
        "after array[0] = 100 the tensor still holds the old value: it is a copy, "
        "not a view of the array's memory"
    )


def test_to_tensor_shared_writes_reach_the_array(array):
    tensor = numpy_bridge.to_tensor_shared(array)
    tensor.flatten()[-1] = -7
    assert array.flat[-1] == -7, "a write to the tensor should show in the array"


@pytest.fixture(params=[[10, 20, 30], [[1.5, -2.0], [0.25, 4.0]], [7, 8, 9, 10]])
def tensor(request):
    return torch.tensor(request.param)


def test_to_numpy_shared_keeps_values(tensor):
    result = numpy_bridge.to_numpy_shared(tensor)
    assert isinstance(result, np.ndarray), f"expected a NumPy array, got {type(result).__name__}"
    np.testing.assert_array_equal(result, tensor.numpy().copy())
    assert result.dtype == tensor.numpy().dtype


def test_to_numpy_shared_shares_memory(tensor):
    result = numpy_bridge.to_numpy_shared(tensor)
    tensor.view(-1)[0] = 100
    assert result.flat[0] == 100, "a write to the tensor should show in the array"
    result.flat[-1] = 55
    assert tensor.view(-1)[-1].item() == 55, "a write to the array should show in the tensor"


def test_to_tensor_copy_keeps_values_and_dtype(array):
    before = array.copy()
    assert_tensor(
        numpy_bridge.to_tensor_copy(array), torch.from_numpy(before), what="to_tensor_copy"
    )
    np.testing.assert_array_equal(array, before, err_msg="the input array was modified")


def test_to_tensor_copy_is_independent(array):
    before = array.copy()
    tensor = numpy_bridge.to_tensor_copy(array)
    array.flat[0] = 100
    tensor.flatten()[-1] = -7
    assert tensor.flatten()[0].item() == before.flat[0], "the copy followed a write to the array"
    assert array.flat[-1] == before.flat[-1], "a write to the copy reached the array"


def test_to_numpy_copy_keeps_values(tensor):
    before = tensor.clone()
    result = numpy_bridge.to_numpy_copy(tensor)
    assert isinstance(result, np.ndarray), f"expected a NumPy array, got {type(result).__name__}"
    np.testing.assert_array_equal(result, before.numpy())
    assert result.dtype == before.numpy().dtype, (
        f"to_numpy_copy of a {before.dtype} tensor gave a {result.dtype} array, "
        f"expected {before.numpy().dtype}"
    )
    assert_tensor(tensor, before, what="the tensor after to_numpy_copy (it must not change)")


def test_to_numpy_copy_is_independent(tensor):
    before = tensor.clone()
    result = numpy_bridge.to_numpy_copy(tensor)
    tensor.view(-1)[0] = 100
    result.flat[-1] = 55
    assert result.flat[0] == before.view(-1)[0].item(), "the copy followed a write to the tensor"
    assert tensor.view(-1)[-1].item() == before.view(-1)[-1].item(), "a write reached the tensor"


@pytest.mark.parametrize(
    "array",
    [
        np.array([[1, 2], [3, 4], [5, 6]]),
        rng.integers(-9, 9, size=(4, 2)),
        rng.standard_normal((3,)),
        rng.standard_normal((2, 2)).astype(np.float32),
        rng.integers(-1000, 1000, size=(5,)).astype(np.int32),
    ],
    ids=["chapter", "int-4x2", "float64-3", "float32-2x2", "int32-5"],
)
def test_double_via_torch(array):
    original = array.copy()
    result = numpy_bridge.double_via_torch(array)
    assert isinstance(result, np.ndarray), f"expected a NumPy array, got {type(result).__name__}"
    np.testing.assert_array_equal(result, original * 2)
    assert result.dtype == original.dtype, f"dtype changed from {original.dtype} to {result.dtype}"
    np.testing.assert_array_equal(array, original, err_msg="the input array was modified")
