"""Kata 09: devices, CPU and GPU. Edit src/devices.py until these pass.

Tests that take ``device`` run once for every device this machine has (ids
``[cpu]``, ``[cuda]``, ``[mps]``). A CPU-only machine cannot show that a tensor
really moved, so some tests also send tensors to ``torch.device("meta")``: a
device that exists everywhere and keeps only shape, dtype and device, no
values. It is enough to see *where* your code put a tensor.
"""

import contextlib

import pytest
import torch
from torch import nn
from torch.overrides import TorchFunctionMode

from katakit.testing import ALL_DTYPES, NUMERIC, SHAPES, assert_tensor, cover, wide
from learner import devices

META = torch.device("meta")
TENSORS = {
    "float32-3x3": lambda: torch.randn(3, 3),
    "int64-5": lambda: torch.randint(-9, 9, (5,)),
    "float64-2x4": lambda: torch.randn(2, 4, dtype=torch.float64),
}


@pytest.fixture(params=list(TENSORS), ids=list(TENSORS))
def tensor(request):
    return TENSORS[request.param]()


def _skip_unsupported(tensor, device):
    if device.type == "mps" and tensor.dtype == torch.float64:
        pytest.skip("MPS has no float64")


# -- pick_device -----------------------------------------------------------------------


@pytest.mark.parametrize(("cuda", "expected"), [(True, "cuda"), (False, "cpu")])
def test_pick_device_asks_cuda(monkeypatch, cuda, expected):
    # both ways of asking agree: is_available() and device_count() > 0
    monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: int(cuda))
    device = devices.pick_device()
    assert isinstance(device, torch.device), (
        f"pick_device() should return a torch.device, got {type(device).__name__} {device!r}"
    )
    assert device.type == expected, f"with CUDA available={cuda}, got {device}"
    assert device.index in (None, 0), f"with one GPU or none, got {device}"


# -- to_device / to_cpu ----------------------------------------------------------------


def test_to_device_keeps_the_values(device, tensor):
    _skip_unsupported(tensor, device)
    original = tensor.clone()
    moved = devices.to_device(tensor, device)
    assert_tensor(moved, original.to(device), what=f"to_device(t, {device})")
    assert_tensor(tensor, original, what="t after to_device(t, ...) (it must stay where it was)")


def test_to_device_really_moves_the_tensor(tensor):
    moved = devices.to_device(tensor, META)
    assert isinstance(moved, torch.Tensor), f"to_device should return a tensor, got {moved!r}"
    assert moved.device == META, (
        f"to_device(t, meta) returned a tensor on {moved.device}: t.to(device) does not move "
        "t, it returns a moved copy, and that copy is what must be returned"
    )
    assert moved.shape == tensor.shape and moved.dtype == tensor.dtype


def test_to_cpu_brings_a_tensor_back(device, tensor):
    _skip_unsupported(tensor, device)
    on_device = tensor.to(device)
    back = devices.to_cpu(on_device)
    assert_tensor(back, tensor, what=f"to_cpu(tensor on {device})")


def _exactly(actual, expected, what):
    __tracebackhide__ = True
    assert_tensor(actual, expected, what=what, rtol=0, atol=0)


def _inputs(device, dtypes):
    """(spec, tensor, its copy) for every spec of ``cover(SHAPES, dtypes)`` the device holds."""
    for seed, spec in enumerate(cover(SHAPES, dtypes)):
        if not (device.type == "mps" and (spec.dtype == torch.float64 or spec.dtype.is_complex)):
            t = spec.make(seed)
            yield spec, t, t.clone()


def test_to_device_and_back_keep_every_dtype_shape_and_layout(device):
    for spec, t, before in _inputs(device, ALL_DTYPES):
        moved = devices.to_device(t, device)
        _exactly(moved, before.to(device), f"to_device(<{spec}>, {device})")
        _exactly(devices.to_cpu(moved), before, f"to_cpu(to_device(<{spec}>, {device}))")
        on_meta = devices.to_device(t, META)
        assert isinstance(on_meta, torch.Tensor) and on_meta.device == META, (
            f"to_device(<{spec}>, meta) returned {on_meta!r}, not a tensor on meta"
        )
        assert (on_meta.shape, on_meta.dtype) == (t.shape, t.dtype), (
            f"to_device(<{spec}>, meta) has shape {tuple(on_meta.shape)} and dtype "
            f"{on_meta.dtype}; the shape and dtype must not change"
        )
        _exactly(t, before, f"t after to_device(<{spec}>, ...) (it must stay as it was)")


