from dataclasses import replace
from pathlib import Path

import pytest

from gazette.ingest.clean import clean, is_dateline, junk_rule
from gazette.ingest.extract import Extracted, extract
from gazette.ingest.sanitize import html_to_text

PAGES = Path(__file__).parent / "testdata" / "pages"


def doc_from_html(html: str, title: str | None = None, author: str | None = None) -> Extracted:
    return Extracted(
        title=title,
        author=author,
        published=None,
        updated=None,
        text=html_to_text(html),
        html=html,
        image=None,
        language=None,
        site_name=None,
        canonical_url=None,
        description=None,
        extractor="trafilatura",
    )


BODY = (
    "<p>The council voted on Thursday to approve the new budget after a long debate about school funding "
    "and road repairs in the northern districts.</p>"
    "<p>Opposition members said the plan relied on optimistic tax forecasts and would leave little room "
    "for unexpected costs next winter.</p>"
)


def test_news_article_junk_removed():
    doc = clean(extract((PAGES / "news_article.html").read_bytes(), "https://courier.example.com/news/x"))
    for junk in (
        "Advertisement",
        "Read more:",
        "Share this article",
        "Related:",
        "Sign up for our daily newsletter",
        "Click here to subscribe",
        "By Jane Doe",
        "Updated 3:41 PM",
        "Photo: Coastal Courier",
        "Sign in to access your portfolio",
        "Error in retrieving data",
        "We use cookies",
    ):
        assert junk not in doc.text, junk
        assert junk not in doc.html, junk
    assert doc.text.startswith("Councillors voted nine to two")
    assert "Construction is due to begin next spring" in doc.text
    assert "Harbour master Tom Okafor" in doc.text


def test_german_page_junk_removed():
    doc = clean(extract((PAGES / "german_blog.html").read_bytes()))
    for junk in ("Anzeige", "Lesen Sie auch", "Foto: Stadtverwaltung", "Newsletter abonnieren", "02.09.2023"):
        assert junk not in doc.text, junk
    assert doc.text.startswith("Der Stadtrat hat am Donnerstag")
    assert "Baubeginn für den ersten Abschnitt" in doc.text


def test_repeated_headline_removed():
    html = "<h1>Council approves budget</h1>" + BODY
    doc = clean(doc_from_html(html, title="Council approves budget | Daily Example"))
    assert not doc.text.startswith("Council approves budget")
    assert doc.text.startswith("The council voted")
    assert "<h1>" not in doc.html


def test_headline_later_in_text_is_kept():
    html = BODY + "<p>Filler paragraph one.</p><p>Filler two.</p><p>Council approves budget</p>"
    doc = clean(doc_from_html(html, title="Council approves budget"))
    assert doc.text.endswith("Council approves budget")


def test_byline_glued_to_date_removed():
    html = "<p>By Jane Doe | Updated 3:41 PM</p>" + BODY
    doc = clean(doc_from_html(html, author="Jane Doe"))
    assert doc.text.startswith("The council voted")


def test_related_list_at_the_end_removed():
    html = BODY * 2 + (
        "<h2>Related stories</h2><ul><li><a href='/a'>Mayor opens new bridge</a></li>"
        "<li><a href='/b'>School meals price rises</a></li></ul>"
    )
    doc = clean(doc_from_html(html))
    assert "Mayor opens new bridge" not in doc.text
    assert "Related stories" not in doc.text
    assert "<ul>" not in doc.html  # the emptied list goes too
    assert "Opposition members" in doc.text


def test_trailing_link_list_removed_but_single_source_link_kept():
    links = "<p><a href='/a'>Mayor opens new bridge</a></p><p><a href='/b'>School meals price rises</a></p>"
    assert "Mayor opens" not in clean(doc_from_html(BODY + links)).text
    source = "<p><a href='https://example.org/report.pdf'>The full report from the audit office</a></p>"
    assert "full report" in clean(doc_from_html(BODY + source)).text


def test_prose_that_mentions_boilerplate_words_is_kept():
    html = (
        "<p>Readers who subscribe to several newspapers spend on average forty pounds a month, the survey found, "
        "and most of them said they would cancel at least one subscription if prices rose again next year, "
        "according to the report published by the media regulator on Tuesday morning in London.</p>"
    )
    assert clean(doc_from_html(html)).text == html_to_text(html)


def test_list_items_with_dates_are_kept():
    html = BODY + "<ul><li>12.03.2024 Public hearing</li><li>02.04.2024 Final vote</li></ul>"
    doc = clean(doc_from_html(html))
    assert "Public hearing" in doc.text


def test_page_of_only_junk_is_not_emptied():
    html = "<p>Subscribe to our newsletter</p>"
    assert clean(doc_from_html(html)).text == "Subscribe to our newsletter"


def test_clean_without_html_uses_text():
    doc = doc_from_html("")
    doc.text = "Headline\n\nThe real story goes here.\n\nAdvertisement"
    doc.title = "Headline"
    assert clean(doc).text == "The real story goes here."


