"""Draws from a torch.Generator of its own, seeded with the seed: the same numbers, and the global generator is left alone."""


def make_data(n, seed=42):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1, generator=generator)
    noise = 0.5 * torch.randn(n, 1, generator=generator)
    return x, 3 * x + 2 + noise
