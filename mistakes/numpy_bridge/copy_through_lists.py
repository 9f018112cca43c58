"""Copies through Python lists, where every float32 comes back as a float64."""


def to_numpy_copy(tensor):
    return np.array(tensor.tolist())
