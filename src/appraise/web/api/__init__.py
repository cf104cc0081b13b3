"""The REST API (DRF): thin views over the services and selectors."""
