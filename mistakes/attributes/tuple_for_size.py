"""Converts the shape to a plain tuple, where a torch.Size was asked for."""


def shape_of(t):
    return tuple(t.shape)
