"""Uses x += y for the in-place add, an explicit sum for alpha, and indexing copies."""


def add_scaled(x, y, alpha):
    return x + alpha * y


def add_in_place(x, y):
    x += y
    return x


def add_out_of_place(x, y):
    return torch.add(x, y)


def frozen_copy(t):
    return t.detach().clone()
