"""Fieldwork of a wave: contacts, invitation mails and reminders, case outcomes, rates.

- `contacts`: import a wave's contacts (CSV/XLSX) onto its sampled cases.
- `mailing`: templated invitations and reminders through SMTP or an outbox folder,
  idempotent per contact and kind (claim, send, mark sent).
- `bounces`, `optout`: what comes back (bounced mails, opt-outs).
- `outcomes`: each case's AAPOR final disposition, automatic or set by staff.
- `rates`: AAPOR response, cooperation, refusal and contact rates per wave and stratum.
- `progress`: the staff dashboard's fieldwork figures (responses per group, protected).

Contacts (e-mail addresses and names) stay in this package and in the staff fieldwork
page: they never reach exports, the analysis frame, logs or the API.
"""
