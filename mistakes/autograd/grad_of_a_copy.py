"""Differentiates through a detached copy of x and copies the answer over, not through x itself."""


def quadratic_grad(x):
    twin = x.detach().clone().requires_grad_()
    (twin**2 + 3 * twin + 1).backward()
    x.grad = twin.grad
    return x.grad
