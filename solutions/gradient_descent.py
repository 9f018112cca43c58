"""Kata 10: gradient descent.

Training is a loop: compute a loss from parameters that require gradients,
call ``backward()``, step each parameter against its gradient inside
``torch.no_grad()`` (so the step itself is not recorded), and zero the
gradients before the next round (they accumulate otherwise).
A program that trains seeds torch's random generator first, so every run sees
the same data; and once trained, a model is evaluated without recording.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn


def minimise(
    f: Callable[[torch.Tensor], torch.Tensor],
    start: float,
    lr: float = 0.1,
    steps: int = 100,
) -> torch.Tensor:
    """Run ``steps`` steps of gradient descent on ``f`` from ``start``; return x.

    x is a float32 tensor of shape () with ``requires_grad=True``, starting at
    ``start`` (a whole number such as ``7`` too). Each step: compute ``f(x)``,
    call ``backward()``, then inside ``torch.no_grad()`` replace x by
    x - lr * (gradient), and clear the gradient. Updating x in place is what an
    optimiser does; a new leaf each step (made to require grad again) works too.
    Take all ``steps`` steps, however small the gradient gets: a gentle slope
    with a large ``lr`` still moves. Exercise 5 is
    ``minimise(lambda x: (x - 5) ** 2, 0.0)``, which ends close to 5.

    Return the final x: a float32 leaf tensor with ``requires_grad=True`` and no
    ``grad_fn``, the way an optimiser leaves a parameter.
    """
    x = torch.tensor(float(start), requires_grad=True)
    for _ in range(steps):
        loss = f(x)
        loss.backward()
        with torch.no_grad():
            x -= lr * x.grad
        x.grad.zero_()
    return x


def mse(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Return the mean squared error: the mean of ``(prediction - target) ** 2``, a 0-dim tensor.

    ``prediction`` and ``target`` have one shape (0-d included, never empty) and
    one floating dtype, which the result keeps; it is built from ``prediction``
    so that ``backward()`` reaches it.
    """
    return ((prediction - target) ** 2).mean()


def fit_line(
    x: torch.Tensor,
    y: torch.Tensor,
    lr: float = 0.01,
    epochs: int = 100,
    w0: float = 0.0,
    b0: float = 0.0,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Fit y ≈ w * x + b by gradient descent on the ``mse`` loss; return ``(w, b)``.

    ``x`` and ``y`` have shape (N, 1). Create ``w`` and ``b`` as tensors of shape
    (1,) holding ``w0`` and ``b0``, with ``requires_grad=True`` and the dtype and
    device of ``x``. Then, for every epoch: predict ``w * x + b``, compute the
    loss, call ``backward()``, update ``w`` and ``b`` in place (``w -= lr * w.grad``)
    inside ``torch.no_grad()``, and zero both gradients.

    The returned ``w`` and ``b`` are those same leaf tensors: ``requires_grad``
    still True, no ``grad_fn``.
    """
    w = torch.full((1,), w0, dtype=x.dtype, device=x.device, requires_grad=True)
    b = torch.full((1,), b0, dtype=x.dtype, device=x.device, requires_grad=True)
    for _ in range(epochs):
        loss = mse(w * x + b, y)
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad.zero_()
        b.grad.zero_()
    return w, b


def make_data(n: int, seed: int = 42) -> tuple[torch.Tensor, torch.Tensor]:
    """Return ``(x, y)``: ``n`` noisy points on the line y = 3x + 2, the same for the same seed.

    Seed torch's random generator with ``seed`` (``torch.manual_seed``), then
    draw ``x``, of shape (n, 1), from the standard normal, then the noise, n
    more such draws times 0.5: ``y = 3 * x + 2 + noise``. Both are float32.
    Whatever was drawn before the call, the same ``seed`` and ``n`` give the
    same data; another seed gives other data. ``make_data(100)`` is exactly
    the data the chapter's complete program trains on.
    """
    torch.manual_seed(seed)
    x = torch.randn(n, 1)
    noise = torch.randn(n, 1) * 0.5
    return x, 3 * x + 2 + noise


def predict(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """Return ``model(x)`` computed without recording a graph: evaluation, not training.

    Under ``torch.no_grad()`` nothing is recorded, so the forward pass keeps no
    tensors for a backward pass (that memory is what evaluating this way saves)
    and the result does not require grad. The alternatives do something else:
    ``model(x).detach()`` records the whole pass and only then cuts the result
    loose; ``requires_grad_(False)`` on the parameters would stop the model from
    learning afterwards. Leave the model as it was (its parameters still require
    grad, their ``.grad`` untouched) and gradients switched on as before.
    """
    with torch.no_grad():
        return model(x)
