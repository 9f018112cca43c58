"""Puts the shapes into the message as they print, torch.Size([2, 3]), not as tuples."""


def checked_matmul(a, b):
    if a.shape[1] != b.shape[0]:
        raise ValueError(f"cannot multiply {a.shape} by {b.shape}")
    return a @ b
