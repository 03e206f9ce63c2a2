"""The `Chat` resource: its schema, input checks, diff, the API-facing service, the provider and the
resource class, in the order a hook reaches them."""
