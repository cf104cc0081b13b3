"""Teams, agents and the four roles (agent, supervisor, HR, admin)."""
