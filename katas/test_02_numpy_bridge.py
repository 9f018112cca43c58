"""Kata 02: the NumPy bridge. Edit src/numpy_bridge.py until these pass.

Besides a few hand-picked arrays, every function is handed arrays (or tensors)
of each dtype NumPy and torch share, of every shape from 0-d to empty to 3-d,
both plain and strided (every other element of a larger block, as a slice or
a transpose gives): a function that copies where it should share, or changes a
dtype, shows on one of them.
"""

import numpy as np
import pytest
import torch
from torch.overrides import TorchFunctionMode

from katakit.testing import BEYOND_FLOAT32, SHAPES, assert_tensor, cover
from learner import numpy_bridge

# the dtypes that both NumPy and torch have
BRIDGED = [
    torch.bool,
    torch.uint8,
    torch.int8,
    torch.int32,
    torch.int64,
    torch.float16,
    torch.float32,
    torch.float64,
    torch.complex64,
]


def _other_values(t):
    """Values of ``t``'s shape and dtype that differ from ``t`` wherever it is not NaN."""
    if t.dtype == torch.bool:
        return ~t
    return t + 1


def _same(a, b):
    """NumPy-or-torch values ``a`` and ``b`` (no NaN among them) are equal."""
    return torch.equal(torch.as_tensor(np.asarray(a)), torch.as_tensor(np.asarray(b)))


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


# -- every dtype, shape and layout ---------------------------------------------


def test_to_tensor_shared_shares_every_element():
    for seed, spec in enumerate(cover(SHAPES, BRIDGED)):
        array = spec.make(seed).numpy()
        before = array.copy()
        tensor = numpy_bridge.to_tensor_shared(array)
        assert_tensor(tensor, torch.from_numpy(before), what=f"to_tensor_shared(<{spec} array>)")
        new = _other_values(torch.from_numpy(before))
        array[...] = new.numpy()
        assert _same(tensor, new), (
            f"to_tensor_shared(<{spec} array>): after writing new values into the array, the "
            "tensor still holds old ones: it copied the array (a strided array is not "
            "contiguous, but torch can share it as it is)"
        )
        tensor.copy_(torch.from_numpy(before))
        assert _same(array, before), (
            f"to_tensor_shared(<{spec} array>): a write to the tensor did not reach the array"
        )


def test_to_numpy_shared_shares_every_element():
    for seed, spec in enumerate(cover(SHAPES, BRIDGED)):
        tensor = spec.make(seed)
        before = tensor.clone()
        result = numpy_bridge.to_numpy_shared(tensor)
        assert isinstance(result, np.ndarray), (
            f"to_numpy_shared(<{spec} tensor>) should return a NumPy array, "
            f"got {type(result).__name__}"
        )
        assert result.dtype == before.numpy().dtype and _same(result, before), (
            f"to_numpy_shared(<{spec} tensor>) gave a {result.dtype} array of shape "
            f"{result.shape}, expected the tensor's {before.numpy().dtype} values, shape "
            f"{tuple(before.shape)}"
        )
        new = _other_values(before)
        tensor.copy_(new)
        assert _same(result, new), (
            f"to_numpy_shared(<{spec} tensor>): after writing new values into the tensor, the "
            "array still holds old ones: it is a copy (a strided tensor is not contiguous, "
            "but NumPy can share it as it is)"
        )
        result[...] = before.numpy()
        assert _same(tensor, before), (
            f"to_numpy_shared(<{spec} tensor>): a write to the array did not reach the tensor"
        )


def test_copies_keep_every_value_and_dtype_and_share_nothing():
    for seed, spec in enumerate(cover(SHAPES, BRIDGED)):
        array = spec.make(seed).numpy()
        before = array.copy()
        tensor = numpy_bridge.to_tensor_copy(array)
        assert_tensor(tensor, torch.from_numpy(before), what=f"to_tensor_copy(<{spec} array>)")
        array[...] = _other_values(torch.from_numpy(before)).numpy()
        assert _same(tensor, before), (
            f"to_tensor_copy(<{spec} array>) followed a write to the array: it shares memory"
        )
        source = spec.make(seed + 1)
        kept = source.clone()
        result = numpy_bridge.to_numpy_copy(source)
        assert isinstance(result, np.ndarray) and result.dtype == kept.numpy().dtype, (
            f"to_numpy_copy(<{spec} tensor>) should return a {kept.numpy().dtype} NumPy array, "
            f"got {type(result).__name__} {getattr(result, 'dtype', '')}"
        )
        assert _same(result, kept), f"to_numpy_copy(<{spec} tensor>) changed the values"
        source.copy_(_other_values(kept))
        assert _same(result, kept), (
            f"to_numpy_copy(<{spec} tensor>) followed a write to the tensor: it shares memory"
        )
        assert result.flags.writeable, (
            f"to_numpy_copy(<{spec} tensor>) returned a read-only array: a copy is the caller's "
            "to change"
        )


DOUBLED = [d for d in BRIDGED if d != torch.bool]


def test_double_via_torch_keeps_every_dtype_shape_and_layout():
    for seed, spec in enumerate(cover(SHAPES, DOUBLED)):
        dtype = spec.dtype
        big = {"low": -(2**40), "high": 2**40} if dtype == torch.int64 else {}
        array = spec.make(seed, **big).numpy()
        original = array.copy()
        with np.errstate(over="ignore"):
            expected = original * 2  # integers wrap around as NumPy's and torch's do
        result = numpy_bridge.double_via_torch(array)
        assert isinstance(result, np.ndarray), (
            f"double_via_torch(<{spec} array>) should return a NumPy array, "
            f"got {type(result).__name__}"
        )
        assert result.dtype == original.dtype and _same(result, expected), (
            f"double_via_torch(<{spec} array>) gave {result!r}, expected {expected!r}"
            + (
                " (int64 values beyond 2**24 lose digits on a way through float32: "
                "multiplying by 2.0 makes floats)"
                if dtype == torch.int64
                else ""
            )
        )
        assert _same(array, original), f"double_via_torch(<{spec} array>) changed its input"


