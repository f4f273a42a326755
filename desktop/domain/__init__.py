"""Domain vocabulary: statuses, procedure kinds and states, tags. Pure Python."""
