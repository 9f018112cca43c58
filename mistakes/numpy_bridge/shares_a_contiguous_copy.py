"""Makes the array contiguous first: a sliced or transposed array is copied, not shared."""


def to_tensor_shared(array):
    return torch.from_numpy(np.ascontiguousarray(array))
