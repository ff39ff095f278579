"""Asana tasks, subtasks and Goals, over Asana's REST API with httpx (no SDK)."""
