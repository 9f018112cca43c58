"""Multiplies by 2.0 and casts back: int64 values pass through float32 and lose digits."""


def double_via_torch(array):
    tensor = torch.from_numpy(array)
    return (tensor * 2.0).to(tensor.dtype).numpy()
