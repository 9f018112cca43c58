"""Uses math.sin, which makes a plain float and cuts the sin branch out of the graph."""

import math


def chapter_graph(a, b):
    c = a * b
    d = c**2
    e = math.sin(d)
    return e + c
