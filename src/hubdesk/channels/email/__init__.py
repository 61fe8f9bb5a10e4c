"""E-mail: parsing received MIME, SMTP and HTTP intake, files, outbound delivery."""
