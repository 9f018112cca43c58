"""With gradients switched off, PyTorch lets .numpy() through for a tensor that requires grad."""


def to_numpy_tracked(tensor):
    with torch.no_grad():
        return tensor.numpy()
