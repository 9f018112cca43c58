"""Doubles the array in NumPy and only wraps the answer in a tensor: torch does no arithmetic."""


def double_via_torch(array):
    return torch.from_numpy(array * 2).numpy()
