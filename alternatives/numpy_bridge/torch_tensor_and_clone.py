"""Copies with torch.tensor(array) and tensor.clone().numpy() instead of clone/copy."""


def to_tensor_copy(array):
    return torch.tensor(array)


def to_numpy_copy(tensor):
    return tensor.clone().numpy()


def double_via_torch(array):
    return torch.mul(torch.tensor(array), 2).numpy()
