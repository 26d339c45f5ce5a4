"""A local Sphinx extension that keeps the built site self-contained.

Jupyter Book always loads sphinx-thebe, which adds scripts for running code cells on a
remote kernel (and names a CDN for thebe itself). This book is read offline and runs its
code locally, so those scripts are removed before any page is written.
"""


def _drop_thebe(app):
    for event in ("env-before-read-docs", "doctree-resolved"):
        app.events.listeners[event] = [
            listener
            for listener in app.events.listeners[event]
            if getattr(listener.handler, "__module__", "") != "sphinx_thebe"
        ]


def setup(app):
    app.connect("builder-inited", _drop_thebe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
