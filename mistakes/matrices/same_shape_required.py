"""Thinks two matrices must have the same shape to be multiplied."""


def checked_matmul(a, b):
    if a.shape != b.shape:
        raise ValueError(f"cannot multiply {tuple(a.shape)} by {tuple(b.shape)}")
    return a @ b
