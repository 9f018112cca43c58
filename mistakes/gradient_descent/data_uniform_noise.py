"""Draws the noise with torch.rand, uniform on [0, 1), not the standard normal."""


def make_data(n, seed=42):
    torch.manual_seed(seed)
    x = torch.randn(n, 1)
    return x, 3 * x + 2 + torch.rand(n, 1) * 0.5
