"""Public credential surfaces: the credential page (QR target), downloads, status lists, images.

Every ``/credentials/<uuid>`` answer follows one rule (issue #4): 404 unless the recipient turned
the public link on, or the viewer is the recipient or an admin of the issuer. Those answers
therefore say ``Cache-Control: private, no-cache`` (revalidated by ETag), while status lists,
achievement images and logos are public and cacheable.

Uploaded SVGs (achievement images, logos) and baked SVGs are served with a CSP that runs nothing
and loads nothing, so even a hostile SVG opened directly cannot act as our origin.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime
from types import MappingProxyType
from uuid import UUID

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale, format_date, get_locale
from markupsafe import Markup
from sqlalchemy.orm import Session

from badges.context import current_clock, current_settings
from badges.errors import N_
from badges.web.auth import current_user
from badges.web.database import db_session
from badges.web.i18n import LANGUAGES
from badges.web.translate import _
from issuer.credentials import (
    CredentialView,
    achievement_document,
    credential_view,
    is_issuer_admin,
    recipient_of,
    visible_credential,
    visible_credential_view,
)
from issuer.identity import get_issuer
from issuer.models import Achievement, Credential, Issuer, StatusList
from issuer.rendering import (
    PNG,
    SVG,
    Certificate,
    badge_image,
    baked_png,
    baked_svg,
    certificate_pdf,
    credential_qr_png,
    credential_qr_svg,
    credential_url,
    markdown_html,
)
from issuer.status import STATUS_LIST_TTL
from verifier.web.presentation import headline
from verifier.web.service import translated_check_lines, verify_document

bp = Blueprint("issuer_credentials", __name__)

VC_JSON = "application/vc+ld+json"
#: For SVGs opened on their own: no scripts, no fetches, no forms (inline styles only).
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
PRIVATE = "private, no-cache"
PUBLIC_IMAGE = "public, max-age=300"
JSON_TYPES = ("application/json", "application/ld+json")
PAGE_LABELS_EXTENSION = "issuer.credential_page_labels"
#: The credential page's fixed wording. Translated once per language and kept per app: a
#: catalogue does not change while the app runs, and a dozen gettext calls cost about a tenth of
#: the page's server time (issue #5).
PAGE_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "private": N_("Only you can see this page until you turn on the public link."),
        "awarded_to": N_("Awarded to"),
        "issued_by": N_("Issued by"),
        "issued_on": N_("Issued on"),
        "valid_until": N_("Valid until"),
        "checked": N_("Checked just now against the issuer's published keys and revocation list."),
        "what_checked": N_("What was checked"),
        "about": N_("About this achievement"),
        "how_earned": N_("How it was earned"),
        "more": N_("More about this achievement"),
        "download": N_("Download"),
        "png": N_("Badge image (PNG)"),
        "svg": N_("Badge image (SVG)"),
        "json": N_("Credential file (JSON)"),
        "pdf": N_("Printable certificate (PDF)"),
        "qr": N_("QR code linking to this page"),
    }
)


def _credential(public_id: UUID) -> Credential:
    """The credential if the viewer may see it (404 otherwise)."""
    user = current_user()
    return visible_credential(db_session(), str(public_id), user.id if user else None)


def _viewer_is_insider(session: Session, credential: Credential) -> bool:
    """Whether the viewer is the recipient or an admin of the issuer."""
    user = current_user()
    if user is None:
        return False
    return recipient_of(session, credential) == user.id or is_issuer_admin(
        session, user.id, credential.issuer_id
    )


@bp.get("/credentials/<uuid:public_id>")
def page(public_id: UUID) -> ResponseReturnValue:
    """The public page: badge, achievement, criteria, issuer, dates and a live verdict."""
    user = current_user()
    credential, view = visible_credential_view(
        db_session(), str(public_id), user.id if user else None, now=current_clock().now()
    )
    with _page_language():
        response = Response(_page_html(credential, view))
    response.headers["Cache-Control"] = PRIVATE
    return response


def _page_html(credential: Credential, view: CredentialView) -> str:
    # The verifier's own services: the same resolution /verify uses (our published documents
    # through PlatformFetcher, anyone else's over https), and its caches: a recent report is
    # reused only while the status list and DID document it rests on are byte for byte the same.
    report, kept = verify_document(credential.document)
    return render_template(
        "credentials/page.html",
        view=view,
        criteria_html=render_markdown(view.criteria_narrative),
        verdict=report.verdict.value,
        headline=headline(report.verdict),
        checks=translated_check_lines(report, keep=kept),
        issued=local_date(view.issued),
        expires=local_date(view.expires),
        page_url=credential_url(current_settings().base_url, view.public_id),
        labels=page_labels(),
    )


def page_labels() -> Mapping[str, Markup]:
    """:data:`PAGE_LABELS` in the page's language, translated on first use.

    Markup, as the template's own ``_()`` would give: the wording is ours and its translators'.
    """
    kept: dict[str, Mapping[str, Markup]] = current_app.extensions.setdefault(
        PAGE_LABELS_EXTENSION, {}
    )
    language = str(get_locale())
    labels = kept.get(language)
    if labels is None:
        labels = MappingProxyType(
            {key: Markup(_(message)) for key, message in PAGE_LABELS.items()}  # noqa: S704
        )
        kept[language] = labels  # one per language in LANGUAGES; a racing twin is identical
    return labels


def _page_language() -> AbstractContextManager[None]:
    """The language picked with a public page's own switcher (``?lang=``), else the usual one.

    Anonymous visitors of public pages get a switcher that changes nothing (see base.html), so
    showing the page starts no session and needs no CSRF token.
    """
    chosen = request.args.get("lang", "")
    return force_locale(chosen) if chosen in LANGUAGES else nullcontext()


def local_date(moment: datetime | None) -> str | None:
    """A date in the reader's language (issue and expiry dates need no time of day)."""
    return None if moment is None else str(format_date(moment, "long"))


