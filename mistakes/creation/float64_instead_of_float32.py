"""Asks for float64 (double precision) where float32 was asked for."""


def float32_tensor(values):
    return torch.tensor(values, dtype=torch.float64)
