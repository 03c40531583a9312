"""What the dashboard figures' forkserver imports before it forks the worker.

The dashboards' code (pandas, the KPI estimators, the models), imported once; then its
objects are frozen out of the garbage collector (as `mel.reports.preload`), so that its
passes do not write to the pages the worker shares with the server.
"""

import gc

import mel.services.figure_pool  # noqa: F401
import mel.services.figure_tasks  # noqa: F401

gc.collect()
gc.freeze()
