"""Detaches and clones: the values are right, but the array no longer shares the tensor's memory."""


def to_numpy_tracked(tensor):
    return tensor.detach().clone().numpy()
