"""Takes the population std (divide by n, NumPy's default) instead of torch's n - 1."""


def summary_stats(t):
    return {
        "mean": t.mean().item(),
        "std": t.std(correction=0).item(),
        "max": t.max().item(),
        "min": t.min().item(),
    }
