"""The floor of the load test: a minimal Flask + WTForms survey with CSRF and no database.

Five pages of three questions (a radio, a 0-10 score, a remark), each shown with a GET and
posted (Flask-WTF's CSRF token in a signed session cookie, validated, then a 303 to the
next page), then a thank-you page: the same eleven requests per respondent as mel's survey
in the load test. Templates come from a loader, so Jinja compiles them once, as any real
app would. What mel costs above this is mel's own work.

    gunicorn -c python:mel.web.gunicorn_conf floor_app:app   (from bench/; MEL_SECRET_KEY)
"""

from __future__ import annotations

import os

from flask import Flask, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm
from jinja2 import DictLoader
from wtforms import IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

PAGES = 5
TEMPLATES = {
    "page.html": """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Vraag {{ page }}</title></head>
<body><main><h1>Pagina {{ page }} van {{ pages }}</h1>
<form method="post" novalidate>
<input type="hidden" name="csrf_token" value="{{ form.csrf_token.current_token }}">
{% for field in form if field.name != "csrf_token" %}
<fieldset><legend>{{ field.label.text }}</legend>
{% if field.type == "RadioField" %}{% for option in field %}
<label>{{ option }} {{ option.label.text }}</label>{% endfor %}
{% else %}{{ field() }}{% endif %}
{% for error in field.errors %}<p class="error">{{ error }}</p>{% endfor %}
</fieldset>{% endfor %}
<button type="submit">Volgende</button></form></main></body></html>""",
    "done.html": """<!doctype html><html lang="nl"><head><meta charset="utf-8">
<title>Bedankt</title></head><body><main><h1>Bedankt!</h1></main></body></html>""",
}


class PageForm(FlaskForm):
    """Three questions of a survey page, with the CSRF token FlaskForm adds."""

    choice = RadioField(
        "Welk traject?",
        choices=[("kort", "Korte vraag"), ("traject", "Traject"), ("masterclass", "Masterclass")],
        validators=[DataRequired()],
    )
    score = IntegerField("Cijfer", validators=[InputRequired(), NumberRange(0, 10)])
    remark = StringField("Opmerking", validators=[Optional(), Length(max=500)])


app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("MEL_SECRET_KEY") or os.urandom(16).hex()
app.jinja_loader = DictLoader(TEMPLATES)


@app.route("/f/<int:page>", methods=["GET", "POST"])
def page(page: int) -> ResponseReturnValue:
    """Show page `page`; a valid post goes on to the next one (or the thank-you page)."""
    form = PageForm()
    if form.validate_on_submit():
        following = url_for("page", page=page + 1) if page < PAGES else url_for("done")
        return redirect(following, 303)
    return render_template("page.html", form=form, page=page, pages=PAGES)


@app.get("/f/done")
def done() -> ResponseReturnValue:
    """Thank the respondent."""
    return render_template("done.html")


@app.get("/healthz")
def healthz() -> ResponseReturnValue:
    """Answer that the server is up."""
    return "ok"
