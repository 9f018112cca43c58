"""Uses torch.matmul, torch.mul, torch.t and (u * v).sum(), and torch.Size in the message."""


def matmul(a, b):
    return torch.matmul(a, b)


def hadamard(a, b):
    return torch.mul(a, b)


def transpose(m):
    return torch.t(m)


def dot(u, v):
    return (u * v).sum()


def checked_matmul(a, b):
    rows_a, cols_a = a.shape
    rows_b, cols_b = b.shape
    if cols_a != rows_b:
        raise ValueError(f"shapes {(rows_a, cols_a)} and {(rows_b, cols_b)} cannot be multiplied")
    return torch.matmul(a, b)
