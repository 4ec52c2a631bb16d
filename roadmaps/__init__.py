"""Reading roadmap documents (дорожные карты) into items, metadata and executors.

Entry point: :func:`roadmaps.reader.read_document`.
"""
