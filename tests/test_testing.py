"""katakit.testing: the seeded inputs katas are judged on."""

import math

import pytest
import torch

from katakit.testing import (
    ALL_DTYPES,
    SHAPES,
    SPECIALS,
    Spec,
    assert_tensor,
    cover,
    grid,
    wide,
)


def test_make_is_the_same_for_a_seed_and_leaves_the_global_random_state_alone():
    spec = Spec((3, 4), torch.float64)
    torch.manual_seed(7)
    expected_next = torch.rand(3)
    torch.manual_seed(7)
    a, b, c = spec.make(1), spec.make(1), spec.make(2)
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert torch.equal(torch.rand(3), expected_next)


def test_a_strided_spec_makes_a_non_contiguous_tensor_of_its_shape_and_dtype():
    for spec in (Spec((3, 4), torch.int32, strided=True), Spec((2, 3, 2), torch.bool, True)):
        t = spec.make(0)
        assert (tuple(t.shape), t.dtype, t.is_contiguous()) == (spec.shape, spec.dtype, False)
    assert Spec((3, 4), torch.int32).make(0).is_contiguous()


def test_first_values_go_into_the_first_elements_in_row_major_order():
    t = Spec((2, 3), torch.float32, strided=True).make(0, first=SPECIALS)
    flat = t.flatten().tolist()
    assert math.isnan(flat[0]) and flat[1:3] == [math.inf, -math.inf]
    assert flat[3] == 0 and math.copysign(1, flat[3]) == -1
    assert Spec((), torch.float32).make(0, first=SPECIALS).isnan()
    assert Spec((0,), torch.float32).make(0, first=SPECIALS).numel() == 0


def test_grid_is_every_shape_and_dtype_with_strided_views_where_they_differ():
    specs = grid(SHAPES, (torch.int64, torch.float16))
    assert len(specs) == len(set(specs)) == 2 * (len(SHAPES) + 3)
    assert not any(s.strided and math.prod(s.shape) < 2 for s in specs)
    assert not any(s.strided for s in grid(SHAPES, (torch.int64,), strided=False))


def test_cover_meets_every_dtype_strided_and_every_shape_contiguous():
    specs = cover()
    assert {s.dtype for s in specs if s.strided} == set(ALL_DTYPES)
    assert {math.prod(s.shape) for s in specs if s.strided} == {max(map(math.prod, SHAPES))}
    assert {s.shape for s in specs if not s.strided} == set(SHAPES)
    assert len(specs) < len(grid())
    few = cover(SHAPES, (torch.int8,))
    assert {s.shape for s in few} == set(SHAPES) and {s.dtype for s in few} == {torch.int8}


def test_ids_and_the_wide_type():
    assert str(Spec((3, 4), torch.float64, strided=True)) == "float64-3x4-strided"
    assert str(Spec((), torch.bool)) == "bool-0d"
    assert wide(torch.ones(2, dtype=torch.float16)).dtype == torch.float64
    assert wide(torch.ones(2, dtype=torch.uint8)).dtype == torch.int64


@pytest.mark.parametrize(
    ("got", "detail"),
    [
        ([1.0, 2.5], "1 of 2 values differ (largest difference 0.5 at flat index 1;"),
        ([math.nan, 2.0], "1 of 2 values differ (nan where a number belongs at flat index 0;"),
    ],
)
def test_assert_tensor_says_how_far_off_and_where(got, detail):
    with pytest.raises(AssertionError) as caught:
        assert_tensor(torch.tensor(got), torch.tensor([1.0, 2.0]), what="f(x)")
    assert str(caught.value).startswith(f"f(x): {detail}")
