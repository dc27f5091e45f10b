# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Fault injection for /api/* requests: a queue first, then seeded random rates.

"500" and "503" are answered before the request is handled (nothing stored);
"timeout", "drop" and "malformed" happen after it was handled, so the client
cannot know whether its request took effect.
"""

import random
import threading

from .settings import DEFAULT_FAULTS, FAULT_RATE_KINDS

BEFORE_HANDLING = ("500", "503")


class FaultInjector:
    def __init__(self, storage):
        self._storage = storage
        self._lock = threading.Lock()
        self._random = None
        self._generation = None

    def config(self):
        with self._storage.transaction():
            return {**DEFAULT_FAULTS, **self._storage.get_value("faults", {})}

    def queue(self):
        with self._storage.transaction():
            return self._storage.get_value("fault_queue", [])

    def next_fault(self):
        """The fault for the request being handled, or None."""
        with self._storage.transaction():
            queue = self._storage.get_value("fault_queue", [])
            if queue:
                self._storage.set_value("fault_queue", queue[1:])
                return queue[0]
            config = {**DEFAULT_FAULTS, **self._storage.get_value("faults", {})}
            generation = self._storage.get_value("faults_generation")
        if not any(config[key] for key in FAULT_RATE_KINDS):
            return None
        draw = self._draw(config["seed"], generation)
        threshold = 0.0
        for key, kind in FAULT_RATE_KINDS.items():
            threshold += config[key]
            if draw < threshold:
                return kind
        return None

    def _draw(self, seed, generation):
        with self._lock:
            # Every set_faults restarts the sequence, so a seed reproduces a run.
            if self._random is None or generation != self._generation:
                self._random = random.Random(seed)
                self._generation = generation
            return self._random.random()
