"""marshmallow schemas: what enters and leaves the API."""
