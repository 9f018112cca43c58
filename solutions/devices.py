"""Kata 09: devices, CPU and GPU.

Every tensor lives on a device: the CPU, a CUDA GPU, or Apple's MPS. Moving a
tensor with ``.to(device)`` returns a new tensor on that device and leaves the
original where it was. A model is an ``nn.Module`` that holds its trainable
tensors as parameters; ``model.to(device)`` moves every parameter it holds, in
place. An operation needs all its tensors on one device.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn


def pick_device() -> torch.device:
    """Return ``torch.device("cuda")`` when CUDA is available, else ``torch.device("cpu")``.

    Return a ``torch.device``, not a string, and ask torch on every call.
    ``torch.device("cuda:0")`` is accepted too: with no index, "cuda" means the
    current GPU, which is GPU 0 unless something chose another.
    """
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def to_device(t: torch.Tensor, device: torch.device) -> torch.Tensor:
    """Return the tensor ``t`` moved to ``device`` (same values, shape and dtype).

    ``t`` may have any dtype and shape and be contiguous or not. The result lives
    on exactly ``device``: type *and* index, so ``cuda:1`` is the second GPU,
    not the current one. ``t`` itself stays where it was.
    """
    return t.to(device)


def to_cpu(t: torch.Tensor) -> torch.Tensor:
    """Return ``t`` moved to the CPU, wherever it lives now, with its values, shape and dtype.

    The caller may read the result at once. A copy made with
    ``non_blocking=True`` may still be on its way when the call returns, so if
    you use one, wait for it (``torch.cuda.synchronize()``) before returning.
    """
    return t.cpu()


def square_round_trip(t: torch.Tensor, device: torch.device) -> torch.Tensor:
    """Exercise 4: square ``t`` element-wise on ``device`` and return the result on the CPU.

    Move ``t`` to ``device``, compute ``t ** 2`` there (element by element, not
    a matrix product), and bring the result back to the CPU. ``t`` may have any
    numeric dtype: integers stay integers (wrapping around on overflow, as
    PyTorch's integer arithmetic does). ``t`` itself is left unchanged, and the
    caller may read the result at once (see ``to_cpu``).
    """
    on_device = t.to(device)
    squared = on_device**2
    return squared.cpu()


class Polynomial(nn.Module):
    """A model of one input, c0 + c1*x + c2*x**2 + ..., that learns its coefficients.

    A model is a subclass of ``nn.Module``: its ``__init__`` calls
    ``super().__init__()`` before anything else and keeps each trainable tensor
    as an ``nn.Parameter`` attribute; ``model(x)`` runs its ``forward(x)``. The
    module sees only what its attributes hold: a parameter, or a container made
    for them (``nn.ParameterList``). A plain Python list hides its parameters
    from ``model.parameters()``, from ``model.to(device)`` and from any
    optimiser built on them.
    """

    def __init__(self, coefficients: Sequence[float]) -> None:
        """Keep ``coefficients`` (c0 first, at least one) as float32 parameters on the CPU.

        Together the parameters hold exactly these ``len(coefficients)`` numbers,
        every one requiring grad: one parameter vector, or one per coefficient.
        The model keeps its own copy: a later change to the list does not reach it.
        """
        super().__init__()
        self.coefficients = nn.Parameter(torch.tensor(coefficients, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return c0 + c1*x + c2*x**2 + ..., element by element, of the shape of ``x``.

        ``x`` is a tensor of finite values, of any shape and layout, with the
        parameters' dtype and device (``model.double()`` or ``model.to(device)``
        first, where needed). The result is built from the parameters, so that
        ``backward()`` reaches every coefficient.
        """
        result = torch.zeros_like(x) + self.coefficients[-1]
        for c in reversed(self.coefficients[:-1]):
            result = result * x + c
        return result


def place(
    model: nn.Module, x: torch.Tensor, device: torch.device
) -> tuple[nn.Module, torch.Tensor]:
    """Put ``model`` and the input batch ``x`` on ``device``; return both as ``(model, x)``.

    Afterwards every parameter of the model and the returned batch must be on
    exactly ``device``, type and index (``cuda:1`` is the second GPU), so that
    ``model(x)`` can run there.
    """
    model = model.to(device)
    x = x.to(device)
    return model, x


def check_same_device(model: nn.Module, x: torch.Tensor) -> torch.device:
    """Return the device shared by ``model``'s parameters and ``x``.

    Before running anything, compare the device of the model's first parameter
    with ``x.device``. When they differ, raise ``ValueError`` with a message
    that names both devices (for example ``"model is on cuda:0 but the data is
    on cpu"``), instead of waiting for PyTorch's own error deep inside the
    forward pass.
    """
    model_device = next(model.parameters()).device
    if model_device != x.device:
        raise ValueError(f"model is on {model_device} but the data is on {x.device}")
    return model_device
