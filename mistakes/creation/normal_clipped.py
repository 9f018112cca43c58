"""Clips the draws to [-3, 3], which removes the standard normal's tails."""


def normal(shape):
    return torch.randn(shape).clamp(-3, 3)
