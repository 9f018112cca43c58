"""Calls .contiguous() first, which copies a transposed or sliced tensor instead of sharing it."""


def to_numpy_shared(tensor):
    return tensor.contiguous().numpy()
