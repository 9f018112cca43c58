"""Casts both sides to float32 before dividing, which loses float64 inputs' precision and dtype."""


def elementwise(x, y):
    return x + y, x - y, x * y, x.float() / y.float()
