"""Calls x.add(y), the out-of-place method, thinking it changes x the way x.add_(y) does."""


def add_in_place(x, y):
    return x.add(y)
