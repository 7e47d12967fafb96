"""AI features over plain data: summaries, key points, grounded answers, headline check, the LLM client."""
