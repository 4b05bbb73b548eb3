"""Web plumbing shared by every blueprint: sessions, sign-in, errors, security, languages."""
