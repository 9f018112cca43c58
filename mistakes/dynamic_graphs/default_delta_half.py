"""Gives delta a default of 0.5, where the docstring's signature says 1.0."""


def huber(x, delta=0.5):
    if torch.abs(x) <= delta:
        return 0.5 * x**2
    return delta * (torch.abs(x) - 0.5 * delta)
