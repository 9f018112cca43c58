"""Squares on the device but forgets to bring the result back to the CPU."""


def square_round_trip(t, device):
    return t.to(device) ** 2
