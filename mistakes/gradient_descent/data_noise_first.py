"""Draws the noise before x: reproducible, but not the chapter's data."""


def make_data(n, seed=42):
    torch.manual_seed(seed)
    noise = torch.randn(n, 1) * 0.5
    x = torch.randn(n, 1)
    return x, 3 * x + 2 + noise