class _RecordDevices(TorchFunctionMode):
    """Notes the name of every torch operation called and the device of its result."""

    def __init__(self):
        super().__init__()
        self.ops = []

    def __torch_function__(self, func, types, args=(), kwargs=None):
        result = func(*args, **(kwargs or {}))
        if isinstance(result, torch.Tensor):
            self.ops.append((getattr(func, "__name__", str(func)), result.device))
        return result


def _fake_tensors():
    """Fake tensors: like meta ones, but they may also move *off* meta, back to the CPU."""
    try:
        from torch._subclasses.fake_tensor import FakeTensorMode
    except ImportError:  # pragma: no cover - every PyTorch this project supports has it
        pytest.skip("this PyTorch has no fake tensors")
    return FakeTensorMode()


def _fake_on(device, *shape):
    """A fake tensor on ``device`` (call inside a FakeTensorMode); skip where it cannot be made."""
    try:
        return torch.empty(*shape, device=device)
    except RuntimeError as exc:  # pragma: no cover - a build that cannot fake this device
        pytest.skip(f"this PyTorch cannot make a fake tensor on {device}: {exc}")


def _two_gpus():
    """Two devices of one kind that differ only in their index, to be faked.

    Fake tensors need no GPU: they carry a device and a shape, and PyTorch's own
    rules say where each operation's result goes. Where CUDA is present, though,
    PyTorch backs a fake CUDA tensor with a real one on that GPU, so a machine
    with a single GPU fakes two of Intel's (xpu) instead.
    """
    kind = "cuda"
    if torch.cuda.is_available() and torch.cuda.device_count() < 2:
        kind = "xpu"
    return torch.device(kind, 0), torch.device(kind, 1)


class _Reroute(TorchFunctionMode):
    """Sends every tensor that code asks to put on a CUDA GPU to ``meta``, noting the GPU asked for.

    Meta tensors exist on every machine and run every operation (without values),
    so this shows which GPU, type and index, the code would use, with no GPU and
    whatever way it moves tensors (``to``, ``cuda``, ``empty_like(...).copy_``).
    """

    def __init__(self):
        super().__init__()
        self.asked = []

    def _swap(self, value):
        if isinstance(value, (torch.device, str)):
            try:
                device = torch.device(value)
            except (RuntimeError, TypeError, ValueError):
                return value
            if device.type == "cuda":
                self.asked.append(device)
                return META
        return value

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if func is torch.Tensor.cuda:
            index = args[1] if len(args) > 1 else kwargs.get("device")
            self.asked.append(
                torch.device("cuda", index)
                if isinstance(index, int)
                else torch.device(index or "cuda")
            )
            return args[0].to(META)
        args = tuple(self._swap(a) for a in args)
        kwargs = {k: self._swap(v) for k, v in kwargs.items()}
        return func(*args, **kwargs)


SECOND_GPU = torch.device("cuda", 1)


def _asked_only_for_the_second_gpu(asked, what):
    __tracebackhide__ = True
    assert asked, f"{what} never asked for a GPU (tensors asked for on cuda:1 go to meta here)"
    other = [d for d in asked if d != SECOND_GPU]
    assert not other, (
        f"{what} asked for {other[0]} as well as or instead of {SECOND_GPU}: the device's "
        f"index matters as much as its type (cuda, with no index, means whichever GPU is current)"
    )


def test_to_device_keeps_the_device_index():
    t = torch.randn(2, 3)
    with _Reroute() as reroute:
        moved = devices.to_device(t, SECOND_GPU)
    what = f"to_device(t, {SECOND_GPU})"
    _asked_only_for_the_second_gpu(reroute.asked, what)
    assert isinstance(moved, torch.Tensor) and moved.device == META, (
        f"{what} returned {moved!r}, not the tensor it put on {SECOND_GPU}"
    )


