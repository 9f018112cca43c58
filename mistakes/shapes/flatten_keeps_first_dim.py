"""Flattens to (rows, -1), keeping the first dimension, where one single dimension is asked for."""


def flatten(t):
    return t.reshape(t.shape[0], -1)
