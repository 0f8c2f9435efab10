"""Live insights: funnel, sentiment, hot questions, alerts."""
