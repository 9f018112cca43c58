"""Casts with .float(), unpacks shapes with *, and uses as_tensor."""


def from_list(values):
    return torch.as_tensor(values)


def float32_tensor(values):
    return torch.tensor(values).float()


def zeros(shape):
    return torch.zeros(*shape)


def ones(shape):
    return torch.ones(*shape, dtype=torch.float32)


def uniform(shape):
    return torch.rand(*shape)
