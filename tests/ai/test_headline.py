import pytest

from gazette.ai.headline import headline_check


@pytest.mark.parametrize(
    "title",
    [
        "Magnitude 6.1 earthquake strikes off Norland, killing three",
        "NASA launches probe to Europa",
        "Who will lead Caldoria after the snap election?",
        "This week in markets: rates hold steady",
        "Council approves budget by nine votes to two",
    ],
)
def test_plain_headlines_pass(title):
    assert headline_check(title) == []


@pytest.mark.parametrize(
    ("title", "reason"),
    [
        ("You won't believe what this dog did next", "curiosity gap"),
        ("Here's why the central bank raised rates", "curiosity gap"),
        ("17 things you need to know about your taxes", "listicle"),
        ("This man quit his job to live on a boat", "vague subject"),
        ("MINISTER RESIGNS AFTER SCANDAL", "all capitals"),
        ("Minister QUITS in SHOCK move", "shouting"),
        ("Team wins the cup!!!", "excessive punctuation"),
        ("Is this the end of the euro?", "yes/no question"),
    ],
)
def test_clickbait_headlines_are_flagged(title, reason):
    reasons = headline_check(title)
    assert any(r.startswith(reason) for r in reasons), reasons


def test_empty_title():
    assert headline_check("   ") == []
