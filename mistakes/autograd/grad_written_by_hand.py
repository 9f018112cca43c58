"""Writes the derivative 2x + 3 into x.grad by hand: a gradient lands there, no backward()."""


def quadratic_grad(x):
    x.grad = 2 * x.detach() + 3
    return x.grad
