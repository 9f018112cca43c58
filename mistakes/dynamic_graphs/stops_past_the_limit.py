"""Keeps multiplying while y <= limit, one factor too many when a power lands on the limit."""


def power_until(x, limit):
    y = x
    while y <= limit:
        y = y * x
    return y
