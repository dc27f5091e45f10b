# Copyright 2026 carpass_odoo contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .carpass_inputs import CarpassInputGuard

# Where a product's activity came from, most specific first.
MAPPING_SOURCES = [
    ("product", "Product"),
    ("category", "Product Category"),
    ("default", "Company Default"),
    ("none", "None"),
]


class CarpassActivityMapping(CarpassInputGuard, models.Model):
    _name = "carpass.activity.mapping"
    _description = "Car-Pass Activity Mapping"
    _order = "company_id, applies_to desc, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    activity_id = fields.Many2one(
        "carpass.activity",
        string="Car-Pass Activity",
        required=True,
        index=True,
        ondelete="restrict",
    )
    activity_code = fields.Char(related="activity_id.code", string="Code")
    applies_to = fields.Selection(
        [("product", "Product"), ("category", "Product Category")],
        required=True,
        default="product",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Product",
        index="btree_not_null",
        check_company=True,
        ondelete="cascade",
    )
    product_category_id = fields.Many2one(
        "product.category",
        string="Product Category",
        index="btree_not_null",
        ondelete="cascade",
        help="Also applies to its sub-categories, unless they have their own mapping.",
    )

    _sql_constraints = [
        (
            "product_unique",
            "unique(company_id, product_id)",
            "A product can be mapped to one Car-Pass activity per company.",
        ),
        (
            "category_unique",
            "unique(company_id, product_category_id)",
            "A product category can be mapped to one Car-Pass activity per company.",
        ),
    ]

    @api.depends("activity_id", "product_id", "product_category_id")
    def _compute_display_name(self):
        for mapping in self:
            target = mapping.product_id or mapping.product_category_id
            mapping.display_name = f"{target.display_name} → {mapping.activity_id.name}"

    @api.constrains("applies_to", "product_id", "product_category_id")
    def _check_target(self):
        for mapping in self:
            if mapping.applies_to == "product" and (
                not mapping.product_id or mapping.product_category_id
            ):
                raise ValidationError(
                    _("A product mapping needs a product and no product category.")
                )
            if mapping.applies_to == "category" and (
                not mapping.product_category_id or mapping.product_id
            ):
                raise ValidationError(
                    _("A category mapping needs a product category and no product.")
                )

    @api.onchange("applies_to")
    def _onchange_applies_to(self):
        if self.applies_to == "product":
            self.product_category_id = False
        else:
            self.product_id = False

    # ------------------------------------------------------------
    # Resolution
    # ------------------------------------------------------------

    @api.model
    def _carpass_resolve(self, products, company):
        """Activity of each product: product mapping, else category, else default.

        Categories are walked up to the root, so a mapping on "All / Tyres" covers
        "All / Tyres / Winter". Archived activities (no longer listed by Car-Pass)
        are skipped, as Car-Pass would refuse them.
        Returns ``{product: (activity, source)}`` with ``source`` a key of
        ``MAPPING_SOURCES``.
        """
        # Read as superuser: mappings are configuration, the caller may only have
        # access to the repair; the company filter keeps garages apart.
        mappings = self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("activity_id.active", "=", True),
                "|",
                ("product_id", "in", products.ids),
                ("product_category_id", "!=", False),
            ]
        )
        by_product = {m.product_id.id: m.activity_id for m in mappings if m.product_id}
        by_category = {
            m.product_category_id.id: m.activity_id
            for m in mappings
            if m.product_category_id
        }
        default = company.sudo().carpass_default_activity_id.filtered("active")
        resolved = {}
        for product in products:
            activity = by_product.get(product.id)
            if activity:
                resolved[product] = (activity.sudo(False), "product")
                continue
            category = product.sudo().categ_id
            while category and category.id not in by_category:
                category = category.parent_id
            if category:
                resolved[product] = (by_category[category.id].sudo(False), "category")
            elif default:
                resolved[product] = (default.sudo(False), "default")
            else:
                resolved[product] = (self.env["carpass.activity"], "none")
        return resolved

    @api.model
    def _carpass_save_product_mapping(self, product, activity, company):
        """Map ``product`` to ``activity`` for ``company``, replacing its mapping."""
        mapping = self.search(
            [("company_id", "=", company.id), ("product_id", "=", product.id)],
            limit=1,
        )
        if mapping:
            mapping.activity_id = activity
            return mapping
        return self.create(
            {
                "company_id": company.id,
                "applies_to": "product",
                "product_id": product.id,
                "activity_id": activity.id,
            }
        )
