"""Assertions for katas that explain a mismatch in tensor terms."""

from __future__ import annotations

from typing import Any

import torch


def describe(value: Any) -> str:
    """A short account of a value: for a tensor its shape, dtype, device and values."""
    if isinstance(value, torch.Tensor):
        if value.device.type == "meta":
            values = "(meta: no values)"
        else:
            values = torch.Tensor.__repr__(value.detach().cpu()).replace("\n", " ")
            values = " ".join(values.split())
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

    ``what`` names the value under test, e.g. ``"from_list([1, 2, 3])"``.
    """
    if not isinstance(actual, torch.Tensor):
        raise AssertionError(f"{what} should return a torch.Tensor, got {describe(actual)}")
    if (rtol is None) != (atol is None):
        rtol, atol = rtol or 0.0, atol or 0.0

    def message(detail: str) -> str:
        return (
            f"{what} is not what was expected.\n"
            f"  expected: {describe(expected)}\n"
            f"  got:      {describe(actual)}\n"
            f"{detail}"
        )

    torch.testing.assert_close(
        actual,
        expected,
        rtol=rtol,
        atol=atol,
        check_dtype=check_dtype,
        check_device=check_device,
        equal_nan=True,
        msg=message,
    )
