"""Shares with torch.as_tensor and np.asarray, which reuse CPU memory when no conversion is due."""


def to_tensor_shared(array):
    return torch.as_tensor(array)


def to_numpy_shared(tensor):
    return np.asarray(tensor)


def double_via_torch(array):
    return (2 * torch.as_tensor(array)).numpy()
