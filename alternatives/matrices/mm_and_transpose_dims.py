"""Uses torch.mm, transpose(0, 1), u @ v, and catches torch's error to re-raise it."""


def matmul(a, b):
    return torch.mm(a, b)


def transpose(m):
    return m.transpose(0, 1)


def dot(u, v):
    return u @ v


def checked_matmul(a, b):
    try:
        return torch.mm(a, b)
    except RuntimeError as exc:
        shapes = f"({a.shape[0]}, {a.shape[1]}) and ({b.shape[0]}, {b.shape[1]})"
        raise ValueError(f"these do not multiply: {shapes}") from exc
