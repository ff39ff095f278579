"""GitHub issues and pull requests, through PyGithub."""