def test_to_cpu_moves_off_another_device():
    with _fake_tensors():
        elsewhere = torch.empty(4, 2, device=META)
        back = devices.to_cpu(elsewhere)
    assert isinstance(back, torch.Tensor), f"to_cpu should return a tensor, got {back!r}"
    assert back.device.type == "cpu", f"to_cpu(tensor on meta) returned a tensor on {back.device}"
    assert back.shape == (4, 2)


# -- square_round_trip (Exercise 4) ----------------------------------------------------


@pytest.mark.parametrize("shape", [(3, 3), (2, 5), (4,)])
def test_square_round_trip_values(device, shape):
    t = torch.randn(shape)
    original = t.clone()
    result = devices.square_round_trip(t, device)
    assert_tensor(result, original**2, what=f"square_round_trip(t of shape {shape}, {device})")
    assert_tensor(t, original, what="t after square_round_trip (it must not change)")


def test_square_round_trip_squares_element_by_element():
    t = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    # The matrix product t @ t would be [[7, 10], [15, 22]].
    assert_tensor(
        devices.square_round_trip(t, torch.device("cpu")),
        torch.tensor([[1.0, 4.0], [9.0, 16.0]]),
        what="square_round_trip([[1, 2], [3, 4]], cpu)",
    )


def test_square_round_trip_of_every_numeric_dtype(device):
    # integers stay integers (and wrap around as PyTorch's integer arithmetic does)
    for spec, t, before in _inputs(device, NUMERIC):
        result = devices.square_round_trip(t, device)
        _exactly(
            result, (wide(before) ** 2).to(spec.dtype), f"square_round_trip(<{spec}>, {device})"
        )
        _exactly(t, before, f"t after square_round_trip(<{spec}>, {device}) (it must not change)")


class _RecordCopies(TorchFunctionMode):
    """Notes, in order, copies onto the CPU with ``non_blocking=True``, and waits for the GPU."""

    def __init__(self, monkeypatch):
        super().__init__()
        self.events = []
        wait = lambda *args, **kwargs: self.events.append("wait")  # noqa: E731

        class Stream:
            synchronize = staticmethod(wait)

        class Event:
            def __init__(self, *args, **kwargs):
                pass

            def record(self, *args, **kwargs):
                pass

            synchronize = staticmethod(wait)

        monkeypatch.setattr(torch.cuda, "synchronize", wait)
        monkeypatch.setattr(torch.cuda, "current_stream", lambda *a, **k: Stream())
        monkeypatch.setattr(torch.cuda, "default_stream", lambda *a, **k: Stream())
        monkeypatch.setattr(torch.cuda, "Event", Event)
        if hasattr(torch, "accelerator"):
            monkeypatch.setattr(torch.accelerator, "synchronize", wait, raising=False)

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        result = func(*args, **kwargs)
        copying = func in (torch.Tensor.to, torch.Tensor.copy_)
        asynchronous = kwargs.get("non_blocking") or any(a is True for a in args[1:])
        if copying and asynchronous and isinstance(result, torch.Tensor):
            source = args[1] if func is torch.Tensor.copy_ else args[0]
            if result.device.type == "cpu" and source.device.type != "cpu":
                self.events.append("copy")
        return result


def _on_a_gpu(*shape):
    """A tensor on cuda:0: a real one where CUDA is present, else a fake (call in fake mode)."""
    return (
        torch.randn(*shape, device="cuda")
        if torch.cuda.is_available()
        else _fake_on("cuda:0", *shape)
    )


