"""Converts the array to float32 first; astype makes a copy, so nothing is shared any more."""


def to_tensor_shared(array):
    return torch.from_numpy(array.astype(np.float32))
