"""Drops the result of t.to(device), so the square is computed on the CPU all along."""


def square_round_trip(t, device):
    t.to(device)
    squared = t**2
    return squared.cpu()
