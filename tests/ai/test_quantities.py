"""Figures with their unit, value and qualifiers, as the digest compares them."""

from gazette.ai.quantities import quantities_extract


def one(text: str):
    [q] = quantities_extract(text)
    return q


def test_values_units_and_scales():
    assert (one("Repairs will cost $210 million.").value, one("Repairs will cost $210 million.").unit) == (
        210e6,
        "$",
    )
    q = one("About 12,000 residents left their homes.")
    assert (q.value, q.noun, q.bound, q.claim, q.phrase) == (
        12000,
        "residents",
        "approx",
        True,
        "12,000 residents",
    )
    assert one("The rate rose to 4.35 percent.").unit == "%"
    assert one("Seven people were killed in the blast.").value == 7


def test_bounds():
    assert one("At least 23 aftershocks were recorded.").bound == "min"
    assert one("Up to 300 homes may be affected.").bound == "max"
    assert one("Nearly 235,000 comments were received.").bound == "approx"


def test_marks_that_make_a_figure_no_claim():
    # both ends of a change: "to 4.35 percent from 4.1" is one outlet's figure, not two claims
    assert [q.claim for q in quantities_extract("The cash rate went to 4.35 percent from 4.1 percent.")] == [
        False,
        False,
    ]
    assert [(q.value, q.claim) for q in quantities_extract("Fares rose from 20 to 25 dollars.")] == [
        (25, False)
    ]
    assert not one("The People's Union won seats in the 240-seat assembly.").claim
    assert not one("Puerto Salinas is a port city of about 180,000 people.").claim
    assert not any(q.claim for q in quantities_extract("About 38,000 of the vehicles need a hardware fix."))
    assert not one("A further 40 people were treated for smoke.").claim
    assert [q.claim for q in quantities_extract("The fire hurt 12 people, including 3 firefighters.")] == [
        True,
        False,
    ]
    assert not one("He has 53 catches this year.").claim  # another time, and a pronoun for an owner
    assert not one("The runway is 2,100 metres long.").claim


def test_years_clocks_and_broken_numbers_are_not_figures():
    assert quantities_extract("In 2024 prices rose.") == []
    assert quantities_extract("It covers about 8. 7 acres.") == []  # "8.7" broken by a space: unsure
    assert quantities_extract("With 7:42 left in the half, he scored.") == []


def test_contradiction_allows_bounds_and_rounding():
    four, seven = one("At least four people died."), one("Seven people died.")
    assert not four.contradicts(seven, tolerance=0.1)
    nine, twelve = one("Officials said 9,000 residents left."), one("About 12,000 residents left.")
    assert nine.contradicts(twelve, tolerance=0.1)
    rounded, exact = one("The town has 2.4 million residents."), one("The town has 2,438,000 residents.")
    assert not rounded.contradicts(exact, tolerance=0.1)
