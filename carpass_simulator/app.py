# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""One simulator instance: its storage, rules, faults and seed data."""

import uuid

from .faults import FaultInjector
from .seed import DEFAULT_SEED, apply_seed
from .service import CarpassService
from .settings import (
    DEFAULT_FAULTS,
    check_total_rate,
    clean_answers,
    clean_fault_queue,
    clean_faults,
    clean_settings,
)
from .storage import Storage


class Simulator:
    def __init__(self, data_path, *, seed=None, config=None):
        self.storage = Storage(data_path)
        self.service = CarpassService(self.storage)
        self.faults = FaultInjector(self.storage)
        self._extra_seed = seed
        with self.storage.transaction():
            if self.storage.get_value("seeded"):
                if seed:
                    apply_seed(self.storage, seed)
            else:
                self._seed()
            if config:
                self.apply_config(config)

    def close(self):
        self.storage.close()

    def _seed(self):
        apply_seed(self.storage, DEFAULT_SEED)
        if self._extra_seed:
            apply_seed(self.storage, self._extra_seed)
        self.storage.set_value("seeded", True)

    def reset(self):
        """Forget everything (observations, counters, settings, faults); reseed."""
        with self.storage.transaction():
            self.storage.reset()
            self._seed()

    def apply_config(self, config):
        """Settings plus optional "faults" (rates) and "fault_queue" (list)."""
        config = dict(config)
        faults = config.pop("faults", None)
        queue = config.pop("fault_queue", None)
        with self.storage.transaction():
            self.update_settings(config)
            if faults is not None:
                self.set_faults(faults)
            if queue is not None:
                self.queue_faults(queue)

    def update_settings(self, values):
        cleaned = clean_settings(values)
        with self.storage.transaction():
            current = self.storage.get_value("settings", {})
            self.storage.set_value("settings", {**current, **cleaned})

    def set_faults(self, values):
        """Replace the fault rates: whatever is not given goes back to zero."""
        faults = {**DEFAULT_FAULTS, **clean_faults(values)}
        check_total_rate(faults)
        with self.storage.transaction():
            self.storage.set_value("faults", faults)
            # A fresh token (not a counter, which a reset would rewind) tells the
            # injector to restart its random sequence.
            self.storage.set_value("faults_generation", uuid.uuid4().hex)

    def queue_faults(self, kinds):
        kinds = clean_fault_queue(kinds)
        with self.storage.transaction():
            queue = self.storage.get_value("fault_queue", [])
            self.storage.set_value("fault_queue", queue + kinds)

    def clear_faults(self):
        with self.storage.transaction():
            self.storage.set_value("faults", dict(DEFAULT_FAULTS))
            self.storage.set_value("fault_queue", [])
            self.storage.set_value("answer_queue", [])

    def queue_answers(self, answers):
        """Answers that replace the next /api answers, whatever the request was
        (the request is still handled: Car-Pass did its work, then said this)."""
        answers = clean_answers(answers)
        with self.storage.transaction():
            queue = self.storage.get_value("answer_queue", [])
            self.storage.set_value("answer_queue", queue + answers)

    def answer_queue(self):
        with self.storage.transaction():
            return self.storage.get_value("answer_queue", [])

    def next_answer(self):
        """The injected answer for the request being handled, or None."""
        with self.storage.transaction():
            queue = self.storage.get_value("answer_queue", [])
            if not queue:
                return None
            self.storage.set_value("answer_queue", queue[1:])
            return queue[0]
