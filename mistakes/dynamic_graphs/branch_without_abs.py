"""Tests x <= delta instead of |x| <= delta, so large negative values take the quadratic branch."""


def huber(x, delta=1.0):
    if x <= delta:
        return 0.5 * x**2
    return delta * (torch.abs(x) - 0.5 * delta)
