"""Makes the tensor contiguous before view, indexes with None, and squeezes by hand."""


def reshape_to(t, shape):
    return t.contiguous().view(shape)


def flatten(t):
    return t.contiguous().view(-1)


def flat_view(t):
    return t.view(t.numel())


def add_batch_dim(t):
    return t[None]


def drop_unit_dims(t):
    return t.reshape([length for length in t.shape if length != 1])
