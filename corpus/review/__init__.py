"""Review and correction of a built corpus: the corrections journal (journal), its folded state (state), the
review server (server) and its page (page)."""
