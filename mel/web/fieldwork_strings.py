"""Strings (Dutch, English) of the opt-out page and the staff page of a wave's fieldwork."""

FIELDWORK_STRINGS: dict[str, tuple[str, str]] = {
    # Participant: /optout/<token> (mel.web.survey.optout)
    "optout_title": ("Afmelden", "Opt out"),
    "optout_text": (
        "U ontving berichten over {survey} van {programme}. Als u zich afmeldt, sturen wij u "
        "over dit onderzoek geen berichten meer.",
        "You received messages about {survey} from {programme}. If you opt out, we will send "
        "you no more messages about this survey.",
    ),
    "optout_button": ("Afmelden", "Opt out"),
    "optout_done": (
        "U bent afgemeld. U ontvangt over dit onderzoek geen berichten meer.",
        "You have opted out. You will receive no more messages about this survey.",
    ),
    # Staff: the fieldwork of a wave (mel.web.staff.wave_fieldwork)
    "fwc_title": ("Veldwerk van de meting", "Fieldwork of the wave"),
    "fwc_mails": ("Uitnodigingen en herinneringen", "Invitations and reminders"),
    "fwc_kind": ("Soort", "Kind"),
    "fwc_sent": ("verstuurd", "sent"),
    "fwc_claimed": ("onbevestigd", "unconfirmed"),
    "fwc_failed": ("geweigerd", "refused"),
    "fwc_contacts": ("Contactpersonen", "Contacts"),
    "fwc_invited": ("Uitgenodigd", "Invited"),
    "fwc_delivered": ("Afgeleverd", "Delivered"),
    "fwc_bounced": ("Onbestelbaar", "Bounced"),
    "fwc_opted_out": ("Afgemeld", "Opted out"),
    "fwc_rates": (
        "Uitkomsten en responspercentages (AAPOR)",
        "Outcomes and response rates (AAPOR)",
    ),
    "fwc_rates_note": (
        "RR3 schat het aandeel in aanmerking komende gevallen onder die met onbekende "
        "geschiktheid als e = {e}.",
        "RR3 estimates the eligible share among cases of unknown eligibility as e = {e}.",
    ),
    "fwc_cases": ("Gevallen", "Cases"),
    "fwc_pending": ("lopend", "pending"),
    "fwc_total": ("Totaal", "Total"),
    "fwc_none": ("Nog geen gevallen in deze meting.", "No cases in this wave yet."),
    "fwc_remind": ("Herinnering sturen", "Send reminders"),
    "fwc_remind_after": (
        "aan wie nog niet klaar is en minstens {days} dagen geleden het laatste bericht kreeg",
        "to those not finished whose last message is at least {days} days old",
    ),
    "fwc_reminded": (
        "{kind}: {n} verstuurd, {before} eerder verstuurd, {not_due} nog niet aan de beurt.",
        "{kind}: {n} sent, {before} sent before, {not_due} not due yet.",
    ),
    "fwc_mail_error": ("Versturen lukte niet: {error}", "Sending failed: {error}"),
    "fwc_set_outcome": ("Uitkomst vastleggen", "Set an outcome"),
    "fwc_case": (
        "Geval: code van de eenheid, e-mailadres van een persoon, of u:12",
        "Case: the unit's code, a person's e-mail address, or u:12",
    ),
    "fwc_outcome": ("Uitkomst", "Outcome"),
    "fwc_outcome_auto": ("automatisch (door mel)", "automatic (by mel)"),
    "fwc_outcome_set": (
        "Uitkomst van {case} is nu {outcome}.",
        "Outcome of {case} is now {outcome}.",
    ),
    "fwc_outcome_unknown_case": ("Onbekend geval {case}.", "Unknown case {case}."),
    "fwc_save": ("Vastleggen", "Save"),
    "fwc_outbox": ("Postvak uit", "Outbox"),
    "fwc_outbox_note": (
        "Zonder MEL_SMTP_URL schrijft mel berichten als .eml-bestanden in deze map.",
        "Without MEL_SMTP_URL mel writes messages as .eml files to this folder.",
    ),
    "fwc_outbox_empty": ("Het postvak uit is leeg.", "The outbox is empty."),
    "outcome_complete": ("volledig", "complete"),
    "outcome_partial": ("gedeeltelijk", "partial"),
    "outcome_refusal": ("weigering", "refusal"),
    "outcome_non_contact": ("geen contact", "non-contact"),
    "outcome_not_eligible": ("niet in aanmerking", "not eligible"),
    "outcome_eligibility_unknown": ("geschiktheid onbekend", "eligibility unknown"),
    "outcome_undeliverable": ("onbestelbaar", "undeliverable"),
    "outcome_opted_out": ("afgemeld", "opted out"),
}
