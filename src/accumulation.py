"""Kata 08: gradient accumulation.

``backward()`` does not overwrite ``.grad``: it adds the new gradient to
whatever is already there. That is a trap when you want one gradient at a time
(reset ``.grad`` before each ``backward()``) and a tool when you want a sum of
gradients, for example over the micro-batches of a batch too big to run at once.
In a training loop the optimiser clears its parameters' gradients for you:
``optimizer.zero_grad()``, once per step, before ``backward()``.
"""

from __future__ import annotations

from collections.abc import Callable

import torch


def accumulate(x: torch.Tensor, fns: list[Callable[[torch.Tensor], torch.Tensor]]) -> torch.Tensor:
    """Call ``backward()`` on ``fn(x)`` for each ``fn`` in turn, never resetting; return x.grad.

    ``x`` is a leaf tensor with ``requires_grad=True``. Starting from no
    gradient, the result is the sum of the derivatives of all the functions at
    x: for x = 1, x**2 then x**3 gives 2 + 3 = 5. Do not clear ``x.grad`` at
    any point: a gradient x already holds is added onto as well.
    """
    raise NotImplementedError("kata 08: implement accumulate() in src/accumulation.py")


def separate_grads(
    x: torch.Tensor, fns: list[Callable[[torch.Tensor], torch.Tensor]]
) -> list[torch.Tensor]:
    """Return a list with the derivative of each ``fn`` at ``x``, each one on its own.

    Use ``backward()`` on ``x`` for every function, and reset ``x.grad`` before
    each call, so no gradient adds onto another: for x = 1, x**2 then x**3
    gives [2, 3]. ``x`` is a floating leaf tensor (float32 or float64). It may
    already hold a gradient from earlier work, of any value (nan and inf
    included, as a diverged step leaves them); it must not leak into any
    result. Careful: ``x.grad.zero_()`` changes the gradient tensor in place,
    so a result you keep must not be that same tensor.
    """
    raise NotImplementedError("kata 08: implement separate_grads() in src/accumulation.py")


def microbatch_grad(
    w: torch.Tensor, inputs: torch.Tensor, targets: torch.Tensor, batch_size: int
) -> torch.Tensor:
    """Return the full-batch gradient of a mean squared error, built up one micro-batch at a time.

    The model predicts ``inputs @ w`` (``inputs`` has shape (N, D), ``w`` shape
    (D,), ``targets`` shape (N,), all three of one floating dtype, float32 or
    float64); the loss is the mean of the N squared errors.
    Split the rows into consecutive chunks of ``batch_size`` (the last chunk may
    be shorter), call ``backward()`` once per chunk and let the gradients add up
    in ``w.grad``. Scale each chunk's loss so that the chunks together make the
    mean over all N rows, not a mean of chunk means. Start from a zero gradient
    (``w`` may hold an old one, of any value, nan and inf included), and
    return ``w.grad``.
    """
    raise NotImplementedError("kata 08: implement microbatch_grad() in src/accumulation.py")


def train(
    optimizer: torch.optim.Optimizer, loss_fn: Callable[[], torch.Tensor], steps: int
) -> list[float]:
    """Take ``steps`` steps of ``optimizer`` on the loss ``loss_fn()``; return each step's loss.

    ``optimizer`` already holds the parameters and may be any of torch's (SGD,
    with or without momentum, Adam, several parameter groups...); ``loss_fn()``
    computes a new 0-d loss from the parameters each time it is called. Every
    step: reset the gradients with ``optimizer.zero_grad()``, compute the loss,
    ``backward()``, ``optimizer.step()``. Reset *before* the backward pass: a
    parameter may arrive holding an old gradient (nan or inf too) that must not
    reach the first step.

    Return the ``steps`` losses in order as Python floats (``loss.item()``),
    each measured before its step. Afterwards every parameter's ``.grad`` holds
    the gradient of the last loss, as an ordinary training loop leaves it.
    """
    raise NotImplementedError("kata 08: implement train() in src/accumulation.py")
