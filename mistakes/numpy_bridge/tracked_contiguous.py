"""Makes the detached tensor contiguous first, which copies a strided one."""


def to_numpy_tracked(tensor):
    return tensor.detach().contiguous().numpy()