def render_markdown(text: str) -> Markup:
    """CommonMark with raw HTML off (and unsafe link schemes refused), safe to embed."""
    return Markup(markdown_html(text))  # noqa: S704 - markdown-it escapes all text when html is off


@bp.get("/credentials/<uuid:public_id>.json")
def credential_json(public_id: UUID) -> ResponseReturnValue:
    """The signed credential exactly as issued, as a download."""
    credential = _credential(public_id)
    return _download(credential.document.encode(), VC_JSON, f"{credential.public_id}.json")


@bp.get("/credentials/<uuid:public_id>.png")
def credential_png(public_id: UUID) -> ResponseReturnValue:
    """The badge PNG with the credential baked in (shown inline: it is also the og:image)."""
    credential = _credential(public_id)
    return _conditional(Response(baked_png(db_session(), credential), mimetype=PNG), PRIVATE)


@bp.get("/credentials/<uuid:public_id>.svg")
def credential_svg(public_id: UUID) -> ResponseReturnValue:
    """The badge SVG with the credential baked in, as a download under a no-script CSP."""
    credential = _credential(public_id)
    body = baked_svg(db_session(), credential).encode()
    return _download(body, SVG, f"{credential.public_id}.svg")


@bp.get("/credentials/<uuid:public_id>/qr.svg")
def qr_svg(public_id: UUID) -> ResponseReturnValue:
    """QR code of the public page, as SVG."""
    credential = _credential(public_id)
    svg = credential_qr_svg(current_settings().base_url, credential.public_id)
    response = Response(svg, mimetype=SVG)
    response.headers["Content-Security-Policy"] = SVG_CSP
    return _conditional(response, PRIVATE)


@bp.get("/credentials/<uuid:public_id>/qr.png")
def qr_png(public_id: UUID) -> ResponseReturnValue:
    """QR code of the public page, as PNG."""
    credential = _credential(public_id)
    png = credential_qr_png(current_settings().base_url, credential.public_id)
    return _conditional(Response(png, mimetype=PNG), PRIVATE)


