"""Picks the dtype from the first value alone, so [1, 2.5] is truncated to int64."""


def from_list(values):
    dtype = torch.float32 if isinstance(values[0], float) else torch.int64
    return torch.tensor(values, dtype=dtype)
