"""What the report pool's forkserver imports before it forks any worker.

mel's report code, imported once; then its objects are frozen out of the garbage
collector, whose passes would otherwise write to (and so copy) the pages that every worker
forked from the server shares with it.
"""

import gc

import mel.reports.build  # noqa: F401
import mel.reports.render  # noqa: F401

gc.collect()
gc.freeze()
