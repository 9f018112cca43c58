"""Subtracts in place into target to save memory, overwriting the caller's target values."""


def mse(prediction, target):
    return (target.sub_(prediction) ** 2).mean()
