import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Everything loaded at start-up (Django, the apps, their modules) lives as long as the process: move it out of the
# cyclic garbage collector's view, so a full collection scans only what requests create. Without it, a full
# collection now and then pauses a request for tens of milliseconds (measured with benchmarks/search.py).
gc.freeze()
