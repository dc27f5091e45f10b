# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The values a model of the addon receives, checked by ``carpass/inputs.py``.

``carpass_clean_vals(model, vals)`` is called first in the ``create`` and ``write``
of every model and wizard of the addon (and of the models it extends, for the
fields it adds): a value of the wrong type or out of range becomes a
``ValidationError`` naming the field, in the user's language, instead of a
``TypeError`` in a guard or an error of the database.
"""

from odoo import api
from odoo.exceptions import ValidationError
from odoo.models import BaseModel

from ..carpass import inputs

ADDON = "carpass_odoo"


def carpass_input_message(env, label, error):
    """The user's message for ``inputs.InvalidInput`` ``error`` on field ``label``."""
    _ = env._
    limit = error.limit
    messages = {
        inputs.NOT_TEXT: _("%(field)s must be text.", field=label),
        inputs.CONTROL_CHARACTERS: _(
            "%(field)s contains invisible control characters: type it again.",
            field=label,
        ),
        inputs.TOO_LONG: _(
            "%(field)s is too long (at most %(limit)s characters).",
            field=label,
            limit=limit,
        ),
        inputs.NOT_INTEGER: _("%(field)s must be a whole number.", field=label),
        inputs.OUT_OF_RANGE: _(
            "%(field)s is out of range (limit: %(limit)s).", field=label, limit=limit
        ),
        inputs.NOT_NUMBER: _("%(field)s must be a number.", field=label),
        inputs.NOT_DATE: _("%(field)s must be a date (YYYY-MM-DD).", field=label),
        inputs.REQUIRED: _("%(field)s is required.", field=label),
        inputs.NOT_CHOICE: _("%(field)s has a value that is not offered.", field=label),
        inputs.NOT_BOOLEAN: _("%(field)s must be yes or no.", field=label),
        inputs.NOT_RECORD: _("%(field)s must name a record.", field=label),
    }
    return messages[error.reason]


def carpass_raise_invalid(env, label, error):
    raise ValidationError(carpass_input_message(env, label, error)) from None


def _missing_ids(comodel, ids):
    """The ids of ``ids`` that name no record of ``comodel``.

    A record this transaction read or created (it has values in the cache) exists:
    deleting a record empties the whole cache. Only the others are looked up, in
    one query; the internal calls of the send pipeline name records it has just
    read and so cost none.
    """
    cache = comodel.env.cache
    unknown = {
        record_id
        for record_id in ids
        if next(cache.get_fields(comodel.browse(record_id)), None) is None
    }
    if not unknown:
        return set()
    return unknown - set(comodel.browse(unknown).exists().ids)


def _clean_field_value(model, field, value):
    """The value ``field`` stores, per its type; raises inputs.InvalidInput."""
    required = field.required
    kind = field.type
    if kind in ("char", "text", "html"):
        # Code running as superuser stores what the protocol layer already capped
        # (answers kept for support): only what a user sends is held to the limit.
        if model.env.su:
            limit = inputs.MAX_STORED_TEXT_LENGTH
        else:
            limit = inputs.MAX_CHAR_LENGTH if kind == "char" else inputs.MAX_TEXT_LENGTH
        limit = field.size or limit
        cleaned = inputs.clean_text(value, multiline=True, max_length=limit)
        if required and cleaned is False:
            raise inputs.InvalidInput(inputs.REQUIRED)
        return cleaned
    if kind == "integer":
        return inputs.clean_int(value)
    if kind in ("float", "monetary"):
        return inputs.clean_float(value)
    if kind == "date":
        return inputs.clean_date(value, required=field.required)
    if kind == "datetime":
        return inputs.clean_datetime(value, required=field.required)
    if kind == "boolean":
        return inputs.clean_boolean(value)
    if kind == "selection":
        if callable(field.selection) or isinstance(field.selection, str):
            choices = [key for key, _label in field._description_selection(model.env)]
        else:
            choices = [key for key, _label in field.selection]
        return inputs.clean_choice(value, choices, required=required)
    if kind == "many2one":
        record_id = inputs.clean_record_id(value, required=required)
        if record_id and _missing_ids(
            model.env[field.comodel_name].sudo(), [record_id]
        ):
            raise inputs.InvalidInput(inputs.NOT_RECORD)
        return record_id
    if kind in ("one2many", "many2many"):
        commands, ids = inputs.clean_commands(value)
        if ids and _missing_ids(model.env[field.comodel_name].sudo(), ids):
            raise inputs.InvalidInput(inputs.NOT_RECORD)
        return commands
    return value


def carpass_clean_vals(model, vals, extra_fields=()):
    """A copy of ``vals`` with the addon's fields checked and converted.

    Checks the fields the addon defines on ``model`` and those named in
    ``extra_fields`` (e.g. Fleet's ``vin_sn``, which the addon sends); other
    fields are left to their own module. Records and new ids (internal calls)
    pass unchanged. Raises ValidationError naming the field.
    """
    if not isinstance(vals, dict):
        raise ValidationError(model.env._("The values to save are not readable."))
    cleaned = dict(vals)
    for name, value in vals.items():
        field = model._fields.get(name)
        if field is None:
            continue
        if ADDON not in (field._modules or ()) and name not in extra_fields:
            continue
        if isinstance(value, BaseModel):
            continue
        try:
            cleaned[name] = _clean_field_value(model, field, value)
        except inputs.InvalidInput as error:
            carpass_raise_invalid(
                model.env, field._description_string(model.env), error
            )
    return cleaned


class CarpassInputGuard:
    """Python mixin: checks the values of ``create`` and ``write`` of an Odoo model.

    ``_carpass_extra_input_fields`` names fields of other modules the addon relies
    on (e.g. Fleet's ``vin_sn``); the addon's own fields are always checked.
    """

    # Odoo rebuilds the bases of its model classes: a mixin adds no instance layout.
    __slots__ = ()
    _carpass_extra_input_fields = ()

    @api.model_create_multi
    def create(self, vals_list):
        if isinstance(vals_list, dict):
            vals_list = [vals_list]
        return super().create([self._carpass_clean_values(vals) for vals in vals_list])

    def write(self, vals):
        return super().write(self._carpass_clean_values(vals))

    @api.model
    def _carpass_clean_values(self, vals):
        """``vals`` with every value checked for type and range (ValidationError)."""
        return carpass_clean_vals(
            self, vals, extra_fields=self._carpass_extra_input_fields
        )
