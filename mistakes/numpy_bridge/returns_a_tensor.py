"""Forgets to convert back: returns a tensor where a NumPy array was asked for."""


def double_via_torch(array):
    return torch.from_numpy(array) * 2
