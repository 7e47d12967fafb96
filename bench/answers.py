"""Grounded answers: how often `answer_question` cites the right sentence, and declines when it should.

The question set (bench/data/questions.jsonl) was written by hand over the bundled demo articles:
each line names an article, a question, and a substring of the sentence that answers it, or null when
the article does not answer it. Questions are phrased as a reader would ask, not copied from the text.

    python bench/answers.py [--questions PATH] [--llm] [--misses] [--gate]

--llm uses the configured model (GAZETTE_LLM_*) instead of the built-in method.
--gate exits 1 when top-citation accuracy falls below 80% or fewer than 75% of unanswerable questions
are declined.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gazette.ai.ask import answer_question  # noqa: E402
from gazette.ai.llm import LLMClient, llm_from_env  # noqa: E402

CORPUS = REPO / "gazette" / "demo" / "corpus"
DEFAULT_QUESTIONS = REPO / "bench" / "data" / "questions.jsonl"
GATE_TOP_CITATION = 0.80
GATE_DECLINED = 0.75


def demo_articles() -> dict[str, tuple[str, str]]:
    """Demo article id -> (headline, text with paragraphs separated by blank lines)."""
    articles = {}
    for path in sorted(CORPUS.glob("events_*.json")):
        for event in json.loads(path.read_text(encoding="utf-8")):
            for article in event["articles"]:
                articles[article["id"]] = (article["headline"], "\n\n".join(article.get("paragraphs") or []))
    return articles


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--questions", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--llm", action="store_true", help="use the configured LLM")
    parser.add_argument("--misses", action="store_true", help="print every wrong answer")
    parser.add_argument("--gate", action="store_true", help="exit 1 when a figure drops below its floor")
    args = parser.parse_args()
    llm: LLMClient | None = llm_from_env() if args.llm else None
    if args.llm and llm is None:
        raise SystemExit("--llm needs GAZETTE_LLM_BASE_URL and GAZETTE_LLM_MODEL")
    articles = demo_articles()
    rows = [
        json.loads(line) for line in args.questions.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    top_right = any_right = answered_total = declined_wrongly = 0
    declined = unanswerable = 0
    for row in rows:
        title, text = articles[row["article"]]
        answer = answer_question(text=text, question=row["question"], title=title, llm=llm)
        expect = row["expect"]
        if expect is None:
            unanswerable += 1
            ok = not answer.answered
            declined += ok
        else:
            answered_total += 1
            top = bool(answer.citations) and expect in answer.citations[0]
            anywhere = any(expect in c for c in answer.citations)
            top_right += top
            any_right += anywhere
            declined_wrongly += not answer.answered
            ok = top
        if args.misses and not ok:
            print(
                f"MISS [{row['article']}] {row['question']}\n  expected: {expect}\n  got: {answer.citations[:2]}"
            )
    top_rate = top_right / answered_total
    declined_rate = declined / unanswerable if unanswerable else 1.0
    method = f"LLM ({llm.model})" if llm else "built-in"
    print(f"method: {method}")
    print(f"answerable questions:   {answered_total}")
    print(f"  top citation right:   {top_right} ({100 * top_rate:.0f}%)")
    print(f"  right in citations:   {any_right} ({100 * any_right / answered_total:.0f}%)")
    print(f"  wrongly declined:     {declined_wrongly}")
    print(f"unanswerable questions: {unanswerable}")
    print(f"  declined:             {declined} ({100 * declined_rate:.0f}%)")
    if args.gate and (top_rate < GATE_TOP_CITATION or declined_rate < GATE_DECLINED):
        print("GATE FAILED: answer quality dropped below its floor", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
