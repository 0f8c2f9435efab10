"""What every function shares: settings, auth, errors, tables, plugins, observability."""
