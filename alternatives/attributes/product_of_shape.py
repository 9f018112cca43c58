"""Counts the elements as the product of the dimensions, and the dimensions as len(shape)."""

import math


def num_elements(t):
    return math.prod(t.shape)


def num_dims(t):
    return len(t.shape)
