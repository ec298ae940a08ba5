"""`babybliss serve`: the HTTP API and the page (FastAPI), with dynamic batching; templates and static files beside it."""
