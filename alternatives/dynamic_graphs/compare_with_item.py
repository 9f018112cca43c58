"""Tests .item() numbers in the loop and the if; the graph still comes from tensor operations."""


def power_until(x, limit):
    y = x
    while y.item() < limit:
        y = y * x
    return y


def huber(x, delta=1.0):
    if abs(x.item()) <= delta:
        return 0.5 * x * x
    return delta * (x.abs() - 0.5 * delta)