@pytest.mark.parametrize("name", ["to_cpu", "square_round_trip"])
def test_asynchronous_copies_are_waited_for(monkeypatch, name):
    call = {
        "to_cpu": lambda t: devices.to_cpu(t),
        "square_round_trip": lambda t: devices.square_round_trip(t, t.device),
    }[name]
    fakes = _fake_tensors() if not torch.cuda.is_available() else contextlib.nullcontext()
    with fakes:
        t = _on_a_gpu(3, 2)
        with _RecordCopies(monkeypatch) as record:
            result = call(t)
    assert isinstance(result, torch.Tensor) and result.device.type == "cpu", (
        f"{name}(t on cuda:0) returned {result!r}, not a tensor on the CPU"
    )
    events = record.events
    if "copy" in events:
        after_the_last_copy = events[len(events) - events[::-1].index("copy") :]
        assert "wait" in after_the_last_copy, (
            f"{name}(t on cuda:0) copied onto the CPU with non_blocking=True and returned "
            "without waiting for the copy (torch.cuda.synchronize(), say): the CPU tensor may "
            "not hold its values yet when the caller reads it"
        )


MOVES = {"to", "cpu", "cuda", "__get__"}  # operations that move or look, not compute


def test_square_round_trip_squares_on_the_device_and_comes_back():
    with _fake_tensors():
        t = torch.empty(3, 3)
        with _RecordDevices() as record:
            result = devices.square_round_trip(t, META)
    computed_on = {dev.type for name, dev in record.ops if name not in MOVES}
    assert "meta" in computed_on, (
        f"nothing was computed on the target device (operations and result devices: "
        f"{record.ops}); was t.to(device) called without keeping its result?"
    )
    assert isinstance(result, torch.Tensor) and result.device.type == "cpu", (
        f"square_round_trip must return its result on the CPU, got one on {result.device}"
    )


def test_square_round_trip_comes_back_to_the_cpu_from_anywhere():
    # t starts on one GPU and is squared on another: the answer still ends on the CPU
    first, second = _two_gpus()
    with _fake_tensors():
        t = _fake_on(second, 3, 3)
        _fake_on(first, 1)
        with _RecordDevices() as record:
            result = devices.square_round_trip(t, first)
    computed_on = {dev for name, dev in record.ops if name not in MOVES}
    assert first in computed_on, (
        f"nothing was computed on {first}, the device asked for (operations and result "
        f"devices: {record.ops})"
    )
    assert isinstance(result, torch.Tensor) and result.device.type == "cpu", (
        f"square_round_trip(t on {second}, {first}) must return its result on the CPU, "
        f"not back where t came from: got one on {result.device}"
    )


# -- Polynomial ------------------------------------------------------------------------

# coefficient lists, c0 first: a constant, the chapter's line y = 3x + 2, and seeded ones
_coefficients_rng = torch.Generator().manual_seed(9)
COEFFICIENTS = [[1.5], [2.0, 3.0]] + [
    [round(v, 3) for v in (torch.rand(k, generator=_coefficients_rng) * 4 - 2).tolist()]
    for k in (3, 4, 5)
]


def _poly(coefficients, x):
    """c0 + c1*x + ... in float64, from the powers of x."""
    x = x.double()
    return sum(c * x**k for k, c in enumerate(coefficients))


def _numbers(model):
    """Every number the model's parameters hold, in float64, sorted."""
    return sorted(v for p in model.parameters() for v in p.detach().double().flatten().tolist())


def _make(coefficients):
    model = devices.Polynomial(list(coefficients))
    assert isinstance(model, nn.Module), (
        f"Polynomial({coefficients}) is a {type(model).__name__}, not an nn.Module: "
        "subclass nn.Module and call super().__init__() first"
    )
    return model


@pytest.mark.parametrize("coefficients", COEFFICIENTS, ids=str)
def test_polynomial_registers_every_coefficient(coefficients):
    model = _make(coefficients)
    what = f"Polynomial({coefficients})"
    params = list(model.parameters())
    count = sum(p.numel() for p in params)
    assert count == len(coefficients), (
        f"{what}.parameters() holds {count} numbers, expected {len(coefficients)}, one per "
        "coefficient. A module finds only parameters its attributes hold directly or in "
        "nn.ParameterList: a plain Python list, or a tensor that is not an nn.Parameter, "
        "stays hidden"
    )
    for p in params:
        assert p.requires_grad and p.dtype == torch.float32 and p.device.type == "cpu", (
            f"{what} has a parameter of {p.dtype} on {p.device} with requires_grad="
            f"{p.requires_grad}: expected float32 on the CPU, requiring grad"
        )
    expected = sorted(torch.tensor(coefficients, dtype=torch.float32).double().tolist())
    assert _numbers(model) == expected, (
        f"{what}'s parameters hold {_numbers(model)}, expected the coefficients {expected}"
    )
    state = sum(t.numel() for t in model.state_dict().values())
    assert state == len(coefficients), (
        f"{what}.state_dict() holds {state} numbers, expected {len(coefficients)}"
    )


