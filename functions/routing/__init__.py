"""Smart routing: rank healthy media nodes for a viewer."""
