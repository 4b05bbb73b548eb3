"""Every route is either deliberately public or behind a login and a role."""

from __future__ import annotations

from flask import Flask

from badges.web.auth import ACCESS_ATTRIBUTE

#: Endpoints anyone may reach. Adding one here is a security decision: say why in the review.
PUBLIC_ENDPOINTS = {
    "static",  # site CSS and icons
    "home.index",  # landing page
    "auth.login",
    "auth.register_page",
    "auth.logout",  # POST with CSRF; harmless when signed out
    "i18n.choose_language",  # POST with CSRF; stores a preference only
    "health.health",  # reachability only, no data
    "issuer_public.did_document",  # issuers' public keys: verifiers must resolve them
    "issuer_public.platform_did_document",  # the platform's did:web document (no secrets)
    "verifier_pages.verify_form",  # anyone may check a badge: that is the point
    "verifier_pages.verify",  # POST with CSRF, rate-limited, keeps only anonymous daily counts
    "verifier_api.verify",  # JSON API, CSRF-exempt, rate-limited, keeps only anonymous counts
    "verifier_api.openapi",  # the API's description
    # Credential pages and downloads check visibility themselves (404 unless shared, or the viewer
    # is the recipient or an admin of the issuer).
    "issuer_credentials.page",
    "issuer_credentials.credential_json",
    "issuer_credentials.credential_png",
    "issuer_credentials.credential_svg",
    "issuer_credentials.qr_svg",
    "issuer_credentials.qr_png",
    "issuer_credentials.certificate",
    "issuer_credentials.status_list",  # signed status lists: verifiers must fetch them
    "issuer_credentials.achievement",  # the achievement a credential's id points at
    "issuer_credentials.achievement_image",
    "issuer_credentials.issuer_logo",
    "issuer_backpack.claim_page",  # GET only: explains the claim link, claims nothing
    "paths_maps.framework_page",  # the published competence framework (no personal data)
    "paths_maps.framework_svg",
    "paths_public.element",  # what credentials' alignments point at (no personal data)
    "paths_public.evidence",  # 404 unless the participant made their evidence public
    "issuer_claims.claim",  # event attendees claim without an account; token, CSRF, rate-limited
    "issuer_claims.confirm",  # the emailed confirmation link; POST with CSRF, single use
}


def test_every_endpoint_is_public_or_protected(app: Flask) -> None:
    unprotected = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in PUBLIC_ENDPOINTS
        and not getattr(app.view_functions[rule.endpoint], ACCESS_ATTRIBUTE, None)
    ]

    assert unprotected == []


def test_the_public_list_names_only_real_endpoints(app: Flask) -> None:
    assert set(app.view_functions) >= PUBLIC_ENDPOINTS


def test_protected_pages_turn_strangers_away(app: Flask) -> None:
    client = app.test_client()
    protected = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in PUBLIC_ENDPOINTS and "GET" in (rule.methods or set())
    ]
    assert protected, "expected at least one protected page"
    for rule in protected:
        if rule.arguments:
            continue
        response = client.get(rule.rule)
        assert response.status_code in {302, 401}, rule.rule
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login")
