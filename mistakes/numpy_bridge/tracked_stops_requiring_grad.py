"""Calls requires_grad_(False): it changes the caller's tensor, and fails on a computed one."""


def to_numpy_tracked(tensor):
    return tensor.requires_grad_(False).numpy()
