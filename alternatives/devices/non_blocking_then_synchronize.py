"""Copies without blocking, then waits for the GPU before the CPU tensor is handed out."""


def to_cpu(t):
    back = t.to("cpu", non_blocking=True)
    if t.device.type == "cuda":
        torch.cuda.synchronize(t.device)
    return back
