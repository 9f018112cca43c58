"""Starts from a clone of x; the clone is no multiplication, so the count of factors is the same."""


def power_until(x, limit):
    y = x.clone()
    while y < limit:
        y = y * x
    return y