@pytest.mark.parametrize("coefficients", COEFFICIENTS, ids=str)
def test_polynomial_evaluates_every_shape_and_layout(coefficients):
    for seed, spec in enumerate(cover(SHAPES, (torch.float32, torch.float64))):
        model = _make(coefficients)
        if spec.dtype == torch.float64:
            model = model.double()
        x = spec.make(seed, low=-2, high=2)
        before = x.clone()
        what = f"Polynomial({coefficients})(<{spec} x>)"
        result = model(x)
        expected = _poly(torch.tensor(coefficients, dtype=spec.dtype).tolist(), before)
        assert_tensor(result, expected.to(spec.dtype), what=what, rtol=1e-5, atol=1e-4)
        assert_tensor(x, before, what=f"x after {what} (it must not change)")


def test_polynomial_is_the_chapter_line():
    x = torch.randn(10, 1)
    model = _make([2.0, 3.0])
    assert_tensor(model(x), 3 * x + 2, what="Polynomial([2.0, 3.0])(x), the line 3x + 2")


@pytest.mark.parametrize("coefficients", COEFFICIENTS[1:], ids=str)
def test_polynomial_learns_every_coefficient(coefficients):
    x, y = torch.randn(30, dtype=torch.float64), torch.randn(30, dtype=torch.float64)
    model = _make(coefficients).double()
    what = f"Polynomial({coefficients})"
    lr = 0.01
    held = torch.tensor(coefficients, dtype=torch.float32).tolist()  # as float32 holds them
    # d/dc_k mean((p(x) - y)^2) = mean(2 (p(x) - y) x^k)
    residual = _poly(held, x) - y
    stepped = [c - lr * (2 * residual * x**k).mean().item() for k, c in enumerate(held)]
    optimiser = torch.optim.SGD(list(model.parameters()) or [torch.zeros(1)], lr=lr)
    ((model(x) - y) ** 2).mean().backward()
    missing = [n for n, p in model.named_parameters() if p.grad is None]
    assert not missing, (
        f"backward() did not reach {missing} of {what}: build forward's result from the "
        "parameters themselves, not from numbers copied out of them"
    )
    optimiser.step()
    assert_tensor(
        model(x).detach(),
        _poly(stepped, x),
        what=f"{what}(x) after one SGD step on model.parameters() (every coefficient learns)",
        rtol=1e-9,
        atol=1e-9,
    )


def test_polynomial_moves_with_the_model():
    model = _make([0.5, -1.0, 2.0]).to(META)
    where = {n: p.device for n, p in model.named_parameters()}
    assert where and all(d == META for d in where.values()), (
        f"after model.to('meta') the parameters are on {where}: model.to moves only the "
        "parameters the module holds"
    )
    result = model(torch.empty(4, 2, device=META))
    assert result.device == META and result.shape == (4, 2), (
        f"Polynomial on meta gave a result of shape {tuple(result.shape)} on {result.device}"
    )


def test_polynomials_keep_their_own_coefficients():
    coefficients = [1.0, 2.0]
    first, second = _make(coefficients), _make([5.0])
    coefficients[0] = 100.0
    x = torch.tensor([0.0, 1.0])
    assert_tensor(
        first(x),
        torch.tensor([1.0, 3.0]),
        what="Polynomial([1.0, 2.0])(x) after the "
        "list it was made from changed (the model keeps its own copy)",
    )
    assert_tensor(
        second(x), torch.tensor([5.0, 5.0]), what="Polynomial([5.0])(x) beside another model"
    )


