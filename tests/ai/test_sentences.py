from pathlib import Path

from gazette.ai.sentences import paragraphs_split, sentences_split

QUAKE = (Path(__file__).parent / "testdata" / "quake.txt").read_text(encoding="utf-8")


def test_splits_on_terminal_punctuation():
    assert sentences_split("It rained. Then it stopped! Did it? Yes.") == [
        "It rained.",
        "Then it stopped!",
        "Did it?",
        "Yes.",
    ]


def test_abbreviations_and_initials_do_not_end_sentences():
    text = "Mr. Smith met Dr. Jones in the U.S. Army base. J. K. Holt spoke at No. 10 Downing St. on Monday. Done."
    assert sentences_split(text) == [
        "Mr. Smith met Dr. Jones in the U.S. Army base.",
        "J. K. Holt spoke at No. 10 Downing St. on Monday.",
        "Done.",
    ]


def test_decimals_times_and_lowercase_continuations():
    text = "It measured 6.1 at 4:05 a.m. local time. Prices rose 2.5 percent."
    assert sentences_split(text) == ["It measured 6.1 at 4:05 a.m. local time.", "Prices rose 2.5 percent."]


def test_numbers_dates_and_clock_times_do_not_end_sentences():
    text = (
        "Unemployment rose to 4.1 percent on Jan. 5, Dr. Ruiz of the U.S. Labor Department said. "
        "The rate was 4. 1 percent in the rounded table, a typo. The burn began at 4 a.m. GMT and ended "
        "at 6 p.m. Tuesday. The probe ranks No. 5 on the list. It launched in 2019. 2020 was quieter."
    )
    assert sentences_split(text) == [
        "Unemployment rose to 4.1 percent on Jan. 5, Dr. Ruiz of the U.S. Labor Department said.",
        "The rate was 4. 1 percent in the rounded table, a typo.",
        "The burn began at 4 a.m. GMT and ended at 6 p.m. Tuesday.",
        "The probe ranks No. 5 on the list.",
        "It launched in 2019.",
        "2020 was quieter.",
    ]


def test_numbered_items_and_wrapped_decimals_stay_whole():
    assert sentences_split("1. It took the long way. Then it slowed.") == [
        "1. It took the long way.",
        "Then it slowed.",
    ]
    assert sentences_split("Inflation hit 4.\n1 percent in May.") == ["Inflation hit 4. 1 percent in May."]
    assert sentences_split("It ended at 4 a.m. The crew slept. He was hurt in 96. Then more.") == [
        "It ended at 4 a.m.",
        "The crew slept.",
        "He was hurt in 96.",
        "Then more.",
    ]


def test_quotes_close_sentences():
    text = '"We heard a roar," said Mrs. Varn. "The shelves came down." Police arrived. ‘It’s over.’ Then silence.'
    assert sentences_split(text) == [
        '"We heard a roar," said Mrs. Varn.',
        '"The shelves came down."',
        "Police arrived.",
        "‘It’s over.’",
        "Then silence.",
    ]


def test_sentences_are_verbatim_substrings():
    flat = " ".join(QUAKE.split())
    for sentence in sentences_split(QUAKE):
        assert sentence in flat


def test_paragraphs_blank_lines_headings_and_wrapped_lines():
    text = "Rescue efforts\nTeams worked through the night to reach people trapped in\nthe rubble of the market.\n\nMore later."
    assert paragraphs_split(text) == [
        "Rescue efforts",
        "Teams worked through the night to reach people trapped in the rubble of the market.",
        "More later.",
    ]


def test_fixture_article_split():
    sentences = sentences_split(QUAKE)
    assert sentences[0].startswith("PORT ALDEN, Norland")
    assert (
        "Interior minister J. K. Holt said three deaths had been confirmed, all in the collapse of the old fish market."
        in sentences
    )
    assert (
        "At least 45 people were treated for injuries at St. Brenna's Hospital, which switched to generator power."
        in sentences
    )
    assert len(sentences) == 11


def test_a_caption_run_into_the_next_sentence_is_split_off():
    text = (
        "Shooter: Terry Martin, 48, pictured in this 2012 mugshot, shot his girlfriend after she asked for "
        "half of his winnings A man who won $500 on a lottery ticket shot his girlfriend, police said. "
        "Ines Varga's The Salt Road won the prize."
    )
    assert sentences_split(text) == [
        "Shooter: Terry Martin, 48, pictured in this 2012 mugshot, shot his girlfriend after she asked for "
        "half of his winnings",
        "A man who won $500 on a lottery ticket shot his girlfriend, police said.",
        "Ines Varga's The Salt Road won the prize.",
    ]


def test_page_furniture_before_the_first_sentence_is_a_piece_of_its_own():
    text = "Scroll down for video Al-Douri was an Iraqi military commander. Click here to see more pictures."
    assert sentences_split(text) == [
        "Scroll down for video",
        "Al-Douri was an Iraqi military commander.",
        "Click here to see more pictures.",
    ]