@bp.get("/credentials/<uuid:public_id>/certificate.pdf")
def certificate(public_id: UUID) -> ResponseReturnValue:
    """A printable certificate; the name shows when allowed, or for the recipient and admins."""
    credential = _credential(public_id)
    session = db_session()
    insider = _viewer_is_insider(session, credential)
    view = credential_view(session, credential, now=current_clock().now(), with_name=insider)
    pdf = certificate_pdf(
        Certificate(
            recipient_name=view.recipient_name or "",
            achievement_name=view.achievement_name,
            description=view.description,
            issuer_name=view.issuer_name,
            issued=local_date(view.issued) or "",
            expires=local_date(view.expires),
            url=credential_url(current_settings().base_url, view.public_id),
            labels=_certificate_labels(),
        )
    )
    return _download(pdf, "application/pdf", f"{credential.public_id}.pdf")


def _certificate_labels() -> dict[str, str]:
    return {
        "title": _("Certificate"),
        "awarded_to": _("This certifies that"),
        "issued_by": _("Issued by"),
        "issued": _("Issued on"),
        "expires": _("Valid until"),
        "verify": _("Check that this certificate is genuine:"),
    }


@bp.get("/status/<int:list_id>")
def status_list(list_id: int) -> ResponseReturnValue:
    """The signed status list credential, as every verifier fetches it (any origin may read)."""
    found = db_session().get(StatusList, list_id)
    if found is None or found.credential_json is None:
        abort(404)
    response = Response(found.credential_json, mimetype=VC_JSON)
    response.headers["Cache-Control"] = f"public, max-age={int(STATUS_LIST_TTL.total_seconds())}"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/achievements/<int:achievement_id>")
def achievement(achievement_id: int) -> ResponseReturnValue:
    """What the achievement is; the OB ``Achievement`` as JSON when the client asks for JSON."""
    session = db_session()
    found = session.get(Achievement, achievement_id)
    if found is None:
        abort(404)
    issuer = session.get_one(Issuer, found.issuer_id)
    wanted = request.accept_mimetypes.best_match(["text/html", *JSON_TYPES])
    if wanted in JSON_TYPES:
        document = achievement_document(found, issuer, base_url=current_settings().base_url)
        response = Response(json.dumps(document, ensure_ascii=False), mimetype=wanted)
        response.headers["Access-Control-Allow-Origin"] = "*"
    else:
        criteria = render_markdown(found.criteria_narrative)
        with _page_language():
            html = render_template(
                "credentials/achievement.html",
                achievement=found,
                issuer=issuer,
                criteria_html=criteria,
            )
        response = Response(html)
    response.vary.add("Accept")
    return response


@bp.get("/achievements/<int:achievement_id>/image")
def achievement_image(achievement_id: int) -> ResponseReturnValue:
    """The badge image (the achievement's own, or the platform's default artwork)."""
    found = db_session().get(Achievement, achievement_id)
    if found is None:
        abort(404)
    image = badge_image(found)
    return _image_response(image.data, image.media_type)


@bp.get("/issuers/<slug>/logo")
def issuer_logo(slug: str) -> ResponseReturnValue:
    """The issuer's uploaded logo; 404 when it has none."""
    issuer = get_issuer(db_session(), slug)  # IssuerNotFound -> 404
    if not issuer.logo_data or issuer.logo_media_type not in {PNG, SVG}:
        abort(404)
    return _image_response(issuer.logo_data, issuer.logo_media_type)


def _image_response(data: bytes, media_type: str) -> Response:
    response = Response(data, mimetype=media_type)
    if media_type == SVG:
        response.headers["Content-Security-Policy"] = SVG_CSP
    return _conditional(response, PUBLIC_IMAGE)


def _conditional(response: Response, cache_control: str) -> Response:
    """Add an ETag (so revalidation is a 304) and the caching rule."""
    response.headers["Cache-Control"] = cache_control
    response.add_etag()
    response.make_conditional(request)
    return response


def _download(body: bytes, media_type: str, filename: str) -> Response:
    response = Response(body, mimetype=media_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    if media_type == SVG:
        response.headers["Content-Security-Policy"] = SVG_CSP
    return _conditional(response, PRIVATE)
