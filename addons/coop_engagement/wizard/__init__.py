from . import coop_paper_label_wizard
