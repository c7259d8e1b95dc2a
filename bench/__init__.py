"""Development tools, outside the ``activatie`` package and not in its wheel.

- :mod:`bench.matcher`: the matching benchmark and the synthetic national catalogue
  (``make bench``, ``python -m bench.matcher``);
- :mod:`bench.http_load`: the app beside a Flask hello-world under gunicorn
  (``make bench-http``, ``python -m bench.http_load``);
- :mod:`bench.report`: timing the monitoring report (``make bench-report``,
  ``flask --app activatie bench-report``);
- :mod:`bench.demo`: example aanmeldingen over the example catalogue
  (``flask --app activatie demo-placements``; also the tests' example site).

They import ``activatie``; ``activatie`` never imports them at import time: the two flask
commands in :mod:`activatie.cli` import theirs when they run, from a checkout of the code
(the folder that holds ``bench/``).
"""