# -- place -----------------------------------------------------------------------------


def test_place_puts_model_and_data_together(device):
    model = nn.Linear(3, 2)
    x = torch.randn(5, 3)
    expected = model(x).detach()
    model, moved_x = devices.place(model, x, device)
    target = torch.empty(0, device=device).device  # with its index: cuda means cuda:0
    for name, param in model.named_parameters():
        assert param.device == target, f"model.{name} is on {param.device}, not {target}"
    assert moved_x.device == target, f"the batch is on {moved_x.device}, not {target}"
    assert_tensor(
        model(moved_x).detach(),
        expected.to(moved_x.device),
        what=f"model(x) on {device}",
        rtol=1e-5,
        atol=1e-5,
    )


def test_place_moves_both_model_and_data():
    model, x = devices.place(nn.Linear(4, 1), torch.randn(6, 4), META)
    for name, param in model.named_parameters():
        assert param.device == META, f"model.{name} is on {param.device}, not meta"
    assert x.device == META, (
        f"the returned batch is on {x.device}, not meta: unlike model.to(device), "
        "x.to(device) does not move x in place, so keep the tensor it returns"
    )


def test_place_keeps_the_device_index():
    model, x = nn.Linear(3, 2), torch.randn(4, 3)
    with _Reroute() as reroute:
        model, x = devices.place(model, x, SECOND_GPU)
    what = f"place(model, x, {SECOND_GPU})"
    _asked_only_for_the_second_gpu(reroute.asked, what)
    for name, param in model.named_parameters():
        assert param.device == META, f"after {what}, model.{name} is not on {SECOND_GPU}"
    assert x.device == META, f"after {what}, the returned batch is not on {SECOND_GPU}"


# -- check_same_device -----------------------------------------------------------------


def test_check_same_device_returns_the_shared_device(device):
    model = nn.Linear(2, 2).to(device)
    x = torch.randn(3, 2, device=device)
    assert devices.check_same_device(model, x) == x.device


def _fake_model(device):
    """A linear model whose (fake) parameters live on ``device``; call inside a FakeTensorMode."""
    model = nn.Linear(2, 2, device=META).requires_grad_(False)
    model.weight = nn.Parameter(_fake_on(device, 2, 2), requires_grad=False)
    model.bias = nn.Parameter(_fake_on(device, 2), requires_grad=False)
    return model


@pytest.mark.parametrize(
    ("model_index", "data_index"), [(0, 1), (1, 0)], ids=["gpu0-gpu1", "gpu1-gpu0"]
)
def test_check_same_device_tells_two_gpus_apart(model_index, data_index):
    gpus = _two_gpus()
    model_on, data_on = gpus[model_index], gpus[data_index]
    with _fake_tensors():
        model, x = _fake_model(model_on), _fake_on(data_on, 3, 2)
        with pytest.raises(ValueError) as info:
            devices.check_same_device(model, x)
    message = str(info.value)
    assert str(model_on) in message and str(data_on) in message, (
        f"the error should name both devices ({model_on} and {data_on}), got: {message!r}"
    )


def test_check_same_device_on_one_gpu_of_two():
    second = _two_gpus()[1]
    with _fake_tensors():
        model, x = _fake_model(second), _fake_on(second, 3, 2)
        result = devices.check_same_device(model, x)
    assert result == second, f"model and data both on {second}, check_same_device gave {result!r}"


@pytest.mark.parametrize("where", ["model elsewhere", "data elsewhere"])
def test_check_same_device_names_both_devices(device, where):
    model = nn.Linear(2, 2).to(META if where == "model elsewhere" else device)
    x = torch.randn(3, 2, device=device if where == "model elsewhere" else META)
    model_device, data_device = next(model.parameters()).device, x.device
    with pytest.raises(ValueError) as info:
        devices.check_same_device(model, x)
    message = str(info.value)
    assert str(model_device) in message and str(data_device) in message, (
        f"the error should name both devices ({model_device} and {data_device}), got: {message!r}"
    )
