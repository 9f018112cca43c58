"""Kata 00: check your set-up. Edit src/environment.py until these pass.

Some tests pretend to be on another machine (with or without a GPU) by
replacing a torch function for the length of one test (pytest's monkeypatch),
so your code must ask torch each time rather than remember an answer.
"""

from types import SimpleNamespace

import pytest
import torch

from learner import environment


def _pretend_cuda(monkeypatch, available):
    """Make both ways of asking (is_available, device_count) say ``available``."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: available)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: int(available))


def _pretend_mps(monkeypatch, available):
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: available)
    monkeypatch.setattr(torch.mps, "is_available", lambda: available, raising=False)


def test_torch_version_is_the_installed_one():
    assert environment.torch_version() == torch.__version__


@pytest.mark.parametrize("version", ["9.8.7", "3.1.4+cu118"])
def test_torch_version_follows_the_installation(monkeypatch, version):
    # torch.__version__ is read from torch.version; pretend both say another version
    monkeypatch.setattr(torch.version, "__version__", version)
    monkeypatch.setattr(torch, "__version__", version)
    result = environment.torch_version()
    assert result == version, (
        f"with torch {version} installed, torch_version() returned {result!r}: the whole "
        "version string, build tag after the + included"
    )


@pytest.mark.parametrize("answer", [True, False])
def test_cuda_available_asks_torch(monkeypatch, answer):
    _pretend_cuda(monkeypatch, answer)
    assert environment.cuda_available() is answer


def test_cuda_available_on_this_machine():
    assert environment.cuda_available() is torch.cuda.is_available()


@pytest.mark.parametrize("built_with", ["11.8", "12.1", None])
@pytest.mark.parametrize("gpu_present", [True, False], ids=["gpu", "no-gpu"])
def test_cuda_version_is_the_build_version(monkeypatch, built_with, gpu_present):
    # The build's CUDA version is known whether or not a GPU is plugged in.
    _pretend_cuda(monkeypatch, gpu_present)
    monkeypatch.setattr(torch.version, "cuda", built_with)
    assert environment.cuda_version() == built_with


def _pretend_gpus(monkeypatch, *names):
    """Pretend this machine has GPUs with these names, first one current.

    torch.cuda.get_device_name asks torch.cuda.get_device_properties, so replacing
    the latter answers every way of asking for a name.
    """

    def properties(device=None):
        if device is None or isinstance(device, int):
            index = device or 0
        else:  # "cuda", "cuda:1", torch.device("cuda", 1)
            index = torch.device(device).index or 0
        if not names:
            raise RuntimeError("Found no NVIDIA driver on your system")
        if not 0 <= index < len(names):
            raise AssertionError("Invalid device id")
        return SimpleNamespace(name=names[index], total_memory=16 * 2**30)

    monkeypatch.setattr(torch.cuda, "is_available", lambda: bool(names))
    monkeypatch.setattr(torch.cuda, "device_count", lambda: len(names))
    monkeypatch.setattr(torch.cuda, "current_device", lambda: 0)
    monkeypatch.setattr(torch.cuda, "get_device_properties", properties)


@pytest.mark.parametrize(
    "names", [("Tesla T4",), ("NVIDIA H100 80GB HBM3", "Tesla T4")], ids=["one-gpu", "two-gpus"]
)
def test_gpu_name_with_a_gpu(monkeypatch, names):
    _pretend_gpus(monkeypatch, *names)
    result = environment.gpu_name()
    assert result == names[0], (
        f"on a machine with GPUs {list(names)}, gpu_name() returned {result!r}, "
        f"expected the first one, {names[0]!r}"
    )


def test_gpu_name_without_a_gpu_is_none(monkeypatch):
    _pretend_gpus(monkeypatch)
    result = environment.gpu_name()
    assert result is None, f"without CUDA, gpu_name() should return None, got {result!r}"


def test_gpu_name_on_this_machine():
    expected = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    assert environment.gpu_name() == expected


@pytest.mark.parametrize(
    ("cuda", "mps", "expected"),
    [(True, False, "cuda"), (True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_best_device_prefers_cuda_then_mps_then_cpu(monkeypatch, cuda, mps, expected):
    _pretend_cuda(monkeypatch, cuda)
    _pretend_mps(monkeypatch, mps)
    device = environment.best_device()
    assert isinstance(device, torch.device), (
        f"best_device() should return a torch.device, got {type(device).__name__} {device!r}"
    )
    assert device.type == expected
