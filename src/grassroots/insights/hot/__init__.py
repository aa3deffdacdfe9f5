"""Hot issues: clusters of cases about the same problem in the same place and time."""
