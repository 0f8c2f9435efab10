"""What every function shares: settings, auth, errors, tables, plugins, observability."""

from functions.shared import deferred_modules, fastapi_compat

deferred_modules.install()
fastapi_compat.install()
