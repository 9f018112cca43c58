"""Rebuilds the array from the tensor's bytes, which gives a read-only array."""


def to_numpy_copy(tensor):
    array = tensor.numpy()
    return np.frombuffer(array.tobytes(), dtype=array.dtype).reshape(array.shape)
