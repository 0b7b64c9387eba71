"""The document resources of xAPI: State, Activity Profile, Agent Profile."""
