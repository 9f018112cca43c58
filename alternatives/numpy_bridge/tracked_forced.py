"""numpy(force=True) detaches (and would copy to the CPU) on its own."""


def to_numpy_tracked(tensor):
    return tensor.numpy(force=True)
