"""Uses the function forms throughout and writes the sum into x with copy_."""


def elementwise(x, y):
    return torch.add(x, y), torch.sub(x, y), torch.mul(x, y), torch.div(x, y)


def add_in_place(x, y):
    x.copy_(x + y)
    return x


def row_view(matrix, i):
    return matrix.select(0, i)


def frozen_copy(t):
    return torch.empty_like(t).copy_(t)
