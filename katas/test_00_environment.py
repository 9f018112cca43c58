"""Kata 00: check your set-up. Edit src/environment.py until these pass.

Some tests pretend to be on another machine (with or without a GPU) by
replacing a torch function for the length of one test (pytest's monkeypatch),
so your code must ask torch each time rather than remember an answer.
"""

import pytest
import torch

from learner import environment


def test_torch_version_is_the_installed_one():
    assert environment.torch_version() == torch.__version__


def test_torch_version_follows_the_installation(monkeypatch):
    monkeypatch.setattr(torch, "__version__", "9.8.7")
    assert environment.torch_version() == "9.8.7"


@pytest.mark.parametrize("answer", [True, False])
def test_cuda_available_asks_torch(monkeypatch, answer):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: answer)
    assert environment.cuda_available() is answer


def test_cuda_available_on_this_machine():
    assert environment.cuda_available() is torch.cuda.is_available()


@pytest.mark.parametrize("built_with", ["11.8", "12.1", None])
@pytest.mark.parametrize("gpu_present", [True, False], ids=["gpu", "no-gpu"])
def test_cuda_version_is_the_build_version(monkeypatch, built_with, gpu_present):
    # The build's CUDA version is known whether or not a GPU is plugged in.
    monkeypatch.setattr(torch.cuda, "is_available", lambda: gpu_present)
    monkeypatch.setattr(torch.version, "cuda", built_with)
    assert environment.cuda_version() == built_with


@pytest.mark.parametrize("name", ["Tesla T4", "NVIDIA H100 80GB HBM3"])
def test_gpu_name_with_a_gpu(monkeypatch, name):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index=0: name)
    assert environment.gpu_name() == name


def test_gpu_name_without_a_gpu_is_none(monkeypatch):
    def no_gpu(index=0):
        raise RuntimeError("Found no NVIDIA driver on your system")

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "get_device_name", no_gpu)
    assert environment.gpu_name() is None


@pytest.mark.parametrize(
    ("cuda", "mps", "expected"),
    [(True, False, "cuda"), (True, True, "cuda"), (False, True, "mps"), (False, False, "cpu")],
)
def test_best_device_prefers_cuda_then_mps_then_cpu(monkeypatch, cuda, mps, expected):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)
    device = environment.best_device()
    assert isinstance(device, torch.device), (
        f"best_device() should return a torch.device, got {type(device).__name__} {device!r}"
    )
    assert device.type == expected
