"""Loops on the Python number x.item() and wraps the answer in a new tensor with no graph to x."""


def power_until(x, limit):
    value = x.item()
    y = value
    while y < limit:
        y = y * value
    return torch.tensor(y, dtype=x.dtype)
