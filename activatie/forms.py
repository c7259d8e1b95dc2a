"""WTForms for staff pages, with Dutch messages. Public search forms use plain GET parameters."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
    widgets,
)
from wtforms.i18n import get_translations as wtforms_translations
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from . import geo
from .accounts import MIN_PASSWORD_LENGTH
from .vocabulary import (
    ACCESS_ROUTES,
    ACCESSIBILITY,
    ACTIVITY_STATUSES,
    ACTIVITY_TYPES,
    AGE_BANDS,
    COSTS,
    DECLINE_REASONS,
    GUIDANCE,
    LADDER_UNKNOWN,
    NEEDS,
    ORGANISATION_KINDS,
    OUTCOMES,
    PARTICIPATION_STEPS,
    PROGRAMMES,
    ROLES,
    SLOTS,
    TARGET_GROUPS,
    Vocabulary,
)

REQUIRED = "Vul dit in."


#: WTForms' built-in messages in our own words (B1, "u"); any other falls back to the Dutch
#: catalogue WTForms ships (``wtforms/locale/nl``). Keys are WTForms' English msgids.
DUTCH_MESSAGES = {
    "This field is required.": REQUIRED,
    "Not a valid choice.": "Kies een van de mogelijkheden.",
    "Invalid Choice: could not coerce.": "Kies een van de mogelijkheden.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Kies alleen uit de lijst.",
    "Not a valid integer value.": "Vul een heel getal in, zoals 12.",
    "Not a valid decimal value.": "Vul een getal in, zoals 2,50.",
    "Not a valid float value.": "Vul een getal in, zoals 2,5.",
    "Number must be at least %(min)s.": "Vul een getal in van %(min)s of meer.",
    "Number must be at most %(max)s.": "Vul een getal in van %(max)s of minder.",
    "Number must be between %(min)s and %(max)s.": (
        "Vul een getal in van %(min)s tot en met %(max)s."
    ),
    "Not a valid date value.": "Vul een bestaande datum in.",
    "Date must be at least %(min)s.": "Kies een datum op of na %(min)s.",
    "Date must be at most %(max)s.": "Kies een datum op of voor %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Kies een datum van %(min)s tot en met %(max)s.",
    "Not a valid datetime value.": "Vul een datum en tijd in.",
    "Not a valid time value.": "Vul een tijd in, zoals 09:30.",
    "Invalid email address.": "Vul een e-mailadres in, zoals naam@voorbeeld.nl.",
    "Invalid URL.": "Vul een webadres in dat begint met https://.",
    "Invalid input.": "Dit klopt niet. Kijk het nog eens na.",
    "Field must be equal to %(other_name)s.": "Dit moet hetzelfde zijn als %(other_name)s.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Gebruik %(min)d tot en met %(max)d tekens."
    ),
}
DUTCH_PLURALS = {
    "Field must be at least %(min)d character long.": (
        "Gebruik minstens %(min)d teken.",
        "Gebruik minstens %(min)d tekens.",
    ),
    "Field cannot be longer than %(max)d character.": (
        "Gebruik hoogstens %(max)d teken.",
        "Gebruik hoogstens %(max)d tekens.",
    ),
    "Field must be exactly %(max)d character long.": (
        "Gebruik precies %(max)d teken.",
        "Gebruik precies %(max)d tekens.",
    ),
    "'%(value)s' is not a valid choice for this field.": (
        "'%(value)s' staat niet in de lijst.",
        "'%(value)s' staan niet in de lijst.",
    ),
}


class DutchTranslations:
    """WTForms' translation hook: our Dutch words first, then WTForms' own Dutch catalogue."""

    def __init__(self) -> None:
        self.fallback = wtforms_translations(["nl"])

    def gettext(self, string: str) -> str:
        return DUTCH_MESSAGES.get(string) or self.fallback.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if singular in DUTCH_PLURALS:
            one, many = DUTCH_PLURALS[singular]
            return one if n == 1 else many
        return self.fallback.ngettext(singular, plural, n)


DUTCH = DutchTranslations()


class Form(FlaskForm):
    """The base of every form here: WTForms' own messages in Dutch.

    Flask-WTF's hook needs Flask-Babel, which we do not use, so the form's Meta answers itself.
    """

    class Meta:
        def get_translations(self, form: Any) -> DutchTranslations:
            return DUTCH


def options(pairs: Vocabulary | Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    """Return WTForms choices for a vocabulary or for ``(value, label)`` pairs."""
    items = pairs.choices() if isinstance(pairs, Vocabulary) else pairs
    return [SelectChoice(value, label) for value, label in items]


class WholeNumberField(IntegerField):
    """A whole number of at most nine ASCII digits, with a Dutch message otherwise.

    WTForms' own IntegerField takes any length (``NumberRange`` then overflows comparing a
    400-digit number) and answers in English.
    """

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        raw = str(valuelist[0]).strip()
        if not raw:
            self.data = None
            return
        if not _WHOLE_NUMBER.fullmatch(raw):
            self.data = None
            raise ValueError("Vul een heel getal in, zoals 12.")
        self.data = int(raw)


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]{1,9}")


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        known = {choice.value for choice in self.choices}  # type: ignore[union-attr]
        unknown = [value for value in self.data or [] if value not in known]
        if unknown:
            raise ValidationError("Kies alleen uit de lijst.")


class LoginForm(Form):
    email = EmailField("E-mailadres", validators=[DataRequired(REQUIRED), Length(max=200)])
    password = PasswordField("Wachtwoord", validators=[DataRequired(REQUIRED), Length(max=200)])
    next = HiddenField()


class CodeForm(Form):
    """The second login step, or the first code of a new authenticator app."""

    code = StringField(
        "Code",
        description="De 6 cijfers uit uw app. Telefoon kwijt? Typ dan een van uw herstelcodes.",
        validators=[DataRequired(REQUIRED), Length(max=20)],
    )


class SetPasswordForm(Form):
    password = PasswordField(
        "Nieuw wachtwoord",
        description=f"Minstens {MIN_PASSWORD_LENGTH} tekens. Een zin van een paar woorden is goed.",
        validators=[
            DataRequired(REQUIRED),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=200,
                message=f"Kies minstens {MIN_PASSWORD_LENGTH} tekens.",
            ),
        ],
    )
    confirm = PasswordField(
        "Herhaal het wachtwoord",
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", "De wachtwoorden zijn niet gelijk."),
        ],
    )


class VersionedForm(Form):
    """A form that carries the version of the row it edits (no lost updates)."""

    version = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])


class OrganisationForm(VersionedForm):
    name = StringField("Naam", validators=[DataRequired(REQUIRED), Length(max=160)])
    description = TextAreaField(
        "Over de organisatie",
        description="Een paar zinnen in eenvoudige woorden.",
        validators=[Length(max=2000)],
    )
    website = URLField(
        "Website",
        validators=[
            Optional(),
            Length(max=300),
            Regexp(r"^https?://", message="Begin met https://"),
        ],
    )
    phone = StringField("Telefoon", validators=[Optional(), Length(max=40)])
    email = EmailField("E-mailadres", validators=[Optional(), Length(max=200)])


class LocationForm(VersionedForm):
    name = StringField("Naam van de plek", validators=[DataRequired(REQUIRED), Length(max=160)])
    street = StringField("Straat", validators=[DataRequired(REQUIRED), Length(max=120)])
    house_number = StringField("Huisnummer", validators=[Optional(), Length(max=20)])
    postcode = StringField(
        "Postcode",
        description="Bijvoorbeeld 8011 AB.",
        validators=[DataRequired(REQUIRED), Length(max=7)],
    )
    accessibility = MultiCheckboxField("Toegankelijkheid", choices=options(ACCESSIBILITY))

    def validate_postcode(self, field: StringField) -> None:
        if geo.normalise_postcode(field.data or "") is None:
            raise ValidationError("Vul een postcode in zoals 8011 AB.")


NUMERIC = {"inputmode": "numeric"}


class ActivityForm(VersionedForm):
    """An activity as its provider edits it; the page shows the fields in this order
    (``templates/provider/activity_form.html`` renders every field)."""

    title = StringField("Titel", validators=[DataRequired(REQUIRED), Length(max=160)])
    summary = StringField("In één zin", validators=[Length(max=300)])
    description = TextAreaField(
        "Wat doe je er?",
        description="Wat doen mensen, wie ontmoeten ze, hoe helpt de begeleiding?",
        validators=[Length(max=4000)],
        render_kw={"rows": 6},
    )
    location_id = SelectField("Locatie", coerce=int, validators=[InputRequired(REQUIRED)])
    programme = RadioField(
        "Programma",
        choices=options(PROGRAMMES),
        default="sah",
        validators=[InputRequired(REQUIRED)],
    )
    types = MultiCheckboxField(
        "Soort activiteit",
        choices=options(ACTIVITY_TYPES),
        validators=[DataRequired("Kies minstens één soort.")],
    )
    needs = MultiCheckboxField(
        "Waar het bij helpt",
        choices=options(NEEDS),
        validators=[DataRequired("Kies minstens één.")],
    )
    target_groups = MultiCheckboxField("Voor wie", choices=options(TARGET_GROUPS))
    guidance = RadioField(
        "Begeleiding", choices=options(GUIDANCE), validators=[InputRequired(REQUIRED)]
    )
    min_age = WholeNumberField(
        "Vanaf leeftijd", validators=[Optional(), NumberRange(0, 125)], render_kw=NUMERIC
    )
    max_age = WholeNumberField(
        "Tot en met leeftijd", validators=[Optional(), NumberRange(0, 125)], render_kw=NUMERIC
    )
    slots = MultiCheckboxField("Dagdelen", choices=options(SLOTS))
    schedule_note = StringField(
        "Tijden in woorden",
        description="Bijvoorbeeld: dinsdag 9.30 - 12.00 uur.",
        validators=[Length(max=300)],
    )
    capacity = WholeNumberField(
        "Aantal plekken",
        validators=[InputRequired(REQUIRED), NumberRange(0, 10_000)],
        render_kw=NUMERIC,
    )
    free_places = WholeNumberField(
        "Vrije plekken",
        validators=[InputRequired(REQUIRED), NumberRange(0, 10_000)],
        render_kw=NUMERIC,
    )
    waiting_list = BooleanField("Er is een wachtlijst")
    cost = RadioField(
        "Kosten", choices=options(COSTS), default="gratis", validators=[InputRequired(REQUIRED)]
    )
    cost_euro = DecimalField(
        "Eigen bijdrage in euro",
        places=2,
        validators=[Optional(), NumberRange(0, 1000)],
        render_kw={"inputmode": "decimal"},
    )
    access_route = RadioField(
        "Hoe meld je je aan?", choices=options(ACCESS_ROUTES), validators=[InputRequired(REQUIRED)]
    )
    access_note = TextAreaField(
        "Uitleg over aanmelden", validators=[Length(max=600)], render_kw={"rows": 3}
    )
    status = RadioField(
        "Status",
        choices=options(ACTIVITY_STATUSES),
        default="actief",
        validators=[InputRequired(REQUIRED)],
    )

    def validate_free_places(self, field: IntegerField) -> None:
        if (
            field.data is not None
            and self.capacity.data is not None
            and field.data > self.capacity.data
        ):
            raise ValidationError("Er kunnen niet meer vrije plekken zijn dan plekken.")

    def validate_max_age(self, field: IntegerField) -> None:
        if (
            field.data is not None
            and self.min_age.data is not None
            and field.data < self.min_age.data
        ):
            raise ValidationError("Deze leeftijd is lager dan de 'vanaf' leeftijd.")

    def validate_cost_euro(self, field: DecimalField) -> None:
        if self.cost.data == "eigen_bijdrage" and field.data is None:
            raise ValidationError("Vul het bedrag van de eigen bijdrage in.")


class ApiTokenForm(Form):
    name = StringField(
        "Naam van de sleutel",
        description="Bijvoorbeeld: ons planningssysteem.",
        validators=[DataRequired(REQUIRED), Length(max=80)],
    )


class UserForm(Form):
    email = EmailField("E-mailadres", validators=[DataRequired(REQUIRED), Length(max=200)])
    name = StringField("Naam", validators=[DataRequired(REQUIRED), Length(max=120)])
    role = RadioField("Rol", choices=options(ROLES), validators=[InputRequired(REQUIRED)])
    organisation_id = SelectField(
        "Aanbieder (alleen voor de rol aanbieder)", coerce=int, validators=[Optional()]
    )
    team_id = SelectField("Wijkteam (alleen voor consulenten)", coerce=int, validators=[Optional()])


class ReasonForm(Form):
    """A form with only a CSRF token, for one-click actions."""


def kind_choices() -> list[SelectChoice]:
    return options(ORGANISATION_KINDS)


NO_PERSONAL_DATA = (
    "Schrijf hier geen naam, BSN, adres, telefoonnummer of e-mailadres. Schrijf ook geen "
    "gezondheidsgegevens of diagnose op."
)


class PlacementForm(Form):
    """An aanmelding: coded facts, never a name or BSN; the service makes the kenmerk."""

    activiteit = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])
    leeftijdsgroep = RadioField(
        "Leeftijd", choices=options(AGE_BANDS), validators=[InputRequired(REQUIRED)]
    )
    pc4 = StringField(
        "Postcode (alleen de 4 cijfers)",
        validators=[
            DataRequired(REQUIRED),
            Regexp(r"^\d{4}$", message="Vul 4 cijfers in, zoals 8011."),
        ],
    )
    behoeften = MultiCheckboxField("Waar moet het bij helpen?", choices=options(NEEDS))
    # No default: a pre-set step would flow unreviewed into the monitoring figures. "Weet ik
    # niet" is an answer too; it is stored as no step and stays out of the ladder figures.
    trede_start = RadioField(
        "Trede op de participatieladder nu",
        description="Kies de trede waar de inwoner nu staat. Er staat niets vooraf aangekruist: "
        "deze keuze telt mee in de cijfers over wat werkt. Weet u het niet? Kies dan "
        "'weet ik niet'; de aanmelding telt dan niet mee in de cijfers over de ladder.",
        choices=options(
            [*((t.key, f"{t.key}. {t.label}") for t in PARTICIPATION_STEPS), LADDER_UNKNOWN]
        ),
        validators=[InputRequired("Kies de trede waar de inwoner nu staat, of 'weet ik niet'.")],
    )
    #: The match search this aanmelding came from (its query string), for the way back.
    zoekvraag = HiddenField()
    voorkeur_start = DateField("Liefst starten vanaf", validators=[Optional()])
    notitie = TextAreaField(
        "Korte notitie voor de aanbieder",
        description=NO_PERSONAL_DATA,
        validators=[Optional(), Length(max=500)],
    )
    notitie_bevestigd = BooleanField(
        "Ik schrijf een diagnose of medicijn bewust op: de aanbieder moet dit weten"
    )


class DropInForm(Form):
    """A month's count of people who came without an aanmelding; choices are set by the view."""

    activiteit = SelectField("Activiteit", validators=[InputRequired(REQUIRED)])
    maand = SelectField("Maand", validators=[InputRequired(REQUIRED)])
    aantal = WholeNumberField(
        "Hoeveel mensen deden mee zonder aanmelding via het wijkteam?",
        description="Vrije inloop en mensen die zich zelf bij u aanmeldden. Tel iedereen één "
        "keer per maand, ook als iemand vaker kwam.",
        validators=[InputRequired(REQUIRED), NumberRange(0, 10_000, "Vul 0 tot en met 10000 in.")],
    )
    nieuw = WholeNumberField(
        "Hoeveel van hen kwamen die maand voor het eerst?",
        validators=[InputRequired(REQUIRED), NumberRange(0, 10_000, "Vul 0 tot en met 10000 in.")],
    )


