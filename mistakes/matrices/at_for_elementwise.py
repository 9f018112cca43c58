"""Uses a @ b for the element-wise product, mixing up @ and *."""


def hadamard(a, b):
    return a @ b
