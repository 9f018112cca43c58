"""Reshapes n x m to m x n, which keeps row order instead of swapping rows and columns."""


def transpose(m):
    return m.reshape(m.shape[1], m.shape[0])
