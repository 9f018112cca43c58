"""Inputs and assertions for katas: seeded tensors of every kind, readable mismatches.

``Spec`` names one class of input (a shape, a dtype, a layout) and makes seeded
tensors of it with ``torch.testing.make_tensor``; ``grid`` lists every class a
docstring allows and ``cover`` fewer that still meet every dtype and shape, so
a kata states its inputs once.

The comparison follows ``torch.testing.assert_close`` (same default tolerances
per dtype) without calling it: its first call pulls in large parts of torch
(sympy among them) and costs about half a second in every run.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch.testing import make_tensor

# (rtol, atol) by dtype, as torch.testing.assert_close uses them
TOLERANCES = {
    torch.float16: (1e-3, 1e-5),
    torch.bfloat16: (1.6e-2, 1e-5),
    torch.float32: (1.3e-6, 1e-5),
    torch.float64: (1e-7, 1e-7),
    torch.complex64: (1.3e-6, 1e-5),
    torch.complex128: (1e-7, 1e-7),
}


# every dtype a kata may be handed, by family
INTEGERS = (torch.uint8, torch.int8, torch.int16, torch.int32, torch.int64)
FLOATS = (torch.float16, torch.bfloat16, torch.float32, torch.float64)
COMPLEX = (torch.complex64, torch.complex128)
ALL_DTYPES = (torch.bool, *INTEGERS, *FLOATS, *COMPLEX)
# the dtypes the arithmetic katas compute in: both byte types, int32, int64 and every float
NUMERIC = (torch.uint8, torch.int8, torch.int32, torch.int64, *FLOATS)
# shapes that catch most shape mistakes: 0-d, empty, a vector, a matrix, 3-d
SHAPES = ((), (0,), (5,), (3, 4), (2, 3, 2))
# integers that float32 cannot hold exactly (it has 24 bits of mantissa)
BEYOND_FLOAT32 = 2**24
# the floating values that most often break arithmetic
SPECIALS = (math.nan, math.inf, -math.inf, -0.0)


def dtype_name(dtype: torch.dtype) -> str:
    """A dtype as a test id names it: ``float32``."""
    return str(dtype).removeprefix("torch.")


@dataclass(frozen=True)
class Spec:
    """One class of input: a shape, a dtype, and whether the tensor is a strided view.

    A strided tensor is non-contiguous (every other element of a larger block),
    so code that copies it into fresh memory, or assumes a plain layout, shows.
    Its ``str`` is the pytest id, e.g. ``float64-3x4-strided``.
    """

    shape: tuple[int, ...]
    dtype: torch.dtype
    strided: bool = False

    def __str__(self) -> str:
        shape = "x".join(map(str, self.shape)) if self.shape else "0d"
        layout = "-strided" if self.strided else ""
        return f"{dtype_name(self.dtype)}-{shape}{layout}"

    def make(
        self,
        seed: int = 0,
        *,
        low: float | None = None,
        high: float | None = None,
        first: Sequence[float] = (),
    ) -> torch.Tensor:
        """A CPU tensor of this class, the same for the same ``seed``.

        ``low``/``high`` bound the values as ``make_tensor`` does; the values of
        ``first`` (``SPECIALS``, say) are written into the first elements, as
        many as there are. The global random state is left as it was.
        """
        generator = torch.default_generator
        state = generator.get_state()
        generator.manual_seed(seed)
        try:
            t = make_tensor(
                self.shape,
                dtype=self.dtype,
                device="cpu",
                low=low,
                high=high,
                noncontiguous=self.strided,
            )
        finally:
            generator.set_state(state)
        for i, value in enumerate(first[: t.numel()]):
            t[_unravel(i, t.shape)] = value
        return t


def wide(t: torch.Tensor) -> torch.Tensor:
    """``t`` as float64 (floats) or int64 (the rest), where the reference result is computed."""
    return t.double() if t.is_floating_point() else t.long()


def _unravel(flat: int, shape: Sequence[int]) -> tuple[int, ...]:
    """The index of element ``flat`` in row-major order (torch.unravel_index imports sympy)."""
    index = []
    for size in reversed(shape):
        flat, i = divmod(flat, size)
        index.append(i)
    return tuple(reversed(index))


def grid(
    shapes: Iterable[tuple[int, ...]] = SHAPES,
    dtypes: Iterable[torch.dtype] = ALL_DTYPES,
    *,
    strided: bool = True,
) -> list[Spec]:
    """Every combination of ``shapes`` and ``dtypes``, contiguous and (if ``strided``) not.

    A strided variant is left out where it would not differ (under two elements).
    """
    specs = []
    for dtype in dtypes:
        for shape in shapes:
            specs.append(Spec(tuple(shape), dtype))
            if strided and math.prod(shape) > 1:
                specs.append(Spec(tuple(shape), dtype, strided=True))
    return specs


def cover(
    shapes: Iterable[tuple[int, ...]] = SHAPES, dtypes: Iterable[torch.dtype] = ALL_DTYPES
) -> list[Spec]:
    """Fewer specs than ``grid`` that still meet every dtype and every shape.

    Each dtype comes strided in the largest shape, and contiguous in the next
    of ``shapes`` in turn; shapes left over come in the first dtype. A mistake
    tied to a dtype, to a shape or to a layout shows on one of them, at a
    fraction of the full product's cost on every save.
    """
    shapes, dtypes = [tuple(s) for s in shapes], list(dtypes)
    widest = max(shapes, key=math.prod)
    specs = []
    for i, dtype in enumerate(dtypes):
        specs += [Spec(shapes[i % len(shapes)], dtype), Spec(widest, dtype, strided=True)]
    specs += [Spec(shape, dtypes[0]) for shape in shapes[len(dtypes) :]]
    return specs


def describe(value: Any) -> str:
    """A short account of a value: for a tensor its shape, dtype, device and values."""
    if isinstance(value, torch.Tensor):
        if value.device.type == "meta":
            values = "(meta: no values)"
        else:
            values = " ".join(repr(value.detach().cpu()).split())
            if len(values) > 160:
                values = values[:157] + "..."
        return (
            f"tensor of shape {tuple(value.shape)}, dtype {value.dtype}, "
            f"device {value.device}: {values}"
        )
    return f"{type(value).__name__}: {value!r}"


def assert_tensor(
    actual: Any,
    expected: torch.Tensor,
    *,
    what: str,
    rtol: float | None = None,
    atol: float | None = None,
    check_dtype: bool = True,
    check_device: bool = True,
) -> None:
    """Fail with a readable message unless ``actual`` is a tensor close to ``expected``.

    ``what`` names the value under test, e.g. ``"from_list([1, 2, 3])"``. Floats
    are compared with ``|actual - expected| <= atol + rtol * |expected|``.
    """
    __tracebackhide__ = True  # pytest shows the test's line, not these helpers
    if not isinstance(actual, torch.Tensor):
        raise AssertionError(f"{what} should return a torch.Tensor, got {describe(actual)}")

    def fail(detail: str) -> None:
        __tracebackhide__ = True
        raise AssertionError(
            f"{what}: {detail}\n  expected: {describe(expected)}\n  got:      {describe(actual)}"
        )

    if actual.shape != expected.shape:
        fail(f"shape {tuple(actual.shape)} should be {tuple(expected.shape)}")
    if check_dtype and actual.dtype != expected.dtype:
        fail(f"dtype {actual.dtype} should be {expected.dtype}")
    if check_device and actual.device != expected.device:
        fail(f"device {actual.device} should be {expected.device}")
    if "meta" in (actual.device.type, expected.device.type):
        return
    got = actual.detach().to(expected.device)
    want = expected.detach()
    if got.dtype != want.dtype:
        common = torch.promote_types(got.dtype, want.dtype)
        got, want = got.to(common), want.to(common)
    if got.is_floating_point() or got.is_complex():
        default_rtol, default_atol = TOLERANCES.get(got.dtype, (0.0, 0.0))
        rtol = default_rtol if rtol is None else rtol
        atol = default_atol if atol is None else atol
        close = torch.isclose(got, want, rtol=rtol, atol=atol, equal_nan=True)
    else:
        close = got == want
    if bool(close.all()):
        return
    bad = int((~close).sum())
    if got.is_floating_point() or got.is_complex():
        diff = (got - want).abs().nan_to_num(float("inf")).flatten()
        worst = int(diff.argmax())
        where = f"at flat index {worst}; rtol={rtol:g}, atol={atol:g}"
        if bool(got.flatten()[worst].isnan()):
            fail(f"{bad} of {close.numel()} values differ (nan where a number belongs {where})")
        fail(
            f"{bad} of {close.numel()} values differ (largest difference "
            f"{diff[worst].item():.6g} {where})"
        )
    fail(f"{bad} of {close.numel()} values differ")


@contextlib.contextmanager
def junk_in_fresh_memory() -> Iterator[None]:
    """While inside, fresh memory reads as NaN (ints: their largest value) until written.

    ``torch.empty`` and ``empty_like`` otherwise hand out whatever the memory held,
    often zeros, so an answer that never fills its memory would pass by luck.
    PyTorch's deterministic mode fills such memory every time.
    """
    # torch.use_deterministic_algorithms also imports the compiler's settings (~2 s);
    # the switch it ends in is all that is needed here
    switch = getattr(torch._C, "_set_deterministic_algorithms", torch.use_deterministic_algorithms)
    before = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    fill = torch.utils.deterministic.fill_uninitialized_memory
    switch(True, warn_only=True)
    torch.utils.deterministic.fill_uninitialized_memory = True
    try:
        yield
    finally:
        switch(before, warn_only=warn_only)
        torch.utils.deterministic.fill_uninitialized_memory = fill
