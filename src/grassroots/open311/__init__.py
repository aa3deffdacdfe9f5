"""Open311 GeoReport v2: partner apps list services, submit and track requests."""
