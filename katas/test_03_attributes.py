"""Kata 03: tensor attributes. Edit src/attributes.py until these pass.

Each case below builds a tensor and states what it is; your functions must
read the same facts back off the tensor, whatever tensor they are handed.
"""

import math

import pytest
import torch

from katakit.testing import ALL_DTYPES, SHAPES, grid
from learner import attributes


def _tracked_then_scaled():
    w = torch.randn(2, 5, requires_grad=True)
    return w * 3


def _tracked_then_detached():
    w = torch.randn(4, requires_grad=True)
    return w.detach()


# name: (build, shape, dtype, device type, requires_grad)
CASES = {
    "randn-3x4": (lambda: torch.randn(3, 4), (3, 4), torch.float32, "cpu", False),
    "int-scalar": (lambda: torch.tensor(7), (), torch.int64, "cpu", False),
    "float64-2x3x4": (
        lambda: torch.zeros(2, 3, 4, dtype=torch.float64),
        (2, 3, 4),
        torch.float64,
        "cpu",
        False,
    ),
    "bool-vector": (lambda: torch.tensor([True, False, True]), (3,), torch.bool, "cpu", False),
    "int8-6x2": (
        lambda: torch.randint(-5, 5, (6, 2), dtype=torch.int8),
        (6, 2),
        torch.int8,
        "cpu",
        False,
    ),
    "requires-grad": (lambda: torch.randn(5, requires_grad=True), (5,), torch.float32, "cpu", True),
    "computed-from-tracked": (_tracked_then_scaled, (2, 5), torch.float32, "cpu", True),
    "detached": (_tracked_then_detached, (4,), torch.float32, "cpu", False),
    "transposed-4x6": (lambda: torch.randn(4, 6).T, (6, 4), torch.float32, "cpu", False),
    "empty-2x0x3": (lambda: torch.empty(2, 0, 3), (2, 0, 3), torch.float32, "cpu", False),
    "column-slice-4x3": (lambda: torch.randn(4, 6)[:, 1:4], (4, 3), torch.float32, "cpu", False),
    "ones-1x1x1x1": (lambda: torch.ones(1, 1, 1, 1), (1, 1, 1, 1), torch.float32, "cpu", False),
    "meta-float16": (
        lambda: torch.empty(4, 1, 2, 3, dtype=torch.float16, device="meta"),
        (4, 1, 2, 3),
        torch.float16,
        "meta",
        False,
    ),
}


def _build(name):
    build, shape, dtype, device_type, requires_grad = CASES[name]
    return {
        "name": name,
        "tensor": build(),
        "shape": shape,
        "dtype": dtype,
        "device_type": device_type,
        "requires_grad": requires_grad,
    }


@pytest.fixture(params=list(CASES), ids=list(CASES))
def case(request):
    return _build(request.param)


WITH_DIMENSIONS = [name for name, spec in CASES.items() if spec[1]]


@pytest.fixture(params=WITH_DIMENSIONS, ids=WITH_DIMENSIONS)
def case_with_dims(request):
    return _build(request.param)


def test_shape_of(case):
    result = attributes.shape_of(case["tensor"])
    assert isinstance(result, tuple) and result == case["shape"], (
        f"shape_of(<{case['name']}>) should be torch.Size({list(case['shape'])}), got {result!r}"
    )
    assert isinstance(result, torch.Size), (
        f"shape_of(<{case['name']}>) returned a {type(result).__name__}, {result!r}: the "
        "right numbers, but a shape is a torch.Size (which has numel(), for one)"
    )


def test_every_attribute_of_every_dtype_shape_and_layout():
    for dtype in ALL_DTYPES:
        for seed, spec in enumerate(grid(SHAPES, [dtype])):
            t = spec.make(seed)
            facts = {
                "shape_of": (attributes.shape_of(t), torch.Size(spec.shape)),
                "dtype_of": (attributes.dtype_of(t), dtype),
                "num_dims": (attributes.num_dims(t), len(spec.shape)),
                "num_elements": (attributes.num_elements(t), math.prod(spec.shape)),
                "tracks_grad": (attributes.tracks_grad(t), False),
                "device_of": (attributes.device_of(t), torch.device("cpu")),
            }
            for dim in range(-len(spec.shape), len(spec.shape)):
                facts[f"size_along(dim={dim})"] = (attributes.size_along(t, dim), spec.shape[dim])
            for name, (got, expected) in facts.items():
                assert type(got) is type(expected) and got == expected, (
                    f"{name} of a {spec} tensor (shape {spec.shape}) should be {expected!r}, "
                    f"got {type(got).__name__} {got!r}"
                )


