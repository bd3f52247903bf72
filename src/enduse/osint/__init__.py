"""Open-source reports: alleged transfers read from news text, and the licences they concern."""
