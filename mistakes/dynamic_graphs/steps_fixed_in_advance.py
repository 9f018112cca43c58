"""Fixes the number of multiplications from limit alone before seeing x, as a static graph would."""

import math


def power_until(x, limit):
    y = x
    for _ in range(max(0, math.ceil(math.log2(limit)) - 1)):
        y = y * x
    return y