def test_size_along_every_dimension(case_with_dims):
    case = case_with_dims
    tensor, shape = case["tensor"], case["shape"]
    for dim in range(-len(shape), len(shape)):
        result = attributes.size_along(tensor, dim)
        assert isinstance(result, int) and result == shape[dim], (
            f"size_along(<{case['name']}, shape {shape}>, dim={dim}) should be {shape[dim]}, "
            f"got {result!r}"
        )


def test_dtype_of(case):
    result = attributes.dtype_of(case["tensor"])
    assert isinstance(result, torch.dtype), (
        f"dtype_of(<{case['name']}>) should return a torch.dtype such as {case['dtype']}, "
        f"got {type(result).__name__} {result!r}"
    )
    assert result == case["dtype"], (
        f"dtype_of(<{case['name']}>) should be {case['dtype']}, got {result}"
    )


def test_device_of(case):
    result = attributes.device_of(case["tensor"])
    assert isinstance(result, torch.device), (
        f"device_of(<{case['name']}>) should return a torch.device, "
        f"got {type(result).__name__} {result!r}"
    )
    assert result.type == case["device_type"], (
        f"device_of(<{case['name']}>) should be a {case['device_type']!r} device, got {result}"
    )


def test_device_of_a_tensor_made_on_each_device(device):
    tensor = torch.randn(2, 3, device=device)
    result = attributes.device_of(tensor)
    assert isinstance(result, torch.device), (
        f"device_of should return a torch.device, got {type(result).__name__} {result!r}"
    )
    assert result == tensor.device, (
        f"a tensor created with device={device} lives on {tensor.device}, "
        f"but device_of says {result}"
    )


class _StandIn(torch.Tensor):
    """A tensor that only says where it lives: shape, dtype and device, no memory.

    It lets a CPU-only machine hand out a tensor "on cuda:1"; any operation on it
    raises, so only its attributes can be read.
    """

    @staticmethod
    def __new__(cls, shape, device):
        return torch.Tensor._make_wrapper_subclass(cls, shape, device=device, dtype=torch.float32)

    @classmethod
    def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
        raise RuntimeError(f"{func} cannot run on a stand-in tensor; read its attributes only")


@pytest.mark.parametrize("where", ["cuda:1", "cuda:0", "meta"])
def test_device_of_keeps_the_device_index(where):
    try:
        tensor = _StandIn((2, 3), torch.device(where))
    except RuntimeError as exc:  # pragma: no cover - a build that refuses this device
        pytest.skip(f"this PyTorch cannot describe a tensor on {where}: {exc}")
    result = attributes.device_of(tensor)
    assert isinstance(result, torch.device) and result == tensor.device, (
        f"device_of(<tensor on {where}>) should be {tensor.device!r}, got {result!r}: "
        "a device is its type and its index (cuda:0 and cuda:1 are two GPUs)"
    )


def test_tracks_grad(case):
    result = attributes.tracks_grad(case["tensor"])
    assert result is case["requires_grad"], (
        f"tracks_grad(<{case['name']}>) should be {case['requires_grad']}, got {result!r}"
    )


def test_num_dims(case):
    expected = len(case["shape"])
    result = attributes.num_dims(case["tensor"])
    assert isinstance(result, int) and result == expected, (
        f"num_dims(<{case['name']}, shape {case['shape']}>) should be {expected}, got {result!r}"
    )


def test_num_elements(case):
    expected = math.prod(case["shape"])
    result = attributes.num_elements(case["tensor"])
    assert isinstance(result, int) and result == expected, (
        f"num_elements(<{case['name']}, shape {case['shape']}>) should be {expected} "
        f"(the product of all dimensions), got {result!r}"
    )


@pytest.mark.parametrize("shape", [(3, 4), (7,), (2, 5, 3), (1, 9)])
def test_attributes_of_random_matrices(shape):
    tensor = torch.randn(shape)
    facts = {
        "shape_of": (attributes.shape_of(tensor), shape),
        "num_dims": (attributes.num_dims(tensor), len(shape)),
        "num_elements": (attributes.num_elements(tensor), math.prod(shape)),
        "dtype_of": (attributes.dtype_of(tensor), torch.float32),
        "tracks_grad": (attributes.tracks_grad(tensor), False),
    }
    for name, (got, expected) in facts.items():
        assert got == expected, f"{name}(torch.randn{shape}) should be {expected!r}, got {got!r}"
