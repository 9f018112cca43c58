"""Uses t.type(), a string like "torch.FloatTensor", where the torch.dtype is asked for."""


def dtype_of(t):
    return t.type()
