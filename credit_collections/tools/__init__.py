from . import sms_api_http_gateway
