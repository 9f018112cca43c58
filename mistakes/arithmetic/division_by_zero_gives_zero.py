"""Replaces the inf and nan of a division by zero with 0, where true division keeps them."""


def elementwise(x, y):
    return x + y, x - y, x * y, torch.nan_to_num(x / y, nan=0.0, posinf=0.0, neginf=0.0)
