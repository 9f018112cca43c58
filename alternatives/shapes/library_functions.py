"""Uses torch.flatten, torch.reshape, torch.unsqueeze, torch.squeeze and torch.std_mean."""


def reshape_to(t, shape):
    return torch.reshape(t, shape)


def flatten(t):
    return torch.flatten(t)


def add_batch_dim(t):
    return torch.unsqueeze(t, 0)


def drop_unit_dims(t):
    return torch.squeeze(t)


def summary_stats(t):
    std, mean = torch.std_mean(t)
    return {"mean": float(mean), "std": float(std), "max": float(t.max()), "min": float(t.min())}
