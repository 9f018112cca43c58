"""Squares with ** 2.0, which turns an integer tensor into floats."""


def square_round_trip(t, device):
    return (t.to(device) ** 2.0).cpu()
