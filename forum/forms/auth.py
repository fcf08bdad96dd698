from __future__ import annotations

from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp

from forum import usernames
from forum.forms import ForumForm
from forum.languages import lazy_gettext as _l
from forum.services.accounts import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    USERNAME_MAX,
    USERNAME_MIN,
    USERNAME_PATTERN,
    USERNAME_RULE,
)

password_length = Length(
    min=PASSWORD_MIN,
    max=PASSWORD_MAX,
    message=_l("Use between %(min)d and %(max)d characters.", min=PASSWORD_MIN, max=PASSWORD_MAX),
)


def _normalised(name: str | None) -> str | None:
    return usernames.normalised(name) if isinstance(name, str) else name


class RegisterForm(ForumForm):
    username = StringField(
        _l("Username"),
        filters=[_normalised],  # the rules apply to the name as it will be kept
        validators=[
            DataRequired(),
            Length(min=USERNAME_MIN, max=USERNAME_MAX, message=USERNAME_RULE),
            Regexp(USERNAME_PATTERN, message=USERNAME_RULE),
        ],
        description=_l("Shown with your posts. %(rule)s", rule=USERNAME_RULE),
    )
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), password_length],
        description=_l("At least %(n)d characters.", n=PASSWORD_MIN),
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Create account"))


class LoginForm(ForumForm):
    login = StringField(
        _l("Username or email address"), validators=[DataRequired(), Length(max=254)]
    )
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class ChangePasswordForm(ForumForm):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), password_length],
        description=_l("At least %(n)d characters. Your other sessions will be logged out."),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Change password"))


class LogoutForm(ForumForm):
    submit = SubmitField(_l("Log out"))


class ForgotPasswordForm(ForumForm):
    login = StringField(
        _l("Username or email address"), validators=[DataRequired(), Length(max=254)]
    )
    submit = SubmitField(_l("Send me a link"))


class ResetPasswordForm(ForumForm):
    password = PasswordField(
        _l("New password"),
        validators=[DataRequired(), password_length],
        description=_l("At least %(n)d characters.", n=PASSWORD_MIN),
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )
    submit = SubmitField(_l("Set the new password"))


class ChangeAddressForm(ForumForm):
    email = EmailField(
        _l("New email address"),
        validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)],
        description=_l("We send it a link; it becomes your address once you follow it."),
    )
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)]
    )
    submit = SubmitField(_l("Change address"))


class ConfirmAddressForm(ForumForm):
    submit = SubmitField(_l("Confirm my address"))


class SendAgainForm(ForumForm):
    submit = SubmitField(_l("Send the link again"))
