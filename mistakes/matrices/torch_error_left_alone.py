"""Lets torch's RuntimeError escape instead of checking the shapes and raising ValueError."""


def checked_matmul(a, b):
    return a @ b
