"""Comments: post, list and push danmaku across markets."""
