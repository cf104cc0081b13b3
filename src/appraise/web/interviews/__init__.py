"""Interview records and the self-vs-supervisor grade-gap flags that call for them."""
