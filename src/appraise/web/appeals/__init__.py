"""Appeals against a published result: to the supervisor first, then to HR."""
