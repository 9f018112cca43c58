"""Types in the derivative 2x + 3 instead of calling backward(), so x.grad stays empty."""


def quadratic_grad(x):
    return 2 * x + 3
