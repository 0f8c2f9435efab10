"""What every function shares: settings, auth, errors, tables, plugins, observability."""

from functions.shared import fastapi_compat

fastapi_compat.install()
