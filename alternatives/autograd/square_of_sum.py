"""Writes Exercise 3 as (x + y) ** 2, the same function, so the same graph values and partials."""


def exercise3(x, y):
    return (x + y) ** 2
