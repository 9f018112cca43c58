"""Adds the new dimension at the end with unsqueeze(-1), where it belongs in front."""


def add_batch_dim(t):
    return t.unsqueeze(-1)
