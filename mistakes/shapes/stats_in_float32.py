"""Casts to float32 first, so float64 data loses the digits float32 cannot hold."""


def summary_stats(t):
    t = t.float()
    return {
        "mean": t.mean().item(),
        "std": t.std().item(),
        "max": t.max().item(),
        "min": t.min().item(),
    }
