"""Returns the device name as a string ("cuda" or "cpu") where a torch.device is wanted."""


def pick_device():
    return "cuda" if torch.cuda.is_available() else "cpu"
