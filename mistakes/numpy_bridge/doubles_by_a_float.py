"""Multiplies by 2.0, which turns an array of whole numbers into one of floats."""


def double_via_torch(array):
    return (torch.from_numpy(array) * 2.0).numpy()
