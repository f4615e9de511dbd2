"""One module a command of ``apidocs``: each has ``main(options, console) -> int``, its typed
options (:mod:`apidocs.entry.options`) and the console it tells (:mod:`apidocs.entry.console`).
The CLI imports a command's module only when the command runs: ``render --check`` answered
from the cache then imports nothing of the runner."""
