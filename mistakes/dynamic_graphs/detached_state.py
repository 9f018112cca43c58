"""Detaches the state between steps, so the gradient only sees the last step of the sequence."""


def running_state(w, inputs):
    h = torch.zeros_like(w)
    for x in inputs:
        h = torch.tanh(w * h.detach() + x)
    return h
