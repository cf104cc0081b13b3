"""The server-rendered pages: Django views over the same selectors and services as the API."""
