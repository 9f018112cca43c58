"""Draws from NumPy's random generator, so torch.manual_seed does not repeat the values."""

import numpy as np


def uniform(shape):
    return torch.from_numpy(np.asarray(np.random.random(shape), dtype=np.float32))
