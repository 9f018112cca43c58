"""Kata 07: autograd basics.

A tensor created with ``requires_grad=True`` records every operation done with
it. Calling ``backward()`` on a result walks that record backwards and stores
the derivative of the result with respect to each such tensor in its ``.grad``.
"""

from __future__ import annotations

from collections.abc import Callable

import torch


def tracked(value: float) -> torch.Tensor:
    """Return a float32 tensor of shape () holding ``value`` that records operations.

    The result must be a leaf tensor with ``requires_grad=True``. ``value`` may
    be a whole number such as ``2``: only floating-point tensors can require
    gradients, so make sure the dtype is float32.
    """
    raise NotImplementedError("kata 07: implement tracked() in src/autograd.py")


def quadratic_grad(x: torch.Tensor) -> torch.Tensor:
    """Return dy/dx of y = x**2 + 3*x + 1 at ``x``, computed by ``backward()``.

    ``x`` is a one-element leaf tensor with ``requires_grad=True`` and no
    gradient yet. Build y from x, call ``y.backward()``, and return ``x.grad``:
    the gradient must end up in ``x.grad`` of the tensor you were given.
    Do not type in the derivative yourself; let autograd find it.
    """
    raise NotImplementedError("kata 07: implement quadratic_grad() in src/autograd.py")


def chapter_graph(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Return f for the graph c = a*b, d = c**2, e = sin(d), f = e + c.

    ``a`` and ``b`` are tensors with ``requires_grad=True``. Build f from them
    with tensor operations only (``torch.sin``, not ``math.sin``), so that
    ``f.backward()`` can reach both ``a`` and ``b``. Note that c feeds f twice:
    once through d and e, and once directly.
    """
    raise NotImplementedError("kata 07: implement chapter_graph() in src/autograd.py")


def exercise3(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Exercise 3: return f(x, y) = x**2 + y**2 + 2*x*y, built from tensor operations.

    ``x`` and ``y`` have ``requires_grad=True``; the result must keep the graph
    so that ``f.backward()`` fills ``x.grad`` and ``y.grad`` with the partial
    derivatives.
    """
    raise NotImplementedError("kata 07: implement exercise3() in src/autograd.py")


def partials(
    fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    y: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Return the pair (df/dx, df/dy) at (x, y) where f = fn(x, y).

    ``x`` and ``y`` are floating leaf tensors (float32 or float64) with
    ``requires_grad=True`` and no gradient yet; ``fn`` builds a one-element
    tensor from them (for example ``exercise3``). Find the partials with
    autograd: ``backward()``, ``torch.autograd.grad`` and ``torch.func.grad``
    all do, and the answer is autograd's even where fn's values alone would
    suggest another slope. Each partial has the shape and dtype of its
    variable; what is left in ``x.grad`` and ``y.grad`` afterwards is up to you.
    """
    raise NotImplementedError("kata 07: implement partials() in src/autograd.py")
