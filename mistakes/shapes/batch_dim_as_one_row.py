"""Reshapes to (1, -1), which also merges all the other dimensions into one."""


def add_batch_dim(t):
    return t.reshape(1, -1)
