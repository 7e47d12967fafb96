import pytest

from gazette.ingest.bylines import byline_clean


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("news@riverside.example (Hannah Bell)", "Hannah Bell"),
        ("<news@riverside.example> (Hannah Bell)", "Hannah Bell"),
        ("Hannah Bell <hb@riverside.example>", "Hannah Bell"),
        ("Hannah Bell (hb@riverside.example)", "Hannah Bell"),
        ("By Hannah Bell", "Hannah Bell"),
        ("by  Hannah\nBell", "Hannah Bell"),
        ("Von Lena Vogel", "Lena Vogel"),
        ("Ana Ruiz, ana@example.org", "Ana Ruiz"),
        ("Hannah Bell", "Hannah Bell"),
        ("Byron Hale", "Byron Hale"),
        ("De la Cruz", "De la Cruz"),
        ("news@riverside.example", ""),
        ("mailto:news@riverside.example", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_byline_clean(raw, name):
    assert byline_clean(raw) == name