def test_clean_keeps_other_fields_and_is_pure():
    original = doc_from_html("<p>Advertisement</p>" + BODY, title="T")
    cleaned = clean(original)
    assert cleaned is not original
    assert "Advertisement" in original.text  # input untouched
    assert cleaned.title == "T" and cleaned.extractor == "trafilatura"


@pytest.mark.parametrize(
    "line",
    [
        "Advertisement",
        "ANZEIGE",
        "Read more: Storm surge floods Water Street",
        "Lea también: Impiden ingreso a reportero",
        "Czytaj też: Wyścig zbrojeń ruszył",
        "Related stories",
        "Weitere Artikel zum Thema",
        "Sign up for our newsletter",
        "Follow us on Twitter and Facebook",
        "Click here to subscribe",
        "Sign in to access your portfolio",
        "Error in retrieving data",
        "We use cookies to improve your experience.",
        "Photo: Reuters",
        "Foto: dpa",
        "© Getty Images",
        "Tags: politics, budget",
        "Share this article",
        "Facebook Twitter WhatsApp E-Mail",
        '{"@context":"https://schema.org","@type":"Organization"}',
    ],
)
def test_junk_rules_match(line):
    assert junk_rule(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "The minister said the newsletter scandal had damaged trust in the department for years to come.",
        "Lea Müller won the regional chess championship on Sunday.",
        "Read the full ruling, the judge wrote, before drawing conclusions about the case and its appeal.",
        "The photo exhibition opens on Friday at the town hall gallery.",
    ],
)
def test_junk_rules_leave_prose(line):
    assert junk_rule(line) is None


def test_datelines():
    assert is_dateline("Updated 3:41 PM")
    assert is_dateline("14.03.2024, 15:41 Uhr")
    assert is_dateline("March 14, 2024")
    assert not is_dateline("The council met on 14.03.2024 to vote on the new harbour barrier plan.")
    assert not is_dateline("+81 158-23-2012")


def test_newsroom_tip_lines_removed_from_a_local_paper():
    page = (PAGES / "local_paper.html").read_bytes()
    doc = clean(extract(page, "https://lakeside-gazette.example/business/ferry"))
    assert "news tip" not in doc.text and "Contact the newsroom" not in doc.text
    assert "news tip" not in doc.html
    assert doc.text.startswith("Single fares on the harbour ferry")
    assert doc.text.endswith("cut last winter for lack of crew.")


@pytest.mark.parametrize(
    "line",
    [
        "Have a news tip? Call the newsroom at 555-0100 or email tips@example.org",
        "Got a story? Email news@example.org or call us on 0800 000 000.",
        "Contact the newsroom: newsdesk@example.org",
        "Send us a tip: tips@example.org",
        "Send tips securely via our contact page.",
        "News tips can be sent by email to desk@example.org",
    ],
)
def test_newsroom_tip_rule_matches(line):
    assert junk_rule(line) is not None


@pytest.mark.parametrize(
    "line",
    [
        "Police asked anyone with information to contact detectives, and said tips could be left anonymously.",
        "The newsroom was evacuated on Tuesday after a fire alarm, and staff returned an hour later.",
        "Investors who followed the tip lost most of their savings when the shares collapsed in March.",
    ],
)
def test_newsroom_tip_rule_leaves_prose(line):
    assert junk_rule(line) is None


@pytest.mark.parametrize("label", ["World", "Entertainment", "Business", "Middle East", "Sport"])
def test_leading_section_label_removed(label):
    html = f'<p><a href="/section">{label}</a></p>' + BODY
    doc = clean(doc_from_html(html))
    assert doc.text.startswith("The council voted")
    assert label not in doc.html


def test_section_name_later_in_the_text_or_in_prose_is_kept():
    html = BODY + "<h2>Business</h2><p>The chamber of commerce welcomed the plan on Friday.</p>"
    doc = clean(doc_from_html("<p>World leaders met in Geneva on Monday to discuss the plan.</p>" + html))
    assert doc.text.startswith("World leaders met in Geneva")
    assert "\n\nBusiness\n\n" in doc.text


def test_leading_section_label_removed_from_plain_text():
    doc = doc_from_html("")
    doc = clean(replace(doc, text="Politics\n\nThe council voted on Thursday.\n\nMembers left."))
    assert doc.text == "The council voted on Thursday.\n\nMembers left."


def test_captions_stay_in_the_html_but_out_of_the_text():
    html = (
        '<figure><img src="https://example.org/a.jpg" alt="">'
        "<figcaption>Firefighters on the ridge above the town at dusk</figcaption></figure>" + BODY
    )
    doc = clean(doc_from_html(html))
    assert "<figcaption>Firefighters on the ridge above the town at dusk</figcaption>" in doc.html
    assert "Firefighters" not in doc.text
    assert doc.text.startswith("The council voted on Thursday")
