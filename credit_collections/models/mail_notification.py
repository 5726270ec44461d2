from odoo import api, models


class MailNotification(models.Model):
    """Odoo's delivery tracking (mail queue, bounces, blacklist, SMS provider) reaches the
    follow-up communications whose email or SMS it tracks."""

    _inherit = "mail.notification"

    @api.model_create_multi
    def create(self, vals_list):
        notifications = super().create(vals_list)
        self.env["credit.followup.communication"]._delivery_changed(notifications.mail_message_id)
        return notifications

    def write(self, vals):
        result = super().write(vals)
        if "notification_status" in vals:
            self.env["credit.followup.communication"]._delivery_changed(self.mail_message_id)
        return result
