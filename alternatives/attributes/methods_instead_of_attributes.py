"""Uses the method spellings: size(), dim() and nelement(), and shape[dim]."""


def shape_of(t):
    return t.size()


def size_along(t, dim):
    return t.shape[dim]


def num_dims(t):
    return t.dim()


def num_elements(t):
    return t.nelement()
