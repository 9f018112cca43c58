"""Raises ValueError with a message that does not say which shapes were given."""


def checked_matmul(a, b):
    if a.shape[1] != b.shape[0]:
        raise ValueError("inner dimensions do not match")
    return a @ b
