"""One answer for a record the caller may not see: the one Odoo gives for a missing record.

A refusal that names the record (a poll's title, a cooperative's name) or differs from the
answer to a missing id lets anyone probe ids over RPC. Raise ``missing_error(records)``
instead: the same message, in the caller's language, as Odoo's MissingError.
"""

from odoo.exceptions import MissingError
from odoo.tools.translate import get_translation


def missing_error(records):
    """The MissingError Odoo raises when ``records`` do not exist (same words, same language)."""
    env = records.env
    lang = env.lang or "en_US"
    return MissingError(
        "\n".join(
            [
                get_translation("base", lang, "Record does not exist or has been deleted.", ()),
                get_translation(
                    "base",
                    lang,
                    "(Record: %(record)s, User: %(user)s)",
                    {"record": records, "user": env.uid},
                ),
            ]
        )
    )
