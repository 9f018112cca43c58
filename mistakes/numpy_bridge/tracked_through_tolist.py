"""Goes through Python lists: a copy, and float16 or float32 values come back as float64."""


def to_numpy_tracked(tensor):
    return np.array(tensor.tolist())
