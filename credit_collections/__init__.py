from . import controllers
from . import models
from . import report
from . import demo
from . import tools
from . import wizards


def post_init_hook(env):
    """The follow-up screen shows who to chase from the first day, before the first run."""
    env["credit.followup"]._refresh_desk()
