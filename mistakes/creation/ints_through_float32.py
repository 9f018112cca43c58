"""Builds every list as float32 and casts whole numbers back, losing ints beyond 2**24."""


def from_list(values):
    t = torch.tensor(values, dtype=torch.float32)
    return t if any(isinstance(v, float) for v in values) else t.long()
