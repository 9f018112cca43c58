"""Draws from its own torch.Generator, seeded: the same numbers, the global one untouched."""


def make_data(n, seed=42):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1, generator=generator)
    noise = 0.5 * torch.randn(n, 1, generator=generator)
    return x, 3 * x + 2 + noise
