"""Simulated programmes for the demo and benchmarks: frames, waves and valid responses.

`simulate(engine, seed=..., scale=...)` fills a database whose catalogue is published with
units (clusters), one wave per year with its stratified frame, and responses that respect
each instrument's types, choices, bounds, required questions and skip logic. Everything is
drawn from numpy Generators seeded by `seed`, so the same seed gives identical rows.
"""

from mel.demo.design import SimulationError
from mel.demo.run import ProgrammeSummary, SimulationSummary, simulate

__all__ = ["ProgrammeSummary", "SimulationError", "SimulationSummary", "simulate"]
