"""The embedded platform: everything on one machine, no AWS account (``crosslive dev``)."""
