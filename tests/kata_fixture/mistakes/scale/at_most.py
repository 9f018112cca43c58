"""Treats the limit as allowed."""


def below(t, limit):
    return bool((t <= limit).all())
