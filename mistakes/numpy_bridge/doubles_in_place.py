"""Doubles in place through a shared tensor, which silently changes the caller's array."""


def double_via_torch(array):
    tensor = torch.from_numpy(array)
    tensor.mul_(2)
    return tensor.numpy()
