from . import portal
from . import join
from . import documents
from . import engagement
from . import events
from . import groups
from . import event_waitlist
from . import forum
