"""Counts the factors with plain numbers, then raises x to that power in one operation."""


def power_until(x, limit):
    k, y = 1, x.item()
    while y < limit:
        y, k = y * x.item(), k + 1
    return x**k
