"""Casts with .float(), passes shapes by keyword, and uses as_tensor."""


def from_list(values):
    return torch.as_tensor(values)


def float32_tensor(values):
    return torch.tensor(values).float()


def zeros(shape):
    return torch.zeros(size=shape)


def ones(shape):
    return torch.ones(size=shape, dtype=torch.float32)


def uniform(shape):
    return torch.rand(size=shape)
