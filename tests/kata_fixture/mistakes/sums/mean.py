"""Averages instead of adding."""


def total(t):
    return t.mean()
