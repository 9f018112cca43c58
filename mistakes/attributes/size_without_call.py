"""Writes t.size without calling it, so it returns the method instead of the shape."""


def shape_of(t):
    return t.size
