"""Centres t in place to find the spread, so the caller's tensor comes back shifted."""


def summary_stats(t):
    mean = t.mean().item()
    centred = t.sub_(mean)
    return {
        "mean": mean,
        "std": (centred.pow(2).sum() / (t.numel() - 1)).sqrt().item(),
        "max": t.max().item() + mean,
        "min": t.min().item() + mean,
    }
