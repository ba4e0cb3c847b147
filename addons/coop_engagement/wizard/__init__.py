from . import coop_paper_label_wizard
from . import coop_proposal_hide_wizard
