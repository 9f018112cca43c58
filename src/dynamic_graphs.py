"""Kata 11: dynamic computation graphs.

PyTorch builds the computation graph while your Python code runs
(define-by-run): every call records exactly the operations that call
performed. A loop that runs a data-dependent number of times, or an ``if`` on
a tensor's value, is ordinary Python, and autograd still differentiates the
path that was taken. A static graph (define-and-run, as in TensorFlow 1.x) is
declared once, before any data is seen, and needs special graph operations for
loops and branches.
"""

from __future__ import annotations

import torch


def power_until(x: torch.Tensor, limit: float) -> torch.Tensor:
    """Multiply by ``x`` until the product reaches ``limit``; return the product.

    ``x`` is a tensor of shape () greater than 1, with ``requires_grad=True``.
    Start with ``y = x``; while ``y < limit``, set ``y = y * x``. The result is
    x**k, where k, the number of factors, depends on the value of x, so each
    call records a graph of a different length. Keep everything a tensor built
    from ``x`` so that ``backward()`` gives dy/dx = k * x**(k - 1).
    """
    raise NotImplementedError("kata 11: implement power_until() in src/dynamic_graphs.py")


def huber(x: torch.Tensor, delta: float = 1.0) -> torch.Tensor:
    """Return the Huber loss of the 0-dim tensor ``x``, choosing the branch with a Python ``if``.

    When ``|x| <= delta`` the loss is ``0.5 * x**2``; otherwise it is
    ``delta * (|x| - 0.5 * delta)``. At ``|x| == delta`` both formulas agree in
    value and slope, so either branch may take that point (``torch.nn.HuberLoss``
    takes the straight one). Test the value of ``x`` with ``if`` and
    build only the branch taken, from tensor operations on ``x``
    (``torch.abs``, not ``abs(x.item())``), so its gradient is right:
    x inside, ``±delta`` outside.
    """
    raise NotImplementedError("kata 11: implement huber() in src/dynamic_graphs.py")


def running_state(w: torch.Tensor, inputs: list[float]) -> torch.Tensor:
    """Run a one-number recurrent cell over ``inputs`` and return its final state.

    Start with the state ``h = 0``, a tensor of w's dtype and device (float32 or
    float64); for each number ``x`` in ``inputs``, set ``h = torch.tanh(w * h + x)``.
    With no inputs the result is that zero. ``w`` is a tensor of shape () with
    ``requires_grad=True``. The graph grows with the length of
    ``inputs``, and ``backward()`` must carry the gradient through every step:
    do not detach ``h`` along the way.
    """
    raise NotImplementedError("kata 11: implement running_state() in src/dynamic_graphs.py")


def graph_depth(t: torch.Tensor) -> int:
    """Return how many recorded operations lie on the longest path from ``t`` back to its inputs.

    Start at ``t.grad_fn`` (None for a tensor that no operation produced: depth 0).
    Each node's inputs are in ``node.next_functions``, a tuple of
    ``(node, index)`` pairs; an input node may be None (an input that needs no
    gradient) or an ``AccumulateGrad`` node (a leaf tensor): neither is an
    operation and neither counts. So ``(x * 2 + 1).sin()`` has depth 3, and
    ``x * 2 + x.exp().exp()`` has depth 3 too (add, then exp, then exp).

    A node may feed several others (``y + y`` uses y twice), so the number of
    paths can grow as 2**depth: visit each node once, remembering its depth,
    so a graph of n operations takes about n steps.
    """
    raise NotImplementedError("kata 11: implement graph_depth() in src/dynamic_graphs.py")
