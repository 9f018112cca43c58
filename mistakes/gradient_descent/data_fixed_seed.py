"""Always seeds with 42, whatever seed it is given."""


def make_data(n, seed=42):
    torch.manual_seed(42)
    x = torch.randn(n, 1)
    return x, 3 * x + 2 + torch.randn(n, 1) * 0.5