class StepForm(Form):
    """Move an aanmelding one step; which fields count depends on the step."""

    naar = HiddenField(validators=[DataRequired()])
    versie = HiddenField(validators=[DataRequired(), Regexp(r"^\d{1,9}$")])
    datum = DateField("Datum", validators=[Optional()])
    reden = RadioField("Reden", choices=options(DECLINE_REASONS), validators=[Optional()])
    uitkomst = RadioField("Uitkomst", choices=options(OUTCOMES), validators=[Optional()])
    trede_eind = RadioField(
        "Trede op de participatieladder nu",
        choices=options((t.key, f"{t.key}. {t.label}") for t in PARTICIPATION_STEPS),
        validators=[Optional()],
    )


# --- Beheerder pages -------------------------------------------------------------------------

CHOOSE_FROM_LIST = "Kies uit de lijst."
NO_CHOICE = 0  #: the value of the "—" option in a select of ids


class AccountForm(UserForm):
    """A new account: UserForm with Dutch messages and the rule that an aanbieder has one."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for select_field in (self.role, self.organisation_id, self.team_id):
            select_field.invalid_choice_message = CHOOSE_FROM_LIST
            select_field.invalid_value_message = CHOOSE_FROM_LIST

    def validate_email(self, field: EmailField) -> None:
        value = (field.data or "").strip()
        if "@" not in value or any(ch.isspace() for ch in value):
            raise ValidationError("Vul een geldig e-mailadres in, zoals naam@zwolle.nl.")

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        # "aanbieder" is the stable vocabulary key of the provider role.
        if self.role.data == "aanbieder" and not self.organisation_id.data:
            self.organisation_id.errors = [
                *self.organisation_id.errors,
                "Kies de aanbieder waar dit account bij hoort.",
            ]
            return False
        return valid


class NewOrganisationForm(Form):
    name = StringField(
        "Naam van de aanbieder", validators=[DataRequired(REQUIRED), Length(max=160)]
    )
    kind = RadioField(
        "Soort aanbieder",
        choices=options(ORGANISATION_KINDS),
        validators=[InputRequired(REQUIRED)],
        invalid_choice_message=CHOOSE_FROM_LIST,
    )


MAX_TEAM_CODES = 80  # 80 codes of 4 digits and a space fill Team.pc4_codes (400 characters)


def pc4_list(raw: str | None) -> list[str]:
    """Return the codes in ``raw`` (separated by spaces or commas), unique and sorted."""
    return sorted({part for part in (raw or "").replace(",", " ").split() if part})


class TeamForm(Form):
    # Empty for a new team; an edit carries the version it was based on.
    version = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])
    name = StringField("Naam van het wijkteam", validators=[DataRequired(REQUIRED), Length(max=80)])
    pc4_codes = TextAreaField(
        "Postcodes van het gebied",
        description="Alleen de 4 cijfers van elke postcode, met een spatie of komma ertussen. "
        "Bijvoorbeeld: 8011 8012 8013.",
        validators=[Length(max=2000)],
    )
    phone = StringField(
        "Telefoonnummer van het wijkteam",
        description="Hierop bellen aanbieders het wijkteam terug over een aanmelding.",
        validators=[Optional(), Length(max=40)],
    )

    def validate_pc4_codes(self, field: TextAreaField) -> None:
        typed = (field.data or "").replace(",", " ").split()
        wrong = [
            c for c in dict.fromkeys(typed) if not (len(c) == 4 and c.isascii() and c.isdigit())
        ]
        codes = pc4_list(field.data)
        if wrong:
            shown = ", ".join(f"'{c[:10]}'" for c in wrong[:5])
            raise ValidationError(
                f"Een postcode is 4 cijfers, zoals 8011. Dit klopt niet: {shown}."
            )
        if len(codes) > MAX_TEAM_CODES:
            raise ValidationError(f"Vul hoogstens {MAX_TEAM_CODES} postcodes in.")


class SignpostForm(Form):
    """What a signpost (verwijzing) says and how to reach it; the beheerder keeps it current."""

    # Empty for a signpost that has no row yet; an edit carries the version it was based on.
    version = HiddenField(validators=[Optional(), Regexp(r"^\d{1,9}$")])
    name = StringField("Naam", validators=[DataRequired(REQUIRED), Length(max=120)])
    purpose = StringField("Waarvoor is het?", validators=[Length(max=300)])
    audience = StringField("Voor wie is het?", validators=[Length(max=300)])
    text = TextAreaField(
        "Wat we de inwoner vertellen",
        description="In eenvoudige woorden; spreek de inwoner aan met 'u'.",
        validators=[DataRequired(REQUIRED), Length(max=1000)],
    )
    phone = StringField("Telefoon", validators=[Optional(), Length(max=40)])
    website = StringField(
        "Website",
        description="Begin met https://, of met / voor een pagina van deze site.",
        validators=[Optional(), Length(max=200)],
    )
    address = StringField("Adres", validators=[Optional(), Length(max=200)])
