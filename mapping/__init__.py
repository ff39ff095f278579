"""Linking work to goals: goals and rules config (YAML, pydantic), rule compiler."""
