"""Attachments: files typed by their content, images re-encoded, bytes kept in a storage
(a folder or the database), text extracted for search off the request."""
