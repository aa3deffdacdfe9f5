"""The demo city: New York City from real open data, loaded by `grassroots load-demo`."""
