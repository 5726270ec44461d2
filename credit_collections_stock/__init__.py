from . import demo
from . import models
