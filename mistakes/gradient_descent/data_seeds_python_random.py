"""Seeds Python's random module, which torch's generator never reads."""


def make_data(n, seed=42):
    random.seed(seed)
    x = torch.randn(n, 1)
    return x, 3 * x + 2 + torch.randn(n, 1) * 0.5


import random  # noqa: E402
