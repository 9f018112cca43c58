"""Writes the sum through x[:], which a 0-d tensor cannot be sliced with (x[...] can)."""


def add_in_place(x, y):
    x[:] = x + y
    return x
