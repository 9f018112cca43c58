"""Uses A * B for the matrix product, but * multiplies entry by entry."""


def matmul(a, b):
    return a * b
