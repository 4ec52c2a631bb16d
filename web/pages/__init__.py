"""The handlers of the pages, one module per area; each is a `web.http.page` of the roles it serves."""