class _Doublings(TorchFunctionMode):
    """Records whether a torch operation turned ``original``'s values into ``doubled``'s."""

    def __init__(self, original, doubled):
        super().__init__()
        self.original, self.doubled, self.seen = original, doubled, False

    def __torch_function__(self, func, types, args=(), kwargs=None):
        inputs = [a.clone() for a in args if isinstance(a, torch.Tensor)]
        result = func(*args, **(kwargs or {}))
        if isinstance(result, torch.Tensor) and _same(result.detach(), self.doubled):
            self.seen = self.seen or any(_same(a.detach(), self.original) for a in inputs)
        return result


@pytest.mark.parametrize(
    "array",
    [np.array([[1, 2], [3, 4], [5, 6]]), np.array([0.5, -1.25, 3.0], dtype=np.float32)],
    ids=["chapter", "float32"],
)
def test_double_via_torch_does_the_doubling_in_torch(array):
    original = array.copy()
    watch = _Doublings(original, original * 2)
    with watch:
        result = numpy_bridge.double_via_torch(array)
    np.testing.assert_array_equal(result, original * 2)
    assert watch.seen, (
        "double_via_torch returned the doubled values, but no PyTorch operation doubled a "
        "tensor: the exercise is to convert to a tensor, double it there, and convert back"
    )


def test_double_via_torch_of_ints_beyond_float32():
    array = np.array([BEYOND_FLOAT32 + 1, -(2**40) - 3, 2**52 + 1], dtype=np.int64)
    result = numpy_bridge.double_via_torch(array.copy())
    np.testing.assert_array_equal(
        result,
        array * 2,
        err_msg="int64 values beyond 2**24 lost digits: did they pass through float32?",
    )


# -- tensors that autograd tracks ----------------------------------------------

# the dtypes a tensor that requires grad may have
TRACKABLE = [d for d in BRIDGED if d.is_floating_point or d.is_complex]


def _tracked(spec, seed):
    """Tensors of ``spec`` that require grad: a leaf, a view of it, a result computed from it."""
    leaf = spec.make(seed).requires_grad_()
    return {"leaf": leaf, "view of a leaf": leaf[...], "computed": leaf * 2}


def test_to_numpy_tracked_of_a_tensor_that_requires_grad():
    for seed, spec in enumerate(cover(SHAPES, TRACKABLE)):
        for kind, tensor in _tracked(spec, seed).items():
            what = f"to_numpy_tracked(<{spec} tensor, {kind}, requires_grad=True>)"
            before, grad_fn = tensor.detach().clone(), tensor.grad_fn
            result = numpy_bridge.to_numpy_tracked(tensor)
            assert isinstance(result, np.ndarray), (
                f"{what} should return a NumPy array, got {type(result).__name__}"
            )
            assert result.dtype == before.numpy().dtype and _same(result, before), (
                f"{what} gave a {result.dtype} array of shape {result.shape}, expected the "
                f"tensor's {before.numpy().dtype} values, shape {tuple(before.shape)}"
            )
            assert tensor.requires_grad and tensor.grad_fn is grad_fn, (
                f"{what} changed the tensor: afterwards requires_grad={tensor.requires_grad}, "
                f"grad_fn={tensor.grad_fn}. `requires_grad_(False)` switches tracking off for "
                "good (and only on a leaf); take a detached view instead"
            )
            new = _other_values(before)
            with torch.no_grad():
                tensor.copy_(new)
            assert _same(result, new), (
                f"{what}: after writing new values into the tensor, the array still holds old "
                "ones: it is a copy, where a detached view shares the tensor's memory"
            )
            result[...] = before.numpy()
            assert _same(tensor.detach(), before), (
                f"{what}: a write to the array did not reach the tensor"
            )


def test_to_numpy_tracked_of_a_tensor_nobody_tracks():
    for seed, spec in enumerate(cover(SHAPES, BRIDGED)):
        tensor = spec.make(seed)
        before = tensor.clone()
        result = numpy_bridge.to_numpy_tracked(tensor)
        what = f"to_numpy_tracked(<{spec} tensor>)"
        assert isinstance(result, np.ndarray) and result.dtype == before.numpy().dtype, (
            f"{what} should return a {before.numpy().dtype} NumPy array, "
            f"got {type(result).__name__} {getattr(result, 'dtype', '')}"
        )
        assert _same(result, before), f"{what} changed the values"
        tensor.copy_(_other_values(before))
        assert _same(result, _other_values(before)), (
            f"{what}: a write to the tensor did not show in the array: it is a copy"
        )
        assert not tensor.requires_grad, f"{what} made the tensor require grad"


def test_to_numpy_tracked_of_trained_weights():
    torch.manual_seed(2)
    w = torch.randn(3, requires_grad=True)
    (w**2).sum().backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
    values = numpy_bridge.to_numpy_tracked(w)
    np.testing.assert_array_equal(values, w.detach().numpy().copy())
    with torch.no_grad():
        w += 1
    np.testing.assert_array_equal(
        values, w.detach().numpy(), err_msg="the array did not follow the next update of w"
    )
    assert w.requires_grad and w.is_leaf, "w should still be a leaf that requires grad"
